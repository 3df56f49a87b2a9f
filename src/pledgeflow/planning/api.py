"""HTTP <-> planning services and selectors: plan runs, allocations, comparisons, locks, proposals.

Mounted at the API's root (``/api/v1/plan-runs``, ``/api/v1/plan-locks``, ``/api/v1/proposals``). Starting,
locking and publishing are for coordinators; a donor liaison reads and decides its nation's proposals.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from pledgeflow.core.api_support import (
    ChangeOut,
    PageParams,
    actor,
    error_responses,
    history_page,
    order_by,
    page_schema,
    paginate,
    set_etag,
)
from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.services import history_of
from pledgeflow.planning import selectors, services
from pledgeflow.planning.schemas import (
    AcceptIn,
    AllocationFilters,
    AllocationOut,
    CompareOut,
    DeclineIn,
    LockIn,
    LockOut,
    ProposalFilters,
    ProposalOut,
    RunFilters,
    RunOut,
    RunStartedOut,
    UnlockIn,
    allocation_out,
    lock_out,
    proposal_out,
    run_out,
)

router = Router(tags=["planning"])

RUN_ORDERING = {"number": "number", "created_at": "created_at", "status": "status"}
ALLOCATION_ORDERING = {
    "pledge": "pledge__reference",
    "requirement": "requirement__reference",
    "priority": "requirement__priority",
    "quantity": "quantity",
    "arrival": "arrival",
    "days_late": "days_late",
}
PROPOSAL_ORDERING = {"created_at": "created_at", "status": "status", "quantity": "quantity", "run": "run_id"}
_READ = error_responses(401, 403, 404)


def _page(queryset: Any, page: PageParams, ordering: dict[str, str], default: list[str], view: Any) -> Any:
    result = paginate(order_by(queryset, page.ordering, ordering, default), page)
    result["items"] = [view(row) for row in result["items"]]
    return result


# -- plan runs --


@router.post("/plan-runs", response={202: RunStartedOut, **error_responses(401, 403)})
def start_run(request: HttpRequest) -> Any:
    """Start a plan run over the current record (coordinators): answered 202, planned in the background.

    Poll ``GET /plan-runs/{id}`` for status and progress.
    """
    run = services.start_plan_run(actor(request))
    return Status(202, {"id": run.pk, "number": run.number, "status": run.status, "progress": run.progress})


@router.get("/plan-runs", response={200: page_schema(RunOut), **error_responses(401, 403, 422)})
def list_runs(request: HttpRequest, filters: Query[RunFilters], page: Query[PageParams]) -> Any:
    """Plan runs, newest first."""
    user = actor(request)
    runs = selectors.list_runs(user, status=filters.status)
    details = selectors.may_read_run_details(user)
    return _page(runs, page, RUN_ORDERING, ["-number"], lambda run: run_out(run, details=details))


@router.get("/plan-runs/{run_id}", response={200: RunOut, **_READ})
def get_run(request: HttpRequest, run_id: int) -> Any:
    """One plan run: status and progress, then its objective and summary against the baseline."""
    user = actor(request)
    run = selectors.get_run(user, run_id)
    return run_out(run, details=selectors.may_read_run_details(user), summary=True)


@router.get("/plan-runs/{run_id}/snapshot", response={200: dict[str, Any], **_READ})
def get_snapshot(request: HttpRequest, run_id: int) -> Any:
    """The scenario document the run planned (coordinators): plan it again with ``pledgeflow plan``."""
    user = actor(request)
    if not selectors.may_read_run_details(user):
        raise PermissionDenied("Only coordinators read a run's snapshot: it lists every pledge.")
    run = selectors.get_run(user, run_id, with_documents=True)
    return run.snapshot or {}


@router.get("/plan-runs/{run_id}/plan", response={200: dict[str, Any], **_READ})
def get_plan(request: HttpRequest, run_id: int) -> Any:
    """The run's ``pledgeflow/plan-v1`` document (coordinators): read it with ``pledgeflow explain``."""
    user = actor(request)
    if not selectors.may_read_run_details(user):
        raise PermissionDenied("Only coordinators read a run's plan document: it lists every pledge.")
    run = selectors.get_run(user, run_id, with_documents=True)
    return run.plan or {}


@router.get("/plan-runs/{run_id}/history", response={200: page_schema(ChangeOut), **_READ})
def run_history(request: HttpRequest, run_id: int, page: Query[PageParams]) -> Any:
    """The run's status changes and publication, oldest first (coordinators: errors name pledges)."""
    user = actor(request)
    if not selectors.may_read_run_details(user):
        raise PermissionDenied("Only coordinators read a run's history: its errors name pledges.")
    return history_page(history_of(selectors.get_run(user, run_id)), page)


@router.get(
    "/plan-runs/{run_id}/allocations",
    response={200: page_schema(AllocationOut), **error_responses(401, 404, 422)},
)
def list_allocations(
    request: HttpRequest, run_id: int, filters: Query[AllocationFilters], page: Query[PageParams]
) -> Any:
    """The run's allocations whose pledge you may see (all of them for coordinators)."""
    user = actor(request)
    run = selectors.get_run(user, run_id)
    allocations = selectors.list_allocations(
        user,
        run,
        donor=filters.donor,
        requirement=filters.requirement,
        pledge=filters.pledge,
        locked=filters.locked,
    )
    return _page(
        allocations,
        page,
        ALLOCATION_ORDERING,
        ["pledge__reference", "requirement__reference"],
        allocation_out,
    )


