"""The training planner: cohorts to chains of sessions, optimally (spec "Training and capability packages").

:func:`plan_training` takes a validated scenario and the allocation plan made before it, and returns a
:class:`TrainingResult` whose :meth:`~TrainingResult.to_document` is the plan's ``training`` section.

How it works (docs/training-planner.md has the full argument):

1. Effective ready-by dates come from the allocation (rule 6), then every cohort's needed skills and candidate
   sessions (rules 1-2), pruned of sessions that no valid chain can use.
2. Cohorts that share no candidate session are independent components. A component where no session can be
   over-subscribed is solved exactly by giving each cohort its cheapest chain; every other component is a
   CP-SAT model (:mod:`pledgeflow.engine._training_solve`), started from a greedy plan.
3. Components are solved side by side on the machine's cores, each with one search worker, a fixed seed and at
   most a deterministic-time limit, so the result never depends on timing or thread count.

With ``time_limit`` set, the limit is shared among the searched components in CP-SAT deterministic seconds
(about one wall-clock second each on a current x86 core); the plan may then be ``feasible`` with a proven
``bound`` below its objective. Without it, every component is solved to proven optimality.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from pledgeflow.engine._training_chains import Chain, cheapest_chain, greedy_plan
from pledgeflow.engine._training_prep import (
    CohortTask,
    SessionSlot,
    TrainingProblem,
    build_problem,
    components,
    effective_ready_by,
)
from pledgeflow.engine._training_solve import ComponentSolution, solve_component
from pledgeflow.engine.model import Scenario

__all__ = [
    "AllocationLike",
    "CohortAssignment",
    "TrainingResult",
    "effective_ready_by_for",
    "plan_training",
]

Progress = Callable[[str], None]


class _AllocationLineLike(Protocol):
    @property
    def requirement(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def arrival(self) -> date: ...


class AllocationLike(Protocol):
    """What the training planner reads from an allocation plan: its allocations and its unmet units."""

    @property
    def allocations(self) -> Iterable[_AllocationLineLike]: ...
    @property
    def unmet(self) -> Mapping[str, int]: ...


@dataclass(frozen=True, slots=True)
class CohortAssignment:
    """An assigned cohort: the sessions it attends in order, when it completes and how many days late."""

    sessions: tuple[str, ...]
    completion: date
    days_late: int


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The training plan.

    ``status`` is ``"optimal"`` when ``objective`` is proven minimal, else ``"feasible"`` (a time limit ran
    out) with ``bound`` the proven lower bound. ``assignments`` maps every assigned cohort id (including those
    that need nothing) to its :class:`CohortAssignment`; ``unassigned`` lists the others, sorted.
    ``effective_ready_by`` gives rule 6's date for every cohort. ``stats`` holds timings and model sizes,
    the only part that may differ between runs.
    """

    status: str
    objective: int
    bound: int
    assignments: dict[str, CohortAssignment]
    unassigned: tuple[str, ...]
    effective_ready_by: dict[str, date]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(objective - bound) / objective``; 0.0 when optimal or when the objective is 0."""
        if self.objective <= 0:
            return 0.0
        return (self.objective - self.bound) / self.objective

    def to_document(self) -> dict[str, Any]:
        """The plan's ``training`` section, exactly as ``pledgeflow/plan-v1`` lays it out.

        Besides the spec's keys it carries ``gap`` and, on each assignment, the ``effective_ready_by`` its
        days late are counted against. Nothing in it depends on timing.
        """
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": round(self.gap, 6),
            "assignments": [
                {
                    "cohort": cohort,
                    "sessions": list(a.sessions),
                    "completion": a.completion.isoformat(),
                    "days_late": a.days_late,
                    "effective_ready_by": self.effective_ready_by[cohort].isoformat(),
                }
                for cohort, a in sorted(self.assignments.items())
            ],
            "unassigned": sorted(self.unassigned),
        }


def effective_ready_by_for(scenario: Scenario, allocation: AllocationLike) -> dict[str, date]:
    """Effective ready-by of every cohort given an allocation plan (spec rule 6)."""
    arrivals = [(a.requirement, a.arrival) for a in allocation.allocations if a.quantity > 0]
    return effective_ready_by(scenario, arrivals, allocation.unmet)


def plan_training(
    scenario: Scenario,
    allocation: AllocationLike,
    *,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Assign cohorts to sessions at minimum cost given the allocation plan (spec rules 1-6).

    ``time_limit`` (deterministic seconds, shared by all components) makes the search stop early with the best
    plan found and its proven bound; ``None`` proves optimality. ``progress``, when given, is called with
    short messages as components are solved. The same scenario, allocation and limit always give the same
    result (except ``stats``).
    """
    began = time.perf_counter()
    report = progress or (lambda _message: None)
    ready_by = effective_ready_by_for(scenario, allocation)
    problem = build_problem(scenario, ready_by)
    tasks, sessions = problem.tasks, problem.sessions

    chains: dict[int, Chain] = {}
    objective = 0
    bound = 0
    optimal = True
    searched: list[list[int]] = []
    for group in components(problem):
        if _uncontended(tasks, sessions, group):
            for i in group:
                found = cheapest_chain(tasks[i], sessions)
                if tasks[i].needs_nothing:
                    cost = tasks[i].late_cost(0)
                elif found is None:
                    cost = tasks[i].unmet_cost
                else:
                    cost, chains[i] = found[0], found[1]
                objective += cost
                bound += cost
        else:
            searched.append(group)
    report(f"training: {len(tasks)} cohorts, {len(searched)} components need a search")

    solutions = _solve_all(tasks, sessions, searched, time_limit, report)
    det_time = 0.0
    variables = 0
    searched_objective = searched_bound = 0
    for solution in solutions:
        searched_objective += solution.objective
        searched_bound += solution.bound
        chains.update(solution.chains)
        objective += solution.objective
        bound += solution.bound
        optimal = optimal and solution.optimal
        det_time += solution.deterministic_time
        variables += solution.variables

    assignments, unassigned = _assignments(problem, chains)
    stats = {
        "seconds": round(time.perf_counter() - began, 3),
        "cohorts": len(tasks),
        "sessions": len(sessions),
        "components": len(searched),
        "variables": variables,
        "deterministic_seconds": round(det_time, 3),
        "searched_objective": searched_objective,
        "searched_bound": searched_bound,
    }
    return TrainingResult(
        status="optimal" if optimal else "feasible",
        objective=objective,
        bound=bound if not optimal else objective,
        assignments=assignments,
        unassigned=tuple(unassigned),
        effective_ready_by=dict(ready_by),
        stats=stats,
    )


