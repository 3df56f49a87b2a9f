"""Use cases of the training context: one function per use case, one transaction each, history written in it.

Order of checks, so that no refusal reveals more than the user may see: the record must be visible (else
:class:`NotFound`), the actor allowed (else :class:`PermissionDenied`), the version current (else
:class:`StaleVersion`), the status change allowed (else :class:`InvalidTransition`), the values valid (else
``ValidationError`` naming each field).

Who writes what (docs/training.md):

- skills: coordinators and training coordinators;
- courses and sessions: coordinators, training coordinators, and the donor liaison of the host nation (its own
  nation's only);
- cohorts and capability packages: coordinators, training coordinators, and the recipient's officers (their
  nation's only);
- training proposals: decided by the host nation's liaison, a training coordinator or a coordinator.
"""

from __future__ import annotations

import copy
import datetime as _dt
from collections.abc import Container, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import can_manage_training, is_signed_in, require
from pledgeflow.core.choices import ChangeAction, SharingLabel
from pledgeflow.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from pledgeflow.core.services import (
    apply_update,
    create_with_history,
    lock_for_update,
    record_change,
    resolve_code,
    set_active,
)
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.models import Nation
from pledgeflow.training.choices import (
    COHORT_TRANSITIONS,
    TRAINING_PROPOSAL_TRANSITIONS,
    CohortStatus,
    SessionStatus,
    TrainingProposalStatus,
)
from pledgeflow.training.models import (
    CapabilityPackage,
    Cohort,
    Course,
    Skill,
    TrainingProposal,
    TrainingSession,
)
from pledgeflow.training.selectors import can_see_course, can_see_session

__all__ = [
    "COHORT_FIELDS",
    "COURSE_FIELDS",
    "PACKAGE_FIELDS",
    "SESSION_FIELDS",
    "SKILL_FIELDS",
    "accept_training_proposal",
    "can_manage_cohort",
    "can_manage_course",
    "can_manage_package",
    "cancel_cohort",
    "cancel_session",
    "complete_cohort",
    "create_cohort",
    "create_course",
    "create_package",
    "create_session",
    "create_skill",
    "decline_training_proposal",
    "mark_packages_for_retiming",
    "restore_course",
    "restore_package",
    "restore_skill",
    "retire_course",
    "retire_package",
    "retire_skill",
    "update_cohort",
    "update_course",
    "update_package",
    "update_session",
    "update_skill",
]

SKILL_FIELDS = frozenset({"code", "name", "prerequisites", "description"})
COURSE_FIELDS = frozenset(
    {
        "code",
        "name",
        "skill",
        "host",
        "language",
        "duration_days",
        "seats",
        "cost_per_seat_eur",
        "sharing_label",
        "releasable_to",
        "note",
    }
)
SESSION_FIELDS = frozenset({"code", "start", "sharing_label", "releasable_to", "note"})
COHORT_FIELDS = frozenset(
    {"code", "name", "skill", "size", "language", "ready_by", "priority", "held", "package", "note"}
)
PACKAGE_FIELDS = frozenset({"code", "name", "priority", "need_by", "note"})


def _today() -> _dt.date:
    return timezone.localdate()


def _role(actor: Any) -> str | None:
    return getattr(actor, "role", None) if is_signed_in(actor) else None


# --- rules --------------------------------------------------------------------------------------------------


def can_manage_course(actor: Any, host_code: str | None) -> bool:
    """Offering, changing and retiring a course of ``host_code`` and its sessions: coordinators, training
    coordinators, and the host nation's own donor liaison."""
    if can_manage_training(actor):
        return True
    return _role(actor) == Role.DONOR_LIAISON and host_code is not None and actor.nation_id == host_code


def can_manage_cohort(actor: Any, nation_code: str | None) -> bool:
    """Managing a cohort of the recipient ``nation_code``: coordinators, training coordinators, and that
    recipient's officers."""
    if can_manage_training(actor):
        return True
    return (
        _role(actor) == Role.RECIPIENT_OFFICER and nation_code is not None and actor.nation_id == nation_code
    )


#: Capability packages group the recipient's requirements and cohorts: the same people manage both.
can_manage_package = can_manage_cohort


def can_decide_training_proposal(actor: Any, host_code: str | None) -> bool:
    """Accepting or declining a training proposal to ``host_code``: its donor liaison, training coordinators
    and coordinators (who may decide on the host's behalf, as for allocations)."""
    return can_manage_course(actor, host_code)


def _course_denied(actor: Any, host_code: str) -> str:
    if _role(actor) == Role.DONOR_LIAISON:
        return (
            f"A donor liaison offers and changes the courses and sessions of its own nation "
            f"({actor.nation_id}) only; this one is hosted by {host_code}."
        )
    return (
        "Only the host nation's liaison, training coordinators and coordinators change courses and sessions."
    )


