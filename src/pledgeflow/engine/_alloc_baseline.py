"""First-come-first-served, exactly as spec rule 7 states it, without enumerating pairs.

Requirements are taken in order of (priority, need-by, id). The admissible pledges of a requirement depend
only on its family, destination and named item, so the pledges are put once into sorted queues, one per
(family, destination, any item) and per (item, destination), ordered by (arrival there, pledge id). Each queue
keeps a cursor that only moves past pledges that are used up; a pledge used up through one queue stays used up
in all of them, so the total work is linear in the queue lengths.
"""

from __future__ import annotations

import numpy as np

from pledgeflow.engine._alloc_arrays import Arrays, IntArray, candidate_routes, group, join, lexsort


def first_come(a: Arrays) -> tuple[IntArray, IntArray, IntArray]:
    """Residual pairs (pledge, requirement, quantity) given to requirements first come, first served."""
    reqs = np.flatnonzero(a.r_rem > 0).astype(np.int64)
    n_items = len(a.item_codes)
    n_dest = max(len(a.dest_names), 1)
    itemkey = a.r_item[reqs] + 1
    # Queues are keyed (family, destination, item named + 1 or 0 for any).
    queue_of_req, queue_first = group(a.r_family[reqs], a.r_dest[reqs], itemkey)
    q_family = a.r_family[reqs][queue_first]
    q_dest = a.r_dest[reqs][queue_first]
    q_item = itemkey[queue_first]

    fd_ids, fd_first = group(q_family, q_dest)
    del fd_ids
    cand = candidate_routes(a, a.p_rem > 0, (q_family[fd_first], q_dest[fd_first]))
    cand_item = a.p_item[cand.pledge] + 1

    def key(family: IntArray, dest: IntArray, item: IntArray) -> IntArray:
        return (family * n_dest + dest) * (n_items + 1) + item

    q_key = key(q_family, q_dest, q_item)
    fam = a.p_family[cand.pledge]
    gl, gq = join(key(fam, cand.dest, np.zeros_like(cand_item)), q_key)
    sl, sq = join(key(fam, cand.dest, cand_item), q_key)
    row = np.concatenate([gl, sl])
    queue = np.concatenate([gq, sq])
    order = lexsort((cand.pledge[row], cand.arrive[row], queue))
    queue_pledges = cand.pledge[row][order].tolist()
    bounds = np.searchsorted(queue[order], np.arange(len(q_key) + 1)).tolist()

    cursor = bounds[:-1]
    remaining = a.p_rem.tolist()
    req_order = lexsort((reqs, a.r_need[reqs], a.r_priority[reqs]))
    out_p: list[int] = []
    out_r: list[int] = []
    out_q: list[int] = []
    for position in req_order.tolist():
        r = int(reqs[position])
        need = int(a.r_rem[r])
        qid = int(queue_of_req[position])
        at, end = cursor[qid], bounds[qid + 1]
        while need > 0 and at < end:
            p = queue_pledges[at]
            have = remaining[p]
            if have == 0:
                at += 1
                continue
            take = min(have, need)
            remaining[p] = have - take
            need -= take
            out_p.append(p)
            out_r.append(r)
            out_q.append(take)
            if take == have:
                at += 1
        cursor[qid] = at
    return (
        np.array(out_p, dtype=np.int64),
        np.array(out_r, dtype=np.int64),
        np.array(out_q, dtype=np.int64),
    )
