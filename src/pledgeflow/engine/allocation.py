"""Matching pledges to requirements: the optimal plan, the first-come-first-served baseline, summaries.

- :func:`allocate` returns a plan of minimum objective for spec rule 6, exactly (integral min-cost flow on a
  compact network whose size grows with pledges times destinations, not pledges times requirements; the model
  and its proof are in docs/planner.md).
- :func:`first_come_first_served` returns the spreadsheet plan of spec rule 7.
- :func:`summarize` counts units required, on time, late and unmet per priority and per family.
- :func:`marginal_values` says what one more unit would be worth to given requirements (the dual value).

Results are :class:`AllocationResult` values. Both planners are deterministic: everything is numbered in id
order, the solver sees arcs in an order fixed by those numbers, and OR-Tools' min-cost flow returns the same
flow for the same arcs in the same order.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from pledgeflow.engine._alloc_arrays import Arrays, IntArray, build_arrays, lexsort
from pledgeflow.engine._alloc_baseline import first_come
from pledgeflow.engine._alloc_flow import solve_compact
from pledgeflow.engine.errors import PlanError
from pledgeflow.engine.model import PRIORITIES, Scenario

__all__ = [
    "Allocation",
    "AllocationResult",
    "allocate",
    "first_come_first_served",
    "marginal_values",
    "planners_sharing_arrays",
    "summarize",
]

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class Allocation:
    """``quantity`` units of ``pledge`` go to ``requirement``, arriving on ``arrival``, ``days_late`` late."""

    pledge: str
    requirement: str
    quantity: int
    arrival: date
    days_late: int


@dataclass(frozen=True)
class AllocationResult:
    """A plan: every pair with a positive quantity, what is left unmet and unallocated, and its objective.

    ``allocations`` are sorted by pledge id then requirement id (code-point order); ``unmet`` and
    ``unallocated`` hold only positive quantities, keyed by id in id order. ``objective`` is spec rule 6's
    total cost. ``stats`` (timings, model sizes) is the only part that may differ between two runs.
    """

    allocations: tuple[Allocation, ...]
    unmet: dict[str, int]
    unallocated: dict[str, int]
    objective: int
    stats: dict[str, float | int] = field(default_factory=dict, compare=False)


def allocate(scenario: Scenario, progress: Progress | None = None) -> AllocationResult:
    """The plan of minimum objective (spec rule 6), locks kept, deterministic.

    ``progress``, when given, is called with a fraction in [0, 1] and a short message as the work advances.
    Raises :class:`~pledgeflow.engine.errors.PlanError` only when the numbers are too large for the solver's
    64-bit costs (the message says which policy values to lower).
    """
    return _allocate(scenario, build_arrays, progress)


def _allocate(
    scenario: Scenario, arrays_of: Callable[[Scenario], Arrays], progress: Progress | None
) -> AllocationResult:
    t0 = time.perf_counter()
    if progress is not None:
        progress(0.0, "preparing the network")
    arrays = arrays_of(scenario)
    t_prepare = time.perf_counter() - t0
    solution = solve_compact(arrays, progress)
    pledge, requirement, quantity = _with_locks(
        arrays, solution.pledge, solution.requirement, solution.quantity
    )
    result = _result(arrays, pledge, requirement, quantity)
    lock_cost = _pair_cost(arrays, arrays.lock_pledge, arrays.lock_requirement, arrays.lock_qty)
    if solution.cost + lock_cost != result.objective:
        raise PlanError(
            f"internal error: the solver's cost {solution.cost} plus locked cost {lock_cost} differs from "
            f"the plan's objective {result.objective}; please report it"
        )
    stats: dict[str, float | int] = {"prepare_seconds": round(t_prepare, 4), **solution.stats}
    stats["seconds"] = round(time.perf_counter() - t0, 4)
    stats["pairs"] = len(result.allocations)
    if progress is not None:
        progress(1.0, "plan ready")
    return dataclasses.replace(result, stats=stats)


def first_come_first_served(scenario: Scenario) -> AllocationResult:
    """The spreadsheet plan of spec rule 7: locks first, then requirements by (priority, need-by, id), each
    taking from its admissible pledges by (arrival, pledge id) whatever they cost."""
    return _first_come_first_served(scenario, build_arrays)


def _first_come_first_served(scenario: Scenario, arrays_of: Callable[[Scenario], Arrays]) -> AllocationResult:
    t0 = time.perf_counter()
    arrays = arrays_of(scenario)
    pledge, requirement, quantity = _with_locks(arrays, *first_come(arrays))
    result = _result(arrays, pledge, requirement, quantity)
    return dataclasses.replace(result, stats={"seconds": round(time.perf_counter() - t0, 4)})


def planners_sharing_arrays() -> tuple[
    Callable[[Scenario, Progress | None], AllocationResult], Callable[[Scenario], AllocationResult]
]:
    """:func:`allocate` and :func:`first_come_first_served` that number and encode a scenario once for both.

    Planning a scenario runs both on the same scenario object; the second reuses the first's arrays (the
    scenario is immutable and the planners only read them). The pair keeps the arrays of the last scenario
    it saw for as long as it is referenced, so make a pair per plan rather than keeping one.
    """
    last: list[tuple[Scenario, Arrays]] = []

    def arrays_of(scenario: Scenario) -> Arrays:
        if last and last[0][0] is scenario:
            return last[0][1]
        arrays = build_arrays(scenario)
        last[:] = [(scenario, arrays)]
        return arrays

    def allocate_shared(scenario: Scenario, progress: Progress | None = None) -> AllocationResult:
        return _allocate(scenario, arrays_of, progress)

    def baseline_shared(scenario: Scenario) -> AllocationResult:
        return _first_come_first_served(scenario, arrays_of)

    return allocate_shared, baseline_shared


def summarize(scenario: Scenario, result: AllocationResult) -> dict[str, dict[str, dict[str, int]]]:
    """Units required, on time (0 days late), late and unmet, per priority ``"1"``..``"4"`` and per family.

    Every priority appears, and every family that some requirement names, in code-point order.
    """
    by_id = {r.id: r for r in scenario.requirements}

    def empty() -> dict[str, int]:
        return {"required": 0, "on_time": 0, "late": 0, "unmet": 0}

    by_priority = {str(p): empty() for p in PRIORITIES}
    by_family = {name: empty() for name in sorted({r.family for r in scenario.requirements})}
    for r in scenario.requirements:
        for bucket in (by_priority[str(r.priority)], by_family[r.family]):
            bucket["required"] += r.quantity
            bucket["unmet"] += result.unmet.get(r.id, 0)
    for allocation in result.allocations:
        r = by_id[allocation.requirement]
        column = "on_time" if allocation.days_late == 0 else "late"
        by_priority[str(r.priority)][column] += allocation.quantity
        by_family[r.family][column] += allocation.quantity
    return {"by_priority": by_priority, "by_family": by_family}


def marginal_values(scenario: Scenario, requirement_ids: Iterable[str] | None = None) -> dict[str, int]:
    """What one more unit would be worth to each requirement: the dual value of its quantity.

    The value for ``r`` is how much the optimal objective would fall if one extra unit, usable by ``r`` only,
    reached ``r``'s destination on the first day of the plan (on time whenever ``need_by`` is not before
    ``start``). That is ``objective - objective(r needing one unit less) - cost of that unit``, computed
    exactly by solving ``r``'s family again (families are independent). It is ``w * unmet_penalty`` when ``r``
    has units unmet and no cheaper way exists, less when the unit would only replace a late one or free a
    pledge for someone else, and 0 when it would change nothing. Ids default to every requirement.
    """
    wanted = sorted(
        set(requirement_ids) if requirement_ids is not None else (r.id for r in scenario.requirements)
    )
    by_id = {r.id: r for r in scenario.requirements}
    unknown = [rid for rid in wanted if rid not in by_id]
    if unknown:
        raise KeyError(f"no requirement with id {unknown[0]!r} in the scenario")
    family_of_item = {item.code: item.family for item in scenario.items}
    base_objective: dict[str, int] = {}
    values: dict[str, int] = {}
    for rid in wanted:
        r = by_id[rid]
        family_scenario = _family_scenario(scenario, r.family, family_of_item)
        if r.family not in base_objective:
            base_objective[r.family] = allocate(family_scenario).objective
        locked = sum(lock.quantity for lock in scenario.locks if lock.requirement == rid)
        if locked >= r.quantity:
            values[rid] = 0  # every unit is already locked in; an extra one could not be received
            continue
        smaller = dataclasses.replace(r, quantity=r.quantity - 1)
        reduced = dataclasses.replace(
            family_scenario,
            requirements=tuple(smaller if x.id == rid else x for x in family_scenario.requirements),
        )
        w = scenario.policy.weight(r.priority)
        late = max(0, (scenario.start - r.need_by).days)
        unit_cost = w * scenario.policy.late_penalty_per_day * late
        values[rid] = max(0, base_objective[r.family] - allocate(reduced).objective - unit_cost)
    return values


def _family_scenario(scenario: Scenario, family: str, family_of_item: dict[str, str]) -> Scenario:
    """The requirements, pledges and locks of one family (families are independent of each other)."""
    requirements = tuple(r for r in scenario.requirements if r.family == family)
    pledges = tuple(p for p in scenario.pledges if family_of_item.get(p.item) == family)
    kept = {r.id for r in requirements}
    locks = tuple(lock for lock in scenario.locks if lock.requirement in kept)
    return dataclasses.replace(scenario, requirements=requirements, pledges=pledges, locks=locks)


def _with_locks(
    a: Arrays, pledge: IntArray, requirement: IntArray, quantity: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Add locked quantities back to the residual pairs; one row per pair, sorted by (pledge, requirement)."""
    p = np.concatenate([a.lock_pledge, pledge])
    r = np.concatenate([a.lock_requirement, requirement])
    q = np.concatenate([a.lock_qty, quantity])
    if len(p) == 0:
        return p, r, q
    order = lexsort((r, p))
    p, r, q = p[order], r[order], q[order]
    starts = np.flatnonzero(np.concatenate([[True], (p[1:] != p[:-1]) | (r[1:] != r[:-1])]))
    return p[starts], r[starts], np.add.reduceat(q, starts)


