"""Pledge references never name another nation, so choosing one never reveals another nation's pledges."""

from __future__ import annotations

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import ValidationError
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import history_of
from pledgeflow.engine.errors import ScenarioError
from pledgeflow.interchange import import_scenario
from pledgeflow.pledges import services
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from tests.db import factories
from tests.db import factories_records as records
from tests.db.factories_records import days
from tests.db.interchange.documents import document, encode

pytestmark = pytest.mark.django_db


def _new(actor, donor: str = "DEU", **overrides):
    values = {
        "donor": donor,
        "item": factories.item().code,
        "quantity": 10,
        "available": days(30),
        "origin": factories.location(f"DEPOT-{donor}", country=donor).code,
        "sharing_label": SharingLabel.GREEN,
    }
    values.update(overrides)
    return services.create_pledge(actor, **values)


def test_a_coordinator_cannot_give_a_pledge_a_reference_naming_another_nation(coordinator) -> None:
    factories.nation("DEU")
    with pytest.raises(ValidationError) as refused:
        _new(coordinator, "FRA", reference="DEU-7777", sharing_label=SharingLabel.RED)
    (message,) = refused.value.message_dict["reference"]
    assert "'DEU-7777' starts with DEU's code, but this pledge is FRA's" in message
    assert "FRA-0007" in message and "P1" in message
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("reference", ["FRA-7777", "P1", "K-12", "LOT-2026/3", "deu-7777"])
def test_a_coordinator_may_give_a_reference_naming_the_donor_or_no_nation(coordinator, reference) -> None:
    factories.nation("DEU")
    assert _new(coordinator, "FRA", reference=reference).reference == reference


def test_a_liaison_choosing_a_taken_reference_of_its_own_nation_is_told_so(liaison_deu) -> None:
    _new(liaison_deu, reference="DEU-0500")
    with pytest.raises(ValidationError, match="'DEU-0500' is already in use"):
        _new(liaison_deu, reference="DEU-0500")


def test_automatic_numbering_skips_a_serial_given_by_hand_without_marking_the_new_reference(
    coordinator, liaison_deu
) -> None:
    first = _new(liaison_deu)
    assert first.reference == f"DEU-{first.pk:04d}"
    # A hidden pledge holding the serial the next pledge would get.
    hidden = _new(coordinator, reference=f"DEU-{first.pk + 2:04d}", sharing_label=SharingLabel.RED)
    assert hidden.pk == first.pk + 1
    numbered = _new(liaison_deu, note="visible to all")
    assert numbered.pk == first.pk + 3
    assert numbered.reference == f"DEU-{numbered.pk:04d}"
    assert not Pledge.objects.filter(pk=first.pk + 2).exists()
    assert not Pledge.objects.filter(reference__startswith="pending-").exists()
    # Its milestone, links and history belong to the pledge as it stands.
    (offered,) = PledgeMilestone.objects.filter(note="visible to all")
    assert offered.pledge_id == numbered.pk
    assert history_of(numbered).get().after["reference"] == numbered.reference
    assert not ChangeRecord.objects.filter(entity="pledges.pledge", object_id=str(first.pk + 2)).exists()


def test_a_pledge_whose_reference_names_its_donor_cannot_move_to_another(coordinator) -> None:
    pledge = records.pledge("DEU", reference="DEU-0412", label=SharingLabel.RED)
    factories.nation("FRA")
    with pytest.raises(ValidationError) as refused:
        services.update_pledge(coordinator, pledge, {"donor": "FRA"}, 1)
    (message,) = refused.value.message_dict["donor"]
    assert "cannot move to FRA: withdraw it and record FRA's pledge anew" in message
    pledge.refresh_from_db()
    assert (pledge.donor_id, pledge.version) == ("DEU", 1)


def test_a_pledge_whose_reference_names_no_nation_may_move(coordinator) -> None:
    pledge = records.pledge("DEU", reference="P12")
    factories.nation("FRA")
    assert services.update_pledge(coordinator, pledge, {"donor": "FRA"}, 1).donor_id == "FRA"


def _import_issues(pledges: list[dict[str, object]]) -> list[str]:
    with pytest.raises(ScenarioError) as refused:
        import_scenario(encode(document(pledges=pledges)))
    return [str(issue) for issue in refused.value.errors]


def _pledge_entry(pledge_id: str, donor: str = "DEU") -> dict[str, object]:
    return {
        "id": pledge_id,
        "donor": donor,
        "item": "155-DM121",
        "quantity": 10,
        "available": "2026-01-10",
        "origin": "DEP-DEU",
    }


def test_an_import_refuses_a_pledge_id_naming_another_nation_at_its_path_and_writes_nothing() -> None:
    factories.nation("FRA")
    issues = _import_issues([_pledge_entry("DEU-0001"), _pledge_entry("DEU-7777", donor="FRA")])
    assert issues == [
        "pledges[1].id: pledge id 'DEU-7777' starts with DEU's code, but the pledge's donor is FRA: a "
        "pledge's id names its own donor or no nation; use FRA-... (e.g. FRA-0007) or an id that names no "
        "nation (e.g. P1)"
    ]
    assert not Pledge.objects.exists()


def test_an_import_keeps_pledge_ids_naming_their_donor_or_no_nation() -> None:
    factories.nation("FRA")
    import_scenario(encode(document(pledges=[_pledge_entry("DEU-0001"), _pledge_entry("P1", donor="FRA")])))
    assert dict(Pledge.objects.values_list("reference", "donor_id")) == {"DEU-0001": "DEU", "P1": "FRA"}


def test_a_pledge_recorded_under_a_reference_naming_another_nation_may_move_only_to_that_nation(
    coordinator,
) -> None:
    # Recorded before references were checked against their donor: the move that makes it right is allowed.
    pledge = records.pledge("FRA", reference="DEU-7777", label=SharingLabel.RED)
    factories.nation("DEU")
    factories.nation("POL")
    with pytest.raises(ValidationError, match=r"starts with DEU's code .* cannot move to POL"):
        services.update_pledge(coordinator, pledge, {"donor": "POL"}, 1)
    assert services.update_pledge(coordinator, pledge, {"donor": "DEU"}, 1).donor_id == "DEU"
