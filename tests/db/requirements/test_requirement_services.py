"""Requirements: creation with its checks, versioned changes, the status machine, permissions, history."""

from __future__ import annotations

import pytest

from pledgeflow.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from pledgeflow.core.services import history_of
from pledgeflow.requirements import services
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import Requirement
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

R = RequirementStatus


@pytest.fixture
def draft():
    """December's list, being edited (and the 155 mm shell family the requirements name)."""
    factories.family()
    return records.list_version(status=VersionStatus.DRAFT, label="2026-12")


def _create(actor, **overrides):
    values = {
        "family": "155mm-artillery-ammunition",
        "quantity": 20000,
        "priority": 1,
        "need_by": records.days(60),
        "destination": records.kyiv().code,
        "justification": "Counter-battery fire near Pokrovsk",
    }
    values.update(overrides)
    return services.create_requirement(actor, **values)


def test_the_recipient_adds_a_requirement_to_the_draft_with_a_generated_reference(
    recipient_officer, draft
) -> None:
    line = _create(recipient_officer)
    assert (line.reference, line.status, line.list_version, line.version) == (
        "UKR-ART-0001",
        "draft",
        draft,
        1,
    )
    assert line.capability_area.code == "artillery"
    assert _create(recipient_officer).reference == "UKR-ART-0002"
    created = history_of(line).get()
    assert created.action == "create" and created.actor == recipient_officer
    assert created.after["family"] == "155mm-artillery-ammunition" and created.after["quantity"] == 20000


def test_references_keep_counting_across_versions(recipient_officer, draft) -> None:
    records.requirement(records.list_version(label="2026-10", number=9), reference="UKR-ART-0041")
    assert _create(recipient_officer).reference == "UKR-ART-0042"


def test_a_given_reference_must_be_unused_on_the_version(coordinator, draft) -> None:
    _create(coordinator, reference="REQ-0001")
    with pytest.raises(ValidationError) as refused:
        _create(coordinator, reference="REQ-0001")
    assert "already used on list version 2026-12" in refused.value.message_dict["reference"][0]


def test_without_a_draft_version_there_is_nowhere_to_add_a_requirement(recipient_officer) -> None:
    factories.family()
    with pytest.raises(ValidationError, match="start the next version first"):
        _create(recipient_officer)


def test_a_specific_item_must_belong_to_the_family(recipient_officer, draft) -> None:
    factories.item("krasnopol-152mm", family_code="152mm-artillery-ammunition")
    with pytest.raises(ValidationError) as refused:
        _create(recipient_officer, item="krasnopol-152mm")
    message = refused.value.message_dict["item"][0]
    assert "belongs to family '152mm-artillery-ammunition', not to '155mm-artillery-ammunition'" in message
    line = _create(recipient_officer, item=factories.item().code)
    assert line.item.code == "dm121-155mm"


def test_the_capability_area_must_be_the_familys(recipient_officer, draft) -> None:
    with pytest.raises(ValidationError) as refused:
        _create(recipient_officer, capability_area="air-defence")
    assert "is in capability area 'artillery'" in refused.value.message_dict["capability_area"][0]


