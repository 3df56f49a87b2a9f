"""Training: a host's RED course and sessions stay unseen by other nations, in lists, proposals, figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pledgeflow.planning.models import PlanRun
from pledgeflow.training.models import TrainingAssignment, TrainingProposal, TrainingSession
from tests.db.api.conftest import ApiClient
from tests.db.review.conftest import same_refusal
from tests.db.training.conftest import Picture, course, session

pytestmark = pytest.mark.django_db

OUTSIDERS = ["liaison_deu", "recipient_officer", "viewer"]


def _proposal(
    picture: Picture, coordinator: Any, status: str = "proposed", session: TrainingSession | None = None
) -> TrainingProposal:
    """A published proposal seating Ukraine's crew in France's RED session (or the one given)."""
    where = session or picture.red_session
    run = PlanRun.objects.filter(number=1).first() or PlanRun.objects.create(
        number=1, created_by=coordinator, status="succeeded", published=True
    )
    assignment = TrainingAssignment.objects.create(
        run=run, cohort=picture.crew, session=where, completion=where.start + dt.timedelta(days=30)
    )
    return TrainingProposal.objects.create(
        run=run,
        assignment=assignment,
        cohort=picture.crew,
        session=where,
        host_id=where.course.host_id,
        seats=8,
        status=status,
    )


@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_red_course_and_its_sessions_answer_like_missing_ones(
    request: pytest.FixtureRequest, picture: Picture, role: str
) -> None:
    client = ApiClient(request.getfixturevalue(role))
    for kind, code in (("courses", "FRA-RED-COURSE"), ("sessions", "FRA-RED-01")):
        for suffix in ("", "/history"):
            hidden = client.get(f"/training/{kind}/{code}{suffix}")
            missing = client.get(f"/training/{kind}/NO-SUCH-{kind.upper()}{suffix}")
            assert hidden.status == 404, (kind, suffix, hidden)
            same_refusal(hidden, missing, code, f"NO-SUCH-{kind.upper()}")
    for path, params in (
        ("/training/courses", {}),
        ("/training/courses", {"host": "FRA"}),
        ("/training/sessions", {}),
        ("/training/sessions", {"course": "FRA-RED-COURSE"}),
        ("/training/sessions", {"host": "FRA"}),
    ):
        answer = client.get(path, params)
        assert answer.status in (200, 422), (path, answer)
        assert "FRA-RED" not in answer.response.content.decode(), (path, params)


def test_a_green_session_of_a_red_course_stays_hidden(picture: Picture, liaison_deu: Any) -> None:
    session("FRA-RED-02", picture.red_course, dt.date(2027, 3, 1), label="GREEN")
    client = ApiClient(liaison_deu)
    assert client.get("/training/sessions/FRA-RED-02").status == 404
    assert "FRA-RED-02" not in client.get("/training/sessions").response.content.decode()


def test_the_recipients_training_proposals_do_not_reveal_a_session_hidden_from_it(
    picture: Picture, coordinator: Any, recipient_officer: Any
) -> None:
    proposal = _proposal(picture, coordinator)
    german = _proposal(picture, coordinator, session=picture.basic_session)
    client = ApiClient(recipient_officer)
    assert client.get("/training/sessions/FRA-RED-01").status == 404  # the session is hidden from Ukraine
    assert client.get(f"/training/proposals/{german.pk}").status == 200  # a session it may see
    assert client.get("/training/proposals").json["count"] == 1
    for path in ("/training/proposals", f"/training/proposals/{proposal.pk}"):
        answer = client.get(path)
        assert "FRA-RED" not in answer.response.content.decode(), (path, answer)


def test_a_host_liaison_cannot_read_or_decide_another_hosts_training_proposal(
    picture: Picture, coordinator: Any, liaison_deu: Any
) -> None:
    proposal = _proposal(picture, coordinator)
    client = ApiClient(liaison_deu)
    absent = proposal.pk + 1000
    for suffix, body in (("", None), ("/history", None), ("/accept", {}), ("/decline", {})):
        method = client.get if body is None else client.post
        args = () if body is None else (body,)
        hidden = method(f"/training/proposals/{proposal.pk}{suffix}", *args)
        missing = method(f"/training/proposals/{absent}{suffix}", *args)
        assert hidden.status == 404, (suffix, hidden)
        same_refusal(hidden, missing, proposal.pk, absent)
    assert client.get("/training/proposals").json["count"] == 0
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_seats_in_a_red_course_count_in_all_hosts_but_never_in_the_hosts_row(
    picture: Picture, coordinator: Any, liaison_deu: Any, viewer: Any
) -> None:
    _proposal(picture, coordinator, status="accepted")
    picture.red_course.cost_per_seat_eur = Decimal("5000")
    picture.red_course.save()
    period = {"date_from": "2027-01-01", "date_to": "2027-12-31"}
    for user in (liaison_deu, viewer):
        client = ApiClient(user)
        answer = client.get("/training/contribution", period)
        assert answer.status == 200, answer
        assert all(row["host"] != "FRA" for row in answer.json["by_host"]), answer
        narrowed = client.get("/training/contribution", {**period, "host": "FRA"}).json
        assert narrowed["all_hosts"]["seats_accepted"] == 0, narrowed
        report = client.get(
            "/reports/burden-sharing", {"period_from": "2027-01-01", "period_to": "2027-12-31"}
        )
        assert report.status == 200, report
        rows = {row["code"]: row for row in report.json["allies"]}
        assert Decimal(str(rows["FRA"]["training_eur"])) == 0, rows["FRA"]
        assert Decimal(str(rows["FRA"]["committed_eur"])) == 0, rows["FRA"]
    france = ApiClient(coordinator).get("/training/contribution", period).json
    assert {row["host"] for row in france["by_host"]} == {"FRA"}


@pytest.mark.parametrize("role", ["recipient_officer", "viewer"])
def test_roles_without_training_rights_change_no_course_or_session(
    request: pytest.FixtureRequest, picture: Picture, role: str
) -> None:
    client = ApiClient(request.getfixturevalue(role))
    made = client.post(
        "/training/sessions", {"code": "DEU-AD-BASIC-09", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )
    assert made.status == 403, made
    changed = client.patch("/training/courses/DEU-AD-BASIC", {"seats": 99, "version": 1})
    assert changed.status == 403, changed
    hidden = client.patch("/training/courses/FRA-RED-COURSE", {"seats": 99, "version": 1})
    assert hidden.status == 404, hidden
    assert not TrainingSession.objects.filter(code="DEU-AD-BASIC-09").exists()


def test_another_hosts_liaison_cannot_change_its_courses(picture: Picture, liaison_fra: Any) -> None:
    client = ApiClient(liaison_fra)
    assert client.patch("/training/courses/DEU-AD-BASIC", {"seats": 99, "version": 1}).status == 403
    made = client.post(
        "/training/sessions", {"code": "DEU-AD-BASIC-09", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )
    assert made.status == 403, made


def test_a_donor_liaison_changes_its_own_nations_courses_and_sessions_and_never_another_hosts(
    picture: Picture, liaison_deu: Any
) -> None:
    """docs/roles.md: a host nation's liaison offers its own nation's courses and sessions only."""
    french = course("FRA-GREEN-COURSE", picture.basic, "FRA", label="GREEN")
    client = ApiClient(liaison_deu)
    made = client.post(
        "/training/sessions", {"code": "DEU-AD-BASIC-09", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )
    assert made.status == 201, made
    changed = client.patch("/training/courses/DEU-AD-BASIC", {"seats": 99, "version": 1})
    assert changed.status == 200 and changed.json["seats"] == 99, changed
    offered = {
        "name": "Air defence refresher",
        "skill": "ad-basic",
        "language": "uk",
        "duration_days": 5,
        "seats": 5,
        "sharing_label": "GREEN",
    }
    assert (
        client.post("/training/courses", {**offered, "code": "DEU-AD-REFRESH", "host": "DEU"}).status == 201
    )
    foreign = client.post("/training/courses", {**offered, "code": "FRA-AD-REFRESH", "host": "FRA"})
    assert foreign.status == 403, foreign
    assert client.patch(f"/training/courses/{french.code}", {"seats": 99, "version": 1}).status == 403
    french_session = client.post(
        "/training/sessions", {"code": "FRA-GREEN-01", "course": french.code, "start": "2027-04-05"}
    )
    assert french_session.status == 403, french_session
    hidden = client.patch("/training/courses/FRA-RED-COURSE", {"seats": 99, "version": 1})
    missing = client.patch("/training/courses/FRA-NO-COURSE", {"seats": 99, "version": 1})
    assert hidden.status == 404, hidden
    same_refusal(hidden, missing, "FRA-RED-COURSE", "FRA-NO-COURSE")
    french.refresh_from_db()
    picture.red_course.refresh_from_db()
    assert (french.seats, french.version, picture.red_course.seats, picture.red_course.version) == (
        20,
        1,
        8,
        1,
    )
    assert not TrainingSession.objects.filter(code="FRA-GREEN-01").exists()


def test_a_recipient_officer_manages_the_recipients_cohorts_and_a_donor_liaison_none(
    picture: Picture, recipient_officer: Any, liaison_deu: Any
) -> None:
    """docs/roles.md: the recipient's officers manage its cohorts; donor liaisons only read them."""
    officer = ApiClient(recipient_officer)
    changed = officer.patch("/training/cohorts/UKR-CREW-1", {"size": 11, "version": 1})
    assert changed.status == 200 and changed.json["size"] == 11, changed
    crew = {"skill": "ad-basic", "size": 6, "language": "uk", "ready_by": "2027-05-01"}
    assert officer.post("/training/cohorts", {**crew, "code": "UKR-CREW-9"}).status == 201
    liaison = ApiClient(liaison_deu)
    assert liaison.get("/training/cohorts/UKR-CREW-1").status == 200
    refused = liaison.patch("/training/cohorts/UKR-CREW-1", {"size": 3, "version": 2})
    assert refused.status == 403, refused
    assert liaison.post("/training/cohorts", {**crew, "code": "UKR-CREW-10"}).status == 403
    picture.crew.refresh_from_db()
    assert (picture.crew.size, picture.crew.version) == (11, 2)


