"""Use cases of the nations context."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pledgeflow.accounts.permissions import can_manage_nations, require
from pledgeflow.core.errors import ValidationError
from pledgeflow.core.services import apply_update
from pledgeflow.nations.models import Nation

#: What a coordinator may change; the code identifies the nation and never changes.
EDITABLE_FIELDS = frozenset({"name", "kind", "gdp_usd_bn", "gdp_year", "gdp_source"})


@transaction.atomic
def update_nation(actor: Any, nation: Nation, changes: dict[str, Any], expected_version: int) -> Nation:
    """Change a nation's name, kind or GDP figure (coordinators only), with history."""
    require(can_manage_nations(actor), "Only coordinators change nations.")
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {name: f"{name!r} cannot be changed; the nation code is permanent." for name in unknown}
        )
    return apply_update(actor, nation, changes, expected_version)
