"""``pledgeflow plan``: plan a scenario and write its plan.

    pledgeflow plan SCENARIO.json -o PLAN.json [--training-time-limit SECONDS] [--quiet]

Reads and checks the scenario, plans it (optimal allocation, first-come-first-served baseline, training when
the scenario has any), writes ``pledgeflow/plan-v1`` atomically and prints a short summary of what the plan
achieves against the baseline. Progress goes to stderr on long runs; ``--quiet`` silences both.

Exit status: 0 planned; 2 invalid input (every error of the scenario printed as ``path: message`` on stderr,
and the output file neither created nor touched); 1 any other failure (the output file is left as it was).

Where the scenario comes from is decided in :func:`read_scenario` alone, and the ``SCENARIO`` argument is
optional for the parser, so another source (such as the live database) needs only its own option and one
branch there.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from pledgeflow.engine.errors import PledgeflowError, ScenarioError
from pledgeflow.engine.model import PRIORITIES, Scenario
from pledgeflow.engine.plan import make_plan, write_plan
from pledgeflow.engine.scenario import load_scenario

PRIORITY_NAMES = {1: "critical", 2: "high", 3: "medium", 4: "routine"}

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2


class InputError(Exception):
    """The command's input cannot be used; ``lines`` say why, one finding per line."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``pledgeflow plan`` to the command line."""
    parser = sub.add_parser(
        "plan",
        help="plan a scenario: optimal allocation and training, compared with first-come-first-served",
        description=(
            "Plan a pledgeflow/scenario-v1 document and write a pledgeflow/plan-v1 document. Exit status 0 "
            "on success, 2 when the input is invalid (every error listed, no output written), 1 on other "
            "failures."
        ),
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO.json",
        help="the scenario to plan (pledgeflow/scenario-v1); - reads it from standard input",
    )
    parser.add_argument("-o", "--output", required=True, metavar="PLAN.json", help="where to write the plan")
    parser.add_argument(
        "--training-time-limit",
        type=_positive_seconds,
        metavar="SECONDS",
        help="stop the training search after this many (deterministic) seconds with the best plan found; "
        "by default it runs until the plan is proven optimal",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument(
        "--from-db",
        action="store_true",
        help="plan the current database snapshot (what a plan run plans) instead of a scenario file",
    )
    parser.add_argument(
        "--snapshot-out",
        metavar="SCENARIO.json",
        help="with --from-db: also write the snapshot planned, for `pledgeflow explain`",
    )
    parser.set_defaults(func=run)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds greater than 0, not {text!r}")
    return value


def read_scenario(args: argparse.Namespace) -> tuple[Scenario, str]:
    """The scenario the command line names, and a short name for it in messages.

    Raises :class:`InputError` when there is none or it cannot be read, and
    :class:`~pledgeflow.engine.errors.ScenarioError` when it is invalid.
    """
    if getattr(args, "from_db", False):
        from pledgeflow.planning.cli_support import plan_from_db

        return plan_from_db(args)
    if not args.scenario:
        raise InputError(
            "error: give the scenario to plan, e.g. `pledgeflow plan scenario.json -o plan.json`"
        )
    if args.scenario == "-":
        return load_scenario(sys.stdin.buffer.read()), "the scenario on standard input"
    path = Path(args.scenario)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"error: cannot read the scenario {str(path)!r}: {exc.strerror or exc}") from None
    return load_scenario(data), str(path)


