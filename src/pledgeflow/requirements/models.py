"""The recipient's prioritised requirement list, revised monthly: list versions and the requirements on them.

A :class:`PriorityListVersion` is edited while it is a draft and frozen once approved; the next month's
version starts as a copy of the current one's open requirements. A :class:`Requirement` belongs to one
version; its ``reference`` (e.g. ``UKR-AD-0042``) stays the same on every version it is copied to, so plans,
proposals and reports can follow one need across months.

The foreign key to the version is named ``list_version`` because ``version`` is the record's own edit counter
(:class:`pledgeflow.core.models.VersionedModel`), which every update names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.models import VersionedModel
from pledgeflow.requirements.choices import Priority, RequirementStatus, VersionStatus

#: The largest quantity a requirement may ask for (the scenario format's bound).
MAX_QUANTITY = 1_000_000_000

validate_reference = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:/+-]*\Z",
    message="A requirement reference starts with a letter or digit and uses only letters, digits and "
    ". _ : / + - (no spaces), e.g. UKR-AD-0042; got %(value)r.",
    code="invalid_reference",
)

validate_version_label = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._ /+-]*\Z",
    message="A list version label starts with a letter or digit, e.g. 2026-11; got %(value)r.",
    code="invalid_label",
)


class PriorityListVersion(models.Model):
    """One version of the recipient's prioritised requirement list (e.g. ``2026-11``).

    Numbered 1, 2, 3, ... in the order they were started. At most one version is a draft at a time. The
    *current* version is the approved one with the highest number; older approved versions stay readable,
    unchanged. An approved version's requirements keep what they ask for; only their lifecycle (closed when
    met, cancelled when the need lapses) still moves.
    """

    number = models.PositiveIntegerField(unique=True, validators=[MinValueValidator(1)])
    label = models.CharField(max_length=32, unique=True, validators=[validate_version_label])
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT, db_index=True
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
        help_text="The approved version whose open requirements this one started from.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="requirements_one_draft_version",
                violation_error_message="Another priority-list version is already a draft; approve it first.",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT) | models.Q(approved_at__isnull=False),
                name="requirements_approved_version_has_date",
                violation_error_message="An approved list version records when it was approved.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (v{self.number}, {self.status})"

    @property
    def is_approved(self) -> bool:
        """True once the version is approved (and therefore frozen)."""
        return self.status == VersionStatus.APPROVED


class Requirement(VersionedModel):
    """One need on one version of the list: a family (or one item of it), how many, where, by when.

    ``capability_area`` is the family's area (filled in from the family when not given). ``package_code``
    names the capability package the requirement belongs to, if any (the training context links it).
    """

    reference = models.CharField(max_length=32, validators=[validate_reference], db_index=True)
    list_version = models.ForeignKey(
        PriorityListVersion, on_delete=models.PROTECT, related_name="requirements"
    )
    family = models.ForeignKey("catalogue.Family", on_delete=models.PROTECT, related_name="requirements")
    item = models.ForeignKey(
        "catalogue.Item",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
        help_text="When given, only this item will do; it must belong to the family.",
    )
    quantity = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="The quantity must be at least 1; got %(value)s."),
            MaxValueValidator(MAX_QUANTITY, message="The quantity may be at most 1000000000; got %(value)s."),
        ]
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, db_index=True)
    need_by = models.DateField(db_index=True)
    destination = models.ForeignKey(
        "logistics.Location", on_delete=models.PROTECT, related_name="requirements"
    )
    capability_area = models.ForeignKey(
        "catalogue.CapabilityArea", on_delete=models.PROTECT, related_name="requirements"
    )
    justification = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=16, choices=RequirementStatus.choices, default=RequirementStatus.DRAFT, db_index=True
    )
    package_code = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
        help_text="The same requirement on the version this one was copied from.",
    )

    class Meta:
        ordering = ["list_version_id", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["list_version", "reference"],
                name="requirements_reference_unique_per_version",
                violation_error_message="This reference is already used on this list version.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="requirements_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="requirements_priority_1_to_4"
            ),
        ]
        indexes = [
            models.Index(fields=["list_version", "status"], name="requirements_version_status"),
            models.Index(fields=["list_version", "priority", "need_by"], name="requirements_version_prio"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.quantity} x {self.family_id}, priority {self.priority})"

    def clean(self) -> None:
        """A specific item belongs to the family; the capability area is the family's (filled in if empty)."""
        super().clean()
        errors: dict[str, str] = {}
        family = self.family if self.family_id is not None else None
        if family is not None:
            if self.item_id is not None and self.item.family_id != family.pk:
                errors["item"] = (
                    f"Item {self.item.code!r} belongs to family {self.item.family.code!r}, not to "
                    f"{family.code!r}: choose an item of {family.code!r} or leave the item out."
                )
            if self.capability_area_id is None:
                self.capability_area_id = family.capability_area_id
            elif self.capability_area_id != family.capability_area_id:
                errors["capability_area"] = (
                    f"Family {family.code!r} is in capability area {family.capability_area.code!r}; the "
                    f"requirement's capability area must be the same (or left out)."
                )
        if errors:
            raise ValidationError(errors)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: requirements are never deleted, so the record stays truthful. Cancel it instead."""
        raise PermissionDenied(
            f"Requirement {self.reference} cannot be deleted: cancel it instead (its history is kept)."
        )

    def clean_fields(self, exclude: object = None) -> None:
        """Fill in the capability area from the family before fields are checked, so it may be left out."""
        if self.capability_area_id is None and self.family_id is not None:
            self.capability_area_id = self.family.capability_area_id
        super().clean_fields(exclude=exclude)  # type: ignore[arg-type]
