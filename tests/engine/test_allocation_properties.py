"""Properties of the planners on many small random scenarios, checked against independent implementations.

The reference here shares no code with the planner: its own shortest paths (Floyd-Warshall), its own
admissibility test, and a linear program over every admissible pair solved by HiGHS.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import date, timedelta

import highspy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.strategies import scenarios

from pledgeflow.engine.allocation import AllocationResult, allocate, first_come_first_served
from pledgeflow.engine.model import Pledge, Requirement, Scenario

INF = 10**9
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def floyd(scenario: Scenario) -> dict[tuple[str, str], int]:
    """Least days between every two locations, by Floyd-Warshall (independent of the engine's Dijkstra)."""
    names = sorted({loc.id for loc in scenario.locations})
    d = {(a, b): 0 if a == b else INF for a in names for b in names}
    for route in scenario.routes:
        d[route.from_, route.to] = min(d[route.from_, route.to], route.days)
    for k, i, j in itertools.product(names, names, names):
        if d[i, k] + d[k, j] < d[i, j]:
            d[i, j] = d[i, k] + d[k, j]
    return d


def reference_pairs(scenario: Scenario) -> dict[tuple[str, str], tuple[date, int, int]]:
    """Every admissible pair with its arrival, days late and cost per unit, written straight from the spec."""
    d = floyd(scenario)
    family = {item.code: item.family for item in scenario.items}
    pol = scenario.policy
    pairs = {}
    for p in scenario.pledges:
        for r in scenario.requirements:
            if family[p.item] != r.family or (r.item is not None and r.item != p.item):
                continue
            if p.destinations is not None and r.destination not in p.destinations:
                continue
            if d[p.origin, r.destination] >= INF:
                continue
            arrives = max(scenario.start, p.available) + timedelta(days=d[p.origin, r.destination])
            late = max(0, (arrives - r.need_by).days)
            pairs[p.id, r.id] = (
                arrives,
                late,
                pol.priority_weights[r.priority] * pol.late_penalty_per_day * late,
            )
    return pairs


def reference_objective(scenario: Scenario) -> int:
    """The optimum of spec rule 6 as a linear program over all admissible pairs, solved by HiGHS.

    A transportation problem's constraint matrix is totally unimodular, so the LP optimum is attained by an
    integer plan and equals the integer optimum.
    """
    pairs = reference_pairs(scenario)
    keys = sorted(pairs)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    locks = {(lock.pledge, lock.requirement): lock.quantity for lock in scenario.locks}
    pol = scenario.policy
    constant = sum(
        pol.priority_weights[r.priority] * pol.unmet_penalty * r.quantity for r in scenario.requirements
    )
    weight_of = {r.id: pol.priority_weights[r.priority] for r in scenario.requirements}
    for key in keys:
        # Sending a unit saves its unmet cost: cost(p, r) - w * unmet_penalty per unit, plus the constant.
        h.addVar(locks.get(key, 0), INF)
        h.changeColCost(h.getNumCol() - 1, pairs[key][2] - weight_of[key[1]] * pol.unmet_penalty)
    for p in scenario.pledges:
        cols = [i for i, k in enumerate(keys) if k[0] == p.id]
        if cols:
            h.addRow(0, p.quantity, len(cols), cols, [1.0] * len(cols))
    for r in scenario.requirements:
        cols = [i for i, k in enumerate(keys) if k[1] == r.id]
        if cols:
            h.addRow(0, r.quantity, len(cols), cols, [1.0] * len(cols))
    if not keys:
        return constant
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return constant + round(h.getInfo().objective_function_value)


def reference_first_come(scenario: Scenario) -> dict[tuple[str, str], int]:
    """Spec rule 7 as plain loops over pairs."""
    pairs = reference_pairs(scenario)
    give = {p.id: p.quantity for p in scenario.pledges}
    need = {r.id: r.quantity for r in scenario.requirements}
    x: dict[tuple[str, str], int] = {}
    for lock in scenario.locks:
        x[lock.pledge, lock.requirement] = lock.quantity
        give[lock.pledge] -= lock.quantity
        need[lock.requirement] -= lock.quantity
    for r in sorted(scenario.requirements, key=lambda r: (r.priority, r.need_by, r.id)):
        options = sorted((pairs[p, rid][0], p) for (p, rid) in pairs if rid == r.id)
        for _, p in options:
            take = min(give[p], need[r.id])
            if take > 0:
                x[p, r.id] = x.get((p, r.id), 0) + take
                give[p] -= take
                need[r.id] -= take
    return {k: v for k, v in x.items() if v > 0}


def check_feasible(scenario: Scenario, result: AllocationResult) -> None:
    """No over-allocation, admissible pairs only, right arrivals, locks kept, consistent totals, objective."""
    pairs = reference_pairs(scenario)
    pledges: dict[str, Pledge] = {p.id: p for p in scenario.pledges}
    requirements: dict[str, Requirement] = {r.id: r for r in scenario.requirements}
    given = dict.fromkeys(pledges, 0)
    received = dict.fromkeys(requirements, 0)
    cost = 0
    keys = [(a.pledge, a.requirement) for a in result.allocations]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for a in result.allocations:
        assert (a.pledge, a.requirement) in pairs, "allocated along a pair that is not admissible"
        assert a.quantity > 0
        arrives, late, unit_cost = pairs[a.pledge, a.requirement]
        assert (a.arrival, a.days_late) == (arrives, late)
        given[a.pledge] += a.quantity
        received[a.requirement] += a.quantity
        cost += unit_cost * a.quantity
    x = {(a.pledge, a.requirement): a.quantity for a in result.allocations}
    for lock in scenario.locks:
        assert x.get((lock.pledge, lock.requirement), 0) >= lock.quantity
    pol = scenario.policy
    for pid, p in pledges.items():
        assert given[pid] <= p.quantity
        assert result.unallocated.get(pid, 0) == p.quantity - given[pid]
    for rid, r in requirements.items():
        assert received[rid] <= r.quantity
        assert result.unmet.get(rid, 0) == r.quantity - received[rid]
        cost += pol.priority_weights[r.priority] * pol.unmet_penalty * (r.quantity - received[rid])
    assert all(v > 0 for v in [*result.unmet.values(), *result.unallocated.values()])
    assert result.objective == cost


@PROPERTY_SETTINGS
@given(scenarios())
def test_plan_is_feasible_and_as_cheap_as_the_linear_program_over_all_pairs(scenario: Scenario) -> None:
    result = allocate(scenario)
    check_feasible(scenario, result)
    assert result.objective == reference_objective(scenario)


@PROPERTY_SETTINGS
@given(scenarios(max_requirements=12, max_pledges=12))
def test_larger_plans_are_optimal_too(scenario: Scenario) -> None:
    result = allocate(scenario)
    check_feasible(scenario, result)
    assert result.objective == reference_objective(scenario)


@PROPERTY_SETTINGS
@given(scenarios(), scenarios())
def test_unrelated_families_plan_as_independently_as_they_would_alone(
    first: Scenario, second: Scenario
) -> None:
    renamed = _rename(second, "X")
    merged = dataclasses.replace(
        first,
        items=first.items + renamed.items,
        locations=first.locations + renamed.locations,
        routes=first.routes + renamed.routes,
        requirements=first.requirements + renamed.requirements,
        pledges=first.pledges + renamed.pledges,
        locks=first.locks + renamed.locks,
        policy=first.policy,
    )
    renamed = dataclasses.replace(renamed, policy=first.policy)
    assert allocate(merged).objective == allocate(first).objective + allocate(renamed).objective


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_same_scenario_gives_the_same_plan_whatever_the_order_of_its_lists(
    scenario: Scenario, seed: int
) -> None:
    rng = random.Random(seed)

    def shuffled(items: tuple) -> tuple:  # type: ignore[type-arg]
        listed = list(items)
        rng.shuffle(listed)
        return tuple(listed)

    reordered = dataclasses.replace(
        scenario,
        items=shuffled(scenario.items),
        routes=shuffled(scenario.routes),
        requirements=shuffled(scenario.requirements),
        pledges=shuffled(scenario.pledges),
        locks=shuffled(scenario.locks),
    )
    first = allocate(scenario)
    assert allocate(scenario) == first
    assert allocate(reordered) == first
    assert first_come_first_served(reordered) == first_come_first_served(scenario)


@PROPERTY_SETTINGS
@given(scenarios())
def test_baseline_follows_first_come_first_served_exactly(scenario: Scenario) -> None:
    result = first_come_first_served(scenario)
    check_feasible(scenario, result)
    assert {(a.pledge, a.requirement): a.quantity for a in result.allocations} == reference_first_come(
        scenario
    )


@PROPERTY_SETTINGS
@given(scenarios())
def test_optimal_plan_never_costs_more_than_the_baseline(scenario: Scenario) -> None:
    assert allocate(scenario).objective <= first_come_first_served(scenario).objective


def _rename(scenario: Scenario, prefix: str) -> Scenario:
    """The same scenario with every id prefixed, so it shares nothing with another one."""

    def n(name: str) -> str:
        return prefix + name

    return dataclasses.replace(
        scenario,
        items=tuple(dataclasses.replace(i, code=n(i.code), family=n(i.family)) for i in scenario.items),
        locations=tuple(dataclasses.replace(loc, id=n(loc.id)) for loc in scenario.locations),
        routes=tuple(dataclasses.replace(r, from_=n(r.from_), to=n(r.to)) for r in scenario.routes),
        requirements=tuple(
            dataclasses.replace(
                r,
                id=n(r.id),
                family=n(r.family),
                destination=n(r.destination),
                item=None if r.item is None else n(r.item),
            )
            for r in scenario.requirements
        ),
        pledges=tuple(
            dataclasses.replace(
                p,
                id=n(p.id),
                item=n(p.item),
                origin=n(p.origin),
                destinations=None if p.destinations is None else tuple(n(d) for d in p.destinations),
            )
            for p in scenario.pledges
        ),
        locks=tuple(
            dataclasses.replace(lock, pledge=n(lock.pledge), requirement=n(lock.requirement))
            for lock in scenario.locks
        ),
    )
