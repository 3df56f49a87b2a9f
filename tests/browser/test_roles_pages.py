"""In a real browser: each demo role signs in and sees what it may see, and nothing more."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.records_data import PASSWORD, SECRET, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: user name -> (role shown in the header, sees France's RED pledge, may add requirements, has the
#: recipient view)
EXPECTED = {
    "cell": ("Coordinator", True, True, True),
    "liaison-deu": ("Donor liaison", False, False, False),
    "liaison-fra": ("Donor liaison", True, False, False),
    "officer-ukr": ("Recipient requirements officer", False, True, True),
    "training": ("Training coordinator", False, False, False),
    "analyst": ("Viewer / analyst", False, False, False),
}


def sign_out(page: Any) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")


def test_each_role_sees_what_it_may_see_and_nothing_more(page: Any) -> None:
    record = make_record()
    secret_id = record["secret"].pk
    for username, (role, sees_secret, adds_requirements, recipient_view) in EXPECTED.items():
        sign_in(page, username, PASSWORD)
        who = page.get_by_test_id("who")
        assert role in who.inner_text(), username
        nation = record["users"][username].nation_id
        if nation:
            assert nation in who.inner_text()

        page.goto("/pledges/?sharing_label=RED")
        assert (SECRET in page.content()) == sees_secret, username
        response = page.goto(f"/pledges/{secret_id}/")
        assert response is not None and response.status == (200 if sees_secret else 404), username

        page.goto("/requirements/")
        new_button = page.get_by_role("link", name="New requirement")
        assert (new_button.count() == 1) == adds_requirements, username
        nav = page.get_by_role("navigation", name="Main")
        assert (nav.get_by_role("link", name="Recipient").count() == 1) == recipient_view, username

        page.goto("/")
        assert SECRET not in page.content() or sees_secret, username
        sign_out(page)
