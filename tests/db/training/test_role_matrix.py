"""Each role through the training API: the permitted calls succeed, every other write is refused.

One table, read across: an operation, then the status each role gets (docs/training.md "Who may do what").
Every cell runs on a fresh picture. Germany hosts the courses; Ukraine owns the cohorts and packages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from pledgeflow.planning.models import PlanRun
from pledgeflow.training.models import TrainingAssignment, TrainingProposal
from tests.db.api.conftest import Answer, ApiClient
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "training_coordinator", "liaison_deu", "liaison_fra", "recipient_officer", "viewer")


def create_skill(client: ApiClient, picture: t.Picture) -> Answer:
    return client.post("/training/skills", {"code": "radar", "name": "Radar"})


def offer_german_course(client: ApiClient, picture: t.Picture) -> Answer:
    body = {"code": "DEU-NEW", "name": "New", "skill": "ad-basic", "host": "DEU", "language": "uk",
            "duration_days": 5, "seats": 10, "sharing_label": "GREEN"}  # fmt: skip
    return client.post("/training/courses", body)


def change_german_course(client: ApiClient, picture: t.Picture) -> Answer:
    return client.patch("/training/courses/DEU-AD-BASIC", {"seats": 22, "version": 1})


def schedule_german_session(client: ApiClient, picture: t.Picture) -> Answer:
    return client.post(
        "/training/sessions", {"code": "DEU-AD-BASIC-09", "course": "DEU-AD-BASIC", "start": "2027-04-05"}
    )


def cancel_german_session(client: ApiClient, picture: t.Picture) -> Answer:
    return client.post("/training/sessions/DEU-AD-BASIC-01/cancel", {"version": 1})


def record_cohort(client: ApiClient, picture: t.Picture) -> Answer:
    body = {"code": "UKR-CREW-9", "skill": "ad-basic", "size": 6, "language": "uk", "ready_by": "2027-05-01"}
    return client.post("/training/cohorts", body)


def change_cohort(client: ApiClient, picture: t.Picture) -> Answer:
    return client.patch("/training/cohorts/UKR-CREW-1", {"size": 12, "version": 1})


def define_package(client: ApiClient, picture: t.Picture) -> Answer:
    return client.post(
        "/training/packages", {"code": "NASAMS-1", "name": "NASAMS 1", "need_by": "2027-09-01"}
    )


def accept_german_proposal(client: ApiClient, picture: t.Picture) -> Answer:
    from pledgeflow.accounts.models import User

    run = PlanRun.objects.create(
        number=1, created_by=User.objects.get(username="cell-coordinator"), status="succeeded", published=True
    )
    assignment = TrainingAssignment.objects.create(
        run=run, cohort=picture.crew, session=picture.basic_session, completion=dt.date(2027, 1, 14)
    )
    proposal = TrainingProposal.objects.create(
        run=run,
        assignment=assignment,
        cohort=picture.crew,
        session=picture.basic_session,
        host_id="DEU",
        seats=10,
    )
    return client.post(f"/training/proposals/{proposal.pk}/accept", {})


MATRIX: dict[Callable[[ApiClient, t.Picture], Answer], tuple[int, ...]] = {
    #                          coord  train  deu  fra  ukr  viewer
    create_skill:             (201,   201,   403, 403, 403, 403),
    offer_german_course:      (201,   201,   201, 403, 403, 403),
    change_german_course:     (200,   200,   200, 403, 403, 403),
    schedule_german_session:  (201,   201,   201, 403, 403, 403),
    cancel_german_session:    (200,   200,   200, 403, 403, 403),
    record_cohort:            (201,   201,   403, 403, 201, 403),
    change_cohort:            (200,   200,   403, 403, 200, 403),
    define_package:           (201,   201,   403, 403, 201, 403),
    accept_german_proposal:   (200,   200,   200, 404, 403, 403),
}  # fmt: skip


@pytest.mark.parametrize("operation", list(MATRIX), ids=lambda op: op.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_status_of_the_matrix(
    request: pytest.FixtureRequest, picture: t.Picture, operation: Any, role: str
) -> None:
    request.getfixturevalue("coordinator")
    expected = MATRIX[operation][ROLES.index(role)]

    answer = operation(ApiClient(request.getfixturevalue(role)), picture)

    assert answer.status == expected, answer
