"""API schemas of the planning context: plan runs, allocations, comparisons, locks and proposals.

Pledges and requirements are named by their references (``DEU-0007``, ``UKR-AD-0042``), as in the snapshot and
the plan documents; their database ids are given beside them for links.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from pledgeflow.core.api_support import InputSchema
from pledgeflow.planning.choices import PlanRunStatus, ProposalStatus


class RunStartedOut(Schema):
    """A plan run accepted for planning in the background: poll ``/plan-runs/{id}`` for its progress."""

    id: int
    number: int
    status: PlanRunStatus
    progress: int


class PrioritySummary(Schema):
    """Units of one priority: required, sent on time, sent late, left unmet."""

    required: int = 0
    on_time: int = 0
    late: int = 0
    unmet: int = 0


class RunSummary(Schema):
    """What the plan achieves, per priority ("1" critical .. "4" routine), beside first-come-first-served."""

    by_priority: dict[str, PrioritySummary]
    baseline_by_priority: dict[str, PrioritySummary]
    allocations: int = Field(description="Pledge-requirement pairs with units assigned.")
    units_unmet: int
    units_unallocated: int


class RunOut(Schema):
    """A plan run: where it stands and, once succeeded, what its plan achieves.

    ``error``, ``notes`` and ``scenario_sha256`` are given to coordinators only, since they name pledges.
    """

    id: int
    number: int
    status: PlanRunStatus
    progress: int = Field(description="Per cent done, 0-100.")
    progress_message: str
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    list_version: str = Field(description="The priority-list version planned.")
    objective: int | None
    baseline_objective: int | None = Field(description="The objective of first-come-first-served.")
    improvement: int | None = Field(description="How much lower the objective is than the baseline's.")
    allocation_count: int
    previous: int | None = Field(description="The id of the succeeded run before this one, to compare with.")
    published: bool
    published_at: datetime | None
    published_by: str | None
    error: str = Field("", description="Why the run failed (coordinators only).")
    notes: list[str] = Field(default_factory=list, description="What the snapshot left out (coordinators).")
    scenario_sha256: str = ""
    summary: RunSummary | None = Field(None, description="On the run's own page once it has succeeded.")


class RunFilters(Schema):
    """Filters of the plan-run list."""

    status: PlanRunStatus | None = None


class AllocationOut(Schema):
    """Units of one pledge a run assigned to one requirement."""

    id: int
    run: int
    pledge: str
    pledge_id: int
    donor: str
    item: str
    requirement: str
    requirement_id: int
    priority: int
    need_by: date
    quantity: int
    arrival: date
    days_late: int
    locked: bool = Field(description="The pair entered the run's snapshot as a lock.")
    locked_quantity: int


class AllocationFilters(Schema):
    """Filters of a run's allocations."""

    donor: str | None = Field(None, description="A donor nation code.")
    requirement: str | None = Field(None, description="A requirement reference.")
    pledge: str | None = Field(None, description="A pledge reference.")
    locked: bool | None = None


class RunRef(Schema):
    """A run named in a comparison."""

    id: int
    number: int


class PairChange(Schema):
    """One pledge-requirement pair whose allocation changed between two runs, and why."""

    pledge: str
    requirement: str
    change: Literal["added", "removed", "changed"]
    quantity_before: int
    quantity_after: int
    delta: int
    priority: int | None
    days_late_before: int | None
    days_late_after: int | None
    reasons: list[str]


class CountDelta(Schema):
    """A count before, after, and the difference."""

    before: int
    after: int
    delta: int


class CompareSummary(Schema):
    """Objectives and per-priority units (on time, late, unmet, required) of both runs."""

    objective_before: int | None
    objective_after: int | None
    objective_delta: int | None
    by_priority: dict[str, dict[str, CountDelta]]


class CompareOut(Schema):
    """What changed from ``run`` to ``other``: each pair that moved (that the viewer may see), the totals."""

    run: RunRef
    other: RunRef
    pairs: list[PairChange]
    summary: CompareSummary


class LockIn(InputSchema):
    """Lock an allocation: every later run keeps at least ``quantity`` on its pair (default: all of it)."""

    quantity: int | None = Field(None, ge=1)


class UnlockIn(InputSchema):
    """Release the lock on an allocation's pair."""

    reason: str = Field("", max_length=300)


class LockOut(Schema):
    """A coordinator's lock on a pledge-requirement pair."""

    id: int
    pledge: str
    pledge_id: int
    requirement: str
    requirement_id: int
    quantity: int
    active: bool
    source_run: int | None
    created_by: str
    created_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str


