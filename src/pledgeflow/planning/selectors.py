"""Read queries of the planning context, with the visibility rules applied.

- **Plan runs** (status, progress, objectives, summaries) are readable by every signed-in user: their figures
  are totals over all donors together. The snapshot, the plan document, the notes and the error text name
  individual pledges, so only coordinators read them.
- **Allocations** follow the visibility of their pledge (:func:`pledgeflow.pledges.selectors.
  pledge_visibility_q`): a donor sees its own pledges' allocations and those the sharing labels let it see.
  Comparisons list only those pairs too; their summary deltas are totals, like the runs'.
- **Proposals** are addressed to donor nations: a donor liaison sees its own nation's, a coordinator all;
  nobody else has any (refused with 403).
- **Locks** are the coordinators' instrument: readable by coordinators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import is_coordinator, is_signed_in, require
from pledgeflow.core.errors import NotFound, ValidationError
from pledgeflow.planning.choices import PlanRunStatus
from pledgeflow.planning.compare import compare_runs
from pledgeflow.planning.models import AllocationLock, PlanAllocation, PlanRun, Proposal
from pledgeflow.pledges.models import Pledge
from pledgeflow.pledges.selectors import pledge_visibility_q

__all__ = [
    "allocation_visibility_q",
    "compare",
    "get_proposal",
    "get_run",
    "list_allocations",
    "list_locks",
    "list_proposals",
    "list_runs",
    "may_read_run_details",
]


def may_read_run_details(viewer: Any) -> bool:
    """Whether ``viewer`` may read a run's snapshot, plan document, notes and error text (coordinators)."""
    return is_coordinator(viewer)


#: A run's large documents, as reached through its ``previous`` link.
_PREVIOUS_DOCUMENTS = ("previous__snapshot", "previous__plan", "previous__summary")


def list_runs(viewer: Any, status: str | None = None) -> QuerySet[PlanRun]:
    """Plan runs, newest first (the large documents are not loaded)."""
    require(is_signed_in(viewer), "Sign in to read plan runs.")
    runs = (
        PlanRun.objects.select_related("created_by", "published_by", "previous")
        # The joined previous run's documents would come along too unless deferred by name.
        .defer("snapshot", "plan", "summary", *_PREVIOUS_DOCUMENTS)
        .annotate(allocation_count=Count("allocations"))
    )
    if status is not None:
        runs = runs.filter(status=status)
    return runs.order_by("-number")


def latest_succeeded_run(viewer: Any) -> PlanRun | None:
    """The newest succeeded run (published ones are succeeded too), or None before the first; no documents."""
    return list_runs(viewer, status=PlanRunStatus.SUCCEEDED).first()


def get_run(viewer: Any, run_id: int, *, with_documents: bool = False) -> PlanRun:
    """One plan run by id; ``with_documents`` loads its snapshot and plan too."""
    require(is_signed_in(viewer), "Sign in to read plan runs.")
    runs = (
        PlanRun.objects.select_related("created_by", "published_by", "previous")
        .defer(*_PREVIOUS_DOCUMENTS)
        .annotate(allocation_count=Count("allocations"))
    )
    if not with_documents:
        runs = runs.defer("snapshot", "plan")
    try:
        return runs.get(pk=run_id)
    except PlanRun.DoesNotExist:
        raise NotFound("Plan run", run_id) from None


def allocation_visibility_q(viewer: Any) -> Any:
    """The filter keeping the allocations (or proposals) whose pledge ``viewer`` may see."""
    return pledge_visibility_q(viewer, prefix="pledge__")


def list_allocations(
    viewer: Any,
    run: PlanRun,
    *,
    donor: str | None = None,
    requirement: str | None = None,
    pledge: str | None = None,
    locked: bool | None = None,
) -> QuerySet[PlanAllocation]:
    """The allocations of ``run`` whose pledge ``viewer`` may see, optionally filtered."""
    allocations = (
        PlanAllocation.objects.filter(run=run)
        .filter(allocation_visibility_q(viewer))
        .select_related("pledge", "pledge__item", "requirement")
    )
    if donor:
        allocations = allocations.filter(pledge__donor_id=donor)
    if requirement:
        allocations = allocations.filter(requirement__reference=requirement)
    if pledge:
        allocations = allocations.filter(pledge__reference=pledge)
    if locked is not None:
        allocations = allocations.filter(locked=locked)
    return allocations


def compare(viewer: Any, run_id: int, other_id: int) -> dict[str, Any]:
    """What changed from run ``run_id`` to run ``other_id``, and why (:func:`pledgeflow.planning.compare.
    compare_runs`), listing only the pairs whose pledge ``viewer`` may see."""
    base = get_run(viewer, run_id, with_documents=True)
    other = get_run(viewer, other_id, with_documents=True)
    for run in (base, other):
        if run.status != PlanRunStatus.SUCCEEDED:
            raise ValidationError(
                {"run": f"Plan run {run.number} is {run.status}: only succeeded runs have plans to compare."}
            )
    result = compare_runs(base.snapshot or {}, base.plan or {}, other.snapshot or {}, other.plan or {})
    if not is_coordinator(viewer):
        references = {pair["pledge"] for pair in result["pairs"]}
        visible = set(
            Pledge.objects.filter(reference__in=references)
            .filter(pledge_visibility_q(viewer))
            .values_list("reference", flat=True)
        )
        result["pairs"] = [pair for pair in result["pairs"] if pair["pledge"] in visible]
    result["run"] = {"id": base.pk, "number": base.number}
    result["other"] = {"id": other.pk, "number": other.number}
    return result


def _proposal_scope(viewer: Any) -> QuerySet[Proposal]:
    require(is_signed_in(viewer), "Sign in to read proposals.")
    proposals = Proposal.objects.select_related(
        "run", "pledge", "pledge__item", "requirement", "allocation", "decided_by"
    ).defer("run__snapshot", "run__plan", "run__summary")  # a proposal names its run; its documents stay put
    if is_coordinator(viewer):
        return proposals
    nation = getattr(viewer, "nation_id", None)
    require(
        getattr(viewer, "role", None) == Role.DONOR_LIAISON and nation is not None,
        "Proposals are addressed to donor nations: only their donor liaisons and the coordinators read them.",
    )
    return proposals.filter(pledge__donor_id=nation)


def list_proposals(
    viewer: Any, *, status: str | None = None, run_id: int | None = None, donor: str | None = None
) -> QuerySet[Proposal]:
    """Proposals addressed to the viewer's nation (all of them for coordinators), optionally filtered."""
    proposals = _proposal_scope(viewer)
    if status:
        proposals = proposals.filter(status=status)
    if run_id is not None:
        proposals = proposals.filter(run_id=run_id)
    if donor:
        proposals = proposals.filter(pledge__donor_id=donor)
    return proposals


def get_proposal(viewer: Any, proposal_id: int) -> Proposal:
    """One proposal the viewer may read; NotFound for another nation's (its existence is not revealed)."""
    try:
        return _proposal_scope(viewer).get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise NotFound("Proposal", proposal_id) from None


def list_locks(viewer: Any, *, active: bool | None = True) -> QuerySet[AllocationLock]:
    """The coordinators' locks (active ones by default)."""
    require(is_coordinator(viewer), "Only coordinators read and manage locks.")
    locks = AllocationLock.objects.select_related(
        "pledge", "requirement", "created_by", "released_by", "source_run"
    )
    if active is not None:
        locks = locks.filter(active=active)
    return locks
