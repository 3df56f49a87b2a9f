"""Small training scenarios for property tests, a stand-in allocation plan, and an independent reference.

The reference (:func:`check_plan`, :func:`brute_force_objective`) is written from the spec's rules alone and
shares no code with the planner: it recomputes needed skills, validity and costs its own way, so a planner bug
cannot hide behind a helper it shares with its own test.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from pledgeflow.engine.model import Cohort, Course, Package, Policy, Requirement, Scenario, Session, Skill

START = date(2027, 1, 1)


@dataclass(frozen=True)
class Line:
    """One allocation line, shaped like the allocator's ``Allocation``."""

    pledge: str
    requirement: str
    quantity: int
    arrival: date
    days_late: int = 0


@dataclass(frozen=True)
class FakeAllocation:
    """A stand-in allocation plan: the lines and the units left unmet per requirement."""

    allocations: tuple[Line, ...] = ()
    unmet: dict[str, int] = field(default_factory=dict)


def day(offset: int) -> date:
    """The date ``offset`` days after the test scenarios' start."""
    return START + timedelta(days=offset)


def scenario(**parts: Any) -> Scenario:
    """A scenario with only the given parts (empty logistics), for hand-written cases."""
    base: dict[str, Any] = {
        "start": START,
        "items": (),
        "locations": (),
        "routes": (),
        "requirements": (),
        "pledges": (),
        "has_training": True,
    }
    base.update({k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()})
    return Scenario(**base)


@st.composite
def training_cases(
    draw: st.DrawFn, max_cohorts: int = 4, max_sessions: int = 6
) -> tuple[Scenario, FakeAllocation]:
    """A small random scenario with skills, courses, sessions, cohorts, packages and an allocation plan."""
    n_skills = draw(st.integers(1, 4))
    skills = []
    for k in range(n_skills):
        pres = draw(st.lists(st.integers(0, k - 1), max_size=2, unique=True)) if k else []
        skills.append(Skill(id=f"S{k}", prerequisites=tuple(sorted(f"S{p}" for p in pres))))
    languages = ("en", "fr")
    courses = [
        Course(
            id=f"K{k}",
            skill=draw(st.sampled_from([s.id for s in skills])),
            host="DEU",
            language=draw(st.sampled_from(languages)),
            duration_days=draw(st.integers(1, 10)),
            seats=draw(st.integers(1, 12)),
        )
        for k in range(draw(st.integers(1, 5)))
    ]
    sessions = [
        Session(
            id=f"E{k}",
            course=draw(st.sampled_from([c.id for c in courses])),
            start=day(draw(st.integers(-5, 40))),
        )
        for k in range(draw(st.integers(1, max_sessions)))
    ]
    packages = [
        Package(id=f"P{k}", name=f"Battery {k}", priority=1, need_by=day(30))
        for k in range(draw(st.integers(0, 2)))
    ]
    requirements = []
    lines = []
    unmet: dict[str, int] = {}
    for k, package in enumerate(packages):
        for j in range(draw(st.integers(0, 2))):
            rid = f"R{k}{j}"
            requirements.append(
                Requirement(
                    id=rid,
                    family="launcher",
                    quantity=2,
                    priority=1,
                    need_by=day(30),
                    destination="L",
                    package=package.id,
                )
            )
            sent = draw(st.integers(0, 2))
            if sent:
                lines.append(
                    Line(
                        pledge=f"G{k}{j}",
                        requirement=rid,
                        quantity=sent,
                        arrival=day(draw(st.integers(0, 60))),
                    )
                )
            if sent < 2:
                unmet[rid] = 2 - sent
    cohorts = []
    for k in range(draw(st.integers(1, max_cohorts))):
        held = draw(st.lists(st.sampled_from([s.id for s in skills]), max_size=2, unique=True))
        cohorts.append(
            Cohort(
                id=f"C{k}",
                skill=draw(st.sampled_from([s.id for s in skills])),
                size=draw(st.integers(1, 10)),
                language=draw(st.sampled_from(languages)),
                ready_by=day(draw(st.integers(-5, 50))),
                priority=draw(st.integers(1, 4)),
                held=tuple(sorted(held)),
                package=draw(st.sampled_from([None, *[p.id for p in packages]])),
            )
        )
    policy = Policy(unmet_penalty=draw(st.integers(1, 60)), late_penalty_per_day=draw(st.integers(0, 3)))
    built = scenario(
        skills=skills,
        courses=courses,
        sessions=sessions,
        cohorts=cohorts,
        packages=packages,
        requirements=requirements,
        policy=policy,
    )
    return built, FakeAllocation(allocations=tuple(lines), unmet=unmet)


# ---- the independent reference -----------------------------------------------------------------------------


def reference_needed(scn: Scenario, cohort: Cohort) -> set[str]:
    """Rule 1 by breadth-first search: skills reachable from the target without passing a held skill."""
    pres = {s.id: s.prerequisites for s in scn.skills}
    found: set[str] = set()
    frontier = [] if cohort.skill in cohort.held else [cohort.skill]
    while frontier:
        skill = frontier.pop()
        if skill in found:
            continue
        found.add(skill)
        frontier.extend(p for p in pres[skill] if p not in cohort.held)
    return found


def reference_ready_by(scn: Scenario, alloc: FakeAllocation, cohort: Cohort) -> date:
    """Rule 6, written directly from its sentence."""
    if cohort.package is None:
        return cohort.ready_by
    reqs = [r for r in scn.requirements if r.package == cohort.package]
    if not reqs or any(alloc.unmet.get(r.id, 0) > 0 for r in reqs):
        return cohort.ready_by
    arrivals = [
        a.arrival for a in alloc.allocations if a.quantity > 0 and a.requirement in {r.id for r in reqs}
    ]
    return max([cohort.ready_by, *arrivals])


