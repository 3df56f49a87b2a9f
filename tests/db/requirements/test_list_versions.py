"""Priority-list versions: one draft at a time, approved ones frozen, the next a copy of the open lines."""

from __future__ import annotations

import pytest

from pledgeflow.core.errors import InvalidTransition, PermissionDenied, ValidationError
from pledgeflow.core.services import history_of
from pledgeflow.requirements import selectors, services
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

R = RequirementStatus


def test_the_first_version_starts_empty_and_is_labelled_with_this_month(recipient_officer) -> None:
    version = services.start_next_version(recipient_officer, label="2026-11")
    assert (version.number, version.label, version.status) == (1, "2026-11", "draft")
    assert version.based_on is None and version.created_by == recipient_officer
    assert history_of(version).get().action == "create"
    assert selectors.draft_version() == version and selectors.current_version() is None


def test_the_next_version_copies_the_open_requirements_of_the_current_one(recipient_officer) -> None:
    november = records.list_version(label="2026-11")
    open_line = records.requirement(november, reference="UKR-ART-0001", quantity=5000, package_code="K1")
    records.requirement(november, reference="UKR-ART-0002", status=R.CLOSED)
    records.requirement(november, reference="UKR-ART-0003", status=R.CANCELLED)

    december = services.start_next_version(recipient_officer)

    assert (december.label, december.number, december.based_on) == ("2026-12", 2, november)
    (copy,) = december.requirements.all()
    assert (copy.reference, copy.quantity, copy.package_code) == ("UKR-ART-0001", 5000, "K1")
    assert copy.status == R.SUBMITTED and copy.carried_from == open_line and copy.version == 1
    change = history_of(copy).get()
    assert change.action == "create" and change.note == "Carried over from list version 2026-11."
    assert change.actor == recipient_officer and change.before is None
    assert change.after["reference"] == "UKR-ART-0001" and change.after["status"] == "submitted"
    # The approved version is untouched and still readable.
    assert Requirement.objects.get(pk=open_line.pk).list_version == november
    assert selectors.current_version() == november


def test_the_month_after_december_is_january() -> None:
    from pledgeflow.requirements.services import _default_label

    december = PriorityListVersion(label="2026-12")
    assert _default_label(december, records.TODAY) == "2027-01"


def test_only_one_version_is_a_draft_at_a_time(recipient_officer) -> None:
    records.list_version(status=VersionStatus.DRAFT, label="2026-12")
    with pytest.raises(ValidationError, match="List version 2026-12 is still a draft"):
        services.start_next_version(recipient_officer)


def test_approving_a_version_approves_its_submitted_requirements_and_makes_it_current(coordinator) -> None:
    november = records.list_version(label="2026-11")
    december = records.list_version(status=VersionStatus.DRAFT, label="2026-12")
    submitted = records.requirement(december, status=R.SUBMITTED)
    cancelled = records.requirement(december, status=R.CANCELLED)

    approved = services.approve_version(coordinator, december)

    assert approved.status == "approved" and approved.approved_by == coordinator and approved.approved_at
    fresh = Requirement.objects.get(pk=submitted.pk)
    assert (fresh.status, fresh.version) == (R.APPROVED, 2)
    assert Requirement.objects.get(pk=cancelled.pk).version == 1
    approval = history_of(submitted).get()
    assert (approval.action, approval.actor, approval.note) == (
        "approve",
        coordinator,
        "Approved with list version 2026-12.",
    )
    assert (approval.before["status"], approval.after["status"]) == ("submitted", "approved")
    assert (approval.before["version"], approval.after["version"]) == (1, 2)
    assert (
        approval.after["family"] == "155mm-artillery-ammunition"
        and approval.after["destination"] == "DEST-KYIV"
    )
    assert history_of(december).get().after["status"] == "approved"
    assert selectors.current_version() == december
    assert selectors.get_list_version_for(coordinator, "2026-11") == november


def test_a_version_with_requirements_in_draft_cannot_be_approved(coordinator) -> None:
    december = records.list_version(status=VersionStatus.DRAFT, label="2026-12")
    records.requirement(december, reference="UKR-AD-0007", status=R.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.approve_version(coordinator, december)
    assert "still has requirements in draft (UKR-AD-0007)" in str(refused.value)
    assert PriorityListVersion.objects.get(pk=december.pk).status == "draft"


def test_an_approved_version_cannot_be_approved_again(coordinator) -> None:
    november = records.list_version(label="2026-11")
    with pytest.raises(InvalidTransition):
        services.approve_version(coordinator, november)


def test_approval_is_joint_so_the_recipient_cannot_approve_a_version(recipient_officer) -> None:
    december = records.list_version(status=VersionStatus.DRAFT)
    with pytest.raises(PermissionDenied, match="Approval is joint"):
        services.approve_version(recipient_officer, december)


@pytest.mark.parametrize("role", ["liaison_deu", "viewer", "training_coordinator"])
def test_only_the_recipient_and_coordinators_start_a_version(request, role) -> None:
    with pytest.raises(PermissionDenied):
        services.start_next_version(request.getfixturevalue(role))
    assert not PriorityListVersion.objects.exists()


def test_what_an_approved_version_asks_for_cannot_change(recipient_officer) -> None:
    november = records.list_version(label="2026-11")
    line = records.requirement(november)
    with pytest.raises(ValidationError, match="on approved list version 2026-11, which cannot change"):
        services.update_requirement(recipient_officer, line, {"quantity": 1}, 1)
    with pytest.raises(ValidationError, match="is approved and cannot change"):
        services.create_requirement(
            recipient_officer,
            family="155mm-artillery-ammunition",
            quantity=10,
            priority=1,
            need_by=records.days(30),
            destination=records.kyiv(),
            list_version=november,
        )
    assert Requirement.objects.get(pk=line.pk).quantity == 5000


def test_closing_a_line_on_the_current_version_cancels_its_copy_on_the_draft(coordinator) -> None:
    november = records.list_version(label="2026-11")
    line = records.requirement(november)
    december = services.start_next_version(coordinator)
    copy = december.requirements.get()
    services.close_requirement(coordinator, line, 1, note="all delivered")
    copy.refresh_from_db()
    assert copy.status == R.CANCELLED
    assert (
        history_of(copy).last().note == f"Cancelled because {line.reference} was met on list version 2026-11."
    )


def test_a_version_started_at_the_same_moment_as_another_is_refused_cleanly(
    recipient_officer, monkeypatch
) -> None:
    """The race the one-draft index settles: the checks passed, but another draft got in first."""
    records.list_version(status=VersionStatus.DRAFT, label="2026-12")
    # Let the checks miss the other draft, as they would in the race.
    monkeypatch.setattr(PriorityListVersion, "full_clean", lambda self, *a, **k: None)
    monkeypatch.setattr(PriorityListVersion.objects, "select_for_update", PriorityListVersion.objects.none)
    with pytest.raises(ValidationError, match="started at the same moment"):
        services.start_next_version(recipient_officer, label="2027-01")
    assert PriorityListVersion.objects.count() == 1
