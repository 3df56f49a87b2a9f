"""Pledges: what a donor offers, where it stands on its milestones, and who may see it.

A :class:`Pledge`'s ``status`` is its current milestone; :class:`PledgeMilestone` is the log of every
milestone reached and every slip of its availability date, each with who recorded it and when. The state
machine lives in :mod:`pledgeflow.pledges.choices` (``TRANSITIONS``) and is enforced by
:mod:`pledgeflow.pledges.services`; docs/records.md describes it for users.

Each pledge carries its originator's sharing label (TLP 2.0) and "releasable to" nations;
:mod:`pledgeflow.pledges.selectors` applies them to every list, filter, count and look-up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.models import VersionedModel
from pledgeflow.nations.choices import NationKind
from pledgeflow.pledges.choices import Channel, MilestoneKind, PledgeStatus, ReceiptCondition, Source

#: The largest quantity a pledge may offer (the scenario format's bound).
MAX_QUANTITY = 1_000_000_000

validate_pledge_reference = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:/+-]*\Z",
    message="A pledge reference starts with a letter or digit and uses only letters, digits and "
    ". _ : / + - (no spaces), e.g. DEU-0007; got %(value)r.",
    code="invalid_reference",
)


class Pledge(VersionedModel):
    """A donor's offer of ``quantity`` units of one item, available at ``origin`` from ``available``.

    ``available`` is the current availability date: a slip replaces it and keeps the old one in the milestone
    log. ``allowed_destinations`` empty means the donor allows any destination. ``status`` is the latest
    milestone reached. ``quantity_received`` is what the recipient confirmed on receipt.
    """

    reference = models.CharField(max_length=32, unique=True, validators=[validate_pledge_reference])
    donor = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, related_name="pledges")
    item = models.ForeignKey("catalogue.Item", on_delete=models.PROTECT, related_name="pledges")
    quantity = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="The quantity must be at least 1; got %(value)s."),
            MaxValueValidator(MAX_QUANTITY, message="The quantity may be at most 1000000000; got %(value)s."),
        ]
    )
    available = models.DateField(db_index=True, help_text="The day the goods can leave the origin.")
    origin = models.ForeignKey("logistics.Location", on_delete=models.PROTECT, related_name="pledges_from")
    allowed_destinations = models.ManyToManyField(
        "logistics.Location",
        blank=True,
        related_name="pledges_allowed_to",
        help_text="Destinations the donor allows; none means any.",
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STOCK, db_index=True)
    channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.BILATERAL, db_index=True
    )
    sharing_label = models.CharField(
        max_length=16,
        choices=SharingLabel.choices,
        # Unlabelled means need-to-know: the donor, the coordinators and the nations it is released to.
        default=SharingLabel.AMBER,
        db_index=True,
    )
    releasable_to = models.ManyToManyField(
        "nations.Nation",
        blank=True,
        related_name="pledges_releasable",
        help_text="Nations that may see an AMBER pledge besides the donor and the coordinators.",
    )
    status = models.CharField(
        max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.OFFERED, db_index=True
    )
    quantity_received = models.PositiveIntegerField(
        null=True, blank=True, help_text="The quantity the recipient confirmed on receipt."
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="pledges_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(quantity_received__isnull=True)
                | models.Q(quantity_received__lte=models.F("quantity")),
                name="pledges_received_at_most_pledged",
            ),
        ]
        indexes = [
            models.Index(fields=["donor", "status"], name="pledges_donor_status"),
            models.Index(fields=["item", "status"], name="pledges_item_status"),
            models.Index(fields=["status", "available"], name="pledges_status_available"),
            models.Index(fields=["sharing_label", "donor"], name="pledges_label_donor"),
            # A donor-filtered list in the default order (reference) walks this, not every earlier donor.
            models.Index(fields=["donor", "reference"], name="pledges_donor_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.quantity} x {self.item_id}, {self.status})"

    def clean(self) -> None:
        """The donor gives (it is not a recipient); a new pledge names an active item and origin."""
        super().clean()
        errors: dict[str, str] = {}
        if self.donor_id is not None and self.donor.kind == NationKind.RECIPIENT:
            errors["donor"] = (
                f"{self.donor_id} is a recipient; a pledge's donor is an ally, a partner or an organisation."
            )
        if self.pk is None:
            if self.item_id is not None and not self.item.active:
                errors["item"] = f"Item {self.item.code!r} is retired; pledge an active item."
            if self.origin_id is not None and not self.origin.active:
                errors["origin"] = f"Location {self.origin.code!r} is retired; choose an active origin."
        if errors:
            raise ValidationError(errors)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Refused: pledges are never deleted, so the record stays truthful. Withdraw the pledge instead."""
        raise PermissionDenied(
            f"Pledge {self.reference} cannot be deleted: withdraw it instead (its history is kept)."
        )


class PledgeMilestone(models.Model):
    """One entry of a pledge's milestone log: a status reached (``milestone``) or a slip of its date.

    ``on`` is the day it happened; ``recorded_by``/``recorded_at`` who entered it and when. A slip keeps the
    availability date before (``old_date``) and after (``new_date``). A receipt keeps the quantity found and
    its condition. Entries are never changed or deleted.
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="milestones")
    milestone = models.CharField(max_length=16, choices=MilestoneKind.choices, db_index=True)
    on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, default="")
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    quantity_received = models.PositiveIntegerField(null=True, blank=True)
    condition = models.CharField(max_length=16, choices=ReceiptCondition.choices, blank=True, default="")

    class Meta:
        ordering = ["pledge_id", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["pledge", "recorded_at"], name="pledges_milestone_pledge_at"),
            models.Index(fields=["milestone", "on"], name="pledges_milestone_kind_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(milestone=MilestoneKind.SLIPPED)
                | models.Q(old_date__isnull=False, new_date__isnull=False),
                name="pledges_slip_keeps_both_dates",
                violation_error_message="A slip records the availability date before and after.",
            ),
            models.CheckConstraint(
                condition=~models.Q(milestone=MilestoneKind.RECEIVED)
                | (models.Q(quantity_received__isnull=False) & ~models.Q(condition="")),
                name="pledges_receipt_has_quantity_and_condition",
                violation_error_message="A receipt records the quantity found and its condition.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.milestone} on {self.on:%Y-%m-%d}"
