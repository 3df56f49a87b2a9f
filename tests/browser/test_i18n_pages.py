"""In a real browser: switching the language translates the page and formats numbers the language's way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.records_data import PASSWORD, make_record
from tests.browser.records_data import _fast_password_hashing as _fast_password_hashing
from tests.browser.records_data import _live_server_static_root as _live_server_static_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The label of the language control, in the language whose switch button reads like the key.
LANGUAGE_LABELS = {"Switch": "Language", "Changer": "Langue"}


def switch(page: Any, language: str, button: str) -> None:
    """Choose a language (by its code) in the header and press its button."""
    page.get_by_label(LANGUAGE_LABELS[button]).select_option(language)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")


def test_switching_language_translates_the_pages_and_is_kept(page: Any) -> None:
    record = make_record(users=("officer-ukr",))
    sign_in(page, "officer-ukr", PASSWORD)
    page.goto(f"/requirements/{record['shells'].pk}/")
    assert "20,000" in page.locator("dl.facts").inner_text()

    switch(page, "fr", "Switch")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("navigation", name="Principal").get_by_role("link", name="Besoins").count() == 1
    facts = page.locator("dl.facts").inner_text()
    assert "20\u202f000" in facts or "20\xa0000" in facts or "20 000" in facts

    page.goto("/pledges/")
    assert page.get_by_role("heading", level=1).inner_text() == "Promesses"

    switch(page, "uk", "Changer")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", level=1).inner_text() == "Внески"
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Огляд"
