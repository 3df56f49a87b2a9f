"""Read queries of the training context, with the visibility rules applied to every list, count and look-up.

Who sees what (docs/training.md):

- **Courses and sessions** carry their host nation's sharing label, like pledges: coordinators see every one;
  a host nation always sees its own; CLEAR and GREEN are seen by everyone signed in; AMBER also by the nations
  on the "releasable to" list; AMBER+STRICT and RED only by the host and the coordinators. Training
  coordinators manage the whole training picture, so they see every course and session too. A session is
  visible when both it and its course are.
- **Skills, cohorts and capability packages** are readable by every signed-in user, as the recipient's
  requirement list is.
- **Training proposals** are read by coordinators and training coordinators (all), the host nation's liaison
  (its own) and the recipient's officers (those of their nation's cohorts in sessions they may see); viewers
  have none.

A record one may not see does not exist for them: it is missing from every list and count, and asking for it
answers :class:`NotFound` worded exactly as for a code that was never used.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import (
    can_manage_training,
    can_see_labelled,
    is_signed_in,
    label_visibility_q,
)
from pledgeflow.core.choices import OPEN_LABELS
from pledgeflow.core.errors import NotFound, PermissionDenied
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import history_of
from pledgeflow.training.choices import SessionStatus, TrainingProposalStatus
from pledgeflow.training.models import (
    CapabilityPackage,
    Cohort,
    Course,
    PackageReadiness,
    Skill,
    TrainingProposal,
    TrainingSession,
)

__all__ = [
    "HostContribution",
    "TrainingContribution",
    "can_see_course",
    "can_see_session",
    "course_visibility_q",
    "get_cohort",
    "get_course",
    "get_package",
    "get_session",
    "get_skill",
    "get_training_proposal",
    "history",
    "list_cohorts",
    "list_courses",
    "list_packages",
    "list_sessions",
    "list_skills",
    "list_training_proposals",
    "package_readiness_history",
    "package_requirement_references",
    "seats_taken",
    "session_visibility_q",
    "training_contribution",
]


def _sees_all_training(user: Any) -> bool:
    """Coordinators and training coordinators see every course and session, whatever its label."""
    return can_manage_training(user)


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | int) else list(value)


def course_visibility_q(user: Any, prefix: str = "") -> Q:
    """A filter keeping the courses ``user`` may see; ``prefix`` is a path to them (``"course__"``)."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if _sees_all_training(user):
        return Q()
    return label_visibility_q(
        user,
        donor_field=f"{prefix}host",
        label_field=f"{prefix}sharing_label",
        releasable_field=f"{prefix}releasable_to",
    )


