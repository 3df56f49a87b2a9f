"""The compact min-cost-flow model of the allocation problem, its solution and its decomposition into pairs.

docs/planner.md states the model and proves it has the same optimum as the model with one arc per admissible
(pledge, requirement) pair. In short, per family:

- a **pledge node** per pledge, supplying what is left of it after locks;
- an **entry node** per (item, destination, arrival day): pledges of that item that reach that destination on
  that day all enter there (one arc per pledge and allowed, reachable destination);
- a **time chain** per (destination, priority, item named or any): a node per relevant day, ``forward``
  arcs of cost 0 (arriving early is free) and ``backward`` arcs of cost ``w * late_penalty * gap`` (serving an
  earlier need-by from a later arrival costs the days late). Entry nodes feed the generic chains of their
  destination and the chains of requirements that name their item;
- a **requirement node** per requirement, fed from its chain at its need-by day, demanding what is left of it;
- a **spare node** per family: pledges may leave units there at no cost and requirements may take units from
  it at ``w * unmet_penalty`` each (units left unmet).

Families share nothing, so each batch of families is solved as its own network. The optimal flow is turned
into per-pair quantities in two exact steps, both vectorised over all groups at once: within each chain the
supplies (sorted by arrival) are matched to the requirements (sorted by need-by) in order, which is the
cheapest matching on a line for a convex cost; then at each entry node the pledges are matched to the
requirements it served.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from pledgeflow.engine._alloc_arrays import NONE, Arrays, IntArray, candidate_routes, group, join
from pledgeflow.engine.errors import PlanError

Progress = Callable[[float, str], None]

#: Families are solved in batches of at least this many arcs (fewer solver calls, same optimum).
BATCH_ARCS = 50_000


@dataclass
class FlowSolution:
    """Residual plan (after locks): pairs in (pledge, requirement) order, and the solver's optimal cost."""

    pledge: IntArray
    requirement: IntArray
    quantity: IntArray
    cost: int
    stats: dict[str, float | int] = field(default_factory=dict)


