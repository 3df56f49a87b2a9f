"""The demo's curated catalogue: real systems donors gave, grouped into families of interchangeable items.

The systems and rough counts follow the Kiel Institute's Ukraine Support Tracker (heavy weapons by donor,
release 29); unit values are rounded public figures (the tracker's own valuations where it gives them, e.g.
EUR 371.8 million for one Patriot battery, EUR 9.4 million per M1A1 Abrams), and unit masses are the systems'
published combat weights. The NATO Stock Numbers are *illustrative*: they use the real supply classification
(FSC) and codification-bureau codes of the right class and country, with invented serials, so that the format
checks and the screens have something realistic to show. They are not the real NSNs of these items.

Families follow the sustainment rule of DOMAIN.md: items of one family are interchangeable for the recipient.
So calibres are separate families (155 mm NATO ammunition is not 152 mm or 122 mm Soviet-standard ammunition),
interceptors belong to their launcher system (PAC-3 MSE is a Patriot interceptor, not a NASAMS one), and a
tank family is one fleet (Leopard 2A4 and 2A6 share spares and crews; Abrams does not).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FamilySpec:
    """A family of interchangeable items, in one capability area (a code of ``catalogue.reference``)."""

    code: str
    name: str
    area: str
    # Typical quantity of one requirement line for this family (a battery's worth, a month of shells, ...).
    typical_requirement: int
    # True for consumables (ammunition, interceptors, kits): bigger, more frequent lines.
    consumable: bool = False


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One catalogue item of a family."""

    code: str
    name: str
    family: str
    supply_class: str
    unit_value_eur: float
    unit_mass_kg: float
    nsn: str | None = None


