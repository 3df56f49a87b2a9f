"""The demo generator and its curated catalogue, without a database."""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pledgeflow.catalogue.fields import normalise_nsn
from pledgeflow.catalogue.reference import CAPABILITY_AREAS
from pledgeflow.demo.catalogue import FAMILIES, ITEMS, family_by_code
from pledgeflow.demo.donors import DONORS, donor_items
from pledgeflow.demo.generator import (
    AREA_ABBREVIATIONS,
    DEFAULT_SEED,
    MIN_PLEDGES,
    MIN_REQUIREMENTS,
    generate,
)
from pledgeflow.nations.reference import REFERENCE_NATIONS

TODAY = date(2026, 11, 27)
GDP = {n.code: float(n.gdp_usd_bn) for n in REFERENCE_NATIONS if n.gdp_usd_bn is not None}
KIEL_WEAPONS = Path(__file__).resolve().parents[4] / "shared" / "data" / "kiel_ust" / "weapons.csv"


def test_the_same_seed_and_day_give_the_same_demo() -> None:
    assert generate(GDP, TODAY, DEFAULT_SEED) == generate(GDP, TODAY, DEFAULT_SEED)
    assert generate(GDP, TODAY, DEFAULT_SEED) != generate(GDP, TODAY, DEFAULT_SEED + 1)


def test_the_demo_keeps_its_promised_minimums() -> None:
    data = generate(GDP, TODAY)

    assert len(data.families) >= 20
    assert len(data.approved_requirements) >= MIN_REQUIREMENTS
    assert len(data.pledges) >= MIN_PLEDGES
    assert len({p.donor for p in data.pledges}) >= 25
    need_by = [r.need_by for r in data.approved_requirements]
    assert (max(need_by) - min(need_by)).days >= 300
    offered = [p.milestones[0].at.date() for p in data.pledges]
    assert (max(offered) - min(offered)).days >= 300 and max(offered) < TODAY


def test_pledges_are_sized_with_the_donors_economies() -> None:
    per_donor = Counter(p.donor for p in generate(GDP, TODAY).pledges)

    assert per_donor.most_common(1)[0][0] == "USA"
    assert per_donor["USA"] > per_donor["DEU"] > per_donor["POL"] > per_donor["EST"] >= 3


def test_milestones_follow_the_state_machine_in_time_order() -> None:
    from pledgeflow.pledges.choices import allowed_next

    for pledge in generate(GDP, TODAY).pledges:
        steps = [m for m in pledge.milestones if m.kind != "slipped"]
        assert steps[0].kind == "offered"
        for before, after in itertools.pairwise(steps):
            assert after.kind in allowed_next(before.kind, pledge.source), pledge.reference
        assert [m.at for m in pledge.milestones] == sorted(m.at for m in pledge.milestones)
        assert pledge.status == steps[-1].kind
        assert not pledge.releasable_to or pledge.label == "AMBER"
        assert pledge.donor not in pledge.releasable_to


def test_calibres_and_interceptors_are_separate_families() -> None:
    family_of = {i.code: i.family for i in ITEMS}

    assert len({family_of["155-M795"], family_of["152-OF540"], family_of["122-OF462"]}) == 3
    assert family_of["PAC-3-MSE"] == family_of["PAC-2-GEM-T"] == "patriot-interceptor"
    assert family_of["IRIS-T-SLM-MSL"] == "iris-t-slm-interceptor"
    assert family_of["AIM-120C"] == "nasams-interceptor"
    assert family_of["LEO-2A4"] != family_of["M1A1-SA"]


def test_the_curated_catalogue_is_consistent() -> None:
    areas = {code for code, _name in CAPABILITY_AREAS}
    families = family_by_code()

    assert len(families) == len(FAMILIES)
    assert {f.area for f in FAMILIES} == areas
    assert all(item.family in families for item in ITEMS)
    assert len({i.code for i in ITEMS}) == len(ITEMS)
    nsns = [normalise_nsn(i.nsn) for i in ITEMS if i.nsn]
    assert len(nsns) >= 10 and len(set(nsns)) == len(nsns)
    assert all(i.unit_value_eur > 0 and i.unit_mass_kg > 0 for i in ITEMS)
    known = {i.code for i in ITEMS}
    for donor in DONORS:
        assert set(donor_items(donor)) <= known, donor.code


def test_reference_abbreviations_match_the_requirement_service() -> None:
    from pledgeflow.requirements.services import AREA_ABBREVIATIONS as SERVICE

    assert AREA_ABBREVIATIONS == SERVICE


def test_the_catalogue_names_the_systems_donors_actually_gave() -> None:
    names = " ".join(i.name for i in ITEMS)
    for system in (
        "Leopard 2A4",
        "Abrams",
        "CAESAR",
        "M777",
        "Panzerhaubitze 2000",
        "IRIS-T SLM",
        "Patriot",
        "NASAMS",
        "CV90",
        "BMP-2",
        "HIMARS",
        "Gepard",
        "Archer",
        "Krab",
        "Bradley",
    ):
        assert system in names, system


@pytest.mark.skipif(not KIEL_WEAPONS.exists(), reason="the Kiel tracker data is not present (../shared/data)")
def test_the_signature_systems_are_in_the_kiel_tracker() -> None:
    with KIEL_WEAPONS.open(encoding="utf-8") as handle:
        given = " ".join(row["weapons_list"] for row in csv.DictReader(handle)).lower()
    for system in (
        "leopard-2a4",
        "m1a1 abrams",
        "caesar",
        "m777",
        "panzerhaubitze 2000",
        "iris-t slm",
        "patriot",
        "nasams",
        "cv90",
        "bmp-2",
        "himars",
        "archer",
        "krab",
        "bradley",
    ):
        assert system in given, system
