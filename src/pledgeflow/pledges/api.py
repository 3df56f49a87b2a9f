"""HTTP <-> pledge services and selectors.

Every list, filter, count and look-up goes through :mod:`pledgeflow.pledges.selectors`, which apply the
sharing labels: a pledge you may not see answers 404 exactly like one that does not exist, and is in no list
or count. The donor nation's liaison and the coordinators record and change pledges; the recipient's officers
decline offers and confirm receipt.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pledgeflow.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ChangeOut,
    PageParams,
    actor,
    answer,
    changes_of,
    error_responses,
    expected_version,
    history_page,
    not_modified,
    order_by,
    page_schema,
    paginate,
)
from pledgeflow.pledges import selectors, services
from pledgeflow.pledges.schemas import (
    MilestoneIn,
    MilestoneOut,
    PledgeFilters,
    PledgeIn,
    PledgeOut,
    PledgePatch,
    PledgeTotalsOut,
    SlipIn,
    TotalsFilters,
    WithdrawIn,
)

router = Router(tags=["pledges"])

PLEDGE_ORDERING = {
    "reference": "reference",
    "donor": "donor_id",
    "available": "available",
    "quantity": "quantity",
    "status": "status",
    "sharing_label": "sharing_label",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


def _answer(request: HttpRequest, response: HttpResponse, pledge_id: int, status: int = 200) -> Any:
    """The pledge as the user now sees it (re-read through the selector), its version in the ETag."""
    return answer(response, selectors.get_pledge_for(actor(request), pledge_id), status)


@router.get("", response={200: page_schema(PledgeOut), **error_responses(401, 422)})
def list_pledges(
    request: HttpRequest, filters: Query[PledgeFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The pledges you may see, filtered; by reference unless ordered otherwise. ``count`` counts those."""
    pledges = selectors.visible_pledges(actor(request), **filters.model_dump())
    return paginate(order_by(pledges, page.ordering, PLEDGE_ORDERING, ["reference"]), page)


@router.get("/totals", response={200: PledgeTotalsOut, **error_responses(401, 422)})
def pledge_totals(request: HttpRequest, filters: Query[TotalsFilters]) -> dict[str, Any]:
    """Figures at each milestone over all donors together (every pledge counts) and, with ``by_donor``, per
    nation (only what you may see of each)."""
    totals = selectors.pledge_totals(actor(request), **filters.model_dump())
    return asdict(totals)


@router.post("", response={201: PledgeOut, **error_responses(401, 403, 422)})
def create_pledge(request: HttpRequest, payload: PledgeIn, response: HttpResponse) -> Any:
    """Record a pledge (offered) for your nation, or any donor as a coordinator."""
    pledge = services.create_pledge(actor(request), **payload.model_dump())
    return _answer(request, response, pledge.pk, 201)


@router.get("/{int:pledge_id}", response={200: PledgeOut, **READ_ERRORS})
def get_pledge(request: HttpRequest, pledge_id: int, response: HttpResponse) -> Any:
    """One pledge by id, its version in the ETag (``If-None-Match`` with it answers 304 until it changes)."""
    answer = _answer(request, response, pledge_id)
    return not_modified(request, answer.version) or answer


@router.patch("/{int:pledge_id}", response={200: PledgeOut, **WRITE_ERRORS})
def update_pledge(request: HttpRequest, pledge_id: int, payload: PledgePatch, response: HttpResponse) -> Any:
    """Change a pledge; name the version it is based on. After dispatch only the label, releasable-to nations
    and note change."""
    user = actor(request)
    pledge = selectors.get_pledge_for(user, pledge_id)
    services.update_pledge(user, pledge, changes_of(payload), expected_version(request, payload.version))
    return _answer(request, response, pledge_id)


@router.post("/{int:pledge_id}/milestones", response={200: PledgeOut, **WRITE_ERRORS})
def record_milestone(
    request: HttpRequest, pledge_id: int, payload: MilestoneIn, response: HttpResponse
) -> Any:
    """Move the pledge to its next milestone (or record a slip); a transition the state machine does not allow
    is refused with 409 naming the allowed ones."""
    user = actor(request)
    pledge = selectors.get_pledge_for(user, pledge_id)
    services.record_milestone(
        user,
        pledge,
        payload.milestone,
        expected_version(request, payload.version),
        on=payload.on,
        note=payload.note,
        quantity_received=payload.quantity_received,
        condition=payload.condition,
        new_date=payload.new_date,
    )
    return _answer(request, response, pledge_id)


@router.get("/{int:pledge_id}/milestones", response={200: page_schema(MilestoneOut), **READ_ERRORS})
def list_milestones(request: HttpRequest, pledge_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """The pledge's milestone log, in the order recorded (slips keep the old and new dates)."""
    milestones = selectors.pledge_milestones_for(actor(request), pledge_id)
    return paginate(
        order_by(milestones, page.ordering, {"recorded_at": "recorded_at", "on": "on"}, ["recorded_at"]), page
    )


@router.post("/{int:pledge_id}/slip", response={200: PledgeOut, **WRITE_ERRORS})
def slip_pledge(request: HttpRequest, pledge_id: int, payload: SlipIn, response: HttpResponse) -> Any:
    """Record a new availability date before dispatch; the old date stays in the milestone log."""
    user = actor(request)
    pledge = selectors.get_pledge_for(user, pledge_id)
    services.slip_pledge(
        user,
        pledge,
        payload.new_date,
        expected_version(request, payload.version),
        on=payload.on,
        note=payload.note,
    )
    return _answer(request, response, pledge_id)


@router.post("/{int:pledge_id}/withdraw", response={200: PledgeOut, **WRITE_ERRORS})
def withdraw_pledge(
    request: HttpRequest, pledge_id: int, response: HttpResponse, payload: WithdrawIn | None = None
) -> Any:
    """Withdraw an offered, committed or contracted pledge; it stays on record, withdrawn."""
    user = actor(request)
    pledge = selectors.get_pledge_for(user, pledge_id)
    body = payload or WithdrawIn()  # the body is optional: the version may come as If-Match
    services.withdraw_pledge(
        user, pledge, expected_version(request, body.version), on=body.on, note=body.note
    )
    return _answer(request, response, pledge_id)


@router.get("/{int:pledge_id}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def pledge_history(request: HttpRequest, pledge_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the pledge with the values before and after, oldest first."""
    return history_page(selectors.pledge_history_for(actor(request), pledge_id), page)
