"""Turn a scenario's training half into the small integer problem the training planner solves.

Everything here follows the spec's rules 1-6 (docs/training-planner.md):

* dates become day numbers counted from ``scenario.start``, so the solver sees only integers;
* each cohort becomes a :class:`CohortTask`: the skills it needs in prerequisite order, the precedences
  between them, the pairs that must merely not overlap, and for every needed skill the sessions it could
  attend;
* sessions that can never be part of a valid chain are pruned (see :func:`_prune`), which keeps the model
  small without losing any feasible or optimal plan;
* cohorts that share no candidate session are split into independent components.

Iteration is always over sorted ids or tuples built from them, so nothing depends on the hash seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from pledgeflow.engine.model import Cohort, Scenario


@dataclass(frozen=True, slots=True)
class SessionSlot:
    """One session as the solver sees it: day numbers relative to the scenario's start."""

    index: int
    id: str
    course: str
    skill: str
    language: str
    start: int
    end: int
    seats: int


@dataclass(frozen=True, slots=True)
class CohortTask:
    """One cohort as the solver sees it.

    ``needed`` lists the needed skills with every prerequisite before the skills that require it and the
    target last. ``candidates[k]`` are the session indexes the cohort may attend for ``needed[k]``. ``edges``
    holds index pairs ``(p, s)``: the session for ``needed[p]`` must end on or before the one for
    ``needed[s]``
    starts. ``unrelated`` holds index pairs of needed skills that no chain of prerequisites orders; their
    sessions must simply not overlap. ``late_weight`` is ``w * size * late_penalty_per_day``; ``unmet_cost``
    is ``w * size * unmet_penalty``; ``ready`` is the effective ready-by as a day number.
    """

    index: int
    id: str
    size: int
    ready: int
    late_weight: int
    unmet_cost: int
    needed: tuple[str, ...]
    candidates: tuple[tuple[int, ...], ...]
    edges: tuple[tuple[int, int], ...]
    unrelated: tuple[tuple[int, int], ...]

    @property
    def needs_nothing(self) -> bool:
        """True when the cohort already holds its target (or everything leading to it)."""
        return not self.needed

    @property
    def impossible(self) -> bool:
        """True when some needed skill has no session left that could be part of a valid chain."""
        return any(not c for c in self.candidates)

    def late_cost(self, end_day: int) -> int:
        """Cost of completing on day ``end_day``: ``w * size * late_penalty_per_day * days late``."""
        return self.late_weight * max(0, end_day - self.ready)


@dataclass(frozen=True, slots=True)
class TrainingProblem:
    """The whole training problem in solver terms."""

    start: date
    sessions: tuple[SessionSlot, ...]
    tasks: tuple[CohortTask, ...]

    def day(self, offset: int) -> date:
        """The calendar date of day number ``offset``."""
        from datetime import timedelta

        return self.start + timedelta(days=offset)


def needed_skills(
    prerequisites: Mapping[str, tuple[str, ...]], target: str, held: Iterable[str]
) -> list[str]:
    """Skills a cohort must still learn (spec rule 1), prerequisites first, the target last.

    A skill is needed when it is reachable from the target along prerequisite links without passing through a
    held skill; a held target means nothing is needed. The order is a depth-first post-order over sorted
    prerequisite ids, so it is a deterministic topological order.
    """
    held_set = set(held)
    order: list[str] = []
    if target in held_set:
        return order
    seen = {target}
    # Iterative post-order (the graph is acyclic, checked on loading, but may be deeper than Python's stack).
    stack: list[tuple[str, list[str]]] = [(target, sorted(prerequisites.get(target, ()), reverse=True))]
    while stack:
        skill, pending = stack[-1]
        while pending and (pending[-1] in seen or pending[-1] in held_set):
            pending.pop()
        if pending:
            pre = pending.pop()
            seen.add(pre)
            stack.append((pre, sorted(prerequisites.get(pre, ()), reverse=True)))
        else:
            stack.pop()
            order.append(skill)
    return order


def effective_ready_by(
    scenario: Scenario,
    arrivals: Iterable[tuple[str, date]],
    unmet: Mapping[str, int],
) -> dict[str, date]:
    """Effective ready-by of every cohort (spec rule 6).

    ``arrivals`` are ``(requirement id, arrival)`` pairs, one per allocation with a positive quantity;
    ``unmet`` maps requirement ids to units left unmet. A cohort naming a package whose requirements exist and
    are all fully met gets the later of its own ready-by and the latest arrival of any unit allocated to that
    package; every other cohort keeps its own ready-by.
    """
    latest_by_requirement: dict[str, date] = {}
    for requirement_id, arrival in arrivals:
        previous = latest_by_requirement.get(requirement_id)
        if previous is None or arrival > previous:
            latest_by_requirement[requirement_id] = arrival
    requirements_of: dict[str, list[str]] = {}
    for requirement in scenario.requirements:
        if requirement.package is not None:
            requirements_of.setdefault(requirement.package, []).append(requirement.id)
    package_arrival: dict[str, date | None] = {}
    for package, ids in requirements_of.items():
        met = all(unmet.get(r, 0) <= 0 and r in latest_by_requirement for r in ids)
        package_arrival[package] = max(latest_by_requirement[r] for r in ids) if met else None
    result: dict[str, date] = {}
    for cohort in scenario.cohorts:
        equipment = package_arrival.get(cohort.package) if cohort.package is not None else None
        result[cohort.id] = cohort.ready_by if equipment is None else max(cohort.ready_by, equipment)
    return result


