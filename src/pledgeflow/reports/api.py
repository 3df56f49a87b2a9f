"""HTTP <-> reports selectors: ``GET /api/v1/reports/burden-sharing``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from pledgeflow.core.api_support import actor, error_responses
from pledgeflow.reports import selectors
from pledgeflow.reports.schemas import BurdenFilters, BurdenOut, burden_out

router = Router(tags=["reports"])


@router.get("/burden-sharing", response={200: BurdenOut, **error_responses(401, 422)})
def burden_sharing(request: HttpRequest, filters: Query[BurdenFilters]) -> Any:
    """Each ally's committed and delivered value against its fair share of the baseline, for a period.

    Fair share = baseline x GDP / sum of GDP over the participating allies (exempted ones left out). A
    nation's row counts only the pledges you may see of it (``complete`` says whether that is all of them);
    ``all_donors`` counts every pledge. docs/burden-sharing.md explains the method.
    """
    query = selectors.parse_burden_query(
        period_from=filters.from_ or filters.period_from,
        period_to=filters.to or filters.period_to,
        baseline_eur=filters.baseline_eur,
        exempt=filters.exempt,
    )
    return burden_out(selectors.burden_sharing(actor(request), query))
