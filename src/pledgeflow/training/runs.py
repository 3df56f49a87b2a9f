"""Training in plan runs: what a run's snapshot holds of training, what a succeeded run stores, and publishing
its training assignments to the host nations.

The planning context calls three functions (docs/training.md, "Plan runs"):

- :func:`add_training` at the end of building a run's snapshot: it adds the training sections and each
  requirement's ``package`` to the scenario document;
- :func:`store_run_training` in the transaction that stores a succeeded run: the run's training assignments
  and package readiness become rows, and the re-timing flags of the packages it planned are cleared;
- :func:`publish_training_assignments` in the transaction that publishes a run: each assignment becomes a
  training proposal to the session's host nation.

**What a snapshot holds of training.**

- *Skills*: every skill (a retired skill may still be a prerequisite or held).
- *Packages*: the active capability packages. A requirement of the snapshot names its package when its
  ``package_code`` is the code of one of them.
- *Cohorts*: the *planned* ones (not trained, not cancelled). A cohort's held skills are the skills recorded
  as held plus those of the sessions accepted for it (the host has seated it). A cohort whose every needed
  skill is thus held or accepted is *booked* and left out (the notes say so).
- *Sessions*: the scheduled sessions of active courses that start on or after the plan's start, with seats
  left after the accepted proposals of planned cohorts. A session with fewer seats left than its course has
  enters under a course of its own, ``<course>@<session>``, with the seats left (the format keeps seats per
  course).
- *Courses*: the active courses.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from pledgeflow.core.choices import ChangeAction
from pledgeflow.core.errors import InvalidTransition
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import entity_label, record_change
from pledgeflow.engine import model as engine
from pledgeflow.engine.scenario import scenario_to_document
from pledgeflow.training.choices import CohortStatus, SessionStatus, TrainingProposalStatus
from pledgeflow.training.models import (
    CapabilityPackage,
    Cohort,
    Course,
    PackageReadiness,
    Skill,
    TrainingAssignment,
    TrainingProposal,
    TrainingSession,
)

__all__ = [
    "TrainingSnapshot",
    "add_training",
    "publish_training_assignments",
    "store_run_training",
    "training_section",
]

#: Separates a course's code from a session's in the course a session with fewer seats left enters under;
#: record codes never contain it, so such an id never collides with a real course's.
SESSION_COURSE_SEPARATOR = "@"


@dataclass
class TrainingSnapshot:
    """The training part of a snapshot: the five lists, each requirement's package, and notes."""

    skills: list[dict[str, Any]] = field(default_factory=list)
    courses: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    cohorts: list[dict[str, Any]] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)
    requirement_packages: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the record holds no training at all (the snapshot then carries no training keys)."""
        return not (self.skills or self.courses or self.sessions or self.cohorts or self.packages)

    def lists(self) -> dict[str, list[dict[str, Any]]]:
        """The five training lists under their scenario keys."""
        return {
            "skills": self.skills,
            "courses": self.courses,
            "sessions": self.sessions,
            "cohorts": self.cohorts,
            "packages": self.packages,
        }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _documents(
    skills: list[engine.Skill],
    courses: list[engine.Course],
    sessions: list[engine.Session],
    cohorts: list[engine.Cohort],
    packages: list[engine.Package],
    start: _dt.date,
) -> dict[str, list[dict[str, Any]]]:
    """The five lists as the scenario writer lays them out, sorted by id (Unicode code points)."""
    scenario = engine.Scenario(
        start=start,
        items=(),
        locations=(),
        routes=(),
        requirements=(),
        pledges=(),
        skills=tuple(sorted(skills, key=lambda x: x.id)),
        courses=tuple(sorted(courses, key=lambda x: x.id)),
        sessions=tuple(sorted(sessions, key=lambda x: x.id)),
        cohorts=tuple(sorted(cohorts, key=lambda x: x.id)),
        packages=tuple(sorted(packages, key=lambda x: x.id)),
        has_training=True,
    )
    doc = scenario_to_document(scenario)
    return {key: doc[key] for key in ("skills", "courses", "sessions", "cohorts", "packages")}


def engine_skill(skill: Skill, prerequisites: list[str]) -> engine.Skill:
    """A skill record as the scenario's Skill."""
    return engine.Skill(id=skill.code, prerequisites=tuple(sorted(prerequisites)))


