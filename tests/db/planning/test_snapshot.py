"""The plan-run snapshot: what a run plans, at which quantities, and how accepted units are counted once."""

from __future__ import annotations

import datetime as dt

from pledgeflow.engine.scenario import dump_json, load_scenario
from pledgeflow.planning.choices import ProposalStatus
from pledgeflow.planning.models import AllocationLock, PlanAllocation, PlanRun, Proposal
from pledgeflow.planning.snapshot import build_snapshot
from pledgeflow.pledges.choices import PledgeStatus, Source
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from tests.db import factories, factories_records
from tests.db.planning.conftest import START, Theatre


def _by_id(entries: list[dict]) -> dict[str, dict]:
    return {entry["id"]: entry for entry in entries}


def _accepted(theatre: Theatre, pledge, requirement, quantity: int, coordinator) -> Proposal:
    """An accepted proposal, written directly (the acceptance use case is tested on its own)."""
    run = PlanRun.objects.create(
        number=PlanRun.objects.count() + 1, created_by=coordinator, status="succeeded"
    )
    allocation = PlanAllocation.objects.create(
        run=run, pledge=pledge, requirement=requirement, quantity=quantity, arrival=dt.date(2027, 1, 20)
    )
    return Proposal.objects.create(
        run=run,
        allocation=allocation,
        pledge=pledge,
        requirement=requirement,
        quantity=quantity,
        status=ProposalStatus.ACCEPTED,
    )


def test_snapshot_is_a_valid_scenario_keyed_by_the_records_references(theatre: Theatre) -> None:
    snap = build_snapshot(START)
    scenario = load_scenario(dump_json(snap.document))
    assert [r.id for r in scenario.requirements] == ["UKR-ART-0001", "UKR-ART-0002"]
    assert [p.id for p in scenario.pledges] == ["DEU-0001", "FRA-0001"]
    assert snap.requirement_pks == {"UKR-ART-0001": theatre.critical.pk, "UKR-ART-0002": theatre.medium.pk}
    assert snap.pledge_pks == {"DEU-0001": theatre.german.pk, "FRA-0001": theatre.french.pk}
    assert snap.document["start"] == "2026-12-01"
    assert snap.list_version == "2026-11"
    assert snap.document["locks"] == []


def test_only_approved_requirements_of_the_current_list_version_are_planned(theatre: Theatre) -> None:
    factories_records.requirement(
        theatre.version, reference="UKR-ART-0003", status=RequirementStatus.SUBMITTED
    )
    factories_records.requirement(
        theatre.version, reference="UKR-ART-0004", status=RequirementStatus.CANCELLED
    )
    older = factories_records.list_version(label="2026-10", number=0)
    factories_records.requirement(older, reference="UKR-ART-0005")
    draft = factories_records.list_version(status=VersionStatus.DRAFT, label="2026-12", number=2)
    factories_records.requirement(draft, reference="UKR-ART-0006")
    ids = set(_by_id(build_snapshot(START).document["requirements"]))
    assert ids == {"UKR-ART-0001", "UKR-ART-0002"}


def test_only_offered_and_committed_pledges_not_yet_dispatched_are_planned(theatre: Theatre) -> None:
    for status in PledgeStatus.values:
        source = Source.PROCUREMENT if status == PledgeStatus.CONTRACTED else Source.STOCK
        factories_records.pledge("POL", reference=f"POL-{status}", status=status, source=source)
    ids = {i for i in _by_id(build_snapshot(START).document["pledges"]) if i.startswith("POL-")}
    assert ids == {"POL-offered", "POL-committed", "POL-contracted"}


def test_accepted_units_of_a_pledge_still_planned_enter_as_a_lock_and_are_not_subtracted(
    theatre: Theatre, coordinator
) -> None:
    _accepted(theatre, theatre.german, theatre.critical, 600, coordinator)
    snap = build_snapshot(START)
    requirements, pledges = _by_id(snap.document["requirements"]), _by_id(snap.document["pledges"])
    # Counted once: by the lock alone. Subtracting as well would leave the need 600 short of the truth.
    assert requirements["UKR-ART-0001"]["quantity"] == 1500
    assert pledges["DEU-0001"]["quantity"] == 1000
    assert snap.document["locks"] == [{"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": 600}]
    assert snap.locked == {("DEU-0001", "UKR-ART-0001"): 600}


