"""The compact min-cost-flow model of the allocation problem, its solution and its decomposition into pairs.

docs/planner.md states the model and proves it has the same optimum as the model with one arc per admissible
(pledge, requirement) pair. In short, per family:

- a **pledge node** per pledge, supplying what is left of it after locks;
- an **entry node** per (item, destination, arrival day): pledges of that item that reach that destination on
  that day all enter there (one arc per pledge and allowed, reachable destination);
- a **time chain** per (destination, priority, item named or any) with a point per distinct need-by day of its
  requirements, ``forward`` arcs of cost 0 (arriving early is free) and ``backward`` arcs of cost
  ``w * late_penalty * gap`` (serving an earlier need-by from a later arrival costs the days late). An entry
  node arriving on day t joins the generic chains of its destination and the chains naming its item at the
  first point on or after t (cost 0) and at the last point before t (``w * late_penalty * (t - that day)``);
- a **requirement node** per requirement, fed from its chain at its need-by day (at most what is left of it);
- a **spare node** per family, taking every pledged unit: straight from the pledge at no cost (unallocated),
  or through a requirement, earning ``w * unmet_penalty`` per unit there (cost ``-w * unmet_penalty``). The
  solver's cost plus ``w * unmet_penalty`` for every unit needed is the objective.

Families share nothing, so each family is solved as its own network (see ``BATCH_ARCS``). The optimal
flow is turned into per-pair quantities in two exact steps, both vectorised over all groups at once:
within each chain the supplies (sorted by arrival) are matched to the requirements (sorted by need-by) in
order, which is the cheapest matching on a line for a convex cost; then at each entry node the pledges are
matched to the requirements it served.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from pledgeflow.engine._alloc_arrays import NONE, Arrays, IntArray, candidate_routes, group, join, lexsort
from pledgeflow.engine.errors import PlanError

Progress = Callable[[float, str], None]

#: Families are solved in batches of at least this many arcs; 1 solves each family alone. Any batching gives
#: the same optimum, but among equally optimal plans the solver's choice depends on its whole network: one
#: family a batch keeps a family's plan unchanged when only other families change (a lock or a withdrawn
#: pledge elsewhere), so successive plan runs compare quietly. At 20k x 20k it is no slower than batches of
#: 20,000 arcs (1.97-2.26 s against 2.18-2.43 s end to end, measured back to back).
BATCH_ARCS = 1
#: Networks with at least this many arcs are solved in parallel processes, at most MAX_PROCESSES of them.
PARALLEL_ARCS = 300_000
MAX_PROCESSES = 4


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
    return (
        si.astype(np.int64, copy=False),
        di.astype(np.int64, copy=False),
        amount.astype(np.int64, copy=False),
    )


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
    pair_entry = np.concatenate([gl, sl])
    pair_chain = np.concatenate([gc, sc])
    pair_day = e_day[pair_entry]

    # Chain points: the distinct (chain, need-by day) of the requirements, in (chain, day) order. An entry
    # arriving on day t joins a chain at the first point on or after t (free: on time for that need-by and all
    # later ones) and at the last point before t (w * late_penalty * days between, the lateness there).
    point_of_req, point_first = group(chain_of_req, a.r_need[reqs])
    pt_chain = chain_of_req[point_first]
    pt_day = a.r_need[reqs][point_first]
    span = int(max(pt_day.max(initial=0), pair_day.max(initial=0))) + 1
    pt_key = pt_chain * span + pt_day
    after = np.searchsorted(pt_key, pair_chain * span + pair_day, side="left")
    on_time = after < len(pt_key)
    on_time[on_time] = pt_chain[after[on_time]] == pair_chain[on_time]
    before = after - 1
    late = before >= 0
    late[late] = pt_chain[before[late]] == pair_chain[late]
    link_entry = np.concatenate([pair_entry[on_time], pair_entry[late]])
    link_chain = np.concatenate([pair_chain[on_time], pair_chain[late]])
    point_of_link = np.concatenate([after[on_time], before[late]]).astype(np.int64)
    link_cost = np.concatenate(
        [
            np.zeros(int(on_time.sum()), dtype=np.int64),
            c_weight[pair_chain[late]] * a.late_penalty * (pair_day[late] - pt_day[before[late]]),
        ]
    )
    # Links in (entry, chain, point) order. Points are numbered in (chain, day) order, so (entry, point) is
    # the same order, and one integer key sorts a million links many times faster than a three-key lexsort.
    link_order = np.argsort(link_entry * max(len(pt_chain), 1) + point_of_link, kind="stable")
    link_entry, link_chain = link_entry[link_order], link_chain[link_order]
    point_of_link, link_cost = point_of_link[link_order], link_cost[link_order]

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
    # An entry reached by one pledge only is that pledge's node itself (fewer nodes and arcs, same network).
    entry_size = np.bincount(entry_of_cand, minlength=n_e)
    single = entry_size == 1
    entry_node = base_e + np.arange(n_e, dtype=np.int64)
    lone_cand = single[entry_of_cand]
    entry_node[entry_of_cand[lone_cand]] = cand.pledge[lone_cand]
    shared = ~lone_cand

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
        (cand.pledge[shared], base_e + entry_of_cand[shared], a.p_rem[cand.pledge[shared]],
         zero(int(shared.sum())), e_family[entry_of_cand[shared]]),
        # 1: entry node -> chain point (on time, or late by the days to that point's need-by)
        (entry_node[link_entry], base_pt + point_of_link, np.full(len(link_entry), big), link_cost,
         c_family[link_chain]),
        # 2: forward along a chain (arriving early is free); 3: backward (w * late_penalty per day late)
        (base_pt + seg_from, base_pt + seg_from + 1, np.full(len(seg_from), big), zero(len(seg_from)),
         seg_family),
        (base_pt + seg_from + 1, base_pt + seg_from, np.full(len(seg_from), big),
         seg_weight * a.late_penalty * seg_gap, seg_family),
        # 4: chain point at need-by -> requirement
        (base_pt + point_of_req, base_r + reqs, a.r_rem[reqs], zero(len(reqs)), a.r_family[reqs]),
        # 5: pledge -> spare (unallocated); 6: requirement -> spare, earning w * unmet_penalty per unit
        (live_p, base_f + a.p_family[live_p], a.p_rem[live_p], zero(len(live_p)), a.p_family[live_p]),
        (base_r + reqs, base_f + a.r_family[reqs], a.r_rem[reqs], -a.r_weight[reqs] * a.unmet_penalty,
         a.r_family[reqs]),
    ]  # fmt: skip
    tails = np.concatenate([k[0] for k in kinds]).astype(np.int64, copy=False)
    heads = np.concatenate([k[1] for k in kinds]).astype(np.int64, copy=False)
    caps = np.concatenate([k[2] for k in kinds]).astype(np.int64, copy=False)
    costs = np.concatenate([k[3] for k in kinds]).astype(np.int64, copy=False)
    fams = np.concatenate([k[4] for k in kinds]).astype(np.int64, copy=False)
    kind_of_arc = np.repeat(np.arange(len(kinds)), [len(k[0]) for k in kinds])

    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[live_p] = a.p_rem[live_p]
    np.add.at(supply, base_f + a.p_family[live_p], -a.p_rem[live_p])
    _check_cost_range(a, costs, n_nodes, reqs, np.concatenate([pair_day, pt_day]))
    t_build = time.perf_counter() - t0

    # Solve family batches independently, in family order; arcs keep their order within a family.
    # Stable sort by family; small integer keys let numpy use a radix sort (same order, several times faster).
    fam_keys = fams.astype(np.int16) if n_f < 2**15 else fams
    order = np.argsort(fam_keys, kind="stable")
    fam_sorted = fams[order]
    fam_bounds = np.searchsorted(fam_sorted, np.arange(n_f + 1))
    groups: list[tuple[IntArray, int]] = []
    f = 0
    while f < n_f:
        g = f + 1
        while g < n_f and fam_bounds[g] - fam_bounds[f] < BATCH_ARCS:
            g += 1
        if fam_bounds[g] > fam_bounds[f]:
            groups.append((order[fam_bounds[f] : fam_bounds[g]], g))
        f = g
    t1 = time.perf_counter()
    flows = np.zeros(len(tails), dtype=np.int64)
    network = (tails, heads, caps, costs, supply)
    total_cost = 0
    for done, (arcs, (batch_flows, batch_cost)) in enumerate(
        zip((arcs for arcs, _ in groups), _solve_all(network, [arcs for arcs, _ in groups]), strict=True)
    ):
        flows[arcs] = batch_flows
        total_cost += batch_cost
        if progress is not None:
            f_done = groups[done][1]
            progress(0.1 + 0.8 * f_done / max(n_f, 1), f"solved {f_done} of {n_f} families")
    batches = len(groups)
    # Every unit needed costs w * unmet_penalty unless received (the arcs above earn it back when received).
    total_cost += a.unmet_penalty * sum(
        w * q for w, q in zip(a.r_weight[reqs].tolist(), a.r_rem[reqs].tolist(), strict=True)
    )
    t_solve = time.perf_counter() - t1

    t2 = time.perf_counter()
    pledge, requirement, quantity = _decompose(
        flows,
        kind_of_arc,
        tails,
        heads,
        base_e,
        base_pt,
        base_r,
        pt_chain,
        pt_day,
        e_day,
        link_entry,
        entry_node,
    )
    t_decompose = time.perf_counter() - t2
    stats: dict[str, float | int] = {
        "build_seconds": round(t_build, 4),
        "solve_seconds": round(t_solve, 4),
        "decompose_seconds": round(t_decompose, 4),
        "nodes": int(n_nodes - single.sum()),
        "processes": _processes(len(tails), batches),
        "arcs": len(tails),
        "batches": batches,
        "entry_nodes": n_e,
        "chain_points": n_pt,
    }
    return FlowSolution(pledge, requirement, quantity, total_cost, stats)


#: OR-Tools keeps costs, scaled costs and the total in signed 64 bits; stay a factor of two below.
COST_LIMIT = 2**62


def _check_cost_range(a: Arrays, costs: IntArray, n_nodes: int, reqs: IntArray, days: IntArray) -> None:
    """Refuse, before solving, numbers whose costs could overflow the solver's 64-bit arithmetic."""
    span = int(days.max() - days.min()) if len(days) else 0
    worst_unit = max(a.unmet_penalty, a.late_penalty * span) * int(a.r_weight.max(initial=0))
    total = int(a.r_rem[reqs].sum()) * worst_unit  # Python integers: exact, whatever the size
    largest_arc = int(np.abs(costs).max(initial=0))
    if total >= COST_LIMIT or largest_arc * (n_nodes + 1) >= COST_LIMIT:
        raise PlanError(
            f"the scenario's costs are too large to plan exactly in 64-bit arithmetic (up to {total:.3e} in "
            f"total; the limit is {COST_LIMIT:.3e}): lower policy.priority_weights, policy.unmet_penalty or "
            "policy.late_penalty_per_day, or the quantities, keeping their ratios"
        )


