"""Capability areas, families of interchangeable items, and items."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from pledgeflow.catalogue.choices import SupplyClass
from pledgeflow.catalogue.fields import NSNField
from pledgeflow.core.models import VersionedModel
from pledgeflow.core.validators import validate_code


class CapabilityArea(models.Model):
    """A capability coalition's area (air defence, artillery, ...); the eleven are loaded by migration."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Family(VersionedModel):
    """Items that can stand in for one another (e.g. 155 mm NATO artillery ammunition).

    A requirement names a family; any active item of it may meet the requirement. Calibres and interceptors
    are separate families: 155 mm and 152 mm shells are not interchangeable.
    """

    code = models.SlugField(
        max_length=64,
        unique=True,
        # SlugField's own validator raises code "invalid"; this message replaces Django's generic one.
        error_messages={
            "invalid": "A family code uses only letters, digits, hyphens and underscores, "
            "e.g. 155mm-artillery-ammunition."
        },
    )
    name = models.CharField(max_length=200)
    capability_area = models.ForeignKey(CapabilityArea, on_delete=models.PROTECT, related_name="families")
    description = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Item(VersionedModel):
    """A catalogue entry: one kind of equipment, ammunition or supply, with its value and mass per unit.

    Items are never deleted: a retired item (``active`` false) stays readable for the pledges that name it.
    """

    code = models.CharField(max_length=64, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="items")
    supply_class = models.CharField(max_length=3, choices=SupplyClass.choices, db_index=True)
    unit_value_eur = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0, message="The unit value in EUR cannot be negative; got %(value)s.")],
    )
    unit_mass_kg = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(0, message="The unit mass in kg cannot be negative; got %(value)s.")],
    )
    nsn = NSNField("NATO Stock Number", null=True, blank=True, unique=True)
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["family", "active"], name="catalogue_item_family_active")]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"
