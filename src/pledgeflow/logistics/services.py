"""Use cases of the logistics context: coordinators create, change and retire locations and routes.

Shortest transit times are the planner's business (``pledgeflow.engine.network.shortest_days``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pledgeflow.accounts.permissions import can_manage_logistics, require
from pledgeflow.core.errors import ValidationError
from pledgeflow.core.services import apply_update, create_with_history, resolve_code, set_active
from pledgeflow.logistics.models import Location, Route
from pledgeflow.nations.models import Nation

LOCATION_FIELDS = frozenset({"code", "name", "country", "kind"})
ROUTE_FIELDS = frozenset({"days"})

_DENIED = "Only coordinators change locations and routes."


def _refuse_unknown(changes: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            {
                name: f"{name!r} is not a field of a {what} that can be changed here "
                f"(use one of: {', '.join(sorted(allowed))})."
                for name in unknown
            }
        )


def _country(value: Nation | str | None) -> Nation | None:
    if value is None or value == "":
        return None
    if isinstance(value, Nation):
        return value
    try:
        return Nation.objects.get(code=str(value).upper())
    except Nation.DoesNotExist:
        raise ValidationError(
            {"country": f"No nation has the code {value!r}; use an ISO 3166 alpha-3 code such as POL."}
        ) from None


@transaction.atomic
def create_location(
    actor: Any, *, code: str, name: str, kind: str, country: Nation | str | None = None
) -> Location:
    """Create a depot, hub or destination, optionally in ``country`` (a nation or its code)."""
    require(can_manage_logistics(actor), _DENIED)
    return create_with_history(actor, Location(code=code, name=name, kind=kind, country=_country(country)))


@transaction.atomic
def update_location(
    actor: Any, location: Location, changes: dict[str, Any], expected_version: int
) -> Location:
    """Change a location's code, name, kind or country; refuses a stale ``expected_version``."""
    require(can_manage_logistics(actor), _DENIED)
    _refuse_unknown(changes, LOCATION_FIELDS, "location")
    changes = dict(changes)
    if "country" in changes:
        changes["country"] = _country(changes["country"])
    return apply_update(actor, location, changes, expected_version)


@transaction.atomic
def retire_location(actor: Any, location: Location, expected_version: int) -> Location:
    """Retire a location; its active routes must be retired first."""
    require(can_manage_logistics(actor), _DENIED)
    routes = Route.objects.filter(active=True).filter(from_location=location) | Route.objects.filter(
        active=True, to_location=location
    )
    labels = [f"{a} -> {b}" for a, b in routes.values_list("from_location__code", "to_location__code")[:6]]
    if labels:
        listed = ", ".join(labels[:5]) + (", ..." if len(labels) > 5 else "")
        raise ValidationError(
            {"active": f"Location {location.code!r} still has active routes ({listed}); retire them first."}
        )
    return set_active(actor, location, False, expected_version)


@transaction.atomic
def restore_location(actor: Any, location: Location, expected_version: int) -> Location:
    """Bring a retired location back into use."""
    require(can_manage_logistics(actor), _DENIED)
    return set_active(actor, location, True, expected_version)


@transaction.atomic
def create_route(
    actor: Any, *, from_location: Location | str, to_location: Location | str, days: int
) -> Route:
    """Create a directed route between two active locations (records or codes) taking ``days`` days."""
    require(can_manage_logistics(actor), _DENIED)
    errors: dict[str, list[str]] = {}
    ends: dict[str, Location] = {}
    for field, value in (("from_location", from_location), ("to_location", to_location)):
        try:
            ends[field] = resolve_code(Location, value, field, active_only=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return create_with_history(actor, Route(days=days, **ends))


@transaction.atomic
def update_route(actor: Any, route: Route, changes: dict[str, Any], expected_version: int) -> Route:
    """Change a route's transit days (its ends identify it: retire it and create another to move it)."""
    require(can_manage_logistics(actor), _DENIED)
    _refuse_unknown(changes, ROUTE_FIELDS, "route")
    return apply_update(actor, route, changes, expected_version)


@transaction.atomic
def retire_route(actor: Any, route: Route, expected_version: int) -> Route:
    """Retire a route: the planner no longer uses it."""
    require(can_manage_logistics(actor), _DENIED)
    return set_active(actor, route, False, expected_version)


@transaction.atomic
def restore_route(actor: Any, route: Route, expected_version: int) -> Route:
    """Bring a retired route back; both its ends must be active."""
    require(can_manage_logistics(actor), _DENIED)
    for field in ("from_location", "to_location"):
        # Read the ends afresh: the route's cached ones may predate their own restoring.
        end = Location.objects.get(pk=getattr(route, f"{field}_id"))
        resolve_code(Location, end, field, active_only=True)
    return set_active(actor, route, True, expected_version)
