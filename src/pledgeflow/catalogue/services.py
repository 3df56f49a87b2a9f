"""Use cases of the catalogue: families and items are created, changed and retired by coordinators.

Nothing is deleted: pledges and requirements keep naming retired items and families.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from pledgeflow.accounts.permissions import can_manage_catalogue, require
from pledgeflow.catalogue.models import CapabilityArea, Family, Item
from pledgeflow.core.errors import ValidationError
from pledgeflow.core.services import apply_update, create_with_history, resolve_code, set_active

FAMILY_FIELDS = frozenset({"code", "name", "capability_area", "description"})
ITEM_FIELDS = frozenset({"code", "name", "family", "supply_class", "unit_value_eur", "unit_mass_kg", "nsn"})

_DENIED = "Only coordinators change the catalogue."


def _refuse_unknown(changes: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            {
                name: f"{name!r} is not a field of a {what} that can be changed here "
                f"(use one of: {', '.join(sorted(allowed))}; retire or restore to change 'active')."
                for name in unknown
            }
        )


@transaction.atomic
def create_family(
    actor: Any, *, code: str, name: str, capability_area: CapabilityArea | str, description: str = ""
) -> Family:
    """Create a family of interchangeable items in ``capability_area`` (a record or its code)."""
    require(can_manage_catalogue(actor), _DENIED)
    area = resolve_code(CapabilityArea, capability_area, "capability_area")
    return create_with_history(
        actor, Family(code=code, name=name, capability_area=area, description=description or "")
    )


@transaction.atomic
def update_family(actor: Any, family: Family, changes: dict[str, Any], expected_version: int) -> Family:
    """Change a family's code, name, area or description; refuses a stale ``expected_version``."""
    require(can_manage_catalogue(actor), _DENIED)
    _refuse_unknown(changes, FAMILY_FIELDS, "family")
    changes = dict(changes)
    if "capability_area" in changes:
        changes["capability_area"] = resolve_code(
            CapabilityArea, changes["capability_area"], "capability_area"
        )
    return apply_update(actor, family, changes, expected_version)


@transaction.atomic
def retire_family(actor: Any, family: Family, expected_version: int) -> Family:
    """Retire a family: no new items or requirements name it. Its items must be retired first."""
    require(can_manage_catalogue(actor), _DENIED)
    active_items = list(family.items.filter(active=True).order_by("code").values_list("code", flat=True)[:6])
    if active_items:
        listed = ", ".join(active_items[:5]) + (", ..." if len(active_items) > 5 else "")
        raise ValidationError(
            {"active": f"Family {family.code!r} still has active items ({listed}); retire them first."}
        )
    return set_active(actor, family, False, expected_version)


@transaction.atomic
def restore_family(actor: Any, family: Family, expected_version: int) -> Family:
    """Bring a retired family back into use."""
    require(can_manage_catalogue(actor), _DENIED)
    return set_active(actor, family, True, expected_version)


@transaction.atomic
def create_item(
    actor: Any,
    *,
    code: str,
    name: str,
    family: Family | str,
    supply_class: str,
    unit_value_eur: Decimal | int | str = 0,
    unit_mass_kg: Decimal | int | str = 0,
    nsn: str | None = None,
) -> Item:
    """Create an item in an active ``family`` (a record or its code); NSNs are stored as NNNN-NN-NNN-NNNN."""
    require(can_manage_catalogue(actor), _DENIED)
    fam = resolve_code(Family, family, "family", active_only=True)
    item = Item(
        code=code,
        name=name,
        family=fam,
        supply_class=supply_class,
        unit_value_eur=unit_value_eur,
        unit_mass_kg=unit_mass_kg,
        nsn=nsn or None,
    )
    return create_with_history(actor, item)


@transaction.atomic
def update_item(actor: Any, item: Item, changes: dict[str, Any], expected_version: int) -> Item:
    """Change an item's fields; moving it to another family needs an active family."""
    require(can_manage_catalogue(actor), _DENIED)
    _refuse_unknown(changes, ITEM_FIELDS, "item")
    changes = dict(changes)
    if "family" in changes:
        changes["family"] = resolve_code(Family, changes["family"], "family", active_only=True)
    if changes.get("nsn") == "":
        changes["nsn"] = None
    return apply_update(actor, item, changes, expected_version)


@transaction.atomic
def retire_item(actor: Any, item: Item, expected_version: int) -> Item:
    """Retire an item: it stays readable for the pledges that name it, but no new pledge should."""
    require(can_manage_catalogue(actor), _DENIED)
    return set_active(actor, item, False, expected_version)


@transaction.atomic
def restore_item(actor: Any, item: Item, expected_version: int) -> Item:
    """Bring a retired item back; its family must be active."""
    require(can_manage_catalogue(actor), _DENIED)
    # Read the family afresh: the item's cached one may predate the family's own restoring.
    resolve_code(Family, Family.objects.get(pk=item.family_id), "family", active_only=True)
    return set_active(actor, item, True, expected_version)
