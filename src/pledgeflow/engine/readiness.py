"""When each capability package is really ready, what holds it back, and what deserves a coordinator's eye.

:func:`package_readiness` is spec rule 7: a package is ready when the last unit allocated to its requirements
has arrived and its last cohort has completed training; never when a requirement has units unmet or a cohort
is unassigned; on ``start`` when it has neither. Its bottleneck is whichever requirement or cohort sets that
date (or makes it never), the smallest id when several do.

:func:`training_alerts` lists idle equipment (arriving long before its crews finish), idle crews (finishing
long before their equipment arrives), unassigned cohorts and sessions under a quarter full.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pledgeflow.engine._training_chains import cheapest_chain
from pledgeflow.engine._training_prep import build_problem
from pledgeflow.engine.model import Scenario
from pledgeflow.engine.training import AllocationLike, TrainingResult, effective_ready_by_for

__all__ = ["DEFAULT_IDLE_DAYS", "package_readiness", "training_alerts"]

DEFAULT_IDLE_DAYS = 30


def latest_arrivals(allocation: AllocationLike) -> dict[str, date]:
    """The latest arrival of any unit allocated to each requirement that received something."""
    latest: dict[str, date] = {}
    for line in allocation.allocations:
        if line.quantity > 0 and (line.requirement not in latest or line.arrival > latest[line.requirement]):
            latest[line.requirement] = line.arrival
    return latest


def package_readiness(
    scenario: Scenario, allocation: AllocationLike, training: TrainingResult
) -> list[dict[str, Any]]:
    """Readiness of every package (spec rule 7), sorted by package id.

    Each entry is ``{"id", "readiness", "days_late", "bottleneck"}``: ``readiness`` an ISO date or ``None``
    for never; ``days_late`` ``max(0, readiness - need_by)`` or ``None``; ``bottleneck`` ``{"requirement":
    id}``,
    ``{"cohort": id}`` or ``None`` for a package with no requirements and no cohorts.
    """
    arrivals = latest_arrivals(allocation)
    unmet = {r for r, q in allocation.unmet.items() if q > 0}
    unassigned = set(training.unassigned)
    result: list[dict[str, Any]] = []
    for package in sorted(scenario.packages, key=lambda p: p.id):
        requirements = sorted(r.id for r in scenario.requirements if r.package == package.id)
        cohorts = sorted(c.id for c in scenario.cohorts if c.package == package.id)
        readiness: date | None
        bottleneck: dict[str, str] | None
        blockers = [("requirement", r) for r in requirements if r in unmet or r not in arrivals]
        blockers += [("cohort", c) for c in cohorts if c in unassigned or c not in training.assignments]
        if blockers:
            kind, ident = min(blockers, key=lambda b: b[1])
            readiness, bottleneck = None, {kind: ident}
        elif not requirements and not cohorts:
            readiness, bottleneck = scenario.start, None
        else:
            dated = [(arrivals[r], "requirement", r) for r in requirements]
            dated += [(training.assignments[c].completion, "cohort", c) for c in cohorts]
            readiness = max(d for d, _, _ in dated)
            kind, ident = min(((k, i) for d, k, i in dated if d == readiness), key=lambda b: b[1])
            bottleneck = {kind: ident}
        result.append(
            {
                "id": package.id,
                "readiness": readiness.isoformat() if readiness is not None else None,
                "days_late": max(0, (readiness - package.need_by).days) if readiness is not None else None,
                "bottleneck": bottleneck,
            }
        )
    return result


def training_alerts(
    scenario: Scenario,
    allocation: AllocationLike,
    training: TrainingResult,
    idle_days: int = DEFAULT_IDLE_DAYS,
) -> list[dict[str, Any]]:
    """Things a training coordinator should look at, in a stable order.

    * ``idle_equipment``: a package's equipment (the latest arrival of its allocated units, all requirements
      met) arrives more than ``idle_days`` days before one of its cohorts completes;
    * ``idle_crew``: a cohort completes more than ``idle_days`` days before that equipment arrives;
    * ``unassigned_cohort``: a cohort left without sessions;
    * ``underfilled_session``: a session whose assigned trainees fill less than a quarter of its seats.

    Every alert has ``kind`` and a ``message`` in plain words, plus the ids and dates it is about.
    """
    if idle_days < 0:
        raise ValueError(f"idle_days must be 0 or more days, not {idle_days}")
    alerts: list[dict[str, Any]] = []
    arrivals = latest_arrivals(allocation)
    unmet = {r for r, q in allocation.unmet.items() if q > 0}
    cohorts = {c.id: c for c in scenario.cohorts}
    for package in sorted(scenario.packages, key=lambda p: p.id):
        requirements = [r.id for r in scenario.requirements if r.package == package.id]
        if not requirements or any(r in unmet or r not in arrivals for r in requirements):
            continue
        equipment = max(arrivals[r] for r in requirements)
        for cohort_id in sorted(c.id for c in scenario.cohorts if c.package == package.id):
            assignment = training.assignments.get(cohort_id)
            if assignment is None:
                continue
            gap = (assignment.completion - equipment).days
            if gap > idle_days:
                alerts.append(
                    {
                        "kind": "idle_equipment",
                        "package": package.id,
                        "cohort": cohort_id,
                        "equipment_arrival": equipment.isoformat(),
                        "completion": assignment.completion.isoformat(),
                        "idle_days": gap,
                        "message": f"equipment of package {package.id} arrives {equipment.isoformat()}, "
                        f"{gap} days before cohort {cohort_id} completes training "
                        f"({assignment.completion.isoformat()})",
                    }
                )
            elif -gap > idle_days:
                alerts.append(
                    {
                        "kind": "idle_crew",
                        "package": package.id,
                        "cohort": cohort_id,
                        "equipment_arrival": equipment.isoformat(),
                        "completion": assignment.completion.isoformat(),
                        "idle_days": -gap,
                        "message": f"cohort {cohort_id} completes training "
                        f"{assignment.completion.isoformat()}, "
                        f"{-gap} days before the equipment of package {package.id} arrives "
                        f"({equipment.isoformat()})",
                    }
                )
    impossible = _impossible(scenario, allocation) if training.unassigned else set()
    for cohort_id in sorted(training.unassigned):
        cohort = cohorts[cohort_id]
        why = (
            "no chain of sessions in its language fits its size and prerequisites"
            if cohort_id in impossible
            else "the seats it could use went to cohorts whose delay would cost more, or training it would "
            "cost more than leaving it out"
        )
        alerts.append(
            {
                "kind": "unassigned_cohort",
                "cohort": cohort_id,
                "package": cohort.package,
                "message": f"cohort {cohort_id} ({cohort.size} people, skill {cohort.skill}, language "
                f"{cohort.language}) has no sessions: {why}",
            }
        )
    alerts.extend(_underfilled(scenario, training.assignments.items()))
    return alerts


def _impossible(scenario: Scenario, allocation: AllocationLike) -> set[str]:
    """Cohorts that no chain of sessions could train even with every session empty."""
    problem = build_problem(scenario, effective_ready_by_for(scenario, allocation))
    return {
        task.id
        for task in problem.tasks
        if not task.needs_nothing and cheapest_chain(task, problem.sessions) is None
    }


def _underfilled(scenario: Scenario, assignments: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Sessions (on or after ``start``) filled to less than a quarter of their seats, empty ones included."""
    sizes = {c.id: c.size for c in scenario.cohorts}
    occupied: dict[str, int] = {}
    for cohort_id, assignment in assignments:
        for session_id in assignment.sessions:
            occupied[session_id] = occupied.get(session_id, 0) + sizes[cohort_id]
    courses = {c.id: c for c in scenario.courses}
    alerts = []
    for session in sorted(scenario.sessions, key=lambda s: s.id):
        if session.start < scenario.start:
            continue
        seats = courses[session.course].seats
        taken = occupied.get(session.id, 0)
        if taken * 4 < seats:
            alerts.append(
                {
                    "kind": "underfilled_session",
                    "session": session.id,
                    "course": session.course,
                    "seats": seats,
                    "occupied": taken,
                    "message": f"session {session.id} of course {session.course} has {taken} of {seats} "
                    f"seats "
                    "taken, under a quarter",
                }
            )
    return alerts
