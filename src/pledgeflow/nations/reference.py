"""The curated reference nations every pledgeflow database holds, with their 2023 GDP and its source.

Figures are World Bank series NY.GDP.MKTP.CD (GDP, current US$) for 2023, rounded to US$ 0.1 billion. The 32
allies sum to US$ 51745.3 billion, the denominator of the Washington Summit fair shares. The tests cross-check
every figure against the World Bank file when a copy is available (``../shared/data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GDP_SOURCE = "World Bank NY.GDP.MKTP.CD, 2023, current US$"
GDP_YEAR = 2023


@dataclass(frozen=True)
class ReferenceNation:
    """One row of the curated table."""

    code: str
    name: str
    kind: str
    gdp_usd_bn: Decimal


def _n(code: str, name: str, kind: str, gdp: str) -> ReferenceNation:
    return ReferenceNation(code, name, kind, Decimal(gdp))


# kind values are those of pledgeflow.nations.choices.NationKind, as plain strings so migrations can use them.
ALLIES: tuple[ReferenceNation, ...] = (
    _n("ALB", "Albania", "ally", "23.0"),
    _n("BEL", "Belgium", "ally", "632.2"),
    _n("BGR", "Bulgaria", "ally", "101.6"),
    _n("CAN", "Canada", "ally", "2140.1"),
    _n("HRV", "Croatia", "ally", "82.7"),
    _n("CZE", "Czechia", "ally", "330.9"),
    _n("DNK", "Denmark", "ally", "404.2"),
    _n("EST", "Estonia", "ally", "40.7"),
    _n("FIN", "Finland", "ally", "300.2"),
    _n("FRA", "France", "ally", "3030.9"),
    _n("DEU", "Germany", "ally", "4456.1"),
    _n("GRC", "Greece", "ally", "238.2"),
    _n("HUN", "Hungary", "ally", "212.4"),
    _n("ISL", "Iceland", "ally", "31.0"),
    _n("ITA", "Italy", "ally", "2254.9"),
    _n("LVA", "Latvia", "ally", "43.6"),
    _n("LTU", "Lithuania", "ally", "77.8"),
    _n("LUX", "Luxembourg", "ally", "85.8"),
    _n("MNE", "Montenegro", "ally", "7.4"),
    _n("NLD", "Netherlands", "ally", "1118.1"),
    _n("MKD", "North Macedonia", "ally", "14.8"),
    _n("NOR", "Norway", "ally", "485.5"),
    _n("POL", "Poland", "ally", "811.2"),
    _n("PRT", "Portugal", "ally", "287.1"),
    _n("ROU", "Romania", "ally", "351.0"),
    _n("SVK", "Slovakia", "ally", "132.8"),
    _n("SVN", "Slovenia", "ally", "68.2"),
    _n("ESP", "Spain", "ally", "1580.7"),
    _n("SWE", "Sweden", "ally", "593.3"),
    _n("TUR", "Türkiye", "ally", "1108.0"),
    _n("GBR", "United Kingdom", "ally", "3340.0"),
    _n("USA", "United States", "ally", "27360.9"),
)

RECIPIENTS: tuple[ReferenceNation, ...] = (_n("UKR", "Ukraine", "recipient", "178.8"),)

PARTNERS: tuple[ReferenceNation, ...] = (
    _n("AUS", "Australia", "partner", "1723.8"),
    _n("JPN", "Japan", "partner", "4212.9"),
    _n("KOR", "Republic of Korea", "partner", "1712.8"),
    _n("NZL", "New Zealand", "partner", "253.5"),
    _n("AUT", "Austria", "partner", "516.0"),
    _n("IRL", "Ireland", "partner", "545.6"),
    _n("CHE", "Switzerland", "partner", "884.9"),
)

# The European Union's aggregate GDP (World Bank code EUU: 18,349,388,450,765.61 US$ in 2023).
ORGANISATIONS: tuple[ReferenceNation, ...] = (_n("EUU", "European Union", "organisation", "18349.4"),)

REFERENCE_NATIONS: tuple[ReferenceNation, ...] = ALLIES + RECIPIENTS + PARTNERS + ORGANISATIONS

#: Sum of the 32 allies' 2023 GDP in US$ billion, as published with the figures.
ALLIED_GDP_2023_USD_BN = Decimal("51745.3")


def load_reference_nations(nation_model: type) -> int:
    """Create or update every reference nation through ``nation_model`` (a real or historical model).

    Idempotent: running it again changes nothing. Returns the number of rows written.
    """
    for ref in REFERENCE_NATIONS:
        nation_model.objects.update_or_create(  # type: ignore[attr-defined]
            code=ref.code,
            defaults={
                "name": ref.name,
                "kind": ref.kind,
                "gdp_usd_bn": ref.gdp_usd_bn,
                "gdp_year": GDP_YEAR,
                "gdp_source": GDP_SOURCE,
            },
        )
    return len(REFERENCE_NATIONS)
