"""The word rules: what a word is, and the counters that find words in byte chunks.

    rule.py     the default rule, stated once (reference_words: the specification)
    tokens.py   its fast path: raw tokens counted in bulk, the rule once per distinct one
    ngrams.py   --ngrams N: runs of N consecutive words
    pattern.py  --pattern REGEX: a word is what the regex matches
    counter.py  the one interface the worker uses, whichever of the three counts

This package imports nothing from the rest of wordcount: it knows bytes and words only.
"""
