"""The reference nations are in every migrated database, with GDP figures that match the World Bank's."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from pledgeflow.nations.models import Nation
from pledgeflow.nations.reference import (
    ALLIED_GDP_2023_USD_BN,
    ALLIES,
    GDP_SOURCE,
    REFERENCE_NATIONS,
    load_reference_nations,
)

pytestmark = pytest.mark.django_db

# The shared reference data sits beside the repository and is never committed; cross-checks skip without it.
WORLD_BANK_CSV = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "worldbank_gdp_current_usd.csv"
)


def test_every_reference_nation_is_present_after_migrate() -> None:
    assert Nation.objects.count() == len(REFERENCE_NATIONS) == 41
    counts = {
        kind: Nation.objects.filter(kind=kind).count()
        for kind in ("ally", "partner", "recipient", "organisation")
    }
    assert counts == {"ally": 32, "partner": 7, "recipient": 1, "organisation": 1}


def test_ukraine_is_the_recipient_and_the_eu_an_organisation_coded_euu() -> None:
    assert Nation.objects.get(code="UKR").kind == "recipient"
    eu = Nation.objects.get(code="EUU")
    assert eu.kind == "organisation"
    assert eu.name == "European Union"


def test_the_stored_figures_are_the_curated_ones_with_year_and_source() -> None:
    for ref in REFERENCE_NATIONS:
        stored = Nation.objects.get(code=ref.code)
        assert (stored.name, stored.kind, stored.gdp_usd_bn) == (ref.name, ref.kind, ref.gdp_usd_bn)
        assert stored.gdp_year == 2023
        assert stored.gdp_source == GDP_SOURCE


def test_the_32_allies_sum_to_the_published_allied_gdp() -> None:
    assert len(ALLIES) == 32
    assert sum(ref.gdp_usd_bn for ref in ALLIES) == ALLIED_GDP_2023_USD_BN == Decimal("51745.3")
    stored = sum(Nation.objects.filter(kind="ally").values_list("gdp_usd_bn", flat=True))
    assert stored == Decimal("51745.3")


def test_loading_again_changes_nothing_and_repairs_a_tampered_row() -> None:
    Nation.objects.filter(code="DEU").update(name="Tampered", gdp_usd_bn=Decimal("1.0"))
    load_reference_nations(Nation)
    load_reference_nations(Nation)
    assert Nation.objects.count() == 41
    deu = Nation.objects.get(code="DEU")
    assert (deu.name, deu.gdp_usd_bn) == ("Germany", Decimal("4456.1"))


@pytest.mark.skipif(
    not WORLD_BANK_CSV.exists(), reason=f"World Bank reference file absent ({WORLD_BANK_CSV})"
)
def test_the_curated_figures_match_the_world_bank_file() -> None:
    values: dict[str, Decimal] = {}
    with WORLD_BANK_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Year"] == "2023":
                values[row["Country Code"]] = Decimal(row["Value"]) / Decimal(1_000_000_000)
    mismatches = []
    for ref in REFERENCE_NATIONS:
        assert ref.code in values, f"{ref.code} has no 2023 figure in {WORLD_BANK_CSV.name}"
        if abs(values[ref.code] - ref.gdp_usd_bn) > Decimal("0.05"):
            mismatches.append(f"{ref.code}: curated {ref.gdp_usd_bn}, World Bank {values[ref.code]:.1f}")
    assert not mismatches, mismatches
