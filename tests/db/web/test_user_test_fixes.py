"""What a user test of the pages found: English left in French pages, history in raw codes, every location
offered as a destination, items of every family, a coverage capped at 100 %, no favicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import pledgeflow.web
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.requirements import services as requirement_services
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

#: Column headers and labels once shown in English on French and Ukrainian pages.
ENGLISH_HEADERS = (
    "Critical units required",
    "Committed (all priorities)",
    "Critical shortfall",
    "Was due",
    "Days past its date",
    "Slips recorded",
    "Days past date",
    "Committed / required",
    "Not yet committed",
)


def _switch(client: Client, language: str) -> None:
    assert client.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302


def _headers(body: str) -> list[str]:
    """The text of every table header cell, tags removed."""
    cells = re.findall(r"<th\b[^>]*>(.*?)</th>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


@pytest.mark.parametrize("language", ["fr", "uk"])
def test_the_overview_and_the_pledge_list_show_no_english_column_headers(
    record, client_for, coordinator, language
):
    client = client_for(coordinator)
    _switch(client, language)
    for url in ("/", "/pledges/"):
        headers = _headers(client.get(url).content.decode())
        assert headers, url
        english = [h for h in headers if any(h.startswith(known) for known in ENGLISH_HEADERS)]
        assert english == [], f"{url} in {language} still shows {english}"
    # The check can fail: in English the same pages show these headers.
    _switch(client, "en")
    assert "Critical shortfall" in _headers(client.get("/").content.decode())


def test_the_history_shows_translated_actions_and_field_names_not_codes(record, client_for):
    officer = factories.recipient_officer("UKR")
    need = record["draft_need"]
    requirement_services.submit_requirement(officer, need, need.version)
    client = client_for(officer)
    _switch(client, "fr")
    body = client.get(f"/requirements/{need.pk}/").content.decode()
    history = body[body.index('class="data history"') :]
    assert "Soumis" in history and "Statut" in history
    assert "Brouillon" in history  # the status before, as its label
    assert ">submit<" not in history and "<code>status</code>" not in history


def test_the_requirement_form_offers_reception_points_as_destinations(record, client_for):
    factories.location("HUB-PL", kind="hub", country="POL")
    factories.location("DEPOT-DE", kind="depot", country="DEU")
    response = client_for(factories.recipient_officer("UKR")).get("/requirements/new/")
    offered = [code for code, _label in response.context["form"].fields["destination"].choices if code]
    assert offered == ["DEST-KYIV"]
    assert "reception point" in response.content.decode()


def test_a_requirement_held_at_another_location_keeps_it_among_the_choices(record, client_for):
    hub = factories.location("HUB-PL", kind="hub", country="POL")
    need = record["draft_need"]
    need.destination = hub
    need.save()
    response = client_for(factories.recipient_officer("UKR")).get(f"/requirements/{need.pk}/edit/")
    offered = [code for code, _label in response.context["form"].fields["destination"].choices if code]
    assert offered == ["DEST-KYIV", "HUB-PL"]


def test_items_are_grouped_by_family_and_name_their_family(record, client_for):
    factories.family("fpv-drone", name="FPV drone")
    factories.item("fpv-1", family_code="fpv-drone", name="FPV strike kit")
    body = client_for(factories.recipient_officer("UKR")).get("/requirements/new/").content.decode()
    select = body[body.index('name="item"') : body.index("</select>", body.index('name="item"'))]
    assert re.search(
        r'<optgroup label="FPV drone \(fpv-drone\)">\s*<option value="fpv-1" data-family="fpv-drone"', select
    )
    assert 'data-family="155mm-artillery-ammunition"' in select
    assert 'data-family-from="id_family"' in select


def test_an_item_of_another_family_is_refused_naming_the_families(record, client_for):
    factories.family("fpv-drone", name="FPV drone")
    factories.item("fpv-1", family_code="fpv-drone", name="FPV strike kit")
    client = client_for(factories.recipient_officer("UKR"))
    data = {
        "family": "155mm-artillery-ammunition",
        "item": "fpv-1",
        "quantity": "10",
        "priority": "1",
        "need_by": "2027-04-30",
        "destination": "DEST-KYIV",
    }
    response = client.post("/requirements/new/", data)
    assert response.status_code == 422
    [message] = response.context["form"].errors["item"]
    assert message == (
        "FPV strike kit (fpv-1) belongs to the family FPV drone (fpv-drone), not to 155mm artillery "
        "ammunition (155mm-artillery-ammunition): choose an item of 155mm artillery ammunition "
        "(155mm-artillery-ammunition) or leave the item empty."
    )


def test_the_overview_shows_the_true_coverage_above_100_percent(record, client_for, coordinator):
    records.pledge("POL", status=PledgeStatus.COMMITTED, quantity=143_223)
    response = client_for(coordinator).get("/")
    shells = next(r for r in response.context["rows"] if not r.is_area)
    assert shells.committed == 4000 + 777 + 143_223 and shells.required_total == 20000
    assert shells.coverage == 740 and shells.coverage_bar == 100
    assert '<span data-testid="coverage">740&nbsp;%</span>' in response.content.decode()


def test_every_page_names_a_favicon_that_exists(record, client_for, coordinator):
    body = client_for(coordinator).get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/web/favicon\.svg"', body)
    assert (Path(pledgeflow.web.__file__).parent / "static/web/favicon.svg").read_text().startswith("<svg")
