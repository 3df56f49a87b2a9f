"""Assemble the ``pledgeflow/plan-v1`` document for a scenario, and write it safely.

:func:`make_plan` runs the optimal allocation, the first-come-first-served baseline and, when the scenario has
training, the training plan and package readiness, and lays their results out exactly as the contract says
(docs/scenario-format.md). Keys come in this order::

    format, scenario_sha256, status, objective, [allocation_objective], allocations, unmet, unallocated,
    summary, baseline, [training, packages, alerts], stats

``status`` is ``"optimal"`` unless the training planner stopped at a time limit, in which case it is the
training's status (``"feasible"``): the allocation is always optimal, but the total is then only as good as
the training part. Everything except ``stats`` (timings, model sizes) is the same for the same scenario bytes.

:func:`write_plan` writes a document atomically: a temporary file in the target's folder, renamed over the
target only once fully written, so a failure never leaves a truncated or half-written plan behind.

The planners are reached through :class:`Planners`, whose default is the real engine; tests pass fakes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from pledgeflow.engine.errors import PlanDocumentError, PlanError, ValidationIssue
from pledgeflow.engine.model import PLAN_FORMAT, Scenario
from pledgeflow.engine.scenario import collector_paused, dump_json

__all__ = [
    "BASELINE_METHOD",
    "Planners",
    "Progress",
    "load_plan",
    "make_plan",
    "plan_bytes",
    "write_plan",
]

BASELINE_METHOD = "first-come-first-served"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Progress = Callable[[float, str], None]
"""Called with the fraction of the work done (0 to 1) and a short message saying what is being done."""


class AllocationLine(Protocol):
    """One allocated pair, as the allocation planner reports it."""

    @property
    def pledge(self) -> str: ...
    @property
    def requirement(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def arrival(self) -> date: ...
    @property
    def days_late(self) -> int: ...


class AllocationOutcome(Protocol):
    """What :func:`make_plan` needs of an allocation result."""

    @property
    def allocations(self) -> Sequence[AllocationLine]: ...
    @property
    def unmet(self) -> Mapping[str, int]: ...
    @property
    def unallocated(self) -> Mapping[str, int]: ...
    @property
    def objective(self) -> int: ...
    @property
    def stats(self) -> Mapping[str, Any]: ...


class TrainingOutcome(Protocol):
    """What :func:`make_plan` needs of a training result."""

    @property
    def objective(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def stats(self) -> Mapping[str, Any]: ...

    def to_document(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Planners:
    """The functions :func:`make_plan` calls; :meth:`default` is the real engine.

    ``allocate(scenario, progress)`` returns the optimal allocation, ``baseline(scenario)`` the
    first-come-first-served one, ``summarize(scenario, result)`` their ``by_priority``/``by_family`` counts,
    ``plan_training(scenario, allocation, time_limit=, progress=)`` the training plan,
    ``package_readiness(scenario, allocation, training)`` the plan's ``packages`` list, and
    ``training_alerts(scenario, allocation, training)`` (optional) the plan's ``alerts``: idle equipment,
    idle crews, unassigned cohorts, sessions under a quarter full.
    """

    allocate: Callable[..., Any]
    baseline: Callable[[Scenario], Any]
    summarize: Callable[[Scenario, Any], dict[str, Any]]
    plan_training: Callable[..., Any]
    package_readiness: Callable[[Scenario, Any, Any], list[dict[str, Any]]]
    training_alerts: Callable[[Scenario, Any, Any], list[dict[str, Any]]] | None = None

    @classmethod
    def default(cls) -> Planners:
        """The engine's own planners (imported here so that fakes need none of them)."""
        from pledgeflow.engine.allocation import planners_sharing_arrays, summarize

        # Both planners read the same numbered arrays of the scenario: build them once per plan.
        allocate, baseline = planners_sharing_arrays()
        return cls(
            allocate=allocate,
            baseline=baseline,
            summarize=summarize,
            plan_training=_plan_training,
            package_readiness=_package_readiness,
            training_alerts=_training_alerts,
        )


