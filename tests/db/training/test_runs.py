"""Training in plan runs: the snapshot's training, storing a run's assignments and readiness, publishing them
to the host nations, their decisions, and a slipped pledge re-timing its package in the next run.

The theatre: package ``PATRIOT-BTY-1`` (needed by 1 June 2027) is one Patriot launcher (requirement
``UKR-AD-0001``, pledge ``DEU-0001`` available 15 January, five days from Kyiv) and crew ``UKR-CREW-1`` (ten
people). Crew ``UKR-CREW-2`` (ten, ready by 5 March, no package) competes for the Patriot course's twelve
seats:
session ``A`` runs 1 February - 3 March, ``B`` 3 May - 2 June. Both crews first take the basic course in
January. With the launcher arriving on 20 January, crew 1 takes session A (42 days late against its launcher,
crew 2 then 89 days late in B: 131 crew-days beat 133 the other way round). When the launcher slips to 20 May,
crew 1 need not be ready before 25 May: the optimum swaps the crews, and the package is ready on 2 June.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pledgeflow.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from pledgeflow.core.models import ChangeRecord
from pledgeflow.planning import services as planning
from pledgeflow.planning.choices import PlanRunStatus
from pledgeflow.planning.models import PlanRun
from pledgeflow.pledges import services as pledge_services
from pledgeflow.requirements.choices import Priority
from pledgeflow.training import runs, selectors, services
from pledgeflow.training.models import (
    CapabilityPackage,
    Cohort,
    PackageReadiness,
    TrainingAssignment,
    TrainingProposal,
)
from tests.db import factories, factories_records
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db

START = dt.date(2026, 12, 1)


@pytest.fixture
def theatre(db: None) -> dict[str, Any]:
    """The records of the module's theatre."""
    factories.family("patriot-launcher", area="air-defence")
    factories.item(
        "patriot-m903", family_code="patriot-launcher", supply_class="II", unit_value_eur="1000000"
    )
    depot = factories.location("DEPOT-DEU", kind="depot", country="DEU")
    kyiv = factories_records.kyiv()
    factories.route("DEPOT-DEU", "DEST-KYIV", days=5)
    version = factories_records.list_version(label="2026-11", number=1)
    factories_records.requirement(
        version,
        reference="UKR-AD-0001",
        family_code="patriot-launcher",
        quantity=1,
        priority=Priority.CRITICAL,
        need_by=dt.date(2027, 6, 1),
        destination=kyiv,
        package_code="PATRIOT-BTY-1",
    )
    pledge = factories_records.pledge(
        "DEU",
        reference="DEU-0001",
        item_code="patriot-m903",
        quantity=1,
        available=dt.date(2027, 1, 15),
        origin=depot,
    )
    basic = t.skill("ad-basic")
    patriot = t.skill("patriot-crew", basic)
    basic_course = t.course("DEU-AD-BASIC", basic, "DEU", duration_days=10, seats=20)
    patriot_course = t.course("DEU-PATRIOT", patriot, "DEU", duration_days=30, seats=12, cost="20000")
    t.session("BASIC-1", basic_course, dt.date(2027, 1, 4))
    a = t.session("A", patriot_course, dt.date(2027, 2, 1))
    b = t.session("B", patriot_course, dt.date(2027, 5, 3))
    kit = t.package("PATRIOT-BTY-1", need_by=dt.date(2027, 6, 1))
    crew1 = t.cohort("UKR-CREW-1", patriot, ready_by=dt.date(2027, 1, 1), in_package=kit)
    crew2 = t.cohort("UKR-CREW-2", patriot, ready_by=dt.date(2027, 3, 5))
    return {"pledge": pledge, "package": kit, "crew1": crew1, "crew2": crew2, "a": a, "b": b}


def run_plan(coordinator: Any, number: int) -> PlanRun:
    run = PlanRun.objects.create(number=number, created_by=coordinator)
    return planning.execute_plan_run(run.pk, start=START)


def sessions_of(run: PlanRun, cohort: Cohort) -> list[str]:
    return list(
        TrainingAssignment.objects.filter(run=run, cohort=cohort)
        .order_by("sequence")
        .values_list("session__code", flat=True)
    )


