"""The word rules: what a word is, and the counters that find words in byte chunks.

    rule.py        the default rule, stated once (reference_words: the specification)
    tokens.py      its fast path in pure Python: raw tokens counted in bulk (TextCounter)
    conversion.py  raw tokens into words, the rule once per distinct one; what counters
                   report (WordCounts, TextFlags per text, FileCounted)
    native.py      the kernel's Python side (NativeTextCounter, Tally, pack_counts)
    kernel/        the kernel in C, one extension module, _kernel (kernel/kernel.h maps it)
    _kernel.pyi    the kernel's types, for mypy
    segment.py     --segment icu: ICU's words (SegmentingCounter, NativeSegmentingCounter)
    ngrams.py      --ngrams N: runs of N consecutive words (NgramCounter)
    pattern.py     --pattern REGEX: a word is what the regex matches (PatternCounter)
    counter.py     WordCounter, the one interface the worker uses, and counter_for

Names: "counter" means a WordCounter and nothing else. Each is called after the rule it
counts by, <Rule>Counter: Text for the default rule, Segmenting for --segment icu, Ngram
for --ngrams, Pattern for --pattern; Native<Rule>Counter is the same rule with the
kernel's Scanner finding the raw tokens, counting exactly what its pure-Python twin does.

This package imports nothing from the rest of wordcount: it knows bytes and words only.
"""