FAMILIES: tuple[FamilySpec, ...] = (
    # Air defence: each launcher system and its own interceptors.
    FamilySpec("patriot-fire-unit", "Patriot fire unit (launchers, radar, control)", "air-defence", 1),
    FamilySpec("patriot-interceptor", "Patriot interceptor", "air-defence", 24, consumable=True),
    FamilySpec("iris-t-slm-fire-unit", "IRIS-T SLM fire unit", "air-defence", 1),
    FamilySpec("iris-t-slm-interceptor", "IRIS-T SLM interceptor", "air-defence", 24, consumable=True),
    FamilySpec("nasams-fire-unit", "NASAMS fire unit", "air-defence", 1),
    FamilySpec("nasams-interceptor", "NASAMS interceptor (AMRAAM)", "air-defence", 24, consumable=True),
    FamilySpec("gepard-spaag", "Gepard self-propelled anti-aircraft gun", "air-defence", 6),
    FamilySpec(
        "35mm-gepard-ammunition", "35 mm anti-aircraft ammunition (Gepard)", "air-defence", 20000, True
    ),
    FamilySpec("manpads", "Man-portable air-defence missile", "air-defence", 60, consumable=True),
    # Artillery: guns by calibre and mobility, ammunition by calibre, rocket launchers and their rockets.
    FamilySpec("155mm-self-propelled-howitzer", "155 mm self-propelled howitzer", "artillery", 6),
    FamilySpec("155mm-towed-howitzer", "155 mm towed howitzer", "artillery", 6),
    FamilySpec("105mm-towed-howitzer", "105 mm light towed howitzer", "artillery", 6),
    FamilySpec("155mm-artillery-ammunition", "155 mm NATO artillery ammunition", "artillery", 20000, True),
    FamilySpec(
        "152mm-artillery-ammunition",
        "152 mm artillery ammunition (Soviet standard)",
        "artillery",
        15000,
        True,
    ),
    FamilySpec(
        "122mm-artillery-ammunition",
        "122 mm artillery ammunition (Soviet standard)",
        "artillery",
        15000,
        True,
    ),
    FamilySpec("105mm-artillery-ammunition", "105 mm NATO artillery ammunition", "artillery", 8000, True),
    FamilySpec("227mm-rocket-launcher", "227 mm multiple rocket launcher (HIMARS, M270)", "artillery", 3),
    FamilySpec("227mm-guided-rocket", "227 mm guided rocket (GMLRS)", "artillery", 36, consumable=True),
    FamilySpec("counter-battery-radar", "Counter-battery radar", "artillery", 2),
    # Armour: one family per fleet, tank guns' ammunition by calibre.
    FamilySpec("leopard-2-tank", "Leopard 2 main battle tank", "armour", 14),
    FamilySpec("leopard-1-tank", "Leopard 1 main battle tank", "armour", 14),
    FamilySpec("abrams-tank", "M1 Abrams main battle tank", "armour", 10),
    FamilySpec("t-72-tank", "T-72 family main battle tank", "armour", 14),
    FamilySpec("120mm-smoothbore-tank-ammunition", "120 mm smoothbore tank ammunition", "armour", 3000, True),
    FamilySpec("125mm-tank-ammunition", "125 mm tank ammunition (Soviet standard)", "armour", 3000, True),
    FamilySpec("cv90-ifv", "CV90 infantry fighting vehicle", "armour", 10),
    FamilySpec("bradley-ifv", "Bradley infantry fighting vehicle", "armour", 14),
    FamilySpec("marder-ifv", "Marder infantry fighting vehicle", "armour", 14),
    FamilySpec("bmp-ifv", "BMP-1/BMP-2 family infantry fighting vehicle", "armour", 14),
    FamilySpec("tracked-apc", "Tracked armoured personnel carrier", "armour", 20),
    FamilySpec("armoured-recovery-vehicle", "Armoured recovery vehicle", "engineering", 4),
    FamilySpec("armoured-vehicle-launched-bridge", "Armoured vehicle-launched bridge", "engineering", 2),
    # Aviation.
    FamilySpec("f-16-fighter", "F-16 multirole fighter", "aviation", 6),
    FamilySpec("transport-helicopter", "Mi-8/Mi-17 family transport helicopter", "aviation", 4),
    # Maritime.
    FamilySpec("patrol-boat", "Riverine and coastal patrol boat", "maritime", 6),
    FamilySpec("mine-countermeasure-vessel", "Mine countermeasure vessel", "maritime", 1),
    # Drones.
    FamilySpec("small-uas", "Small reconnaissance drone", "drones", 50, consumable=True),
    FamilySpec("loitering-munition", "Loitering munition", "drones", 100, consumable=True),
    FamilySpec("fpv-drone", "FPV strike drone kit", "drones", 2000, consumable=True),
    # Demining.
    FamilySpec("mine-clearing-vehicle", "Armoured mine-clearing vehicle", "demining", 4),
    FamilySpec("mine-clearing-line-charge", "Mine-clearing line charge", "demining", 20, consumable=True),
    FamilySpec("mine-detector", "Hand-held mine detector", "demining", 200),
    # Electronic warfare and IT.
    FamilySpec("counter-uas-jammer", "Hand-held counter-drone jammer", "ew-it", 100),
    FamilySpec("satellite-terminal", "Satellite communications terminal", "ew-it", 500),
    FamilySpec("tactical-radio", "Tactical VHF/UHF radio", "ew-it", 1000),
    # Engineering.
    FamilySpec("field-generator", "Field generator (20-100 kVA)", "engineering", 100),
    # Medical and non-lethal.
    FamilySpec("individual-first-aid-kit", "Individual first aid kit", "medical", 20000, True),
    FamilySpec("armoured-ambulance", "Armoured ambulance", "medical", 10),
    FamilySpec("body-armour", "Body armour with plates", "non-lethal", 10000, True),
    FamilySpec("winter-clothing-set", "Winter clothing set", "non-lethal", 20000, True),
)

