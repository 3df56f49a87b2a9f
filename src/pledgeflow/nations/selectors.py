"""Read queries of the nations context: every signed-in user may read every nation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pledgeflow.accounts.permissions import can_read_catalogue
from pledgeflow.core.errors import NotFound
from pledgeflow.nations.models import Nation


def list_nations(user: Any, *, kind: str | None = None, search: str | None = None) -> QuerySet[Nation]:
    """Nations and organisations ordered by code, optionally of one ``kind`` or matching ``search``."""
    if not can_read_catalogue(user):
        return Nation.objects.none()
    nations = Nation.objects.all()
    if kind:
        nations = nations.filter(kind=kind)
    if search:
        nations = nations.filter(name__icontains=search) | nations.filter(code__iexact=search)
    return nations.order_by("code")


def get_nation(user: Any, code: str) -> Nation:
    """One nation by its code (case-insensitive), else NotFound."""
    if can_read_catalogue(user):
        nation = Nation.objects.filter(code=str(code).upper()).first()
        if nation is not None:
            return nation
    raise NotFound("Nation", code)
