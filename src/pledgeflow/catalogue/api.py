"""HTTP <-> catalogue services and selectors: every signed-in user reads, coordinators write.

Capability areas, families and items are addressed by their code, as everywhere else in the record.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pledgeflow.catalogue import selectors, services
from pledgeflow.catalogue.schemas import (
    CapabilityAreaOut,
    FamilyFilters,
    FamilyIn,
    FamilyOut,
    FamilyPatch,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatch,
)
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
from pledgeflow.core.errors import NotFound

router = Router(tags=["catalogue"])

FAMILY_ORDERING = {"code": "code", "name": "name", "capability_area": "capability_area__code"}
ITEM_ORDERING = {
    "code": "code",
    "name": "name",
    "family": "family__code",
    "supply_class": "supply_class",
    "unit_value_eur": "unit_value_eur",
}


# -- capability areas --


@router.get("/capability-areas", response={200: page_schema(CapabilityAreaOut), **LIST_ERRORS})
def list_capability_areas(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The capability areas (air defence, artillery, ...), by code."""
    areas = selectors.list_capability_areas(actor(request))
    return paginate(order_by(areas, page.ordering, {"code": "code", "name": "name"}, ["code"]), page)


@router.get("/capability-areas/{code}", response={200: CapabilityAreaOut, **READ_ERRORS})
def get_capability_area(request: HttpRequest, code: str) -> Any:
    """One capability area by code."""
    area = selectors.list_capability_areas(actor(request)).filter(code=code).first()
    if area is None:
        raise NotFound("Capability area", code)
    return area


# -- families --

FAMILIES = RecordEndpoints(selectors.get_family)


@router.get("/families", response={200: page_schema(FamilyOut), **LIST_ERRORS})
def list_families(
    request: HttpRequest, filters: Query[FamilyFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Families of interchangeable items; active ones unless ``state`` says otherwise."""
    families = selectors.list_families(actor(request), **filter_arguments(filters))
    return paginate(order_by(families, page.ordering, FAMILY_ORDERING, ["code"]), page)


@router.post("/families", response={201: FamilyOut, **CREATE_ERRORS})
def create_family(request: HttpRequest, payload: FamilyIn, response: HttpResponse) -> Any:
    """Create a family (coordinators)."""
    return FAMILIES.create(request, response, services.create_family, payload)


@router.get("/families/{code}", response={200: FamilyOut, **READ_ERRORS})
def get_family(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One family by code (retired ones too), its version in the ETag."""
    return FAMILIES.retrieve(request, response, code)


@router.patch("/families/{code}", response={200: FamilyOut, **WRITE_ERRORS})
def update_family(request: HttpRequest, code: str, payload: FamilyPatch, response: HttpResponse) -> Any:
    """Change a family (coordinators); name the version it is based on."""
    return FAMILIES.update(request, response, code, services.update_family, payload)


@router.post("/families/{code}/retire", response={200: FamilyOut, **WRITE_ERRORS})
def retire_family(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a family whose items are all retired (coordinators)."""
    return FAMILIES.act(request, response, code, services.retire_family, payload)


@router.post("/families/{code}/restore", response={200: FamilyOut, **WRITE_ERRORS})
def restore_family(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired family back into use (coordinators)."""
    return FAMILIES.act(request, response, code, services.restore_family, payload)


@router.get("/families/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def family_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the family, oldest first."""
    return FAMILIES.history(request, code, page)


# -- items --

ITEMS = RecordEndpoints(selectors.get_item)


@router.get("/items", response={200: page_schema(ItemOut), **LIST_ERRORS})
def list_items(request: HttpRequest, filters: Query[ItemFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Catalogue items; active ones unless ``state`` says otherwise."""
    items = selectors.list_items(actor(request), **filter_arguments(filters))
    return paginate(order_by(items, page.ordering, ITEM_ORDERING, ["code"]), page)


@router.post("/items", response={201: ItemOut, **CREATE_ERRORS})
def create_item(request: HttpRequest, payload: ItemIn, response: HttpResponse) -> Any:
    """Create an item in an active family (coordinators)."""
    return ITEMS.create(request, response, services.create_item, payload)


@router.get("/items/{code}", response={200: ItemOut, **READ_ERRORS})
def get_item(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One item by code (retired ones too), its version in the ETag."""
    return ITEMS.retrieve(request, response, code)


@router.patch("/items/{code}", response={200: ItemOut, **WRITE_ERRORS})
def update_item(request: HttpRequest, code: str, payload: ItemPatch, response: HttpResponse) -> Any:
    """Change an item (coordinators); name the version it is based on."""
    return ITEMS.update(request, response, code, services.update_item, payload)


@router.post("/items/{code}/retire", response={200: ItemOut, **WRITE_ERRORS})
def retire_item(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire an item: it stays readable for the pledges that name it (coordinators)."""
    return ITEMS.act(request, response, code, services.retire_item, payload)


@router.post("/items/{code}/restore", response={200: ItemOut, **WRITE_ERRORS})
def restore_item(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired item back; its family must be active (coordinators)."""
    return ITEMS.act(request, response, code, services.restore_item, payload)


@router.get("/items/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def item_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the item, oldest first."""
    return ITEMS.history(request, code, page)