def test_a_run_plans_training_and_stores_assignments_and_readiness(
    theatre: dict[str, Any], coordinator: Any
) -> None:
    run = run_plan(coordinator, 1)

    assert run.status == PlanRunStatus.SUCCEEDED, run.error
    assert run.snapshot["requirements"][0]["package"] == "PATRIOT-BTY-1"
    assert run.plan["training"]["status"] == "optimal"
    assert sessions_of(run, theatre["crew1"]) == ["BASIC-1", "A"]
    assert sessions_of(run, theatre["crew2"]) == ["BASIC-1", "B"]
    readiness = PackageReadiness.objects.get(run=run, package=theatre["package"])
    assert (readiness.readiness, readiness.days_late) == (dt.date(2027, 3, 3), 0)
    assert (readiness.bottleneck_kind, readiness.bottleneck) == ("cohort", "UKR-CREW-1")


def test_a_slipped_pledge_marks_its_package_and_the_next_run_retimes_the_crews_and_clears_the_flag(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any
) -> None:
    first = run_plan(coordinator, 1)
    pledge = theatre["pledge"]

    pledge_services.slip_pledge(liaison_deu, pledge, dt.date(2027, 5, 20), pledge.version, note="Refit.")

    package = CapabilityPackage.objects.get(pk=theatre["package"].pk)
    assert package.needs_retiming
    assert "DEU-0001 slipped from 2027-01-15 to 2027-05-20" in package.retiming_reason
    flagged = ChangeRecord.objects.get(entity="training.capabilitypackage", action="needs_retiming")
    assert flagged.actor == liaison_deu

    second = run_plan(coordinator, 2)

    assert second.status == PlanRunStatus.SUCCEEDED, second.error
    assert sessions_of(first, theatre["crew1"]) == ["BASIC-1", "A"]
    assert sessions_of(second, theatre["crew1"]) == ["BASIC-1", "B"]
    assert sessions_of(second, theatre["crew2"]) == ["BASIC-1", "A"]
    readiness = PackageReadiness.objects.get(run=second, package=package)
    assert (readiness.readiness, readiness.days_late, readiness.bottleneck) == (
        dt.date(2027, 6, 2),
        1,
        "UKR-CREW-1",
    )
    package.refresh_from_db()
    assert not package.needs_retiming
    assert ChangeRecord.objects.filter(entity="training.capabilitypackage", action="retimed").exists()


def test_a_slip_of_a_pledge_allocated_to_no_package_marks_nothing(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any
) -> None:
    other = factories_records.pledge("DEU", reference="DEU-0002", item_code="patriot-m903", quantity=1)

    pledge_services.slip_pledge(liaison_deu, other, dt.date(2027, 5, 20), other.version)

    assert not CapabilityPackage.objects.filter(needs_retiming=True).exists()


def test_publishing_proposes_each_session_to_its_host_and_the_host_decides(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any, liaison_fra: Any
) -> None:
    run = run_plan(coordinator, 1)
    planning.publish_run(coordinator, run.pk)

    assert TrainingProposal.objects.filter(run=run, status="proposed").count() == 4
    proposal = TrainingProposal.objects.get(run=run, cohort=theatre["crew1"], session=theatre["a"])
    assert (proposal.host_id, proposal.seats, proposal.status) == ("DEU", 10, "proposed")
    with pytest.raises(NotFound):
        services.accept_training_proposal(liaison_fra, proposal.pk)

    accepted = services.accept_training_proposal(liaison_deu, proposal.pk, proposal.version)

    assert (accepted.status, accepted.decided_by, accepted.version) == ("accepted", liaison_deu, 2)
    other = TrainingProposal.objects.get(run=run, cohort=theatre["crew2"], session=theatre["b"])
    declined = services.decline_training_proposal(liaison_deu, other.pk, "Instructors away.")
    assert (declined.status, declined.reason) == ("declined", "Instructors away.")
    with pytest.raises(PermissionDenied):
        selectors.list_training_proposals(factories.viewer())


def test_accepted_seats_leave_the_next_snapshot_and_a_fully_booked_cohort_is_left_out(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any
) -> None:
    run = run_plan(coordinator, 1)
    planning.publish_run(coordinator, run.pk)
    for proposal in TrainingProposal.objects.filter(run=run, cohort=theatre["crew1"]):
        services.accept_training_proposal(liaison_deu, proposal.pk)

    doc: dict[str, Any] = {"start": START.isoformat(), "requirements": []}
    section = runs.add_training(doc, START)

    assert [c["id"] for c in doc["cohorts"]] == ["UKR-CREW-2"]
    assert any("UKR-CREW-1 is left out" in note for note in section.notes)
    by_id = {s["id"]: s for s in doc["sessions"]}
    assert by_id["A"]["course"] == "DEU-PATRIOT@A"
    assert {c["id"]: c["seats"] for c in doc["courses"]}["DEU-PATRIOT@A"] == 2
    assert by_id["B"]["course"] == "DEU-PATRIOT"


