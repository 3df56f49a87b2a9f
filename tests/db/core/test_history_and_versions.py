"""History is written with every change, versions refuse stale updates, invalid changes store nothing."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from pledgeflow.catalogue.models import Item
from pledgeflow.core import services
from pledgeflow.core.errors import StaleVersion, ValidationError
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import apply_update, history_for, history_of, record_change, snapshot
from tests.db import factories

pytestmark = pytest.mark.django_db


def test_snapshot_is_json_safe_with_decimals_as_exact_strings_and_relations_as_codes() -> None:
    shell = factories.item("dm121-155mm", unit_value_eur="3500.10", nsn="1320-12-345-6789")
    data = snapshot(shell)
    assert data["unit_value_eur"] == "3500.10"
    assert data["unit_mass_kg"] == "43.500"
    assert data["family"] == "155mm-artillery-ammunition"
    assert data["nsn"] == "1320-12-345-6789"
    assert data["version"] == 1
    assert "created_at" not in data and "updated_at" not in data


def test_snapshot_gives_a_nation_reference_as_its_code() -> None:
    depot = factories.location("DEPOT-FR", country="FRA")
    assert snapshot(depot)["country"] == "FRA"


def test_snapshot_lists_many_to_many_values_sorted_and_never_includes_the_password() -> None:
    analyst = factories.viewer()
    b, a = Group.objects.create(name="b"), Group.objects.create(name="a")
    analyst.groups.set([b, a])
    data = snapshot(analyst)
    assert data["groups"] == sorted([str(a.pk), str(b.pk)])
    assert "password" not in data


def test_apply_update_increments_the_version_and_records_before_and_after(coordinator) -> None:
    shell = factories.item()
    updated = apply_update(coordinator, shell, {"unit_value_eur": Decimal("3600")}, expected_version=1)
    assert updated.version == 2
    assert Item.objects.get(pk=shell.pk).unit_value_eur == Decimal("3600.00")
    (entry,) = history_of(shell)
    assert entry.action == "update"
    assert entry.actor == coordinator
    assert entry.before["unit_value_eur"] == "3500.00"
    assert entry.after["unit_value_eur"] == "3600.00"
    assert entry.before["version"] == 1
    assert entry.after["version"] == 2


def test_stale_version_is_refused_with_the_current_version_and_changes_nothing(coordinator) -> None:
    shell = factories.item()
    apply_update(coordinator, shell, {"name": "DM121"}, expected_version=1)
    with pytest.raises(StaleVersion) as refused:
        apply_update(coordinator, shell, {"name": "Something else"}, expected_version=1)
    assert refused.value.current_version == 2
    assert Item.objects.get(pk=shell.pk).name == "DM121"
    assert history_of(shell).count() == 1


def test_invalid_value_is_refused_naming_the_field_and_nothing_is_stored(coordinator) -> None:
    shell = factories.item()
    with pytest.raises(ValidationError) as refused:
        apply_update(coordinator, shell, {"unit_mass_kg": Decimal("-1")}, expected_version=1)
    assert "unit_mass_kg" in refused.value.message_dict
    fresh = Item.objects.get(pk=shell.pk)
    assert fresh.unit_mass_kg == Decimal("43.500")
    assert fresh.version == 1
    assert not history_of(shell).exists()


def test_unknown_and_read_only_fields_are_refused_by_name(coordinator) -> None:
    shell = factories.item()
    with pytest.raises(ValidationError) as refused:
        apply_update(coordinator, shell, {"calibre": "155", "version": 9, "id": 3}, expected_version=1)
    assert set(refused.value.message_dict) == {"calibre", "version", "id"}
    assert Item.objects.get(pk=shell.pk).version == 1


def test_a_change_that_alters_nothing_keeps_the_version_and_writes_no_history(coordinator) -> None:
    shell = factories.item()
    same = apply_update(coordinator, shell, {"name": shell.name}, expected_version=1)
    assert same.version == 1
    assert not history_of(shell).exists()


def test_a_row_changed_between_read_and_write_is_refused(coordinator, monkeypatch) -> None:
    """The save compares the version again, so a database without row locks cannot let two updates win."""
    shell = factories.item()
    real_lock = services.lock_for_update

    def read_then_lose_the_race(model, pk):
        current = real_lock(model, pk)
        Item.objects.filter(pk=pk).update(version=2, name="changed by someone else")
        return current

    monkeypatch.setattr(services, "lock_for_update", read_then_lose_the_race)
    with pytest.raises(StaleVersion) as refused:
        apply_update(coordinator, shell, {"name": "mine"}, expected_version=1)
    assert refused.value.current_version == 2
    assert not history_of(shell).exists()


def test_record_change_keeps_actor_time_and_note(coordinator) -> None:
    hub = factories.location("HUB-PL", kind="hub", country="POL")
    entry = record_change(coordinator, hub, "inspect", {"a": 1}, {"a": 2}, note="checked on site")
    assert entry.entity == "logistics.location"
    assert entry.object_id == str(hub.pk)
    assert entry.note == "checked on site"
    assert entry.actor == coordinator
    assert entry.at is not None


def test_record_change_by_the_system_has_no_actor() -> None:
    hub = factories.location("HUB-PL", kind="hub", country="POL")
    assert record_change(None, hub, "import", None, snapshot(hub)).actor is None


def test_history_is_returned_oldest_first_for_exactly_one_record(coordinator) -> None:
    shell = factories.item("shell-a")
    other = factories.item("shell-b")
    apply_update(coordinator, shell, {"name": "first"}, 1)
    apply_update(coordinator, other, {"name": "other"}, 1)
    apply_update(coordinator, shell, {"name": "second"}, 2)
    entries = list(history_for("catalogue.item", shell.pk))
    assert [e.after["name"] for e in entries] == ["first", "second"]
    assert ChangeRecord.objects.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server with real row locks")
def test_two_concurrent_updates_of_the_same_version_cannot_both_win() -> None:
    coordinator = factories.coordinator()
    shell = factories.item()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def update(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                apply_update(coordinator, Item.objects.get(pk=shell.pk), {"name": name}, expected_version=1)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=update, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["saved", "stale"]
    assert Item.objects.get(pk=shell.pk).version == 2
    assert history_of(shell).count() == 1
