"""Enumerations of the requirements context: list-version status, priority and requirement status.

The allowed status changes of a requirement live here beside the statuses themselves, so the model, the
services and the documentation (docs/records.md) read one table.
"""

from __future__ import annotations

from django.db import models


class VersionStatus(models.TextChoices):
    """Where a priority-list version stands: edited while draft, frozen once approved."""

    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class Priority(models.IntegerChoices):
    """How urgent a requirement is; 1 is the most urgent (the planner weights it most)."""

    CRITICAL = 1, "Critical"
    HIGH = 2, "High"
    MEDIUM = 3, "Medium"
    ROUTINE = 4, "Routine"


class RequirementStatus(models.TextChoices):
    """Life of one requirement on one priority-list version."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


#: Status changes a requirement may make, from -> allowed targets. Closed and cancelled are final.
REQUIREMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequirementStatus.DRAFT: (RequirementStatus.SUBMITTED, RequirementStatus.CANCELLED),
    RequirementStatus.SUBMITTED: (
        RequirementStatus.APPROVED,
        RequirementStatus.DRAFT,
        RequirementStatus.CANCELLED,
    ),
    RequirementStatus.APPROVED: (RequirementStatus.CLOSED, RequirementStatus.CANCELLED),
    RequirementStatus.CLOSED: (),
    RequirementStatus.CANCELLED: (),
}

#: Statuses whose requirement is still a live need (copied into the next list version).
OPEN_STATUSES: tuple[str, ...] = (RequirementStatus.APPROVED,)

#: Statuses in which the requirement's content (what, how many, where, by when) may still be edited.
EDITABLE_STATUSES: tuple[str, ...] = (
    RequirementStatus.DRAFT,
    RequirementStatus.SUBMITTED,
    RequirementStatus.APPROVED,
)