def _arrival_days(a: Arrays, pledge: IntArray, requirement: IntArray) -> IntArray:
    """Arrival ordinal of each pair (spec rule 2); every pair given here is admissible."""
    arrive: IntArray = a.p_leave[pledge] + a.dist[a.p_origin[pledge], a.r_dest[requirement]]
    return arrive


def _pair_cost(a: Arrays, pledge: IntArray, requirement: IntArray, quantity: IntArray) -> int:
    """Total lateness cost of the given pairs, in exact integers."""
    late = np.maximum(0, _arrival_days(a, pledge, requirement) - a.r_need[requirement])
    weight = a.r_weight[requirement]
    total: int = sum(
        q * w * d for q, w, d in zip(quantity.tolist(), weight.tolist(), late.tolist(), strict=True) if d
    )
    return a.late_penalty * total


def _result(a: Arrays, pledge: IntArray, requirement: IntArray, quantity: IntArray) -> AllocationResult:
    """Assemble an :class:`AllocationResult` from pair arrays sorted by (pledge, requirement)."""
    arrive = _arrival_days(a, pledge, requirement)
    late = np.maximum(0, arrive - a.r_need[requirement])
    given = np.bincount(pledge, weights=quantity, minlength=len(a.pledge_ids)).astype(np.int64)
    received = np.bincount(requirement, weights=quantity, minlength=len(a.requirement_ids)).astype(np.int64)
    unmet_q = a.r_qty - received
    spare_q = a.p_qty - given
    if (unmet_q < 0).any() or (spare_q < 0).any():
        raise PlanError("internal error: a plan gives or receives more than a quantity; please report it")
    pids, rids = a.pledge_ids, a.requirement_ids
    # Few distinct days: build each date once.
    days, day_index = np.unique(arrive, return_inverse=True)
    day_of = np.array([date.fromordinal(int(t)) for t in days.tolist()], dtype=object)
    allocations = tuple(
        map(
            Allocation,
            np.array(pids, dtype=object)[pledge].tolist(),
            np.array(rids, dtype=object)[requirement].tolist(),
            quantity.tolist(),
            day_of[day_index].tolist(),
            late.tolist(),
        )
    )
    unmet = {rids[i]: int(unmet_q[i]) for i in np.flatnonzero(unmet_q > 0).tolist()}
    unallocated = {pids[i]: int(spare_q[i]) for i in np.flatnonzero(spare_q > 0).tolist()}
    unmet_cost = a.unmet_penalty * sum(
        w * q for w, q in zip(a.r_weight.tolist(), unmet_q.tolist(), strict=True) if q
    )
    objective = _pair_cost(a, pledge, requirement, quantity) + unmet_cost
    return AllocationResult(allocations, unmet, unallocated, int(objective))
