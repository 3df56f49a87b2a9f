"""Exact search for one cohort's cheapest chain of sessions, and the greedy plan built from it.

A cohort needs only a handful of skills, so a depth-first search over its candidate sessions is exact and
fast. It serves three purposes: it solves every component without contention for seats outright (each cohort
then simply takes its cheapest chain), it gives the solver a good first plan to improve on, and it tells
explanations which sessions a cohort could have taken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from pledgeflow.engine._training_prep import CohortTask, SessionSlot

Chain = tuple[int, ...]  # one session index per needed skill, in the order of ``CohortTask.needed``


def cheapest_chain(
    task: CohortTask,
    sessions: Sequence[SessionSlot],
    usable: Callable[[int], bool] = lambda _slot: True,
) -> tuple[int, Chain] | None:
    """The cheapest valid chain for ``task`` using only sessions for which ``usable`` holds, with its cost.

    Valid means spec rules 2-3: one candidate session per needed skill, each prerequisite's session ending on
    or before its dependant's starts, and no two of the cohort's sessions overlapping. Ties are broken by the
    earliest completion, then the session ids, so the result is deterministic. ``None`` when no chain exists.
    """
    if task.impossible or task.needs_nothing:
        return None
    target = len(task.needed) - 1
    targets = sorted(
        (s for s in task.candidates[target] if usable(s)),
        key=lambda s: (task.late_cost(sessions[s].end), sessions[s].end, sessions[s].start, sessions[s].id),
    )
    for slot in targets:
        chain = complete_chain(task, sessions, slot, usable)
        if chain is not None:
            return task.late_cost(sessions[slot].end), chain
    return None


def complete_chain(
    task: CohortTask,
    sessions: Sequence[SessionSlot],
    target_slot: int,
    usable: Callable[[int], bool] = lambda _slot: True,
) -> Chain | None:
    """A valid chain ending with ``target_slot`` for the target skill, or ``None`` when there is none.

    Skills are filled from the target backwards (dependants before their prerequisites). For each skill the
    latest-starting session that fits is tried first, leaving the most room for its own prerequisites.
    """
    n = len(task.needed)
    dependants: list[list[int]] = [[] for _ in range(n)]
    for p, s in task.edges:
        dependants[p].append(s)
    chosen: list[int | None] = [None] * n
    chosen[n - 1] = target_slot
    ordered = [
        sorted(
            (s for s in task.candidates[k] if usable(s)),
            key=lambda s: (-sessions[s].start, -sessions[s].end, sessions[s].id),
        )
        for k in range(n)
    ]

    def place(k: int) -> bool:
        if k < 0:
            return True
        latest_end = min(
            (sessions[c].start for d in dependants[k] if (c := chosen[d]) is not None), default=None
        )
        for slot in ordered[k]:
            here = sessions[slot]
            if latest_end is not None and here.end > latest_end:
                continue
            if any(
                c is not None and here.start < sessions[c].end and sessions[c].start < here.end
                for c in chosen[k + 1 :]
            ):
                continue
            chosen[k] = slot
            if place(k - 1):
                return True
            chosen[k] = None
        return False

    if not place(n - 2):
        return None
    return tuple(c for c in chosen if c is not None)


def greedy_plan(
    tasks: Sequence[CohortTask], sessions: Sequence[SessionSlot], indexes: Sequence[int]
) -> dict[int, Chain]:
    """A good plan for the tasks ``indexes``: most expensive-to-leave cohorts first, each its cheapest chain.

    Cohorts are taken by unmet cost (highest first), then effective ready-by, then id; each takes its cheapest
    chain among sessions with seats left, if that costs less than leaving it unassigned. Cohorts missing from
    the result are unassigned.
    """
    left = {s.index: s.seats for s in sessions}
    plan: dict[int, Chain] = {}
    order = sorted(indexes, key=lambda i: (-tasks[i].unmet_cost, tasks[i].ready, tasks[i].id))
    for i in order:
        task = tasks[i]
        found = cheapest_chain(task, sessions, partial(_has_room, left, task.size))
        if found is None or found[0] >= task.unmet_cost:
            continue
        plan[i] = found[1]
        for slot in found[1]:
            left[slot] -= task.size
    return plan


def all_chains(task: CohortTask, sessions: Sequence[SessionSlot], limit: int) -> list[Chain] | None:
    """Every valid chain for ``task`` (spec rules 2-3), in a deterministic order, or ``None`` past ``limit``.

    The solver uses the list as one choice per chain when it is short enough: that formulation carries the
    precedences exactly, so its linear relaxation is as tight as the seats allow.
    """
    if task.impossible or task.needs_nothing:
        return []
    n = len(task.needed)
    dependants: list[list[int]] = [[] for _ in range(n)]
    for p, s in task.edges:
        dependants[p].append(s)
    chosen: list[int] = [-1] * n
    found: list[Chain] = []

    def place(k: int) -> bool:
        if k < 0:
            found.append(tuple(chosen))
            return len(found) <= limit
        latest_end = min((sessions[chosen[d]].start for d in dependants[k]), default=None)
        for slot in task.candidates[k]:
            here = sessions[slot]
            if latest_end is not None and here.end > latest_end:
                continue
            if any(here.start < sessions[c].end and sessions[c].start < here.end for c in chosen[k + 1 :]):
                continue
            chosen[k] = slot
            if not place(k - 1):
                return False
        chosen[k] = -1
        return True

    if not place(n - 1):
        return None
    return found


def _has_room(left: Mapping[int, int], size: int, slot: int) -> bool:
    return left[slot] >= size
