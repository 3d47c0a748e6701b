"""The data formats, usable without the command line: each writer yields the text of its
format for rows already selected and ranked.

    words.py       counted words: tsv, csv, json (a saved count with -n 0), jsonl
    keywords.py    keywords against a reference: the same four formats
    benchmark.py   --benchmark's timings: the same four formats
    escaping.py    what each format escapes in a word or a path
"""
