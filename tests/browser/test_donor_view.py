"""In a real browser: a donor liaison accepts a proposal addressed to its nation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_planning_pages import (  # noqa: F401 - the static-root fixture
    PASSWORD,
    _live_server_static_root,
    make_theatre,
    make_users,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_signs_in_and_accepts_a_proposal(page: Any) -> None:
    make_theatre()
    users = make_users()
    # The coordinator's part (tested in the browser by test_planning_pages) through the services here.
    from pledgeflow.planning.services import execute_plan_run, publish_run, start_plan_run

    run = start_plan_run(users["coordinator"])
    execute_plan_run(run.pk)
    publish_run(users["coordinator"], run.pk)

    sign_in(page, "liaison-deu", PASSWORD)
    page.get_by_role("link", name="My nation").click()
    proposals = page.get_by_test_id("proposal")
    assert proposals.count() >= 1
    assert page.locator('[data-pledge="FRA-0001"]').count() == 0  # France's proposals are not ours
    page.get_by_test_id("contribution").wait_for()
    assert check_accessibility(page) == []
    proposals.first.get_by_role("button", name="Accept").click()
    page.get_by_text("Accepted:").wait_for()

    from pledgeflow.planning.models import Proposal

    accepted = Proposal.objects.get(status="accepted")
    assert accepted.pledge.reference == "DEU-0001" and accepted.decided_by.username == "liaison-deu"
    assert accepted.pledge.status == "committed"
