"""Each role sees on the pages what it may see and nothing more: lists, filters, counts, details, exports."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest

from tests.db import factories

pytestmark = pytest.mark.django_db

SECRET = "FRA-SECRET-1"


def _text(response: Any) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture(params=["donor_deu", "recipient", "viewer", "training"])
def outsider(request: pytest.FixtureRequest, db: None) -> Any:
    """A user of every role but coordinator, not acting for France: none may see France's RED pledge."""
    return {
        "donor_deu": lambda: factories.donor_liaison("DEU"),
        "recipient": lambda: factories.recipient_officer("UKR"),
        "viewer": lambda: factories.viewer("FRA"),  # a viewer's nation does not widen what it sees
        "training": lambda: factories.training_coordinator("POL"),
    }[request.param]()


def test_another_nations_red_pledge_is_absent_from_every_page_and_export(record, client_for, outsider):
    client = client_for(outsider)
    red = record["french_red"]
    listing = client.get("/pledges/")
    assert listing.status_code == 200
    assert SECRET not in listing.content.decode()
    assert SECRET not in client.get("/pledges/", {"sharing_label": "RED"}).content.decode()
    assert SECRET not in client.get("/pledges/", {"donor": "FRA"}).content.decode()
    assert SECRET not in client.get("/pledges/", {"q": "SECRET"}).content.decode()
    assert client.get(f"/pledges/{red.pk}/").status_code == 404
    assert client.get(f"/pledges/{red.pk}/explanation/").status_code == 404
    assert client.get(f"/pledges/{red.pk}/edit/").status_code == 404
    assert SECRET not in _text(client.get("/pledges/", {"export": "csv"}))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/pledges/", {"export": "xlsx"}).content))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row}
    assert SECRET not in cells
    overview = client.get("/")
    assert SECRET not in overview.content.decode()
    assert SECRET not in _text(client.get("/", {"export": "csv", "table": "slipped"}))


def test_the_red_pledge_is_not_counted_in_the_pledge_list_of_those_who_may_not_see_it(
    record, client_for, outsider
):
    response = client_for(outsider).get("/pledges/", {"donor": "FRA"})
    assert response.context["table"].total == 1  # the GREEN one only


def test_the_donor_and_the_coordinators_see_the_red_pledge_everywhere(record, client_for, coordinator):
    french = factories.donor_liaison("FRA")
    for user in (french, coordinator):
        client = client_for(user)
        assert SECRET in client.get("/pledges/", {"sharing_label": "RED"}).content.decode()
        assert client.get(f"/pledges/{record['french_red'].pk}/").status_code == 200
        assert SECRET in _text(client.get("/pledges/", {"export": "csv"}))
        assert client.get("/pledges/", {"donor": "FRA"}).context["table"].total == 2


def test_amber_pledges_are_seen_by_the_nations_they_are_released_to_only(record, client_for):
    german = record["german"]
    assert client_for(factories.recipient_officer("UKR")).get(f"/pledges/{german.pk}/").status_code == 200
    assert client_for(factories.donor_liaison("FRA")).get(f"/pledges/{german.pk}/").status_code == 404
    assert client_for(factories.viewer()).get(f"/pledges/{german.pk}/").status_code == 404


def test_draft_requirements_are_seen_by_the_recipient_and_the_coordinators_only(
    record, client_for, coordinator
):
    draft_need = record["draft_need"]
    for user in (factories.recipient_officer("UKR"), coordinator):
        client = client_for(user)
        assert client.get(f"/requirements/{draft_need.pk}/").status_code == 200
        assert "UKR-ART-0002" in client.get("/requirements/", {"list_version": "all"}).content.decode()
    for user in (factories.donor_liaison("DEU"), factories.viewer()):
        client = client_for(user)
        assert client.get(f"/requirements/{draft_need.pk}/").status_code == 404
        assert "UKR-ART-0002" not in client.get("/requirements/", {"list_version": "all"}).content.decode()
        assert "UKR-ART-0002" not in _text(
            client.get("/requirements/", {"list_version": "all", "export": "csv"})
        )


def test_pages_ask_anonymous_visitors_to_sign_in(record, client):
    for url in ("/", "/requirements/", "/pledges/", f"/pledges/{record['german'].pk}/", "/recipient/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")


def test_only_the_recipient_side_opens_the_recipient_view(record, client_for, coordinator):
    assert client_for(factories.recipient_officer("UKR")).get("/recipient/").status_code == 200
    assert client_for(coordinator).get("/recipient/receipts/").status_code == 200
    for user in (factories.donor_liaison("DEU"), factories.viewer(), factories.training_coordinator()):
        assert client_for(user).get("/recipient/").status_code == 403


def test_forms_are_refused_to_roles_that_may_not_write(record, client_for):
    donor = factories.donor_liaison("DEU")
    viewer = factories.viewer()
    assert client_for(donor).get("/requirements/new/").status_code == 403
    assert client_for(viewer).get("/pledges/new/").status_code == 403
    # A liaison may not change another nation's visible pledge (403, it is visible) ...
    assert client_for(donor).get(f"/pledges/{record['french_green'].pk}/edit/").status_code == 403
    # ... nor confirm receipt, which is the recipient's.
    assert client_for(donor).get(f"/pledges/{record['german'].pk}/receipt/").status_code == 403


def test_navigation_shows_each_role_its_areas(record, client_for, coordinator):
    recipient_nav = client_for(factories.recipient_officer("UKR")).get("/requirements/").content.decode()
    assert 'href="/recipient/"' in recipient_nav
    viewer_nav = client_for(factories.viewer()).get("/requirements/").content.decode()
    assert 'href="/recipient/"' not in viewer_nav
    assert "Viewer / analyst" in viewer_nav
    donor_page = client_for(factories.donor_liaison("DEU")).get("/pledges/").content.decode()
    assert "DEU" in donor_page  # the nation the user acts for is always shown


def test_a_hidden_record_reads_exactly_like_a_missing_one(record, client_for):
    client = client_for(factories.viewer())
    hidden = client.get(f"/pledges/{record['french_red'].pk}/")
    missing = client.get("/pledges/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert "Not found" in hidden.content.decode()
    assert _page(hidden, str(record["french_red"].pk)) == _page(missing, "999999")


def _page(response: Any, key: str) -> str:
    """The page's text with the address's key and the (per-request) CSRF tokens blanked out."""
    text = response.content.decode().replace(f"/pledges/{key}/", "/pledges/X/")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1-", text)


def test_a_refusal_says_why_in_the_page_layout(record, client_for):
    response = client_for(factories.viewer()).get("/requirements/new/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Not allowed" in body and "manage requirements" in body and 'data-testid="who"' in body
