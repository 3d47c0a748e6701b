"""How the command ends: its exit statuses (part of the contract with shell scripts), the
one line for a run that could not finish, and the same for a run that never started (a
usage error, --help or --version written where they cannot be, Ctrl-C while the options
are read). The console script's entry point, which must work before any of this can be
imported, is launch.py.

    a run that finished ─▶ Finished ─────────────────┐
    a failure it expects (worker, cluster, memory,    ├─▶ exit_status_for ─▶ ExitStatus
      output, Ctrl-C) ─▶ report_failure: one line ────┘
    no run: OneLineCommand.main ─▶ one line, a documented status
    stopped before the run (a --files-from FIFO, a saved count loading):
      OneLineCommand.invoke ─▶ quietly 128 + the signal; out of memory: one line, 5

Each is one line on stderr and a documented status, the same in-process (click's
CliRunner) as from the console script; click's own standalone mode would print a usage
block for a bad option, and a traceback for --help into a full disk.
"""

from __future__ import annotations

import errno
import signal
import sys
from collections.abc import Sequence
from enum import IntEnum
from typing import Any, NamedTuple

import click

from wordcount.cli.messages import error, escape_controls, quote_path
from wordcount.cli.output import OutputFailure, silence_stdout
from wordcount.exceptions import ClusterUnavailable, Terminated, WorkerFailure

# A failure names this many unfinished inputs, so that its message stays one line.
_PATHS_SHOWN = 3


class ExitStatus(IntEnum):
    SUCCESS = 0
    # Some input could not be read; every other input was still counted and reported.
    INPUT_ERROR = 1
    # click's own status for a bad option or argument; also --benchmark given input of
    # which nothing was counted, since there is nothing to time.
    USAGE_ERROR = 2
    # --benchmark: the serial and parallel runs counted differently (a bug, never expected).
    RESULTS_DIFFER = 3
    # A worker process died or failed; the counts would be incomplete, so none are printed.
    WORKER_FAILED = 4
    # Memory ran out (for example under `prlimit --as`); nothing is printed.
    OUT_OF_MEMORY = 5
    # The counts could not be written: a full disk, a closed stdout.
    OUTPUT_FAILED = 6
    # An input changed while it was read (shrank, grew, was rewritten or replaced): the
    # counts, of what was read, are printed, but may be wrong. It wins over INPUT_ERROR:
    # a script that stops at 1 for a missing file would take the counts as sound.
    INPUT_CHANGED = 7
    # A shell reports a command killed by signal N as 128 + N; wordcount exits so when it
    # stops for one. SIGHUP: the terminal went away.
    HANGUP = 128 + signal.SIGHUP
    # SIGINT: Ctrl-C.
    INTERRUPTED = 128 + signal.SIGINT
    # SIGPIPE: the reader of a pipe went away early.
    BROKEN_PIPE = 128 + signal.SIGPIPE
    # SIGTERM: asked to stop; the workers are stopped too.
    TERMINATED = 128 + signal.SIGTERM


class Finished(NamedTuple):
    """A run that got to the end of its report, or whose reader went away first."""

    input_errors: bool = False
    broken_pipe: bool = False
    results_differ: bool = False
    # --benchmark counted nothing (every input skipped, unreadable or empty).
    nothing_to_time: bool = False
    # An input was not, after it was read, what the walk had found (see ExitStatus).
    inputs_changed: bool = False


# How a run ended: finished, or stopped by one of the failures the command expects.
Outcome = (
    Finished | KeyboardInterrupt | ClusterUnavailable | WorkerFailure | MemoryError | OutputFailure
)


