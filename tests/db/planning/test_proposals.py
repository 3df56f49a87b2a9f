"""Locks, publication and the donors' decisions, through the use cases."""

from __future__ import annotations

import pytest

from pledgeflow.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from pledgeflow.core.models import ChangeRecord
from pledgeflow.planning.choices import ProposalStatus
from pledgeflow.planning.models import AllocationLock, PlanRun, Proposal
from pledgeflow.planning.services import (
    accept_proposal,
    decline_proposal,
    execute_plan_run,
    lock_allocation,
    publish_run,
    start_plan_run,
    unlock_allocation,
)
from pledgeflow.planning.snapshot import build_snapshot
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
from pledgeflow.pledges.models import Pledge
from tests.db import factories_records
from tests.db.planning.conftest import START, Theatre


def _run(coordinator) -> PlanRun:
    return execute_plan_run(start_plan_run(coordinator).pk)


def _proposal(run: PlanRun, pledge: Pledge, requirement_reference: str) -> Proposal:
    return run.proposals.get(pledge=pledge, requirement__reference=requirement_reference)


# -- locks --


def test_a_locked_allocation_is_kept_by_the_next_run(theatre: Theatre, coordinator) -> None:
    first = _run(coordinator)
    french_medium = first.allocations.get(pledge=theatre.french, requirement=theatre.medium)
    assert french_medium.quantity == 300
    lock_allocation(coordinator, first.pk, french_medium.pk)
    assert build_snapshot(START).locked == {("FRA-0001", "UKR-ART-0002"): 300}
    # A new critical need arrives: unlocked, every unit would now go to critical needs and none to the medium.
    factories_records.requirement(
        theatre.version,
        reference="UKR-ART-0003",
        quantity=1000,
        priority=1,
        need_by=theatre.critical.need_by,
        destination=theatre.critical.destination,
    )

    second = _run(coordinator)

    kept = second.allocations.get(pledge=theatre.french, requirement=theatre.medium)
    assert kept.quantity == 300
    assert kept.locked and kept.locked_quantity == 300
    unmet = {u["requirement"]: u["quantity"] for u in second.plan["unmet"]}
    assert unmet.get("UKR-ART-0001", 0) + unmet.get("UKR-ART-0003", 0) == 1000


