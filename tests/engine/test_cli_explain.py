"""`pledgeflow explain`: only against the scenario the plan was made from, only for ids that exist."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pledgeflow.cli import main
from pledgeflow.cli.explain import render

SCENARIOS = Path(__file__).parent / "scenarios"
SMALL = SCENARIOS / "small.json"
TRAINING = SCENARIOS / "training.json"


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plans") / "small-plan.json"
    assert main(["plan", str(SMALL), "-o", str(out), "-q"]) == 0
    return out


def test_a_plan_of_another_scenario_is_refused(small_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(small_plan), str(TRAINING), "--requirement", "R-TANKS"]) == 2
    err = capsys.readouterr().err
    assert "was made from another scenario" in err
    assert "pledgeflow plan" in err


def test_an_edited_scenario_no_longer_matches_its_plan(
    small_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "small.json"
    edited.write_bytes(SMALL.read_bytes() + b"\n")
    assert main(["explain", str(small_plan), str(edited), "--pledge", "P-DEU-TANKS"]) == 2
    assert "another scenario" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "ident"),
    [("--requirement", "R-DRONES"), ("--pledge", "P-FRA-CAESAR"), ("--cohort", "C-9"), ("--package", "K-9")],
)
def test_an_unknown_id_is_refused_by_name(
    small_plan: Path, option: str, ident: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(small_plan), str(SMALL), option, ident]) == 2
    assert f"there is no {option[2:]} '{ident}' in" in capsys.readouterr().err


def test_exactly_one_subject_must_be_named(small_plan: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["explain", str(small_plan), str(SMALL), "--requirement", "R-TANKS", "--pledge", "P-DEU-TANKS"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["explain", str(small_plan), str(SMALL)])


def test_a_file_that_is_not_a_plan_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SMALL), str(SMALL), "--requirement", "R-TANKS"]) == 2
    assert "is not a pledgeflow/plan-v1 document" in capsys.readouterr().err


def test_an_invalid_scenario_is_refused_with_its_errors(
    small_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "pledgeflow/scenario-v1"}))
    assert main(["explain", str(small_plan), str(broken), "--requirement", "R-TANKS"]) == 2
    assert "start: missing" in capsys.readouterr().err


def test_missing_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(tmp_path / "plan.json"), str(SMALL), "--requirement", "R-TANKS"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_cohort_cannot_be_explained_from_a_plan_without_training(
    small_plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(SMALL.read_text())
    doc["cohorts"] = [
        {"id": "C-1", "skill": "s", "size": 4, "language": "en", "ready_by": "2026-03-01", "priority": 1}
    ]
    doc["skills"] = [{"id": "s", "prerequisites": []}]
    scenario = tmp_path / "with-cohort.json"
    scenario.write_text(json.dumps(doc))
    plan = json.loads(small_plan.read_text())
    plan["scenario_sha256"] = hashlib.sha256(scenario.read_bytes()).hexdigest()
    stripped = tmp_path / "plan.json"
    stripped.write_text(json.dumps(plan))
    assert main(["explain", str(stripped), str(scenario), "--cohort", "C-1"]) == 2
    assert "has no training plan" in capsys.readouterr().err


def test_render_lays_an_explanation_out_as_indented_lines() -> None:
    lines = render(
        {
            "requirement": "R-SHELLS-SOUTH",
            "unmet": 50,
            "reason": "every admissible unit went to needs of equal or higher weight",
            "candidates": [
                {
                    "pledge": "P-POL-SHELLS",
                    "arrival": "2026-01-10",
                    "days_late": 0,
                    "went_to": ["R-SHELLS-EAST"],
                },
            ],
            "marginal_value": {"one_more_unit": 100000},
            "blocked": [],
            "note": None,
        }
    )
    assert lines == [
        "requirement: R-SHELLS-SOUTH",
        "unmet: 50",
        "reason: every admissible unit went to needs of equal or higher weight",
        "candidates:",
        "  - pledge: P-POL-SHELLS",
        "    arrival: 2026-01-10",
        "    days late: 0",
        "    went to: R-SHELLS-EAST",
        "marginal value: one more unit 100,000",
        "blocked: none",
        "note: none",
    ]


# -- with the real explainers --------------------------------------------------------------------------------


def test_a_requirement_is_explained_readably_and_as_json(
    small_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(small_plan), str(SMALL), "--requirement", "R-SHELLS-SOUTH"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Requirement R-SHELLS-SOUTH\n")
    assert "P-POL-SHELLS" in text
    assert main(["explain", str(small_plan), str(SMALL), "--requirement", "R-SHELLS-SOUTH", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)


def test_a_pledge_is_explained(small_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(small_plan), str(SMALL), "--pledge", "P-DEU-SHELLS", "--json"]) == 0
    assert "R-SHELLS-EAST" in capsys.readouterr().out


def test_a_cohort_and_a_package_are_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    assert main(["plan", str(TRAINING), "-o", str(plan), "-q"]) == 0
    assert main(["explain", str(plan), str(TRAINING), "--cohort", "C-CREW-1"]) == 0
    assert "C-CREW-1" in capsys.readouterr().out
    assert main(["explain", str(plan), str(TRAINING), "--package", "K-TANK-COMPANY", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)