def exit_status_for(outcome: Outcome) -> ExitStatus:
    if isinstance(outcome, Finished):
        if outcome.broken_pipe:
            return ExitStatus.BROKEN_PIPE
        if outcome.results_differ:
            return ExitStatus.RESULTS_DIFFER
        if outcome.nothing_to_time:
            return ExitStatus.USAGE_ERROR
        if outcome.inputs_changed:
            return ExitStatus.INPUT_CHANGED
        return ExitStatus.INPUT_ERROR if outcome.input_errors else ExitStatus.SUCCESS
    if isinstance(outcome, Terminated):  # SIGTERM or SIGHUP
        return ExitStatus(128 + outcome.signal_number)
    if isinstance(outcome, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    if isinstance(outcome, ClusterUnavailable):
        return ExitStatus.USAGE_ERROR if outcome.missing_extra else ExitStatus.INPUT_ERROR
    if isinstance(outcome, WorkerFailure):
        return ExitStatus.WORKER_FAILED
    if isinstance(outcome, OutputFailure):
        return ExitStatus.OUTPUT_FAILED
    return ExitStatus.OUT_OF_MEMORY


def report_failure(
    failure: KeyboardInterrupt | ClusterUnavailable | WorkerFailure | MemoryError | OutputFailure,
    *,
    output_started: bool,
) -> None:
    """The one line for a run that could not finish; Ctrl-C and signals need none."""
    if isinstance(failure, (ClusterUnavailable, OutputFailure)):
        error(str(failure))
    elif isinstance(failure, WorkerFailure):
        paths = failure.unfinished_paths
        shown = ", ".join(quote_path(path) for path in paths[:_PATHS_SHOWN])
        more = f" and {len(paths) - _PATHS_SHOWN} more" if len(paths) > _PATHS_SHOWN else ""
        where = f" while counting {shown}{more}" if paths else ""
        error(f"{failure.reason}{where}; nothing was printed")
    elif isinstance(failure, MemoryError):
        outcome = "the output is incomplete" if output_started else "nothing was printed"
        # Python's own MemoryError says nothing; the engine's say where memory ran out.
        where = escape_controls(str(failure)) or "too many distinct words for the memory available"
        error(f"out of memory: {where}; {outcome}")


class OneLineUsageError(click.ClickException):
    """A usage error (status 2) found after parsing, shown as one line on stderr, as
    wordcount's own errors are, rather than under click's usage text."""

    exit_code = ExitStatus.USAGE_ERROR

    def show(self, file: object = None) -> None:
        error(self.format_message())


class OneLineCommand(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        """The command's own work, before its run reports its own failures: reading a
        --files-from list (a FIFO may keep it waiting), loading saved counts and stop
        words, starting ICU. Stopped there, it ends as a run stopped later does: quietly
        with 128 + the signal (click would print a blank line and exit 130 for any), or
        out of memory with one line naming what was being loaded, status 5."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as stop:  # Terminated (SIGTERM, SIGHUP) among them
            raise _stopped_by(stop) from None
        except MemoryError as failure:
            # Python's own says nothing, and report_failure's words for it are the
            # counting's: here nothing had been counted yet.
            report_failure(
                failure if str(failure) else MemoryError("before counting"), output_started=False
            )
            raise click.exceptions.Exit(ExitStatus.OUT_OF_MEMORY) from None

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        """The options read; a Ctrl-C meanwhile ends quietly, as in invoke."""
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as stop:
            raise _stopped_by(stop) from None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command; its exit status is returned, or with standalone_mode (as
        click's runner and the console script use it) exited with."""
        status = _status_of(
            lambda: super(OneLineCommand, self).main(
                args, prog_name, complete_var, standalone_mode=False, **extra
            )
        )
        if standalone_mode:
            sys.exit(status)
        return status


def _stopped_by(stop: KeyboardInterrupt) -> click.exceptions.Exit:
    """click's quiet exit with 128 + the signal: SIGINT's, or Terminated's own."""
    signal_number = stop.signal_number if isinstance(stop, Terminated) else signal.SIGINT
    return click.exceptions.Exit(128 + signal_number)


def _status_of(run: Any) -> int:
    stdout = sys.stdout
    try:
        status = run()
        # --help and --version leave their text in stdout's buffer: a reader gone early
        # shows here, not in the flush at exit, which would end the process with status 1.
        if sys.stdout is not None:
            sys.stdout.flush()
    except click.UsageError as problem:
        message = problem.format_message().replace("\n", " ")
        stop = "" if message.endswith((".", "?", "!", ")")) else "."
        error(f"{message}{stop} Try 'wordcount --help'.")
        return problem.exit_code
    except click.ClickException as problem:
        error(problem.format_message().replace("\n", " "))
        return problem.exit_code
    except click.Abort:  # Ctrl-C while the options were read
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # --help or --version into a pipe closed early
        silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except SystemExit as ending:
        # click's own answer to EPIPE while it writes --help or --version: it puts a wrapper
        # in place of stdout and exits with 1, which scripts would read as an input error.
        # The wrapper's class is click's private business; that stdout was replaced is not.
        if sys.stdout is stdout:
            raise
        silence_stdout()
        del ending
        return ExitStatus.BROKEN_PIPE
    except OSError as failure:  # --help, --version or the last flush: nowhere to write
        silence_stdout()
        if failure.errno == errno.ENOMEM:  # under a memory limit: what ran out is memory
            error("out of memory: while writing the output; the output is incomplete")
            return ExitStatus.OUT_OF_MEMORY
        error(f"cannot write the output: {failure.strerror or failure}")
        return ExitStatus.OUTPUT_FAILED
    # A run returns its ExitStatus, and has checked stdout itself (with -o FILE it needs
    # none); --help and --version end with click's plain 0.
    if sys.stdout is None and not status and not isinstance(status, ExitStatus):
        error("standard output is closed: there is nowhere to write to")
        return ExitStatus.OUTPUT_FAILED
    return int(status or 0)
