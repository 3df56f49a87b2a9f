"""Training records: skills, courses offered by host nations, their sessions, the recipient's cohorts,
capability packages, and what plan runs made of them (assignments, proposals to hosts, package readiness).

Nothing here is deleted: skills, courses and packages are retired, sessions and cohorts cancelled, proposals
decided or superseded. Every change goes through :mod:`pledgeflow.training.services`, which writes the change
history in the same transaction. Courses and sessions carry their originator's (the host nation's) sharing
label and "releasable to" nations, like pledges; :mod:`pledgeflow.training.selectors` applies them.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.models import VersionedModel
from pledgeflow.core.validators import validate_code
from pledgeflow.training.choices import (
    ISO_639_1,
    CohortStatus,
    Priority,
    SessionStatus,
    TrainingProposalStatus,
)

#: The largest seat count, cohort size or duration the scenario format accepts.
MAX_COUNT = 1_000_000_000
#: The longest course, in days (ten years: anything longer is a typing error).
MAX_DURATION_DAYS = 3650


def validate_language(value: str) -> None:
    """A language is an ISO 639-1 code: two lowercase letters such as en, fr, uk, de or pl."""
    if value not in ISO_639_1:
        raise ValidationError(
            "%(value)r is not an ISO 639-1 language code; use two lowercase letters such as en, fr, uk, de "
            "or pl.",
            code="invalid_language",
            params={"value": value},
        )


def _no_delete(record: models.Model, instead: str) -> None:
    raise PermissionDenied(
        f"{record._meta.verbose_name.capitalize()} {getattr(record, 'code', record.pk)} cannot be deleted: "
        f"{instead} (its history is kept)."
    )


class Skill(VersionedModel):
    """A skill crews are trained in (e.g. ``patriot-launcher-crew``), with the skills it requires first.

    ``prerequisites`` form an acyclic graph; the services refuse a change that would close a cycle, naming it.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by", help_text="Skills needed first."
    )
    description = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: retire the skill instead."""
        _no_delete(self, "retire it instead")
        raise AssertionError("unreachable")


class Course(VersionedModel):
    """A course a host nation offers: it teaches one ``skill`` in one ``language``; every session of it lasts
    ``duration_days`` and seats ``seats`` trainees. Training seats are pledges too: valued at
    ``cost_per_seat_eur`` they count towards the host's contribution.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="courses")
    host = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, related_name="courses_hosted")
    language = models.CharField(max_length=2, validators=[validate_language], db_index=True)
    duration_days = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="A course lasts at least 1 day; got %(value)s."),
            MaxValueValidator(MAX_DURATION_DAYS, message="A course lasts at most 3650 days; got %(value)s."),
        ]
    )
    seats = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="A session has at least 1 seat; got %(value)s."),
            MaxValueValidator(MAX_COUNT, message="A session has at most 1000000000 seats; got %(value)s."),
        ],
        help_text="Seats per session.",
    )
    cost_per_seat_eur = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="The cost per seat cannot be negative; got %(value)s.")],
    )
    sharing_label = models.CharField(
        max_length=16, choices=SharingLabel.choices, default=SharingLabel.AMBER, db_index=True
    )
    releasable_to = models.ManyToManyField(
        "nations.Nation",
        blank=True,
        related_name="courses_releasable",
        help_text="Nations that may see an AMBER course besides its host and the coordinators.",
    )
    note = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["sharing_label", "host"], name="training_course_label_host")]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="training_course_seats_positive"),
            models.CheckConstraint(
                condition=models.Q(duration_days__gte=1), name="training_course_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.host_id}, {self.language})"

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: retire the course instead."""
        _no_delete(self, "retire it instead")
        raise AssertionError("unreachable")


class TrainingSession(VersionedModel):
    """One run of a course, from ``start`` to ``start + duration_days`` (its :attr:`end`).

    It carries its own sharing label (by default its course's when created); a user sees a session when both
    the session and its course are visible to them.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    start = models.DateField(db_index=True)
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED, db_index=True
    )
    sharing_label = models.CharField(
        max_length=16, choices=SharingLabel.choices, default=SharingLabel.AMBER, db_index=True
    )
    releasable_to = models.ManyToManyField(
        "nations.Nation", blank=True, related_name="training_sessions_releasable"
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = "session"
        indexes = [models.Index(fields=["status", "start"], name="training_session_status_start")]

    def __str__(self) -> str:
        return f"{self.code} ({self.course_id}, {self.start:%Y-%m-%d})"

    @property
    def end(self) -> _dt.date:
        """The day the session ends: its start plus its course's duration."""
        return self.start + _dt.timedelta(days=self.course.duration_days)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: cancel the session instead."""
        _no_delete(self, "cancel it instead")
        raise AssertionError("unreachable")


class CapabilityPackage(VersionedModel):
    """Equipment and crews that make one capability (e.g. a Patriot battery): the requirements whose
    ``package_code`` names this package and the cohorts whose ``package`` is it.

    ``needs_retiming`` is set when a pledge allocated to one of its requirements slips (``retiming_reason``
    says which, ``retiming_since`` when); the next plan run that plans the package clears it.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.HIGH)
    need_by = models.DateField()
    nation = models.ForeignKey(
        "nations.Nation",
        on_delete=models.PROTECT,
        related_name="capability_packages",
        help_text="The recipient nation whose capability this is.",
    )
    note = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True, db_index=True)
    needs_retiming = models.BooleanField(default=False, db_index=True, editable=False)
    retiming_reason = models.TextField(blank=True, default="", editable=False)
    retiming_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "capability package"

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: retire the package instead."""
        _no_delete(self, "retire it instead")
        raise AssertionError("unreachable")


class Cohort(VersionedModel):
    """A crew or trainee group of the recipient: ``size`` people who must reach ``skill`` in ``language`` by
    ``ready_by``, already holding the ``held`` skills, optionally part of a capability ``package``.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200, blank=True, default="")
    nation = models.ForeignKey(
        "nations.Nation", on_delete=models.PROTECT, related_name="cohorts", help_text="The recipient nation."
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="cohorts_aiming")
    size = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="A cohort has at least 1 person; got %(value)s."),
            MaxValueValidator(MAX_COUNT, message="A cohort has at most 1000000000 people; got %(value)s."),
        ]
    )
    language = models.CharField(max_length=2, validators=[validate_language], db_index=True)
    ready_by = models.DateField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.HIGH)
    held = models.ManyToManyField(Skill, blank=True, related_name="cohorts_holding")
    package = models.ForeignKey(
        CapabilityPackage, null=True, blank=True, on_delete=models.PROTECT, related_name="cohorts"
    )
    status = models.CharField(
        max_length=16, choices=CohortStatus.choices, default=CohortStatus.PLANNED, db_index=True
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=1), name="training_cohort_size_positive"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="training_cohort_priority_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.size} x {self.skill_id}, {self.status})"

    def clean(self) -> None:
        """A cohort belongs to packages of its own nation only: crews make one nation's capability."""
        super().clean()
        if self.package_id is not None and self.nation_id is not None:
            owner = (
                CapabilityPackage.objects.filter(pk=self.package_id)
                .values_list("nation_id", flat=True)
                .first()
            )
            if owner is not None and owner != self.nation_id:
                raise ValidationError(
                    {
                        "package": f"Package {self.package.code} is a capability of {owner}, not of "
                        f"{self.nation_id}: choose one of {self.nation_id}'s packages."
                    }
                )

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: cancel the cohort instead."""
        _no_delete(self, "cancel it instead")
        raise AssertionError("unreachable")


class TrainingAssignment(models.Model):
    """One session a plan run assigned to a cohort (``sequence`` orders the cohort's sessions), with the
    cohort's completion and days late against its effective ready-by, as the plan says them.
    """

    run = models.ForeignKey("planning.PlanRun", on_delete=models.CASCADE, related_name="training_assignments")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="assignments")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="assignments")
    sequence = models.PositiveSmallIntegerField(default=1)
    completion = models.DateField()
    days_late = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run_id", "cohort_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["run", "cohort", "session"], name="training_assign_unique"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id}: cohort {self.cohort_id} -> session {self.session_id}"


class PackageReadiness(models.Model):
    """A plan run's readiness of one package: the date it is complete (null: never), days late against its
    need-by, and the requirement or cohort that sets that date (its bottleneck).
    """

    run = models.ForeignKey("planning.PlanRun", on_delete=models.CASCADE, related_name="package_readiness")
    package = models.ForeignKey(CapabilityPackage, on_delete=models.PROTECT, related_name="readiness")
    readiness = models.DateField(null=True, blank=True)
    days_late = models.PositiveIntegerField(null=True, blank=True)
    bottleneck_kind = models.CharField(max_length=16, blank=True, default="")
    bottleneck = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["run_id", "package_id"]
        verbose_name_plural = "package readiness"
        constraints = [
            models.UniqueConstraint(fields=["run", "package"], name="training_readiness_unique"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id}: package {self.package_id} ready {self.readiness or 'never'}"


class TrainingProposal(VersionedModel):
    """A published training assignment awaiting the host nation's decision: seat the cohort (``seats``
    people) in the session. Accepting books the seats; declining frees them for the next run.
    """

    run = models.ForeignKey("planning.PlanRun", on_delete=models.PROTECT, related_name="training_proposals")
    assignment = models.OneToOneField(TrainingAssignment, on_delete=models.PROTECT, related_name="proposal")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="proposals")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="proposals")
    host = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, related_name="training_proposals")
    seats = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(
        max_length=16,
        choices=TrainingProposalStatus.choices,
        default=TrainingProposalStatus.PROPOSED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-run_id", "session_id", "cohort_id", "id"]
        indexes = [
            models.Index(fields=["host", "status"], name="training_prop_host_status"),
            models.Index(fields=["session", "status"], name="training_prop_session_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="training_prop_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"training proposal {self.pk}: cohort {self.cohort_id} in session {self.session_id}"


def now() -> _dt.datetime:
    """The current time (a seam for tests)."""
    return timezone.now()