def _uncontended(tasks: tuple[CohortTask, ...], sessions: tuple[SessionSlot, ...], group: list[int]) -> bool:
    """True when no session could be over-subscribed even if every cohort of ``group`` took it."""
    demand: dict[int, int] = {}
    for i in group:
        for cand in tasks[i].candidates:
            for slot in cand:
                demand[slot] = demand.get(slot, 0) + tasks[i].size
    return all(total <= sessions[slot].seats for slot, total in demand.items())


def _solve_all(
    tasks: tuple[CohortTask, ...],
    sessions: tuple[SessionSlot, ...],
    groups: list[list[int]],
    time_limit: float | None,
    report: Progress,
) -> list[ComponentSolution]:
    """Solve every searched component, in parallel, with a deterministic share of the limit each.

    With a limit, a first round gives each component a share proportional to its size; the deterministic time
    it leaves unused then goes, in a second round, to the components not yet proven optimal (again by size,
    starting from their first-round plans). Both rounds depend only on the input, never on timing.
    """
    if not groups:
        return []
    weights = [sum(len(c) for i in g for c in tasks[i].candidates) for g in groups]
    total_weight = sum(weights)
    hints = [greedy_plan(tasks, sessions, g) for g in groups]
    limits: list[float | None] = (
        [None] * len(groups)
        if time_limit is None
        else [time_limit * 0.8 * w / total_weight for w in weights]  # keep a fifth for the second round
    )
    results = _run(tasks, sessions, groups, hints, limits, report)
    if time_limit is None:
        return results
    left = time_limit - sum(r.deterministic_time for r in results)
    open_ = [k for k, r in enumerate(results) if not r.optimal]
    if left <= 0.05 or not open_:
        return results
    open_weight = sum(weights[k] for k in open_)
    again = _run(
        tasks,
        sessions,
        [groups[k] for k in open_],
        [results[k].chains for k in open_],
        [left * weights[k] / open_weight for k in open_],
        report,
    )
    for k, better in zip(open_, again, strict=True):
        first = results[k]
        results[k] = ComponentSolution(
            chains=better.chains if better.objective <= first.objective else first.chains,
            objective=min(better.objective, first.objective),
            bound=max(better.bound, first.bound),
            optimal=better.optimal,
            deterministic_time=first.deterministic_time + better.deterministic_time,
            variables=first.variables,
        )
    return results


def _run(
    tasks: tuple[CohortTask, ...],
    sessions: tuple[SessionSlot, ...],
    groups: list[list[int]],
    hints: list[dict[int, Chain]],
    limits: list[float | None],
    report: Progress,
) -> list[ComponentSolution]:
    # CP-SAT releases the interpreter lock while it searches, so threads use every core. Largest first keeps
    # the cores busy; results are placed back by position, so the order of completion does not matter.
    order = sorted(range(len(groups)), key=lambda k: (-len(groups[k]), k))
    results: list[ComponentSolution | None] = [None] * len(groups)
    with ThreadPoolExecutor(max_workers=_cores()) as pool:
        futures = {
            k: pool.submit(solve_component, tasks, sessions, groups[k], hints[k], limits[k]) for k in order
        }
        for done, k in enumerate(order, start=1):
            results[k] = futures[k].result()
            report(f"training: component {done}/{len(groups)} solved")
    return [r for r in results if r is not None]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _assignments(
    problem: TrainingProblem, chains: Mapping[int, Chain]
) -> tuple[dict[str, CohortAssignment], list[str]]:
    sessions = problem.sessions
    assignments: dict[str, CohortAssignment] = {}
    unassigned: list[str] = []
    for task in problem.tasks:
        if task.needs_nothing:
            # Rule 1: complete on the plan's first day.
            assignments[task.id] = CohortAssignment((), problem.day(0), max(0, -task.ready))
            continue
        chain = chains.get(task.index)
        if chain is None:
            unassigned.append(task.id)
            continue
        attended = sorted(chain, key=lambda s: (sessions[s].start, sessions[s].end, sessions[s].id))
        end = sessions[chain[-1]].end
        assignments[task.id] = CohortAssignment(
            sessions=tuple(sessions[s].id for s in attended),
            completion=problem.day(end),
            days_late=max(0, end - task.ready),
        )
    return assignments, sorted(unassigned)
