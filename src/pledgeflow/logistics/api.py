"""HTTP <-> logistics services and selectors: every signed-in user reads, coordinators write."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from pledgeflow.core.api_support import (
    ACTIVE_STATES,
    ChangeOut,
    PageParams,
    VersionIn,
    actor,
    changes_of,
    error_responses,
    expected_version,
    history_page,
    not_modified,
    order_by,
    page_schema,
    paginate,
    set_etag,
)
from pledgeflow.core.services import history_of
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
_READ = error_responses(401, 404)
_WRITE = error_responses(401, 403, 404, 409, 422, 428)


def _version(payload: VersionIn | None) -> int | None:
    """The version an action's optional body names (None: look for If-Match)."""
    return payload.version if payload is not None else None


def _answer(response: HttpResponse, record: Any, status: int = 200) -> Any:
    set_etag(response, record.version)
    return Status(status, record) if status != 200 else record


# -- locations --


@router.get("/locations", response={200: page_schema(LocationOut), **error_responses(401, 422)})
def list_locations(
    request: HttpRequest, filters: Query[LocationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Depots, hubs and destinations; active ones unless ``state`` says otherwise."""
    locations = selectors.list_locations(
        actor(request),
        kind=filters.kind,
        country=filters.country,
        active=ACTIVE_STATES[filters.state],
        search=filters.search,
    )
    return paginate(order_by(locations, page.ordering, LOCATION_ORDERING, ["code"]), page)


@router.post("/locations", response={201: LocationOut, **error_responses(401, 403, 422)})
def create_location(request: HttpRequest, payload: LocationIn, response: HttpResponse) -> Any:
    """Create a location (coordinators)."""
    user = actor(request)
    location = services.create_location(user, **payload.model_dump())
    return _answer(response, selectors.get_location(user, location.code), 201)


@router.get("/locations/{code}", response={200: LocationOut, **_READ})
def get_location(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One location by code (retired ones too), its version in the ETag."""
    location = selectors.get_location(actor(request), code)
    return not_modified(request, location.version) or _answer(response, location)


@router.patch("/locations/{code}", response={200: LocationOut, **_WRITE})
def update_location(request: HttpRequest, code: str, payload: LocationPatch, response: HttpResponse) -> Any:
    """Change a location (coordinators); name the version it is based on."""
    user = actor(request)
    location = selectors.get_location(user, code)
    version = expected_version(request, _version(payload))
    updated = services.update_location(user, location, changes_of(payload), version)
    return _answer(response, selectors.get_location(user, updated.code))


@router.post("/locations/{code}/retire", response={200: LocationOut, **_WRITE})
def retire_location(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a location whose routes are all retired (coordinators)."""
    user = actor(request)
    location = selectors.get_location(user, code)
    services.retire_location(user, location, expected_version(request, _version(payload)))
    return _answer(response, selectors.get_location(user, code))


@router.post("/locations/{code}/restore", response={200: LocationOut, **_WRITE})
def restore_location(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired location back into use (coordinators)."""
    user = actor(request)
    location = selectors.get_location(user, code)
    services.restore_location(user, location, expected_version(request, _version(payload)))
    return _answer(response, selectors.get_location(user, code))


@router.get("/locations/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def location_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the location, oldest first."""
    return history_page(history_of(selectors.get_location(actor(request), code)), page)


# -- routes --


@router.get("/routes", response={200: page_schema(RouteOut), **error_responses(401, 422)})
def list_routes(
    request: HttpRequest, filters: Query[RouteFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Directed routes; active ones unless ``state`` says otherwise."""
    routes = selectors.list_routes(
        actor(request),
        from_location=filters.from_location,
        to_location=filters.to_location,
        touching=filters.touching,
        active=ACTIVE_STATES[filters.state],
    )
    return paginate(
        order_by(routes, page.ordering, ROUTE_ORDERING, ["from_location__code", "to_location__code"]), page
    )


@router.post("/routes", response={201: RouteOut, **error_responses(401, 403, 422)})
def create_route(request: HttpRequest, payload: RouteIn, response: HttpResponse) -> Any:
    """Create a directed route between two active locations (coordinators)."""
    user = actor(request)
    route = services.create_route(user, **payload.model_dump())
    return _answer(response, selectors.get_route(user, route.pk), 201)


@router.get("/routes/{route_id}", response={200: RouteOut, **_READ})
def get_route(request: HttpRequest, route_id: int, response: HttpResponse) -> Any:
    """One route by id, its version in the ETag."""
    route = selectors.get_route(actor(request), route_id)
    return not_modified(request, route.version) or _answer(response, route)


@router.patch("/routes/{route_id}", response={200: RouteOut, **_WRITE})
def update_route(request: HttpRequest, route_id: int, payload: RoutePatch, response: HttpResponse) -> Any:
    """Change a route's transit days (coordinators); name the version it is based on."""
    user = actor(request)
    route = selectors.get_route(user, route_id)
    version = expected_version(request, _version(payload))
    services.update_route(user, route, changes_of(payload), version)
    return _answer(response, selectors.get_route(user, route_id))


@router.post("/routes/{route_id}/retire", response={200: RouteOut, **_WRITE})
def retire_route(
    request: HttpRequest, route_id: int, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a route: the planner no longer uses it (coordinators)."""
    user = actor(request)
    route = selectors.get_route(user, route_id)
    services.retire_route(user, route, expected_version(request, _version(payload)))
    return _answer(response, selectors.get_route(user, route_id))


@router.post("/routes/{route_id}/restore", response={200: RouteOut, **_WRITE})
def restore_route(
    request: HttpRequest, route_id: int, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired route back; both ends must be active (coordinators)."""
    user = actor(request)
    route = selectors.get_route(user, route_id)
    services.restore_route(user, route, expected_version(request, _version(payload)))
    return _answer(response, selectors.get_route(user, route_id))


@router.get("/routes/{route_id}/history", response={200: page_schema(ChangeOut), **_READ})
def route_history(request: HttpRequest, route_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the route, oldest first."""
    return history_page(history_of(selectors.get_route(actor(request), route_id)), page)