def _cohort_denied(actor: Any, nation_code: str, what: str = "cohorts") -> str:
    if _role(actor) == Role.RECIPIENT_OFFICER:
        return (
            f"A recipient officer manages the {what} of its own nation ({actor.nation_id}) only; this one is "
            f"{nation_code}'s."
        )
    return f"Only the recipient's officers, training coordinators and coordinators manage {what}."


_SKILLS_DENIED = "Only training coordinators and coordinators manage skills."


def _refuse_unknown(changes: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            {
                name: f"{name!r} is not a field of a {what} that can be changed here "
                f"(changeable: {', '.join(sorted(allowed))})."
                for name in unknown
            }
        )


def _resolve_many(model: type[Any], values: Iterable[Any] | None, field: str) -> list[Any]:
    """Records named by ``values`` (records or codes), in order, without repeats; every unknown one named."""
    resolved: list[Any] = []
    unknown: list[str] = []
    for value in values or ():
        obj = value if isinstance(value, model) else model._default_manager.filter(code=value).first()
        if obj is None:
            unknown.append(str(value))
        elif obj not in resolved:
            resolved.append(obj)
    if unknown:
        raise ValidationError(
            {field: f"No {model._meta.verbose_name} has the code {', '.join(repr(u) for u in unknown)}."}
        )
    return resolved