def test_a_lock_replaces_the_active_lock_on_the_same_pair(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    allocation = run.allocations.get(pledge=theatre.german)
    lock_allocation(coordinator, run.pk, allocation.pk, quantity=100)
    lock_allocation(coordinator, run.pk, allocation.pk, quantity=200)
    assert list(AllocationLock.objects.filter(active=True).values_list("quantity", flat=True)) == [200]
    released = AllocationLock.objects.get(active=False)
    assert released.release_reason == "replaced by a new lock"


def test_a_lock_cannot_take_more_than_the_allocation(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    allocation = run.allocations.get(pledge=theatre.german)
    with pytest.raises(ValidationError) as refused:
        lock_allocation(coordinator, run.pk, allocation.pk, quantity=allocation.quantity + 1)
    assert "quantity" in refused.value.message_dict


def test_unlocking_releases_the_lock_with_history_and_the_next_run_is_free(
    theatre: Theatre, coordinator
) -> None:
    run = _run(coordinator)
    allocation = run.allocations.get(pledge=theatre.german)
    lock = lock_allocation(coordinator, run.pk, allocation.pk)
    released = unlock_allocation(coordinator, run.pk, allocation.pk, reason="Germany asked for time")
    assert released.pk == lock.pk and not released.active and released.released_by == coordinator
    assert build_snapshot(START).document["locks"] == []
    actions = list(
        ChangeRecord.objects.filter(entity="planning.allocationlock", object_id=str(lock.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "release"]
    with pytest.raises(ValidationError):
        unlock_allocation(coordinator, run.pk, allocation.pk)


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "viewer"])
def test_only_coordinators_lock_unlock_and_publish(
    theatre: Theatre, coordinator, role: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    run = _run(coordinator)
    allocation = run.allocations.first()
    with pytest.raises(PermissionDenied):
        lock_allocation(user, run.pk, allocation.pk)
    with pytest.raises(PermissionDenied):
        unlock_allocation(user, run.pk, allocation.pk)
    with pytest.raises(PermissionDenied):
        publish_run(user, run.pk)
    assert AllocationLock.objects.count() == 0 and Proposal.objects.count() == 0


# -- publish --


def test_publishing_turns_each_allocation_into_a_proposal_to_its_donor(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    published = publish_run(coordinator, run.pk)
    assert published.published and published.published_by == coordinator and published.published_at
    proposals = {(p.pledge.reference, p.requirement.reference): p for p in run.proposals.all()}
    allocations = {(a.pledge.reference, a.requirement.reference): a.quantity for a in run.allocations.all()}
    assert {pair: p.quantity for pair, p in proposals.items()} == allocations
    assert all(p.status == ProposalStatus.PROPOSED for p in proposals.values())
    assert ChangeRecord.objects.filter(entity="planning.proposal", action="create").count() == len(proposals)
    assert ChangeRecord.objects.filter(entity="planning.planrun", action="publish").count() == 1


def test_a_run_is_published_once_and_only_when_it_succeeded(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    with pytest.raises(InvalidTransition):
        publish_run(coordinator, run.pk)
    queued = start_plan_run(coordinator)
    with pytest.raises(InvalidTransition):
        publish_run(coordinator, queued.pk)


def test_an_older_run_cannot_be_published_after_a_newer_one(theatre: Theatre, coordinator) -> None:
    older, newer = _run(coordinator), _run(coordinator)
    publish_run(coordinator, newer.pk)
    with pytest.raises(ValidationError) as refused:
        publish_run(coordinator, older.pk)
    assert "already published" in str(refused.value)


def test_publishing_a_newer_run_supersedes_the_open_proposals_of_earlier_runs(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    first = _run(coordinator)
    publish_run(coordinator, first.pk)
    accepted = accept_proposal(liaison_deu, _proposal(first, theatre.german, "UKR-ART-0001").pk)
    second = _run(coordinator)
    publish_run(coordinator, second.pk)
    statuses = dict(first.proposals.values_list("pk", "status"))
    assert statuses.pop(accepted.pk) == ProposalStatus.ACCEPTED
    assert set(statuses.values()) == {ProposalStatus.SUPERSEDED}
    assert all(p.status == ProposalStatus.PROPOSED for p in second.proposals.all())


# -- decisions --


def test_accepting_commits_the_pledge_records_who_and_when_and_the_next_snapshot_locks_it(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.german, "UKR-ART-0001")

    accepted = accept_proposal(liaison_deu, proposal.pk, expected_version=1)

    assert accepted.status == ProposalStatus.ACCEPTED
    assert accepted.decided_by == liaison_deu and accepted.decided_at is not None
    assert accepted.version == 2
    german = Pledge.objects.get(pk=theatre.german.pk)
    assert german.status == PledgeStatus.COMMITTED
    milestone = german.milestones.get(milestone=MilestoneKind.COMMITTED)
    assert milestone.recorded_by == liaison_deu
    assert f"Proposal {proposal.pk}" in milestone.note
    history = ChangeRecord.objects.filter(entity="planning.proposal", object_id=str(proposal.pk))
    assert [(h.before or {}).get("status") for h in history] == [None, "proposed"]

    snap = build_snapshot(START)
    assert snap.document["locks"] == [
        {"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": accepted.quantity}
    ]
    # The accepted pair is not proposed again by the next run.
    following = _run(coordinator)
    publish_run(coordinator, following.pk)
    assert not following.proposals.filter(pledge=theatre.german, requirement=theatre.critical).exists()
    kept = following.allocations.get(pledge=theatre.german, requirement=theatre.critical)
    assert kept.locked and kept.quantity >= accepted.quantity


def test_accepting_for_an_already_committed_pledge_keeps_its_milestone(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    Pledge.objects.filter(pk=theatre.german.pk).update(status=PledgeStatus.COMMITTED)
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    accept_proposal(liaison_deu, _proposal(run, theatre.german, "UKR-ART-0001").pk)
    german = Pledge.objects.get(pk=theatre.german.pk)
    assert german.status == PledgeStatus.COMMITTED
    assert not german.milestones.filter(milestone=MilestoneKind.COMMITTED).exists()


def test_a_coordinator_may_accept_for_a_donor(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    accepted = accept_proposal(coordinator, _proposal(run, theatre.german, "UKR-ART-0001").pk)
    assert accepted.decided_by == coordinator


def test_declining_releases_the_units_and_any_lock_on_the_pair(
    theatre: Theatre, coordinator, liaison_fra
) -> None:
    run = _run(coordinator)
    french_medium = run.allocations.get(pledge=theatre.french, requirement=theatre.medium)
    lock_allocation(coordinator, run.pk, french_medium.pk)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.french, "UKR-ART-0002")

    declined = decline_proposal(liaison_fra, proposal.pk, reason="Needed at home")

    assert declined.status == ProposalStatus.DECLINED and declined.reason == "Needed at home"
    assert Pledge.objects.get(pk=theatre.french.pk).status == PledgeStatus.OFFERED
    assert not AllocationLock.objects.filter(active=True).exists()
    snap = build_snapshot(START)
    assert snap.document["locks"] == []
    assert {p["id"]: p["quantity"] for p in snap.document["pledges"]}["FRA-0001"] == 800


def test_a_decided_proposal_cannot_be_decided_again(theatre: Theatre, coordinator, liaison_deu) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.german, "UKR-ART-0001")
    accept_proposal(liaison_deu, proposal.pk)
    with pytest.raises(InvalidTransition) as refused:
        decline_proposal(liaison_deu, proposal.pk)
    assert refused.value.allowed == ()


def test_a_decision_on_a_stale_version_is_refused(theatre: Theatre, coordinator, liaison_deu) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    with pytest.raises(StaleVersion):
        accept_proposal(liaison_deu, _proposal(run, theatre.german, "UKR-ART-0001").pk, expected_version=7)


def test_another_nations_liaison_cannot_see_or_decide_a_proposal(
    theatre: Theatre, coordinator, liaison_fra
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.german, "UKR-ART-0001")
    with pytest.raises(NotFound):
        accept_proposal(liaison_fra, proposal.pk)
    with pytest.raises(NotFound):
        decline_proposal(liaison_fra, proposal.pk)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


@pytest.mark.parametrize("role", ["recipient_officer", "training_coordinator", "viewer"])
def test_roles_without_proposals_cannot_decide_one(
    theatre: Theatre, coordinator, role: str, request: pytest.FixtureRequest
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.german, "UKR-ART-0001")
    with pytest.raises(PermissionDenied):
        accept_proposal(request.getfixturevalue(role), proposal.pk)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_a_proposal_for_a_withdrawn_pledge_cannot_be_accepted(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    Pledge.objects.filter(pk=theatre.german.pk).update(status=PledgeStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        accept_proposal(liaison_deu, _proposal(run, theatre.german, "UKR-ART-0001").pk)
    assert "pledge" in refused.value.message_dict


def test_a_proposal_cannot_commit_more_than_the_pledge_has_left(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    proposal = _proposal(run, theatre.german, "UKR-ART-0001")
    # Germany cut its pledge after publication.
    Pledge.objects.filter(pk=theatre.german.pk).update(quantity=proposal.quantity - 1)
    with pytest.raises(ValidationError) as refused:
        accept_proposal(liaison_deu, proposal.pk)
    assert "quantity" in refused.value.message_dict
    assert Pledge.objects.get(pk=theatre.german.pk).status == PledgeStatus.OFFERED


def test_a_proposal_for_a_cancelled_requirement_cannot_be_accepted(
    theatre: Theatre, coordinator, liaison_deu
) -> None:
    run = _run(coordinator)
    publish_run(coordinator, run.pk)
    type(theatre.critical).objects.filter(pk=theatre.critical.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as refused:
        accept_proposal(liaison_deu, _proposal(run, theatre.german, "UKR-ART-0001").pk)
    assert "requirement" in refused.value.message_dict


def test_publishing_skips_allocations_whose_pledge_was_withdrawn_since_the_run(
    theatre: Theatre, coordinator
) -> None:
    run = _run(coordinator)
    Pledge.objects.filter(pk=theatre.french.pk).update(status=PledgeStatus.WITHDRAWN)
    publish_run(coordinator, run.pk)
    assert {p.pledge.reference for p in run.proposals.all()} == {"DEU-0001"}
    note = ChangeRecord.objects.get(entity="planning.planrun", action="publish").note
    assert "2 allocations not proposed" in note
