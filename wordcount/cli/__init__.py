"""The command line and everything it shows: the only part of wordcount that imports click
or rich.

    command.py      main(): parse, check, count, report, exit
    options.py      the option groups, each handing main one named tuple
    report.py       the report step: select, rank, write in the chosen format
    selection.py    stop words, --min-length, --min-count; totals and --stats
    ranking.py      the order of the rows, and --ties
    formats.py      the data formats: tsv, csv, json
    terminal.py     the rich table, the stats panel, the benchmark table
    progress.py     the progress bar on stderr
    messages.py     warnings, errors and the summary line on stderr
    benchmark.py    --benchmark: timing serial against parallel, and its output
    exit_status.py  the exit statuses, and the one function that picks one
"""