def engine_course(course: Course, *, code: str | None = None, seats: int | None = None) -> engine.Course:
    """A course record as the scenario's Course (optionally under another id, with other seats)."""
    return engine.Course(
        id=code or course.code,
        skill=course.skill.code,
        host=course.host_id,
        language=course.language,
        duration_days=course.duration_days,
        seats=seats if seats is not None else course.seats,
        cost_per_seat_eur=_number(course.cost_per_seat_eur),
    )


def engine_cohort(cohort: Cohort, held: list[str], package: str | None) -> engine.Cohort:
    """A cohort record as the scenario's Cohort, with the held skills and package given."""
    return engine.Cohort(
        id=cohort.code,
        skill=cohort.skill.code,
        size=cohort.size,
        language=cohort.language,
        ready_by=cohort.ready_by,
        priority=int(cohort.priority),
        held=tuple(sorted(set(held))),
        package=package,
    )


def engine_package(package: CapabilityPackage) -> engine.Package:
    """A package record as the scenario's Package."""
    return engine.Package(
        id=package.code, name=package.name, priority=int(package.priority), need_by=package.need_by
    )


def _prerequisites() -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for owner, code in Skill.prerequisites.through.objects.values_list("from_skill_id", "to_skill__code"):
        out[owner].append(code)
    return out


def _needed(target: str, held: set[str], graph: dict[str, list[str]]) -> set[str]:
    """The skills reachable from ``target`` along prerequisite links without passing through a held one."""
    needed: set[str] = set()
    stack = [target]
    while stack:
        skill = stack.pop()
        if skill in held or skill in needed:
            continue
        needed.add(skill)
        stack.extend(graph.get(skill, ()))
    return needed


def training_section(start: _dt.date, requirement_ids: list[str] | None = None) -> TrainingSnapshot:
    """The training a plan run starting on ``start`` plans (see the module documentation).

    ``requirement_ids`` are the requirement references of the snapshot; each whose record names an active
    package gets it in :attr:`TrainingSnapshot.requirement_packages`.
    """
    out = TrainingSnapshot()
    prerequisites = _prerequisites()
    skill_rows = list(Skill.objects.order_by("code"))
    graph = {s.code: prerequisites.get(s.pk, []) for s in skill_rows}
    packages = list(CapabilityPackage.objects.filter(active=True))
    package_codes = {p.code for p in packages}

    accepted: dict[int, list[tuple[int, str, _dt.date, _dt.date]]] = defaultdict(list)
    booked_seats: dict[int, int] = defaultdict(int)
    # Seats booked for a cohort since cancelled (or recorded trained) are free again.
    for cohort_id, session_id, seats, skill, session_start, duration in TrainingProposal.objects.filter(
        status=TrainingProposalStatus.ACCEPTED,
        session__status=SessionStatus.SCHEDULED,
        cohort__status=CohortStatus.PLANNED,
    ).values_list(
        "cohort_id",
        "session_id",
        "seats",
        "session__course__skill__code",
        "session__start",
        "session__course__duration_days",
    ):
        end = session_start + _dt.timedelta(days=duration)
        accepted[cohort_id].append((session_id, skill, session_start, end))
        booked_seats[session_id] += seats

    held_rows: dict[int, list[str]] = defaultdict(list)
    for cohort_id, code in Cohort.held.through.objects.values_list("cohort_id", "skill__code"):
        held_rows[cohort_id].append(code)
    cohorts: list[engine.Cohort] = []
    for cohort in Cohort.objects.filter(status=CohortStatus.PLANNED).select_related("skill", "package"):
        held = set(held_rows.get(cohort.pk, []))
        booked = accepted.get(cohort.pk, [])
        needed_before = _needed(cohort.skill.code, held, graph)
        held |= {skill for _sid, skill, _s, _e in booked}
        if needed_before and not _needed(cohort.skill.code, held, graph):
            last = max(end for _sid, _skill, _s, end in booked)
            out.notes.append(
                f"Cohort {cohort.code} is left out: its hosts accepted every session it needs (it completes "
                f"on {last.isoformat()})."
            )
            continue
        package = cohort.package.code if cohort.package_id and cohort.package.code in package_codes else None
        cohorts.append(engine_cohort(cohort, sorted(held), package))

    courses = {c.pk: c for c in Course.objects.filter(active=True).select_related("skill")}
    course_docs = [engine_course(c) for c in courses.values()]
    sessions: list[engine.Session] = []
    for session in TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, start__gte=start, course_id__in=list(courses)
    ).order_by("code"):
        course = courses[session.course_id]
        left = course.seats - booked_seats.get(session.pk, 0)
        if left <= 0:
            out.notes.append(f"Session {session.code} is left out: its {course.seats} seats are all booked.")
            continue
        course_id = course.code
        if left < course.seats:
            course_id = f"{course.code}{SESSION_COURSE_SEPARATOR}{session.code}"
            course_docs.append(engine_course(course, code=course_id, seats=left))
        sessions.append(engine.Session(id=session.code, course=course_id, start=session.start))

    lists = _documents(
        [engine_skill(s, graph[s.code]) for s in skill_rows],
        course_docs,
        sessions,
        cohorts,
        [engine_package(p) for p in packages],
        start,
    )
    out.skills, out.courses, out.sessions = lists["skills"], lists["courses"], lists["sessions"]
    out.cohorts, out.packages = lists["cohorts"], lists["packages"]
    if requirement_ids:
        from pledgeflow.planning.snapshot import current_list_version
        from pledgeflow.requirements.models import Requirement

        version = current_list_version()
        if version is not None:
            for reference, code in Requirement.objects.filter(
                list_version=version, reference__in=requirement_ids, package_code__in=package_codes
            ).values_list("reference", "package_code"):
                out.requirement_packages[reference] = code
    return out