def _window(scn: Scenario, session_id: str) -> tuple[date, date, str, str, int]:
    session = next(s for s in scn.sessions if s.id == session_id)
    course = next(c for c in scn.courses if c.id == session.course)
    return (
        session.start,
        session.start + timedelta(days=course.duration_days),
        course.skill,
        course.language,
        course.seats,
    )


def chain_is_valid(scn: Scenario, cohort: Cohort, chosen: dict[str, str]) -> bool:
    """Rules 2-3 for one cohort: ``chosen`` maps each needed skill to a session id."""
    needed = reference_needed(scn, cohort)
    if set(chosen) != needed:
        return False
    windows = {skill: _window(scn, sid) for skill, sid in chosen.items()}
    for skill, (begin, _end, taught, language, _seats) in windows.items():
        if taught != skill or language != cohort.language or begin < scn.start:
            return False
    items = list(windows.values())
    for a, b in itertools.combinations(items, 2):
        if not (a[1] <= b[0] or b[1] <= a[0]):
            return False
    pres = {s.id: s.prerequisites for s in scn.skills}
    for skill in needed:
        for pre in pres[skill]:
            if pre in needed and windows[pre][1] > windows[skill][0]:
                return False
    return True


def cohort_cost(scn: Scenario, alloc: FakeAllocation, cohort: Cohort, chosen: dict[str, str] | None) -> int:
    """Rule 5: the cost of one cohort, ``chosen`` being ``None`` for unassigned."""
    w = scn.policy.priority_weights[cohort.priority]
    if chosen is None:
        return w * cohort.size * scn.policy.unmet_penalty
    completion = _window(scn, chosen[cohort.skill])[1] if chosen else scn.start
    late = max(0, (completion - reference_ready_by(scn, alloc, cohort)).days)
    return w * cohort.size * scn.policy.late_penalty_per_day * late


def brute_force_objective(scn: Scenario, alloc: FakeAllocation) -> int:
    """The minimum objective over every combination of per-cohort choices that respects the seats."""
    options: list[list[dict[str, str] | None]] = []
    for cohort in scn.cohorts:
        needed = sorted(reference_needed(scn, cohort))
        if not needed:
            options.append([{}])  # needs nothing: complete on start
            continue
        per_skill = [[s.id for s in scn.sessions] for _ in needed]
        chains: list[dict[str, str] | None] = [None]
        for combo in itertools.product(*per_skill):
            chosen = dict(zip(needed, combo, strict=True))
            if chain_is_valid(scn, cohort, chosen):
                chains.append(chosen)
        options.append(chains)
    best: int | None = None
    for pick in itertools.product(*options):
        used: dict[str, int] = {}
        for cohort, chosen in zip(scn.cohorts, pick, strict=True):
            for sid in (chosen or {}).values():
                used[sid] = used.get(sid, 0) + cohort.size
        if any(total > _window(scn, sid)[4] for sid, total in used.items()):
            continue
        cost = sum(cohort_cost(scn, alloc, c, p) for c, p in zip(scn.cohorts, pick, strict=True))
        best = cost if best is None else min(best, cost)
    assert best is not None  # leaving everyone unassigned is always possible
    return best


def check_plan(scn: Scenario, alloc: FakeAllocation, document: dict[str, Any]) -> int:
    """Assert every rule on a ``training`` document and return its objective recomputed from scratch."""
    cohorts = {c.id: c for c in scn.cohorts}
    assigned = {a["cohort"]: a for a in document["assignments"]}
    assert sorted(assigned) == [a["cohort"] for a in document["assignments"]], "assignments sorted by cohort"
    assert document["unassigned"] == sorted(document["unassigned"])
    assert set(assigned) | set(document["unassigned"]) == set(cohorts)
    assert not set(assigned) & set(document["unassigned"])
    used: dict[str, int] = {}
    total = 0
    for cohort_id, cohort in cohorts.items():
        if cohort_id not in assigned:
            assert reference_needed(scn, cohort), "a cohort that needs nothing is always complete"
            total += cohort_cost(scn, alloc, cohort, None)
            continue
        entry = assigned[cohort_id]
        windows = [_window(scn, sid) for sid in entry["sessions"]]
        assert len(set(entry["sessions"])) == len(entry["sessions"])
        chosen = {w[2]: sid for w, sid in zip(windows, entry["sessions"], strict=True)}
        assert len(chosen) == len(entry["sessions"]), "one session per skill"
        assert chain_is_valid(scn, cohort, chosen), f"invalid chain for {cohort_id}: {entry['sessions']}"
        assert [w[0] for w in windows] == sorted(w[0] for w in windows), (
            "sessions listed in the order attended"
        )
        completion = windows[-1][1] if windows else scn.start
        assert entry["completion"] == completion.isoformat()
        assert entry["days_late"] == max(0, (completion - reference_ready_by(scn, alloc, cohort)).days)
        for sid in entry["sessions"]:
            used[sid] = used.get(sid, 0) + cohort.size
        total += cohort_cost(scn, alloc, cohort, chosen)
    for sid, taken in used.items():
        assert taken <= _window(scn, sid)[4], f"session {sid} over its seats"
    assert document["objective"] == total
    assert document["bound"] <= total
    return total
