"""Locations (depots, hubs, destinations) and the directed routes between them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from pledgeflow.core.models import VersionedModel
from pledgeflow.core.validators import validate_code
from pledgeflow.logistics.choices import LocationKind


class Location(VersionedModel):
    """A place goods leave from, pass through or are handed over at."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    country = models.ForeignKey(
        "nations.Nation", null=True, blank=True, on_delete=models.PROTECT, related_name="locations"
    )
    kind = models.CharField(max_length=16, choices=LocationKind.choices, db_index=True)
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Route(VersionedModel):
    """A directed transport link from one location to another taking ``days`` whole days.

    The planner finds the shortest path over active routes (``pledgeflow.engine.network``).
    """

    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="routes_out")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="routes_in")
    days = models.PositiveIntegerField(
        validators=[MinValueValidator(0, message="Transit days cannot be negative; got %(value)s.")]
    )
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["from_location__code", "to_location__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_location", "to_location"],
                name="logistics_route_unique_pair",
                violation_error_message="A route between these two locations already exists; "
                "update it instead.",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_location=models.F("to_location")),
                name="logistics_route_not_a_loop",
                violation_error_message="A route leads from one location to another; "
                "from and to are the same.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_location_id} -> {self.to_location_id} ({self.days} d)"

    def clean(self) -> None:
        """A route joins two different locations."""
        super().clean()
        if self.from_location_id is not None and self.from_location_id == self.to_location_id:
            raise ValidationError(
                {"to_location": "A route must lead to a different location than the one it starts from."}
            )