Network = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]
_FORKED: Network | None = None  # the network a forked worker reads (inherited, never pickled)


def _processes(arcs: int, batches: int) -> int:
    """How many processes to solve with: one, unless the network is large and cores are free.

    ``PLEDGEFLOW_SOLVER_PROCESSES`` overrides the choice (1 turns parallel solving off). Batches are whole
    families solved independently, so the plan is the same whatever the number of processes.
    """
    wanted = os.environ.get("PLEDGEFLOW_SOLVER_PROCESSES")
    if wanted is not None:
        return max(1, int(wanted))
    if arcs < PARALLEL_ARCS or batches < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1  # forking a threaded process (a web server, say) is unsafe: stay serial there
    return min(
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, MAX_PROCESSES, batches
    )


def _solve_all(network: Network, batches: list[IntArray]) -> Iterator[tuple[IntArray, int]]:
    """Solve every batch, in order, serially or in forked worker processes; yields (flows, cost)."""
    processes = _processes(len(network[0]), len(batches))
    if processes == 1:
        for arcs in batches:
            yield _solve_batch(network, arcs)
        return
    global _FORKED
    _FORKED = network
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            yield from pool.map(_solve_forked, batches)
    finally:
        _FORKED = None


def _solve_forked(arcs: IntArray) -> tuple[IntArray, int]:
    """Worker side of :func:`_solve_all`."""
    assert _FORKED is not None
    return _solve_batch(_FORKED, arcs)


