"""Use cases of the requirement list: one function per use case, one transaction each, history in it.

Who may do what (docs/records.md):

- recipient requirements officers and coordinators create, change, submit, return to draft, close and cancel
  requirements, and start the next list version;
- approval is joint: the recipient submits, a coordinator approves (one requirement, or the whole version,
  which approves every submitted requirement on it);
- everyone else reads (through :mod:`pledgeflow.requirements.selectors`).

Order of checks in every use case on an existing requirement, as for pledges, so that no refusal reveals more
than the user may see: the requirement must be visible to the actor (else :class:`NotFound`, worded as for one
that does not exist: a draft is hidden from all but its officers and the coordinators); then the actor must
be allowed the action (else ``PermissionDenied``); then the version must be current (else
:class:`StaleVersion`); then the values must be valid (else ``ValidationError`` naming each field).

A requirement on an approved version keeps what it asks for: only its lifecycle moves (closed when met,
cancelled when the need lapses). Changes go on the next version, started with :func:`start_next_version`.
Nothing is deleted.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import (
    can_manage_requirements,
    can_read_requirements,
    is_coordinator,
    is_signed_in,
    require,
)
from pledgeflow.catalogue.models import CapabilityArea, Family, Item
from pledgeflow.core.choices import ChangeAction
from pledgeflow.core.errors import (
    NON_FIELD_ERRORS,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationError,
)
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import (
    apply_update,
    entity_label,
    lock_for_update,
    record_change,
    resolve_code,
    snapshot,
)
from pledgeflow.logistics.models import Location
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.models import Nation
from pledgeflow.requirements.choices import (
    OPEN_STATUSES,
    REQUIREMENT_TRANSITIONS,
    RequirementStatus,
    VersionStatus,
)
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from pledgeflow.requirements.selectors import can_see_requirement, current_version, draft_version

__all__ = [
    "UPDATABLE_FIELDS",
    "approve_requirement",
    "approve_version",
    "cancel_requirement",
    "close_requirement",
    "create_requirement",
    "return_requirement_to_draft",
    "start_next_version",
    "submit_requirement",
    "update_requirement",
]

#: Fields :func:`update_requirement` accepts. The reference is permanent and the status moves only through the
#: status use cases.
UPDATABLE_FIELDS = frozenset(
    {
        "family",
        "item",
        "quantity",
        "priority",
        "need_by",
        "destination",
        "capability_area",
        "justification",
        "package_code",
    }
)

#: Short capability-area codes used in generated references (``UKR-AD-0042``).
AREA_ABBREVIATIONS: dict[str, str] = {
    "air-defence": "AD",
    "artillery": "ART",
    "armour": "ARM",
    "aviation": "AV",
    "maritime": "MAR",
    "drones": "DRN",
    "demining": "DEM",
    "ew-it": "EW",
    "engineering": "ENG",
    "medical": "MED",
    "non-lethal": "NL",
}

_MANAGE_DENIED = "Only the recipient's requirements officers and the coordinators manage requirements."
_APPROVE_DENIED = (
    "Approval is joint: the recipient's requirements officer submits, a coordinator approves. "
    "Ask a coordinator to approve."
)

_ENTITY = "Requirement"


# --- list versions ------------------------------------------------------------------------------------------


def _default_label(previous: PriorityListVersion | None, today: _dt.date) -> str:
    """The month after the previous version's ``YYYY-MM`` label, else this month; never one already used."""
    year, month = today.year, today.month
    if previous is not None and (match := re.fullmatch(r"(\d{4})-(\d{2})", previous.label)):
        year, month = int(match.group(1)), int(match.group(2)) + 1
        if month == 13:
            year, month = year + 1, 1
    label = f"{year:04d}-{month:02d}"
    suffix = 2
    candidate = label
    while PriorityListVersion.objects.filter(label=candidate).exists():
        candidate = f"{label}.{suffix}"
        suffix += 1
    return candidate