@router.get(
    "/plan-runs/{run_id}/compare/{other_id}", response={200: CompareOut, **error_responses(401, 404, 422)}
)
def compare_runs(request: HttpRequest, run_id: int, other_id: int) -> Any:
    """What changed from run ``run_id`` to run ``other_id`` and why, pair by pair, with the totals' deltas."""
    return selectors.compare(actor(request), run_id, other_id)


@router.post(
    "/plan-runs/{run_id}/allocations/{allocation_id}/lock",
    response={201: LockOut, **error_responses(401, 403, 404, 422)},
)
def lock_allocation(request: HttpRequest, run_id: int, allocation_id: int, payload: LockIn) -> Any:
    """Lock an allocation (coordinators): every later run keeps at least the locked quantity on its pair."""
    lock = services.lock_allocation(actor(request), run_id, allocation_id, payload.quantity)
    return Status(201, lock_out(lock))


@router.post(
    "/plan-runs/{run_id}/allocations/{allocation_id}/unlock",
    response={200: LockOut, **error_responses(401, 403, 404, 422)},
)
def unlock_allocation(request: HttpRequest, run_id: int, allocation_id: int, payload: UnlockIn) -> Any:
    """Release the lock on an allocation's pair (coordinators)."""
    return lock_out(services.unlock_allocation(actor(request), run_id, allocation_id, payload.reason))


@router.post(
    "/plan-runs/{run_id}/publish", response={200: RunOut, **error_responses(401, 403, 404, 409, 422)}
)
def publish_run(request: HttpRequest, run_id: int) -> Any:
    """Publish a succeeded run (coordinators): its allocations become proposals to the donors."""
    user = actor(request)
    services.publish_run(user, run_id)
    return run_out(selectors.get_run(user, run_id), details=True, summary=True)


@router.get("/plan-locks", response={200: page_schema(LockOut), **error_responses(401, 403, 422)})
def list_locks(request: HttpRequest, page: Query[PageParams], active: bool | None = True) -> Any:
    """The coordinators' locks; active ones unless ``active`` says otherwise."""
    locks = selectors.list_locks(actor(request), active=active)
    return _page(
        locks, page, {"created_at": "created_at"}, ["pledge__reference", "requirement__reference"], lock_out
    )


# -- proposals --


@router.get("/proposals", response={200: page_schema(ProposalOut), **error_responses(401, 403, 422)})
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters], page: Query[PageParams]) -> Any:
    """Proposals addressed to your nation (donor liaisons) or to every donor (coordinators)."""
    proposals = selectors.list_proposals(
        actor(request), status=filters.status, run_id=filters.run, donor=filters.donor
    )
    return _page(proposals, page, PROPOSAL_ORDERING, ["-run_id", "pledge__reference"], proposal_out)


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **_READ})
def get_proposal(request: HttpRequest, proposal_id: int, response: HttpResponse) -> Any:
    """One proposal, its version in the ETag."""
    proposal = selectors.get_proposal(actor(request), proposal_id)
    set_etag(response, proposal.version)
    return proposal_out(proposal)


@router.get("/proposals/{proposal_id}/history", response={200: page_schema(ChangeOut), **_READ})
def proposal_history(request: HttpRequest, proposal_id: int, page: Query[PageParams]) -> Any:
    """Every change to the proposal (made, accepted, declined, superseded), oldest first."""
    return history_page(history_of(selectors.get_proposal(actor(request), proposal_id)), page)


@router.post(
    "/proposals/{proposal_id}/accept", response={200: ProposalOut, **error_responses(401, 403, 404, 409, 422)}
)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn, response: HttpResponse) -> Any:
    """Accept: commit exactly the proposed quantity of the pledge to the requirement.

    An offered pledge becomes committed, recorded with who and when.
    """
    user = actor(request)
    proposal = services.accept_proposal(user, proposal_id, _version(request, payload.version))
    fresh = selectors.get_proposal(user, proposal.pk)
    set_etag(response, fresh.version)
    return proposal_out(fresh)


@router.post(
    "/proposals/{proposal_id}/decline",
    response={200: ProposalOut, **error_responses(401, 403, 404, 409, 422)},
)
def decline_proposal(
    request: HttpRequest, proposal_id: int, payload: DeclineIn, response: HttpResponse
) -> Any:
    """Decline: the units return to the next run's pool (a coordinator's lock on the pair is released)."""
    user = actor(request)
    proposal = services.decline_proposal(
        user, proposal_id, payload.reason, _version(request, payload.version)
    )
    fresh = selectors.get_proposal(user, proposal.pk)
    set_etag(response, fresh.version)
    return proposal_out(fresh)


def _version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version a decision names (body or If-Match), or None: deciding needs none, the state machine
    already refuses a second decision."""
    from pledgeflow.core.api_support import VersionRequired, expected_version

    try:
        return expected_version(request, body_version)
    except VersionRequired:
        return None
