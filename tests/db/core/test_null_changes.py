"""A change setting a field to null clears it where that is allowed and is refused naming it elsewhere."""

from __future__ import annotations

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import ValidationError
from pledgeflow.core.services import apply_update, history_of
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db


def test_null_for_a_text_field_that_may_be_blank_stores_it_empty_with_history(coordinator) -> None:
    family = factories.family(description="Shells of the 155 mm NATO calibre.")
    cleared = apply_update(coordinator, family, {"description": None}, expected_version=1)
    family.refresh_from_db()
    assert (cleared.description, family.description, family.version) == ("", "", 2)
    (entry,) = history_of(family)
    assert (entry.before["description"], entry.after["description"]) == (
        "Shells of the 155 mm NATO calibre.",
        "",
    )


def test_null_for_an_empty_text_field_changes_nothing_and_writes_no_history(coordinator) -> None:
    family = factories.family()
    apply_update(coordinator, family, {"description": None}, expected_version=1)
    family.refresh_from_db()
    assert (family.description, family.version) == ("", 1)
    assert not history_of(family).exists()


@pytest.mark.parametrize("field", ["name", "supply_class", "unit_value_eur", "family", "active"])
def test_null_for_a_field_that_must_hold_a_value_is_refused_naming_it(coordinator, field) -> None:
    shell = factories.item()
    with pytest.raises(ValidationError) as refused:
        apply_update(coordinator, shell, {field: None}, expected_version=1)
    assert field in refused.value.message_dict
    shell.refresh_from_db()
    assert shell.version == 1 and not history_of(shell).exists()


def test_every_null_in_one_change_is_named_and_nothing_is_stored(coordinator) -> None:
    shell = factories.item()
    with pytest.raises(ValidationError) as refused:
        apply_update(coordinator, shell, {"name": None, "active": None, "nsn": None}, expected_version=1)
    assert {"name", "active"} <= set(refused.value.message_dict)
    assert "cannot be null" in refused.value.message_dict["name"][0]


def test_null_for_a_nullable_field_clears_it(coordinator) -> None:
    shell = factories.item(nsn="1320-12-345-6789")
    cleared = apply_update(coordinator, shell, {"nsn": None}, expected_version=1)
    assert cleared.nsn is None and cleared.version == 2


def test_null_for_a_list_that_may_be_empty_empties_it(coordinator) -> None:
    pledge = records.pledge("DEU", label=SharingLabel.AMBER, releasable_to=["POL"])
    cleared = apply_update(coordinator, pledge, {"releasable_to": None}, expected_version=1)
    assert list(cleared.releasable_to.all()) == [] and cleared.version == 2
    assert history_of(pledge).get().after["releasable_to"] == []