@transaction.atomic
def start_next_version(actor: Any, *, label: str | None = None, note: str = "") -> PriorityListVersion:
    """Start the next draft version of the list as a copy of the current version's open requirements.

    Open requirements (status approved) are copied with the same reference, as ``submitted`` (already agreed
    once; approving the new version approves them again unless they were changed or cancelled). The copy
    remembers its original (``carried_from``). With no approved version yet, the first version starts empty.
    ``label`` defaults to the month after the current version's (``2026-12`` after ``2026-11``).

    Refused while another version is still a draft: only one list is edited at a time.
    """
    require(can_manage_requirements(actor), _MANAGE_DENIED)
    # Serialise concurrent starts: the partial unique index on the draft status is the final guard.
    existing = PriorityListVersion.objects.select_for_update().filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"List version {existing.label} is still a draft: edit and approve it "
                "before starting another."
            }
        )
    based_on = current_version()
    number = (PriorityListVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    chosen = (label or "").strip() or _default_label(based_on, timezone.localdate())
    version = PriorityListVersion(
        number=number, label=chosen, based_on=based_on, created_by=_user_or_none(actor)
    )
    version.full_clean()
    try:
        with transaction.atomic():
            version.save(force_insert=True)
    except IntegrityError:
        # Someone started a version at the same moment; the one-draft index let only one of them in.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Another list version was started at the same moment; edit that draft "
                "instead."
            }
        ) from None
    record_change(actor, version, ChangeAction.CREATE, None, snapshot(version), note)

    if based_on is not None:
        originals = list(based_on.requirements.filter(status__in=OPEN_STATUSES).order_by("reference", "id"))
        now = timezone.now()
        copies = [
            Requirement(
                reference=r.reference,
                list_version=version,
                family_id=r.family_id,
                item_id=r.item_id,
                quantity=r.quantity,
                priority=r.priority,
                need_by=r.need_by,
                destination_id=r.destination_id,
                capability_area_id=r.capability_area_id,
                justification=r.justification,
                status=RequirementStatus.SUBMITTED,
                package_code=r.package_code,
                carried_from=r,
                created_at=now,
                updated_at=now,
            )
            for r in originals
        ]
        Requirement.objects.bulk_create(copies, batch_size=500)
        carried_note = f"Carried over from list version {based_on.label}."
        # Re-read (with the related codes a snapshot shows) rather than trust bulk_create to set keys.
        _bulk_history(
            actor,
            [(copy, None, snapshot(copy)) for copy in _with_codes(version.requirements.all())],
            ChangeAction.CREATE,
            carried_note,
        )
    return version


def _with_codes(requirements: QuerySet[Requirement]) -> QuerySet[Requirement]:
    """Requirements with the related records whose codes a snapshot shows, loaded in the same query."""
    return requirements.select_related("family", "item", "destination", "capability_area").order_by("id")


def _bulk_history(
    actor: Any,
    entries: list[tuple[Requirement, dict[str, Any] | None, dict[str, Any]]],
    action: str,
    note: str,
) -> None:
    """Write one history entry per requirement in one statement: a list version moves hundreds at once.

    The entries are those :func:`pledgeflow.core.services.record_change` would write one by one.
    """
    actor_id = actor.pk if is_signed_in(actor) else None
    at = timezone.now()
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                entity=entity_label(requirement),
                object_id=str(requirement.pk),
                action=str(action),
                actor_id=actor_id,
                at=at,
                before=before,
                after=after,
                note=note,
            )
            for requirement, before, after in entries
        ],
        batch_size=500,
    )


