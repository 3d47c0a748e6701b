"""The library layer: what a count means, after the engine has counted it.

    selection.py     which words a report shows: stop words, minimum length and count
    stopwords.py     the built-in stop-word lists and the user's, read as inputs are
    ranking.py       the order of the rows (count descending, then word), and ties
    statistics.py    the totals every format gives, and --stats
    saved_counts.py  the saved-count JSON: its header, reading it back, its checks
    saved_words.py   a saved count's words, held to the rule of its word options
    corpora.py       a corpus: counted PATHs plus saved counts, added up
    keywords.py      keywords against a reference: log-likelihood and log ratio

Nothing here prints, exits or imports click or rich: it raises wordcount.exceptions.
"""
