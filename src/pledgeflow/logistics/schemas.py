"""API schemas of the logistics context: locations (depots, hubs, destinations) and directed routes.

Locations are addressed and referred to by code; routes by id, and they name their ends by location code.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from pledgeflow.core.api_support import InputSchema, StateFilter, state_field, version_field
from pledgeflow.logistics.choices import LocationKind


class LocationOut(Schema):
    """A place goods leave from, pass through or are handed over at."""

    id: int
    code: str = Field(examples=["HUB-RZE"])
    name: str = Field(examples=["Rzeszów logistics hub"])
    kind: LocationKind
    country: str | None = Field(None, alias="country_id", description="The nation's code, if any.")
    active: bool
    version: int


class LocationIn(InputSchema):
    """A new location."""

    code: str = Field(examples=["HUB-RZE"])
    name: str = Field(examples=["Rzeszów logistics hub"])
    kind: LocationKind
    country: str | None = Field(None, examples=["POL"], description="A nation code.")


class LocationPatch(InputSchema):
    """Changes to a location: only the fields sent change. ``version`` (or If-Match) is required."""

    code: str | None = None
    name: str | None = None
    kind: LocationKind | None = None
    country: str | None = Field(None, description="A nation code; null removes it.")
    version: int | None = version_field()


class LocationFilters(Schema):
    """Filters of the location list."""

    kind: LocationKind | None = None
    country: str | None = Field(None, description="A nation code.")
    state: StateFilter = state_field()
    search: str | None = Field(None, description="Part of the code or name.")


class RouteOut(Schema):
    """A directed transport link taking ``days`` whole days."""

    id: int
    from_location: str
    to_location: str
    days: int
    active: bool
    version: int

    @staticmethod
    def resolve_from_location(obj: Any) -> str:
        """``from_location.code``, read from the related record loaded with the row."""
        return obj.from_location.code

    @staticmethod
    def resolve_to_location(obj: Any) -> str:
        """``to_location.code``, read from the related record loaded with the row."""
        return obj.to_location.code


class RouteIn(InputSchema):
    """A new route between two active locations."""

    from_location: str = Field(examples=["DEPOT-DE"], description="A location code.")
    to_location: str = Field(examples=["HUB-RZE"], description="A location code.")
    days: int = Field(examples=[3])


class RoutePatch(InputSchema):
    """A change of transit days (retire a route and create another to move it)."""

    days: int | None = None
    version: int | None = version_field()


class RouteFilters(Schema):
    """Filters of the route list."""

    from_location: str | None = Field(None, description="Starting location code.")
    to_location: str | None = Field(None, description="Ending location code.")
    touching: str | None = Field(None, description="Routes starting or ending at this location code.")
    state: StateFilter = state_field()
