"""A run of the command with every choice made and checked: count through the API, then
report, or time (--benchmark); each failure it expects reported in one line.

    execute(Run) ─▶ -o FILE opened (output.output_file); it and its temporary file are
                    left out of the count wherever a walk finds them
                 ─▶ the target counted, and the reference with --against (the API)
                 ─▶ problems and notes on stderr, the report on stdout (report.py)
                 ─▶ FILE committed only if the report finished
"""

from __future__ import annotations

import sys
import time
from typing import NamedTuple

from wordcount.api.counts import Counts
from wordcount.api.request import CountRequest
from wordcount.cli.ending import Finished, OneLineUsageError, Outcome, report_failure
from wordcount.cli.messages import report_problems, report_summary
from wordcount.cli.options import BenchmarkChoices, OutputChoices
from wordcount.cli.output import OutputFailure, check_stdout, output_file
from wordcount.cli.progress import progress_bar
from wordcount.cli.report import write_keywords, write_report
from wordcount.exceptions import ClusterUnavailable, NothingToCompare, WorkerFailure

# The failures a run ends with: each gets one line on stderr (or none, for a signal).
_FAILURES = (KeyboardInterrupt, ClusterUnavailable, WorkerFailure, MemoryError, OutputFailure)


class Run(NamedTuple):
    """A run with every choice made and checked."""

    target: CountRequest
    # With --against or --against-counts: the reference corpus, counted as the target is.
    reference: CountRequest | None
    output: OutputChoices
    output_format: str
    benchmark: BenchmarkChoices


def execute(run: Run) -> Outcome:
    """Count and report; a failure is reported in one line and returned. With -o FILE, the
    report replaces FILE only if the run finished it: after a failure, or Ctrl-C, FILE is
    as it was (and with --benchmark, also when there was nothing to time)."""
    try:
        storage = run.target.options.storage_options
        with output_file(run.output.output_file, storage) as file:
            if file is not None:
                run = _skipping(run, file.own_files())
            outcome = _count_and_report(run)
            if file is not None and isinstance(outcome, Finished) and not outcome.nothing_to_time:
                file.commit()
    except _FAILURES as failure:  # the file could not be made or renamed; Ctrl-C in it
        report_failure(failure, output_started=False)
        return failure
    return outcome


def _skipping(run: Run, files: frozenset[tuple[int, int]]) -> Run:
    """The run, its target and reference leaving out these files wherever a walk finds
    them: -o FILE and its temporary file are never counted."""
    reference = run.reference.skipping(files) if run.reference is not None else None
    return run._replace(target=run.target.skipping(files), reference=reference)


def _count_and_report(run: Run) -> Outcome:
    """Count and report; a failure is reported in one line and returned."""
    output = run.output
    output_started = False
    try:
        check_stdout()
        if run.benchmark.benchmark:
            return _benchmark(run)
        started = time.perf_counter()
        target, reference = _count(run)
        elapsed = time.perf_counter() - started
        problems = [*target.problems, *(reference.problems if reference else [])]
        report_problems(problems, quiet=output.quiet)
        # With -o FILE a failure leaves FILE as it was, however far the report got.
        output_started = output.output_file in (None, "-")
        finished = _report(run, target, reference, elapsed)
        if not output.quiet:
            hidden = target.hidden_skipped + (reference.hidden_skipped if reference else 0)
            report_summary(problems, hidden_skipped=hidden)
    except _FAILURES as failure:  # Ctrl-C, or Terminated by SIGTERM or SIGHUP, among them
        report_failure(failure, output_started=output_started)
        return failure
    return finished


def _count(run: Run) -> tuple[Counts, Counts | None]:
    """The target, and the reference if there is one, with the progress bar on stderr."""
    output = run.output
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    with progress_bar(not (output.quiet or output.no_progress)) as progress:
        target = run.target.run(progress=progress, stdin=stdin)
        reference = None
        if run.reference is not None:
            reference = run.reference.run(progress=progress, stdin=stdin)
    return target, reference


def _report(run: Run, target: Counts, reference: Counts | None, elapsed: float) -> Finished:
    if reference is None:
        return write_report(target, run.output, output_format=run.output_format, elapsed=elapsed)
    try:
        return write_keywords(
            target, reference, run.output, output_format=run.output_format, elapsed=elapsed
        )
    except NothingToCompare as nothing:  # one line, status 2, as --benchmark with nothing
        raise OneLineUsageError(str(nothing)) from None


def _benchmark(run: Run) -> Outcome:
    # Imported here: statistics and the timing code cost every other run 7 ms.
    from wordcount.cli.benchmark import run_benchmark_command

    return run_benchmark_command(
        run.target.paths,
        run.target.count_paths(),
        jobs=run.target.workers(),
        repeat=run.benchmark.repeat,
        quiet=run.output.quiet,
        output_format=run.output_format,
    )