class ProposalOut(Schema):
    """A published allocation awaiting (or after) the donor's decision."""

    id: int
    run: int
    run_number: int
    pledge: str
    pledge_id: int
    donor: str
    item: str
    requirement: str
    requirement_id: int
    priority: int
    need_by: date
    quantity: int
    arrival: date
    days_late: int
    status: ProposalStatus
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    version: int
    created_at: datetime


class ProposalFilters(Schema):
    """Filters of the proposal list."""

    status: ProposalStatus | None = None
    run: int | None = Field(None, ge=1, le=2**63 - 1, description="A plan run id.")
    donor: str | None = Field(None, description="A donor nation code (coordinators).")


class AcceptIn(InputSchema):
    """Accept a proposal; ``version`` (or If-Match), when given, must be the proposal's current one."""

    version: int | None = None


class DeclineIn(InputSchema):
    """Decline a proposal, optionally saying why; the units return to the next run's pool."""

    reason: str = Field("", max_length=2000)
    version: int | None = None


def run_out(run: Any, *, details: bool, summary: bool = False) -> dict[str, Any]:
    """The API view of a run; ``details`` adds what coordinators alone read, ``summary`` the plan figures."""
    improvement = (
        run.baseline_objective - run.objective
        if run.objective is not None and run.baseline_objective is not None
        else None
    )
    out: dict[str, Any] = {
        "id": run.pk,
        "number": run.number,
        "status": run.status,
        "progress": run.progress,
        "progress_message": run.progress_message,
        "created_by": run.created_by.username,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "list_version": run.list_version,
        "objective": run.objective,
        "baseline_objective": run.baseline_objective,
        "improvement": improvement,
        "allocation_count": getattr(run, "allocation_count", 0),
        "previous": run.previous_id,
        "published": run.published,
        "published_at": run.published_at,
        "published_by": run.published_by.username if run.published_by_id else None,
    }
    if details:
        out["error"] = run.error
        out["notes"] = list(run.notes or [])
        out["scenario_sha256"] = run.scenario_sha256
    elif run.error:
        out["error"] = "The run failed; a coordinator can read why."
    if summary and run.summary:
        out["summary"] = run.summary
    return out


def allocation_out(a: Any) -> dict[str, Any]:
    """The API view of an allocation (pledge, pledge__item and requirement selected)."""
    return {
        "id": a.pk,
        "run": a.run_id,
        "pledge": a.pledge.reference,
        "pledge_id": a.pledge_id,
        "donor": a.pledge.donor_id,
        "item": a.pledge.item.code,
        "requirement": a.requirement.reference,
        "requirement_id": a.requirement_id,
        "priority": a.requirement.priority,
        "need_by": a.requirement.need_by,
        "quantity": a.quantity,
        "arrival": a.arrival,
        "days_late": a.days_late,
        "locked": a.locked,
        "locked_quantity": a.locked_quantity,
    }


def lock_out(lock: Any) -> dict[str, Any]:
    """The API view of a lock."""
    return {
        "id": lock.pk,
        "pledge": lock.pledge.reference,
        "pledge_id": lock.pledge_id,
        "requirement": lock.requirement.reference,
        "requirement_id": lock.requirement_id,
        "quantity": lock.quantity,
        "active": lock.active,
        "source_run": lock.source_run_id,
        "created_by": lock.created_by.username,
        "created_at": lock.created_at,
        "released_by": lock.released_by.username if lock.released_by_id else None,
        "released_at": lock.released_at,
        "release_reason": lock.release_reason,
    }


def proposal_out(p: Any) -> dict[str, Any]:
    """The API view of a proposal (run, pledge, pledge__item, requirement, allocation selected)."""
    return {
        "id": p.pk,
        "run": p.run_id,
        "run_number": p.run.number,
        "pledge": p.pledge.reference,
        "pledge_id": p.pledge_id,
        "donor": p.pledge.donor_id,
        "item": p.pledge.item.code,
        "requirement": p.requirement.reference,
        "requirement_id": p.requirement_id,
        "priority": p.requirement.priority,
        "need_by": p.requirement.need_by,
        "quantity": p.quantity,
        "arrival": p.allocation.arrival,
        "days_late": p.allocation.days_late,
        "status": p.status,
        "decided_by": p.decided_by.username if p.decided_by_id else None,
        "decided_at": p.decided_at,
        "reason": p.reason,
        "version": p.version,
        "created_at": p.created_at,
    }
