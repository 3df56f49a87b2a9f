"""The requirement list through the API: contract, visibility of drafts, joint approval, list versions."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models

from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from tests.db import factories, factories_records
from tests.db.api.conftest import ApiClient
from tests.db.api.contract import ResourceContract

pytestmark = pytest.mark.django_db


def draft_version() -> PriorityListVersion:
    """The draft version being edited (created when there is none)."""
    found = PriorityListVersion.objects.filter(status=VersionStatus.DRAFT).first()
    return found or factories_records.list_version(VersionStatus.DRAFT, label="2026-12")


class TestRequirements(ResourceContract):
    path = "/requirements"
    conditional_get = True
    model = Requirement
    key_field = "id"
    writer = "recipient_officer"
    refused_writers = ("viewer", "liaison_deu")
    readers = ("viewer", "liaison_deu", "coordinator")
    change: ClassVar[dict[str, Any]] = {"quantity": 8000, "priority": 1}
    invalid_change: ClassVar[dict[str, Any]] = {"quantity": 0}
    invalid_update: ClassVar[dict[str, Any]] = {"destination": "NOWHERE"}
    invalid_field = "quantity"
    cancel_action = "cancel"
    cancel_body: ClassVar[dict[str, Any]] = {"note": "Met by a bilateral delivery."}
    cancelled: ClassVar[dict[str, Any]] = {"status": "cancelled"}

    def make(self) -> models.Model:
        return factories_records.requirement(draft_version(), status=RequirementStatus.SUBMITTED)

    def create_body(self) -> dict[str, Any]:
        draft_version()
        factories.family()
        factories_records.kyiv()
        return {
            "family": "155mm-artillery-ammunition",
            "quantity": 20000,
            "priority": 1,
            "need_by": "2027-03-01",
            "destination": "DEST-KYIV",
            "justification": "Counter-battery fire on the eastern front.",
        }

    def test_a_requirement_answers_its_references_by_code(self, as_user: Any) -> None:
        requirement = self.make()
        answer = as_user("viewer").get(self.url(requirement)).json
        assert answer["reference"] == requirement.reference  # type: ignore[attr-defined]
        assert answer["family"] == "155mm-artillery-ammunition"
        assert answer["capability_area"] == "artillery"
        assert answer["destination"] == "DEST-KYIV"
        assert answer["list_version_label"] == "2026-12"
        assert answer["item"] is None

    def test_a_created_requirement_gets_a_reference_from_the_recipient_and_area(self, as_user: Any) -> None:
        answer = as_user("recipient_officer").post(self.path, self.create_body())
        assert answer.json["reference"].startswith("UKR-ART-")
        assert answer.json["status"] == "draft"

    def test_an_unknown_list_version_in_the_body_is_named(self, as_user: Any) -> None:
        answer = as_user("recipient_officer").post(
            self.path, {**self.create_body(), "list_version": "1999-01"}
        )
        assert answer.status == 422
        assert answer.error_fields() == {"list_version"}

    def test_a_priority_out_of_range_is_named(self, as_user: Any) -> None:
        answer = as_user("recipient_officer").post(self.path, {**self.create_body(), "priority": 5})
        assert answer.status == 422
        assert answer.error_fields() == {"priority"}


# -- visibility of drafts --


def test_a_draft_requirement_does_not_exist_for_a_donor_by_id_list_filter_or_count(
    api_as: Any, liaison_deu: Any, recipient_officer: Any
) -> None:
    version = draft_version()
    hidden = factories_records.requirement(version, status=RequirementStatus.DRAFT, reference="UKR-ART-0900")
    shown = factories_records.requirement(version, status=RequirementStatus.SUBMITTED)
    donor = api_as(liaison_deu)
    assert donor.get(f"/requirements/{hidden.pk}").status == 404
    assert donor.get(f"/requirements/{hidden.pk}/history").status == 404
    listed = donor.get("/requirements").json
    assert [row["id"] for row in listed["items"]] == [shown.pk]
    assert listed["count"] == 1
    by_filter = donor.get("/requirements", {"status": "draft"}).json
    assert by_filter == {"count": 0, "limit": 50, "offset": 0, "items": []}
    assert donor.get("/requirements", {"reference": "UKR-ART-0900"}).json["count"] == 0
    # The recipient's officer sees the draft.
    assert api_as(recipient_officer).get(f"/requirements/{hidden.pk}").status == 200


def test_a_refused_change_to_an_invisible_draft_says_not_found(api_as: Any, liaison_deu: Any) -> None:
    hidden = factories_records.requirement(draft_version(), status=RequirementStatus.DRAFT)
    answer = api_as(liaison_deu).post(f"/requirements/{hidden.pk}/cancel", {"version": 1})
    assert answer.status == 404
    assert str(hidden.reference) not in answer.json["detail"]


# -- filters --


def test_requirements_filter_by_status_priority_area_destination_and_need_by(
    api_as: Any, viewer: Any
) -> None:
    version = draft_version()
    lviv = factories.location("DEST-LVIV", kind="destination", country="UKR")
    factories.family("iris-t-slm-interceptors", area="air-defence")
    match = factories_records.requirement(
        version,
        status=RequirementStatus.SUBMITTED,
        priority=1,
        destination=lviv,
        family_code="iris-t-slm-interceptors",
        need_by=factories_records.TODAY.replace(year=2027, month=2),
    )
    factories_records.requirement(version, status=RequirementStatus.SUBMITTED, priority=2)
    factories_records.requirement(version, status=RequirementStatus.CANCELLED, priority=1)
    client = api_as(viewer)

    def ids(**params: Any) -> list[int]:
        answer = client.get("/requirements", params)
        assert answer.status == 200, answer
        assert answer.json["count"] == len(answer.json["items"])
        return [row["id"] for row in answer.json["items"]]

    assert ids(priority=1, status="submitted") == [match.pk]
    assert ids(capability_area="air-defence") == [match.pk]
    assert ids(destination="DEST-LVIV") == [match.pk]
    assert ids(family="iris-t-slm-interceptors") == [match.pk]
    assert ids(need_by_from="2027-02-01", need_by_to="2027-02-28") == [match.pk]
    assert len(ids(status=["submitted", "cancelled"])) == 3
    assert ids(list_version="2026-12", priority=1, status="submitted") == [match.pk]


def test_requirements_order_by_priority_then_need_by(api_as: Any, viewer: Any) -> None:
    version = draft_version()
    late = factories_records.requirement(
        version, status="submitted", priority=1, need_by=factories_records.TODAY.replace(year=2027, month=5)
    )
    early = factories_records.requirement(
        version, status="submitted", priority=1, need_by=factories_records.TODAY.replace(year=2027, month=1)
    )
    low = factories_records.requirement(version, status="submitted", priority=4)
    answer = api_as(viewer).get("/requirements", {"ordering": "priority,need_by"})
    assert [row["id"] for row in answer.json["items"]] == [early.pk, late.pk, low.pk]
    answer = api_as(viewer).get("/requirements", {"ordering": "-priority"})
    assert answer.json["items"][0]["id"] == low.pk


# -- status changes --


def test_approval_is_joint_the_recipient_submits_and_a_coordinator_approves(
    api_as: Any, recipient_officer: Any, coordinator: Any
) -> None:
    requirement = factories_records.requirement(draft_version(), status=RequirementStatus.DRAFT)
    officer = api_as(recipient_officer)
    submitted = officer.post(f"/requirements/{requirement.pk}/submit", {"version": 1})
    assert submitted.status == 200, submitted
    assert submitted.json["status"] == "submitted"
    refused = officer.post(f"/requirements/{requirement.pk}/approve", {"version": 2})
    assert refused.status == 403
    approved = api_as(coordinator).post(f"/requirements/{requirement.pk}/approve", {"version": 2})
    assert approved.status == 200, approved
    assert approved.json["status"] == "approved"
    history = officer.get(f"/requirements/{requirement.pk}/history").json
    assert [entry["action"] for entry in history["items"]] == ["submit", "approve"]
    assert history["items"][1]["actor"] == coordinator.username
    assert history["items"][1]["before"]["status"] == "submitted"
    assert history["items"][1]["after"]["status"] == "approved"


def test_a_transition_the_state_machine_forbids_gets_409_naming_the_allowed_ones(
    api_as: Any, recipient_officer: Any
) -> None:
    requirement = factories_records.requirement(draft_version(), status=RequirementStatus.DRAFT)
    answer = api_as(recipient_officer).post(f"/requirements/{requirement.pk}/close", {"version": 1})
    assert answer.status == 409
    assert answer.json["allowed_transitions"] == ["submitted", "cancelled"]
    requirement.refresh_from_db()
    assert requirement.status == RequirementStatus.DRAFT


def test_a_stale_transition_gets_409_with_the_current_version(api_as: Any, recipient_officer: Any) -> None:
    requirement = factories_records.requirement(draft_version(), status=RequirementStatus.DRAFT)
    Requirement.objects.filter(pk=requirement.pk).update(version=3)  # changed twice by someone else
    answer = api_as(recipient_officer).post(f"/requirements/{requirement.pk}/submit", {"version": 2})
    assert answer.status == 409
    assert answer.json["current_version"] == 3
    assert answer.header("ETag") == '"3"'


# -- list versions --


def test_list_versions_start_from_the_current_one_and_are_approved_by_a_coordinator(
    api_as: Any, recipient_officer: Any, coordinator: Any
) -> None:
    current = factories_records.list_version(VersionStatus.APPROVED, label="2026-11")
    factories_records.requirement(current, status=RequirementStatus.APPROVED)
    officer = api_as(recipient_officer)
    started = officer.post("/requirements/list-versions", {"label": "2026-12"})
    assert started.status == 201, started
    assert started.json["status"] == "draft"
    assert started.json["based_on"] == current.pk
    assert started.json["created_by"] == recipient_officer.username
    again = officer.post("/requirements/list-versions", {})
    assert again.status == 422
    carried = officer.get("/requirements", {"list_version": "2026-12"}).json
    assert carried["count"] == 1
    assert carried["items"][0]["status"] == "submitted"
    assert officer.post("/requirements/list-versions/2026-12/approve", {}).status == 403
    approved = api_as(coordinator).post(
        "/requirements/list-versions/2026-12/approve", {"note": "Joint board"}
    )
    assert approved.status == 200, approved
    assert approved.json["status"] == "approved"
    assert officer.get("/requirements/list-versions/current").json["label"] == "2026-12"
    listed = officer.get("/requirements/list-versions").json
    assert [row["label"] for row in listed["items"]] == ["2026-12", "2026-11"]


def test_an_unknown_list_version_gets_404(api_as: Any, viewer: Any) -> None:
    assert api_as(viewer).get("/requirements/list-versions/1999-01").status == 404


# -- query counts --


def test_a_page_of_requirements_takes_a_constant_number_of_queries(
    api_as: Any, viewer: Any, django_assert_max_num_queries: Any
) -> None:
    client: ApiClient = api_as(viewer)
    version = draft_version()
    factories.item("m795-155mm")
    for n in range(60):
        factories_records.requirement(
            version, status=RequirementStatus.SUBMITTED, item_code="m795-155mm" if n % 2 else None
        )
    client.get("/requirements")  # the token's last use is written once a minute, not on every call
    # The token, the count, the page's keys, its rows with every related record joined.
    with django_assert_max_num_queries(4):
        answer = client.get("/requirements", {"limit": 50})
    assert len(answer.json["items"]) == 50
