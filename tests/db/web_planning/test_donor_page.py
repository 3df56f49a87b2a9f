"""The donor view: our pledges, the proposals addressed to us with accept / decline, our fair share."""

from __future__ import annotations

from typing import Any

import pytest

from pledgeflow.planning.models import PlanRun, Proposal
from pledgeflow.planning.services import publish_run, start_plan_run
from pledgeflow.pledges.choices import PledgeStatus
from tests.db import factories
from tests.db.web_planning.conftest import Theatre

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(theatre: Theatre, coordinator, immediate_tasks: None) -> PlanRun:
    """A succeeded, published run: proposals to Germany (DEU-0001) and France (FRA-0001)."""
    run = start_plan_run(coordinator)
    return publish_run(coordinator, run.pk)


def _proposal(reference: str) -> Proposal:
    return Proposal.objects.filter(pledge__reference=reference).order_by("pk").first()


def test_a_liaison_sees_its_nations_proposals_pledges_and_fair_share(
    published: PlanRun, liaison_deu, client_as: Any
) -> None:
    html = client_as(liaison_deu).get("/donor/").content.decode()
    assert 'data-testid="proposal" data-pledge="DEU-0001"' in html
    assert "FRA-0001" not in html
    assert 'data-testid="contribution"' in html and 'data-chart="contribution-chart-data"' in html
    assert "Fair share" in html


def test_a_liaison_accepts_a_proposal_and_the_pledge_is_committed(
    published: PlanRun, theatre: Theatre, liaison_deu, client_as: Any
) -> None:
    proposal = _proposal("DEU-0001")
    answer = client_as(liaison_deu).post(
        f"/donor/proposals/{proposal.pk}/accept/", {"version": proposal.version}, follow=True
    )
    assert answer.status_code == 200
    assert b"Accepted:" in answer.content
    proposal.refresh_from_db()
    theatre.german.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == liaison_deu
    assert theatre.german.status == PledgeStatus.COMMITTED


def test_a_liaison_declines_a_proposal_with_a_reason(published: PlanRun, liaison_deu, client_as: Any) -> None:
    proposal = _proposal("DEU-0001")
    client_as(liaison_deu).post(
        f"/donor/proposals/{proposal.pk}/decline/", {"reason": "Stocks needed at home"}
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == ("declined", "Stocks needed at home")


def test_a_liaison_cannot_decide_another_nations_proposal_nor_learn_that_it_exists(
    published: PlanRun, liaison_deu, client_as: Any
) -> None:
    french = _proposal("FRA-0001")
    client = client_as(liaison_deu)
    assert client.post(f"/donor/proposals/{french.pk}/accept/").status_code == 404
    assert client.post(f"/donor/proposals/{french.pk}/decline/").status_code == 404
    assert client.post("/donor/proposals/999999/accept/").status_code == 404
    french.refresh_from_db()
    assert french.status == "proposed"


@pytest.mark.parametrize("role", ["recipient_officer", "training_coordinator", "viewer"])
def test_roles_without_proposals_have_no_donor_view_and_cannot_decide(
    role: str, request: pytest.FixtureRequest, published: PlanRun, client_as: Any
) -> None:
    client = client_as(request.getfixturevalue(role))
    assert client.get("/donor/").status_code == 403
    assert client.post(f"/donor/proposals/{_proposal('DEU-0001').pk}/accept/").status_code == 403
    assert not Proposal.objects.filter(status="accepted").exists()


def test_a_decided_proposal_cannot_be_decided_again(published: PlanRun, liaison_deu, client_as: Any) -> None:
    proposal = _proposal("DEU-0001")
    client = client_as(liaison_deu)
    client.post(f"/donor/proposals/{proposal.pk}/decline/")
    again = client.post(f"/donor/proposals/{proposal.pk}/accept/", follow=True)
    assert b"already declined" in again.content
    proposal.refresh_from_db()
    assert proposal.status == "declined"


def test_a_coordinator_chooses_a_nation_and_may_decide_on_its_behalf(
    published: PlanRun, coordinator, client_as: Any
) -> None:
    client = client_as(coordinator)
    assert b"Choose a nation" in client.get("/donor/").content
    html = client.get("/donor/", {"nation": "FRA"}).content.decode()
    assert 'data-pledge="FRA-0001"' in html
    proposal = _proposal("FRA-0001")
    answer = client.post(f"/donor/proposals/{proposal.pk}/accept/")
    assert answer.status_code == 302 and answer["Location"].endswith("?nation=FRA#proposals")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


def test_a_partners_liaison_sees_its_contribution_without_a_fair_share(db, client_as: Any) -> None:
    html = client_as(factories.donor_liaison("AUS")).get("/donor/").content.decode()
    assert "have no fair share" in html


def test_a_coordinator_asking_for_an_unknown_or_recipient_nation_gets_404(
    db, coordinator, client_as: Any
) -> None:
    client = client_as(coordinator)
    assert client.get("/donor/", {"nation": "XYZ"}).status_code == 404
    assert client.get("/donor/", {"nation": "UKR"}).status_code == 404
