"""Read queries of the logistics context: every signed-in user may read locations and routes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pledgeflow.accounts.permissions import can_read_catalogue
from pledgeflow.core.errors import NotFound
from pledgeflow.logistics.models import Location, Route


def list_locations(
    user: Any,
    *,
    kind: str | None = None,
    country: str | None = None,
    active: bool | None = True,
    search: str | None = None,
) -> QuerySet[Location]:
    """Locations ordered by code; ``active=None`` includes retired ones."""
    if not can_read_catalogue(user):
        return Location.objects.none()
    locations = Location.objects.select_related("country")
    if kind:
        locations = locations.filter(kind=kind)
    if country:
        locations = locations.filter(country_id=str(country).upper())
    if active is not None:
        locations = locations.filter(active=active)
    if search:
        locations = locations.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return locations.order_by("code")


def get_location(user: Any, code: str) -> Location:
    """One location by code (retired ones too), else NotFound."""
    if can_read_catalogue(user):
        location = Location.objects.select_related("country").filter(code=code).first()
        if location is not None:
            return location
    raise NotFound("Location", code)


def list_routes(
    user: Any,
    *,
    from_location: str | None = None,
    to_location: str | None = None,
    touching: str | None = None,
    active: bool | None = True,
) -> QuerySet[Route]:
    """Routes ordered by their end codes; ``touching`` keeps those starting or ending at that location."""
    if not can_read_catalogue(user):
        return Route.objects.none()
    routes = Route.objects.select_related("from_location", "to_location")
    if from_location:
        routes = routes.filter(from_location__code=from_location)
    if to_location:
        routes = routes.filter(to_location__code=to_location)
    if touching:
        routes = routes.filter(Q(from_location__code=touching) | Q(to_location__code=touching))
    if active is not None:
        routes = routes.filter(active=active)
    return routes.order_by("from_location__code", "to_location__code", "id")


def get_route(user: Any, route_id: int) -> Route:
    """One route by id, else NotFound."""
    if can_read_catalogue(user):
        route = Route.objects.select_related("from_location", "to_location").filter(pk=route_id).first()
        if route is not None:
            return route
    raise NotFound("Route", route_id)


def get_route_between(user: Any, from_code: str, to_code: str) -> Route:
    """The route from one location to another, else NotFound."""
    if can_read_catalogue(user):
        route = (
            Route.objects.select_related("from_location", "to_location")
            .filter(from_location__code=from_code, to_location__code=to_code)
            .first()
        )
        if route is not None:
            return route
    raise NotFound("Route", f"{from_code} -> {to_code}")


def active_network() -> list[tuple[str, str, int]]:
    """Every active route between active locations as (from code, to code, days), for the planner."""
    rows = Route.objects.filter(
        active=True, from_location__active=True, to_location__active=True
    ).values_list("from_location__code", "to_location__code", "days")
    return sorted(rows)