def _solve_batch(network: Network, arcs: IntArray) -> tuple[IntArray, int]:
    """Solve one batch of whole families with OR-Tools; returns its arc flows and its cost."""
    all_tails, all_heads, all_caps, all_costs, supply = network
    tails, heads = all_tails[arcs], all_heads[arcs]
    # The batch's nodes, numbered in increasing order of their global number (what np.unique would give,
    # without sorting two copies of the arcs).
    present = np.zeros(len(supply), dtype=np.bool_)
    present[tails] = True
    present[heads] = True
    nodes = np.flatnonzero(present)
    local = np.empty(len(supply), dtype=np.int32)
    local[nodes] = np.arange(len(nodes), dtype=np.int32)
    n = len(tails)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(local[tails], local[heads], all_caps[arcs], all_costs[arcs])
    solver.set_nodes_supplies(np.arange(len(nodes), dtype=np.int32), supply[nodes])
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise PlanError(
            f"the min-cost-flow solver stopped with status {status} (expected OPTIMAL); quantities, weights "
            "or penalties may be too large for 64-bit costs: lower priority_weights, unmet_penalty or "
            "late_penalty_per_day"
        )
    flows: IntArray = np.asarray(solver.flows(np.arange(n, dtype=np.int32)), dtype=np.int64)
    return flows, int(solver.optimal_cost())


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
    e_day: IntArray,
    link_entry: IntArray,
    entry_node: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Per-pair quantities from the optimal arc flows (see the module docstring)."""
    # Step 1, per chain: entry supplies sorted by (chain, day, entry), demands by (chain, need-by, id).
    link_all = np.flatnonzero(kind_of_arc == 1)
    used = flows[link_all] > 0
    link_arcs = link_all[used]
    s_entry = link_entry[used]
    s_point = heads[link_arcs] - base_pt
    s_chain = pt_chain[s_point]
    # An entry may feed its chain through two arcs; both carry units arriving on the entry's day.
    s_order = lexsort((s_entry, e_day[s_entry], s_chain))
    s_entry, s_chain, s_amount = s_entry[s_order], s_chain[s_order], flows[link_arcs][s_order]
    req_arcs = np.flatnonzero((kind_of_arc == 4) & (flows > 0))
    d_req = heads[req_arcs] - base_r
    d_point = tails[req_arcs] - base_pt
    d_chain = pt_chain[d_point]
    d_order = lexsort((d_req, pt_day[d_point], d_chain))
    d_req, d_chain, d_amount = d_req[d_order], d_chain[d_order], flows[req_arcs][d_order]
    si, di, amount = _merge(s_amount, d_amount)
    if not np.array_equal(s_chain[si], d_chain[di]):
        raise PlanError("internal error: a chain's flow does not balance; please report it")
    er_entry = s_entry[si]
    er_req = d_req[di]

    # Step 2, per entry node: pledges (by id) to the requirements it served (by id).
    # Entries that are a lone pledge's own node pass on exactly what that pledge sent through them.
    in_arcs = np.flatnonzero((kind_of_arc == 0) & (flows > 0))
    lone = np.flatnonzero(entry_node < base_e)
    lone_out = np.bincount(er_entry, weights=amount, minlength=len(entry_node)).astype(np.int64)[lone]
    keep = lone_out > 0
    i_pledge = np.concatenate([tails[in_arcs], entry_node[lone][keep]])
    i_entry = np.concatenate([heads[in_arcs] - base_e, lone[keep]])
    i_amount = np.concatenate([flows[in_arcs], lone_out[keep]])
    i_order = lexsort((i_pledge, i_entry))
    i_pledge, i_entry, i_amount = i_pledge[i_order], i_entry[i_order], i_amount[i_order]
    o_order = lexsort((er_req, er_entry))
    o_entry, o_req, o_amount = er_entry[o_order], er_req[o_order], amount[o_order]
    pi, oi, pair_amount = _merge(i_amount, o_amount)
    if not np.array_equal(i_entry[pi], o_entry[oi]):
        raise PlanError("internal error: an entry node's flow does not balance; please report it")
    pledge = i_pledge[pi]
    requirement = o_req[oi]
    final = lexsort((requirement, pledge))
    pledge, requirement, pair_amount = pledge[final], requirement[final], pair_amount[final]
    if len(pledge) == 0:
        return pledge, requirement, pair_amount
    # Units of one pledge can reach one requirement through both arcs of an entry into a chain: add them up.
    first = np.flatnonzero(
        np.concatenate([[True], (pledge[1:] != pledge[:-1]) | (requirement[1:] != requirement[:-1])])
    )
    return pledge[first], requirement[first], np.add.reduceat(pair_amount, first)
