"""The catalogue: areas, families and items; validation, history, versions, retiring, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from pledgeflow.catalogue import selectors, services
from pledgeflow.catalogue.fields import normalise_nsn
from pledgeflow.catalogue.models import CapabilityArea, Family, Item
from pledgeflow.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from pledgeflow.core.services import history_of
from tests.db import factories

pytestmark = pytest.mark.django_db

NSN_MESSAGE = (
    "A NATO Stock Number is 13 digits, written NNNN-NN-NNN-NNNN or without dashes "
    "(e.g. 1320-12-345-6789); got {!r}."
)
NON_COORDINATORS = ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"]


def new_item(actor, **fields):
    values = {
        "code": "m795-155mm",
        "name": "M795 155 mm HE projectile",
        "family": "155mm-artillery-ammunition",
        "supply_class": "V",
        "unit_value_eur": Decimal("3100.00"),
        "unit_mass_kg": Decimal("46.700"),
    }
    values.update(fields)
    return services.create_item(actor, **values)


def test_the_eleven_capability_areas_are_present_after_migrate() -> None:
    assert list(CapabilityArea.objects.order_by("code").values_list("code", flat=True)) == sorted(
        [
            "air-defence",
            "artillery",
            "armour",
            "aviation",
            "maritime",
            "drones",
            "demining",
            "ew-it",
            "engineering",
            "medical",
            "non-lethal",
        ]
    )
    assert CapabilityArea.objects.get(code="ew-it").name == "Electronic warfare and IT"


def test_a_coordinator_creates_a_family_with_history(coordinator) -> None:
    family = services.create_family(
        coordinator,
        code="iris-t-slm-interceptors",
        name="IRIS-T SLM interceptors",
        capability_area="air-defence",
    )
    assert family.version == 1
    entry = history_of(family).get()
    assert entry.action == "create"
    assert entry.before is None
    assert entry.after["capability_area"] == "air-defence"
    assert entry.actor == coordinator


def test_a_family_code_is_a_slug(coordinator) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_family(coordinator, code="155 mm shells", name="x", capability_area="artillery")
    assert refused.value.message_dict["code"] == [
        "A family code uses only letters, digits, hyphens and underscores, e.g. 155mm-artillery-ammunition."
    ]
    assert not Family.objects.filter(name="x").exists()


def test_a_family_needs_a_known_capability_area(coordinator) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_family(coordinator, code="lasers", name="Lasers", capability_area="space")
    assert refused.value.message_dict["capability_area"] == ["No capability area has the code 'space'."]


def test_family_codes_are_unique(coordinator) -> None:
    factories.family("155mm-artillery-ammunition")
    with pytest.raises(ValidationError) as refused:
        services.create_family(
            coordinator, code="155mm-artillery-ammunition", name="x", capability_area="artillery"
        )
    assert "code" in refused.value.message_dict


def test_a_coordinator_creates_an_item_with_history(coordinator) -> None:
    factories.family()
    item = new_item(coordinator)
    assert item.family.code == "155mm-artillery-ammunition"
    entry = history_of(item).get()
    assert entry.after["unit_value_eur"] == "3100.00"
    assert entry.after["family"] == "155mm-artillery-ammunition"


@pytest.mark.parametrize("written", ["1320-12-345-6789", "1320123456789", " 1320-12-3456789 "])
def test_an_nsn_is_accepted_with_or_without_dashes_and_stored_with_them(coordinator, written) -> None:
    factories.family()
    item = new_item(coordinator, nsn=written)
    assert Item.objects.get(pk=item.pk).nsn == "1320-12-345-6789"


@pytest.mark.parametrize(
    "written", ["1320-12-345-678", "1320-12-345-67890", "13201234567AB", "1320--12-345-6789"]
)
def test_an_nsn_that_is_not_13_digits_is_refused_with_the_format(coordinator, written) -> None:
    factories.family()
    with pytest.raises(ValidationError) as refused:
        new_item(coordinator, nsn=written)
    assert refused.value.message_dict["nsn"] == [NSN_MESSAGE.format(written)]
    assert not Item.objects.exists()


def test_an_item_without_nsn_stores_null_so_many_items_may_lack_one(coordinator) -> None:
    factories.family()
    first = new_item(coordinator, code="a", nsn="")
    second = new_item(coordinator, code="b", nsn=None)
    assert first.nsn is None and second.nsn is None


def test_two_items_cannot_share_an_nsn_however_it_is_written(coordinator) -> None:
    factories.family()
    new_item(coordinator, code="a", nsn="1320-12-345-6789")
    with pytest.raises(ValidationError) as refused:
        new_item(coordinator, code="b", nsn="1320123456789")
    assert "nsn" in refused.value.message_dict


def test_normalise_nsn_rejects_what_is_not_an_nsn() -> None:
    assert normalise_nsn("1005012310973") == "1005-01-231-0973"
    with pytest.raises(ValidationError):
        normalise_nsn("1005-01-231")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_value_eur", Decimal("-0.01"), "The unit value in EUR cannot be negative; got -0.01."),
        ("unit_mass_kg", Decimal("-5"), "The unit mass in kg cannot be negative; got -5."),
        ("supply_class", "VI", "Value 'VI' is not a valid choice."),
        (
            "code",
            "leopard 2a4",
            "A code starts with a letter or digit and uses only letters, digits and . _ : / + - (no spaces), "
            "e.g. leopard-2a4; got 'leopard 2a4'.",
        ),
        ("name", "", "This field cannot be blank."),
    ],
)
def test_each_item_field_is_validated_with_its_message(coordinator, field, value, message) -> None:
    factories.family()
    with pytest.raises(ValidationError) as refused:
        new_item(coordinator, **{field: value})
    assert refused.value.message_dict[field] == [message]


def test_an_item_needs_a_known_active_family(coordinator) -> None:
    with pytest.raises(ValidationError) as refused:
        new_item(coordinator, family="152mm-artillery-ammunition")
    assert refused.value.message_dict["family"] == ["No family has the code '152mm-artillery-ammunition'."]
    factories.family("152mm-artillery-ammunition", active=False)
    with pytest.raises(ValidationError) as refused:
        new_item(coordinator, family="152mm-artillery-ammunition")
    assert refused.value.message_dict["family"] == [
        "The family '152mm-artillery-ammunition' is retired; choose an active one."
    ]


def test_updating_an_item_bumps_its_version_and_records_the_change(coordinator) -> None:
    item = factories.item()
    updated = services.update_item(
        coordinator, item, {"unit_value_eur": "3650.50", "nsn": "1320123456789"}, 1
    )
    assert updated.version == 2
    assert updated.nsn == "1320-12-345-6789"
    entry = history_of(item).get()
    assert entry.before["nsn"] is None
    assert entry.after["nsn"] == "1320-12-345-6789"
    assert entry.after["unit_value_eur"] == "3650.50"


def test_a_stale_item_update_is_refused_with_the_current_version(coordinator) -> None:
    item = factories.item()
    services.update_item(coordinator, item, {"name": "DM121 HE"}, 1)
    with pytest.raises(StaleVersion) as refused:
        services.update_item(coordinator, item, {"name": "other"}, 1)
    assert refused.value.current_version == 2


def test_an_item_cannot_be_moved_to_a_retired_family(coordinator) -> None:
    item = factories.item()
    factories.family("old-shells", active=False)
    with pytest.raises(ValidationError) as refused:
        services.update_item(coordinator, item, {"family": "old-shells"}, 1)
    assert "family" in refused.value.message_dict


def test_the_active_flag_changes_only_by_retiring_or_restoring(coordinator) -> None:
    item = factories.item()
    with pytest.raises(ValidationError) as refused:
        services.update_item(coordinator, item, {"active": False}, 1)
    assert "active" in refused.value.message_dict


def test_retiring_an_item_keeps_it_readable_and_records_it(coordinator, viewer) -> None:
    item = factories.item()
    retired = services.retire_item(coordinator, item, 1)
    assert retired.active is False
    assert retired.version == 2
    assert Item.objects.filter(pk=item.pk).exists()
    assert selectors.get_item(viewer, item.code).active is False
    assert item.code not in selectors.list_items(viewer).values_list("code", flat=True)
    assert item.code in selectors.list_items(viewer, active=None).values_list("code", flat=True)
    restored = services.restore_item(coordinator, retired, 2)
    assert restored.active is True
    assert [e.action for e in history_of(item)] == ["retire", "restore"]


def test_a_family_with_active_items_cannot_be_retired(coordinator) -> None:
    item = factories.item()
    with pytest.raises(ValidationError) as refused:
        services.retire_family(coordinator, item.family, 1)
    assert refused.value.message_dict["active"] == [
        "Family '155mm-artillery-ammunition' still has active items (dm121-155mm); retire them first."
    ]
    services.retire_item(coordinator, item, 1)
    assert services.retire_family(coordinator, item.family, 1).active is False


def test_an_item_of_a_retired_family_cannot_be_restored(coordinator) -> None:
    item = factories.item()
    services.retire_item(coordinator, item, 1)
    services.retire_family(coordinator, item.family, 1)
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        services.restore_item(coordinator, item, 2)


def test_updating_a_family_records_the_change(coordinator) -> None:
    family = factories.family()
    services.update_family(
        coordinator, family, {"name": "155 mm NATO rounds", "capability_area": "armour"}, 1
    )
    entry = history_of(family).get()
    assert entry.after["capability_area"] == "armour"
    assert entry.before["capability_area"] == "artillery"


@pytest.mark.parametrize("role", NON_COORDINATORS)
def test_only_coordinators_change_the_catalogue(request, role) -> None:
    user = request.getfixturevalue(role)
    family = factories.family()
    item = factories.item()
    attempts = [
        lambda: services.create_family(user, code="x", name="x", capability_area="artillery"),
        lambda: services.update_family(user, family, {"name": "x"}, 1),
        lambda: services.retire_family(user, family, 1),
        lambda: services.restore_family(user, family, 1),
        lambda: new_item(user),
        lambda: services.update_item(user, item, {"name": "x"}, 1),
        lambda: services.retire_item(user, item, 1),
        lambda: services.restore_item(user, item, 1),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    item.refresh_from_db()
    assert (item.name, item.version, item.active) == ("dm121-155mm", 1, True)
    assert not history_of(item).exists()


def test_the_catalogue_is_listed_with_filters(viewer) -> None:
    factories.item("dm121-155mm")
    factories.item("leopard-2a4", family_code="main-battle-tanks", supply_class="II")
    Family.objects.filter(code="main-battle-tanks").update(
        capability_area=CapabilityArea.objects.get(code="armour")
    )
    assert [i.code for i in selectors.list_items(viewer, family="main-battle-tanks")] == ["leopard-2a4"]
    assert [i.code for i in selectors.list_items(viewer, capability_area="artillery")] == ["dm121-155mm"]
    assert [i.code for i in selectors.list_items(viewer, supply_class="V")] == ["dm121-155mm"]
    assert [i.code for i in selectors.list_items(viewer, search="LEOPARD")] == ["leopard-2a4"]
    assert [f.code for f in selectors.list_families(viewer, capability_area="armour")] == [
        "main-battle-tanks"
    ]
    assert selectors.list_capability_areas(viewer).count() == 11


def test_listing_items_costs_one_query_however_many_there_are(viewer, django_assert_num_queries) -> None:
    for n in range(5):
        factories.item(f"shell-{n}")
    with django_assert_num_queries(1):
        rows = [(i.code, i.family.code, i.family.capability_area.code) for i in selectors.list_items(viewer)]
    assert len(rows) == 5


def test_an_unknown_item_and_anonymous_readers_get_not_found(viewer) -> None:
    factories.item()
    with pytest.raises(NotFound):
        selectors.get_item(viewer, "no-such-item")
    with pytest.raises(NotFound):
        selectors.get_item(AnonymousUser(), "dm121-155mm")
    with pytest.raises(NotFound):
        selectors.get_family(AnonymousUser(), "155mm-artillery-ammunition")
    assert not selectors.list_items(AnonymousUser()).exists()


def test_an_item_comes_back_once_its_family_is_restored(coordinator) -> None:
    item = factories.item()
    services.retire_item(coordinator, item, 1)
    services.retire_family(coordinator, item.family, 1)
    item.refresh_from_db()
    services.restore_family(coordinator, Family.objects.get(pk=item.family_id), 2)
    assert services.restore_item(coordinator, item, 2).active is True