def test_choosing_a_code_does_not_reveal_another_hosts_hidden_course_or_session(
    picture: Picture, liaison_deu: Any
) -> None:
    client = ApiClient(liaison_deu)
    course = {
        "name": "probe",
        "skill": "ad-basic",
        "host": "DEU",
        "language": "uk",
        "duration_days": 5,
        "seats": 5,
        "sharing_label": "GREEN",
    }
    taken = client.post("/training/courses", {**course, "code": "FRA-RED-COURSE"})
    free = client.post("/training/courses", {**course, "code": "FRA-FREE-COURSE"})
    assert taken.status == free.status, (taken, free)
    session_taken = client.post(
        "/training/sessions", {"code": "FRA-RED-01", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )
    session_free = client.post(
        "/training/sessions", {"code": "FRA-FREE-01", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )
    assert session_taken.status == session_free.status, (session_taken, session_free)


def test_a_hosts_liaison_cannot_hand_its_course_to_another_host(picture: Picture, liaison_deu: Any) -> None:
    client = ApiClient(liaison_deu)
    moved = client.patch("/training/courses/DEU-AD-BASIC", {"host": "FRA", "version": 1})
    assert moved.status == 403, moved
    picture.basic_course.refresh_from_db()
    assert (picture.basic_course.host_id, picture.basic_course.version) == ("DEU", 1)


def test_naming_a_hidden_course_for_a_new_session_answers_like_a_missing_course(
    picture: Picture, liaison_deu: Any
) -> None:
    client = ApiClient(liaison_deu)
    hidden = client.post(
        "/training/sessions", {"code": "X-01", "course": "FRA-RED-COURSE", "start": "2027-04-05"}
    )
    missing = client.post(
        "/training/sessions", {"code": "X-01", "course": "NO-SUCH-COURSE", "start": "2027-04-05"}
    )
    assert hidden.status == missing.status, (hidden, missing)
    same_refusal(hidden, missing, "FRA-RED-COURSE", "NO-SUCH-COURSE")
    assert not TrainingSession.objects.filter(code="X-01").exists()


def test_the_recipient_reads_its_cohorts_proposal_but_only_the_host_decides_it(
    picture: Picture, coordinator: Any, recipient_officer: Any, liaison_fra: Any
) -> None:
    german = _proposal(picture, coordinator, session=picture.basic_session)
    client = ApiClient(recipient_officer)
    assert client.get(f"/training/proposals/{german.pk}").status == 200
    for action in ("accept", "decline"):
        answer = client.post(f"/training/proposals/{german.pk}/{action}", {})
        assert answer.status == 403, (action, answer)
    other_host = ApiClient(liaison_fra).post(f"/training/proposals/{german.pk}/accept", {})
    assert other_host.status == 404, other_host
    german.refresh_from_db()
    assert german.status == "proposed"