_REQUIREMENT_KEYS = (
    "id",
    "family",
    "quantity",
    "priority",
    "need_by",
    "destination",
    "item",
    "package",
    "note",
)


def add_training(document: dict[str, Any], start: _dt.date | None = None) -> TrainingSnapshot:
    """Add the record's training to a plan run's scenario ``document`` (in place) and answer what was added.

    The five training lists replace any the document had (an export's, say); each requirement naming an active
    package gets its ``package`` key, in the contract's key order. A record without any training leaves the
    document without training keys, so its plan has no training section.
    """
    if start is None:
        start = _dt.date.fromisoformat(document["start"]) if "start" in document else timezone.now().date()
    requirements = document.get("requirements", [])
    section = training_section(start, [r["id"] for r in requirements])
    for key in ("skills", "courses", "sessions", "cohorts", "packages"):
        document.pop(key, None)
    if section.empty:
        return section
    for i, requirement in enumerate(requirements):
        package = section.requirement_packages.get(requirement["id"])
        if package is not None:
            merged = {**requirement, "package": package}
            requirements[i] = {key: merged[key] for key in _REQUIREMENT_KEYS if key in merged}
    document.update(section.lists())
    return section


# --- storing a run ------------------------------------------------------------------------------------------


def _package_state(package: CapabilityPackage) -> dict[str, Any]:
    return {
        "needs_retiming": package.needs_retiming,
        "retiming_reason": package.retiming_reason,
        "retiming_since": package.retiming_since.isoformat() if package.retiming_since else None,
    }


def store_run_training(run: Any) -> tuple[int, int]:
    """Store a succeeded run's training: assignments and package readiness as rows; clear re-timing flags.

    Reads ``run.plan["training"]`` and ``run.plan["packages"]`` (nothing to do for a plan without training).
    A package planned by the run has its re-timing flag cleared (with history) when the flag was raised before
    the run started, i.e. the slip was in the run's snapshot. Call it in the transaction that stores the run.
    Answers the numbers of assignment and readiness rows written.
    """
    plan = run.plan or {}
    training = plan.get("training")
    if training is None:
        return 0, 0
    with transaction.atomic():
        cohort_codes = {a["cohort"] for a in training.get("assignments", [])}
        session_codes = {s for a in training.get("assignments", []) for s in a["sessions"]}
        cohorts = dict(Cohort.objects.filter(code__in=cohort_codes).values_list("code", "pk"))
        sessions = dict(TrainingSession.objects.filter(code__in=session_codes).values_list("code", "pk"))
        rows = []
        for line in training.get("assignments", []):
            if line["cohort"] not in cohorts or any(code not in sessions for code in line["sessions"]):
                continue  # renamed while the run planned: the plan document still says what was planned
            completion = _dt.date.fromisoformat(line["completion"])
            for sequence, session in enumerate(line["sessions"], start=1):
                rows.append(
                    TrainingAssignment(
                        run=run,
                        cohort_id=cohorts[line["cohort"]],
                        session_id=sessions[session],
                        sequence=sequence,
                        completion=completion,
                        days_late=int(line["days_late"]),
                    )
                )
        TrainingAssignment.objects.bulk_create(rows, batch_size=1000)
        packages = {
            p.code: p
            for p in CapabilityPackage.objects.filter(code__in=[k["id"] for k in plan.get("packages", [])])
        }
        readiness = []
        for line in plan.get("packages", []):
            if line["id"] not in packages:
                continue
            bottleneck = line.get("bottleneck") or {}
            kind, code = next(iter(bottleneck.items())) if bottleneck else ("", "")
            readiness.append(
                PackageReadiness(
                    run=run,
                    package=packages[line["id"]],
                    readiness=_dt.date.fromisoformat(line["readiness"]) if line.get("readiness") else None,
                    days_late=line.get("days_late"),
                    bottleneck_kind=kind,
                    bottleneck=code,
                )
            )
        PackageReadiness.objects.bulk_create(readiness, batch_size=1000)
        planned_at = run.started_at or run.created_at
        for package in packages.values():
            if (
                package.needs_retiming
                and package.retiming_since is not None
                and package.retiming_since <= planned_at
            ):
                before = _package_state(package)
                package.needs_retiming = False
                package.retiming_reason = ""
                package.retiming_since = None
                package.save(update_fields=["needs_retiming", "retiming_reason", "retiming_since"])
                record_change(
                    None,
                    package,
                    "retimed",
                    before,
                    _package_state(package),
                    note=f"re-timed by plan run {run.number}",
                )
    return len(rows), len(readiness)


