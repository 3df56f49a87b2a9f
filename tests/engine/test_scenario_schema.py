"""The published JSON Schemas accept what the planner accepts and refuse the typical mistakes it refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pledgeflow.engine.errors import ScenarioError
from pledgeflow.engine.scenario import dump_json, load_scenario, scenario_to_document
from pledgeflow.engine.schema import PLAN_SCHEMA, SCENARIO_SCHEMA, load_schema, schema_text

SCENARIOS = Path(__file__).parent / "scenarios"


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def example(name: str = "small") -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


def planner_accepts(doc: dict[str, Any]) -> bool:
    try:
        load_scenario(json.dumps(doc))
    except ScenarioError:
        return False
    return True


@pytest.mark.parametrize("name", [SCENARIO_SCHEMA, PLAN_SCHEMA])
def test_the_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schemas_ship_inside_the_package() -> None:
    assert '"title": "pledgeflow/scenario-v1"' in schema_text(SCENARIO_SCHEMA)
    with pytest.raises(ValueError, match="no schema named"):
        schema_text("../settings.py")


@pytest.mark.parametrize("name", ["small", "training"])
def test_the_scenario_schema_accepts_the_examples_and_their_canonical_form(name: str) -> None:
    doc = example(name)
    assert list(validator(SCENARIO_SCHEMA).iter_errors(doc)) == []
    canonical = json.loads(dump_json(scenario_to_document(load_scenario(json.dumps(doc)))))
    assert list(validator(SCENARIO_SCHEMA).iter_errors(canonical)) == []


MISTAKES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("unknown top-level key", lambda d: d.update(colour="olive")),
    ("unknown nested key", lambda d: d["pledges"][0].update(colour="olive")),
    ("missing required list", lambda d: d.pop("routes")),
    ("missing required field", lambda d: d["requirements"][0].pop("need_by")),
    ("null optional field", lambda d: d["requirements"][0].update(note=None)),
    ("quantity zero", lambda d: d["pledges"][0].update(quantity=0)),
    ("quantity above a billion", lambda d: d["pledges"][0].update(quantity=10**9 + 1)),
    ("quantity as a string", lambda d: d["pledges"][0].update(quantity="5")),
    ("quantity as a boolean", lambda d: d["pledges"][0].update(quantity=True)),
    ("priority five", lambda d: d["requirements"][0].update(priority=5)),
    ("negative route days", lambda d: d["routes"][0].update(days=-1)),
    ("compact date", lambda d: d["requirements"][0].update(need_by="20260112")),
    ("impossible date", lambda d: d["requirements"][0].update(need_by="2026-02-30")),
    ("wrong format", lambda d: d.update(format="pledgeflow/scenario-v2")),
    ("empty id", lambda d: d["requirements"][0].update(id="")),
    ("empty destinations", lambda d: d["pledges"][1].update(destinations=[])),
    ("lower-case country", lambda d: d["locations"][0].update(country="deu")),
    ("unknown location kind", lambda d: d["locations"][0].update(kind="port")),
    ("short nsn", lambda d: d["items"][0].update(nsn="1320-01-234")),
    ("negative value", lambda d: d["items"][0].update(unit_value_eur=-1)),
    ("weights missing a priority", lambda d: d["policy"]["priority_weights"].pop("4")),
    ("weight of zero", lambda d: d["policy"]["priority_weights"].update({"2": 0})),
    ("penalty too large", lambda d: d["policy"].update(unmet_penalty=10**6 + 1)),
    ("list that is an object", lambda d: d.update(locks={})),
]


@pytest.mark.parametrize(("label", "mutate"), MISTAKES, ids=[label for label, _ in MISTAKES])
def test_schema_and_planner_both_refuse_typical_mistakes(
    label: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    doc = example()
    mutate(doc)
    assert list(validator(SCENARIO_SCHEMA).iter_errors(doc)), f"the schema accepted: {label}"
    assert not planner_accepts(doc), f"the planner accepted: {label}"


BEYOND_A_SCHEMA: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("duplicate id", lambda d: d["pledges"][1].update(id="P-DEU-SHELLS")),
    ("unknown location", lambda d: d["pledges"][0].update(origin="DEPOT-FRA")),
    ("item of another family", lambda d: d["requirements"][2].update(item="155-HE-M107")),
    ("lock beyond the pledge", lambda d: d["locks"][0].update(quantity=351)),
    ("quantity written 5.0", lambda d: d["pledges"][0].update(quantity=5.0)),
]


@pytest.mark.parametrize(("label", "mutate"), BEYOND_A_SCHEMA, ids=[label for label, _ in BEYOND_A_SCHEMA])
def test_the_planner_also_refuses_what_a_schema_cannot_express(
    label: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    doc = example()
    mutate(doc)
    assert list(validator(SCENARIO_SCHEMA).iter_errors(doc)) == []
    assert not planner_accepts(doc), f"the planner accepted: {label}"


def a_plan() -> dict[str, Any]:
    """A plan as the contract lays it out (written by hand, so this test needs no planner)."""
    counts = {"required": 10, "on_time": 8, "late": 1, "unmet": 1}
    summary = {"by_priority": {p: dict(counts) for p in "1234"}, "by_family": {"shells": dict(counts)}}
    return {
        "format": "pledgeflow/plan-v1",
        "scenario_sha256": "0" * 64,
        "status": "optimal",
        "objective": 4200,
        "allocation_objective": 0,
        "allocations": [
            {"pledge": "P1", "requirement": "R7", "quantity": 40, "arrival": "2026-02-03", "days_late": 0}
        ],
        "unmet": [{"requirement": "R9", "quantity": 12}],
        "unallocated": [{"pledge": "P4", "quantity": 100}],
        "summary": summary,
        "baseline": {"method": "first-come-first-served", "objective": 5000, "summary": summary},
        "training": {
            "status": "optimal",
            "objective": 4200,
            "bound": 4200,
            "assignments": [{"cohort": "C1", "sessions": ["S3"], "completion": "2026-04-02", "days_late": 0}],
            "unassigned": ["C7"],
        },
        "packages": [
            {"id": "K1", "readiness": "2026-04-02", "days_late": 0, "bottleneck": {"cohort": "C1"}},
            {"id": "K2", "readiness": None, "days_late": None, "bottleneck": {"requirement": "R12"}},
            {"id": "K3", "readiness": "2026-01-05", "days_late": 0, "bottleneck": None},
        ],
        "stats": {"seconds": 0.42},
        "explanations": {"extra keys": "are allowed anywhere"},
    }


def test_the_plan_schema_accepts_a_plan_laid_out_as_the_contract_says() -> None:
    assert list(validator(PLAN_SCHEMA).iter_errors(a_plan())) == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.pop("baseline"),
        lambda p: p["summary"]["by_priority"].pop("3"),
        lambda p: p["allocations"][0].update(quantity=0),
        lambda p: p["allocations"][0].update(arrival="3 Feb 2026"),
        lambda p: p.update(format="pledgeflow/plan-v2"),
        lambda p: p.pop("packages"),
        lambda p: p["baseline"].update(method="greedy"),
    ],
)
def test_the_plan_schema_refuses_a_plan_missing_what_the_contract_requires(
    mutate: Callable[[dict[str, Any]], None],
) -> None:
    plan = a_plan()
    mutate(plan)
    assert list(validator(PLAN_SCHEMA).iter_errors(plan))
