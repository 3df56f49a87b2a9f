"""Locations and routes: validation, history, versions, retiring, permissions, selectors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from pledgeflow.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from pledgeflow.core.services import history_of
from pledgeflow.logistics import selectors, services
from pledgeflow.logistics.models import Location, Route
from tests.db import factories

pytestmark = pytest.mark.django_db

NON_COORDINATORS = ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"]


@pytest.fixture
def network(db):
    """A German depot, a Polish hub and two Ukrainian destinations joined by routes."""
    factories.location("DEPOT-DE", kind="depot", country="DEU")
    factories.location("HUB-RZE", kind="hub", country="POL")
    factories.location("DEST-KYIV", kind="destination", country="UKR")
    factories.location("DEST-LVIV", kind="destination", country="UKR")
    factories.route("DEPOT-DE", "HUB-RZE", days=3)
    factories.route("HUB-RZE", "DEST-KYIV", days=2)
    factories.route("HUB-RZE", "DEST-LVIV", days=1)


def test_a_coordinator_creates_a_location_with_history(coordinator) -> None:
    hub = services.create_location(coordinator, code="HUB-RZE", name="Rzeszów hub", kind="hub", country="pol")
    assert hub.country_id == "POL"
    entry = history_of(hub).get()
    assert entry.after == {
        "id": hub.pk,
        "version": 1,
        "code": "HUB-RZE",
        "name": "Rzeszów hub",
        "country": "POL",
        "kind": "hub",
        "active": True,
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "airport"}, "kind", "Value 'airport' is not a valid choice."),
        (
            {"code": "HUB RZE"},
            "code",
            "A code starts with a letter or digit and uses only letters, digits and . _ : / + - (no spaces), "
            "e.g. leopard-2a4; got 'HUB RZE'.",
        ),
        ({"name": ""}, "name", "This field cannot be blank."),
        (
            {"country": "XYZ"},
            "country",
            "No nation has the code 'XYZ'; use an ISO 3166 alpha-3 code such as POL.",
        ),
    ],
)
def test_each_location_field_is_validated_with_its_message(coordinator, fields, field, message) -> None:
    values = {"code": "HUB-RZE", "name": "Rzeszów hub", "kind": "hub", "country": "POL"} | fields
    with pytest.raises(ValidationError) as refused:
        services.create_location(coordinator, **values)
    assert refused.value.message_dict[field] == [message]
    assert not Location.objects.exists()


def test_a_location_without_country_is_allowed(coordinator) -> None:
    assert services.create_location(coordinator, code="SEA-1", name="At sea", kind="hub").country is None


def test_a_route_joins_two_active_locations_with_history(coordinator, network) -> None:
    route = services.create_route(coordinator, from_location="DEPOT-DE", to_location="DEST-LVIV", days=6)
    entry = history_of(route).get()
    assert (entry.after["from_location"], entry.after["to_location"], entry.after["days"]) == (
        "DEPOT-DE",
        "DEST-LVIV",
        6,
    )


def test_a_route_cannot_lead_back_to_where_it_starts(coordinator, network) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_route(coordinator, from_location="HUB-RZE", to_location="HUB-RZE", days=0)
    assert refused.value.message_dict["to_location"] == [
        "A route must lead to a different location than the one it starts from."
    ]


def test_the_database_refuses_a_loop_even_past_the_services(network) -> None:
    hub = Location.objects.get(code="HUB-RZE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Route.objects.create(from_location=hub, to_location=hub, days=1)


def test_route_days_cannot_be_negative(coordinator, network) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_route(coordinator, from_location="DEPOT-DE", to_location="DEST-KYIV", days=-1)
    assert refused.value.message_dict["days"] == ["Transit days cannot be negative; got -1."]


def test_a_second_route_between_the_same_locations_is_refused(coordinator, network) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_route(coordinator, from_location="DEPOT-DE", to_location="HUB-RZE", days=4)
    assert refused.value.messages == [
        "A route between these two locations already exists; update it instead."
    ]


def test_the_opposite_direction_is_a_different_route(coordinator, network) -> None:
    back = services.create_route(coordinator, from_location="HUB-RZE", to_location="DEPOT-DE", days=3)
    assert back.pk is not None


def test_a_route_needs_known_active_ends_and_names_each_bad_one(coordinator, network) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_route(coordinator, from_location="NOWHERE", to_location="ELSEWHERE", days=1)
    assert refused.value.message_dict == {
        "from_location": ["No location has the code 'NOWHERE'."],
        "to_location": ["No location has the code 'ELSEWHERE'."],
    }


def test_changing_transit_days_bumps_the_version_and_a_stale_change_is_refused(coordinator, network) -> None:
    route = Route.objects.get(from_location__code="DEPOT-DE")
    updated = services.update_route(coordinator, route, {"days": 4}, 1)
    assert updated.version == 2
    assert history_of(route).get().before["days"] == 3
    with pytest.raises(StaleVersion) as refused:
        services.update_route(coordinator, route, {"days": 5}, 1)
    assert refused.value.current_version == 2


def test_a_routes_ends_cannot_be_changed(coordinator, network) -> None:
    route = Route.objects.get(from_location__code="DEPOT-DE")
    with pytest.raises(ValidationError) as refused:
        services.update_route(coordinator, route, {"to_location": "DEST-KYIV"}, 1)
    assert "to_location" in refused.value.message_dict


def test_a_location_with_active_routes_cannot_be_retired(coordinator, network) -> None:
    hub = Location.objects.get(code="HUB-RZE")
    with pytest.raises(ValidationError) as refused:
        services.retire_location(coordinator, hub, 1)
    (message,) = refused.value.message_dict["active"]
    assert "DEPOT-DE -> HUB-RZE" in message and "HUB-RZE -> DEST-KYIV" in message


def test_retired_routes_leave_the_network_and_can_come_back(coordinator, viewer, network) -> None:
    route = Route.objects.get(to_location__code="DEST-LVIV")
    services.retire_route(coordinator, route, 1)
    assert ("HUB-RZE", "DEST-LVIV", 1) not in selectors.active_network()
    lviv = Location.objects.get(code="DEST-LVIV")
    services.retire_location(coordinator, lviv, 1)
    route.refresh_from_db()
    with pytest.raises(ValidationError):
        services.restore_route(coordinator, route, 2)
    lviv.refresh_from_db()
    services.restore_location(coordinator, lviv, 2)
    services.restore_route(coordinator, route, 2)
    assert ("HUB-RZE", "DEST-LVIV", 1) in selectors.active_network()
    assert [e.action for e in history_of(route)] == ["retire", "restore"]


def test_the_active_network_lists_every_active_route_sorted(network) -> None:
    assert selectors.active_network() == [
        ("DEPOT-DE", "HUB-RZE", 3),
        ("HUB-RZE", "DEST-KYIV", 2),
        ("HUB-RZE", "DEST-LVIV", 1),
    ]


@pytest.mark.parametrize("role", NON_COORDINATORS)
def test_only_coordinators_change_locations_and_routes(request, role, network) -> None:
    user = request.getfixturevalue(role)
    hub = Location.objects.get(code="HUB-RZE")
    route = Route.objects.get(from_location__code="DEPOT-DE")
    attempts = [
        lambda: services.create_location(user, code="X", name="x", kind="hub"),
        lambda: services.update_location(user, hub, {"name": "x"}, 1),
        lambda: services.retire_location(user, hub, 1),
        lambda: services.restore_location(user, hub, 1),
        lambda: services.create_route(user, from_location="DEPOT-DE", to_location="DEST-KYIV", days=1),
        lambda: services.update_route(user, route, {"days": 9}, 1),
        lambda: services.retire_route(user, route, 1),
        lambda: services.restore_route(user, route, 1),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    route.refresh_from_db()
    assert (route.days, route.version, route.active) == (3, 1, True)
    assert Location.objects.count() == 4


def test_locations_and_routes_are_listed_with_filters(viewer, network) -> None:
    assert [x.code for x in selectors.list_locations(viewer, kind="destination")] == [
        "DEST-KYIV",
        "DEST-LVIV",
    ]
    assert [x.code for x in selectors.list_locations(viewer, country="pol")] == ["HUB-RZE"]
    assert [x.code for x in selectors.list_locations(viewer, search="lviv")] == ["DEST-LVIV"]
    touching = [
        (r.from_location.code, r.to_location.code) for r in selectors.list_routes(viewer, touching="HUB-RZE")
    ]
    assert touching == [("DEPOT-DE", "HUB-RZE"), ("HUB-RZE", "DEST-KYIV"), ("HUB-RZE", "DEST-LVIV")]
    assert selectors.list_routes(viewer, from_location="HUB-RZE").count() == 2
    assert selectors.get_route_between(viewer, "DEPOT-DE", "HUB-RZE").days == 3
    with pytest.raises(NotFound):
        selectors.get_route_between(viewer, "HUB-RZE", "DEPOT-DE")


def test_listing_routes_costs_one_query(viewer, network, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        rows = [(r.from_location.code, r.to_location.code) for r in selectors.list_routes(viewer)]
    assert len(rows) == 3


def test_anonymous_visitors_see_no_location_or_route(network) -> None:
    anonymous = AnonymousUser()
    assert not selectors.list_locations(anonymous).exists()
    assert not selectors.list_routes(anonymous).exists()
    with pytest.raises(NotFound):
        selectors.get_location(anonymous, "HUB-RZE")
    with pytest.raises(NotFound):
        selectors.get_route(anonymous, Route.objects.first().pk)