@transaction.atomic
def approve_version(actor: Any, list_version: PriorityListVersion, *, note: str = "") -> PriorityListVersion:
    """Approve a draft list version: every submitted requirement on it is approved, and the version is frozen.

    It becomes the current version. Coordinators only (the recipient's consent is its submission). Refused
    while any requirement on it is still a draft, naming them: submit or cancel them first.
    """
    if not can_read_requirements(actor):
        # Versions are visible to everyone signed in; to anyone else none exists, whatever the refusal.
        raise NotFound("List version", list_version.pk)
    require(is_coordinator(actor), _APPROVE_DENIED)
    version = lock_for_update(PriorityListVersion, list_version.pk)
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("List version", version.label, version.status, VersionStatus.APPROVED, ())
    drafts = list(
        version.requirements.filter(status=RequirementStatus.DRAFT)
        .order_by("reference")
        .values_list("reference", flat=True)[:11]
    )
    if drafts:
        shown = ", ".join(drafts[:10]) + (", ..." if len(drafts) > 10 else "")
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"List version {version.label} still has requirements in draft ({shown}); "
                "submit or cancel them before approving the version."
            }
        )
    approval_note = note or f"Approved with list version {version.label}."
    # One statement for the whole list (hundreds of lines), with the same effect and history as
    # approve_requirement on each: status approved, version + 1, before and after recorded.
    submitted = list(
        _with_codes(
            version.requirements.select_for_update(of=("self",)).filter(status=RequirementStatus.SUBMITTED)
        )
    )
    now = timezone.now()
    Requirement.objects.filter(pk__in=[r.pk for r in submitted]).update(
        status=RequirementStatus.APPROVED, version=F("version") + 1, updated_at=now
    )
    entries = []
    for requirement in submitted:
        before_line = snapshot(requirement)
        requirement.status = RequirementStatus.APPROVED
        requirement.version += 1
        requirement.updated_at = now
        entries.append((requirement, before_line, snapshot(requirement)))
    _bulk_history(actor, entries, "approve", approval_note)
    before = snapshot(version)
    version.status = VersionStatus.APPROVED
    version.approved_at = timezone.now()
    version.approved_by = _user_or_none(actor)
    version.full_clean()
    version.save()
    record_change(actor, version, "approve", before, snapshot(version), note)
    return version


# --- requirements -------------------------------------------------------------------------------------------


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _recipient_code(actor: Any) -> str:
    """The recipient whose list this is: the officer's own nation, else the (first) recipient nation."""
    if getattr(actor, "role", None) == Role.RECIPIENT_OFFICER and getattr(actor, "nation_id", None):
        return str(actor.nation_id)
    code = (
        Nation.objects.filter(kind=NationKind.RECIPIENT)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return code or "REQ"


def _next_reference(actor: Any, area: CapabilityArea) -> str:
    """A new reference ``<recipient>-<area>-<NNNN>``, one above the highest ever used with that prefix."""
    prefix = f"{_recipient_code(actor)}-{AREA_ABBREVIATIONS.get(area.code, area.code[:3].upper())}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)\Z")
    used = Requirement.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    highest = max((int(m.group(1)) for ref in used if (m := pattern.match(ref))), default=0)
    return f"{prefix}{highest + 1:04d}"