def _plan_training(scenario: Scenario, allocation: Any, **options: Any) -> Any:
    # Imported on use: a scenario without training never loads the training solver.
    from pledgeflow.engine.training import plan_training

    return plan_training(scenario, allocation, **options)


def _package_readiness(scenario: Scenario, allocation: Any, training: Any) -> list[dict[str, Any]]:
    from pledgeflow.engine.readiness import package_readiness

    packages: list[dict[str, Any]] = package_readiness(scenario, allocation, training)
    return packages


def _training_alerts(scenario: Scenario, allocation: Any, training: Any) -> list[dict[str, Any]]:
    from pledgeflow.engine.readiness import training_alerts

    alerts: list[dict[str, Any]] = training_alerts(scenario, allocation, training)
    return alerts


class _Phases:
    """Turns each phase's own 0..1 progress into the whole run's, so the user sees one rising percentage."""

    def __init__(self, progress: Progress | None, has_training: bool) -> None:
        self._progress = progress
        # Shares of the whole run, from what the phases typically cost.
        shares = [("allocation", 0.6), ("baseline", 0.15)]
        if has_training:
            shares = [("allocation", 0.45), ("baseline", 0.1), ("training", 0.4), ("packages", 0.05)]
        self._span: dict[str, tuple[float, float]] = {}
        low = 0.0
        for name, share in shares:
            self._span[name] = (low, low + share)
            low += share
        self._phase = shares[0][0]

    def enter(self, phase: str, message: str) -> None:
        self._phase = phase
        self.report(0.0, message)

    def report(self, fraction: float, message: str) -> None:
        """A phase's own progress (``fraction`` of that phase), scaled to the whole run."""
        if self._progress is None:
            return
        low, high = self._span[self._phase]
        done = low + (high - low) * min(max(fraction, 0.0), 1.0)
        self._progress(done, message)

    def message(self, *args: Any) -> None:
        """Progress from a planner that reports messages only (or a fraction and a message)."""
        if len(args) >= 2 and isinstance(args[0], (int, float)):
            self.report(float(args[0]), str(args[1]))
        elif args:
            self.report(0.5, str(args[-1]))

    def done(self) -> None:
        if self._progress is not None:
            self._progress(1.0, "plan ready")


def make_plan(
    scenario: Scenario,
    *,
    progress: Progress | None = None,
    training_time_limit: float | None = None,
    planners: Planners | None = None,
) -> dict[str, Any]:
    """Plan a checked scenario and return its ``pledgeflow/plan-v1`` document.

    ``progress`` is told how far the run is (a fraction of the whole and a message). ``training_time_limit``
    bounds the training search in seconds (deterministic seconds of the solver, so the same limit gives the
    same plan); ``None`` proves optimality. ``planners`` replaces the engine's planners (tests use fakes).
    Raises :class:`~pledgeflow.engine.errors.PlanError` when a planner returns something inconsistent.
    """
    # A plan builds hundreds of thousands of small objects (rows, dates, summaries), none in cycles; with the
    # cycle collector running, every collection also walks the whole scenario (measured: a tenth of the run).
    with collector_paused():
        return _make_plan(scenario, progress, training_time_limit, planners)


