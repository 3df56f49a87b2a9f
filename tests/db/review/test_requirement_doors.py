"""Requirements: drafts do not exist for those who may not read them, and nobody sets what is not theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import Requirement
from tests.db import factories
from tests.db import factories_records as records
from tests.db.api.conftest import ApiClient
from tests.db.review.conftest import missing_id, same_refusal

pytestmark = pytest.mark.django_db

DRAFT_BLIND = ["liaison_deu", "training_coordinator", "viewer"]


@pytest.fixture
def lists() -> dict[str, Any]:
    """An approved list with one need, and a draft list with a draft and a submitted need."""
    records.kyiv()
    approved = records.list_version(VersionStatus.APPROVED, label="2026-10", number=1)
    draft = records.list_version(VersionStatus.DRAFT, label="2026-11", number=2, approved_at=None)
    return {
        "approved": approved,
        "draft": draft,
        "open": records.requirement(approved, reference="UKR-ART-0001"),
        "draft_need": records.requirement(
            draft, reference="UKR-ART-0777", status=RequirementStatus.DRAFT, justification="secret plan"
        ),
        "submitted": records.requirement(draft, reference="UKR-ART-0778", status=RequirementStatus.SUBMITTED),
    }


@pytest.mark.parametrize("role", DRAFT_BLIND)
def test_a_draft_requirement_answers_exactly_like_a_missing_one(
    request: pytest.FixtureRequest, lists: dict[str, Any], role: str
) -> None:
    client = ApiClient(request.getfixturevalue(role))
    draft = lists["draft_need"]
    absent = missing_id(Requirement)
    probes = [
        ("get", "", None),
        ("get", "/history", None),
        ("patch", "", {"quantity": 3, "version": 1}),
        ("patch", "", {"quantity": 3, "version": 44}),
        ("post", "/submit", {"version": 1}),
        ("post", "/cancel", {"version": 1}),
        ("post", "/approve", {"version": 1}),
        ("post", "/close", {"version": 1}),
    ]
    for method, suffix, body in probes:
        args = () if body is None else (body,)
        hidden = getattr(client, method)(f"/requirements/{draft.pk}{suffix}", *args)
        missing = getattr(client, method)(f"/requirements/{absent}{suffix}", *args)
        assert hidden.status == 404, (method, suffix, hidden)
        same_refusal(hidden, missing, draft.pk, absent)
    for params in (
        {},
        {"reference": "UKR-ART-0777"},
        {"status": "draft"},
        {"list_version": "2026-11"},
        {"list_version": "2026-11", "ordering": "-quantity"},
    ):
        answer = client.get("/requirements", params)
        assert answer.status == 200, (params, answer)
        assert "UKR-ART-0777" not in answer.response.content.decode(), params
        assert answer.json["count"] == len(answer.json["items"])
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.quantity) == ("draft", 1, 5000)


@pytest.mark.parametrize("role", DRAFT_BLIND)
def test_no_page_shows_a_draft_requirement_to_those_who_may_not_read_drafts(
    request: pytest.FixtureRequest, lists: dict[str, Any], role: str
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(role))
    draft = lists["draft_need"]
    assert client.get(f"/requirements/{draft.pk}/").status_code == 404
    assert client.get(f"/requirements/{draft.pk}/explanation/").status_code == 404
    for path in ("/requirements/?version=2026-11", "/requirements/?version=2026-11&export=csv", "/overview/"):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"UKR-ART-0777" not in body, path
        assert b"secret plan" not in body, path


@pytest.mark.parametrize(
    "field, value",
    [("status", "approved"), ("version", 3), ("id", 1), ("approved_by", 1), ("list_version_id", 1)],
)
def test_a_new_requirement_cannot_carry_server_owned_fields(
    lists: dict[str, Any], recipient_officer: Any, field: str, value: Any
) -> None:
    factories.family()
    body = {
        "family": "155mm-artillery-ammunition",
        "quantity": 10,
        "priority": 1,
        "need_by": "2027-03-01",
        "destination": "DEST-KYIV",
        field: value,
    }
    before = Requirement.objects.count()
    answer = ApiClient(recipient_officer).post("/requirements", body)
    assert answer.status == 422, answer
    assert Requirement.objects.count() == before


@pytest.mark.parametrize(
    "field, value", [("status", "approved"), ("reference", "UKR-ART-9999"), ("list_version", 1)]
)
def test_a_requirement_change_cannot_set_its_status_reference_or_list(
    lists: dict[str, Any], recipient_officer: Any, field: str, value: Any
) -> None:
    need = lists["submitted"]
    answer = ApiClient(recipient_officer).patch(f"/requirements/{need.pk}", {field: value, "version": 1})
    assert answer.status == 422, answer
    need.refresh_from_db()
    assert (need.status, need.reference, need.list_version_id) == (
        "submitted",
        "UKR-ART-0778",
        lists["draft"].pk,
    )


def test_approval_stays_with_the_coordinators(lists: dict[str, Any], recipient_officer: Any) -> None:
    client = ApiClient(recipient_officer)
    assert client.post(f"/requirements/{lists['submitted'].pk}/approve", {"version": 1}).status == 403
    assert client.post("/requirements/list-versions/2026-11/approve", {}).status == 403
    lists["submitted"].refresh_from_db()
    lists["draft"].refresh_from_db()
    assert lists["submitted"].status == "submitted"
    assert lists["draft"].status == "draft"


@pytest.mark.parametrize("role", DRAFT_BLIND)
def test_roles_that_only_read_the_list_change_nothing_on_it(
    request: pytest.FixtureRequest, lists: dict[str, Any], role: str
) -> None:
    client = ApiClient(request.getfixturevalue(role))
    need = lists["submitted"]
    for method, suffix, body in (
        ("patch", "", {"quantity": 3, "version": 1}),
        ("post", "/return", {"version": 1}),
        ("post", "/cancel", {"version": 1}),
        ("post", "/approve", {"version": 1}),
    ):
        answer = getattr(client, method)(f"/requirements/{need.pk}{suffix}", body)
        assert answer.status == 403, (suffix, answer)
    made = client.post(
        "/requirements",
        {
            "family": "155mm-artillery-ammunition",
            "quantity": 1,
            "priority": 1,
            "need_by": "2027-03-01",
            "destination": "DEST-KYIV",
        },
    )
    assert made.status == 403, made
    assert client.post("/requirements/list-versions", {}).status == 403
    need.refresh_from_db()
    assert (need.status, need.version) == ("submitted", 1)
