"""Importing scenario documents: the whole file is checked first, then written all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pledgeflow.catalogue.models import Family, Item
from pledgeflow.cli import main
from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.models import ChangeRecord
from pledgeflow.engine.errors import ScenarioError
from pledgeflow.interchange import import_scenario
from pledgeflow.logistics.models import Location, Route
from pledgeflow.pledges.models import Pledge
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from tests.db.interchange.documents import document, encode

pytestmark = pytest.mark.django_db


def issues_of(data: bytes, **options: Any) -> list[str]:
    """The ``path: message`` lines an import of ``data`` is refused with."""
    with pytest.raises(ScenarioError) as refused:
        import_scenario(data, **options)
    return [str(issue) for issue in refused.value.errors]


def paths_of(data: bytes, **options: Any) -> list[str]:
    """The JSON paths an import of ``data`` is refused at."""
    return [line.split(": ", 1)[0] for line in issues_of(data, **options)]


def test_imports_every_record_of_a_valid_scenario_with_its_history(coordinator: Any) -> None:
    result = import_scenario(encode(document()), coordinator)

    assert {kind: dict(c) for kind, c in result.counts.items()} == {
        "families": {"created": 2},
        "items": {"created": 3},
        "locations": {"created": 4},
        "routes": {"created": 3},
        "requirements": {"created": 2},
        "pledges": {"created": 2},
    }
    shell = Item.objects.get(code="155-M795")
    assert shell.unit_value_eur == Decimal("3200.50")
    assert shell.nsn == "1320-01-555-0114"
    assert shell.family.capability_area.code == "artillery"
    assert Location.objects.get(code="DST-ODESA").name == "DST-ODESA"
    tanks = Requirement.objects.get(reference="UKR-ARM-0001")
    assert (tanks.item.code, tanks.justification, tanks.status) == (
        "LEO-2A4",
        "One tank company.",
        "approved",
    )
    assert tanks.list_version.status == "approved" and tanks.list_version.label == "2026-01"
    pledge = Pledge.objects.get(reference="DEU-0002")
    assert pledge.status == "offered" and pledge.sharing_label == "AMBER"
    assert sorted(d.code for d in pledge.allowed_destinations.all()) == ["DST-KYIV", "DST-ODESA"]
    assert pledge.milestones.get().recorded_by == coordinator
    created = ChangeRecord.objects.filter(entity="pledges.pledge", object_id=str(pledge.pk)).get()
    assert (created.action, created.actor) == ("create", coordinator)


def test_import_with_several_errors_lists_each_with_its_path_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], counts: Any
) -> None:
    import_scenario(encode(document()))  # a record that is not empty
    before = counts()
    doc = document()
    doc["items"][2]["supply_class"] = "VI"
    doc["locations"][3]["country"] = "XXX"
    doc["routes"][1]["to"] = "HUB-RZESZOW"
    doc["requirements"][1]["quantity"] = 0
    doc["pledges"][1]["donor"] = "ZZZ"
    doc["pledges"].append(dict(doc["pledges"][0], id="DEU 0003"))
    path = tmp_path / "broken.json"
    path.write_bytes(encode(doc))

    status = main(["import", str(path)])

    err = capsys.readouterr().err
    assert status == 2
    assert "nothing was written" in err
    for expected in (
        "  items[2].supply_class: supply class 'VI' is not one the record keeps",
        "  locations[3].country: country 'XXX' is not a nation or organisation this database knows",
        "  routes[1].to: a route leads to another location",
        "  requirements[1].quantity: must be an integer from 1 to 1000000000, not 0",
        "  pledges[1].donor: donor 'ZZZ' is not a nation or organisation this database knows",
        "  pledges[2].id: A pledge reference starts with a letter or digit",
    ):
        assert expected in err, expected
    # Document order: items before locations before routes before requirements before pledges.
    lines = [line for line in err.splitlines() if line.startswith("  ")]
    order = ["items", "locations", "routes", "requirements", "pledges"]
    assert [order.index(line.strip().split("[")[0]) for line in lines] == sorted(
        order.index(line.strip().split("[")[0]) for line in lines
    )
    assert counts() == before


def test_unknown_donor_code_is_refused_with_its_path(counts: Any) -> None:
    before = counts()
    doc = document()
    doc["pledges"][0]["donor"] = "CHN"

    issues = issues_of(encode(doc))

    assert issues == [
        "pledges[0].donor: donor 'CHN' is not a nation or organisation this database knows; use an ISO 3166 "
        "alpha-3 code of a registered nation (e.g. DEU, USA) or EUU for the European Union"
    ]
    assert counts() == before


def test_record_errors_are_reported_beside_structural_ones() -> None:
    doc = document()
    doc["requirements"][0]["quantity"] = "many"
    doc["pledges"][1]["donor"] = "QQQ"

    assert paths_of(encode(doc)) == ["requirements[0].quantity", "pledges[1].donor"]


def test_a_file_that_is_not_json_is_refused_at_the_document(counts: Any) -> None:
    before = counts()
    assert paths_of(b"{not json") == ["$"]
    assert counts() == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time() -> None:
    data = encode(document())
    import_scenario(data)
    history = ChangeRecord.objects.count()

    again = import_scenario(data)

    assert again.changed == 0
    assert again.counts["pledges"]["unchanged"] == 2
    assert again.counts["requirements"]["unchanged"] == 2
    assert ChangeRecord.objects.count() == history


def test_reference_data_is_updated_in_place_with_a_new_version_and_history(coordinator: Any) -> None:
    import_scenario(encode(document()))
    doc = document()
    doc["items"][2]["unit_value_eur"] = 5000000
    doc["routes"][0]["days"] = 5

    result = import_scenario(encode(doc), coordinator)

    assert result.counts["items"]["updated"] == 1 and result.counts["routes"]["updated"] == 1
    tank = Item.objects.get(code="LEO-2A4")
    assert (tank.unit_value_eur, tank.version) == (Decimal("5000000.00"), 2)
    change = ChangeRecord.objects.filter(
        entity="catalogue.item", object_id=str(tank.pk), action="update"
    ).get()
    assert change.actor == coordinator
    assert change.before["unit_value_eur"] == "4500000.00"
    assert Route.objects.get(from_location__code="DEP-DEU").days == 5


def test_an_existing_pledge_with_different_content_is_refused_not_overwritten() -> None:
    import_scenario(encode(document()))
    doc = document()
    doc["pledges"][0]["quantity"] = 9999

    issues = issues_of(encode(doc))

    assert len(issues) == 1
    assert issues[0].startswith(
        "pledges[0].id: pledge 'DEU-0001' already exists (offered) with different content"
    )
    assert "quantity 4000 in the database, 9999 here" in issues[0]
    assert Pledge.objects.get(reference="DEU-0001").quantity == 4000


def test_an_existing_requirement_with_different_content_is_refused() -> None:
    import_scenario(encode(document()))
    doc = document()
    doc["requirements"][1]["need_by"] = "2026-07-01"

    issues = issues_of(encode(doc))

    assert len(issues) == 1 and issues[0].startswith("requirements[1].id: requirement 'UKR-ARM-0001'")
    assert "need_by 2026-06-01 in the database, 2026-07-01 here" in issues[0]


def test_new_requirements_join_the_draft_list_version_as_drafts(coordinator: Any) -> None:
    from pledgeflow.requirements.services import start_next_version

    import_scenario(encode(document()))
    draft = start_next_version(coordinator, label="2026-02")
    doc = document()
    doc["requirements"].append(
        {
            "id": "UKR-ART-0002",
            "family": "155mm-artillery-ammunition",
            "quantity": 800,
            "priority": 3,
            "need_by": "2026-04-01",
            "destination": "DST-ODESA",
        }
    )

    result = import_scenario(encode(doc), coordinator)

    added = Requirement.objects.get(reference="UKR-ART-0002")
    assert (added.list_version, added.status) == (draft, "draft")
    assert result.counts["requirements"] == {"created": 1, "unchanged": 2}


def test_new_requirements_are_refused_while_the_current_list_is_approved_and_no_draft_exists() -> None:
    import_scenario(encode(document()))
    doc = document()
    doc["requirements"].append(dict(doc["requirements"][0], id="UKR-ART-0099"))

    issues = issues_of(encode(doc))

    assert len(issues) == 1 and issues[0].startswith(
        "requirements[2].id: requirement 'UKR-ART-0099' is not on"
    )
    assert "start the next version" in issues[0]
    assert PriorityListVersion.objects.count() == 1


def test_a_family_pledgeflow_does_not_know_needs_a_capability_area() -> None:
    doc = document()
    doc["items"][0]["family"] = "glide-bomb-kit"
    doc["requirements"] = []

    assert paths_of(encode(doc)) == ["items[0].family"]

    import_scenario(encode(doc), family_area="aviation")

    family = Family.objects.get(code="glide-bomb-kit")
    assert (family.name, family.capability_area.code) == ("glide-bomb-kit", "aviation")


def test_an_unknown_family_area_is_refused() -> None:
    assert "$" in paths_of(encode(document()), family_area="space")


def test_the_record_requires_a_supply_class_and_a_location_kind_for_new_records() -> None:
    doc = document()
    del doc["items"][1]["supply_class"]
    del doc["locations"][3]["kind"]

    assert paths_of(encode(doc)) == ["items[1].supply_class", "locations[3].kind"]


def test_database_limits_are_checked_before_anything_is_written(counts: Any) -> None:
    before = counts()
    doc = document()
    doc["items"][0]["unit_mass_kg"] = 46.71234
    doc["pledges"][0]["id"] = "DEU-" + "9" * 40

    issues = issues_of(encode(doc))

    assert [i.split(": ", 1)[0] for i in issues] == ["items[0].unit_mass_kg", "pledges[0].id"]
    assert "3 decimal places" in issues[0]
    assert "at most 32 characters" in issues[1]
    assert counts() == before


def test_two_items_cannot_share_an_nsn() -> None:
    doc = document()
    doc["items"][1]["nsn"] = "1320-01-555-0114"

    issues = issues_of(encode(doc))

    assert issues == [
        "items[1].nsn: NSN 1320-01-555-0114 is also given to item '155-M795' at items[0].nsn; an NSN "
        "identifies one item"
    ]


def test_duplicate_routes_between_the_same_places_are_refused() -> None:
    doc = document()
    doc["routes"].append({"from": "DEP-DEU", "to": "HUB-RZESZOW", "days": 4})

    assert paths_of(encode(doc)) == ["routes[3]"]


def test_locks_and_custom_policy_are_refused_rather_than_dropped() -> None:
    doc = document(
        locks=[{"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": 100}],
        policy={"unmet_penalty": 500},
    )

    assert paths_of(encode(doc)) == ["locks", "policy.unmet_penalty"]


def test_the_default_policy_and_empty_locks_of_an_export_are_accepted() -> None:
    doc = document(
        locks=[],
        policy={"priority_weights": {"1": 1000, "2": 100, "3": 10, "4": 1}, "unmet_penalty": 10000},
    )

    assert import_scenario(encode(doc)).counts["pledges"]["created"] == 2


def test_only_coordinators_import(liaison_deu: Any, counts: Any) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        import_scenario(encode(document()), liaison_deu)
    assert counts() == before


def test_a_dry_run_checks_and_counts_but_writes_nothing(counts: Any) -> None:
    before = counts()

    result = import_scenario(encode(document()), dry_run=True)

    assert result.counts["pledges"]["created"] == 2
    assert counts() == before


def test_the_import_command_reports_what_it_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(encode(document()))

    assert main(["import", str(path)]) == 0

    out = capsys.readouterr().out
    assert "Imported" in out and "pledges: 2 created" in out
    assert "created priority-list version 2026-01 (approved)" in out
    assert Pledge.objects.get(reference="DEU-0001").available == date(2026, 1, 10)


def test_the_import_command_refuses_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_problem_the_reader_reports_is_not_reported_twice() -> None:
    doc = document()
    doc["locations"][0]["kind"] = "warehouse"

    assert paths_of(encode(doc)) == ["locations[0].kind"]


def test_the_pledge_rules_of_the_record_apply_to_imported_pledges(counts: Any) -> None:
    from pledgeflow.logistics.models import Location as LocationRecord

    import_scenario(encode(document()))
    LocationRecord.objects.filter(code="DEP-DEU").update(active=False)
    before = counts()
    doc = document()
    doc["pledges"].append(dict(doc["pledges"][0], id="UKR-0001", donor="UKR"))

    issues = issues_of(encode(doc))

    assert issues == [
        "pledges[2].donor: UKR is a recipient; a pledge's donor is an ally, a partner or an organisation",
        "pledges[2].origin: Location 'DEP-DEU' is retired; choose an active origin",
    ]
    assert counts() == before


def test_the_import_command_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(encode(document()))))

    assert main(["import", "-"]) == 0
    assert "Imported standard input" in capsys.readouterr().out
    assert Pledge.objects.count() == 2


def test_the_import_command_can_record_a_coordinator_as_the_author(
    tmp_path: Path, coordinator: Any, liaison_deu: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(encode(document()))

    assert main(["import", str(path), "--as", "liaison-deu"]) == 2
    assert "must name an active coordinator's account" in capsys.readouterr().err
    assert not Pledge.objects.exists()

    assert main(["import", str(path), "--as", coordinator.username]) == 0
    pledge = Pledge.objects.get(reference="DEU-0001")
    assert ChangeRecord.objects.get(entity="pledges.pledge", object_id=str(pledge.pk)).actor == coordinator
