"""The engine: plan the work, count it in workers, merge what they return.

    options.py        CountOptions, every setting a worker needs
    planner.py        files ─▶ WorkUnits: byte ranges of big files, batches of small ones
    units.py          WorkUnit, and how it travels to a worker
    worker.py         count_unit, the worker's function (a file that fails counted not at
                      all); count_stream for stdin and FIFOs
    small_files.py    whole small files: a batch through the counter, or read in one call
    file_ranges.py    a range, file or stream read in chunks, its content judged
    unit_texts.py     each text of a unit to a WordCounter, shared or its own
    unit_account.py   what a unit found, made into its UnitResult
    text_warnings.py  the warnings a text raised (invalid UTF-8, an unspaced script)
    merge.py          UnitResult per unit ─▶ one CountResult; a file's ranges held apart
                      until all are in
    run.py            count_inputs: serially, in a pool or on Dask
    pool.py           the units in a pool of worker processes
    lifecycle.py      how worker processes start, fail and stop
    cluster.py        the units on a Dask cluster
    cluster_connection.py  reaching it: the scheduler (file), a worker, within --timeout
    cluster_health.py  every worker fit to count; a run with no worker left ended
    cluster_progress.py  the workers' bytes read, reported as they read
    cluster_worker.py  what a Dask worker runs per unit, naming itself in its errors
    cluster_reduce.py each unit's result from the cluster, added up as it completes
    dask_import.py    Dask's client, imported without the extras a client never uses
    streams.py        StreamInputs: what only this process can read, counted one by one
    benchmark.py      --benchmark: the serial baseline and a parallel run, timed alike

"Counter" here means a words.counter.WordCounter only. The engine imports neither click
nor rich; every setting arrives as an argument; the ways a whole run fails are raised
from wordcount.exceptions.
"""
