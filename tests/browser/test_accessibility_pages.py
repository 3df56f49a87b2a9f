"""In a real browser: the main record pages have no serious or critical accessibility violations (axe-core),
work from the keyboard, and are photographed for the documentation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import check_accessibility, save_screenshot, sign_in
from tests.browser.records_data import PASSWORD, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page: Any, url: str, shot: str | None) -> None:
    """Open ``url``, check it with axe-core, and save a screenshot named ``shot`` when given."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = check_accessibility(page)
    assert not violations, f"{url}: {violations}"
    if shot:
        save_screenshot(page, shot)


def test_main_pages_have_no_serious_accessibility_violations(page: Any) -> None:
    record = make_record(users=("cell", "officer-ukr"))
    page.set_viewport_size({"width": 1366, "height": 900})
    visit(page, "/accounts/sign-in/", None)
    sign_in(page, "cell", PASSWORD)
    visit(page, "/", "overview")
    visit(page, "/requirements/?list_version=all", "requirements")
    visit(page, f"/requirements/{record['shells'].pk}/", "requirement-detail")
    visit(page, "/pledges/", "pledges")
    visit(page, f"/pledges/{record['german'].pk}/", "pledge-detail")
    visit(page, "/pledges/new/", None)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "officer-ukr", PASSWORD)
    visit(page, "/recipient/", "recipient")
    visit(page, "/recipient/receipts/", None)
    visit(page, "/requirements/new/", None)
    page.get_by_label("Quantity").fill("-5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_family_error").is_visible() and page.get_by_role("alert").is_visible()
    violations = check_accessibility(page)  # the form with its messages
    assert not violations, violations
    save_screenshot(page, "requirement-form-errors")


def test_the_keyboard_reaches_the_content_and_shows_where_it_is(page: Any) -> None:
    make_record(users=("analyst",))
    sign_in(page, "analyst", PASSWORD)
    page.goto("/pledges/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0  # the skip link comes into view when focused
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_focused_filter_control_shows_the_focus_ring(page: Any) -> None:
    make_record(users=("analyst",))
    sign_in(page, "analyst", PASSWORD)
    page.goto("/pledges/")
    for label in ("Available from", "Available until", "Donor", "Search"):
        control = page.get_by_label(label, exact=True)
        control.focus()
        style = control.evaluate(
            "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
        )
        assert style.startswith("solid 3px"), f"{label}: {style}"
    # The favicon is served: no 404 on any page for it.
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon and page.request.get(icon).status == 200
