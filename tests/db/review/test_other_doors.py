"""Other doors: imports by coordinators only, AMBER courses reach their list only, orderings whitelisted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pledgeflow.core.errors import PermissionDenied
from pledgeflow.interchange import export_bytes, import_scenario
from pledgeflow.pledges.models import Pledge
from tests.db import factories
from tests.db.api.conftest import ApiClient
from tests.db.training.conftest import Picture, course

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"])
def test_only_a_coordinator_may_be_named_as_the_importer(
    request: pytest.FixtureRequest, green_deu: Pledge, role: str
) -> None:
    data = export_bytes(dt.date(2026, 12, 1))
    before = Pledge.objects.count()
    with pytest.raises(PermissionDenied):
        import_scenario(data, request.getfixturevalue(role))
    assert Pledge.objects.count() == before


def test_an_amber_course_reaches_the_nations_on_its_list_and_no_viewer(
    picture: Picture, liaison_deu: Any, coordinator: Any
) -> None:
    course("FRA-AMBER", picture.basic, "FRA", label="AMBER", releasable_to=("DEU",))
    # A session made without a label takes its course's, and so its releasable-to list.
    made = ApiClient(coordinator).post(
        "/training/sessions", {"code": "FRA-AMBER-01", "course": "FRA-AMBER", "start": "2027-02-01"}
    )
    assert made.status == 201, made
    assert ApiClient(liaison_deu).get("/training/courses/FRA-AMBER").status == 200
    assert ApiClient(liaison_deu).get("/training/sessions/FRA-AMBER-01").status == 200
    for user in (factories.viewer("DEU", username="analyst-deu"), factories.donor_liaison("POL")):
        client = ApiClient(user)
        assert client.get("/training/courses/FRA-AMBER").status == 404
        assert client.get("/training/sessions/FRA-AMBER-01").status == 404
        assert "FRA-AMBER" not in client.get("/training/courses").response.content.decode()


@pytest.mark.parametrize(
    "path, ordering",
    [
        ("/pledges", "donor__gdp_usd_bn"),
        ("/pledges", "releasable_to"),
        ("/pledges", "note"),
        ("/pledges", "-id;drop"),
        ("/requirements", "justification"),
        ("/plan-runs", "snapshot"),
        ("/proposals", "pledge__sharing_label"),
    ],
)
def test_an_ordering_outside_the_whitelist_is_refused_naming_the_parameter(
    coordinator: Any, path: str, ordering: str
) -> None:
    answer = ApiClient(coordinator).get(path, {"ordering": ordering})
    assert answer.status == 422, answer
    assert "ordering" in answer.error_fields()


def test_a_liaison_filtering_proposals_by_another_donor_gets_none_of_them(
    liaison_deu: Any, red_fra: Pledge
) -> None:
    answer = ApiClient(liaison_deu).get("/proposals", {"donor": "FRA"})
    assert answer.status == 200
    assert answer.json["count"] == 0
