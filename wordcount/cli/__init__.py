"""The command line and everything it shows: the only part of wordcount that imports click
or rich. It parses the options, calls the Python API (wordcount.api), presents what it
returns, and alone turns errors into messages and exit statuses.

    launch.py        the console script's entry point: Ctrl-C and memory while importing
    command.py       main(): parse, check (the API's checks), hand a Run to run.py
    options.py       the option groups, each handing main one named tuple
    help.py          --help in sections, one per option group
    completion.py    shell completion of paths and stop-word lists
    file_lists.py    the PATHs: typed, from a --files-from list, or standard input
    run.py           a Run: count through the API, report or time, failures in one line
    report.py        the report step: counts or keywords, in the chosen format
    benchmark.py     --benchmark: the two timed runs, as the command prints them
    terminal.py      the rich table, the stats panel, the benchmark table
    keyword_table.py the keywords as a terminal shows them
    progress.py      the progress bar on stderr
    output.py        writing the data to stdout, -o FILE or -o URL, and when it cannot be
    messages.py      warnings, errors and the summary line on stderr
    ending.py        how the command ends: exit statuses, the line for each failure
"""
