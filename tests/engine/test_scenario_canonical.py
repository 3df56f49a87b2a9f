"""The canonical form of a scenario: export, import and export again gives the same bytes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pledgeflow.engine.model import Item, Location, Pledge, Requirement, Route, Scenario
from pledgeflow.engine.scenario import dump_json, load_scenario, scenario_to_document
from pledgeflow.engine.schema import SCENARIO_SCHEMA, load_schema

SCENARIOS = Path(__file__).parent / "scenarios"
SCHEMA = Draft202012Validator(
    load_schema(SCENARIO_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def canonical(data: bytes) -> bytes:
    return dump_json(scenario_to_document(load_scenario(data)))


@pytest.mark.parametrize("name", ["small", "training"])
def test_export_import_export_gives_the_same_bytes(name: str) -> None:
    once = canonical((SCENARIOS / f"{name}.json").read_bytes())
    assert canonical(once) == once


@pytest.mark.parametrize("name", ["small", "training"])
def test_the_canonical_form_reads_back_as_an_equal_scenario(name: str) -> None:
    original = load_scenario((SCENARIOS / f"{name}.json").read_bytes())
    again = load_scenario(dump_json(scenario_to_document(original)))
    assert {k: v for k, v in vars_of(again).items() if k != "sha256"} == {
        k: v for k, v in vars_of(original).items() if k != "sha256"
    }


def vars_of(s: Scenario) -> dict[str, Any]:
    return {name: getattr(s, name) for name in Scenario.__dataclass_fields__}


def test_keys_follow_the_order_of_the_contracts_tables() -> None:
    doc = scenario_to_document(load_scenario((SCENARIOS / "training.json").read_bytes()))
    assert list(doc) == [
        "format",
        "start",
        "items",
        "locations",
        "routes",
        "requirements",
        "pledges",
        "locks",
        "policy",
        "skills",
        "courses",
        "sessions",
        "cohorts",
        "packages",
    ]
    assert list(doc["requirements"][0]) == [
        "id",
        "family",
        "quantity",
        "priority",
        "need_by",
        "destination",
        "package",
    ]
    assert list(doc["policy"]["priority_weights"]) == ["1", "2", "3", "4"]


def test_absent_optional_fields_are_left_out_and_defaults_spelt_out() -> None:
    doc = json.loads((SCENARIOS / "small.json").read_text())
    del doc["policy"]
    del doc["locks"]
    out = scenario_to_document(load_scenario(json.dumps(doc)))
    assert out["locks"] == []
    assert out["policy"] == {
        "priority_weights": {"1": 1000, "2": 100, "3": 10, "4": 1},
        "unmet_penalty": 10000,
        "late_penalty_per_day": 1,
    }
    assert "destinations" not in out["pledges"][0]
    assert "item" not in out["requirements"][0]
    assert "skills" not in out


def test_training_lists_are_written_all_together_when_any_was_given() -> None:
    doc = json.loads((SCENARIOS / "small.json").read_text())
    doc["packages"] = []
    out = scenario_to_document(load_scenario(json.dumps(doc)))
    assert [out[k] for k in ("skills", "courses", "sessions", "cohorts", "packages")] == [[]] * 5


def test_bytes_are_utf8_with_two_space_indent_and_a_final_newline() -> None:
    data = canonical((SCENARIOS / "small.json").read_bytes())
    assert data.endswith(b"}\n")
    assert "Unterlüß".encode() in data
    assert b'\n  "start": "2026-01-05",\n' in data


def test_dump_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        dump_json({"x": float("nan")})


ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789é", min_size=1, max_size=6)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Small valid scenarios built from values (not documents), so serialisation is tested on its own."""
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 30)))
    location_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    item_codes = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    families = {code: draw(st.sampled_from(["shells", "tanks"])) for code in item_codes}
    items = tuple(
        Item(
            code=code,
            family=families[code],
            name=draw(st.none() | st.text(max_size=8)),
            unit_value_eur=draw(st.none() | st.integers(0, 10**7) | st.floats(0, 1e7, allow_nan=False)),
        )
        for code in item_codes
    )
    locations = tuple(Location(id=i, country=draw(st.none() | st.just("UKR"))) for i in location_ids)
    routes = tuple(
        Route(from_=draw(st.sampled_from(location_ids)), to=draw(st.sampled_from(location_ids)), days=d)
        for d in draw(st.lists(st.integers(0, 30), max_size=5))
    )
    requirements = tuple(
        Requirement(
            id=f"R{i}",
            family=draw(st.sampled_from(["shells", "tanks", "drones"])),
            quantity=draw(st.integers(1, 10**9)),
            priority=draw(st.integers(1, 4)),
            need_by=start + timedelta(days=draw(st.integers(0, 90))),
            destination=draw(st.sampled_from(location_ids)),
            note=draw(st.none() | st.text(max_size=10)),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    pledges = tuple(
        Pledge(
            id=f"P{i}",
            donor=draw(st.sampled_from(["DEU", "POL", "NATO"])),
            item=draw(st.sampled_from(item_codes)),
            quantity=draw(st.integers(1, 1000)),
            available=start + timedelta(days=draw(st.integers(-10, 90))),
            origin=draw(st.sampled_from(location_ids)),
            destinations=draw(st.none() | st.lists(st.sampled_from(location_ids), min_size=1).map(tuple)),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    return Scenario(
        start=start,
        items=items,
        locations=locations,
        routes=routes,
        requirements=requirements,
        pledges=pledges,
        has_training=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_any_valid_scenario_survives_the_round_trip_byte_for_byte_and_passes_the_schema(
    scenario: Scenario,
) -> None:
    data = dump_json(scenario_to_document(scenario))
    again = load_scenario(data)
    assert list(SCHEMA.iter_errors(json.loads(data))) == []
    assert dump_json(scenario_to_document(again)) == data
    assert again.requirements == scenario.requirements
    assert again.pledges == scenario.pledges
    assert again.items == scenario.items
