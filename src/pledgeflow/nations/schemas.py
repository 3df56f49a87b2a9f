"""API schemas of the nations context."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, FilterSchema, Schema

from pledgeflow.nations.choices import NationKind


class NationOut(Schema):
    """A nation or organisation; its ISO 3166 alpha-3 code is its key everywhere (the EU is EUU)."""

    code: str = Field(examples=["DEU"])
    name: str = Field(examples=["Germany"])
    kind: NationKind
    gdp_usd_bn: Decimal | None = Field(None, description="GDP in current US$ billion (a decimal string).")
    gdp_year: int | None = None
    gdp_source: str = ""
    version: int


class NationFilters(FilterSchema):
    """Filters of the nation list."""

    kind: NationKind | None = Field(None, description="ally, partner, recipient or organisation.")
    search: str | None = Field(None, description="Part of the name, or the exact code.")
