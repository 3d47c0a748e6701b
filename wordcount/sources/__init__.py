"""Where the bytes come from, and what they are.

    paths.py     the PATHs a user typed ─▶ files to plan and streams to read here
    ignore.py    .gitignore, .ignore and .git/info/exclude, read and matched as git does
    opening.py   a local path or an fsspec URL (globs, storage options), opened or listed
    content.py   a file's first bytes judged: compressed, encoded, binary or plain text
    detection.py which legacy encoding a file that is not UTF-8 is in, when it can tell
    plausibility.py how much a text, as an encoding decodes it, looks like real writing
    identity.py  a file's identity when found, and whether a worker read that same file
    ranges.py    FileRange: bytes [start, end) of one file, and reading them in chunks
    problems.py  what went wrong with which input

Nothing here imports the engine, the CLI or the word rules.
"""
