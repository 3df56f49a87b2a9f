"""HTTP <-> logistics services and selectors: every signed-in user reads, coordinators write."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pledgeflow.core.api_support import (
    CREATE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ChangeOut,
    PageParams,
    RecordEndpoints,
    VersionIn,
    actor,
    filter_arguments,
    order_by,
    page_schema,
    paginate,
)
from pledgeflow.logistics import selectors, services
from pledgeflow.logistics.schemas import (
    LocationFilters,
    LocationIn,
    LocationOut,
    LocationPatch,
    RouteFilters,
    RouteIn,
    RouteOut,
    RoutePatch,
)

router = Router(tags=["logistics"])

LOCATION_ORDERING = {"code": "code", "name": "name", "kind": "kind", "country": "country_id"}
ROUTE_ORDERING = {"from_location": "from_location__code", "to_location": "to_location__code", "days": "days"}


# -- locations --

LOCATIONS = RecordEndpoints(selectors.get_location)


@router.get("/locations", response={200: page_schema(LocationOut), **LIST_ERRORS})
def list_locations(
    request: HttpRequest, filters: Query[LocationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Depots, hubs and destinations; active ones unless ``state`` says otherwise."""
    locations = selectors.list_locations(actor(request), **filter_arguments(filters))
    return paginate(order_by(locations, page.ordering, LOCATION_ORDERING, ["code"]), page)


@router.post("/locations", response={201: LocationOut, **CREATE_ERRORS})
def create_location(request: HttpRequest, payload: LocationIn, response: HttpResponse) -> Any:
    """Create a location (coordinators)."""
    return LOCATIONS.create(request, response, services.create_location, payload)


@router.get("/locations/{code}", response={200: LocationOut, **READ_ERRORS})
def get_location(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One location by code (retired ones too), its version in the ETag."""
    return LOCATIONS.retrieve(request, response, code)


@router.patch("/locations/{code}", response={200: LocationOut, **WRITE_ERRORS})
def update_location(request: HttpRequest, code: str, payload: LocationPatch, response: HttpResponse) -> Any:
    """Change a location (coordinators); name the version it is based on."""
    return LOCATIONS.update(request, response, code, services.update_location, payload)


@router.post("/locations/{code}/retire", response={200: LocationOut, **WRITE_ERRORS})
def retire_location(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a location whose routes are all retired (coordinators)."""
    return LOCATIONS.act(request, response, code, services.retire_location, payload)


@router.post("/locations/{code}/restore", response={200: LocationOut, **WRITE_ERRORS})
def restore_location(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired location back into use (coordinators)."""
    return LOCATIONS.act(request, response, code, services.restore_location, payload)


@router.get("/locations/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def location_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the location, oldest first."""
    return LOCATIONS.history(request, code, page)


# -- routes --

#: Routes have no code: they are addressed by id.
ROUTES = RecordEndpoints(selectors.get_route, key=attrgetter("pk"))


@router.get("/routes", response={200: page_schema(RouteOut), **LIST_ERRORS})
def list_routes(
    request: HttpRequest, filters: Query[RouteFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Directed routes; active ones unless ``state`` says otherwise."""
    routes = selectors.list_routes(actor(request), **filter_arguments(filters))
    return paginate(
        order_by(routes, page.ordering, ROUTE_ORDERING, ["from_location__code", "to_location__code"]), page
    )


@router.post("/routes", response={201: RouteOut, **CREATE_ERRORS})
def create_route(request: HttpRequest, payload: RouteIn, response: HttpResponse) -> Any:
    """Create a directed route between two active locations (coordinators)."""
    return ROUTES.create(request, response, services.create_route, payload)


@router.get("/routes/{route_id}", response={200: RouteOut, **READ_ERRORS})
def get_route(request: HttpRequest, route_id: int, response: HttpResponse) -> Any:
    """One route by id, its version in the ETag."""
    return ROUTES.retrieve(request, response, route_id)


@router.patch("/routes/{route_id}", response={200: RouteOut, **WRITE_ERRORS})
def update_route(request: HttpRequest, route_id: int, payload: RoutePatch, response: HttpResponse) -> Any:
    """Change a route's transit days (coordinators); name the version it is based on."""
    return ROUTES.update(request, response, route_id, services.update_route, payload)


@router.post("/routes/{route_id}/retire", response={200: RouteOut, **WRITE_ERRORS})
def retire_route(
    request: HttpRequest, route_id: int, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a route: the planner no longer uses it (coordinators)."""
    return ROUTES.act(request, response, route_id, services.retire_route, payload)


@router.post("/routes/{route_id}/restore", response={200: RouteOut, **WRITE_ERRORS})
def restore_route(
    request: HttpRequest, route_id: int, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired route back; both ends must be active (coordinators)."""
    return ROUTES.act(request, response, route_id, services.restore_route, payload)


@router.get("/routes/{route_id}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def route_history(request: HttpRequest, route_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the route, oldest first."""
    return ROUTES.history(request, route_id, page)
