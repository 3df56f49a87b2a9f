"""Use cases of pledges: one function per use case, one transaction each, history written in it.

Order of checks in every use case, so that no refusal reveals more than the user may see:

1. the pledge must be visible to the actor (else :class:`NotFound`, as for a pledge that does not exist);
2. the actor must be allowed the action (else :class:`PermissionDenied`);
3. the change must be based on the current version (else :class:`StaleVersion`);
4. a milestone must be allowed from the current one (else :class:`InvalidTransition` naming the allowed ones);
5. the values must be valid (else ``ValidationError`` naming each field).

Who records what (docs/records.md): the donor nation's liaison and the coordinators create and change
pledges and record the milestones up to hand-over, withdrawals and slips; the recipient's officers and the
coordinators decline offers and confirm receipt; coordinators may do everything.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Container, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import (
    can_confirm_receipt,
    can_manage_pledge,
    is_coordinator,
    is_signed_in,
    require,
)
from pledgeflow.catalogue.models import Item
from pledgeflow.core.choices import ChangeAction, SharingLabel
from pledgeflow.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from pledgeflow.core.services import apply_update, lock_for_update, record_change, resolve_code, snapshot
from pledgeflow.logistics.models import Location
from pledgeflow.nations.models import Nation
from pledgeflow.pledges.choices import (
    EDITABLE_STATUSES,
    SLIPPABLE,
    Channel,
    MilestoneKind,
    PledgeStatus,
    ReceiptCondition,
    Source,
    allowed_next,
)
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from pledgeflow.pledges.selectors import can_see_pledge

__all__ = [
    "ALWAYS_UPDATABLE_FIELDS",
    "UPDATABLE_FIELDS",
    "claimed_nation",
    "create_pledge",
    "decline_pledge",
    "record_milestone",
    "reference_claim_problem",
    "slip_pledge",
    "update_pledge",
    "withdraw_pledge",
]

#: Fields :func:`update_pledge` accepts before the goods leave (offered, committed, contracted).
UPDATABLE_FIELDS = frozenset(
    {
        "donor",
        "item",
        "quantity",
        "available",
        "origin",
        "allowed_destinations",
        "source",
        "channel",
        "sharing_label",
        "releasable_to",
        "note",
    }
)

#: Fields that may change at any milestone: need-to-know changes over time, and notes are notes.
ALWAYS_UPDATABLE_FIELDS = frozenset({"sharing_label", "releasable_to", "note"})

_ENTITY = "Pledge"


def _today() -> _dt.date:
    return timezone.localdate()


def _user_or_none(actor: Any) -> Any:
    return actor if is_signed_in(actor) else None


def _manage_denied(actor: Any, donor_code: str) -> str:
    if getattr(actor, "role", None) == Role.DONOR_LIAISON:
        return (
            f"A donor liaison records and changes the pledges of its own nation ({actor.nation_id}) only; "
            f"this pledge is {donor_code}'s."
        )
    return "Only the donor nation's liaison and the coordinators record and change pledges."


# --- reading the input ------------------------------------------------------------------------------------


def _resolve_many(model: type[Any], values: Iterable[Any] | None, field: str) -> list[Any]:
    """Records named by ``values`` (records or codes), in order, without repeats; every unknown one named."""
    resolved: list[Any] = []
    unknown: list[str] = []
    for value in values or ():
        if isinstance(value, model):
            obj = value
        else:
            obj = model._default_manager.filter(code=value).first()
            if obj is None:
                unknown.append(str(value))
                continue
        if obj not in resolved:
            resolved.append(obj)
    if unknown:
        raise ValidationError(
            {field: f"No {model._meta.verbose_name} has the code {', '.join(repr(u) for u in unknown)}."}
        )
    return resolved


def _resolve(values: Mapping[str, Any]) -> dict[str, Any]:
    """Records for the codes in ``values`` (donor, item, origin, allowed_destinations, releasable_to)."""
    resolved = dict(values)
    errors: dict[str, list[str]] = {}
    singles: tuple[tuple[str, type[Any], bool], ...] = (
        ("donor", Nation, False),
        ("item", Item, True),
        ("origin", Location, True),
    )
    for name, model, active_only in singles:
        if name in resolved:
            try:
                resolved[name] = resolve_code(model, resolved[name], name, active_only=active_only)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    for name, model in (("allowed_destinations", Location), ("releasable_to", Nation)):
        if name in resolved:
            try:
                resolved[name] = _resolve_many(model, resolved[name], name)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return resolved


def _check_releasable(label: str, releasable: list[Nation], donor_code: str) -> None:
    """Only AMBER is released to named nations; naming the donor itself is pointless and refused."""
    if releasable and label != SharingLabel.AMBER:
        shown = SharingLabel(label).label if label in SharingLabel.values else label
        raise ValidationError(
            {
                "releasable_to": f"Only a TLP:AMBER pledge is released to named nations; this one is {shown} "
                "(CLEAR and GREEN are visible to everyone signed in, AMBER+STRICT and RED to the donor and "
                "the coordinators only). Empty the list or label the pledge AMBER."
            }
        )
    if any(n.code == donor_code for n in releasable):
        raise ValidationError(
            {"releasable_to": f"{donor_code} is the donor and always sees its own pledges; leave it out."}
        )


def _check_source_fits_status(source: str, status: str) -> None:
    if status == PledgeStatus.CONTRACTED and source != Source.PROCUREMENT:
        raise ValidationError(
            {
                "source": "The pledge is contracted, a milestone of procurement only: its source must stay "
                "'procurement'."
            }
        )


def claimed_nation(reference: str, known: Container[str] | None = None) -> str | None:
    """The nation a reference claims by its prefix (``DEU`` for ``DEU-0412``), if the record knows it.

    A claim is three capital letters and a dash at the start, the form of every donor's own references and of
    the automatic numbering; ``P1`` or ``K-12`` claim no nation. ``known`` (the codes of every nation, when
    the caller holds them) saves the query.
    """
    head, dash, _rest = reference.partition("-")
    if not dash or len(head) != 3 or not head.isascii() or not head.isalpha() or not head.isupper():
        return None
    if known is not None:
        return head if head in known else None
    return head if Nation.objects.filter(code=head).exists() else None


def reference_claim_problem(reference: str, donor_code: str) -> str | None:
    """Why ``reference`` cannot be a pledge of ``donor_code``: it claims another nation, else None.

    A reference starting with another nation's code (``DEU-7777`` on a French pledge) would let that
    nation's liaison, who may only choose ``DEU-...`` references, learn of the pledge from "already in use"
    even when it is hidden from them; the importer applies the same rule to a scenario's pledge ids.
    """
    claimed = claimed_nation(reference)
    if claimed is None or claimed == donor_code:
        return None
    return (
        f"{reference!r} starts with {claimed}'s code, but this pledge is {donor_code}'s: start the "
        f"reference with {donor_code}- (e.g. {donor_code}-0007), use one that names no nation (e.g. P1), or "
        "leave it out to have the pledge numbered."
    )


def _check_reference(actor: Any, reference: str, donor_code: str) -> None:
    """A given reference is unused and claims no other nation; a donor liaison's starts with its own code.

    Together the two prefix rules mean a "reference in use" refusal can only ever be about a pledge of the
    nation the reference names, which that nation's liaison sees anyway, so choosing a reference never reveals
    another nation's records.
    """
    if not is_coordinator(actor) and not reference.startswith(f"{donor_code}-"):
        raise ValidationError(
            {"reference": f"A pledge reference starts with the donor's code, e.g. {donor_code}-0007."}
        )
    problem = reference_claim_problem(reference, donor_code)
    if problem is not None:
        raise ValidationError({"reference": problem})
    if Pledge.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": f"Reference {reference!r} is already in use; choose another."})


def _check_on(on: _dt.date, field: str = "on") -> None:
    if on > _today():
        raise ValidationError(
            {field: f"{on.isoformat()} is in the future: record a milestone on the day it happened or later."}
        )


# --- create -------------------------------------------------------------------------------------------------


@transaction.atomic
def create_pledge(
    actor: Any,
    *,
    donor: Nation | str,
    item: Item | str,
    quantity: int,
    available: _dt.date,
    origin: Location | str,
    allowed_destinations: Iterable[Location | str] = (),
    source: str = Source.STOCK,
    channel: str = Channel.BILATERAL,
    sharing_label: str = SharingLabel.AMBER,
    releasable_to: Iterable[Nation | str] = (),
    note: str = "",
    reference: str | None = None,
    offered_on: _dt.date | None = None,
) -> Pledge:
    """Record a donor's pledge (status offered) and its first milestone, ``offered`` on ``offered_on``.

    A donor liaison records pledges of its own nation only; coordinators for any donor. Records may be given
    as records or codes. Without a ``reference`` the pledge is numbered ``<donor>-<serial>`` (e.g.
    ``DEU-0412``), where the serial counts pledges of all donors, so a nation's references never reveal how
    many of its pledges another nation cannot see. Raises ValidationError naming each bad field.
    """
    donor_code = donor.code if isinstance(donor, Nation) else str(donor or "")
    require(can_manage_pledge(actor, donor_code), _manage_denied(actor, donor_code))
    values = _resolve(
        {
            "donor": donor,
            "item": item,
            "origin": origin,
            "allowed_destinations": allowed_destinations,
            "releasable_to": releasable_to,
        }
    )
    destinations = values.pop("allowed_destinations")
    releasable = values.pop("releasable_to")
    _check_releasable(sharing_label, releasable, values["donor"].code)
    ref = (reference or "").strip()
    if ref:
        _check_reference(actor, ref, values["donor"].code)
    offered = offered_on or _today()
    _check_on(offered, "offered_on")
    pledge = Pledge(
        reference=ref or f"pending-{uuid.uuid4().hex[:20]}",
        quantity=quantity,
        available=available,
        source=source,
        channel=channel,
        sharing_label=sharing_label,
        note=note or "",
        status=PledgeStatus.OFFERED,
        **values,
    )
    pledge.full_clean()
    pledge.save(force_insert=True)
    if not ref:
        _number(pledge)
    pledge.allowed_destinations.set(destinations)
    pledge.releasable_to.set(releasable)
    PledgeMilestone.objects.create(
        pledge=pledge,
        milestone=MilestoneKind.OFFERED,
        on=offered,
        recorded_by=_user_or_none(actor),
        note=note or "",
    )
    record_change(actor, pledge, ChangeAction.CREATE, None, snapshot(pledge))
    return pledge


def _number(pledge: Pledge) -> Pledge:
    """Give a new pledge its automatic reference ``<donor>-<id>`` and return it (saved).

    A reference given by hand (or kept by an import) may already hold that form. Rather than mark the new one
    (``DEU-0412-2`` would tell everyone who sees it that some ``DEU-0412`` exists, perhaps hidden from them),
    the new row moves to the next id until ``<donor>-<id>`` is free, so the reference always equals the id and
    the skipped ids look like any other pledge one may not see. The row left behind was inserted moments ago
    in this same transaction, with no history, milestone or link yet: it never was a record, and removing it
    is not the deletion of one.
    """
    while Pledge.objects.filter(reference=f"{pledge.donor_id}-{pledge.pk:04d}").exists():
        taken = pledge.pk
        pledge.pk = None
        pledge._state.adding = True
        pledge.reference = f"pending-{uuid.uuid4().hex[:20]}"
        pledge.save(force_insert=True)
        Pledge.objects.filter(pk=taken).delete()
    pledge.reference = f"{pledge.donor_id}-{pledge.pk:04d}"
    pledge.save(update_fields=["reference"])
    return pledge


# --- change -------------------------------------------------------------------------------------------------


def _locked_visible(actor: Any, pledge: Pledge | int) -> Pledge:
    """Lock the pledge's row and return it; NotFound when the actor may not see it (or it does not exist)."""
    pk = pledge.pk if isinstance(pledge, Pledge) else pledge
    try:
        current = lock_for_update(Pledge, pk)
    except NotFound:
        raise NotFound(_ENTITY, pk) from None
    if not can_see_pledge(actor, current):
        raise NotFound(_ENTITY, pk)
    return current


