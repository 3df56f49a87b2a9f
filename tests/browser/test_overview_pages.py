"""In a real browser: the overview gives a viewer the totals and only the pledges it may see."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.records_data import PASSWORD, SECRET, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_shows_totals_shortfalls_and_late_pledges_a_viewer_may_see(page: Any) -> None:
    make_record(users=("analyst",))
    sign_in(page, "analyst", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Overview"
    assert page.get_by_test_id("required-units").inner_text() == "23,014"
    shortfalls = page.get_by_role("table", name="Largest shortfalls of critical needs")
    assert "155mm artillery ammunition" in shortfalls.inner_text()
    late = page.get_by_role("table", name="Pledges past their date")
    assert "DEU-0002" in late.inner_text()
    assert SECRET not in page.content()
