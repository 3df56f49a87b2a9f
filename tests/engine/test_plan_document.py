"""The plan document: laid out exactly as plan-v1 says, the same bytes every run, written atomically."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pledgeflow.engine.errors import PlanDocumentError, PlanError
from pledgeflow.engine.model import Scenario
from pledgeflow.engine.plan import Planners, load_plan, make_plan, plan_bytes, write_plan
from pledgeflow.engine.scenario import load_scenario_file
from pledgeflow.engine.schema import PLAN_SCHEMA, load_schema

SCENARIOS = Path(__file__).parent / "scenarios"


# -- fakes of the planners: fixed answers for the small example -------------------------------------------


@dataclass(frozen=True)
class FakeAllocation:
    pledge: str
    requirement: str
    quantity: int
    arrival: date
    days_late: int


@dataclass(frozen=True)
class FakeResult:
    allocations: tuple[FakeAllocation, ...]
    unmet: dict[str, int]
    unallocated: dict[str, int]
    objective: int
    stats: dict[str, Any] = field(default_factory=lambda: {"seconds": 0.01})


@dataclass(frozen=True)
class FakeTraining:
    status: str = "optimal"
    objective: int = 4200
    stats: dict[str, Any] = field(default_factory=lambda: {"seconds": 0.02})

    def to_document(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": 4000 if self.status == "feasible" else self.objective,
            "assignments": [
                {
                    "cohort": "C-CREW-1",
                    "sessions": ["S-DRV-1", "S-GUN-1"],
                    "completion": "2026-02-23",
                    "days_late": 0,
                }
            ],
            "unassigned": ["C-CREW-2"],
        }


# Deliberately out of order, with a zero line, to show make_plan puts the contract's order on it.
OPTIMAL = FakeResult(
    allocations=(
        FakeAllocation("P-POL-SHELLS", "R-SHELLS-SOUTH", 250, date(2026, 1, 10), 0),
        FakeAllocation("P-DEU-SHELLS", "R-SHELLS-EAST", 400, date(2026, 1, 11), 0),
        FakeAllocation("P-POL-SHELLS", "R-SHELLS-EAST", 100, date(2026, 1, 8), 0),
        FakeAllocation("P-DEU-TANKS", "R-TANKS", 10, date(2026, 2, 6), 0),
        FakeAllocation("P-DEU-TANKS", "R-SHELLS-EAST", 0, date(2026, 2, 6), 0),
    ),
    unmet={"R-TANKS": 4, "R-SHELLS-SOUTH": 50},
    unallocated={},
    objective=9_000_000,
)
BASELINE = FakeResult(
    allocations=(
        FakeAllocation("P-DEU-SHELLS", "R-SHELLS-EAST", 250, date(2026, 1, 11), 0),
        FakeAllocation("P-DEU-TANKS", "R-TANKS", 10, date(2026, 2, 6), 0),
        FakeAllocation("P-POL-SHELLS", "R-SHELLS-EAST", 250, date(2026, 1, 8), 0),
        FakeAllocation("P-POL-SHELLS", "R-SHELLS-SOUTH", 100, date(2026, 1, 10), 0),
    ),
    unmet={"R-SHELLS-SOUTH": 200, "R-TANKS": 4},
    unallocated={"P-DEU-SHELLS": 150},
    objective=24_000_000,
)


def fake_summary(scenario: Scenario, result: FakeResult) -> dict[str, Any]:
    return {"by_priority": {p: {"objective": result.objective} for p in "1234"}, "by_family": {}}


class Calls:
    """Records what the fake planners were asked, and answers with the fixed results above."""

    def __init__(self, training: FakeTraining | None = None, optimal: FakeResult = OPTIMAL) -> None:
        self.training = training or FakeTraining()
        self.optimal = optimal
        self.time_limits: list[float | None] = []

    def planners(self) -> Planners:
        def allocate(scenario: Scenario, progress: Any = None) -> FakeResult:
            if progress:
                progress(0.5, "half way")
                progress(1.0, "allocated")
            return self.optimal

        def plan_training(scenario: Scenario, allocation: Any, *, time_limit: Any, progress: Any) -> Any:
            assert allocation is self.optimal
            self.time_limits.append(time_limit)
            progress("training: 2 cohorts")
            return self.training

        def readiness(scenario: Scenario, allocation: Any, training: Any) -> list[dict[str, Any]]:
            assert training is self.training
            return [{"id": "K-TANK-COMPANY", "readiness": "2026-02-23", "days_late": 0, "bottleneck": None}]

        return Planners(
            allocate=allocate,
            baseline=lambda scenario: BASELINE,
            summarize=fake_summary,
            plan_training=plan_training,
            package_readiness=readiness,
        )


@pytest.fixture
def small() -> Scenario:
    return load_scenario_file(SCENARIOS / "small.json")


@pytest.fixture
def training() -> Scenario:
    return load_scenario_file(SCENARIOS / "training.json")


@pytest.fixture
def small_with_training(small: Scenario) -> Scenario:
    """The small scenario as if it had training keys: the fakes answer for it."""
    return dataclasses.replace(small, has_training=True)


def test_a_plan_has_the_contracts_keys_in_order(small: Scenario) -> None:
    doc = make_plan(small, planners=Calls().planners())
    assert list(doc) == [
        "format",
        "scenario_sha256",
        "status",
        "objective",
        "allocations",
        "unmet",
        "unallocated",
        "summary",
        "baseline",
        "stats",
    ]
    assert doc["format"] == "pledgeflow/plan-v1"
    assert doc["scenario_sha256"] == small.sha256
    assert doc["status"] == "optimal"
    assert doc["objective"] == 9_000_000


def test_allocations_are_sorted_by_pledge_then_requirement_and_only_positive(small: Scenario) -> None:
    doc = make_plan(small, planners=Calls().planners())
    assert [(a["pledge"], a["requirement"]) for a in doc["allocations"]] == [
        ("P-DEU-SHELLS", "R-SHELLS-EAST"),
        ("P-DEU-TANKS", "R-TANKS"),
        ("P-POL-SHELLS", "R-SHELLS-EAST"),
        ("P-POL-SHELLS", "R-SHELLS-SOUTH"),
    ]
    assert doc["allocations"][0] == {
        "pledge": "P-DEU-SHELLS",
        "requirement": "R-SHELLS-EAST",
        "quantity": 400,
        "arrival": "2026-01-11",
        "days_late": 0,
    }


def test_unmet_and_unallocated_are_sorted_by_id(small: Scenario) -> None:
    doc = make_plan(small, planners=Calls().planners())
    assert doc["unmet"] == [
        {"requirement": "R-SHELLS-SOUTH", "quantity": 50},
        {"requirement": "R-TANKS", "quantity": 4},
    ]
    assert doc["unallocated"] == []


def test_the_baseline_is_reported_beside_the_plan(small: Scenario) -> None:
    doc = make_plan(small, planners=Calls().planners())
    assert doc["baseline"] == {
        "method": "first-come-first-served",
        "objective": 24_000_000,
        "summary": fake_summary(small, BASELINE),
    }
    assert doc["summary"] == fake_summary(small, OPTIMAL)


def test_a_plan_with_training_carries_training_packages_and_the_total(small_with_training: Scenario) -> None:
    calls = Calls()
    doc = make_plan(small_with_training, planners=calls.planners(), training_time_limit=2.5)
    assert calls.time_limits == [2.5]
    assert doc["allocation_objective"] == 9_000_000
    assert doc["objective"] == 9_000_000 + 4200
    assert doc["training"] == FakeTraining().to_document()
    assert doc["packages"][0]["id"] == "K-TANK-COMPANY"
    assert list(doc)[:5] == ["format", "scenario_sha256", "status", "objective", "allocation_objective"]
    assert list(doc)[-3:] == ["training", "packages", "stats"]


def test_a_training_plan_stopped_by_its_time_limit_makes_the_plan_feasible(
    small_with_training: Scenario,
) -> None:
    doc = make_plan(small_with_training, planners=Calls(FakeTraining(status="feasible")).planners())
    assert doc["status"] == "feasible"
    assert doc["training"]["bound"] == 4000


def test_progress_rises_to_one_across_all_phases(small_with_training: Scenario) -> None:
    seen: list[tuple[float, str]] = []
    make_plan(small_with_training, planners=Calls().planners(), progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any("training: 2 cohorts" in m for _, m in seen)


def test_a_planner_that_gives_more_than_pledged_is_refused(small: Scenario) -> None:
    greedy = FakeResult(
        allocations=(*OPTIMAL.allocations, FakeAllocation("P-DEU-TANKS", "R-TANKS", 1, date(2026, 2, 6), 0)),
        unmet=OPTIMAL.unmet,
        unallocated={},
        objective=1,
    )
    with pytest.raises(PlanError, match="P-DEU-TANKS"):
        make_plan(small, planners=Calls(optimal=greedy).planners())


# -- writing -----------------------------------------------------------------------------------------------


def test_write_plan_writes_the_canonical_bytes(tmp_path: Path, small: Scenario) -> None:
    doc = make_plan(small, planners=Calls().planners())
    target = tmp_path / "plan.json"
    write_plan(doc, target)
    assert target.read_bytes() == plan_bytes(doc)
    assert json.loads(target.read_bytes()) == doc
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["plan.json"]


def test_a_failed_write_leaves_the_old_plan_whole_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b'{"old": true}\n')
    with pytest.raises(ValueError):
        write_plan({"objective": float("nan")}, target)
    assert target.read_bytes() == b'{"old": true}\n'
    assert os.listdir(tmp_path) == ["plan.json"]


def test_replacing_a_plan_keeps_the_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"{}\n")
    target.chmod(0o600)
    write_plan({"format": "pledgeflow/plan-v1"}, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b'{\n  "format": "pledgeflow/plan-v1"\n}\n'


def test_reading_back_a_document_that_is_not_a_plan_lists_what_is_wrong() -> None:
    with pytest.raises(PlanDocumentError) as caught:
        load_plan(b'{"format": "pledgeflow/plan-v1", "status": "optimal"}')
    found = {issue.path for issue in caught.value.errors}
    assert "$" in found
    assert all("required property" in issue.message for issue in caught.value.errors)
    with pytest.raises(PlanDocumentError, match="format"):
        load_plan(b'{"format": "pledgeflow/scenario-v1"}')
    with pytest.raises(PlanDocumentError, match="plan"):
        load_plan(b"[]")
    with pytest.raises(PlanDocumentError, match="not valid JSON"):
        load_plan(b"{")


# -- with the real planners ---------------------------------------------------------------------------------


def without_stats(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "stats"}


def test_the_real_plan_of_the_small_scenario_is_the_one_worked_out_by_hand(small: Scenario) -> None:
    doc = make_plan(small)
    # Priority 1 takes 400 German and 100 Polish shells; the rest of the Polish M107 goes south, where only
    # M107 will do: 50 shells short there (50 * 10 * 10000) and 4 tanks short (4 * 100 * 10000).
    assert doc["objective"] == 9_000_000
    assert doc["unmet"] == [
        {"requirement": "R-SHELLS-SOUTH", "quantity": 50},
        {"requirement": "R-TANKS", "quantity": 4},
    ]
    # First come, first served gives priority 1 the Polish shells that arrive first, starving the south.
    assert doc["baseline"]["objective"] == 24_000_000
    assert doc["baseline"]["summary"]["by_priority"]["3"] == {
        "required": 300,
        "on_time": 100,
        "late": 0,
        "unmet": 200,
    }
    assert list(Draft202012Validator(load_schema(PLAN_SCHEMA)).iter_errors(doc)) == []
    assert load_plan(plan_bytes(doc)) == doc


def test_the_same_scenario_gives_the_same_bytes_apart_from_stats(small: Scenario) -> None:
    first, second = make_plan(small), make_plan(small)
    assert plan_bytes(without_stats(first)) == plan_bytes(without_stats(second))


def test_the_real_plan_with_training_has_every_section(training: Scenario) -> None:
    first = make_plan(training)
    assert first["objective"] == first["allocation_objective"] + first["training"]["objective"]
    assert [k["id"] for k in first["packages"]] == ["K-TANK-COMPANY"]
    assert list(first)[-4:] == ["training", "packages", "alerts", "stats"]
    assert {alert["kind"] for alert in first["alerts"]} >= {"unassigned_cohort"}
    assert list(Draft202012Validator(load_schema(PLAN_SCHEMA)).iter_errors(first)) == []
    assert plan_bytes(without_stats(make_plan(training))) == plan_bytes(without_stats(first))


@pytest.mark.parametrize(
    "module",
    [
        "pledgeflow.engine.errors",
        "pledgeflow.engine.plan",
        "pledgeflow.engine.scenario",
        "pledgeflow.engine.schema",
    ],
)
def test_each_module_lists_its_public_names_sorted_and_they_exist(module: str) -> None:
    imported = importlib.import_module(module)
    names = imported.__all__
    assert names == sorted(names)
    assert all(hasattr(imported, name) for name in names)


@pytest.mark.parametrize(
    ("key", "row", "path"),
    [
        (
            "allocations",
            {"pledge": "", "requirement": "R", "quantity": 1, "arrival": "2026-01-01", "days_late": 0},
            "allocations[1].pledge",
        ),
        (
            "allocations",
            {"pledge": "P", "requirement": "R", "quantity": 0, "arrival": "2026-01-01", "days_late": 0},
            "allocations[1].quantity",
        ),
        (
            "allocations",
            {"pledge": "P", "requirement": "R", "quantity": 1, "arrival": "2026-02-30", "days_late": 0},
            "allocations[1].arrival",
        ),
        (
            "allocations",
            {"pledge": "P", "requirement": "R", "quantity": 1, "arrival": "2026-01-01", "days_late": -1},
            "allocations[1].days_late",
        ),
        ("unmet", {"requirement": "R", "quantity": True}, "unmet[1].quantity"),
        ("unallocated", ["P", 3], "unallocated[1]"),
    ],
)
def test_reading_back_checks_every_row_of_the_long_lists(
    small: Scenario, key: str, row: Any, path: str
) -> None:
    doc = make_plan(small, planners=Calls().planners())
    doc[key] = [row, row]
    with pytest.raises(PlanDocumentError) as caught:
        load_plan(plan_bytes(doc))
    assert path in {issue.path for issue in caught.value.errors}
