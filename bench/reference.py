"""The straightforward reference planner: every admissible pair as an arc of one OR-Tools min-cost flow.

    python -m bench.reference SCENARIO.json

Reads and checks the scenario exactly as ``pledgeflow plan`` does, enumerates every admissible (pledge,
requirement) pair (with numpy, family by family, so enumeration is not what makes it slow), and solves a
single min-cost flow: pledge nodes supply what they pledge, requirement nodes demand what they need, one arc
per pair costing ``w * late_penalty * days_late`` per unit, and a spare node through which units may stay
unallocated (free) or unmet (``w * unmet_penalty``). Locked units are given first and their pairs stay open
for more. It writes no plan; it prints one JSON line: objective, pairs, and the seconds spent reading,
building and solving.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from pledgeflow.engine._alloc_arrays import NONE, build_arrays, join
from pledgeflow.engine.model import Scenario
from pledgeflow.engine.scenario import load_scenario


def solve_reference(path: Path) -> dict[str, Any]:
    """Read, check and plan the scenario at ``path`` with the pair model: objective and timings."""
    t0 = time.perf_counter()
    scenario = load_scenario(path.read_bytes())
    t_read = time.perf_counter() - t0
    result = solve_pairs(scenario)
    return {
        "objective": result["objective"],
        "pairs": result["pairs"],
        "arcs": result["arcs"],
        "read_seconds": round(t_read, 3),
        "build_seconds": result["build_seconds"],
        "solve_seconds": result["solve_seconds"],
        "seconds": round(time.perf_counter() - t0, 3),
    }


def solve_pairs(scenario: Scenario) -> dict[str, Any]:
    """The optimal objective of ``scenario`` from one min-cost flow with an arc per admissible pair."""
    t0 = time.perf_counter()
    a = build_arrays(scenario)
    pledges = np.flatnonzero((a.p_rem > 0) & (a.p_family != NONE))
    reqs = np.flatnonzero(a.r_rem > 0)
    pi, ri = join(a.p_family[pledges], a.r_family[reqs])
    p, r = pledges[pi], reqs[ri]
    dist = a.dist[a.p_origin[p], a.r_dest[r]]
    keep = (dist != NONE) & ((a.r_item[r] == NONE) | (a.r_item[r] == a.p_item[p]))
    restricted = a.p_restricted[p]
    if restricted.any():
        keep &= ~restricted | np.isin(p * max(len(a.dest_names), 1) + a.r_dest[r], a.allowed_keys)
    p, r, dist = p[keep], r[keep], dist[keep]
    late = np.maximum(0, a.p_leave[p] + dist - a.r_need[r])
    n_p, n_r = len(a.pledge_ids), len(a.requirement_ids)
    spare = n_p + n_r
    tails = np.concatenate([p, pledges, np.full(len(reqs), spare)])
    heads = np.concatenate([n_p + r, np.full(len(pledges), spare), n_p + reqs])
    caps = np.concatenate([np.minimum(a.p_rem[p], a.r_rem[r]), a.p_rem[pledges], a.r_rem[reqs]])
    costs = np.concatenate(
        [
            a.r_weight[r] * a.late_penalty * late,
            np.zeros(len(pledges), np.int64),
            a.r_weight[reqs] * a.unmet_penalty,
        ]
    )
    supply = np.zeros(spare + 1, dtype=np.int64)
    supply[pledges] = a.p_rem[pledges]
    supply[n_p + reqs] = -a.r_rem[reqs]
    supply[spare] = int(a.r_rem[reqs].sum()) - int(a.p_rem[pledges].sum())
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    solver.set_nodes_supplies(np.arange(spare + 1, dtype=np.int32), supply)
    t_build = time.perf_counter() - t0
    status = solver.solve()
    t_solve = time.perf_counter() - t0 - t_build
    if status != solver.OPTIMAL:
        raise RuntimeError(f"reference min-cost flow ended with status {status}")
    lock_late = np.maximum(
        0,
        a.p_leave[a.lock_pledge]
        + a.dist[a.p_origin[a.lock_pledge], a.r_dest[a.lock_requirement]]
        - a.r_need[a.lock_requirement],
    )
    lock_cost = int((a.lock_qty * a.r_weight[a.lock_requirement] * a.late_penalty * lock_late).sum())
    return {
        "objective": int(solver.optimal_cost()) + lock_cost,
        "pairs": len(p),
        "arcs": len(tails),
        "build_seconds": round(t_build, 3),
        "solve_seconds": round(t_solve, 3),
    }


if __name__ == "__main__":
    print(json.dumps(solve_reference(Path(sys.argv[1]))))