def _check_version(current: Pledge, expected_version: int) -> None:
    if current.version != expected_version:
        raise StaleVersion(_ENTITY, current.reference, expected_version, current.version)


def _refuse_unknown(changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: f"{name!r} cannot be changed here (changeable: {', '.join(sorted(UPDATABLE_FIELDS))}; "
                "the reference is permanent and the status moves through milestones)."
                for name in unknown
            }
        )


@transaction.atomic
def update_pledge(
    actor: Any, pledge: Pledge | int, changes: Mapping[str, Any], expected_version: int, *, note: str = ""
) -> Pledge:
    """Change a pledge (fields in :data:`UPDATABLE_FIELDS`), based on ``expected_version``.

    Before dispatch every listed field may change; from dispatch on only the sharing label, the releasable-to
    list and the note (:data:`ALWAYS_UPDATABLE_FIELDS`). Only coordinators move a pledge to another donor. A
    new ``available`` date is recorded as a slip, keeping the old date in the milestone log. Raises NotFound,
    PermissionDenied, StaleVersion or ValidationError (in that order of checking).
    """
    current = _locked_visible(actor, pledge)
    require(can_manage_pledge(actor, current.donor_id), _manage_denied(actor, current.donor_id))
    _check_version(current, expected_version)
    _refuse_unknown(changes)
    values = _resolve(changes)
    if "donor" in values and values["donor"].code != current.donor_id:
        require(
            is_coordinator(actor),
            "Only a coordinator moves a pledge to another donor; a donor liaison cannot change 'donor'.",
        )
        # The reference is permanent: a DEU-... reference on a French pledge would leak it (see
        # reference_claim_problem), so a pledge whose reference names a nation stays with that nation.
        new_donor = values["donor"].code
        claimed = claimed_nation(current.reference)
        if claimed is not None and claimed != new_donor:
            raise ValidationError(
                {
                    "donor": f"Pledge {current.reference}'s reference starts with {claimed}'s code and a "
                    f"reference never changes, so the pledge cannot move to {new_donor}: withdraw it and "
                    f"record {new_donor}'s pledge anew."
                }
            )
    frozen = sorted(
        name
        for name in values
        if name not in ALWAYS_UPDATABLE_FIELDS and _differs(current, name, values[name])
    )
    if frozen and current.status not in EDITABLE_STATUSES:
        raise ValidationError(
            {
                name: f"Pledge {current.reference} is {current.status}: after dispatch only the sharing "
                "label, releasable-to nations and note can change."
                for name in frozen
            }
        )
    label = values.get("sharing_label", current.sharing_label)
    releasable = values["releasable_to"] if "releasable_to" in values else list(current.releasable_to.all())
    donor_code = values["donor"].code if "donor" in values else current.donor_id
    _check_releasable(label, releasable, donor_code)
    _check_source_fits_status(values.get("source", current.source), current.status)
    old_available = current.available
    updated = apply_update(actor, current, values, expected_version, note=note)
    if updated.available != old_available:
        _log_slip(actor, updated, old_available, updated.available, _today(), note)
    return updated


