"""In a real browser: entering a requirement (a mistake, its message, the fix), filtering and exporting."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from pledgeflow.requirements.models import Requirement
from tests.browser.conftest import sign_in
from tests.browser.records_data import PASSWORD, SECRET, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_requirement_with_an_invalid_field_shows_the_message_beside_it_and_saves_once_corrected(
    page: Any,
) -> None:
    make_record(users=("officer-ukr",))
    sign_in(page, "officer-ukr", PASSWORD)
    page.goto("/requirements/")
    page.get_by_role("link", name="New requirement").click()
    page.get_by_label("Family").select_option("155mm-artillery-ammunition")
    page.get_by_label("Quantity").fill("0")
    page.get_by_label("Priority").select_option("1")
    page.get_by_label("Needed by").fill("2027-05-31")
    page.get_by_label("Destination").select_option("DEST-KYIV")
    page.get_by_label("Justification").fill("Counter-battery fire near Pokrovsk")
    page.get_by_role("button", name="Save").click()

    message = page.locator("#id_quantity_error")
    assert message.is_visible()
    assert "The quantity must be at least 1; got 0." in message.inner_text()
    # The message sits beside its field, which points at it, and everything typed is still there.
    quantity = page.get_by_label("Quantity")
    assert "id_quantity_error" in (quantity.get_attribute("aria-describedby") or "")
    assert quantity.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Justification").input_value() == "Counter-battery fire near Pokrovsk"
    assert page.get_by_label("Needed by").input_value() == "2027-05-31"
    assert page.get_by_role("alert").is_visible()

    quantity.fill("1200")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/requirements/*/")
    assert "saved as a draft" in page.get_by_role("status").first.inner_text()
    created = Requirement.objects.get(justification="Counter-battery fire near Pokrovsk")
    assert created.quantity == 1200 and created.status == "draft"
    assert created.reference in page.get_by_role("heading", level=1).inner_text()


def test_a_filtered_table_exports_exactly_what_it_shows(page: Any) -> None:
    make_record(users=("liaison-deu",))
    sign_in(page, "liaison-deu", PASSWORD)
    page.goto("/pledges/")
    # The filter refreshes the table in place (HTMX) and the address keeps the filter.
    page.get_by_role("link", name="Available").click()  # sort, in place
    page.wait_for_url("**/pledges/?*sort=available*")
    page.get_by_label("Donor").select_option("DEU")
    page.wait_for_url("**/pledges/?*donor=DEU*")
    assert "sort=available" in page.url  # the filter kept the order
    assert page.get_by_test_id("count").inner_text().startswith("2 ")
    with page.expect_download() as download_info:
        page.locator('[data-export="csv"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115 - read once, closed on exit
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["DEU-0002", "DEU-0001"]  # by availability, as shown
    assert SECRET not in text


def test_filters_sorting_and_pages_work_with_javascript_off(browser: Any, live_server: Any) -> None:
    make_record(users=("cell",))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, "cell", PASSWORD)
        page.goto("/pledges/")
        page.get_by_label("Donor").select_option("FRA")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/pledges/?*donor=FRA*")
        assert SECRET in page.content()
        page.get_by_role("link", name="Available").click()
        assert "sort=available" in page.url and "donor=FRA" in page.url
        # Filtering again keeps the order chosen.
        page.get_by_label("Donor").select_option("DEU")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/pledges/?*donor=DEU*")
        assert "sort=available" in page.url
    finally:
        context.close()


def test_a_link_in_a_table_row_opens_the_record_as_a_whole_page(page: Any) -> None:
    make_record(users=("liaison-deu",))
    sign_in(page, "liaison-deu", PASSWORD)
    page.goto("/pledges/")
    page.get_by_role("link", name="Available").click()  # a sort swaps the table in place first
    page.locator("#table-region tbody a").first.click()
    page.wait_for_url("**/pledges/*/")
    page.wait_for_load_state("networkidle")
    # One page, not the record's page nested inside the list's table.
    assert page.locator("header.site-header").count() == 1
    assert page.locator("h1").count() == 1
    assert page.locator("#table-region").count() == 0


def test_sorting_and_paging_by_keyboard_keep_the_focus_in_the_table(page: Any) -> None:
    make_record(users=("liaison-deu",))
    sign_in(page, "liaison-deu", PASSWORD)
    page.goto("/pledges/")
    header = page.locator('#table-region a[data-sort="available"]')
    header.focus()
    page.keyboard.press("Enter")  # sorts in place (HTMX): the link that held the focus is replaced
    page.wait_for_url("**/pledges/?*sort=available*")
    page.wait_for_function("document.activeElement && document.activeElement.dataset.sort === 'available'")
    assert page.evaluate("document.activeElement.closest('#table-region') !== null")
    # Again, descending: the focus follows the header once more, never dropping to <body>.
    page.keyboard.press("Enter")
    page.wait_for_url("**/pledges/?*sort=-available*")
    page.wait_for_function("document.activeElement && document.activeElement.dataset.sort === 'available'")
    assert page.evaluate("document.activeElement.tagName") != "BODY"


def test_the_item_choices_follow_the_family_chosen(page: Any) -> None:
    make_record(users=("officer-ukr",))
    sign_in(page, "officer-ukr", PASSWORD)
    page.goto("/requirements/new/")
    item = page.get_by_label("Specific item")
    page.get_by_label("Family").select_option("155mm-artillery-ammunition")
    offered = item.evaluate(
        "select => [...select.options].filter(o => o.value && !o.disabled).map(o => o.dataset.family)"
    )
    assert offered and set(offered) == {"155mm-artillery-ammunition"}
    hidden = item.evaluate("select => [...select.options].filter(o => o.value && o.disabled).length")
    total = item.evaluate("select => [...select.options].filter(o => o.value).length")
    assert hidden == total - len(offered)
    # The destinations are the recipient's reception points only.
    destinations = page.get_by_label("Destination").evaluate(
        "select => [...select.options].filter(o => o.value).map(o => o.value)"
    )
    assert destinations and all(code.startswith("DEST-") for code in destinations)