def test_bad_values_are_named_field_by_field_and_nothing_is_stored(recipient_officer, draft) -> None:
    with pytest.raises(ValidationError) as refused:
        _create(recipient_officer, quantity=0, priority=5, destination="NOWHERE")
    assert set(refused.value.message_dict) == {"destination"}
    with pytest.raises(ValidationError) as refused:
        _create(recipient_officer, quantity=0, priority=5)
    assert set(refused.value.message_dict) == {"quantity", "priority"}
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("role", ["liaison_deu", "viewer", "training_coordinator"])
def test_donors_viewers_and_training_coordinators_cannot_manage_requirements(request, role, draft) -> None:
    actor = request.getfixturevalue(role)
    with pytest.raises(
        PermissionDenied, match="Only the recipient's requirements officers and the coordinators"
    ):
        _create(actor)
    line = records.requirement(draft, status=R.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.update_requirement(actor, line, {"quantity": 1}, 1)
    with pytest.raises(PermissionDenied):
        services.cancel_requirement(actor, line, 1)


def test_an_update_records_before_and_after_and_a_stale_one_is_refused(recipient_officer, draft) -> None:
    line = records.requirement(draft, status=R.DRAFT, quantity=100)
    updated = services.update_requirement(recipient_officer, line, {"quantity": 120, "priority": 1}, 1)
    assert (updated.quantity, updated.priority, updated.version) == (120, 1, 2)
    change = history_of(line).get()
    assert (change.before["quantity"], change.after["quantity"]) == (100, 120)
    with pytest.raises(StaleVersion) as stale:
        services.update_requirement(recipient_officer, line, {"quantity": 1}, 1)
    assert stale.value.current_version == 2


def test_the_reference_and_status_are_not_changed_by_an_update(recipient_officer, draft) -> None:
    line = records.requirement(draft, status=R.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.update_requirement(recipient_officer, line, {"reference": "X", "status": "approved"}, 1)
    assert set(refused.value.message_dict) == {"reference", "status"}


def test_changing_the_family_moves_the_requirement_to_the_new_familys_area(recipient_officer, draft) -> None:
    factories.family("iris-t-slm-interceptors", area="air-defence")
    line = records.requirement(draft, status=R.DRAFT)
    moved = services.update_requirement(recipient_officer, line, {"family": "iris-t-slm-interceptors"}, 1)
    assert moved.capability_area.code == "air-defence"


def test_an_approved_line_changed_on_the_draft_goes_back_to_submitted(recipient_officer, draft) -> None:
    line = records.requirement(draft, status=R.APPROVED)
    changed = services.update_requirement(recipient_officer, line, {"quantity": 7}, 1)
    assert changed.status == R.SUBMITTED


def test_the_status_moves_draft_submitted_approved_closed_with_history(
    recipient_officer, coordinator, draft
) -> None:
    line = records.requirement(draft, status=R.DRAFT)
    line = services.submit_requirement(recipient_officer, line, 1)
    line = services.return_requirement_to_draft(coordinator, line, 2, note="quantity unclear")
    line = services.submit_requirement(recipient_officer, line, 3)
    line = services.approve_requirement(coordinator, line, 4)
    line = services.close_requirement(recipient_officer, line, 5)
    assert line.status == R.CLOSED
    assert [(c.action, c.after["status"]) for c in history_of(line)] == [
        ("submit", "submitted"),
        ("return", "draft"),
        ("submit", "submitted"),
        ("approve", "approved"),
        ("close", "closed"),
    ]


def test_the_recipient_submits_but_only_a_coordinator_approves(recipient_officer, draft) -> None:
    line = records.requirement(draft, status=R.SUBMITTED)
    with pytest.raises(PermissionDenied, match="Approval is joint"):
        services.approve_requirement(recipient_officer, line, 1)


REFUSED = [
    (R.DRAFT, "approve_requirement", "approved", ("submitted", "cancelled")),
    (R.DRAFT, "close_requirement", "closed", ("submitted", "cancelled")),
    (R.SUBMITTED, "close_requirement", "closed", ("approved", "draft", "cancelled")),
    (R.APPROVED, "submit_requirement", "submitted", ("closed", "cancelled")),
    (R.CLOSED, "cancel_requirement", "cancelled", ()),
    (R.CANCELLED, "submit_requirement", "submitted", ()),
]


@pytest.mark.parametrize(("status", "use_case", "target", "allowed"), REFUSED)
def test_a_refused_status_change_names_the_allowed_ones(
    coordinator, status, use_case, target, allowed
) -> None:
    line = records.requirement(status=status)
    with pytest.raises(InvalidTransition) as refused:
        getattr(services, use_case)(coordinator, line, 1)
    assert refused.value.allowed == allowed
    assert f"cannot go from '{status}' to '{target}'" in str(refused.value)
    assert Requirement.objects.get(pk=line.pk).version == 1


def test_cancelling_keeps_the_requirement_on_record(recipient_officer) -> None:
    line = records.requirement()
    cancelled = services.cancel_requirement(recipient_officer, line, 1, note="front line moved")
    assert Requirement.objects.get(pk=line.pk).status == R.CANCELLED == cancelled.status
    assert history_of(line).get().action == "cancel"


def test_a_requirement_is_never_deleted() -> None:
    line = records.requirement()
    with pytest.raises(PermissionDenied, match="cancel it instead"):
        line.delete()
    assert Requirement.objects.filter(pk=line.pk).exists()


#: Every use case on an existing requirement, called as ``use(actor, requirement, version)``.
_USE_CASES = {
    "update": lambda actor, line, version: services.update_requirement(actor, line, {"quantity": 7}, version),
    "submit": services.submit_requirement,
    "return to draft": services.return_requirement_to_draft,
    "approve": services.approve_requirement,
    "close": services.close_requirement,
    "cancel": services.cancel_requirement,
}


@pytest.mark.parametrize("use", sorted(_USE_CASES))
@pytest.mark.parametrize("role", ["liaison_deu", "viewer", "training_coordinator"])
def test_a_hidden_draft_is_not_found_worded_as_a_missing_requirement_before_any_permission_check(
    request, draft, role, use
) -> None:
    actor = request.getfixturevalue(role)
    hidden = records.requirement(draft, status=R.DRAFT)
    missing = Requirement(pk=hidden.pk + 1000, reference="UKR-ART-9999")
    messages = []
    for line in (hidden, missing):
        with pytest.raises(NotFound) as refused:
            _USE_CASES[use](actor, line, 1)
        messages.append(str(refused.value).replace(str(line.pk), "<id>"))
    assert messages[0] == messages[1]
    hidden.refresh_from_db()
    assert (hidden.status, hidden.quantity, hidden.version) == (R.DRAFT, 5000, 1)


@pytest.mark.parametrize("use", sorted(_USE_CASES))
def test_a_visible_requirement_is_refused_as_not_allowed_before_its_version_is_checked(
    liaison_deu, draft, use
) -> None:
    line = records.requirement(draft, status=R.SUBMITTED)
    with pytest.raises(PermissionDenied):
        _USE_CASES[use](liaison_deu, line, 99)  # a stale version too: the permission is checked first
    line.refresh_from_db()
    assert (line.status, line.version) == (R.SUBMITTED, 1)


def test_a_recipient_officer_is_refused_approval_only_after_the_requirement_is_found(
    recipient_officer, draft
) -> None:
    line = records.requirement(draft, status=R.SUBMITTED)
    with pytest.raises(NotFound):
        services.approve_requirement(recipient_officer, Requirement(pk=line.pk + 1000), 1)
    with pytest.raises(PermissionDenied, match="Approval is joint"):
        services.approve_requirement(recipient_officer, line, 1)


def test_an_unknown_field_on_a_hidden_draft_is_not_found_rather_than_named(liaison_deu, draft) -> None:
    hidden = records.requirement(draft, status=R.DRAFT)
    with pytest.raises(NotFound):
        services.update_requirement(liaison_deu, hidden, {"no_such_field": 1}, 1)


def test_a_hidden_requirement_is_not_found_by_the_use_cases(recipient_officer, draft) -> None:
    missing = Requirement(pk=987654, reference="UKR-ART-9999")
    with pytest.raises(NotFound, match="Requirement 987654 does not exist or is not visible to you"):
        services.cancel_requirement(recipient_officer, missing, 1)