def build_problem(scenario: Scenario, ready_by: Mapping[str, date]) -> TrainingProblem:
    """Build the solver's view of the scenario, with candidate sessions pruned (see module docstring)."""
    courses = {c.id: c for c in scenario.courses}
    slots: list[SessionSlot] = []
    for session in sorted(scenario.sessions, key=lambda s: s.id):
        course = courses[session.course]
        start = (session.start - scenario.start).days
        if start < 0:
            # Rule 2: no session can be attended before the plan starts.
            continue
        slots.append(
            SessionSlot(
                index=len(slots),
                id=session.id,
                course=course.id,
                skill=course.skill,
                language=course.language,
                start=start,
                end=start + course.duration_days,
                seats=course.seats,
            )
        )
    by_skill_language: dict[tuple[str, str], list[SessionSlot]] = {}
    for slot in slots:
        by_skill_language.setdefault((slot.skill, slot.language), []).append(slot)

    prerequisites = {s.id: tuple(s.prerequisites) for s in scenario.skills}
    policy = scenario.policy
    tasks: list[CohortTask] = []
    for cohort in sorted(scenario.cohorts, key=lambda c: c.id):
        tasks.append(
            _task(
                len(tasks),
                cohort,
                prerequisites,
                by_skill_language,
                ready=(ready_by[cohort.id] - scenario.start).days,
                weight=policy.weight(cohort.priority),
                late_penalty=policy.late_penalty_per_day,
                unmet_penalty=policy.unmet_penalty,
            )
        )
    return TrainingProblem(start=scenario.start, sessions=tuple(slots), tasks=tuple(tasks))


def _task(
    index: int,
    cohort: Cohort,
    prerequisites: Mapping[str, tuple[str, ...]],
    by_skill_language: Mapping[tuple[str, str], list[SessionSlot]],
    *,
    ready: int,
    weight: int,
    late_penalty: int,
    unmet_penalty: int,
) -> CohortTask:
    needed = needed_skills(prerequisites, cohort.skill, cohort.held)
    position = {skill: k for k, skill in enumerate(needed)}
    edges = tuple(
        sorted(
            (position[pre], position[skill])
            for skill in needed
            for pre in prerequisites.get(skill, ())
            if pre in position
        )
    )
    # Ancestors within the needed set: pairs neither of which precedes the other may only not overlap.
    ancestors: list[set[int]] = [set() for _ in needed]
    for k in range(len(needed)):  # prerequisites come first, so their ancestor sets are complete
        for p, s in edges:
            if s == k:
                ancestors[k].add(p)
                ancestors[k] |= ancestors[p]
    unrelated = tuple(
        (a, b)
        for a in range(len(needed))
        for b in range(a + 1, len(needed))
        if a not in ancestors[b] and b not in ancestors[a]
    )
    late_weight = weight * cohort.size * late_penalty
    unmet_cost = weight * cohort.size * unmet_penalty
    raw = [
        [slot for slot in by_skill_language.get((skill, cohort.language), ()) if slot.seats >= cohort.size]
        for skill in needed
    ]
    if needed:
        target = len(needed) - 1
        # A target session whose lateness costs at least as much as leaving the cohort unassigned is never
        # needed: unassigning instead costs no more and frees seats.
        raw[target] = [s for s in raw[target] if late_weight * max(0, s.end - ready) < unmet_cost]
    pruned = _prune(raw, edges)
    return CohortTask(
        index=index,
        id=cohort.id,
        size=cohort.size,
        ready=ready,
        late_weight=late_weight,
        unmet_cost=unmet_cost,
        needed=tuple(needed),
        candidates=tuple(tuple(s.index for s in cand) for cand in pruned),
        edges=edges,
        unrelated=unrelated,
    )


def _prune(raw: list[list[SessionSlot]], edges: tuple[tuple[int, int], ...]) -> list[list[SessionSlot]]:
    """Drop sessions that cannot appear in any chain respecting the precedences.

    A session for skill ``s`` needs, for every prerequisite ``p``, some candidate of ``p`` ending on or before
    it starts; a session for ``p`` needs, for every dependant ``s``, some candidate of ``s`` starting on or
    after it ends. Both tests only compare against the earliest end and latest start, and are repeated until
    nothing changes. Overlap between unrelated skills is left to the solver: this is a relaxation, so nothing
    feasible is lost.
    """
    cand = [list(c) for c in raw]
    changed = True
    while changed:
        changed = False
        if any(not c for c in cand):
            return [[] for _ in cand]
        earliest_end = [min(s.end for s in c) for c in cand]
        latest_start = [max(s.start for s in c) for c in cand]
        for p, s in edges:
            kept_s = [x for x in cand[s] if x.start >= earliest_end[p]]
            kept_p = [x for x in cand[p] if x.end <= latest_start[s]]
            if len(kept_s) != len(cand[s]) or len(kept_p) != len(cand[p]):
                cand[s], cand[p] = kept_s, kept_p
                changed = True
                break
    return cand


def components(problem: TrainingProblem) -> list[list[int]]:
    """Groups of task indexes that share no candidate session with any other group, in a stable order.

    Tasks that need nothing or cannot be assigned at all form groups of their own.
    """
    parent = list(range(len(problem.tasks)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for task in problem.tasks:
        if task.impossible:
            continue
        for cand in task.candidates:
            for slot in cand:
                other = owner.setdefault(slot, task.index)
                a, b = find(other), find(task.index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for task in problem.tasks:
        groups.setdefault(find(task.index), []).append(task.index)
    return [groups[root] for root in sorted(groups)]
