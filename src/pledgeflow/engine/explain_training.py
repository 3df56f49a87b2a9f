"""Why a cohort got the sessions it got, and what holds a capability package back.

Both functions read a scenario and the ``pledgeflow/plan-v1`` document planned from it (so a plan written
yesterday can still be explained), and answer in plain values that the command line prints and the web pages
show:

* :func:`explain_cohort`: the sessions the cohort could have taken for each skill it needs, who took their
  seats, and in plain words why it is late or unassigned;
* :func:`explain_package`: the package's readiness and the chain behind it, from the package to its bottleneck
  requirement (which pledge arrives last, or how many units are missing) or cohort (and then that cohort's
  explanation).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pledgeflow.engine._training_chains import cheapest_chain
from pledgeflow.engine._training_prep import build_problem, effective_ready_by, needed_skills
from pledgeflow.engine.errors import PledgeflowError
from pledgeflow.engine.model import Cohort, Scenario

__all__ = ["UnknownIdError", "explain_cohort", "explain_package"]


class UnknownIdError(PledgeflowError, LookupError):
    """The cohort or package asked about is not in the scenario."""


def explain_cohort(scenario: Scenario, plan_doc: Mapping[str, Any], cohort_id: str) -> dict[str, Any]:
    """Explain one cohort's place in the training plan.

    Returns ``cohort``, ``status`` (``"assigned"``, ``"unassigned"`` or ``"complete"`` when it needs nothing),
    ``needed`` skills, ``ready_by`` and ``effective_ready_by``, the assigned ``sessions``, ``completion`` and
    ``days_late`` when assigned, ``options`` (per needed skill, every session of a course teaching it in the
    cohort's language, with who holds its seats and whether the cohort would fit) and ``reasons``.
    """
    cohorts = {c.id: c for c in scenario.cohorts}
    if cohort_id not in cohorts:
        raise UnknownIdError(
            f"cohort {cohort_id!r} is not in the scenario; known cohorts: "
            f"{', '.join(sorted(cohorts)) or 'none'}"
        )
    cohort = cohorts[cohort_id]
    training = plan_doc.get("training") or {}
    assignments = {a["cohort"]: a for a in training.get("assignments", [])}
    ready_by = _effective_ready_by(scenario, plan_doc)
    prerequisites = {s.id: tuple(s.prerequisites) for s in scenario.skills}
    needed = needed_skills(prerequisites, cohort.skill, cohort.held)
    assignment = assignments.get(cohort_id)
    status = "complete" if not needed else ("assigned" if assignment is not None else "unassigned")
    result: dict[str, Any] = {
        "cohort": cohort_id,
        "skill": cohort.skill,
        "size": cohort.size,
        "language": cohort.language,
        "priority": cohort.priority,
        "package": cohort.package,
        "status": status,
        "needed": needed,
        "ready_by": cohort.ready_by.isoformat(),
        "effective_ready_by": ready_by[cohort_id].isoformat(),
    }
    if assignment is not None:
        result.update(
            sessions=list(assignment["sessions"]),
            completion=assignment["completion"],
            days_late=assignment["days_late"],
        )
    result["options"] = _options(scenario, cohort, needed, assignments, assignment)
    result["reasons"] = _cohort_reasons(scenario, cohort, needed, ready_by, assignments, assignment, result)
    return result


def explain_package(scenario: Scenario, plan_doc: Mapping[str, Any], package_id: str) -> dict[str, Any]:
    """Explain a package's readiness: its parts and the chain from the package down to its bottleneck.

    Returns ``package``, ``name``, ``need_by``, ``readiness``, ``days_late``, ``bottleneck``, the
    ``requirements`` (quantity, unmet, latest arrival, allocations) and ``cohorts`` (status, completion)
    that make it up, and ``chain``: a list of steps, each ``{"what", "id", "text"}``, the last one being the
    root cause.
    """
    packages = {p.id: p for p in scenario.packages}
    if package_id not in packages:
        raise UnknownIdError(
            f"package {package_id!r} is not in the scenario; known packages: "
            f"{', '.join(sorted(packages)) or 'none'}"
        )
    package = packages[package_id]
    entry = next((p for p in plan_doc.get("packages", []) if p.get("id") == package_id), None)
    allocations = [a for a in plan_doc.get("allocations", []) if a.get("quantity", 0) > 0]
    unmet = {u["requirement"]: u["quantity"] for u in plan_doc.get("unmet", [])}
    training = plan_doc.get("training") or {}
    assignments = {a["cohort"]: a for a in training.get("assignments", [])}
    requirements = []
    for requirement in sorted(
        (r for r in scenario.requirements if r.package == package_id), key=lambda r: r.id
    ):
        lines = sorted(
            (a for a in allocations if a["requirement"] == requirement.id),
            key=lambda a: (a["arrival"], a["pledge"]),
        )
        requirements.append(
            {
                "id": requirement.id,
                "family": requirement.family,
                "quantity": requirement.quantity,
                "unmet": unmet.get(requirement.id, 0),
                "latest_arrival": lines[-1]["arrival"] if lines else None,
                "allocations": lines,
            }
        )
    cohorts = []
    for cohort in sorted((c for c in scenario.cohorts if c.package == package_id), key=lambda c: c.id):
        a = assignments.get(cohort.id)
        cohorts.append(
            {
                "id": cohort.id,
                "status": "assigned" if a is not None else "unassigned",
                "completion": a["completion"] if a is not None else None,
                "days_late": a["days_late"] if a is not None else None,
            }
        )
    readiness = entry.get("readiness") if entry else None
    bottleneck = entry.get("bottleneck") if entry else None
    days_late = entry.get("days_late") if entry else None
    chain: list[dict[str, Any]] = []
    head = (
        f"package {package_id} ({package.name}) is never ready"
        if readiness is None and bottleneck
        else f"package {package_id} ({package.name}) is ready {readiness}"
        + (
            f", {days_late} days after its need-by {package.need_by.isoformat()}"
            if days_late
            else ", in time"
        )
    )
    chain.append({"what": "package", "id": package_id, "text": head})
    if bottleneck is None:
        chain[0]["text"] = (
            f"package {package_id} has no requirements and no cohorts: ready on the plan's start"
        )
    elif "requirement" in bottleneck:
        req = next(r for r in requirements if r["id"] == bottleneck["requirement"])
        if req["unmet"] > 0:
            text = (
                f"requirement {req['id']} ({req['family']}) has {req['unmet']} of {req['quantity']} "
                f"units unmet: "
                "no admissible pledge has them to give"
            )
        else:
            last = req["allocations"][-1]
            text = (
                f"requirement {req['id']} ({req['family']}) is complete when its last units arrive on "
                f"{last['arrival']}, from pledge {last['pledge']}"
            )
        chain.append({"what": "requirement", "id": req["id"], "text": text})
    else:
        cohort_id = bottleneck["cohort"]
        detail = explain_cohort(scenario, plan_doc, cohort_id)
        if detail["status"] == "unassigned":
            text = f"cohort {cohort_id} is not assigned to training"
        else:
            text = (
                f"cohort {cohort_id} completes training on "
                f"{detail.get('completion', scenario.start.isoformat())}"
            )
        chain.append({"what": "cohort", "id": cohort_id, "text": text})
        for reason in detail["reasons"]:
            chain.append({"what": "reason", "id": cohort_id, "text": reason})
    return {
        "package": package_id,
        "name": package.name,
        "need_by": package.need_by.isoformat(),
        "readiness": readiness,
        "days_late": days_late,
        "bottleneck": bottleneck,
        "requirements": requirements,
        "cohorts": cohorts,
        "chain": chain,
    }


def _effective_ready_by(scenario: Scenario, plan_doc: Mapping[str, Any]) -> dict[str, date]:
    arrivals = [
        (a["requirement"], date.fromisoformat(a["arrival"]))
        for a in plan_doc.get("allocations", [])
        if a.get("quantity", 0) > 0
    ]
    unmet = {u["requirement"]: u["quantity"] for u in plan_doc.get("unmet", [])}
    return effective_ready_by(scenario, arrivals, unmet)


def _occupancy(scenario: Scenario, assignments: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    sizes = {c.id: c.size for c in scenario.cohorts}
    taken: dict[str, list[dict[str, Any]]] = {}
    for cohort_id in sorted(assignments):
        for session_id in assignments[cohort_id]["sessions"]:
            taken.setdefault(session_id, []).append({"cohort": cohort_id, "size": sizes.get(cohort_id, 0)})
    return taken


def _options(
    scenario: Scenario,
    cohort: Cohort,
    needed: list[str],
    assignments: Mapping[str, Any],
    assignment: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    courses = {c.id: c for c in scenario.courses}
    taken = _occupancy(scenario, assignments)
    mine = set(assignment["sessions"]) if assignment is not None else set()
    options = []
    for skill in needed:
        rows = []
        other_languages = {c.language for c in scenario.courses if c.skill == skill}
        for session in sorted(scenario.sessions, key=lambda s: (s.start, s.id)):
            course = courses[session.course]
            if course.skill != skill:
                continue
            if course.language != cohort.language:
                continue
            holders = [t for t in taken.get(session.id, []) if t["cohort"] != cohort.id]
            left = course.seats - sum(t["size"] for t in holders)
            excluded = None
            if session.start < scenario.start:
                excluded = "starts before the plan's start"
            elif course.seats < cohort.size:
                excluded = f"only {course.seats} seats for {cohort.size} people"
            rows.append(
                {
                    "session": session.id,
                    "course": course.id,
                    "host": course.host,
                    "start": session.start.isoformat(),
                    "end": _end(session.start, course.duration_days).isoformat(),
                    "seats": course.seats,
                    "taken_by": holders,
                    "seats_left": left,
                    "fits": excluded is None and left >= cohort.size,
                    "chosen": session.id in mine,
                    "excluded": excluded,
                }
            )
        options.append(
            {"skill": skill, "sessions": rows, "other_languages": sorted(other_languages - {cohort.language})}
        )
    return options


def _end(start: date, days: int) -> date:
    from datetime import timedelta

    return start + timedelta(days=days)


def _cohort_reasons(
    scenario: Scenario,
    cohort: Cohort,
    needed: list[str],
    ready_by: Mapping[str, date],
    assignments: Mapping[str, Any],
    assignment: Mapping[str, Any] | None,
    result: Mapping[str, Any],
) -> list[str]:
    reasons: list[str] = []
    effective = ready_by[cohort.id]
    if effective > cohort.ready_by:
        reasons.append(
            f"its package {cohort.package}'s equipment arrives {effective.isoformat()}, so it need not "
            f"be ready "
            f"before then (own ready-by {cohort.ready_by.isoformat()})"
        )
    if not needed:
        held = ", ".join(sorted(cohort.held)) or "nothing"
        reasons.append(
            f"it already holds what skill {cohort.skill} needs (holds: {held}); complete on the start"
        )
        return reasons
    for option in result["options"]:
        usable = [r for r in option["sessions"] if r["excluded"] is None]
        if not usable:
            elsewhere = option["other_languages"]
            extra = f" (taught only in {', '.join(elsewhere)})" if elsewhere else ""
            reasons.append(
                f"no session it can attend teaches {option['skill']} in {cohort.language}{extra}, with "
                f"enough "
                "seats for the whole cohort, on or after the plan's start"
            )
    if reasons and any(r.startswith("no session") for r in reasons):
        return reasons
    # The best it could do with every session empty, from the same exact chain search the planner uses.
    problem = build_problem(scenario, ready_by)
    task = next(t for t in problem.tasks if t.id == cohort.id)
    sessions = problem.sessions
    best_empty = cheapest_chain(task, sessions)
    occupied = {
        sid: sum(t["size"] for t in holders if t["cohort"] != cohort.id)
        for sid, holders in _occupancy(scenario, assignments).items()
    }
    best_now = cheapest_chain(
        task, sessions, lambda s: occupied.get(sessions[s].id, 0) + task.size <= sessions[s].seats
    )
    if best_empty is None:
        reasons.append(
            "no order of sessions lets it finish every prerequisite before the next course starts without "
            "overlap, at a cost below leaving it unassigned"
        )
        return reasons
    earliest = problem.day(sessions[best_empty[1][-1]].end)
    if assignment is None:
        if best_now is None:
            reasons.append(
                "every valid chain of sessions passes through a session whose seats went to cohorts whose "
                "lateness or absence would cost more (see options)"
            )
        else:
            reasons.append(
                "a chain still has seats, but completing on "
                f"{problem.day(sessions[best_now[1][-1]].end).isoformat()} would cost more than leaving "
                f"it out"
            )
        return reasons
    completion = date.fromisoformat(assignment["completion"])
    if assignment["days_late"] > 0:
        reasons.append(
            f"it completes {completion.isoformat()}, {assignment['days_late']} days after its effective "
            f"ready-by "
            f"{effective.isoformat()}"
        )
        if earliest > effective:
            reasons.append(
                f"even with every session empty it could complete no earlier than "
                f"{earliest.isoformat()}, after its "
                f"effective ready-by {effective.isoformat()}"
            )
        if earliest < completion:
            holders = _occupancy(scenario, assignments)
            full = [
                f"{sessions[s].id} (taken by "
                + ", ".join(f"{t['cohort']} ({t['size']})" for t in holders.get(sessions[s].id, []))
                + ")"
                for s in best_empty[1]
                if occupied.get(sessions[s].id, 0) + task.size > sessions[s].seats
            ]
            reasons.append(
                f"a chain completing {earliest.isoformat()} exists, but its sessions' seats went to "
                f"cohorts whose "
                "delay would cost more: " + "; ".join(full)
            )
    else:
        reasons.append(f"it completes {completion.isoformat()}, on time for {effective.isoformat()}")
    return reasons