def test_a_second_publication_supersedes_the_open_training_proposals(
    theatre: dict[str, Any], coordinator: Any
) -> None:
    first = run_plan(coordinator, 1)
    planning.publish_run(coordinator, first.pk)
    second = run_plan(coordinator, 2)

    planning.publish_run(coordinator, second.pk)

    assert TrainingProposal.objects.filter(run=second, status="proposed").count() == 4
    assert set(TrainingProposal.objects.filter(run=first).values_list("status", flat=True)) == {"superseded"}
    with pytest.raises(InvalidTransition, match="published"):
        runs.publish_training_assignments(coordinator, second)


def test_a_host_cannot_accept_more_seats_than_the_course_has(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any
) -> None:
    run = run_plan(coordinator, 1)
    planning.publish_run(coordinator, run.pk)
    first = TrainingProposal.objects.get(run=run, cohort=theatre["crew1"], session=theatre["a"])
    services.accept_training_proposal(liaison_deu, first.pk)
    # A crew proposed into session A beside crew 1: its 5 people do not fit the 2 seats left.
    crowd = t.cohort("UKR-CREW-3", t.skill("patriot-crew"), size=5)
    assignment = TrainingAssignment.objects.create(
        run=run, cohort=crowd, session=theatre["a"], sequence=1, completion=dt.date(2027, 3, 3)
    )
    late = TrainingProposal.objects.create(
        run=run, assignment=assignment, cohort=crowd, session=theatre["a"], host_id="DEU", seats=5
    )

    with pytest.raises(ValidationError) as caught:
        services.accept_training_proposal(liaison_deu, late.pk)
    assert "2 of its 12 seats free" in caught.value.message_dict["seats"][0]


def test_trained_cohorts_past_and_cancelled_sessions_and_retired_courses_are_not_planned(
    theatre: dict[str, Any],
) -> None:
    Cohort.objects.filter(pk=theatre["crew2"].pk).update(status="trained")
    t.session("PAST", theatre["a"].course, dt.date(2026, 11, 2))
    theatre["b"].status = "cancelled"
    theatre["b"].save()
    retired = t.course("DEU-OLD", t.skill("ad-basic"), "DEU")
    retired.active = False
    retired.save()
    t.session("OLD-1", retired, dt.date(2027, 2, 1))

    doc: dict[str, Any] = {"start": START.isoformat(), "requirements": [{"id": "UKR-AD-0001"}]}
    runs.add_training(doc, START)

    assert [c["id"] for c in doc["cohorts"]] == ["UKR-CREW-1"]
    assert [s["id"] for s in doc["sessions"]] == ["A", "BASIC-1"]
    assert "DEU-OLD" not in [c["id"] for c in doc["courses"]]
    assert doc["requirements"] == [{"id": "UKR-AD-0001", "package": "PATRIOT-BTY-1"}]


def test_a_record_without_training_adds_nothing_to_the_snapshot(db: None) -> None:
    doc: dict[str, Any] = {"start": START.isoformat(), "requirements": [], "skills": []}

    assert runs.add_training(doc, START).empty
    assert "skills" not in doc


def test_the_contribution_counts_accepted_seats_at_the_cost_per_seat_per_host(
    theatre: dict[str, Any], coordinator: Any, liaison_deu: Any, liaison_fra: Any
) -> None:
    run = run_plan(coordinator, 1)
    planning.publish_run(coordinator, run.pk)
    accepted = TrainingProposal.objects.get(run=run, cohort=theatre["crew1"], session=theatre["a"])
    services.accept_training_proposal(liaison_deu, accepted.pk)

    figures = selectors.training_contribution(
        coordinator, date_from=dt.date(2027, 1, 1), date_to=dt.date(2027, 3, 31)
    )

    (deu,) = figures.by_host
    assert (deu.host, deu.seats_accepted, deu.seats_proposed, str(deu.value_eur)) == (
        "DEU",
        10,
        20,
        "200000.00",
    )
    assert figures.all_hosts.seats_accepted == 10
    # A nation that may not see an AMBER course without being on its list gets no row for it, but the
    # all-hosts figure still counts it.
    theatre["a"].course.__class__.objects.filter(code="DEU-PATRIOT").update(sharing_label="AMBER")
    hidden = selectors.training_contribution(liaison_fra, date_from=dt.date(2027, 1, 1))
    assert hidden.all_hosts.seats_accepted == 10
    assert all(row.seats_accepted == 0 for row in hidden.by_host)
