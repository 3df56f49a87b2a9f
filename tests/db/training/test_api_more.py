"""Training through the API beyond the common contract: filters, cycles, proposals, readiness, figures, and a
fixed number of queries per list page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledgeflow.planning.models import PlanRun
from pledgeflow.training.models import PackageReadiness, TrainingAssignment, TrainingProposal
from tests.db import factories, factories_records
from tests.db.api.conftest import ApiClient
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db


def proposal(picture: t.Picture, coordinator: Any, session: Any = None) -> TrainingProposal:
    """A published proposal seating Ukraine's crew in a session (default: the German basic one)."""
    session = session or picture.basic_session
    run = PlanRun.objects.filter(number=1).first() or PlanRun.objects.create(
        number=1, created_by=coordinator, status="succeeded", published=True
    )
    assignment = TrainingAssignment.objects.create(
        run=run, cohort=picture.crew, session=session, completion=dt.date(2027, 3, 3)
    )
    return TrainingProposal.objects.create(
        run=run,
        assignment=assignment,
        cohort=picture.crew,
        session=session,
        host_id=session.course.host_id,
        seats=picture.crew.size,
    )


def test_filters_narrow_the_visible_courses_and_sessions(picture: t.Picture, liaison_deu: Any) -> None:
    client = ApiClient(liaison_deu)

    by_skill = client.get("/training/courses", {"skill": "patriot-crew"})
    by_host = client.get("/training/sessions", {"host": "FRA"})
    by_start = client.get("/training/sessions", {"start_from": "2027-01-10", "ordering": "-start"})

    assert [c["code"] for c in by_skill.json["items"]] == ["DEU-PATRIOT"]
    assert by_host.json["count"] == 0  # France's only session is RED
    assert [s["code"] for s in by_start.json["items"]] == ["DEU-PATRIOT-01"]
    assert by_start.json["items"][0]["end"] == "2027-03-03"


def test_cohorts_and_packages_filter_by_status_and_retiming(picture: t.Picture, viewer: Any) -> None:
    client = ApiClient(viewer)
    t.cohort("UKR-CREW-2", picture.basic, size=4).__class__.objects.filter(code="UKR-CREW-2").update(
        status="trained"
    )

    planned = client.get("/training/cohorts", {"status": "planned"})
    flagged = client.get("/training/packages", {"needs_retiming": "true"})

    assert [c["code"] for c in planned.json["items"]] == ["UKR-CREW-1"]
    assert planned.json["items"][0]["held"] == [] and planned.json["items"][0]["package"] == "PATRIOT-BTY-1"
    assert flagged.json["count"] == 0


def test_an_ordering_the_list_does_not_offer_is_named(picture: t.Picture, viewer: Any) -> None:
    answer = ApiClient(viewer).get("/training/courses", {"ordering": "cost_per_seat_eur"})

    assert answer.status == 422
    assert answer.error_fields() == {"ordering"}


def test_a_prerequisite_cycle_through_the_api_is_named_on_the_field(
    picture: t.Picture, training_coordinator: Any
) -> None:
    answer = ApiClient(training_coordinator).patch(
        "/training/skills/ad-basic", {"prerequisites": ["patriot-crew"], "version": 1}
    )

    assert answer.status == 422
    assert answer.error_fields() == {"prerequisites"}
    assert "ad-basic -> patriot-crew -> ad-basic" in answer.json["errors"][0]["message"]


def test_the_host_accepts_a_proposal_through_the_api_and_it_cannot_be_decided_again(
    picture: t.Picture, coordinator: Any, liaison_deu: Any
) -> None:
    made = proposal(picture, coordinator)
    client = ApiClient(liaison_deu)

    listed = client.get("/training/proposals", {"status": "proposed"})
    accepted = client.post(f"/training/proposals/{made.pk}/accept", {"version": 1})
    again = client.post(f"/training/proposals/{made.pk}/decline", {"reason": "Changed our mind."})
    history = client.get(f"/training/proposals/{made.pk}/history")

    assert [p["id"] for p in listed.json["items"]] == [made.pk]
    assert (listed.json["items"][0]["host"], listed.json["items"][0]["seats"]) == ("DEU", 10)
    assert accepted.status == 200, accepted
    assert (accepted.json["status"], accepted.json["decided_by"], accepted.json["version"]) == (
        "accepted",
        "liaison-deu",
        2,
    )
    assert again.status == 409 and again.json["allowed_transitions"] == []
    assert [h["action"] for h in history.json["items"]] == ["transition"]


