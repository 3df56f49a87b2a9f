"""Languages: the switch, and dates and numbers written the way each language writes them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.db import factories

pytestmark = pytest.mark.django_db

FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _switch(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/requirements/"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("language", "overview", "requirements"),
    [
        ("fr", "Vue d'ensemble", "Besoins"),
        ("uk", "Огляд", "Потреби"),
        ("en", "Overview", "Requirements"),
    ],
)
def test_the_language_switch_translates_the_pages(record, client_for, language, overview, requirements):
    client = client_for(factories.recipient_officer("UKR"))
    _switch(client, language)
    body = client.get("/requirements/").content.decode()
    assert f'<html lang="{language}">' in body
    assert overview in body and f"<h1>{requirements}</h1>" in body


def test_the_choice_is_kept_after_signing_out_and_in_again(record, client_for):
    user = factories.viewer()
    client = client_for(user)
    _switch(client, "uk")
    client.post("/accounts/sign-out/")
    client.force_login(user)
    assert "<h1>Огляд</h1>" in client.get("/").content.decode()


def test_numbers_and_dates_follow_the_language(record, client_for):
    client = client_for(factories.recipient_officer("UKR"))
    critical = record["critical"]
    _switch(client, "fr")
    french = client.get(f"/requirements/{critical.pk}/").content.decode()
    assert "20\u202f000" in french or "20\xa0000" in french
    assert FRENCH_MONTHS[critical.need_by.month - 1] in french
    _switch(client, "en")
    assert "20,000" in client.get(f"/requirements/{critical.pk}/").content.decode()


def test_status_labels_are_translated_in_tables(record, client_for, coordinator):
    client = client_for(coordinator)
    _switch(client, "uk")
    body = client.get("/pledges/", {"donor": "DEU"}).content.decode()
    assert "Зобов&#x27;язано" in body


def test_the_choice_follows_the_user_to_another_browser(record, client_for):
    user = factories.viewer()
    _switch(client_for(user), "fr")
    user.refresh_from_db()
    assert user.language == "fr"
    elsewhere = Client()  # no language cookie, an English-speaking browser
    elsewhere.force_login(user)
    body = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in body and "Vue d'ensemble" in body


def test_signed_out_visitors_still_switch_by_cookie(record):
    client = Client()
    _switch(client, "uk")
    assert '<html lang="uk">' in client.get("/accounts/sign-in/").content.decode()
