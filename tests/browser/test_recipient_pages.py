"""In a real browser: the recipient's officer sees what is coming and confirms a receipt."""

from __future__ import annotations

from typing import Any

import pytest

from pledgeflow.pledges.models import Pledge
from tests.browser.conftest import sign_in
from tests.browser.records_data import PASSWORD, SECRET, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_recipient_sees_what_is_coming_and_confirms_a_receipt(page: Any) -> None:
    record = make_record(users=("officer-ukr",))
    sign_in(page, "officer-ukr", PASSWORD)
    page.goto("/recipient/")
    assert page.get_by_role("heading", name="1 \u2013 Critical").is_visible()
    page.get_by_role("link", name="What is coming and when").click()
    assert "DEU-0001" in page.content() and SECRET not in page.content()

    page.get_by_role("link", name="Receipts to confirm").click()
    page.get_by_role("link", name="Confirm receipt of USA-0001").click()
    page.get_by_label("Quantity received").fill("5880")
    page.get_by_label("Condition").select_option("needs_repair")
    page.get_by_label("Note").fill("120 shells damaged by water at the hub")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/recipient/receipts/")
    assert "Receipt of USA-0001 confirmed." in page.get_by_role("status").first.inner_text()
    assert "Nothing is waiting for confirmation." in page.content()
    handed = Pledge.objects.get(pk=record["handed"].pk)
    assert handed.status == "received" and handed.quantity_received == 5880