def test_a_stale_decision_gets_409_with_the_current_version(
    picture: t.Picture, coordinator: Any, liaison_deu: Any
) -> None:
    made = proposal(picture, coordinator)

    answer = ApiClient(liaison_deu).post(f"/training/proposals/{made.pk}/accept", {"version": 7})

    assert answer.status == 409 and answer.json["current_version"] == 1


def test_viewers_have_no_training_proposals(picture: t.Picture, viewer: Any) -> None:
    assert ApiClient(viewer).get("/training/proposals").status == 403


def test_a_package_answers_its_readiness_in_each_run(
    picture: t.Picture, coordinator: Any, viewer: Any
) -> None:
    first = PlanRun.objects.create(number=1, created_by=coordinator, status="succeeded")
    second = PlanRun.objects.create(number=2, created_by=coordinator, status="succeeded")
    PackageReadiness.objects.create(
        run=first,
        package=picture.package,
        readiness=dt.date(2027, 3, 3),
        days_late=0,
        bottleneck_kind="cohort",
        bottleneck="UKR-CREW-1",
    )
    PackageReadiness.objects.create(
        run=second, package=picture.package, bottleneck_kind="requirement", bottleneck="UKR-AD-0001"
    )

    answer = ApiClient(viewer).get("/training/packages/PATRIOT-BTY-1/readiness")

    assert [(r["run"], r["readiness"], r["bottleneck"]) for r in answer.json["items"]] == [
        (2, None, "UKR-AD-0001"),
        (1, "2027-03-03", "UKR-CREW-1"),
    ]


def test_an_ordinary_change_of_the_availability_date_marks_the_package_too(
    picture: t.Picture, coordinator: Any, liaison_deu: Any
) -> None:
    from pledgeflow.planning.models import PlanAllocation

    requirement = factories_records.requirement(reference="UKR-AD-0001", package_code="PATRIOT-BTY-1")
    pledge = factories_records.pledge("DEU", reference="DEU-0001")
    run = PlanRun.objects.create(number=1, created_by=coordinator, status="succeeded")
    PlanAllocation.objects.create(
        run=run, pledge=pledge, requirement=requirement, quantity=10, arrival=dt.date(2027, 1, 20)
    )

    answer = ApiClient(liaison_deu).patch(f"/pledges/{pledge.pk}", {"available": "2027-04-01", "version": 1})

    assert answer.status == 200, answer
    flagged = ApiClient(liaison_deu).get("/training/packages", {"needs_retiming": "true"})
    assert [p["code"] for p in flagged.json["items"]] == ["PATRIOT-BTY-1"]
    assert "slipped from 2027-01-15 to 2027-04-01" in flagged.json["items"][0]["retiming_reason"]


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/training/courses", lambda i, p: t.course(f"DEU-C{i}", p.basic, "DEU", releasable_to=())),
        ("/training/sessions", lambda i, p: t.session(f"DEU-S{i}", p.basic_course, dt.date(2027, 4, 1))),
        ("/training/cohorts", lambda i, p: t.cohort(f"UKR-K{i}", p.patriot, held=(p.basic,))),
        ("/training/skills", lambda i, p: t.skill(f"s{i}", p.basic)),
    ],
)
def test_a_list_page_costs_the_same_queries_for_few_or_many_rows(
    picture: t.Picture, liaison_fra: Any, path: str, make: Callable[[int, t.Picture], Any]
) -> None:
    client = ApiClient(liaison_fra)
    client.get(path)  # the token's first use is recorded once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, {"limit": 500}).status == 200
        return len(captured)

    few = queries()
    for i in range(12):
        make(i, picture)
    assert queries() == few


def test_the_contribution_endpoint_values_accepted_seats(
    picture: t.Picture, coordinator: Any, liaison_deu: Any
) -> None:
    made = proposal(picture, coordinator)
    ApiClient(liaison_deu).post(f"/training/proposals/{made.pk}/accept", {})

    answer = ApiClient(factories.viewer()).get(
        "/training/contribution", {"date_from": "2027-01-01", "date_to": "2027-01-31"}
    )

    assert answer.status == 200, answer
    assert answer.json["by_host"] == [
        {"host": "DEU", "seats_proposed": 0, "seats_accepted": 10, "value_eur": "10000.00"}
    ]
