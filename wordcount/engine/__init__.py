"""The engine: plan the work, count it in workers, merge what they return.

    options.py    CountOptions, every setting a worker needs
    planner.py    files ─▶ WorkUnits (units.py): byte ranges of big files, batches of small
    worker.py     count_unit, the worker's function; count_stream for stdin and FIFOs
    merge.py      UnitResult per unit ─▶ one CountResult
    run.py        count_inputs: serially, in a pool (pool.py, lifecycle.py) or on Dask
                  (cluster.py); streams.py reads what only this process can
    benchmark.py  --benchmark: the serial baseline and a parallel run, timed alike

The ways a whole run fails are raised from wordcount.exceptions.

The engine imports neither click nor rich; every setting arrives as an argument.
"""