ITEMS: tuple[ItemSpec, ...] = (
    # Air defence
    ItemSpec(
        "PATRIOT-FU",
        "Patriot fire unit (4 M903 launchers, AN/MPQ-65 radar)",
        "patriot-fire-unit",
        "II",
        371_800_000,
        160_000,
        "1440-01-555-0101",
    ),
    ItemSpec(
        "PAC-3-MSE", "PAC-3 MSE interceptor", "patriot-interceptor", "V", 4_000_000, 370, "1410-01-555-0102"
    ),
    ItemSpec(
        "PAC-2-GEM-T",
        "PAC-2 GEM-T interceptor",
        "patriot-interceptor",
        "V",
        3_200_000,
        900,
        "1410-12-555-0103",
    ),
    ItemSpec(
        "IRIS-T-SLM-FU",
        "IRIS-T SLM fire unit (3 launchers, TRML-4D radar, command post)",
        "iris-t-slm-fire-unit",
        "II",
        140_000_000,
        90_000,
        "1440-12-555-0104",
    ),
    ItemSpec(
        "IRIS-T-SLM-MSL",
        "IRIS-T SLM interceptor",
        "iris-t-slm-interceptor",
        "V",
        430_000,
        89,
        "1410-12-555-0105",
    ),
    ItemSpec(
        "NASAMS-FU",
        "NASAMS fire unit (launchers, Sentinel radar, FDC)",
        "nasams-fire-unit",
        "II",
        49_000_000,
        60_000,
        "1440-25-555-0106",
    ),
    ItemSpec(
        "AIM-120C", "AIM-120C AMRAAM (NASAMS)", "nasams-interceptor", "V", 1_100_000, 152, "1410-01-555-0107"
    ),
    ItemSpec("AMRAAM-ER", "AMRAAM-ER (NASAMS)", "nasams-interceptor", "V", 1_500_000, 227),
    ItemSpec("GEPARD", "Flakpanzer Gepard 1A2", "gepard-spaag", "II", 2_500_000, 47_500, "2350-12-555-0108"),
    ItemSpec("35MM-FAPDS", "35 mm FAPDS round (Gepard)", "35mm-gepard-ammunition", "V", 110, 1.6),
    ItemSpec("35MM-AHEAD", "35 mm AHEAD round (Gepard)", "35mm-gepard-ammunition", "V", 260, 1.8),
    ItemSpec("STINGER", "FIM-92 Stinger missile round", "manpads", "V", 440_000, 15.2, "1425-01-555-0109"),
    ItemSpec("PIORUN", "Piorun missile round", "manpads", "V", 220_000, 16.5),
    ItemSpec("STARSTREAK", "Starstreak missile round", "manpads", "V", 300_000, 20),
    # Artillery
    ItemSpec(
        "PZH-2000",
        "Panzerhaubitze 2000",
        "155mm-self-propelled-howitzer",
        "II",
        17_000_000,
        55_800,
        "2350-12-555-0110",
    ),
    ItemSpec(
        "CAESAR",
        "CAESAR 155 mm truck-mounted howitzer",
        "155mm-self-propelled-howitzer",
        "II",
        5_500_000,
        17_700,
        "1025-14-555-0111",
    ),
    ItemSpec(
        "AS-90", "AS-90 self-propelled howitzer", "155mm-self-propelled-howitzer", "II", 4_500_000, 45_000
    ),
    ItemSpec(
        "ARCHER",
        "Archer self-propelled artillery system",
        "155mm-self-propelled-howitzer",
        "II",
        3_650_000,
        33_500,
    ),
    ItemSpec(
        "KRAB", "AHS Krab self-propelled howitzer", "155mm-self-propelled-howitzer", "II", 11_800_000, 48_000
    ),
    ItemSpec(
        "M109A3GM",
        "M109 A3GM 155 mm self-propelled howitzer",
        "155mm-self-propelled-howitzer",
        "II",
        1_900_000,
        25_000,
        "2350-01-555-0112",
    ),
    ItemSpec(
        "M777",
        "M777 155 mm towed howitzer",
        "155mm-towed-howitzer",
        "II",
        4_200_000,
        4_200,
        "1025-01-555-0113",
    ),
    ItemSpec("FH70", "FH70 155 mm towed howitzer", "155mm-towed-howitzer", "II", 900_000, 9_300),
    ItemSpec("TRF1", "TRF1 155 mm towed howitzer", "155mm-towed-howitzer", "II", 1_000_000, 10_650),
    ItemSpec("L119", "L119 105 mm light gun", "105mm-towed-howitzer", "II", 800_000, 1_860),
    ItemSpec("M119A3", "M119A3 105 mm howitzer", "105mm-towed-howitzer", "II", 900_000, 2_130),
    ItemSpec(
        "155-M795", "155 mm HE M795", "155mm-artillery-ammunition", "V", 8_000, 46.7, "1320-01-555-0114"
    ),
    ItemSpec(
        "155-DM121", "155 mm HE DM121", "155mm-artillery-ammunition", "V", 8_500, 43.5, "1320-12-555-0115"
    ),
    ItemSpec("155-LU211", "155 mm HE LU211", "155mm-artillery-ammunition", "V", 8_200, 43.7),
    ItemSpec("155-M549", "155 mm HE rocket-assisted M549A1", "155mm-artillery-ammunition", "V", 9_000, 43.5),
    ItemSpec("152-OF540", "152 mm HE-FRAG OF-540", "152mm-artillery-ammunition", "V", 4_200, 43.6),
    ItemSpec("152-OF25", "152 mm HE-FRAG OF-25", "152mm-artillery-ammunition", "V", 4_000, 43.5),
    ItemSpec(
        "122-OF462", "122 mm HE-FRAG OF-462 (D-30, 2S1)", "122mm-artillery-ammunition", "V", 2_800, 21.8
    ),
    ItemSpec(
        "122-9M22U", "122 mm rocket 9M22U (BM-21, RM-70)", "122mm-artillery-ammunition", "V", 1_900, 66.6
    ),
    ItemSpec("105-M1", "105 mm HE M1", "105mm-artillery-ammunition", "V", 2_500, 19, "1315-01-555-0116"),
    ItemSpec("105-L31", "105 mm HE L31", "105mm-artillery-ammunition", "V", 2_600, 16.1),
    ItemSpec("HIMARS", "M142 HIMARS", "227mm-rocket-launcher", "II", 5_100_000, 16_250, "1055-01-555-0117"),
    ItemSpec(
        "M270",
        "M270 multiple launch rocket system",
        "227mm-rocket-launcher",
        "II",
        6_000_000,
        24_950,
        "1055-99-555-0118",
    ),
    ItemSpec("MARS-II", "MARS II multiple rocket launcher", "227mm-rocket-launcher", "II", 6_000_000, 25_000),
    ItemSpec(
        "M31A1-GMLRS",
        "M31A1 GMLRS unitary rocket",
        "227mm-guided-rocket",
        "V",
        160_000,
        307,
        "1340-01-555-0119",
    ),
    ItemSpec(
        "M30A1-GMLRS", "M30A1 GMLRS alternative-warhead rocket", "227mm-guided-rocket", "V", 170_000, 307
    ),
    ItemSpec("AN-TPQ-36", "AN/TPQ-36 Firefinder radar", "counter-battery-radar", "II", 10_000_000, 6_000),
    ItemSpec(
        "AN-TPQ-50",
        "AN/TPQ-50 lightweight counter-mortar radar",
        "counter-battery-radar",
        "II",
        5_000_000,
        1_500,
    ),
    ItemSpec("COBRA", "COBRA counter-battery radar", "counter-battery-radar", "II", 30_000_000, 30_000),
    # Armour
    ItemSpec("LEO-2A4", "Leopard 2A4", "leopard-2-tank", "II", 4_500_000, 55_150, "2350-12-555-0120"),
    ItemSpec("LEO-2A6", "Leopard 2A6", "leopard-2-tank", "II", 9_000_000, 62_300, "2350-12-555-0121"),
    ItemSpec("STRV-122", "Stridsvagn 122", "leopard-2-tank", "II", 9_500_000, 62_500),
    ItemSpec("LEO-1A5", "Leopard 1A5", "leopard-1-tank", "II", 1_200_000, 42_400, "2350-12-555-0122"),
    ItemSpec("M1A1-SA", "M1A1 SA Abrams", "abrams-tank", "II", 9_400_000, 61_300, "2350-01-555-0123"),
    ItemSpec("T-72M1", "T-72M1", "t-72-tank", "II", 1_500_000, 41_500),
    ItemSpec("T-72EA", "T-72EA (overhauled)", "t-72-tank", "II", 1_700_000, 41_500),
    ItemSpec("PT-91", "PT-91 Twardy", "t-72-tank", "II", 2_000_000, 45_300),
    ItemSpec(
        "120-DM11",
        "120 mm DM11 HE-MP round",
        "120mm-smoothbore-tank-ammunition",
        "V",
        6_000,
        24,
        "1315-12-555-0124",
    ),
    ItemSpec(
        "120-M829A1", "120 mm M829A1 APFSDS round", "120mm-smoothbore-tank-ammunition", "V", 7_500, 20.9
    ),
    ItemSpec("125-3OF26", "125 mm 3OF26 HE-FRAG round", "125mm-tank-ammunition", "V", 3_000, 33),
    ItemSpec("125-3BM42", "125 mm 3BM42 APFSDS round", "125mm-tank-ammunition", "V", 3_500, 20.4),
    ItemSpec("CV9040C", "CV9040C", "cv90-ifv", "II", 10_000_000, 35_000),
    ItemSpec("CV9035-MKIIIC", "CV9035 MkIIIC", "cv90-ifv", "II", 11_000_000, 35_000, "2350-22-555-0125"),
    ItemSpec("M2A2-ODS", "M2A2 ODS Bradley", "bradley-ifv", "II", 1_700_000, 27_600, "2350-01-555-0126"),
    ItemSpec("MARDER-1A3", "Marder 1A3", "marder-ifv", "II", 1_700_000, 33_500, "2350-12-555-0127"),
    ItemSpec("BMP-1", "BMP-1", "bmp-ifv", "II", 500_000, 13_200),
    ItemSpec("BMP-2", "BMP-2", "bmp-ifv", "II", 800_000, 14_300),
    ItemSpec("BVP-1", "BVP-1 (Czech BMP-1)", "bmp-ifv", "II", 230_000, 13_200),
    ItemSpec("M113A3", "M113A3", "tracked-apc", "II", 400_000, 12_300, "2350-01-555-0128"),
    ItemSpec("YPR-765", "YPR-765", "tracked-apc", "II", 310_000, 13_700),
    ItemSpec("BERGEPANZER-2", "Bergepanzer 2", "armoured-recovery-vehicle", "II", 1_500_000, 39_800),
    ItemSpec(
        "BUFFEL",
        "Bergepanzer 3 Büffel",
        "armoured-recovery-vehicle",
        "II",
        3_500_000,
        54_300,
        "2350-12-555-0129",
    ),
    ItemSpec(
        "BIBER", "Biber bridge-laying tank", "armoured-vehicle-launched-bridge", "II", 2_000_000, 45_300
    ),
    ItemSpec(
        "M60-AVLB",
        "M60 armoured vehicle-launched bridge",
        "armoured-vehicle-launched-bridge",
        "II",
        1_200_000,
        55_700,
    ),
    # Aviation
    ItemSpec(
        "F-16AM", "F-16AM Fighting Falcon (MLU)", "f-16-fighter", "II", 20_000_000, 9_200, "1510-22-555-0130"
    ),
    ItemSpec("MI-17V5", "Mi-17V-5 transport helicopter", "transport-helicopter", "II", 15_000_000, 7_100),
    ItemSpec("MI-8MTV", "Mi-8MTV transport helicopter", "transport-helicopter", "II", 10_000_000, 7_100),
    # Maritime
    ItemSpec("MARK-VI", "Mark VI patrol boat", "patrol-boat", "II", 11_000_000, 52_000, "1940-01-555-0131"),
    ItemSpec("CB90", "CB90 combat boat", "patrol-boat", "II", 6_000_000, 15_300),
    ItemSpec("ISLAND-PB", "Island-class patrol boat", "patrol-boat", "II", 5_000_000, 168_000),
    ItemSpec(
        "SANDOWN-MCMV",
        "Sandown-class mine countermeasure vessel",
        "mine-countermeasure-vessel",
        "II",
        40_000_000,
        484_000,
    ),
    # Drones
    ItemSpec("PUMA-AE", "RQ-20 Puma AE", "small-uas", "II", 250_000, 6.3, "1550-01-555-0132"),
    ItemSpec("SCANEAGLE", "ScanEagle", "small-uas", "II", 200_000, 22),
    ItemSpec("RQ-11B", "RQ-11B Raven", "small-uas", "II", 35_000, 1.9),
    ItemSpec("SWITCHBLADE-300", "Switchblade 300", "loitering-munition", "V", 60_000, 2.5),
    ItemSpec("SWITCHBLADE-600", "Switchblade 600", "loitering-munition", "V", 120_000, 15),
    ItemSpec("WARMATE", "Warmate loitering munition", "loitering-munition", "V", 50_000, 5.3),
    ItemSpec("FPV-7IN", "7-inch FPV drone kit with warhead adaptor", "fpv-drone", "V", 450, 1.2),
    ItemSpec("FPV-10IN", "10-inch FPV drone kit with warhead adaptor", "fpv-drone", "V", 700, 2.5),
    # Demining
    ItemSpec(
        "WISENT-1MC", "Wisent 1 mine-clearing vehicle", "mine-clearing-vehicle", "II", 3_000_000, 48_000
    ),
    ItemSpec(
        "M58-MICLIC",
        "M58 MICLIC line charge",
        "mine-clearing-line-charge",
        "V",
        90_000,
        1_070,
        "1375-01-555-0133",
    ),
    ItemSpec("VALLON-VMR3", "Vallon VMR3 mine detector", "mine-detector", "II", 6_000, 3.6),
    ItemSpec("MINELAB-F3", "Minelab F3 mine detector", "mine-detector", "II", 5_500, 3.3),
    # Electronic warfare and IT
    ItemSpec("EDM4S", "EDM4S SkyWiper counter-drone jammer", "counter-uas-jammer", "II", 25_000, 6.5),
    ItemSpec("DRONEGUN", "DroneGun Mk4 jammer", "counter-uas-jammer", "II", 30_000, 7.3),
    ItemSpec("STARLINK-STD", "Starlink standard terminal", "satellite-terminal", "II", 1_500, 5.9),
    ItemSpec(
        "AN-PRC-152A", "AN/PRC-152A handheld radio", "tactical-radio", "II", 9_000, 1.2, "5820-01-555-0134"
    ),
    ItemSpec("AN-PRC-160", "AN/PRC-160 HF manpack radio", "tactical-radio", "II", 25_000, 2.7),
    # Engineering
    ItemSpec(
        "GEN-30KVA",
        "30 kVA diesel field generator",
        "field-generator",
        "IV",
        18_000,
        1_100,
        "6115-12-555-0135",
    ),
    ItemSpec("GEN-100KVA", "100 kVA diesel field generator", "field-generator", "IV", 45_000, 2_600),
    # Medical and non-lethal
    ItemSpec(
        "IFAK-NATO",
        "Individual first aid kit (tourniquet, haemostatic dressing)",
        "individual-first-aid-kit",
        "II",
        90,
        0.6,
        "6545-01-555-0136",
    ),
    ItemSpec("IFAK-EU", "Individual first aid kit, EU pattern", "individual-first-aid-kit", "II", 75, 0.55),
    ItemSpec("AMB-BAT", "Armoured ambulance (BAT)", "armoured-ambulance", "II", 450_000, 12_000),
    ItemSpec("AMB-BV206", "Bv 206S armoured ambulance", "armoured-ambulance", "II", 350_000, 7_000),
    ItemSpec("ARMOUR-IV", "Plate carrier with level IV plates", "body-armour", "II", 900, 11),
    ItemSpec("ARMOUR-III", "Plate carrier with level III+ plates", "body-armour", "II", 650, 9.5),
    ItemSpec(
        "WINTER-SET", "Winter uniform set (parka, trousers, boots)", "winter-clothing-set", "II", 320, 6
    ),
)


def family_by_code() -> dict[str, FamilySpec]:
    """The curated families keyed by code."""
    return {f.code: f for f in FAMILIES}


def items_by_family() -> dict[str, list[ItemSpec]]:
    """The curated items grouped by family code, in catalogue order."""
    grouped: dict[str, list[ItemSpec]] = {f.code: [] for f in FAMILIES}
    for item in ITEMS:
        grouped[item.family].append(item)
    return grouped
