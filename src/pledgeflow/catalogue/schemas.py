"""API schemas of the catalogue: capability areas, families of interchangeable items, items.

Records refer to one another by code (an item's ``family`` is the family's code), in answers and in requests.
Money and masses are decimal strings, so no figure is rounded on its way through JSON.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from pledgeflow.catalogue.choices import SupplyClass
from pledgeflow.core.api_support import InputSchema, StateFilter, state_field, version_field


class CapabilityAreaOut(Schema):
    """A capability coalition's area (air defence, artillery, ...)."""

    code: str = Field(examples=["air-defence"])
    name: str = Field(examples=["Air defence"])


class FamilyOut(Schema):
    """Items that can stand in for one another; requirements name a family."""

    id: int
    code: str = Field(examples=["155mm-artillery-ammunition"])
    name: str
    capability_area: str = Field(description="The capability area's code.")
    description: str
    active: bool = Field(description="False once retired: no new items or requirements name it.")
    version: int

    @staticmethod
    def resolve_capability_area(obj: Any) -> str:
        """``capability_area.code``, read from the related record loaded with the row."""
        return obj.capability_area.code


class FamilyIn(InputSchema):
    """A new family."""

    code: str = Field(examples=["155mm-artillery-ammunition"])
    name: str = Field(examples=["155 mm NATO artillery ammunition"])
    capability_area: str = Field(examples=["artillery"], description="The capability area's code.")
    description: str = ""


class FamilyPatch(InputSchema):
    """Changes to a family: only the fields sent change. ``version`` (or If-Match) is required."""

    code: str | None = None
    name: str | None = None
    capability_area: str | None = None
    description: str | None = None
    version: int | None = version_field()


class FamilyFilters(Schema):
    """Filters of the family list."""

    capability_area: str | None = Field(None, description="A capability area's code.")
    state: StateFilter = state_field()
    search: str | None = Field(None, description="Part of the code or name.")


class ItemOut(Schema):
    """A catalogue item with its value and mass per unit."""

    id: int
    code: str = Field(examples=["dm121-155mm"])
    name: str = Field(examples=["DM121 155 mm HE shell"])
    family: str = Field(description="The family's code.")
    capability_area: str = Field(description="The family's area.")
    supply_class: SupplyClass
    unit_value_eur: Decimal = Field(description="Value of one unit in EUR (decimal string).")
    unit_mass_kg: Decimal = Field(description="Mass of one unit in kg (decimal string).")
    nsn: str | None = Field(None, description="NATO Stock Number, NNNN-NN-NNN-NNNN.")
    active: bool = Field(description="False once retired: it stays readable for the pledges that name it.")
    version: int

    @staticmethod
    def resolve_family(obj: Any) -> str:
        """``family.code``, read from the related record loaded with the row."""
        return obj.family.code

    @staticmethod
    def resolve_capability_area(obj: Any) -> str:
        """``family.capability_area.code``, read from the related record loaded with the row."""
        return obj.family.capability_area.code


class ItemIn(InputSchema):
    """A new item, in an active family."""

    code: str = Field(examples=["dm121-155mm"])
    name: str = Field(examples=["DM121 155 mm HE shell"])
    family: str = Field(examples=["155mm-artillery-ammunition"], description="An active family's code.")
    supply_class: SupplyClass
    unit_value_eur: Decimal = Field(Decimal("0"), examples=["3500.00"])
    unit_mass_kg: Decimal = Field(Decimal("0"), examples=["43.5"])
    nsn: str | None = Field(None, examples=["1320-12-345-6789"], description="13 digits, dashes optional.")


class ItemPatch(InputSchema):
    """Changes to an item: only the fields sent change. ``version`` (or If-Match) is required."""

    code: str | None = None
    name: str | None = None
    family: str | None = None
    supply_class: SupplyClass | None = None
    unit_value_eur: Decimal | None = None
    unit_mass_kg: Decimal | None = None
    nsn: str | None = Field(None, description="An empty string removes the NSN.")
    version: int | None = version_field()


class ItemFilters(Schema):
    """Filters of the item list."""

    family: str | None = Field(None, description="A family's code.")
    capability_area: str | None = Field(None, description="A capability area's code.")
    supply_class: SupplyClass | None = None
    state: StateFilter = state_field()
    search: str | None = Field(None, description="Part of the code, name or NSN.")
