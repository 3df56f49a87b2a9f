"""Each role through the API: its permitted calls succeed, every other write is refused (DOMAIN.md roles).

One table, read across: an operation, then the status each role gets. Every cell runs on a fresh record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from tests.db import factories, factories_records
from tests.db.api.conftest import Answer, ApiClient

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "liaison_deu", "liaison_fra", "recipient_officer", "training_coordinator", "viewer")


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    from pledgeflow.pledges import services

    monkeypatch.setattr(services, "_today", lambda: factories_records.TODAY)


def _pledge_body() -> dict[str, Any]:
    factories.item()
    factories.location("DEPOT-DE", country="DEU")
    return {
        "donor": "DEU",
        "item": "dm121-155mm",
        "quantity": 500,
        "available": "2027-02-01",
        "origin": "DEPOT-DE",
        "sharing_label": "GREEN",
    }


def read_pledges(client: ApiClient) -> Answer:
    factories_records.pledge("DEU", label="GREEN")
    return client.get("/pledges")


def create_pledge(client: ApiClient) -> Answer:
    return client.post("/pledges", _pledge_body())


def change_pledge(client: ApiClient) -> Answer:
    pledge = factories_records.pledge("DEU", label="GREEN")
    return client.patch(f"/pledges/{pledge.pk}", {"quantity": 900, "version": 1})


def commit_pledge(client: ApiClient) -> Answer:
    pledge = factories_records.pledge("DEU", label="GREEN")
    return client.post(f"/pledges/{pledge.pk}/milestones", {"milestone": "committed", "version": 1})


def decline_pledge(client: ApiClient) -> Answer:
    pledge = factories_records.pledge("DEU", label="GREEN")
    return client.post(f"/pledges/{pledge.pk}/milestones", {"milestone": "declined", "version": 1})


def confirm_receipt(client: ApiClient) -> Answer:
    pledge = factories_records.pledge("DEU", label="GREEN", status="handed_over")
    body = {"milestone": "received", "version": 1, "quantity_received": 1000, "condition": "serviceable"}
    return client.post(f"/pledges/{pledge.pk}/milestones", body)


def read_requirements(client: ApiClient) -> Answer:
    factories_records.requirement(factories_records.list_version(VersionStatus.APPROVED))
    return client.get("/requirements")


def create_requirement(client: ApiClient) -> Answer:
    factories_records.list_version(VersionStatus.DRAFT)
    factories.family()
    factories_records.kyiv()
    body = {
        "family": "155mm-artillery-ammunition",
        "quantity": 100,
        "priority": 2,
        "need_by": "2027-04-01",
        "destination": "DEST-KYIV",
    }
    return client.post("/requirements", body)


def approve_requirement(client: ApiClient) -> Answer:
    version = factories_records.list_version(VersionStatus.DRAFT)
    requirement = factories_records.requirement(version, status=RequirementStatus.SUBMITTED)
    return client.post(f"/requirements/{requirement.pk}/approve", {"version": 1})


def create_item(client: ApiClient) -> Answer:
    factories.family()
    body = {"code": "m795-155mm", "name": "M795", "family": "155mm-artillery-ammunition", "supply_class": "V"}
    return client.post("/catalogue/items", body)


def create_route(client: ApiClient) -> Answer:
    factories.location("DEPOT-DE", country="DEU")
    factories.location("HUB-RZE", kind="hub", country="POL")
    return client.post(
        "/logistics/routes", {"from_location": "DEPOT-DE", "to_location": "HUB-RZE", "days": 2}
    )


#: operation -> status per role, in the order of ROLES.
MATRIX: dict[Callable[[ApiClient], Answer], tuple[int, ...]] = {
    # (coordinator, liaison_deu, liaison_fra, recipient_officer, training_coordinator, viewer)
    read_pledges: (200, 200, 200, 200, 200, 200),
    create_pledge: (201, 201, 403, 403, 403, 403),
    change_pledge: (200, 200, 403, 403, 403, 403),
    commit_pledge: (200, 200, 403, 403, 403, 403),
    decline_pledge: (200, 403, 403, 200, 403, 403),
    confirm_receipt: (200, 403, 403, 200, 403, 403),
    read_requirements: (200, 200, 200, 200, 200, 200),
    create_requirement: (201, 403, 403, 201, 403, 403),
    approve_requirement: (200, 403, 403, 403, 403, 403),
    create_item: (201, 403, 403, 403, 403, 403),
    create_route: (201, 403, 403, 403, 403, 403),
}

CASES = [
    pytest.param(operation, role, status, id=f"{operation.__name__}-{role}")
    for operation, statuses in MATRIX.items()
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("operation", "role", "expected"), CASES)
def test_each_role_may_do_exactly_what_its_role_allows(
    operation: Callable[[ApiClient], Answer],
    role: str,
    expected: int,
    request: pytest.FixtureRequest,
    api_as: Callable[[Any], ApiClient],
) -> None:
    client = api_as(request.getfixturevalue(role))
    answer = operation(client)
    assert answer.status == expected, answer
    if expected == 403:
        assert answer.json["detail"], "a refusal says why"