def test_accepted_units_already_dispatched_reduce_the_requirement_and_leave_no_lock(
    theatre: Theatre, coordinator
) -> None:
    _accepted(theatre, theatre.german, theatre.critical, 600, coordinator)
    Pledge = type(theatre.german)
    Pledge.objects.filter(pk=theatre.german.pk).update(status=PledgeStatus.DISPATCHED)
    snap = build_snapshot(START)
    requirements = _by_id(snap.document["requirements"])
    assert requirements["UKR-ART-0001"]["quantity"] == 900
    assert "DEU-0001" not in _by_id(snap.document["pledges"])
    assert snap.document["locks"] == []


def test_a_requirement_covered_by_delivered_units_is_left_out_with_a_note(
    theatre: Theatre, coordinator
) -> None:
    big = factories_records.pledge(
        "POL", reference="POL-0001", quantity=2000, status=PledgeStatus.HANDED_OVER
    )
    _accepted(theatre, big, theatre.critical, 1500, coordinator)
    snap = build_snapshot(START)
    assert "UKR-ART-0001" not in _by_id(snap.document["requirements"])
    assert any("UKR-ART-0001" in note and "left out" in note for note in snap.notes)


def test_accepted_units_of_a_withdrawn_pledge_cover_nothing(theatre: Theatre, coordinator) -> None:
    _accepted(theatre, theatre.german, theatre.critical, 600, coordinator)
    type(theatre.german).objects.filter(pk=theatre.german.pk).update(status=PledgeStatus.WITHDRAWN)
    snap = build_snapshot(START)
    assert _by_id(snap.document["requirements"])["UKR-ART-0001"]["quantity"] == 1500
    assert snap.document["locks"] == []


def test_acceptances_follow_a_requirement_to_the_next_list_version_by_reference(
    theatre: Theatre, coordinator
) -> None:
    _accepted(theatre, theatre.german, theatre.critical, 600, coordinator)
    december = factories_records.list_version(label="2026-12", number=2)
    carried = factories_records.requirement(
        december,
        reference="UKR-ART-0001",
        quantity=1500,
        priority=1,
        need_by=dt.date(2027, 2, 1),
        destination=theatre.critical.destination,
        carried_from=theatre.critical,
    )
    snap = build_snapshot(START)
    assert snap.requirement_pks == {"UKR-ART-0001": carried.pk}
    assert snap.document["locks"] == [{"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": 600}]


def test_a_coordinator_lock_and_an_acceptance_on_one_pair_make_one_lock_of_the_larger(
    theatre: Theatre, coordinator
) -> None:
    _accepted(theatre, theatre.german, theatre.critical, 600, coordinator)
    AllocationLock.objects.create(
        pledge=theatre.german, requirement=theatre.critical, quantity=900, created_by=coordinator
    )
    snap = build_snapshot(START)
    assert snap.document["locks"] == [{"pledge": "DEU-0001", "requirement": "UKR-ART-0001", "quantity": 900}]


def test_a_lock_whose_pledge_left_planning_is_not_applied_and_is_noted(theatre: Theatre, coordinator) -> None:
    AllocationLock.objects.create(
        pledge=theatre.french, requirement=theatre.critical, quantity=300, created_by=coordinator
    )
    type(theatre.french).objects.filter(pk=theatre.french.pk).update(status=PledgeStatus.WITHDRAWN)
    snap = build_snapshot(START)
    assert snap.document["locks"] == []
    assert any("FRA-0001" in note and "not applied" in note for note in snap.notes)


def test_released_locks_are_not_applied(theatre: Theatre, coordinator) -> None:
    AllocationLock.objects.create(
        pledge=theatre.french,
        requirement=theatre.critical,
        quantity=300,
        created_by=coordinator,
        active=False,
    )
    assert build_snapshot(START).document["locks"] == []


def test_allowed_destinations_enter_the_snapshot_sorted(theatre: Theatre) -> None:
    lviv = factories.location("DEST-LVIV", kind="destination", country="UKR")
    theatre.german.allowed_destinations.set([lviv, theatre.critical.destination])
    pledges = _by_id(build_snapshot(START).document["pledges"])
    assert pledges["DEU-0001"]["destinations"] == ["DEST-KYIV", "DEST-LVIV"]
    assert "destinations" not in pledges["FRA-0001"]


def test_the_same_record_gives_the_same_snapshot_bytes(theatre: Theatre) -> None:
    assert dump_json(build_snapshot(START).document) == dump_json(build_snapshot(START).document)


def test_without_an_approved_list_version_the_snapshot_has_no_requirements(db) -> None:
    factories_records.list_version(status=VersionStatus.DRAFT, label="2026-11", number=1)
    snap = build_snapshot(START)
    assert snap.document["requirements"] == []
    assert snap.list_version is None
    assert any("No priority-list version" in note for note in snap.notes)
    load_scenario(dump_json(snap.document))