# --- publishing ---------------------------------------------------------------------------------------------


def publish_training_assignments(actor: Any, run: Any) -> tuple[int, int]:
    """Make each training assignment of ``run`` a proposal to the session's host nation; supersede open ones.

    Assignments already accepted (the same cohort in the same session) are not proposed again; a session
    cancelled or a cohort no longer planned since the run is skipped. Call it in the transaction that
    publishes the run (the planning context checks who may publish). Answers (proposals made, proposals
    superseded); refused when the run's training was already published.
    """
    with transaction.atomic():
        if TrainingProposal.objects.filter(run=run).exists():
            raise InvalidTransition("Plan run", run.number, "published", "published", [])
        now = timezone.now()
        history: list[ChangeRecord] = []
        actor_id = getattr(actor, "pk", None)
        superseded = list(
            TrainingProposal.objects.select_for_update()
            .filter(status=TrainingProposalStatus.PROPOSED)
            .exclude(run=run)
        )
        for proposal in superseded:
            before = {"status": proposal.status, "version": proposal.version}
            proposal.status = TrainingProposalStatus.SUPERSEDED
            proposal.version += 1
            proposal.decided_at = now
            proposal.updated_at = now
            proposal.reason = f"superseded by plan run {run.number}"
            history.append(
                ChangeRecord(
                    entity=entity_label(proposal),
                    object_id=str(proposal.pk),
                    action=ChangeAction.TRANSITION,
                    actor_id=actor_id,
                    at=now,
                    before=before,
                    after={"status": proposal.status, "version": proposal.version, "reason": proposal.reason},
                )
            )
        TrainingProposal.objects.bulk_update(
            superseded, ["status", "version", "decided_at", "updated_at", "reason"], batch_size=500
        )
        accepted = set(
            TrainingProposal.objects.filter(status=TrainingProposalStatus.ACCEPTED).values_list(
                "cohort_id", "session_id"
            )
        )
        created = []
        for assignment in TrainingAssignment.objects.filter(run=run).select_related(
            "cohort", "session", "session__course"
        ):
            if (assignment.cohort_id, assignment.session_id) in accepted:
                continue
            if (
                assignment.session.status != SessionStatus.SCHEDULED
                or assignment.cohort.status != CohortStatus.PLANNED
            ):
                continue
            created.append(
                TrainingProposal(
                    run=run,
                    assignment=assignment,
                    cohort=assignment.cohort,
                    session=assignment.session,
                    host_id=assignment.session.course.host_id,
                    seats=assignment.cohort.size,
                )
            )
        TrainingProposal.objects.bulk_create(created, batch_size=1000)
        for proposal in TrainingProposal.objects.filter(run=run):
            history.append(
                ChangeRecord(
                    entity=entity_label(proposal),
                    object_id=str(proposal.pk),
                    action=ChangeAction.CREATE,
                    actor_id=actor_id,
                    at=now,
                    before=None,
                    after={
                        "run": run.pk,
                        "cohort": proposal.cohort_id,
                        "session": proposal.session_id,
                        "host": proposal.host_id,
                        "seats": proposal.seats,
                        "status": proposal.status,
                    },
                )
            )
        ChangeRecord.objects.bulk_create(history, batch_size=500)
    return len(created), len(superseded)
