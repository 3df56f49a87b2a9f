"""Read queries of the catalogue: every signed-in user may read it, retired entries included on request."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pledgeflow.accounts.permissions import can_read_catalogue
from pledgeflow.catalogue.models import CapabilityArea, Family, Item
from pledgeflow.core.errors import NotFound


def list_capability_areas(user: Any) -> QuerySet[CapabilityArea]:
    """The capability areas, ordered by code."""
    if not can_read_catalogue(user):
        return CapabilityArea.objects.none()
    return CapabilityArea.objects.order_by("code")


def list_families(
    user: Any, *, capability_area: str | None = None, active: bool | None = True, search: str | None = None
) -> QuerySet[Family]:
    """Families ordered by code; ``active=None`` includes retired ones."""
    if not can_read_catalogue(user):
        return Family.objects.none()
    families = Family.objects.select_related("capability_area")
    if capability_area:
        families = families.filter(capability_area__code=capability_area)
    if active is not None:
        families = families.filter(active=active)
    if search:
        families = families.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return families.order_by("code")


def get_family(user: Any, code: str) -> Family:
    """One family by code (retired ones too), else NotFound."""
    if can_read_catalogue(user):
        family = Family.objects.select_related("capability_area").filter(code=code).first()
        if family is not None:
            return family
    raise NotFound("Family", code)


def list_items(
    user: Any,
    *,
    family: str | None = None,
    capability_area: str | None = None,
    supply_class: str | None = None,
    active: bool | None = True,
    search: str | None = None,
) -> QuerySet[Item]:
    """Items ordered by code, with their family and area loaded; ``active=None`` includes retired ones."""
    if not can_read_catalogue(user):
        return Item.objects.none()
    items = Item.objects.select_related("family", "family__capability_area")
    if family:
        items = items.filter(family__code=family)
    if capability_area:
        items = items.filter(family__capability_area__code=capability_area)
    if supply_class:
        items = items.filter(supply_class=supply_class)
    if active is not None:
        items = items.filter(active=active)
    if search:
        items = items.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(nsn__icontains=search))
    return items.order_by("code")


def get_item(user: Any, code: str) -> Item:
    """One item by code (retired ones too), else NotFound."""
    if can_read_catalogue(user):
        item = Item.objects.select_related("family", "family__capability_area").filter(code=code).first()
        if item is not None:
            return item
    raise NotFound("Item", code)