def _plain(model: type[Any], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # an unknown field is reported by _refuse_unknown
        return False
    return bool(getattr(field, "concrete", False)) and not field.is_relation


def _resolve_checked(
    instance: Any, values: dict[str, Any], resolve: Any, changes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``resolve(values)`` (codes to records); when a code is unknown, every other bad value is named too.

    The plain ``changes`` (or the values already on a new ``instance``) are checked on a copy of ``instance``
    so that one refusal names each bad field, not only the first kind of problem found.
    """
    try:
        return dict(resolve(values))
    except ValidationError as exc:
        errors: dict[str, list[str]] = {k: list(v) for k, v in exc.message_dict.items()}
    model = type(instance)
    probe = copy.copy(instance)
    for name, value in (changes or {}).items():
        if name not in errors and _plain(model, name):
            setattr(probe, name, value)
    exclude = [f.name for f in model._meta.fields if f.is_relation or f.name in errors]
    try:
        probe.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as more:
        for name, messages in more.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    raise ValidationError(errors)


def nation_prefix(code: str, nations: Container[str] | None = None) -> str | None:
    """The nation a code claims by its prefix (``DEU`` for ``DEU-PATRIOT-OPS``), if it names one.

    ``nations`` are the known nation codes when the caller has them (an import), saving a query.
    """
    head, dash, _rest = code.partition("-")
    if not dash or len(head) != 3 or not head.isupper():
        return None
    known = head in nations if nations is not None else Nation.objects.filter(code=head).exists()
    return head if known else None


def check_host_code(
    code: Any, host_code: str, what: str, *, liaison: bool = False, nations: Container[str] | None = None
) -> None:
    """A course or session code that starts with a nation's code (``DEU-...``) belongs to that host's course.

    A host liaison's codes always start with its own nation's code. Together the two rules mean a "code
    already in use" refusal can only ever be about the liaison's own records, so choosing a code never reveals
    another host's hidden course or session. Others may give any code that claims no other nation (``C1``).
    """
    if not isinstance(code, str):
        return
    if liaison and not code.startswith(f"{host_code}-"):
        raise ValidationError(
            {
                "code": f"A {what} code starts with the host nation's code, e.g. {host_code}-PATRIOT-OPS; "
                f"got {code!r}."
            }
        )
    claimed = nation_prefix(code, nations)
    if claimed is not None and claimed != host_code:
        raise ValidationError(
            {
                "code": f"{code!r} starts with {claimed}'s code, but this {what} is hosted by {host_code}: "
                f"start it with {host_code}- or with no nation's code."
            }
        )


def _check_host_code(actor: Any, code: Any, host_code: str, what: str) -> None:
    check_host_code(code, host_code, what, liaison=not can_manage_training(actor))


def _check_version(record: Any, expected_version: int, entity: str) -> None:
    if record.version != expected_version:
        raise StaleVersion(entity, record.code, expected_version, record.version)


def _check_releasable(label: str, releasable: list[Nation], host_code: str, what: str) -> None:
    """Only AMBER is released to named nations; naming the host itself is pointless and refused."""
    if releasable and label != SharingLabel.AMBER:
        shown = SharingLabel(label).label if label in SharingLabel.values else label
        raise ValidationError(
            {
                "releasable_to": f"Only a TLP:AMBER {what} is released to named nations; this one is {shown} "
                "(CLEAR and GREEN are visible to everyone signed in, AMBER+STRICT and RED to the host and "
                "the coordinators only). Empty the list or label it AMBER."
            }
        )
    if any(n.code == host_code for n in releasable):
        raise ValidationError(
            {"releasable_to": f"{host_code} is the host and always sees its own {what}s; leave it out."}
        )


# --- skills -------------------------------------------------------------------------------------------------


def _prerequisite_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    through = Skill.prerequisites.through
    for owner, required in through.objects.values_list("from_skill__code", "to_skill__code"):
        graph.setdefault(owner, set()).add(required)
    return graph


def _check_acyclic(code: str, prerequisites: list[Skill], original_code: str | None = None) -> None:
    """Refuse prerequisites of skill ``code`` that would close a cycle, naming the cycle."""
    names = [s.code for s in prerequisites]
    if code in names or (original_code is not None and original_code in names):
        raise ValidationError({"prerequisites": f"Skill {code!r} cannot require itself."})
    graph = _prerequisite_graph()
    if original_code is not None and original_code != code:
        # A renamed skill keeps its links: read the graph under the new code.
        graph = {
            (code if k == original_code else k): {code if v == original_code else v for v in vs}
            for k, vs in graph.items()
        }
    graph[code] = set(names)
    # Depth-first from each new prerequisite: reaching ``code`` again closes a cycle.
    for start in sorted(names):
        path = [code, start]
        stack = [iter(sorted(graph.get(start, ())))]
        seen = {start}
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                path.pop()
                continue
            if nxt == code:
                cycle = " -> ".join([*path, code])
                raise ValidationError(
                    {
                        "prerequisites": f"These prerequisites would form a cycle: {cycle} (each needs the "
                        "next first); remove one of these links."
                    }
                )
            if nxt not in seen:
                seen.add(nxt)
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))


@transaction.atomic
def create_skill(
    actor: Any, *, code: str, name: str, prerequisites: Iterable[Skill | str] = (), description: str = ""
) -> Skill:
    """Create a skill with its prerequisites (records or codes); a cycle is refused, named."""
    require(can_manage_training(actor), _SKILLS_DENIED)
    new = Skill(code=code, name=name, description=description or "")
    required = _resolve_checked(
        new,
        {"prerequisites": prerequisites},
        lambda v: {"p": _resolve_many(Skill, v["prerequisites"], "prerequisites")},
    )["p"]
    _check_acyclic(code, required)
    return create_with_history(actor, new, m2m={"prerequisites": required})


@transaction.atomic
def update_skill(actor: Any, skill: Skill, changes: Mapping[str, Any], expected_version: int) -> Skill:
    """Change a skill (code, name, prerequisites, description), based on ``expected_version``."""
    require(can_manage_training(actor), _SKILLS_DENIED)
    current = lock_for_update(Skill, skill.pk)
    _check_version(current, expected_version, "Skill")
    _refuse_unknown(changes, SKILL_FIELDS, "skill")
    values = dict(changes)
    if "prerequisites" in values:
        values["prerequisites"] = _resolve_checked(
            current,
            values,
            lambda v: {"p": _resolve_many(Skill, v["prerequisites"], "prerequisites")},
            changes,
        )["p"]
        _check_acyclic(values.get("code", current.code), values["prerequisites"], current.code)
    return apply_update(actor, current, values, expected_version)


@transaction.atomic
def retire_skill(actor: Any, skill: Skill, expected_version: int) -> Skill:
    """Retire a skill: refused while an active course teaches it or a planned cohort aims for it."""
    require(can_manage_training(actor), _SKILLS_DENIED)
    courses = list(
        Course.objects.filter(skill=skill, active=True).order_by("code").values_list("code", flat=True)[:5]
    )
    cohorts = list(
        Cohort.objects.filter(skill=skill, status=CohortStatus.PLANNED)
        .order_by("code")
        .values_list("code", flat=True)[:5]
    )
    if courses or cohorts:
        users = ", ".join([*(f"course {c}" for c in courses), *(f"cohort {c}" for c in cohorts)])
        raise ValidationError(
            {"active": f"Skill {skill.code!r} is still in use ({users}); retire or change those first."}
        )
    return set_active(actor, skill, False, expected_version)


@transaction.atomic
def restore_skill(actor: Any, skill: Skill, expected_version: int) -> Skill:
    """Bring a retired skill back into use."""
    require(can_manage_training(actor), _SKILLS_DENIED)
    return set_active(actor, skill, True, expected_version)


# --- courses ------------------------------------------------------------------------------------------------


def _visible_course(actor: Any, course: Course | int) -> Course:
    pk = course.pk if isinstance(course, Course) else course
    try:
        current = lock_for_update(Course, pk)
    except NotFound:
        raise NotFound("Course", pk) from None
    if not can_see_course(actor, current):
        raise NotFound("Course", current.code)
    return current


def _resolve_course_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    for name, model, active_only in (("skill", Skill, True), ("host", Nation, False)):
        if name in out:
            try:
                out[name] = resolve_code(model, out[name], name, active_only=active_only)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if "releasable_to" in out:
        try:
            out["releasable_to"] = _resolve_many(Nation, out["releasable_to"], "releasable_to")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def create_course(
    actor: Any,
    *,
    code: str,
    name: str,
    skill: Skill | str,
    host: Nation | str,
    language: str,
    duration_days: int,
    seats: int,
    cost_per_seat_eur: Any = None,
    sharing_label: str = SharingLabel.AMBER,
    releasable_to: Iterable[Nation | str] = (),
    note: str = "",
) -> Course:
    """Offer a course hosted by ``host`` (a donor liaison: its own nation) teaching an active ``skill``.

    Without a label the course is AMBER with nobody on its releasable-to list: the host and the coordinators
    (and training coordinators) see it until the host releases it.
    """
    host_code = host.code if isinstance(host, Nation) else str(host or "")
    require(can_manage_course(actor, host_code), _course_denied(actor, host_code))
    _check_host_code(actor, code, host_code, "course")
    plain = {
        "code": code,
        "name": name,
        "language": language,
        "duration_days": duration_days,
        "seats": seats,
        "cost_per_seat_eur": cost_per_seat_eur,
        "sharing_label": sharing_label,
    }
    values = _resolve_checked(
        Course(**plain),
        {"skill": skill, "host": host, "releasable_to": releasable_to},
        _resolve_course_values,
    )
    releasable = values.pop("releasable_to")
    _check_releasable(sharing_label, releasable, values["host"].code, "course")
    course = Course(
        code=code,
        name=name,
        language=language,
        duration_days=duration_days,
        seats=seats,
        cost_per_seat_eur=cost_per_seat_eur,
        sharing_label=sharing_label,
        note=note or "",
        **values,
    )
    return create_with_history(actor, course, m2m={"releasable_to": releasable})


@transaction.atomic
def update_course(
    actor: Any, course: Course | int, changes: Mapping[str, Any], expected_version: int
) -> Course:
    """Change a course, based on ``expected_version``. Only coordinators and training coordinators move a
    course to another host; a liaison changes its own nation's courses only."""
    current = _visible_course(actor, course)
    require(can_manage_course(actor, current.host_id), _course_denied(actor, current.host_id))
    _check_version(current, expected_version, "Course")
    _refuse_unknown(changes, COURSE_FIELDS, "course")
    values = _resolve_checked(current, dict(changes), _resolve_course_values, changes)
    if "code" in changes and changes["code"] != current.code:
        target_host = values["host"].code if "host" in values else current.host_id
        _check_host_code(actor, changes["code"], target_host, "course")
    if "host" in values and values["host"].code != current.host_id:
        require(
            can_manage_training(actor),
            "Only training coordinators and coordinators move a course to another host nation.",
        )
        check_host_code(values.get("code", current.code), values["host"].code, "course")
        clashing = [
            code
            for code in current.sessions.values_list("code", flat=True)
            if nation_prefix(code) not in (None, values["host"].code)
        ]
        if clashing:
            raise ValidationError(
                {
                    "host": f"Sessions {', '.join(sorted(clashing)[:5])} carry {current.host_id}'s code; a "
                    "course moves to another host only with sessions whose codes claim no other nation."
                }
            )
    label = values.get("sharing_label", current.sharing_label)
    releasable = values["releasable_to"] if "releasable_to" in values else list(current.releasable_to.all())
    host_code = values["host"].code if "host" in values else current.host_id
    _check_releasable(label, releasable, host_code, "course")
    return apply_update(actor, current, values, expected_version)


@transaction.atomic
def retire_course(actor: Any, course: Course | int, expected_version: int) -> Course:
    """Retire a course: refused while it has scheduled sessions still to start (cancel them first)."""
    current = _visible_course(actor, course)
    require(can_manage_course(actor, current.host_id), _course_denied(actor, current.host_id))
    _check_version(current, expected_version, "Course")
    upcoming = list(
        current.sessions.filter(status=SessionStatus.SCHEDULED, start__gte=_today())
        .order_by("start", "code")
        .values_list("code", flat=True)[:6]
    )
    if upcoming:
        listed = ", ".join(upcoming[:5]) + (", ..." if len(upcoming) > 5 else "")
        raise ValidationError(
            {"active": f"Course {current.code!r} still has sessions to come ({listed}); cancel them first."}
        )
    return set_active(actor, current, False, expected_version)


@transaction.atomic
def restore_course(actor: Any, course: Course | int, expected_version: int) -> Course:
    """Offer a retired course again; its skill must be active."""
    current = _visible_course(actor, course)
    require(can_manage_course(actor, current.host_id), _course_denied(actor, current.host_id))
    resolve_code(Skill, Skill.objects.get(pk=current.skill_id), "skill", active_only=True)
    return set_active(actor, current, True, expected_version)


# --- sessions -----------------------------------------------------------------------------------------------


def _visible_session(actor: Any, session: TrainingSession | int) -> TrainingSession:
    pk = session.pk if isinstance(session, TrainingSession) else session
    try:
        current = lock_for_update(TrainingSession, pk)
    except NotFound:
        raise NotFound("Session", pk) from None
    if not can_see_session(actor, current):
        raise NotFound("Session", current.code)
    return current


@transaction.atomic
def create_session(
    actor: Any,
    *,
    code: str,
    course: Course | str,
    start: _dt.date,
    sharing_label: str | None = None,
    releasable_to: Iterable[Nation | str] | None = None,
    note: str = "",
) -> TrainingSession:
    """Schedule a session of an active course the actor may see and manage. Without a label the session takes
    its course's label and releasable-to nations."""
    found = course if isinstance(course, Course) else Course.objects.filter(code=course).first()
    if found is None or not can_see_course(actor, found):
        raise ValidationError({"course": f"No course has the code {course!r}."})
    require(can_manage_course(actor, found.host_id), _course_denied(actor, found.host_id))
    _check_host_code(actor, code, found.host_id, "session")
    if not found.active:
        raise ValidationError(
            {"course": f"Course {found.code!r} is retired; schedule a session of an active one."}
        )
    label = sharing_label or found.sharing_label
    if releasable_to is None:
        releasable = list(found.releasable_to.all()) if label == SharingLabel.AMBER else []
    else:
        releasable = _resolve_many(Nation, releasable_to, "releasable_to")
    _check_releasable(label, releasable, found.host_id, "session")
    session = TrainingSession(code=code, course=found, start=start, sharing_label=label, note=note or "")
    return create_with_history(actor, session, m2m={"releasable_to": releasable})


@transaction.atomic
def update_session(
    actor: Any, session: TrainingSession | int, changes: Mapping[str, Any], expected_version: int
) -> TrainingSession:
    """Change a scheduled session (code, start, label, releasable-to, note); a cancelled one stays."""
    current = _visible_session(actor, session)
    host = current.course.host_id
    require(can_manage_course(actor, host), _course_denied(actor, host))
    _check_version(current, expected_version, "Session")
    _refuse_unknown(changes, SESSION_FIELDS, "session")
    if "code" in changes and changes["code"] != current.code:
        _check_host_code(actor, changes["code"], host, "session")
    if current.status == SessionStatus.CANCELLED:
        raise ValidationError(
            {"status": f"Session {current.code} is cancelled; schedule a new session instead."}
        )
    values = dict(changes)
    if "releasable_to" in values:
        values["releasable_to"] = _resolve_many(Nation, values["releasable_to"], "releasable_to")
    label = values.get("sharing_label", current.sharing_label)
    releasable = values["releasable_to"] if "releasable_to" in values else list(current.releasable_to.all())
    _check_releasable(label, releasable, host, "session")
    return apply_update(actor, current, values, expected_version)


@transaction.atomic
def cancel_session(
    actor: Any, session: TrainingSession | int, expected_version: int, *, note: str = ""
) -> TrainingSession:
    """Cancel a scheduled session: it stays on record; its open training proposals are declined with it."""
    current = _visible_session(actor, session)
    host = current.course.host_id
    require(can_manage_course(actor, host), _course_denied(actor, host))
    _check_version(current, expected_version, "Session")
    if current.status != SessionStatus.SCHEDULED:
        raise InvalidTransition("Session", current.code, current.status, SessionStatus.CANCELLED, [])
    updated = apply_update(
        actor,
        current,
        {"status": SessionStatus.CANCELLED},
        expected_version,
        action=ChangeAction.CANCEL,
        note=note,
    )
    for proposal in TrainingProposal.objects.select_for_update().filter(
        session=updated, status=TrainingProposalStatus.PROPOSED
    ):
        _decide(actor, proposal, TrainingProposalStatus.DECLINED, f"session {updated.code} cancelled")
    return updated


# --- cohorts ------------------------------------------------------------------------------------------------


def _default_recipient(actor: Any) -> str:
    if _role(actor) == Role.RECIPIENT_OFFICER:
        return str(actor.nation_id)
    first = (
        Nation.objects.filter(kind=NationKind.RECIPIENT)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return first or ""


def _recipient(value: Any, field: str = "nation") -> Nation:
    nation = resolve_code(Nation, value, field)
    if nation.kind != NationKind.RECIPIENT:
        raise ValidationError(
            {
                field: f"{nation.code} is a {nation.get_kind_display().lower()}; cohorts and packages "
                "belong to a recipient nation (e.g. UKR)."
            }
        )
    return nation


def _resolve_cohort_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = dict(values)
    if "skill" in out:
        try:
            out["skill"] = resolve_code(Skill, out["skill"], "skill", active_only=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "held" in out:
        try:
            out["held"] = _resolve_many(Skill, out["held"], "held")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "package" in out:
        if out["package"] in (None, ""):
            out["package"] = None
        else:
            try:
                out["package"] = resolve_code(CapabilityPackage, out["package"], "package", active_only=True)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out


def _check_cohort_code(code: str) -> None:
    """A cohort's code is distinct from every requirement reference: a plan names both in one namespace."""
    from pledgeflow.requirements.models import Requirement

    if Requirement.objects.filter(reference=code).exists():
        raise ValidationError(
            {"code": f"{code!r} is already a requirement's reference; a cohort's code must differ from them."}
        )


@transaction.atomic
def create_cohort(
    actor: Any,
    *,
    code: str,
    skill: Skill | str,
    size: int,
    language: str,
    ready_by: _dt.date,
    priority: int = 2,
    held: Iterable[Skill | str] = (),
    package: CapabilityPackage | str | None = None,
    nation: Nation | str | None = None,
    name: str = "",
    note: str = "",
) -> Cohort:
    """Record a cohort of the recipient ``nation`` (default: a recipient officer's own nation, else the
    recipient) that must reach an active ``skill``; it starts *planned*."""
    recipient = _recipient(nation or _default_recipient(actor))
    require(can_manage_cohort(actor, recipient.code), _cohort_denied(actor, recipient.code))
    probe = Cohort(
        code=code, name=name or "", size=size, language=language, ready_by=ready_by, priority=priority
    )
    values = _resolve_checked(
        probe, {"skill": skill, "held": held, "package": package}, _resolve_cohort_values
    )
    held_skills = values.pop("held")
    _check_cohort_code(code)
    cohort = Cohort(
        code=code,
        name=name or "",
        nation=recipient,
        size=size,
        language=language,
        ready_by=ready_by,
        priority=priority,
        note=note or "",
        **values,
    )
    return create_with_history(actor, cohort, m2m={"held": held_skills})


def _locked_cohort(cohort: Cohort | int) -> Cohort:
    pk = cohort.pk if isinstance(cohort, Cohort) else cohort
    try:
        return lock_for_update(Cohort, pk)
    except NotFound:
        raise NotFound("Cohort", pk) from None


@transaction.atomic
def update_cohort(
    actor: Any, cohort: Cohort | int, changes: Mapping[str, Any], expected_version: int
) -> Cohort:
    """Change a planned cohort, based on ``expected_version``; trained and cancelled cohorts stay."""
    current = _locked_cohort(cohort)
    require(can_manage_cohort(actor, current.nation_id), _cohort_denied(actor, current.nation_id))
    _check_version(current, expected_version, "Cohort")
    _refuse_unknown(changes, COHORT_FIELDS, "cohort")
    if current.status != CohortStatus.PLANNED:
        raise ValidationError(
            {"status": f"Cohort {current.code} is {current.status}; only a planned cohort changes."}
        )
    values = _resolve_checked(current, dict(changes), _resolve_cohort_values, changes)
    if "code" in values and values["code"] != current.code:
        _check_cohort_code(values["code"])
    return apply_update(actor, current, values, expected_version)


def _move_cohort(actor: Any, cohort: Cohort | int, target: str, expected_version: int, note: str) -> Cohort:
    current = _locked_cohort(cohort)
    require(can_manage_cohort(actor, current.nation_id), _cohort_denied(actor, current.nation_id))
    _check_version(current, expected_version, "Cohort")
    allowed = COHORT_TRANSITIONS[current.status]
    if target not in allowed:
        raise InvalidTransition("Cohort", current.code, current.status, target, allowed)
    action = ChangeAction.CANCEL if target == CohortStatus.CANCELLED else target
    updated = apply_update(actor, current, {"status": target}, expected_version, action=action, note=note)
    for proposal in TrainingProposal.objects.select_for_update().filter(
        cohort=updated, status=TrainingProposalStatus.PROPOSED
    ):
        _decide(actor, proposal, TrainingProposalStatus.DECLINED, f"cohort {updated.code} is {target}")
    return updated


@transaction.atomic
def cancel_cohort(actor: Any, cohort: Cohort | int, expected_version: int, *, note: str = "") -> Cohort:
    """Cancel a planned cohort (the crew is no longer needed); it stays on record, open proposals declined."""
    return _move_cohort(actor, cohort, CohortStatus.CANCELLED, expected_version, note)


@transaction.atomic
def complete_cohort(actor: Any, cohort: Cohort | int, expected_version: int, *, note: str = "") -> Cohort:
    """Record that a planned cohort holds its target skill (*trained*): plan runs no longer assign it."""
    return _move_cohort(actor, cohort, CohortStatus.TRAINED, expected_version, note)


# --- packages -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_package(
    actor: Any,
    *,
    code: str,
    name: str,
    need_by: _dt.date,
    priority: int = 2,
    nation: Nation | str | None = None,
    note: str = "",
) -> CapabilityPackage:
    """Define a capability package of the recipient ``nation`` (default as for cohorts). Requirements join it
    through their ``package_code``, cohorts through their ``package``."""
    recipient = _recipient(nation or _default_recipient(actor))
    require(
        can_manage_package(actor, recipient.code),
        _cohort_denied(actor, recipient.code, "capability packages"),
    )
    package = CapabilityPackage(
        code=code, name=name, need_by=need_by, priority=priority, nation=recipient, note=note or ""
    )
    return create_with_history(actor, package)


def _locked_package(package: CapabilityPackage | int) -> CapabilityPackage:
    pk = package.pk if isinstance(package, CapabilityPackage) else package
    try:
        return lock_for_update(CapabilityPackage, pk)
    except NotFound:
        raise NotFound("Capability package", pk) from None


@transaction.atomic
def update_package(
    actor: Any, package: CapabilityPackage | int, changes: Mapping[str, Any], expected_version: int
) -> CapabilityPackage:
    """Change a package's code, name, priority, need-by or note, based on ``expected_version``.

    A new code is refused while requirements name the old one (their ``package_code`` would no longer match).
    """
    current = _locked_package(package)
    require(
        can_manage_package(actor, current.nation_id),
        _cohort_denied(actor, current.nation_id, "capability packages"),
    )
    _check_version(current, expected_version, "Capability package")
    _refuse_unknown(changes, PACKAGE_FIELDS, "capability package")
    if "code" in changes and changes["code"] != current.code:
        from pledgeflow.requirements.models import Requirement

        if Requirement.objects.filter(package_code=current.code).exists():
            raise ValidationError(
                {
                    "code": f"Requirements name package {current.code!r} by its code; change their package "
                    "first, or keep the code."
                }
            )
    return apply_update(actor, current, dict(changes), expected_version)


@transaction.atomic
def retire_package(actor: Any, package: CapabilityPackage | int, expected_version: int) -> CapabilityPackage:
    """Retire a package: refused while planned cohorts belong to it (move or cancel them first)."""
    current = _locked_package(package)
    require(
        can_manage_package(actor, current.nation_id),
        _cohort_denied(actor, current.nation_id, "capability packages"),
    )
    members = list(
        current.cohorts.filter(status=CohortStatus.PLANNED)
        .order_by("code")
        .values_list("code", flat=True)[:5]
    )
    if members:
        raise ValidationError(
            {"active": f"Package {current.code!r} still has planned cohorts ({', '.join(members)})."}
        )
    return set_active(actor, current, False, expected_version)


@transaction.atomic
def restore_package(actor: Any, package: CapabilityPackage | int, expected_version: int) -> CapabilityPackage:
    """Bring a retired package back."""
    current = _locked_package(package)
    require(
        can_manage_package(actor, current.nation_id),
        _cohort_denied(actor, current.nation_id, "capability packages"),
    )
    return set_active(actor, current, True, expected_version)


def _package_state(package: CapabilityPackage) -> dict[str, Any]:
    return {
        "needs_retiming": package.needs_retiming,
        "retiming_reason": package.retiming_reason,
        "retiming_since": package.retiming_since.isoformat() if package.retiming_since else None,
    }


@transaction.atomic
def mark_packages_for_retiming(actor: Any, pledge: Any, reason: str) -> list[CapabilityPackage]:
    """Flag the packages whose requirements were allocated ``pledge`` as needing re-timing, with history.

    "Allocated" means an allocation of the latest succeeded plan run, or an accepted proposal. The flag (with
    ``reason`` and when) stays until a plan run that plans the package after it succeeds
    (:func:`pledgeflow.training.runs.store_run_training`). Called when a pledge's availability slips.
    """
    from pledgeflow.planning.choices import PlanRunStatus, ProposalStatus
    from pledgeflow.planning.models import PlanAllocation, PlanRun, Proposal

    latest = PlanRun.objects.filter(status=PlanRunStatus.SUCCEEDED).order_by("-number").first()
    codes: set[str] = set()
    if latest is not None:
        codes.update(
            PlanAllocation.objects.filter(run=latest, pledge_id=pledge.pk)
            .exclude(requirement__package_code__isnull=True)
            .values_list("requirement__package_code", flat=True)
        )
    codes.update(
        Proposal.objects.filter(pledge_id=pledge.pk, status=ProposalStatus.ACCEPTED)
        .exclude(requirement__package_code__isnull=True)
        .values_list("requirement__package_code", flat=True)
    )
    codes.discard("")
    marked = []
    now = timezone.now()
    for package in CapabilityPackage.objects.select_for_update().filter(code__in=codes, active=True):
        before = _package_state(package)
        package.needs_retiming = True
        package.retiming_reason = reason
        package.retiming_since = now
        package.save(update_fields=["needs_retiming", "retiming_reason", "retiming_since"])
        record_change(actor, package, "needs_retiming", before, _package_state(package), note=reason)
        marked.append(package)
    return marked


# --- training proposals ------------------------------------------------------------------------------------


def _proposal_state(proposal: TrainingProposal) -> dict[str, Any]:
    return {
        "run": proposal.run_id,
        "cohort": proposal.cohort_id,
        "session": proposal.session_id,
        "host": proposal.host_id,
        "seats": proposal.seats,
        "status": proposal.status,
        "reason": proposal.reason,
        "version": proposal.version,
    }


def _decide(actor: Any, proposal: TrainingProposal, target: str, reason: str) -> TrainingProposal:
    allowed = TRAINING_PROPOSAL_TRANSITIONS[proposal.status]
    if target not in allowed:
        raise InvalidTransition("Training proposal", proposal.pk, proposal.status, target, allowed)
    before = _proposal_state(proposal)
    proposal.status = target
    proposal.decided_by = actor if is_signed_in(actor) else None
    proposal.decided_at = timezone.now()
    proposal.reason = reason.strip()
    proposal.version += 1
    proposal.updated_at = proposal.decided_at
    proposal.save()
    record_change(actor, proposal, ChangeAction.TRANSITION, before, _proposal_state(proposal))
    return proposal


def _proposal_for_decision(actor: Any, proposal_id: int, expected_version: int | None) -> TrainingProposal:
    from pledgeflow.training.selectors import get_training_proposal

    visible = get_training_proposal(actor, proposal_id)
    require(
        can_decide_training_proposal(actor, visible.host_id),
        "Only the host nation's liaison, a training coordinator or a coordinator decides a training "
        "proposal.",
    )
    proposal = (
        TrainingProposal.objects.select_for_update()
        .select_related("session", "session__course", "cohort")
        .get(pk=visible.pk)
    )
    if expected_version is not None and proposal.version != expected_version:
        raise StaleVersion("Training proposal", proposal.pk, expected_version, proposal.version)
    return proposal


def accept_training_proposal(
    actor: Any, proposal_id: int, expected_version: int | None = None
) -> TrainingProposal:
    """Accept a training proposal: the host seats the cohort in the session (the seats are booked).

    Refused (naming the field) when the session is cancelled or has started, when the cohort is no longer
    planned, or when the session's accepted seats would exceed the course's seats.
    """
    with transaction.atomic():
        proposal = _proposal_for_decision(actor, proposal_id, expected_version)
        allowed = TRAINING_PROPOSAL_TRANSITIONS[proposal.status]
        if TrainingProposalStatus.ACCEPTED not in allowed:
            raise InvalidTransition(
                "Training proposal", proposal.pk, proposal.status, TrainingProposalStatus.ACCEPTED, allowed
            )
        session = (
            TrainingSession.objects.select_for_update().select_related("course").get(pk=proposal.session_id)
        )
        errors: dict[str, str] = {}
        if session.status != SessionStatus.SCHEDULED:
            errors["session"] = f"Session {session.code} is cancelled; decline this proposal."
        elif session.start < _today():
            errors["session"] = (
                f"Session {session.code} started on {session.start.isoformat()}; a cohort joins a session "
                "before it starts. Decline this proposal; the next run plans the cohort again."
            )
        else:
            booked = (
                TrainingProposal.objects.filter(
                    session=session, status=TrainingProposalStatus.ACCEPTED
                ).aggregate(t=Sum("seats"))["t"]
                or 0
            )
            if booked + proposal.seats > session.course.seats:
                errors["seats"] = (
                    f"Session {session.code} has {session.course.seats - booked} of its "
                    f"{session.course.seats} seats free; cohort {proposal.cohort.code} needs "
                    f"{proposal.seats}. Decline this proposal."
                )
        cohort = Cohort.objects.get(pk=proposal.cohort_id)
        if cohort.status != CohortStatus.PLANNED:
            errors["cohort"] = f"Cohort {cohort.code} is {cohort.status}; decline this proposal."
        if errors:
            raise ValidationError(errors)
        return _decide(actor, proposal, TrainingProposalStatus.ACCEPTED, "")


def decline_training_proposal(
    actor: Any, proposal_id: int, reason: str = "", expected_version: int | None = None
) -> TrainingProposal:
    """Decline a training proposal: the seats stay free and the next run plans the cohort again."""
    with transaction.atomic():
        proposal = _proposal_for_decision(actor, proposal_id, expected_version)
        return _decide(actor, proposal, TrainingProposalStatus.DECLINED, reason)
