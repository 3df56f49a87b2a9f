"""Exporting the record: canonical bytes, the round trip, the records chosen, atomic files."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from pledgeflow.cli import main
from pledgeflow.engine.scenario import load_scenario
from pledgeflow.interchange import export_bytes, export_scenario, import_scenario
from pledgeflow.pledges.models import Pledge
from pledgeflow.requirements.models import Requirement
from tests.db.interchange.documents import document, encode

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes() -> None:
    with transaction.atomic():
        import_scenario(encode(document()))
        first = export_bytes(START)
        # Undo everything: the next import starts from an empty record again.
        transaction.set_rollback(True)
    assert not Pledge.objects.exists()

    import_scenario(first)
    second = export_bytes(START)

    assert second == first


def test_the_demo_round_trips_byte_for_byte() -> None:
    from pledgeflow.demo import ensure_demo_data

    with transaction.atomic():
        ensure_demo_data()
        first = export_bytes(START)
        transaction.set_rollback(True)
    assert not Pledge.objects.exists()

    import_scenario(first)

    assert export_bytes(START) == first
    doc = json.loads(first)
    assert len(doc["requirements"]) >= 300 and len(doc["pledges"]) >= 350


def test_export_is_a_valid_canonical_scenario_sorted_by_id() -> None:
    import_scenario(encode(document()))

    data = export_bytes(START)
    doc = json.loads(data)

    load_scenario(data)  # raises if the export broke the contract
    assert data.endswith(b"\n") and data.startswith(b'{\n  "format": "pledgeflow/scenario-v1"')
    assert [i["code"] for i in doc["items"]] == ["155-DM121", "155-M795", "LEO-2A4"]
    assert [loc["id"] for loc in doc["locations"]] == sorted(loc["id"] for loc in doc["locations"])
    assert doc["items"][1] == {
        "code": "155-M795",
        "family": "155mm-artillery-ammunition",
        "name": "155 mm HE M795",
        "supply_class": "V",
        "unit_value_eur": 3200.5,
        "unit_mass_kg": 46.7,
        "nsn": "1320-01-555-0114",
    }
    assert doc["pledges"][1]["destinations"] == ["DST-KYIV", "DST-ODESA"]
    assert doc["requirements"][0]["note"] == "One tank company."
    assert doc["locks"] == [] and doc["policy"]["unmet_penalty"] == 10000


def test_export_leaves_out_cancelled_requirements_and_void_pledges(coordinator: Any) -> None:
    from pledgeflow.pledges.services import record_milestone
    from pledgeflow.requirements.services import cancel_requirement

    import_scenario(encode(document()))
    tanks = Requirement.objects.get(reference="UKR-ARM-0001")
    cancel_requirement(coordinator, tanks, tanks.version)
    pledge = Pledge.objects.get(reference="DEU-0001")
    record_milestone(coordinator, pledge, "withdrawn", pledge.version)

    doc = export_scenario(START)

    assert [r["id"] for r in doc["requirements"]] == ["UKR-ART-0001"]
    assert [p["id"] for p in doc["pledges"]] == ["DEU-0002"]


def test_export_for_a_user_shows_only_the_pledges_their_nation_may_see(liaison_fra: Any) -> None:
    import_scenario(encode(document()))
    Pledge.objects.filter(reference="DEU-0001").update(sharing_label="RED")
    Pledge.objects.filter(reference="DEU-0002").update(sharing_label="GREEN")

    seen = [p["id"] for p in export_scenario(START, viewer=liaison_fra)["pledges"]]

    assert seen == ["DEU-0002"]
    assert [p["id"] for p in export_scenario(START)["pledges"]] == ["DEU-0001", "DEU-0002"]


def test_the_export_command_writes_the_file_and_says_what_it_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_scenario(encode(document()))
    target = tmp_path / "out.json"

    assert main(["export", "-o", str(target), "--start", "2026-01-05"]) == 0

    assert target.read_bytes() == export_bytes(START)
    assert "2 requirements, 2 pledges; start 2026-01-05" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_the_export_starts_today_unless_told_otherwise(tmp_path: Path) -> None:
    from django.utils import timezone

    target = tmp_path / "out.json"
    assert main(["export", "-o", str(target)]) == 0
    assert json.loads(target.read_bytes())["start"] == timezone.now().date().isoformat()


@pytest.mark.parametrize("start", ["2026-02-30", "5.1.2026", "20260105"])
def test_the_export_command_refuses_a_bad_start_date(
    start: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    assert main(["export", "-o", str(target), "--start", start]) == 2
    assert "--start" in capsys.readouterr().err
    assert not target.exists()


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import_scenario(encode(document()))
    target = tmp_path / "out.json"
    target.write_text("the previous export\n")

    def disk_full(source: Any, destination: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)

    assert main(["export", "-o", str(target)]) == 1

    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert "nothing was written" in capsys.readouterr().err


def test_exporting_an_unknown_list_version_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-o", str(tmp_path / "x.json"), "--list-version", "1999-01"]) == 2
    assert "no priority-list version is labelled '1999-01'" in capsys.readouterr().err


def test_active_locks_are_exported_only_when_asked_for(coordinator: Any) -> None:
    from pledgeflow.planning.models import AllocationLock

    import_scenario(encode(document()))
    pledge = Pledge.objects.get(reference="DEU-0001")
    shells = Requirement.objects.get(reference="UKR-ART-0001")
    AllocationLock.objects.create(pledge=pledge, requirement=shells, quantity=1500, created_by=coordinator)
    AllocationLock.objects.create(
        pledge=Pledge.objects.get(reference="DEU-0002"),
        requirement=Requirement.objects.get(reference="UKR-ARM-0001"),
        quantity=2,
        created_by=coordinator,
        active=False,
    )

    assert export_scenario(START)["locks"] == []
    data = export_bytes(START, with_locks=True)
    assert json.loads(data)["locks"] == [
        {"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": 1500}
    ]
