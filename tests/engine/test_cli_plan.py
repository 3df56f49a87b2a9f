"""`pledgeflow plan`: exit statuses, every error on stderr, no output on failure, a summary users can read."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pledgeflow.cli import main
from pledgeflow.cli import plan as plan_command
from pledgeflow.cli.plan import ProgressLine, format_summary
from pledgeflow.engine.errors import PlanError
from pledgeflow.engine.scenario import load_scenario_file

SCENARIOS = Path(__file__).parent / "scenarios"
SMALL = SCENARIOS / "small.json"


def bad_scenario(tmp_path: Path) -> Path:
    """The small scenario with three mistakes far apart: a bad quantity, an unknown location, a bad lock."""
    doc = json.loads(SMALL.read_text())
    doc["requirements"][0]["quantity"] = 0
    doc["pledges"][2]["origin"] = "DEPOT-ITA"
    doc["locks"][0]["quantity"] = 301
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    return path


def test_planning_a_valid_scenario_writes_the_plan_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", str(SMALL), "-o", str(out)]) == 0
    doc = json.loads(out.read_bytes())
    assert doc["format"] == "pledgeflow/plan-v1"
    assert doc["stats"]["seconds"] >= doc["stats"]["read_seconds"] >= 0
    assert capsys.readouterr().err == ""


def test_the_summary_says_what_optimisation_bought_per_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["plan", str(SMALL), "-o", str(tmp_path / "plan.json")])
    text = capsys.readouterr().out
    assert "Objective 9,000,000 against 24,000,000 first-come-first-served, 62.5% lower." in text
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line[:1] and line[:1] in "1234"}
    assert rows["3"] == ["3", "medium", "300", "250", "(+150)", "0", "(+0)", "50", "(-150)"]
    assert rows["1"] == ["1", "critical", "500", "500", "(+0)", "0", "(+0)", "0", "(+0)"]
    assert "Optimisation bought 150 more units on time and 150 fewer unmet at priority 3 (medium)." in text


def test_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(SMALL), "-o", str(tmp_path / "plan.json"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_an_invalid_scenario_exits_2_with_every_error_as_path_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", str(bad_scenario(tmp_path)), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "is not a valid pledgeflow/scenario-v1 document (3 errors); nothing was written" in err[0]
    assert [line.split(": ", 1)[0] for line in err[1:]] == [
        "requirements[0].quantity",
        "pledges[2].origin",
        "locks[0].quantity",
    ]
    assert not out.exists()


def test_an_invalid_scenario_leaves_an_existing_plan_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.json"
    out.write_text("the previous plan\n")
    assert main(["plan", str(bad_scenario(tmp_path)), "-o", str(out)]) == 2
    assert out.read_text() == "the previous plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "plan.json"]


def test_a_missing_scenario_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(tmp_path / "absent.json"), "-o", str(tmp_path / "plan.json")]) == 2
    assert "cannot read the scenario" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_no_scenario_at_all_exits_2_and_says_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "-o", str(tmp_path / "plan.json")]) == 2
    assert "give the scenario to plan" in capsys.readouterr().err


def test_an_output_folder_that_does_not_exist_exits_2_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(SMALL), "-o", str(tmp_path / "no" / "plan.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_invalid_json_is_reported_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "pledgeflow/scenario-v1",}')
    assert main(["plan", str(broken), "-o", str(tmp_path / "plan.json")]) == 2
    assert "$: is not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["0", "-1", "soon", "inf"])
def test_the_training_time_limit_must_be_positive_seconds(
    limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(SMALL), "-o", str(tmp_path / "plan.json"), "--training-time-limit", limit])
    assert exited.value.code == 2
    assert "--training-time-limit" in capsys.readouterr().err


def test_a_planning_failure_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise PlanError("the solver gave up")

    monkeypatch.setattr(plan_command, "make_plan", failing)
    out = tmp_path / "plan.json"
    assert main(["plan", str(SMALL), "-o", str(out)]) == 1
    assert "planning failed: the solver gave up" in capsys.readouterr().err
    assert not out.exists()


def test_two_runs_write_the_same_bytes_apart_from_stats(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["plan", str(SMALL), "-o", str(first), "-q"]) == 0
    assert main(["plan", str(SMALL), "-o", str(second), "-q"]) == 0
    a, b = json.loads(first.read_bytes()), json.loads(second.read_bytes())
    assert a.pop("stats") != {} and b.pop("stats") != {}
    assert a == b
    text_a, text_b = first.read_text(), second.read_text()
    assert text_a[: text_a.index('"stats"')] == text_b[: text_b.index('"stats"')]


def test_the_installed_command_exits_2_on_invalid_input(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    run = subprocess.run(
        [sys.executable, "-m", "pledgeflow", "plan", str(bad_scenario(tmp_path)), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "requirements[0].quantity: must be an integer from 1 to 1000000000, not 0" in run.stderr
    assert not out.exists()


# -- progress ----------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_stays_silent_for_the_first_second() -> None:
    clock, out = Clock(), io.StringIO()
    progress = ProgressLine(out, clock=clock)
    clock.now += 0.5
    progress(0.3, "allocating")
    assert out.getvalue() == ""


def test_progress_in_a_log_prints_a_line_per_tenth_and_now_and_then() -> None:
    clock, out = Clock(), io.StringIO()
    progress = ProgressLine(out, clock=clock)
    clock.now += 2
    progress(0.1, "allocating")
    progress(0.15, "solved 3 of 60 families")  # too soon, and still the same tenth
    progress(0.6, "baseline")  # another tenth shows at once
    clock.now += 10
    progress(0.62, "baseline")  # nothing passed, but it has been a while
    assert out.getvalue().splitlines() == [
        "planning  10%  allocating",
        "planning  60%  baseline",
        "planning  62%  baseline",
    ]


def test_progress_on_a_terminal_rewrites_one_line_and_clears_it() -> None:
    clock, out = Clock(), Terminal()
    progress = ProgressLine(out, clock=clock)
    clock.now += 2
    progress(0.5, "allocating")
    clock.now += 1
    progress(1.0, "done")
    progress.close()
    text = out.getvalue()
    assert "\n" not in text
    assert text.startswith("\rplanning  50%  allocating")
    assert text.endswith("\r")


def test_the_scenario_may_come_from_standard_input(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    run = subprocess.run(
        [sys.executable, "-m", "pledgeflow", "plan", "-", "-o", str(out), "-q"],
        input=SMALL.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_bytes())["objective"] == 9_000_000


def test_the_summary_reports_training_and_packages() -> None:
    scenario = load_scenario_file(SCENARIOS / "training.json")
    counts = {"required": 4, "on_time": 4, "late": 0, "unmet": 0}
    summary = {"by_priority": {p: dict(counts) for p in "1234"}, "by_family": {}}
    doc = {
        "status": "feasible",
        "objective": 4_000_100,
        "allocation_objective": 100,
        "summary": summary,
        "baseline": {"method": "first-come-first-served", "objective": 100, "summary": summary},
        "training": {
            "status": "feasible",
            "objective": 4_000_000,
            "bound": 3_500_000,
            "assignments": [{"cohort": "C-CREW-1"}],
            "unassigned": ["C-CREW-2"],
        },
        "packages": [
            {"id": "K-TANK-COMPANY", "readiness": "2026-03-20", "days_late": 5},
            {"id": "K-BATTERY", "readiness": None, "days_late": None},
            {"id": "K-DRONES", "readiness": "2026-01-05", "days_late": 0},
        ],
    }
    text = format_summary(doc, scenario, "training.json", "plan.json", 1.5)
    assert "(feasible, 1.50 s)" in text
    assert "Allocation objective 100 against 100 first-come-first-served." in text
    assert (
        "Training: 1 cohort assigned, 1 unassigned (C-CREW-2); "
        "cost 4,000,000 (feasible, proven bound 3,500,000). Total objective 4,000,100." in text
    )
    assert "Packages: 1 of 3 ready on time; late: K-TANK-COMPANY; never ready: K-BATTERY." in text
    assert "Optimisation bought nothing here" in text


def test_the_plan_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / f"plan-{seed}.json"
        subprocess.run(
            [sys.executable, "-m", "pledgeflow", "plan", str(SMALL), "-o", str(out), "-q"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        text = out.read_text()
        texts.append(text[: text.index('"stats"')])
    assert texts[0] == texts[1]


def test_errors_in_a_scenario_on_standard_input_name_it_so(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pledgeflow", "plan", "-", "-o", str(tmp_path / "plan.json")],
        input=b'{"format": "pledgeflow/scenario-v1"}',
        capture_output=True,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.decode().startswith("error: the scenario on standard input is not a valid")
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """`pledgeflow explain ... | head` must not end in a traceback when head stops reading."""
    scenario = Path(__file__).parent / "scenarios" / "small.json"
    plan = tmp_path / "plan.json"
    subprocess.run(
        [sys.executable, "-m", "pledgeflow", "plan", str(scenario), "-o", str(plan), "-q"], check=True
    )
    command = [
        sys.executable,
        "-m",
        "pledgeflow",
        "explain",
        str(plan),
        str(scenario),
        "--pledge",
        "P-DEU-SHELLS",
    ]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the command writes a line
    err = child.stderr.read()
    assert child.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err
