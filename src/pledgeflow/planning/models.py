"""Plan runs, their allocations, the coordinators' locks and the proposals made to donors.

A :class:`PlanRun` plans one snapshot of the record (``snapshot``, a ``pledgeflow/scenario-v1``
document) and stores the plan (``plan``, a ``pledgeflow/plan-v1`` document) and its allocations as rows that
point back at the pledges and requirements. A coordinator may lock a pair (:class:`AllocationLock`): every
later snapshot carries it as a lock. Publishing a run makes each allocation a :class:`Proposal` to the
pledge's donor, who accepts (the units are committed) or declines (the units go back to the pool of the next
run).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pledgeflow.core.models import VersionedModel
from pledgeflow.planning.choices import PlanRunStatus, ProposalStatus


class PlanRun(models.Model):
    """One execution of the planner over a snapshot of the record.

    ``number`` counts runs from 1 (what people call "run 12"). ``progress`` (0-100) and ``progress_message``
    are written by the worker while it plans. A succeeded run holds ``snapshot``, ``plan`` and its
    allocations; a failed run holds ``error`` (and the snapshot when it got that far), never allocations.
    ``previous`` is the succeeded run before this one, the natural run to compare it with.
    """

    number = models.PositiveIntegerField(unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_runs", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        max_length=16, choices=PlanRunStatus.choices, default=PlanRunStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Per cent done, 0-100.",
    )
    progress_message = models.CharField(max_length=200, blank=True, default="")
    task_id = models.CharField(
        max_length=64, blank=True, default="", help_text="The id of the background task that plans this run."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    snapshot = models.JSONField(null=True, blank=True, help_text="The scenario document planned.")
    list_version = models.CharField(
        max_length=32, blank=True, default="", help_text="The label of the priority-list version planned."
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text="What the snapshot left out and why (locks not applied, needs covered).",
    )
    scenario_sha256 = models.CharField(max_length=64, blank=True, default="")
    plan = models.JSONField(
        null=True, blank=True, encoder=DjangoJSONEncoder, help_text="The plan-v1 document."
    )
    summary = models.JSONField(
        null=True,
        blank=True,
        help_text="What the plan achieves per priority beside the baseline (read without the whole plan).",
    )
    objective = models.BigIntegerField(null=True, blank=True)
    baseline_objective = models.BigIntegerField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_plan_runs",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="planning_run_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(status=PlanRunStatus.SUCCEEDED),
                name="planning_run_published_only_if_succeeded",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan run {self.number} ({self.status})"

    def clean(self) -> None:
        """A run is published only once it has succeeded."""
        super().clean()
        if self.published and self.status != PlanRunStatus.SUCCEEDED:
            raise ValidationError(
                {"published": f"Only a succeeded run can be published; run {self.number} is {self.status}."}
            )


class PlanAllocation(models.Model):
    """Units of one pledge a run assigned to one requirement, with their arrival and days late.

    ``locked`` says the pair entered the run's snapshot as a lock (a coordinator's lock or an accepted
    proposal), so the planner had to keep at least the locked quantity on it.
    """

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="allocations")
    pledge = models.ForeignKey("pledges.Pledge", on_delete=models.PROTECT, related_name="plan_allocations")
    requirement = models.ForeignKey(
        "requirements.Requirement", on_delete=models.PROTECT, related_name="plan_allocations"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    arrival = models.DateField()
    days_late = models.PositiveIntegerField(default=0)
    locked = models.BooleanField(default=False)
    locked_quantity = models.PositiveIntegerField(
        default=0, help_text="The quantity the snapshot's lock guaranteed on this pair (0 when not locked)."
    )

    class Meta:
        ordering = ["run_id", "pledge_id", "requirement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "pledge", "requirement"], name="planning_alloc_unique_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="planning_alloc_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id}: {self.pledge_id} -> {self.requirement_id} x {self.quantity}"


class AllocationLock(models.Model):
    """A quantity a coordinator guaranteed on a pledge-requirement pair: every later run keeps at least it.

    Locks are released (``active`` false, with who and when), never deleted. At most one lock per pair is
    active.
    """

    pledge = models.ForeignKey("pledges.Pledge", on_delete=models.PROTECT, related_name="allocation_locks")
    requirement = models.ForeignKey(
        "requirements.Requirement", on_delete=models.PROTECT, related_name="allocation_locks"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    source_run = models.ForeignKey(
        PlanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="locks_made"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["pledge_id", "requirement_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "requirement"],
                condition=models.Q(active=True),
                name="planning_lock_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="planning_lock_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.active else "released"
        return (
            f"lock pledge {self.pledge_id} -> requirement {self.requirement_id} x {self.quantity} ({state})"
        )


class Proposal(VersionedModel):
    """A published allocation awaiting the donor's decision: commit ``quantity`` of the pledge to the need.

    Accepting commits exactly that quantity (and moves an offered pledge to committed); declining releases it
    for the next run; publishing a newer run supersedes the proposals still open.
    """

    run = models.ForeignKey(PlanRun, on_delete=models.PROTECT, related_name="proposals")
    allocation = models.OneToOneField(PlanAllocation, on_delete=models.PROTECT, related_name="proposal")
    pledge = models.ForeignKey("pledges.Pledge", on_delete=models.PROTECT, related_name="proposals")
    requirement = models.ForeignKey(
        "requirements.Requirement", on_delete=models.PROTECT, related_name="proposals"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-run_id", "pledge_id", "requirement_id", "id"]
        indexes = [models.Index(fields=["pledge", "status"], name="planning_prop_pledge_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="planning_prop_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk}: {self.pledge_id} -> {self.requirement_id} x {self.quantity}"