def _make_plan(
    scenario: Scenario,
    progress: Progress | None,
    training_time_limit: float | None,
    planners: Planners | None,
) -> dict[str, Any]:
    engine = planners or Planners.default()
    phases = _Phases(progress, scenario.has_training)
    began = time.perf_counter()

    phases.enter("allocation", "allocating pledges to requirements")
    result = engine.allocate(scenario, phases.report)
    t_allocation = time.perf_counter()

    phases.enter("baseline", "planning the first-come-first-served baseline")
    baseline = engine.baseline(scenario)
    t_baseline = time.perf_counter()

    doc: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scenario_sha256": scenario.sha256,
        "status": "optimal",
        "objective": int(result.objective),
    }
    if scenario.has_training:
        doc["allocation_objective"] = int(result.objective)
    doc["allocations"] = _allocations(result.allocations)
    doc["unmet"] = _sorted_quantities(result.unmet, "requirement")
    doc["unallocated"] = _sorted_quantities(result.unallocated, "pledge")
    doc["summary"] = engine.summarize(scenario, result)
    doc["baseline"] = {
        "method": BASELINE_METHOD,
        "objective": int(baseline.objective),
        "summary": engine.summarize(scenario, baseline),
    }
    stats: dict[str, Any] = {
        "allocation_seconds": round(t_allocation - began, 4),
        "baseline_seconds": round(t_baseline - t_allocation, 4),
    }

    if scenario.has_training:
        phases.enter("training", "assigning cohorts to training sessions")
        training = engine.plan_training(
            scenario, result, time_limit=training_time_limit, progress=phases.message
        )
        t_training = time.perf_counter()
        phases.enter("packages", "measuring package readiness")
        training_doc = training.to_document()
        doc["training"] = training_doc
        doc["packages"] = engine.package_readiness(scenario, result, training)
        if engine.training_alerts is not None:
            doc["alerts"] = engine.training_alerts(scenario, result, training)
        doc["objective"] = int(result.objective) + int(training.objective)
        if training.status != "optimal":
            doc["status"] = training.status
        stats["training_seconds"] = round(t_training - t_baseline, 4)
        stats["training"] = dict(training.stats)

    stats["allocation"] = dict(result.stats)
    stats["seconds"] = round(time.perf_counter() - began, 4)
    doc["stats"] = stats
    _check_consistent(scenario, doc)
    phases.done()
    return doc


def _allocations(lines: Iterable[AllocationLine]) -> list[dict[str, Any]]:
    # A plan has few distinct arrival dates and many rows: write each date once. int() turns numpy integers,
    # which a planner may hand over, into Python ones that JSON can write.
    iso: dict[date, str] = {}
    rows = [
        {
            "pledge": a.pledge,
            "requirement": a.requirement,
            "quantity": int(a.quantity),
            "arrival": iso.get(a.arrival) or iso.setdefault(a.arrival, a.arrival.isoformat()),
            "days_late": int(a.days_late),
        }
        for a in lines
        if a.quantity > 0
    ]
    # Planners hand their lines over in the contract's order already; sort only when one did not. Python
    # orders str by code point, the order the contract states.
    keys = [(row["pledge"], row["requirement"]) for row in rows]
    if any(keys[i] > keys[i + 1] for i in range(len(keys) - 1)):
        rows.sort(key=lambda row: (row["pledge"], row["requirement"]))
    return rows


def _sorted_quantities(quantities: Mapping[str, int], key: str) -> list[dict[str, Any]]:
    return [{key: ident, "quantity": int(q)} for ident, q in sorted(quantities.items()) if q > 0]


def _check_consistent(scenario: Scenario, doc: Mapping[str, Any]) -> None:
    """Refuse to write a plan that breaks the contract's hard rules: a planner bug must not reach a user.

    Every pair appears once and names a known pledge and requirement; for each pledge, what it gives plus what
    is left over is its quantity; for each requirement, what it receives plus what is unmet is its quantity.
    """
    given = {p.id: 0 for p in scenario.pledges}
    received = {r.id: 0 for r in scenario.requirements}
    previous: tuple[str, str] | None = None
    for row in doc["allocations"]:
        pair = (row["pledge"], row["requirement"])
        if pair == previous or pair[0] not in given or pair[1] not in received:
            raise PlanError(f"the planner returned an unknown or repeated pair {pair}")
        previous = pair  # rows are sorted, so a repeated pair would be adjacent
        given[pair[0]] += row["quantity"]
        received[pair[1]] += row["quantity"]
    for row in doc["unallocated"]:
        given[row["pledge"]] = given.get(row["pledge"], 0) + row["quantity"]
    for row in doc["unmet"]:
        received[row["requirement"]] = received.get(row["requirement"], 0) + row["quantity"]
    for pledge in scenario.pledges:
        if given[pledge.id] != pledge.quantity:
            raise PlanError(
                f"the planner's figures for pledge {pledge.id!r} add up to {given[pledge.id]} units, "
                f"not its {pledge.quantity}"
            )
    for requirement in scenario.requirements:
        if received[requirement.id] != requirement.quantity:
            raise PlanError(
                f"the planner's figures for requirement {requirement.id!r} add up to "
                f"{received[requirement.id]} units, not its {requirement.quantity}"
            )
    if len(given) != len(scenario.pledges) or len(received) != len(scenario.requirements):
        raise PlanError(
            "the planner reported leftovers for a pledge or requirement the scenario does not have"
        )


