"""HTTP <-> nations selectors: read-only, every signed-in user may read every nation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pledgeflow.core.api_support import (
    PageParams,
    actor,
    error_responses,
    not_modified,
    order_by,
    page_schema,
    paginate,
    set_etag,
)
from pledgeflow.nations import selectors
from pledgeflow.nations.schemas import NationFilters, NationOut

router = Router(tags=["nations"])

NATION_ORDERING = {"code": "code", "name": "name", "kind": "kind", "gdp_usd_bn": "gdp_usd_bn"}


@router.get("", response={200: page_schema(NationOut), **error_responses(401, 422)})
def list_nations(
    request: HttpRequest, filters: Query[NationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Nations and organisations (allies, partners, recipients, the EU), by code unless ordered otherwise."""
    nations = selectors.list_nations(actor(request), kind=filters.kind, search=filters.search)
    return paginate(order_by(nations, page.ordering, NATION_ORDERING, ["code"]), page)


@router.get("/{code}", response={200: NationOut, **error_responses(401, 404)})
def get_nation(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One nation by its code (case-insensitive), with its version in the ETag."""
    nation = selectors.get_nation(actor(request), code)
    set_etag(response, nation.version)
    return not_modified(request, nation.version) or nation
