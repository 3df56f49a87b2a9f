"""The demo's donors: where each keeps its depot, how long goods take to the hubs, and what it tends to give.

Profiles follow what the donors actually gave (Kiel Institute, Ukraine Support Tracker, heavy weapons by
donor): Germany gives Leopards, PzH 2000, IRIS-T and Gepard; the United States Abrams, Bradleys, M777, HIMARS
and Patriot; Czechia and Bulgaria Soviet-standard 152 mm and 122 mm ammunition; Japan, Korea, Austria and
Ireland only non-lethal aid and demining. Pledge counts and sizes follow each donor's GDP (see
:mod:`pledgeflow.demo.generator`); the GDP itself is read from the nations table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DonorProfile:
    """One donor nation or organisation in the demo."""

    code: str
    depot_city: str
    # Country the depot stands in (differs from ``code`` only for the EU).
    depot_country: str
    # Transit days from the depot to the Rzeszów and Suceava hubs (sea freight for overseas donors).
    days_to_rzeszow: int
    days_to_suceava: int
    # Item codes of pledgeflow.demo.catalogue this donor gives; non-lethal extras are added to every donor.
    items: tuple[str, ...]


# Given by almost everyone alongside their signature systems: the coalitions' common asks.
COMMON_ITEMS: tuple[str, ...] = (
    "IFAK-NATO",
    "ARMOUR-IV",
    "WINTER-SET",
    "GEN-30KVA",
    "GEN-100KVA",
    "STARLINK-STD",
    "FPV-7IN",
    "EDM4S",
    "VALLON-VMR3",
    "AN-PRC-152A",
)

NON_LETHAL_ITEMS: tuple[str, ...] = (
    "IFAK-EU",
    "IFAK-NATO",
    "ARMOUR-III",
    "WINTER-SET",
    "GEN-30KVA",
    "GEN-100KVA",
    "MINELAB-F3",
    "VALLON-VMR3",
    "AMB-BV206",
)

DONORS: tuple[DonorProfile, ...] = (
    DonorProfile(
        "USA",
        "Anniston",
        "USA",
        18,
        20,
        (
            "PATRIOT-FU",
            "PAC-3-MSE",
            "PAC-2-GEM-T",
            "NASAMS-FU",
            "AIM-120C",
            "STINGER",
            "M777",
            "M119A3",
            "155-M795",
            "155-M549",
            "105-M1",
            "HIMARS",
            "M31A1-GMLRS",
            "M30A1-GMLRS",
            "AN-TPQ-36",
            "AN-TPQ-50",
            "M1A1-SA",
            "M2A2-ODS",
            "M113A3",
            "120-M829A1",
            "MI-17V5",
            "MARK-VI",
            "ISLAND-PB",
            "PUMA-AE",
            "SCANEAGLE",
            "RQ-11B",
            "SWITCHBLADE-300",
            "SWITCHBLADE-600",
            "M58-MICLIC",
            "AN-PRC-160",
            "M60-AVLB",
        ),
    ),
    DonorProfile(
        "DEU",
        "Pfungstadt",
        "DEU",
        2,
        3,
        (
            "PATRIOT-FU",
            "PAC-2-GEM-T",
            "IRIS-T-SLM-FU",
            "IRIS-T-SLM-MSL",
            "GEPARD",
            "35MM-FAPDS",
            "35MM-AHEAD",
            "STINGER",
            "PZH-2000",
            "155-DM121",
            "MARS-II",
            "M31A1-GMLRS",
            "COBRA",
            "LEO-2A6",
            "LEO-1A5",
            "120-DM11",
            "MARDER-1A3",
            "BERGEPANZER-2",
            "BUFFEL",
            "BIBER",
            "WISENT-1MC",
            "IFAK-EU",
        ),
    ),
    DonorProfile(
        "GBR",
        "Bicester",
        "GBR",
        4,
        5,
        (
            "STARSTREAK",
            "AS-90",
            "L119",
            "105-L31",
            "155-M795",
            "M270",
            "M31A1-GMLRS",
            "SANDOWN-MCMV",
            "M109A3GM",
            "ARMOUR-IV",
            "AN-TPQ-50",
        ),
    ),
    DonorProfile("FRA", "Châteauroux", "FRA", 3, 4, ("CAESAR", "TRF1", "155-LU211", "M270", "AMB-BAT")),
    DonorProfile("ITA", "Livorno", "ITA", 4, 3, ("M109A3GM", "FH70", "PZH-2000", "M270", "155-M795")),
    DonorProfile(
        "CAN",
        "Montreal",
        "CAN",
        16,
        18,
        (
            "NASAMS-FU",
            "AIM-120C",
            "M777",
            "LEO-2A4",
            "155-M795",
            "STARLINK-STD",
            "ARMOUR-IV",
        ),
    ),
    DonorProfile("ESP", "Zaragoza", "ESP", 5, 5, ("LEO-2A4", "M113A3", "155-M795", "AMB-BV206")),
    DonorProfile(
        "NLD",
        "Soesterberg",
        "NLD",
        2,
        3,
        (
            "PATRIOT-FU",
            "PAC-3-MSE",
            "PZH-2000",
            "YPR-765",
            "LEO-2A4",
            "F-16AM",
            "155-DM121",
        ),
    ),
    DonorProfile("TUR", "Istanbul", "TUR", 5, 3, ("IFAK-NATO", "WINTER-SET", "GEN-100KVA", "AMB-BV206")),
    DonorProfile(
        "POL",
        "Bydgoszcz",
        "POL",
        1,
        2,
        (
            "KRAB",
            "PT-91",
            "T-72M1",
            "BMP-1",
            "PIORUN",
            "122-OF462",
            "125-3OF26",
            "152-OF540",
            "WARMATE",
            "MI-8MTV",
        ),
    ),
    DonorProfile("SWE", "Arboga", "SWE", 3, 4, ("ARCHER", "CV9040C", "STRV-122", "CB90", "AMB-BV206")),
    DonorProfile("BEL", "Zeebrugge", "BEL", 2, 3, ("F-16AM", "LEO-1A5", "M113A3", "155-M795")),
    DonorProfile(
        "NOR",
        "Bergen",
        "NOR",
        4,
        5,
        ("NASAMS-FU", "AIM-120C", "AMRAAM-ER", "M109A3GM", "M270", "LEO-2A4", "F-16AM", "155-M795"),
    ),
    DonorProfile(
        "DNK",
        "Aarhus",
        "DNK",
        2,
        3,
        (
            "CAESAR",
            "BMP-2",
            "CV9035-MKIIIC",
            "LEO-1A5",
            "LEO-2A4",
            "F-16AM",
            "M113A3",
            "155-DM121",
            "T-72EA",
        ),
    ),
    DonorProfile("ROU", "Bucharest", "ROU", 2, 1, ("PATRIOT-FU", "PAC-2-GEM-T", "122-OF462", "152-OF25")),
    DonorProfile(
        "CZE",
        "Prague",
        "CZE",
        1,
        2,
        (
            "T-72EA",
            "BVP-1",
            "152-OF540",
            "152-OF25",
            "122-OF462",
            "122-9M22U",
            "125-3BM42",
            "MI-8MTV",
        ),
    ),
    DonorProfile("PRT", "Lisbon", "PRT", 6, 6, ("LEO-2A6", "M113A3", "105-M1")),
    DonorProfile("FIN", "Tampere", "FIN", 3, 4, ("122-OF462", "155-M795", "BIBER", "M58-MICLIC")),
    DonorProfile("GRC", "Thessaloniki", "GRC", 3, 2, ("BMP-1", "155-M795", "122-9M22U")),
    DonorProfile("SVK", "Nováky", "SVK", 1, 2, ("BMP-1", "MI-17V5", "152-OF25", "122-OF462", "125-3OF26")),
    DonorProfile("BGR", "Burgas", "BGR", 3, 1, ("152-OF540", "122-OF462", "125-3OF26", "122-9M22U")),
    DonorProfile("HRV", "Zagreb", "HRV", 2, 2, ("MI-8MTV", "122-OF462", "M58-MICLIC")),
    DonorProfile("LTU", "Kaunas", "LTU", 1, 2, ("M113A3", "105-M1", "EDM4S", "STINGER")),
    DonorProfile("SVN", "Ljubljana", "SVN", 2, 2, ("122-OF462", "M113A3")),
    DonorProfile("LVA", "Riga", "LVA", 2, 3, ("M109A3GM", "STINGER", "EDM4S")),
    DonorProfile("EST", "Tallinn", "EST", 2, 3, ("FH70", "122-OF462", "155-M795", "STINGER")),
    DonorProfile("LUX", "Luxembourg", "LUX", 2, 3, ("CAESAR", "IFAK-NATO", "STARLINK-STD")),
    DonorProfile("ALB", "Tirana", "ALB", 4, 3, ("122-OF462",)),
    DonorProfile("MKD", "Skopje", "MKD", 3, 2, ("T-72EA", "122-OF462")),
    DonorProfile("MNE", "Podgorica", "MNE", 4, 3, ("122-OF462",)),
    DonorProfile("ISL", "Reykjavík", "ISL", 7, 8, ()),
    DonorProfile("AUS", "Brisbane", "AUS", 35, 36, ("M1A1-SA", "M777", "155-M795", "M113A3")),
    DonorProfile("JPN", "Yokohama", "JPN", 32, 33, ()),
    DonorProfile("KOR", "Busan", "KOR", 32, 33, ()),
    DonorProfile("NZL", "Auckland", "NZL", 38, 38, ("155-M795",)),
    DonorProfile("AUT", "Vienna", "AUT", 1, 2, ()),
    DonorProfile("IRL", "Dublin", "IRL", 5, 6, ()),
    # The EU gives through the European Peace Facility and its joint ammunition procurement.
    DonorProfile(
        "EUU", "Brussels", "BEL", 2, 3, ("155-M795", "155-DM121", "155-LU211", "IFAK-EU", "GEN-100KVA")
    ),
)

#: Donors that give non-lethal aid and demining only (neutral nations, and nations whose law limits exports).
NON_LETHAL_DONORS: frozenset[str] = frozenset({"ISL", "JPN", "KOR", "AUT", "IRL", "TUR"})


def donor_items(profile: DonorProfile) -> tuple[str, ...]:
    """The items ``profile`` may pledge: its own, plus the common (non-lethal donors: the non-lethal) ones."""
    extra = NON_LETHAL_ITEMS if profile.code in NON_LETHAL_DONORS else COMMON_ITEMS
    seen: dict[str, None] = dict.fromkeys(profile.items)
    for code in extra:
        seen.setdefault(code, None)
    return tuple(seen)
