"""Nations, catalogue, locations and routes through the API: all signed-in users read, coordinators write."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models

from pledgeflow.catalogue.models import Family, Item
from pledgeflow.logistics.models import Location, Route
from tests.db import factories
from tests.db.api.conftest import ApiClient
from tests.db.api.contract import ResourceContract

pytestmark = pytest.mark.django_db


class TestFamilies(ResourceContract):
    path = "/catalogue/families"
    conditional_get = True
    model = Family
    refused_writers = ("viewer", "liaison_deu", "recipient_officer")
    readers = ("viewer", "liaison_deu")
    change: ClassVar[dict[str, Any]] = {"name": "155 mm NATO shells", "description": "Any 155 mm NATO round."}
    invalid_change: ClassVar[dict[str, Any]] = {"capability_area": "astrology"}
    invalid_update: ClassVar[dict[str, Any]] = {"capability_area": "astrology"}
    invalid_field = "capability_area"
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return factories.family("152mm-artillery-ammunition")

    def create_body(self) -> dict[str, Any]:
        return {
            "code": "iris-t-slm-interceptors",
            "name": "IRIS-T SLM interceptors",
            "capability_area": "air-defence",
        }


class TestItems(ResourceContract):
    path = "/catalogue/items"
    conditional_get = True
    model = Item
    refused_writers = ("viewer", "liaison_deu", "recipient_officer")
    change: ClassVar[dict[str, Any]] = {"unit_value_eur": "3600.00", "nsn": "1320-12-345-6789"}
    invalid_change: ClassVar[dict[str, Any]] = {"nsn": "12345"}
    invalid_update: ClassVar[dict[str, Any]] = {"nsn": "12345", "unit_value_eur": "-1"}
    invalid_field = "nsn"
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return factories.item("m795-155mm")

    def create_body(self) -> dict[str, Any]:
        factories.family()
        return {
            "code": "dm121-155mm",
            "name": "DM121 155 mm HE shell",
            "family": "155mm-artillery-ammunition",
            "supply_class": "V",
            "unit_value_eur": "3500.00",
            "unit_mass_kg": "43.5",
        }

    def test_an_item_answers_its_family_and_capability_area_codes(self, as_user: Any) -> None:
        item = self.make()
        answer = as_user("viewer").get(self.url(item))
        assert answer.json["family"] == "155mm-artillery-ammunition"
        assert answer.json["capability_area"] == "artillery"
        assert answer.json["unit_value_eur"] == "3500.00"

    def test_items_filter_by_family_and_search(self, as_user: Any) -> None:
        factories.item("m795-155mm")
        factories.family("152mm-artillery-ammunition")
        factories.item("of-540-152mm", family_code="152mm-artillery-ammunition")
        client = as_user("viewer")
        by_family = client.get(self.path, {"family": "152mm-artillery-ammunition"}).json
        assert [row["code"] for row in by_family["items"]] == ["of-540-152mm"]
        assert by_family["count"] == 1
        assert [row["code"] for row in client.get(self.path, {"search": "m795"}).json["items"]] == [
            "m795-155mm"
        ]

    def test_retired_items_are_listed_only_when_asked_for(self, as_user: Any) -> None:
        factories.item("m795-155mm", active=False)
        client = as_user("viewer")
        assert client.get(self.path).json["count"] == 0
        assert client.get(self.path, {"state": "retired"}).json["count"] == 1


class TestLocations(ResourceContract):
    path = "/logistics/locations"
    conditional_get = True
    model = Location
    refused_writers = ("viewer", "liaison_deu")
    change: ClassVar[dict[str, Any]] = {"name": "Rzeszów-Jasionka hub"}
    invalid_change: ClassVar[dict[str, Any]] = {"country": "XXX"}
    invalid_update: ClassVar[dict[str, Any]] = {"country": "XXX"}
    invalid_field = "country"
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return factories.location("HUB-RZE", kind="hub", country="POL")

    def create_body(self) -> dict[str, Any]:
        return {"code": "DEST-KYIV", "name": "Kyiv", "kind": "destination", "country": "UKR"}


class TestRoutes(ResourceContract):
    path = "/logistics/routes"
    conditional_get = True
    model = Route
    key_field = "id"
    refused_writers = ("viewer", "liaison_deu")
    change: ClassVar[dict[str, Any]] = {"days": 4}
    invalid_change: ClassVar[dict[str, Any]] = {"to_location": "NOWHERE"}
    invalid_update: ClassVar[dict[str, Any]] = {"days": -1}
    invalid_field = "to_location"
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return factories.route("DEPOT-DE", "HUB-PL", days=3)

    def create_body(self) -> dict[str, Any]:
        factories.location("DEPOT-FR", country="FRA")
        factories.location("HUB-RZE", kind="hub", country="POL")
        return {"from_location": "DEPOT-FR", "to_location": "HUB-RZE", "days": 2}

    def test_a_route_answers_its_ends_by_code(self, as_user: Any) -> None:
        route = self.make()
        answer = as_user("viewer").get(self.url(route))
        assert (answer.json["from_location"], answer.json["to_location"], answer.json["days"]) == (
            "DEPOT-DE",
            "HUB-PL",
            3,
        )


def test_every_signed_in_user_reads_the_nations_with_their_gdp(api_as: Any, liaison_fra: Any) -> None:
    answer = api_as(liaison_fra).get("/nations/deu")
    assert answer.status == 200
    assert answer.json["code"] == "DEU"
    assert answer.json["kind"] == "ally"
    assert answer.json["gdp_usd_bn"] == "4456.1"
    assert answer.header("ETag") == f'"{answer.json["version"]}"'


def test_nations_filter_by_kind(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"kind": "recipient"})
    assert [row["code"] for row in answer.json["items"]] == ["UKR"]
    assert answer.json["count"] == 1


def test_an_unknown_kind_is_refused_naming_the_filter(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"kind": "empire"})
    assert answer.status == 422
    assert answer.json["errors"][0]["path"] == "query.kind"


def test_the_capability_areas_are_listed(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/catalogue/capability-areas")
    assert answer.json["count"] == 11
    assert "air-defence" in [row["code"] for row in answer.json["items"]]
    assert api_as(viewer).get("/catalogue/capability-areas/air-defence").json["code"] == "air-defence"


def test_a_family_with_active_items_cannot_be_retired(api_as: Any, coordinator: Any) -> None:
    factories.item()
    answer = api_as(coordinator).post("/catalogue/families/155mm-artillery-ammunition/retire", {"version": 1})
    assert answer.status == 422
    assert answer.error_fields() == {"active"}


def test_lists_of_items_take_a_constant_number_of_queries(
    api_as: Any, viewer: Any, django_assert_max_num_queries: Any
) -> None:
    client: ApiClient = api_as(viewer)
    factories.family()
    for n in range(60):
        factories.item(f"shell-{n:02d}")
    client.get("/catalogue/items")  # the token's last use is written once a minute, not on every call
    # The token, the count, the page's keys, its rows with family and area joined.
    with django_assert_max_num_queries(4):
        answer = client.get("/catalogue/items", {"limit": 50})
    assert len(answer.json["items"]) == 50