def session_visibility_q(user: Any, prefix: str = "") -> Q:
    """A filter keeping the sessions ``user`` may see: the session's own label and its course's allow it."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if _sees_all_training(user):
        return Q()
    own = label_visibility_q(
        user,
        donor_field=f"{prefix}course__host",
        label_field=f"{prefix}sharing_label",
        releasable_field=f"{prefix}releasable_to",
    )
    return own & course_visibility_q(user, prefix=f"{prefix}course__")


def _releasable(record: Any) -> Iterable[str]:
    if record.sharing_label in OPEN_LABELS:
        return ()
    return [n.code for n in record.releasable_to.all()]


def can_see_course(user: Any, course: Course) -> bool:
    """Whether ``user`` may see this course (the same rule as :func:`course_visibility_q`)."""
    if _sees_all_training(user):
        return True
    return can_see_labelled(user, course.host_id, course.sharing_label, _releasable(course))


def can_see_session(user: Any, session: TrainingSession) -> bool:
    """Whether ``user`` may see this session (the same rule as :func:`session_visibility_q`)."""
    if _sees_all_training(user):
        return True
    return can_see_course(user, session.course) and can_see_labelled(
        user, session.course.host_id, session.sharing_label, _releasable(session)
    )


# --- skills -----------------------------------------------------------------------------------------------


def list_skills(user: Any, *, active: bool | None = True, search: str | None = None) -> QuerySet[Skill]:
    """Skills ordered by code, with their prerequisites loaded; ``active=None`` includes retired ones."""
    if not is_signed_in(user):
        return Skill.objects.none()
    skills = Skill.objects.prefetch_related(Prefetch("prerequisites", Skill.objects.order_by("code")))
    if active is not None:
        skills = skills.filter(active=active)
    if search:
        skills = skills.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return skills.order_by("code")


def get_skill(user: Any, code: str) -> Skill:
    """One skill by code (retired ones too), else NotFound."""
    found = list_skills(user, active=None).filter(code=code).first()
    if found is None:
        raise NotFound("Skill", code)
    return found


# --- courses and sessions -----------------------------------------------------------------------------------


def list_courses(
    user: Any,
    *,
    host: str | list[str] | None = None,
    skill: str | None = None,
    language: str | None = None,
    sharing_label: str | list[str] | None = None,
    active: bool | None = True,
    search: str | None = None,
) -> QuerySet[Course]:
    """The courses ``user`` may see, filtered after the visibility rule, ordered by code."""
    courses = (
        Course.objects.filter(course_visibility_q(user))
        .select_related("skill", "host")
        .prefetch_related("releasable_to")
    )
    if host:
        courses = courses.filter(host_id__in=_as_list(host))
    if skill:
        courses = courses.filter(skill__code=skill)
    if language:
        courses = courses.filter(language=language)
    if sharing_label:
        courses = courses.filter(sharing_label__in=_as_list(sharing_label))
    if active is not None:
        courses = courses.filter(active=active)
    if search:
        courses = courses.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return courses.order_by("code")


def get_course(user: Any, code: str) -> Course:
    """One course by code if ``user`` may see it (retired ones too); NotFound otherwise."""
    found = list_courses(user, active=None).filter(code=code).first()
    if found is None:
        raise NotFound("Course", code)
    return found


def list_sessions(
    user: Any,
    *,
    course: str | None = None,
    host: str | list[str] | None = None,
    skill: str | None = None,
    language: str | None = None,
    status: str | list[str] | None = None,
    start_from: _dt.date | None = None,
    start_to: _dt.date | None = None,
) -> QuerySet[TrainingSession]:
    """The sessions ``user`` may see, filtered after the visibility rule, ordered by code."""
    sessions = (
        TrainingSession.objects.filter(session_visibility_q(user))
        .select_related("course", "course__skill", "course__host")
        .prefetch_related("releasable_to")
    )
    if course:
        sessions = sessions.filter(course__code=course)
    if host:
        sessions = sessions.filter(course__host_id__in=_as_list(host))
    if skill:
        sessions = sessions.filter(course__skill__code=skill)
    if language:
        sessions = sessions.filter(course__language=language)
    if status:
        sessions = sessions.filter(status__in=_as_list(status))
    if start_from is not None:
        sessions = sessions.filter(start__gte=start_from)
    if start_to is not None:
        sessions = sessions.filter(start__lte=start_to)
    return sessions.order_by("code")


def get_session(user: Any, code: str) -> TrainingSession:
    """One session by code if ``user`` may see it; NotFound otherwise."""
    found = list_sessions(user).filter(code=code).first()
    if found is None:
        raise NotFound("Session", code)
    return found


def seats_taken(session_ids: Iterable[int]) -> dict[int, int]:
    """Seats booked by accepted training proposals, per session primary key."""
    taken: dict[int, int] = {}
    for session_id, seats in TrainingProposal.objects.filter(
        session_id__in=list(session_ids), status=TrainingProposalStatus.ACCEPTED
    ).values_list("session_id", "seats"):
        taken[session_id] = taken.get(session_id, 0) + seats
    return taken


# --- cohorts and packages -----------------------------------------------------------------------------------


def list_cohorts(
    user: Any,
    *,
    nation: str | None = None,
    skill: str | None = None,
    language: str | None = None,
    status: str | list[str] | None = None,
    package: str | None = None,
    priority: int | None = None,
    search: str | None = None,
) -> QuerySet[Cohort]:
    """Cohorts (readable by everyone signed in), filtered, ordered by code, related records loaded."""
    if not is_signed_in(user):
        return Cohort.objects.none()
    cohorts = Cohort.objects.select_related("skill", "package", "nation").prefetch_related(
        Prefetch("held", Skill.objects.order_by("code"))
    )
    if nation:
        cohorts = cohorts.filter(nation_id=nation)
    if skill:
        cohorts = cohorts.filter(skill__code=skill)
    if language:
        cohorts = cohorts.filter(language=language)
    if status:
        cohorts = cohorts.filter(status__in=_as_list(status))
    if package:
        cohorts = cohorts.filter(package__code=package)
    if priority is not None:
        cohorts = cohorts.filter(priority=priority)
    if search:
        cohorts = cohorts.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return cohorts.order_by("code")


def get_cohort(user: Any, code: str) -> Cohort:
    """One cohort by code; NotFound otherwise."""
    found = list_cohorts(user).filter(code=code).first()
    if found is None:
        raise NotFound("Cohort", code)
    return found


def list_packages(
    user: Any,
    *,
    active: bool | None = True,
    needs_retiming: bool | None = None,
    nation: str | None = None,
    search: str | None = None,
) -> QuerySet[CapabilityPackage]:
    """Capability packages (readable by everyone signed in), ordered by code."""
    if not is_signed_in(user):
        return CapabilityPackage.objects.none()
    packages = CapabilityPackage.objects.select_related("nation")
    if active is not None:
        packages = packages.filter(active=active)
    if needs_retiming is not None:
        packages = packages.filter(needs_retiming=needs_retiming)
    if nation:
        packages = packages.filter(nation_id=nation)
    if search:
        packages = packages.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return packages.order_by("code")


def get_package(user: Any, code: str) -> CapabilityPackage:
    """One package by code (retired ones too); NotFound otherwise."""
    found = list_packages(user, active=None).filter(code=code).first()
    if found is None:
        raise NotFound("Capability package", code)
    return found


def package_requirement_references(user: Any, package: CapabilityPackage) -> list[str]:
    """References of the requirements of the current priority list whose ``package_code`` names ``package``,
    as ``user`` may read them (drafts only for those who read drafts)."""
    from pledgeflow.planning.snapshot import current_list_version
    from pledgeflow.requirements.choices import RequirementStatus
    from pledgeflow.requirements.models import Requirement
    from pledgeflow.requirements.selectors import requirement_visibility_q

    version = current_list_version()
    if version is None:
        return []
    return list(
        Requirement.objects.filter(list_version=version, package_code=package.code)
        .filter(requirement_visibility_q(user))
        .exclude(status=RequirementStatus.CANCELLED)
        .order_by("reference")
        .values_list("reference", flat=True)
    )


def package_readiness_history(user: Any, package: CapabilityPackage) -> QuerySet[PackageReadiness]:
    """The readiness of ``package`` in each plan run that planned it, newest run first."""
    return package.readiness.select_related("run").order_by("-run__number")


def history(user: Any, record: Any) -> QuerySet[ChangeRecord]:
    """The change history of a record already fetched through a selector above (so visible), oldest first."""
    return history_of(record)


# --- proposals ----------------------------------------------------------------------------------------------


def list_training_proposals(
    user: Any,
    *,
    status: str | list[str] | None = None,
    run: int | None = None,
    host: str | None = None,
    cohort: str | None = None,
    session: str | None = None,
) -> QuerySet[TrainingProposal]:
    """The training proposals ``user`` may read (see the module documentation), newest run first.

    Viewers have no proposals to read: PermissionDenied.
    """
    if not is_signed_in(user):
        return TrainingProposal.objects.none()
    role = getattr(user, "role", None)
    proposals = TrainingProposal.objects.select_related(
        "run", "cohort", "session", "session__course", "host", "decided_by"
    )
    if can_manage_training(user):
        pass
    elif role == Role.DONOR_LIAISON:
        proposals = proposals.filter(host_id=user.nation_id)
    elif role == Role.RECIPIENT_OFFICER:
        # Its own cohorts' proposals, only in sessions it may see: a proposal names its session and course.
        proposals = proposals.filter(cohort__nation_id=user.nation_id).filter(
            session_visibility_q(user, prefix="session__")
        )
    else:
        raise PermissionDenied(
            "Training proposals are read by the host nations' liaisons, the recipient's officers, training "
            "coordinators and coordinators."
        )
    if status:
        proposals = proposals.filter(status__in=_as_list(status))
    if run is not None:
        proposals = proposals.filter(run__number=run)
    if host:
        proposals = proposals.filter(host_id=host)
    if cohort:
        proposals = proposals.filter(cohort__code=cohort)
    if session:
        proposals = proposals.filter(session__code=session)
    return proposals.order_by("-run__number", "session__code", "cohort__code", "pk")


def get_training_proposal(user: Any, proposal_id: int) -> TrainingProposal:
    """One training proposal ``user`` may read; NotFound otherwise (another nation's is not revealed)."""
    found = list_training_proposals(user).filter(pk=proposal_id).first()
    if found is None:
        raise NotFound("Training proposal", proposal_id)
    return found


# --- contribution -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostContribution:
    """Training seats one host nation gave in a period: proposed (open), accepted, and the accepted seats'
    value (seats x the course's cost per seat; courses without a cost add seats but no value)."""

    host: str
    seats_proposed: int
    seats_accepted: int
    value_eur: Decimal


@dataclass(frozen=True)
class TrainingContribution:
    """All hosts together (every seat counts) and the by-host rows (only courses the viewer may see)."""

    all_hosts: HostContribution
    by_host: tuple[HostContribution, ...]


def training_contribution(
    user: Any,
    *,
    date_from: _dt.date | None = None,
    date_to: _dt.date | None = None,
    host: str | None = None,
) -> TrainingContribution:
    """Training seats as contributions, for the burden-sharing report: per host nation, the seats of published
    training proposals in sessions starting from ``date_from`` to ``date_to`` (inclusive), accepted and still
    proposed, and the accepted seats' value at the course's cost per seat (DOMAIN.md: "training seats at the
    course's cost per seat").

    The all-hosts figure counts every seat; each by-host row, and the all-hosts figure when ``host`` narrows
    it to one nation, counts only the courses ``user`` may see (a figure about one nation shows only what the
    viewer may see of it). Users who are not signed in get zeros.
    """
    if not is_signed_in(user):
        return TrainingContribution(HostContribution("", 0, 0, Decimal("0.00")), ())
    rows = TrainingProposal.objects.filter(
        status__in=(TrainingProposalStatus.ACCEPTED, TrainingProposalStatus.PROPOSED)
    ).exclude(session__status=SessionStatus.CANCELLED)
    if date_from is not None:
        rows = rows.filter(session__start__gte=date_from)
    if date_to is not None:
        rows = rows.filter(session__start__lte=date_to)
    visible = rows.filter(session_visibility_q(user, prefix="session__"))
    if host:
        rows = visible.filter(host_id=host)
        visible = rows

    def figures(query: QuerySet[TrainingProposal]) -> dict[str, list[Any]]:
        per_host: dict[str, list[Any]] = {}
        for host_code, status, seats, cost in query.values_list(
            "host_id", "status", "seats", "session__course__cost_per_seat_eur"
        ):
            row = per_host.setdefault(host_code, [0, 0, Decimal("0")])
            if status == TrainingProposalStatus.ACCEPTED:
                row[1] += seats
                row[2] += (cost or Decimal("0")) * seats
            else:
                row[0] += seats
        return per_host

    def total(per_host: dict[str, list[Any]], label: str) -> HostContribution:
        return HostContribution(
            label,
            sum(r[0] for r in per_host.values()),
            sum(r[1] for r in per_host.values()),
            sum((r[2] for r in per_host.values()), Decimal("0")).quantize(Decimal("0.01")),
        )

    overall = total(figures(rows), host or "")
    breakdown = tuple(
        HostContribution(code, r[0], r[1], r[2].quantize(Decimal("0.01")))
        for code, r in sorted(figures(visible).items())
    )
    return TrainingContribution(overall, breakdown)
