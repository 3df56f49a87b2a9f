"""``pledgeflow plan --from-db``: the database snapshot planned from the command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pledgeflow.cli import main
from pledgeflow.planning.models import AllocationLock, PlanRun
from tests.db import factories
from tests.db.planning.conftest import Theatre


def test_plan_from_db_writes_the_plan_of_the_current_snapshot(
    theatre: Theatre, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, snapshot_path = tmp_path / "plan.json", tmp_path / "snapshot.json"

    status = main(["plan", "--from-db", "-o", str(plan_path), "--snapshot-out", str(snapshot_path)])

    assert status == 0, capsys.readouterr().err
    plan = json.loads(plan_path.read_text())
    assert {(a["pledge"], a["requirement"]) for a in plan["allocations"]} == {
        ("DEU-0001", "UKR-ART-0001"),
        ("FRA-0001", "UKR-ART-0001"),
        ("FRA-0001", "UKR-ART-0002"),
    }
    assert plan["scenario_sha256"] == hashlib.sha256(snapshot_path.read_bytes()).hexdigest()
    assert "the database snapshot (priority list 2026-11, starting 2026-12-01)" in capsys.readouterr().out
    # Planning from the command line stores no run.
    assert PlanRun.objects.count() == 0


def test_the_snapshot_written_beside_the_plan_explains_it(theatre: Theatre, tmp_path: Path) -> None:
    pytest.importorskip("pledgeflow.engine.explain", reason="the explainer is not installed in this tree yet")
    plan_path, snapshot_path = tmp_path / "plan.json", tmp_path / "snapshot.json"
    assert main(["plan", "--from-db", "-q", "-o", str(plan_path), "--snapshot-out", str(snapshot_path)]) == 0
    assert main(["explain", str(plan_path), str(snapshot_path), "--requirement", "UKR-ART-0002"]) == 0


def test_a_scenario_file_and_from_db_together_are_refused(
    theatre: Theatre, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["plan", "scenario.json", "--from-db", "-o", str(tmp_path / "plan.json")])
    assert status == 2
    assert "either a scenario file" in capsys.readouterr().err
    assert not (tmp_path / "plan.json").exists()


def test_an_invalid_snapshot_names_the_records_and_writes_nothing(
    theatre: Theatre, coordinator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AllocationLock.objects.create(
        pledge=theatre.german, requirement=theatre.critical, quantity=500, created_by=coordinator
    )
    factories.family("iris-t-slm-interceptors", area="air-defence")
    missile = factories.item("iris-t-missile", family_code="iris-t-slm-interceptors")
    type(theatre.german).objects.filter(pk=theatre.german.pk).update(item=missile)

    status = main(["plan", "--from-db", "-o", str(tmp_path / "plan.json")])

    assert status == 2
    err = capsys.readouterr().err
    assert "locks[0]" in err and "(lock on pledge DEU-0001 -> requirement UKR-ART-0001)" in err
    assert not (tmp_path / "plan.json").exists()


def test_a_database_that_cannot_be_read_is_reported_plainly(
    theatre: Theatre, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from pledgeflow.planning import snapshot

    def unreadable(start: object = None) -> None:
        raise OperationalError("no such table: requirements_requirement")

    monkeypatch.setattr(snapshot, "build_snapshot", unreadable)
    assert main(["plan", "--from-db", "-o", str(tmp_path / "plan.json")]) == 2
    err = capsys.readouterr().err
    assert "no such table" in err and "pledgeflow manage migrate" in err