def check_output(path: Path) -> None:
    """Refuse an output path that can never be written, before any time is spent planning."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"error: the output {str(path)!r} is a folder; give a file name such as plan.json")
    if not folder.is_dir():
        raise InputError(f"error: the folder {str(folder)!r} of the output does not exist; create it first")


def run(args: argparse.Namespace) -> int:
    """Carry out ``pledgeflow plan``; returns the exit status."""
    began = time.perf_counter()
    output = Path(args.output)
    problems: list[str] = []
    try:
        check_output(output)
    except InputError as exc:
        problems.extend(exc.lines)
    scenario: Scenario | None = None
    name = ""
    try:
        scenario, name = read_scenario(args)
    except InputError as exc:
        problems[:0] = exc.lines
    except ScenarioError as exc:
        print_scenario_errors(exc, _source_name(args), sys.stderr)
    for line in problems:
        print(line, file=sys.stderr)
    if problems or scenario is None:
        return EXIT_INVALID
    read_seconds = time.perf_counter() - began

    progress = None if args.quiet else ProgressLine(sys.stderr)
    try:
        doc = make_plan(scenario, progress=progress, training_time_limit=args.training_time_limit)
    except PledgeflowError as exc:
        _finish(progress)
        print(f"error: planning failed: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # a defect: say so plainly, leave the output alone, exit 1
        _finish(progress)
        print(f"error: planning failed unexpectedly ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_FAILURE
    _finish(progress)

    doc["stats"]["read_seconds"] = round(read_seconds, 4)
    doc["stats"]["seconds"] = round(time.perf_counter() - began, 4)
    try:
        write_plan(doc, output)
    except OSError as exc:
        print(f"error: cannot write the plan to {str(output)!r}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILURE
    if not args.quiet:
        print(format_summary(doc, scenario, name, str(output), time.perf_counter() - began))
    return EXIT_OK


def _source_name(args: argparse.Namespace) -> str:
    """How messages name where the scenario came from."""
    if getattr(args, "from_db", False):
        return "the database snapshot"
    if args.scenario == "-":
        return "the scenario on standard input"
    return str(args.scenario or "the scenario")


def print_scenario_errors(exc: ScenarioError, name: str | None, out: TextIO) -> None:
    """Print every issue of an invalid scenario as ``path: message``, after one line saying what happened."""
    count = len(exc.errors)
    print(
        f"error: {name or 'the scenario'} is not a valid pledgeflow/scenario-v1 document "
        f"({count} error{'s' if count != 1 else ''}); nothing was written:",
        file=out,
    )
    for issue in exc.errors:
        print(f"{issue.path}: {issue.message}", file=out)


def _finish(progress: ProgressLine | None) -> None:
    if progress is not None:
        progress.close()


class ProgressLine:
    """Shows how far a long run is: one line rewritten in place on a terminal, a few log lines otherwise.

    Nothing is shown for the first second, so quick runs stay quiet. In a log (not a terminal) a line is
    written when the run passes another tenth of the way, or every few seconds when it does not.
    """

    DELAY = 1.0
    TERMINAL_EVERY = 0.2
    LOG_EVERY = 5.0

    def __init__(self, out: TextIO, *, clock: Any = time.monotonic) -> None:
        self._out = out
        self._clock = clock
        self._began = clock()
        self._terminal = bool(getattr(out, "isatty", lambda: False)())
        self._last_shown = float("-inf")
        self._last_percent = -100
        self._last_message = ""
        self._width = 0

    def __call__(self, fraction: float, message: str) -> None:
        now = self._clock()
        if now - self._began < self.DELAY:
            return
        percent = int(fraction * 100)
        if self._terminal:
            due = now - self._last_shown >= self.TERMINAL_EVERY
        else:
            # A log gets a line every few seconds, and one whenever the run passes another tenth.
            due = now - self._last_shown >= self.LOG_EVERY or percent // 10 != self._last_percent // 10
        if not due or (percent == self._last_percent and message == self._last_message):
            return
        self._last_shown, self._last_percent, self._last_message = now, percent, message
        line = f"planning {percent:3d}%  {message}"
        if self._terminal:
            self._out.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self._out.write(line + "\n")
        self._out.flush()

    def close(self) -> None:
        """Clear the rewritten line, so what follows starts on a clean line."""
        if self._terminal and self._width:
            self._out.write("\r" + " " * self._width + "\r")
            self._out.flush()
            self._width = 0


# -- the human summary ------------------------------------------------------------------------------------


def _n(value: int) -> str:
    return f"{value:,}"


def _delta(plan: int, baseline: int) -> str:
    change = plan - baseline
    return f"{_n(plan)} ({'+' if change >= 0 else '-'}{_n(abs(change))})"


def _totals(by_priority: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    keys = ("required", "on_time", "late", "unmet")
    return {k: sum(int(by_priority.get(str(p), {}).get(k, 0)) for p in PRIORITIES) for k in keys}


def format_summary(doc: Mapping[str, Any], scenario: Scenario, name: str, output: str, seconds: float) -> str:
    """A few lines saying what the plan achieves, per priority, against first-come-first-served."""
    baseline = doc["baseline"]
    lines = [
        f"Planned {name}: {len(scenario.requirements):,} requirements, {len(scenario.pledges):,} pledges "
        f"-> {output} ({doc['status']}, {seconds:.2f} s).",
    ]
    objective, base_objective = int(doc["objective"]), int(baseline["objective"])
    alloc_objective = int(doc.get("allocation_objective", objective))
    saved = base_objective - alloc_objective
    share = f", {saved / base_objective:.1%} lower" if base_objective > 0 and saved > 0 else ""
    what = "Allocation objective" if "allocation_objective" in doc else "Objective"
    lines.append(f"{what} {_n(alloc_objective)} against {_n(base_objective)} first-come-first-served{share}.")
    lines.append("")
    header = f"{'priority':<12}{'required':>12}{'on time':>20}{'late':>20}{'unmet':>20}"
    lines.append(header)
    plan_rows, base_rows = doc["summary"]["by_priority"], baseline["summary"]["by_priority"]
    rows = [
        (f"{p} {PRIORITY_NAMES[p]}", plan_rows.get(str(p), {}), base_rows.get(str(p), {})) for p in PRIORITIES
    ]
    rows.append(("total", _totals(plan_rows), _totals(base_rows)))
    for label, mine, theirs in rows:
        cells = [
            _delta(int(mine.get(k, 0)), int(theirs.get(k, 0))).rjust(20) for k in ("on_time", "late", "unmet")
        ]
        lines.append(f"{label:<12}{_n(int(mine.get('required', 0))):>12}{''.join(cells)}")
    lines.append("(units; in brackets the change against first-come-first-served)")
    lines.append(_bought(_totals(plan_rows), _totals(base_rows), plan_rows, base_rows))
    if "training" in doc:
        lines.extend(_training_lines(doc))
    return "\n".join(lines)


def _bought(
    mine: Mapping[str, int],
    theirs: Mapping[str, int],
    plan_rows: Mapping[str, Mapping[str, int]],
    base_rows: Mapping[str, Mapping[str, int]],
) -> str:
    """One sentence on what optimisation bought, led by the most critical priority it improved."""
    gains = []
    for p in PRIORITIES:
        ours, spreadsheet = plan_rows.get(str(p), {}), base_rows.get(str(p), {})
        more_on_time = int(ours.get("on_time", 0)) - int(spreadsheet.get("on_time", 0))
        fewer_unmet = int(spreadsheet.get("unmet", 0)) - int(ours.get("unmet", 0))
        if more_on_time > 0 or fewer_unmet > 0:
            parts = []
            if more_on_time > 0:
                parts.append(f"{_n(more_on_time)} more units on time")
            if fewer_unmet > 0:
                parts.append(f"{_n(fewer_unmet)} fewer unmet")
            gains.append(f"{' and '.join(parts)} at priority {p} ({PRIORITY_NAMES[p]})")
    if not gains:
        return (
            "Optimisation bought nothing here: first-come-first-served already does as well on this scenario."
        )
    return "Optimisation bought " + "; ".join(gains) + "."


def _training_lines(doc: Mapping[str, Any]) -> list[str]:
    training = doc["training"]
    assigned = len(training.get("assignments", []))
    unassigned = list(training.get("unassigned", []))
    status = training.get("status", "?")
    text = f"Training: {assigned} cohort{'s' if assigned != 1 else ''} assigned"
    if unassigned:
        shown = ", ".join(unassigned[:5]) + (", ..." if len(unassigned) > 5 else "")
        text += f", {len(unassigned)} unassigned ({shown})"
    text += f"; cost {_n(int(training.get('objective', 0)))} ({status}"
    if status != "optimal" and "bound" in training:
        text += f", proven bound {_n(int(training['bound']))}"
    text += f"). Total objective {_n(int(doc['objective']))}."
    lines = ["", text]
    packages = list(doc.get("packages", []))
    if packages:
        on_time = sum(1 for k in packages if k.get("days_late") == 0)
        never = [k["id"] for k in packages if k.get("readiness") is None]
        late = [k["id"] for k in packages if (k.get("days_late") or 0) > 0]
        text = f"Packages: {on_time} of {len(packages)} ready on time"
        if late:
            text += f"; late: {', '.join(late[:5])}{', ...' if len(late) > 5 else ''}"
        if never:
            text += f"; never ready: {', '.join(never[:5])}{', ...' if len(never) > 5 else ''}"
        lines.append(text + ".")
    alerts = list(doc.get("alerts", []))
    if alerts:
        lines.append(
            f"Alerts for the training coordinator: {len(alerts)}; the first: {alerts[0].get('message', '')}"
        )
    return lines
