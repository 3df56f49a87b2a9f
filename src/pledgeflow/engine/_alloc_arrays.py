"""The scenario as numpy arrays, indexed in id order, shared by the optimal planner and the baseline.

Pledges and requirements are numbered in code-point order of their ids, so every later sort that breaks ties
by index breaks them by id, and the result never depends on hash seeds or input order. Days are proleptic
ordinals (``date.toordinal()``). Locks are applied here: ``p_rem`` and ``r_rem`` are what is left to plan once
every locked unit is given (spec rule 5), and ``lock_*`` keep the locked pairs for adding back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pledgeflow.engine.model import Scenario
from pledgeflow.engine.network import shortest_days

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Marks "no value" in index arrays (no item named, destination unreachable, unknown family).
NONE = -1


@dataclass(frozen=True)
class Arrays:
    """Everything the planners read, as arrays; see the module docstring for the numbering."""

    pledge_ids: list[str]
    requirement_ids: list[str]
    family_names: list[str]
    item_codes: list[str]
    dest_names: list[str]
    p_item: IntArray
    p_family: IntArray
    p_leave: IntArray  # ordinal of max(start, available)
    p_origin: IntArray  # row of ``dist``
    p_qty: IntArray
    p_rem: IntArray
    p_restricted: BoolArray
    allowed_keys: IntArray  # sorted pledge * n_dest + dest for restricted pledges
    r_family: IntArray
    r_item: IntArray  # NONE when any item of the family will do
    r_dest: IntArray  # column of ``dist``
    r_need: IntArray  # ordinal of need_by
    r_priority: IntArray
    r_weight: IntArray
    r_qty: IntArray
    r_rem: IntArray
    dist: IntArray  # [origin, destination] least days, NONE when unreachable
    lock_pledge: IntArray
    lock_requirement: IntArray
    lock_qty: IntArray
    late_penalty: int
    unmet_penalty: int


def build_arrays(scenario: Scenario) -> Arrays:
    """Number, encode and lock-reduce a scenario (see the module docstring)."""
    pledges = sorted(scenario.pledges, key=lambda p: p.id)
    requirements = sorted(scenario.requirements, key=lambda r: r.id)
    item_family = {item.code: item.family for item in scenario.items}
    family_names = sorted(set(item_family.values()) | {r.family for r in requirements})
    family_index = {name: i for i, name in enumerate(family_names)}
    item_codes = sorted(item_family)
    item_index = {code: i for i, code in enumerate(item_codes)}
    origin_names = sorted({p.origin for p in pledges})
    origin_index = {name: i for i, name in enumerate(origin_names)}
    dest_names = sorted({r.destination for r in requirements})
    dest_index = {name: i for i, name in enumerate(dest_names)}

    table = shortest_days(scenario.routes, origin_names)
    dist = np.full((len(origin_names), len(dest_names)), NONE, dtype=np.int64)
    for o, origin in enumerate(origin_names):
        reach = table[origin]
        for d, dest in enumerate(dest_names):
            dist[o, d] = reach.get(dest, NONE)

    start = scenario.start.toordinal()
    n_dest = len(dest_names)
    allowed: list[int] = []
    for i, p in enumerate(pledges):
        if p.destinations is not None:
            allowed.extend(i * n_dest + dest_index[d] for d in set(p.destinations) if d in dest_index)

    p_index = {p.id: i for i, p in enumerate(pledges)}
    r_index = {r.id: i for i, r in enumerate(requirements)}
    locks = sorted(scenario.locks, key=lambda lock: (p_index[lock.pledge], r_index[lock.requirement]))
    lock_pledge = np.array([p_index[lock.pledge] for lock in locks], dtype=np.int64)
    lock_requirement = np.array([r_index[lock.requirement] for lock in locks], dtype=np.int64)
    lock_qty = np.array([lock.quantity for lock in locks], dtype=np.int64)

    p_qty = np.array([p.quantity for p in pledges], dtype=np.int64)
    r_qty = np.array([r.quantity for r in requirements], dtype=np.int64)
    p_rem = p_qty - np.bincount(lock_pledge, weights=lock_qty, minlength=len(pledges)).astype(np.int64)
    r_rem = r_qty - np.bincount(lock_requirement, weights=lock_qty, minlength=len(requirements)).astype(
        np.int64
    )
    weights = scenario.policy.priority_weights
    return Arrays(
        pledge_ids=[p.id for p in pledges],
        requirement_ids=[r.id for r in requirements],
        family_names=family_names,
        item_codes=item_codes,
        dest_names=dest_names,
        p_item=np.array([item_index.get(p.item, NONE) for p in pledges], dtype=np.int64),
        p_family=np.array(
            [family_index[item_family[p.item]] if p.item in item_family else NONE for p in pledges],
            dtype=np.int64,
        ),
        p_leave=np.array([max(start, p.available.toordinal()) for p in pledges], dtype=np.int64),
        p_origin=np.array([origin_index[p.origin] for p in pledges], dtype=np.int64),
        p_qty=p_qty,
        p_rem=p_rem,
        p_restricted=np.array([p.destinations is not None for p in pledges], dtype=np.bool_),
        allowed_keys=np.unique(np.array(allowed, dtype=np.int64)),
        r_family=np.array([family_index[r.family] for r in requirements], dtype=np.int64),
        r_item=np.array(
            [NONE if r.item is None else item_index.get(r.item, NONE) for r in requirements], dtype=np.int64
        ),
        r_dest=np.array([dest_index[r.destination] for r in requirements], dtype=np.int64),
        r_need=np.array([r.need_by.toordinal() for r in requirements], dtype=np.int64),
        r_priority=np.array([r.priority for r in requirements], dtype=np.int64),
        r_weight=np.array([weights[r.priority] for r in requirements], dtype=np.int64),
        r_qty=r_qty,
        r_rem=r_rem,
        dist=dist,
        lock_pledge=lock_pledge,
        lock_requirement=lock_requirement,
        lock_qty=lock_qty,
        late_penalty=scenario.policy.late_penalty_per_day,
        unmet_penalty=scenario.policy.unmet_penalty,
    )


def join(left: IntArray, right: IntArray) -> tuple[IntArray, IntArray]:
    """All index pairs ``(i, j)`` with ``left[i] == right[j]``, ordered by ``i`` then ``j``."""
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo = np.searchsorted(ordered, left, side="left")
    hi = np.searchsorted(ordered, left, side="right")
    counts = hi - lo
    total = int(counts.sum())
    li = np.repeat(np.arange(len(left), dtype=np.int64), counts)
    run_start = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    ri = order[run_start + np.arange(total, dtype=np.int64)]
    return li, ri.astype(np.int64)


def group(*columns: IntArray) -> tuple[IntArray, IntArray]:
    """Number the distinct rows of ``columns`` in lexicographic order.

    Returns ``(ids, first)``: the group id of every row, and for each group the index of one row holding it
    (the first in a stable lexicographic sort), so group attributes can be read from ``column[first]``.
    """
    n = len(columns[0])
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = _lexicographic_order(columns)
    change = np.zeros(n, dtype=np.bool_)
    change[0] = True
    for column in columns:
        ordered = column[order]
        change[1:] |= ordered[1:] != ordered[:-1]
    ids_sorted = np.cumsum(change) - 1
    ids = np.empty(n, dtype=np.int64)
    ids[order] = ids_sorted
    return ids, order[change].astype(np.int64)


def lexsort(keys: tuple[IntArray, ...]) -> IntArray:
    """``np.lexsort(keys)`` for integer keys (the last key sorts first; stable), usually much faster."""
    return _lexicographic_order(keys[::-1])


def _lexicographic_order(columns: tuple[IntArray, ...]) -> IntArray:
    """``np.lexsort(columns[::-1])``: the stable order by the first column, then the second, and so on.

    When the columns' ranges multiply to less than 2**62 they are packed into one integer key, which a stable
    argsort orders the same way many times faster than a multi-key lexsort.
    """
    if len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for column in columns:
        low = int(column.min())
        width = int(column.max()) - low + 1
        span *= width
        if span >= 2**62:
            return np.lexsort(columns[::-1])
        key = key * width + (column - low)
    order: IntArray = np.argsort(key, kind="stable")
    return order


def candidate_routes(
    a: Arrays, pledge_mask: BoolArray, dest_family: tuple[IntArray, IntArray]
) -> CandidateRows:
    """Every (pledge, destination) where a pledge may deliver to a requirement's destination of its family.

    ``dest_family`` lists the distinct (family, destination) of the requirements to plan. A row is kept when
    the donor allows the destination (rule 1) and a route reaches it; ``arrive`` is the day it gets there
    (rule 2).
    """
    fam_of_fd, dest_of_fd = dest_family
    pledges = np.flatnonzero(pledge_mask & (a.p_family != NONE)).astype(np.int64)
    li, ri = join(a.p_family[pledges], fam_of_fd)
    pledge = pledges[li]
    dest = dest_of_fd[ri]
    n_dest = max(len(a.dest_names), 1)
    keep = a.dist[a.p_origin[pledge], dest] != NONE
    restricted = a.p_restricted[pledge]
    if restricted.any():
        allowed = np.isin(pledge * n_dest + dest, a.allowed_keys)
        keep &= ~restricted | allowed
    pledge = pledge[keep]
    dest = dest[keep]
    arrive = a.p_leave[pledge] + a.dist[a.p_origin[pledge], dest]
    return CandidateRows(pledge=pledge, dest=dest, arrive=arrive)


@dataclass(frozen=True)
class CandidateRows:
    """(pledge, destination, arrival day) rows, in pledge order then destination order."""

    pledge: IntArray
    dest: IntArray
    arrive: IntArray