def plan_bytes(doc: Mapping[str, Any]) -> bytes:
    """The plan's canonical bytes (see :func:`pledgeflow.engine.scenario.dump_json`)."""
    with collector_paused():
        return dump_json(doc)


def write_plan(doc: Mapping[str, Any], path: str | Path) -> None:
    """Write ``doc`` to ``path`` atomically: readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is then renamed
    over ``path``. On any failure the temporary file is removed and ``path`` is left as it was. A replaced
    file keeps its permissions; a new one is readable by all and writable by its owner (``0644``).
    """
    target = Path(path)
    data = plan_bytes(doc)
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def load_plan(data: bytes | str) -> dict[str, Any]:
    """Read a ``pledgeflow/plan-v1`` document back, checked against the published plan schema.

    Raises :class:`~pledgeflow.engine.errors.PlanDocumentError` listing every way it departs from the schema.
    The long lists of rows (``allocations``, ``unmet``, ``unallocated``) are checked by a direct loop rather
    than by the schema validator, which would take minutes on a plan of a few hundred thousand rows.
    """
    from jsonschema import Draft202012Validator

    from pledgeflow.engine.schema import PLAN_SCHEMA, load_schema

    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise PlanDocumentError([ValidationIssue("$", f"is not valid JSON{where}: {exc}")]) from None
    if not isinstance(doc, dict):
        raise PlanDocumentError([ValidationIssue("$", "must be a plan (a JSON object)")])
    if doc.get("format") != PLAN_FORMAT:
        found = json.dumps(doc.get("format"))
        raise PlanDocumentError([ValidationIssue("format", f"must be {PLAN_FORMAT!r}, not {found}")])
    issues: list[ValidationIssue] = []
    rest = dict(doc)
    for key, columns in _ROW_COLUMNS.items():
        rows = doc.get(key)
        if isinstance(rows, list):
            rest[key] = []
            issues.extend(_check_rows(key, rows, columns))
    validator = Draft202012Validator(
        load_schema(PLAN_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    issues.extend(
        ValidationIssue(_schema_path(error.absolute_path), error.message)
        for error in validator.iter_errors(rest)
    )
    if issues:
        raise PlanDocumentError(sorted(issues))
    plan: dict[str, Any] = doc
    return plan


# The columns of each long list of rows: name -> (kind, least value). Kinds: "id" a non-empty string,
# "int" an integer of at least the least value, "date" a YYYY-MM-DD date.
_ROW_COLUMNS: dict[str, dict[str, tuple[str, int]]] = {
    "allocations": {
        "pledge": ("id", 0),
        "requirement": ("id", 0),
        "quantity": ("int", 1),
        "arrival": ("date", 0),
        "days_late": ("int", 0),
    },
    "unmet": {"requirement": ("id", 0), "quantity": ("int", 1)},
    "unallocated": {"pledge": ("id", 0), "quantity": ("int", 1)},
}


def _check_rows(key: str, rows: list[Any], columns: dict[str, tuple[str, int]]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            issues.append(ValidationIssue(f"{key}[{i}]", "must be an object"))
            continue
        for column, (kind, least) in columns.items():
            value = row.get(column)
            if kind == "id":
                ok = isinstance(value, str) and value != ""
            elif kind == "int":
                ok = type(value) is int and value >= least
            else:
                ok = isinstance(value, str) and _is_date(value)
            if not ok:
                wanted = {
                    "id": "a non-empty string",
                    "int": f"an integer >= {least}",
                    "date": "a YYYY-MM-DD date",
                }
                issues.append(
                    ValidationIssue(f"{key}[{i}].{column}", f"must be {wanted[kind]}, not {value!r}")
                )
    return issues


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _schema_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


def _mode_for(target: Path) -> int:
    # mkstemp creates files readable by their owner only; a plan is meant to be shared.
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o644