def _differs(current: Pledge, name: str, value: Any) -> bool:
    field = Pledge._meta.get_field(name)
    if field.many_to_many:
        return {o.pk for o in value} != set(getattr(current, name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(current, field.attname) != (value.pk if value is not None else None)
    return bool(getattr(current, name) != value)


def _log_slip(
    actor: Any, pledge: Pledge, old: _dt.date, new: _dt.date, on: _dt.date, note: str
) -> PledgeMilestone:
    return PledgeMilestone.objects.create(
        pledge=pledge,
        milestone=MilestoneKind.SLIPPED,
        on=on,
        recorded_by=_user_or_none(actor),
        note=note or "",
        old_date=old,
        new_date=new,
    )


@transaction.atomic
def slip_pledge(
    actor: Any,
    pledge: Pledge | int,
    new_date: _dt.date,
    expected_version: int,
    *,
    on: _dt.date | None = None,
    note: str = "",
) -> Pledge:
    """Record that the pledge will be available on ``new_date``: the old date is kept in the milestone log.

    A slip is recorded before the goods leave (offered, committed or contracted) and does not change the
    status. The donor nation's liaison or a coordinator records it; ``on`` is the day the slip became known.
    """
    current = _locked_visible(actor, pledge)
    require(can_manage_pledge(actor, current.donor_id), _manage_denied(actor, current.donor_id))
    _check_version(current, expected_version)
    if current.status not in SLIPPABLE:
        raise ValidationError(
            {
                "new_date": f"Pledge {current.reference} is {current.status}: its availability date can slip "
                f"only before dispatch (while {', '.join(SLIPPABLE)})."
            }
        )
    if new_date == current.available:
        raise ValidationError(
            {"new_date": f"Pledge {current.reference} is already available on {new_date.isoformat()}."}
        )
    when = on or _today()
    _check_on(when)
    old = current.available
    updated = apply_update(
        actor, current, {"available": new_date}, expected_version, action=MilestoneKind.SLIPPED, note=note
    )
    _log_slip(actor, updated, old, new_date, when, note)
    return updated


# --- milestones ---------------------------------------------------------------------------------------------


def _may_record(actor: Any, milestone: str, donor_code: str) -> tuple[bool, str]:
    """Whether ``actor`` may record ``milestone`` on a pledge of ``donor_code``, and why not."""
    if milestone == PledgeStatus.RECEIVED:
        return (
            can_confirm_receipt(actor),
            "Receipt is confirmed by the recipient's requirements officer (or a coordinator), who found the "
            "goods.",
        )
    if milestone == PledgeStatus.DECLINED:
        return (
            is_coordinator(actor) or getattr(actor, "role", None) == Role.RECIPIENT_OFFICER,
            "An offer is declined by the recipient's requirements officer or a coordinator; a donor "
            "withdraws its own offer instead.",
        )
    return can_manage_pledge(actor, donor_code), _manage_denied(actor, donor_code)


@transaction.atomic
def record_milestone(
    actor: Any,
    pledge: Pledge | int,
    milestone: str,
    expected_version: int,
    *,
    on: _dt.date | None = None,
    note: str = "",
    quantity_received: int | None = None,
    condition: str | None = None,
    new_date: _dt.date | None = None,
) -> Pledge:
    """Move a pledge to its next milestone (``committed``, ``contracted``, ... ``received``; ``declined``,
    ``withdrawn``), on the day ``on`` (today by default), based on ``expected_version``.

    Only the transitions of docs/records.md are accepted; any other raises InvalidTransition naming the ones
    allowed from the current milestone. ``received`` needs the ``quantity_received`` (0 up to the quantity
    pledged) and the ``condition`` found. ``slipped`` records a slip to ``new_date`` (as
    :func:`slip_pledge`). ``on`` may not lie in the future nor before the previous milestone.
    """
    milestone = str(milestone)  # a MilestoneKind member or its value: messages and history show the value
    if milestone == MilestoneKind.SLIPPED:
        if new_date is None:
            raise ValidationError({"new_date": "A slip names the new availability date."})
        return slip_pledge(actor, pledge, new_date, expected_version, on=on, note=note)
    current = _locked_visible(actor, pledge)
    if milestone not in PledgeStatus.values:
        raise ValidationError(
            {"milestone": f"{milestone!r} is not a milestone; use one of {', '.join(MilestoneKind.values)}."}
        )
    allowed_actor, why = _may_record(actor, milestone, current.donor_id)
    require(allowed_actor, why)
    _check_version(current, expected_version)
    allowed = allowed_next(current.status, current.source)
    if milestone not in allowed:
        raise InvalidTransition(
            _ENTITY, current.reference, current.status, milestone, [str(s) for s in allowed]
        )
    when = on or _today()
    _check_on(when)
    previous = (
        current.milestones.exclude(milestone=MilestoneKind.SLIPPED)
        .order_by("-on", "-id")
        .values("milestone", "on")
        .first()
    )
    if previous is not None and when < previous["on"]:
        raise ValidationError(
            {
                "on": f"{when.isoformat()} is before the previous milestone ({previous['milestone']} on "
                f"{previous['on'].isoformat()}); a milestone is recorded on or after it."
            }
        )
    changes: dict[str, Any] = {"status": milestone}
    if milestone == PledgeStatus.RECEIVED:
        changes["quantity_received"] = _check_receipt(current, quantity_received, condition)
    elif quantity_received is not None or condition:
        raise ValidationError(
            {
                "quantity_received" if quantity_received is not None else "condition": "Only a receipt "
                "(milestone 'received') records the quantity and condition found."
            }
        )
    updated = apply_update(actor, current, changes, expected_version, action=milestone, note=note)
    PledgeMilestone.objects.create(
        pledge=updated,
        milestone=milestone,
        on=when,
        recorded_by=_user_or_none(actor),
        note=note or "",
        quantity_received=changes.get("quantity_received"),
        condition=(condition or "") if milestone == PledgeStatus.RECEIVED else "",
    )
    return updated


def _check_receipt(pledge: Pledge, quantity_received: int | None, condition: str | None) -> int:
    errors: dict[str, str] = {}
    if quantity_received is None:
        errors["quantity_received"] = (
            f"Give the quantity found on receipt (0 to {pledge.quantity}, the quantity pledged)."
        )
    elif not 0 <= quantity_received <= pledge.quantity:
        errors["quantity_received"] = (
            f"The quantity received must be between 0 and {pledge.quantity} (the quantity pledged); "
            f"got {quantity_received}."
        )
    if condition not in ReceiptCondition.values:
        errors["condition"] = (
            f"Give the condition found: one of {', '.join(ReceiptCondition.values)}; got {condition!r}."
        )
    if errors:
        raise ValidationError(errors)
    assert quantity_received is not None
    return quantity_received


def withdraw_pledge(
    actor: Any, pledge: Pledge | int, expected_version: int, *, on: _dt.date | None = None, note: str = ""
) -> Pledge:
    """Withdraw an offered, committed or contracted pledge (donor liaison of its nation, or a coordinator).

    The pledge stays on record, withdrawn, with its history; nothing is deleted.
    """
    return record_milestone(actor, pledge, PledgeStatus.WITHDRAWN, expected_version, on=on, note=note)


def decline_pledge(
    actor: Any, pledge: Pledge | int, expected_version: int, *, on: _dt.date | None = None, note: str = ""
) -> Pledge:
    """Decline an offered pledge (the recipient's officer or a coordinator); say why in ``note``."""
    return record_milestone(actor, pledge, PledgeStatus.DECLINED, expected_version, on=on, note=note)