def _merge(supply_amount: IntArray, demand_amount: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Match two sequences of amounts in order, first unit to first unit: (supply row, demand row, amount).

    Both sequences are grouped the same way and each group has equal totals, so matching the concatenations
    matches every group with itself. This is the north-west corner rule, done with cumulative sums.
    """
    cs = np.cumsum(supply_amount)
    cd = np.cumsum(demand_amount)
    if len(cs) == 0 or len(cd) == 0 or cs[-1] != cd[-1]:
        if len(cs) == 0 and len(cd) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        raise PlanError("internal error: flow is not conserved while decomposing the plan; please report it")
    breaks = np.union1d(cs, cd)
    amount = np.diff(breaks, prepend=0)
    si = np.searchsorted(cs, breaks, side="left")
    di = np.searchsorted(cd, breaks, side="left")
    return si.astype(np.int64), di.astype(np.int64), amount.astype(np.int64)


def solve_compact(a: Arrays, progress: Progress | None = None) -> FlowSolution:
    """Optimal residual plan for the unlocked quantities ``a.p_rem`` and ``a.r_rem``."""
    t0 = time.perf_counter()
    reqs = np.flatnonzero(a.r_rem > 0).astype(np.int64)
    n_items = len(a.item_codes)
    n_dest = max(len(a.dest_names), 1)
    r_itemkey = a.r_item[reqs] + 1  # 0 = any item of the family

    # Chains: one per (family, destination, priority, item named or any) that some requirement sits on.
    chain_of_req, chain_first = group(a.r_family[reqs], a.r_dest[reqs], a.r_priority[reqs], r_itemkey)
    c_family = a.r_family[reqs][chain_first]
    c_dest = a.r_dest[reqs][chain_first]
    c_itemkey = r_itemkey[chain_first]
    c_weight = a.r_weight[reqs][chain_first]

    # Where pledges can arrive: (pledge, destination, day) rows, then entry nodes (item, destination, day).
    fd_ids, fd_first = group(a.r_family[reqs], a.r_dest[reqs])
    del fd_ids
    cand = candidate_routes(a, a.p_rem > 0, (a.r_family[reqs][fd_first], a.r_dest[reqs][fd_first]))
    cand_item = a.p_item[cand.pledge]
    entry_of_cand, entry_first = group(cand_item, cand.dest, cand.arrive)
    e_item = cand_item[entry_first]
    e_family = a.p_family[cand.pledge[entry_first]]
    e_dest = cand.dest[entry_first]
    e_day = cand.arrive[entry_first]

    # Entry -> chain links: the generic chains of (family, destination) and the chains naming the item.
    def chain_key(family: IntArray, dest: IntArray, itemkey: IntArray) -> IntArray:
        return (family * n_dest + dest) * (n_items + 1) + itemkey

    c_key = chain_key(c_family, c_dest, c_itemkey)
    gl, gc = join(chain_key(e_family, e_dest, np.zeros_like(e_item)), c_key)
    sl, sc = join(chain_key(e_family, e_dest, e_item + 1), c_key)
    link_entry = np.concatenate([gl, sl])
    link_chain = np.concatenate([gc, sc])
    link_order = np.lexsort((link_chain, link_entry))
    link_entry = link_entry[link_order]
    link_chain = link_chain[link_order]
    link_day = e_day[link_entry]

    # Chain points: the distinct (chain, day) of links and of requirements' need-by.
    point_chain_rows = np.concatenate([link_chain, chain_of_req])
    point_day_rows = np.concatenate([link_day, a.r_need[reqs]])
    point_of_row, point_first = group(point_chain_rows, point_day_rows)
    pt_chain = point_chain_rows[point_first]
    pt_day = point_day_rows[point_first]
    point_of_link = point_of_row[: len(link_chain)]
    point_of_req = point_of_row[len(link_chain) :]

    # Node numbering: pledges, entries, points, requirements, one spare node per family.
    n_p = len(a.pledge_ids)
    n_e = len(e_item)
    n_pt = len(pt_chain)
    n_f = len(a.family_names)
    base_e = n_p
    base_pt = base_e + n_e
    base_r = base_pt + n_pt
    base_f = base_r + len(a.requirement_ids)
    n_nodes = base_f + n_f

    big = int(a.p_rem.sum()) + int(a.r_rem.sum()) + 1
    same_chain = pt_chain[1:] == pt_chain[:-1]
    seg_from = np.flatnonzero(same_chain).astype(np.int64)
    seg_gap = pt_day[seg_from + 1] - pt_day[seg_from]
    seg_weight = c_weight[pt_chain[seg_from]]
    live_p = np.flatnonzero((a.p_rem > 0) & (a.p_family != NONE)).astype(np.int64)

    seg_family = c_family[pt_chain[seg_from]]
    zero = np.zeros
    kinds = [
        # (tail, head, capacity, cost, family); the kind numbers are used by _decompose.
        # 0: pledge -> entry node
        (cand.pledge, base_e + entry_of_cand, a.p_rem[cand.pledge], zero(len(cand.pledge)),
         e_family[entry_of_cand]),
        # 1: entry node -> chain point
        (base_e + link_entry, base_pt + point_of_link, np.full(len(link_entry), big), zero(len(link_entry)),
         c_family[link_chain]),
        # 2: forward along a chain (arriving early is free); 3: backward (w * late_penalty per day late)
        (base_pt + seg_from, base_pt + seg_from + 1, np.full(len(seg_from), big), zero(len(seg_from)),
         seg_family),
        (base_pt + seg_from + 1, base_pt + seg_from, np.full(len(seg_from), big),
         seg_weight * a.late_penalty * seg_gap, seg_family),
        # 4: chain point at need-by -> requirement
        (base_pt + point_of_req, base_r + reqs, a.r_rem[reqs], zero(len(reqs)), a.r_family[reqs]),
        # 5: pledge -> spare (unallocated); 6: spare -> requirement (unmet)
        (live_p, base_f + a.p_family[live_p], a.p_rem[live_p], zero(len(live_p)), a.p_family[live_p]),
        (base_f + a.r_family[reqs], base_r + reqs, a.r_rem[reqs], a.r_weight[reqs] * a.unmet_penalty,
         a.r_family[reqs]),
    ]  # fmt: skip
    tails = np.concatenate([k[0] for k in kinds]).astype(np.int64)
    heads = np.concatenate([k[1] for k in kinds]).astype(np.int64)
    caps = np.concatenate([k[2] for k in kinds]).astype(np.int64)
    costs = np.concatenate([k[3] for k in kinds]).astype(np.int64)
    fams = np.concatenate([k[4] for k in kinds]).astype(np.int64)
    kind_of_arc = np.repeat(np.arange(len(kinds)), [len(k[0]) for k in kinds])

    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[live_p] = a.p_rem[live_p]
    supply[base_r + reqs] = -a.r_rem[reqs]
    np.add.at(supply, base_f + a.r_family[reqs], a.r_rem[reqs])
    np.add.at(supply, base_f + a.p_family[live_p], -a.p_rem[live_p])
    t_build = time.perf_counter() - t0

    # Solve family batches independently, in family order; arcs keep their order within a family.
    order = np.argsort(fams, kind="stable")
    fam_sorted = fams[order]
    fam_bounds = np.searchsorted(fam_sorted, np.arange(n_f + 1))
    flows = np.zeros(len(tails), dtype=np.int64)
    total_cost = 0
    batches = 0
    t1 = time.perf_counter()
    f = 0
    while f < n_f:
        g = f + 1
        while g < n_f and fam_bounds[g] - fam_bounds[f] < BATCH_ARCS:
            g += 1
        arcs = order[fam_bounds[f] : fam_bounds[g]]
        f_done = g
        if len(arcs):
            total_cost += _solve_batch(tails[arcs], heads[arcs], caps[arcs], costs[arcs], supply, arcs, flows)
            batches += 1
        f = g
        if progress is not None:
            progress(0.1 + 0.8 * f_done / n_f, f"solved {f_done} of {n_f} families")
    t_solve = time.perf_counter() - t1

    t2 = time.perf_counter()
    pledge, requirement, quantity = _decompose(
        flows, kind_of_arc, tails, heads, base_e, base_pt, base_r, pt_chain, pt_day
    )
    t_decompose = time.perf_counter() - t2
    stats: dict[str, float | int] = {
        "build_seconds": round(t_build, 4),
        "solve_seconds": round(t_solve, 4),
        "decompose_seconds": round(t_decompose, 4),
        "nodes": int(n_nodes),
        "arcs": len(tails),
        "batches": batches,
        "entry_nodes": n_e,
        "chain_points": n_pt,
    }
    return FlowSolution(pledge, requirement, quantity, total_cost, stats)


def _solve_batch(
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    costs: IntArray,
    supply: IntArray,
    arcs: IntArray,
    flows: IntArray,
) -> int:
    """Solve one batch of whole families with OR-Tools; write arc flows into ``flows``; return the cost."""
    nodes, local = np.unique(np.concatenate([tails, heads]), return_inverse=True)
    n = len(tails)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        local[:n].astype(np.int32), local[n:].astype(np.int32), caps, costs
    )
    solver.set_nodes_supplies(np.arange(len(nodes), dtype=np.int32), supply[nodes])
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise PlanError(
            f"the min-cost-flow solver stopped with status {status} (expected OPTIMAL); quantities, weights "
            "or penalties may be too large for 64-bit costs: lower priority_weights, unmet_penalty or "
            "late_penalty_per_day"
        )
    flows[arcs] = solver.flows(np.arange(n, dtype=np.int32))
    return int(solver.optimal_cost())


def _decompose(
    flows: IntArray,
    kind_of_arc: IntArray,
    tails: IntArray,
    heads: IntArray,
    base_e: int,
    base_pt: int,
    base_r: int,
    pt_chain: IntArray,
    pt_day: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Per-pair quantities from the optimal arc flows (see the module docstring)."""
    # Step 1, per chain: entry supplies sorted by (chain, day, entry), demands by (chain, need-by, id).
    link_arcs = np.flatnonzero((kind_of_arc == 1) & (flows > 0))
    s_entry = tails[link_arcs] - base_e
    s_point = heads[link_arcs] - base_pt
    s_chain = pt_chain[s_point]
    s_order = np.lexsort((s_entry, pt_day[s_point], s_chain))
    s_entry, s_chain, s_amount = s_entry[s_order], s_chain[s_order], flows[link_arcs][s_order]
    req_arcs = np.flatnonzero((kind_of_arc == 4) & (flows > 0))
    d_req = heads[req_arcs] - base_r
    d_point = tails[req_arcs] - base_pt
    d_chain = pt_chain[d_point]
    d_order = np.lexsort((d_req, pt_day[d_point], d_chain))
    d_req, d_chain, d_amount = d_req[d_order], d_chain[d_order], flows[req_arcs][d_order]
    si, di, amount = _merge(s_amount, d_amount)
    if not np.array_equal(s_chain[si], d_chain[di]):
        raise PlanError("internal error: a chain's flow does not balance; please report it")
    er_entry = s_entry[si]
    er_req = d_req[di]

    # Step 2, per entry node: pledges (by id) to the requirements it served (by id).
    in_arcs = np.flatnonzero((kind_of_arc == 0) & (flows > 0))
    i_pledge = tails[in_arcs]
    i_entry = heads[in_arcs] - base_e
    i_order = np.lexsort((i_pledge, i_entry))
    i_pledge, i_entry, i_amount = i_pledge[i_order], i_entry[i_order], flows[in_arcs][i_order]
    o_order = np.lexsort((er_req, er_entry))
    o_entry, o_req, o_amount = er_entry[o_order], er_req[o_order], amount[o_order]
    pi, oi, pair_amount = _merge(i_amount, o_amount)
    if not np.array_equal(i_entry[pi], o_entry[oi]):
        raise PlanError("internal error: an entry node's flow does not balance; please report it")
    pledge = i_pledge[pi]
    requirement = o_req[oi]
    final = np.lexsort((requirement, pledge))
    return pledge[final], requirement[final], pair_amount[final]