def _resolve(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Turn codes into records: family, item, destination and capability area may be given by code."""
    resolved = dict(changes)
    errors: dict[str, list[str]] = {}
    lookups: tuple[tuple[str, type[Any], bool], ...] = (
        ("family", Family, True),
        ("item", Item, True),
        ("destination", Location, True),
        ("capability_area", CapabilityArea, False),
    )
    for name, model, active_only in lookups:
        if name not in resolved:
            continue
        value = resolved[name]
        if (value is None or value == "") and name in ("item", "capability_area"):
            resolved[name] = None
            continue
        try:
            resolved[name] = resolve_code(model, value, name, active_only=active_only)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return resolved


def _refuse_unknown(changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: f"{name!r} cannot be changed here (changeable: {', '.join(sorted(UPDATABLE_FIELDS))}; "
                "the reference is permanent and the status changes through submit, approve, close or cancel)."
                for name in unknown
            }
        )


def _check_visible(actor: Any, requirement: Requirement) -> None:
    """Refuse (as not found) a requirement the actor may not see, so a refusal reveals nothing."""
    if not can_see_requirement(actor, requirement):
        raise NotFound(_ENTITY, requirement.pk)


@transaction.atomic
def create_requirement(
    actor: Any,
    *,
    family: Family | str,
    quantity: int,
    priority: int,
    need_by: _dt.date,
    destination: Location | str,
    item: Item | str | None = None,
    capability_area: CapabilityArea | str | None = None,
    justification: str = "",
    package_code: str | None = None,
    reference: str | None = None,
    list_version: PriorityListVersion | None = None,
    note: str = "",
) -> Requirement:
    """Add a requirement (status draft) to the draft list version, or to ``list_version`` if it is a draft.

    Records may be given as records or codes. The capability area defaults to the family's. ``reference``
    defaults to ``<recipient>-<area>-<NNNN>`` (e.g. ``UKR-AD-0042``); a given one must not be in use on the
    version. Raises ValidationError naming each bad field; nothing is stored then.
    """
    require(can_manage_requirements(actor), _MANAGE_DENIED)
    target = list_version if list_version is not None else draft_version()
    if target is None:
        raise ValidationError(
            {
                "list_version": "There is no draft list version to add requirements to: start the next "
                "version first."
            }
        )
    target = lock_for_update(PriorityListVersion, target.pk)
    if target.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                "list_version": f"List version {target.label} is approved and cannot change: add the "
                "requirement to the draft version (start one if there is none)."
            }
        )
    values = _resolve(
        {
            "family": family,
            "item": item,
            "destination": destination,
            "capability_area": capability_area,
        }
    )
    if values["capability_area"] is None:
        values["capability_area"] = values["family"].capability_area
    ref = (reference or "").strip()
    if ref and Requirement.objects.filter(list_version=target, reference=ref).exists():
        raise ValidationError(
            {
                "reference": f"Reference {ref!r} is already used on list version {target.label}; "
                "choose another."
            }
        )
    requirement = Requirement(
        list_version=target,
        quantity=quantity,
        priority=priority,
        need_by=need_by,
        justification=justification or "",
        package_code=package_code or None,
        status=RequirementStatus.DRAFT,
        **values,
    )
    if not ref:
        ref = _next_reference(actor, values["capability_area"])
    requirement.reference = ref
    requirement.full_clean()
    requirement.save(force_insert=True)
    record_change(actor, requirement, ChangeAction.CREATE, None, snapshot(requirement), note)
    return requirement


def _locked_current(
    actor: Any, requirement: Requirement, expected_version: int, allowed: bool, denied: str
) -> Requirement:
    """Lock the row and check, in this order, so that no refusal reveals more than the actor may see: the
    requirement is visible (else NotFound, as for one that does not exist), the actor may do this
    (``allowed``, else PermissionDenied with ``denied``), and ``expected_version`` is current (else
    StaleVersion)."""
    try:
        current = lock_for_update(Requirement, requirement.pk)
    except NotFound:
        raise NotFound(_ENTITY, requirement.pk) from None
    _check_visible(actor, current)
    require(allowed, denied)
    if current.version != expected_version:
        raise StaleVersion(_ENTITY, current.reference, expected_version, current.version)
    return current


@transaction.atomic
def update_requirement(
    actor: Any, requirement: Requirement, changes: Mapping[str, Any], expected_version: int, *, note: str = ""
) -> Requirement:
    """Change what a requirement asks for (fields in :data:`UPDATABLE_FIELDS`), based on ``expected_version``.

    Only on a draft list version and while the requirement is draft, submitted or approved; an approved one
    changed on the draft version goes back to submitted (its approval no longer matches what it says).
    Changing the family without naming a capability area moves it to the new family's area. Raises
    StaleVersion for an old ``expected_version`` and ValidationError naming each bad field.
    """
    current = _locked_current(
        actor, requirement, expected_version, can_manage_requirements(actor), _MANAGE_DENIED
    )
    _refuse_unknown(changes)
    version = current.list_version
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Requirement {current.reference} is on approved list version "
                f"{version.label}, which cannot change: change it on the draft version (start one if there "
                "is none)."
            }
        )
    if current.status not in (
        RequirementStatus.DRAFT,
        RequirementStatus.SUBMITTED,
        RequirementStatus.APPROVED,
    ):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Requirement {current.reference} is {current.status} and can no longer "
                "change."
            }
        )
    values = _resolve(changes)
    if "family" in values and "capability_area" not in values:
        values["capability_area"] = values["family"].capability_area
    if current.status == RequirementStatus.APPROVED:
        values["status"] = RequirementStatus.SUBMITTED
    updated = apply_update(actor, current, values, expected_version, note=note)
    return updated


def _move(
    actor: Any,
    requirement: Requirement,
    target: str,
    expected_version: int,
    action: str,
    note: str,
    *,
    coordinators_only: bool = False,
) -> Requirement:
    if coordinators_only:
        current = _locked_current(
            actor, requirement, expected_version, is_coordinator(actor), _APPROVE_DENIED
        )
    else:
        current = _locked_current(
            actor, requirement, expected_version, can_manage_requirements(actor), _MANAGE_DENIED
        )
    allowed = [str(s) for s in REQUIREMENT_TRANSITIONS[current.status]]
    if target not in allowed:
        raise InvalidTransition(_ENTITY, current.reference, current.status, str(target), allowed)
    moved = apply_update(actor, current, {"status": target}, expected_version, action=action, note=note)
    if target in (RequirementStatus.CLOSED, RequirementStatus.CANCELLED):
        _cancel_carried_copies(actor, moved, target)
    return moved


def _cancel_carried_copies(actor: Any, requirement: Requirement, reason: str) -> None:
    """A need closed or cancelled on an approved version is no longer a need on the draft that copied it."""
    label = requirement.list_version.label
    why = "met" if reason == RequirementStatus.CLOSED else "cancelled"
    for copy in requirement.carried_to.filter(
        list_version__status=VersionStatus.DRAFT,
        status__in=(RequirementStatus.DRAFT, RequirementStatus.SUBMITTED, RequirementStatus.APPROVED),
    ).order_by("id"):
        apply_update(
            actor,
            copy,
            {"status": RequirementStatus.CANCELLED},
            copy.version,
            action=ChangeAction.CANCEL,
            note=f"Cancelled because {requirement.reference} was {why} on list version {label}.",
        )


@transaction.atomic
def submit_requirement(
    actor: Any, requirement: Requirement, expected_version: int, *, note: str = ""
) -> Requirement:
    """Submit a draft requirement for approval (draft -> submitted)."""
    return _move(actor, requirement, RequirementStatus.SUBMITTED, expected_version, "submit", note)


@transaction.atomic
def return_requirement_to_draft(
    actor: Any, requirement: Requirement, expected_version: int, *, note: str = ""
) -> Requirement:
    """Send a submitted requirement back to draft for rework (submitted -> draft); say why in ``note``."""
    return _move(actor, requirement, RequirementStatus.DRAFT, expected_version, "return", note)


@transaction.atomic
def approve_requirement(
    actor: Any, requirement: Requirement, expected_version: int, *, note: str = ""
) -> Requirement:
    """Approve one submitted requirement (submitted -> approved). Coordinators only: approval is joint."""
    return _move(
        actor,
        requirement,
        RequirementStatus.APPROVED,
        expected_version,
        "approve",
        note,
        coordinators_only=True,
    )


@transaction.atomic
def close_requirement(
    actor: Any, requirement: Requirement, expected_version: int, *, note: str = ""
) -> Requirement:
    """Close an approved requirement that has been met (approved -> closed); the planner stops planning it."""
    return _move(actor, requirement, RequirementStatus.CLOSED, expected_version, "close", note)


@transaction.atomic
def cancel_requirement(
    actor: Any, requirement: Requirement, expected_version: int, *, note: str = ""
) -> Requirement:
    """Cancel a requirement no longer needed (from draft, submitted or approved). Nothing is deleted."""
    return _move(actor, requirement, RequirementStatus.CANCELLED, expected_version, ChangeAction.CANCEL, note)
