"""The planners on named examples with hand-computed objectives, summaries and dual values."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from ortools.graph.python import min_cost_flow
from tests.engine.strategies import leopards_and_shells, patriots

from pledgeflow.engine.allocation import (
    Allocation,
    allocate,
    first_come_first_served,
    marginal_values,
    summarize,
)
from pledgeflow.engine.errors import PlanError
from pledgeflow.engine.model import Lock, Policy

ROOT = Path(__file__).resolve().parents[2]


def test_leopards_and_shells_plan_costs_what_the_hand_calculation_says() -> None:
    result = allocate(leopards_and_shells())
    assert result.objective == 20_000
    assert result.allocations == (
        Allocation("P-DEU-LEO", "R-TANK", 10, date(2026, 3, 15), 0),
        Allocation("P-POL-LEO", "R-TANK", 4, date(2026, 3, 25), 5),
        Allocation("P-SHELL-EARLY", "R-SHELL-A", 1000, date(2026, 3, 10), 0),
        Allocation("P-SHELL-LATE", "R-SHELL-B", 500, date(2026, 3, 30), 0),
    )
    assert result.unmet == {}
    assert result.unallocated == {"P-POL-LEO": 2}


def test_first_come_first_served_gives_the_early_shells_to_priority_one_and_pays_for_it() -> None:
    baseline = first_come_first_served(leopards_and_shells())
    assert baseline.objective == 1_020_000
    pairs = {(a.pledge, a.requirement): (a.quantity, a.days_late) for a in baseline.allocations}
    assert pairs[("P-SHELL-EARLY", "R-SHELL-B")] == (500, 0)
    assert pairs[("P-SHELL-LATE", "R-SHELL-A")] == (500, 20)


def test_summary_counts_units_on_time_late_and_unmet_per_priority_and_family() -> None:
    scenario = leopards_and_shells()
    summary = summarize(scenario, allocate(scenario))
    assert summary["by_priority"] == {
        "1": {"required": 514, "on_time": 510, "late": 4, "unmet": 0},
        "2": {"required": 1000, "on_time": 1000, "late": 0, "unmet": 0},
        "3": {"required": 0, "on_time": 0, "late": 0, "unmet": 0},
        "4": {"required": 0, "on_time": 0, "late": 0, "unmet": 0},
    }
    assert list(summary["by_family"]) == ["155mm-artillery-ammunition", "main-battle-tank"]
    assert summary["by_family"]["main-battle-tank"] == {"required": 14, "on_time": 10, "late": 4, "unmet": 0}


def test_patriot_lock_is_kept_even_though_kyiv_then_goes_short() -> None:
    result = allocate(patriots())
    assert result.objective == 22_000_180
    pairs = {(a.pledge, a.requirement): a.quantity for a in result.allocations}
    assert pairs == {("P-USA", "R-PAT-KYIV"): 6, ("P-USA", "R-PAT-LVIV"): 6, ("P-DEU", "R-PAT-LVIV"): 2}
    assert result.unmet == {"R-PAT-KYIV": 2, "R-RADAR": 2}
    assert result.unallocated == {"P-DEU": 2}


def test_without_the_lock_every_us_interceptor_goes_where_it_is_worth_most() -> None:
    result = allocate(dataclasses.replace(patriots(), locks=()))
    # Kyiv 8 on time; Lviv 4 US on time + 4 German 9 days late (4 * 10 * 9); the radar still missing.
    assert result.objective == 360 + 2_000_000
    assert result.unmet == {"R-RADAR": 2}


def test_a_lock_guarantees_at_least_its_quantity_and_the_planner_may_send_more() -> None:
    scenario = dataclasses.replace(leopards_and_shells(), locks=(Lock("P-DEU-LEO", "R-TANK", 3),))
    result = allocate(scenario)
    assert {(a.pledge, a.requirement): a.quantity for a in result.allocations}[("P-DEU-LEO", "R-TANK")] == 10
    assert result.objective == 20_000


def test_value_of_one_more_unit_is_the_unmet_cost_when_short_and_the_lateness_saved_otherwise() -> None:
    values = marginal_values(patriots())
    assert values["R-PAT-KYIV"] == 1000 * 10_000
    assert values["R-PAT-LVIV"] == 10 * 9  # it would replace a German interceptor arriving 9 days late
    assert values["R-RADAR"] == 100 * 10_000
    assert marginal_values(leopards_and_shells(), ["R-SHELL-A"]) == {"R-SHELL-A": 0}


def test_value_of_one_more_unit_for_an_unknown_requirement_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="R-NOPE"):
        marginal_values(patriots(), ["R-NOPE"])


def test_units_so_late_they_cost_more_than_unmet_are_not_sent() -> None:
    scenario = dataclasses.replace(patriots(), locks=(), policy=Policy(unmet_penalty=80))
    result = allocate(scenario)
    # A German interceptor costs 10 * 9 = 90 at Lviv: worth sending while a unit unmet costs 10 * 80 = 800,
    # not once it costs only 10 * 8 = 80.
    assert ("P-DEU", "R-PAT-LVIV") in {(a.pledge, a.requirement) for a in result.allocations}
    strict = dataclasses.replace(scenario, policy=Policy(unmet_penalty=8))
    result = allocate(strict)
    assert ("P-DEU", "R-PAT-LVIV") not in {(a.pledge, a.requirement) for a in result.allocations}
    assert result.unmet["R-PAT-LVIV"] == 4


def test_or_tools_min_cost_flow_returns_the_same_flow_for_the_same_arcs_in_the_same_order() -> None:
    rng = np.random.default_rng(3)
    n, m = 60, 600
    tails = rng.integers(0, n, m).astype(np.int32)
    heads = rng.integers(0, n, m).astype(np.int32)
    caps = rng.integers(1, 50, m).astype(np.int64)
    costs = rng.integers(0, 5, m).astype(np.int64)  # many ties: several optimal flows exist
    supplies = np.zeros(n, dtype=np.int64)
    supplies[0], supplies[n - 1] = 200, -200
    tails = np.concatenate([tails, np.array([0], np.int32)])
    heads = np.concatenate([heads, np.array([n - 1], np.int32)])
    caps = np.concatenate([caps, np.array([200])])
    costs = np.concatenate([costs, np.array([1000])])

    def solve() -> list[int]:
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        solver.set_nodes_supplies(np.arange(n, dtype=np.int32), supplies)
        assert solver.solve() == solver.OPTIMAL
        return list(solver.flows(np.arange(len(tails), dtype=np.int32)))

    first = solve()
    assert all(solve() == first for _ in range(5))


def test_same_scenario_gives_the_same_plan_under_other_hash_seeds_and_process_counts(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "from bench.generate import generate\n"
        "from pledgeflow.engine.allocation import allocate\n"
        "from pledgeflow.engine.scenario import load_scenario\n"
        "doc = generate(300)\n"
        "doc['locks'] = [{'pledge': 'P000', 'requirement': 'R000', 'quantity': 1}]\n"
        "try:\n"
        "    s = load_scenario(json.dumps(doc).encode())\n"
        "except Exception:\n"
        "    doc['locks'] = []\n"
        "    s = load_scenario(json.dumps(doc).encode())\n"
        "r = allocate(s)\n"
        "print(json.dumps([r.objective, [[a.pledge, a.requirement, a.quantity] for a in r.allocations],"
        " r.unmet, r.unallocated]))\n"
    )
    outputs = set()
    for seed, processes in (("0", "1"), ("1", "2"), ("12345", "1")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PLEDGEFLOW_SOLVER_PROCESSES": processes}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())[1], "the generated scenario should allocate something"


def test_costs_too_large_for_exact_64_bit_planning_are_refused_with_advice() -> None:
    huge = Policy(priority_weights={1: 10**6, 2: 10**6, 3: 10**6, 4: 10**6}, unmet_penalty=10**6)
    scenario = dataclasses.replace(
        patriots(),
        policy=huge,
        locks=(),
        requirements=tuple(dataclasses.replace(r, quantity=10**9) for r in patriots().requirements),
        pledges=tuple(dataclasses.replace(p, quantity=10**9) for p in patriots().pledges),
    )
    with pytest.raises(PlanError, match=r"policy\.unmet_penalty"):
        allocate(scenario)


def test_progress_is_reported_from_zero_to_one_in_order() -> None:
    seen: list[tuple[float, str]] = []
    allocate(leopards_and_shells(), lambda fraction, message: seen.append((fraction, message)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(message for _, message in seen)
