"""Enumerations of the planning context: the life of a plan run and of a proposal."""

from __future__ import annotations

from django.db import models


class PlanRunStatus(models.TextChoices):
    """Where a plan run stands. A run is queued when started, running while the worker plans it, and ends
    succeeded (plan and allocations stored) or failed (the error stored, no allocations)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


#: Statuses in which a run is still working; a run in one of them has no allocations yet.
ACTIVE_RUN_STATUSES: tuple[str, ...] = (PlanRunStatus.QUEUED, PlanRunStatus.RUNNING)


class ProposalStatus(models.TextChoices):
    """Life of a proposal: made when a run is published, then decided by the donor or superseded."""

    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded"


#: Proposal status changes, from -> allowed targets. Accepted, declined and superseded are final.
PROPOSAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProposalStatus.PROPOSED: (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.SUPERSEDED),
    ProposalStatus.ACCEPTED: (),
    ProposalStatus.DECLINED: (),
    ProposalStatus.SUPERSEDED: (),
}
