"""Lists: filters, search, sorting, pagination, HTMX partials, exports and constant query counts."""

from __future__ import annotations

import csv
import datetime as _dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledgeflow.core.choices import SharingLabel
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db


def _csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _queries(client: Any, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_pledge_list_costs_the_same_queries_for_5_or_40_rows(record, client_for, coordinator):
    client = client_for(coordinator)
    for _n in range(2):
        records.pledge("POL", label=SharingLabel.AMBER, releasable_to=["UKR", "DEU"])
    few = _queries(client, "/pledges/")
    for _n in range(35):
        records.pledge("POL", label=SharingLabel.AMBER, releasable_to=["UKR", "DEU"])
    assert _queries(client, "/pledges/") == few


def test_the_requirement_list_costs_the_same_queries_for_few_or_many_rows(record, client_for):
    client = client_for(factories.recipient_officer("UKR"))
    few = _queries(client, "/requirements/", {"list_version": "all"})
    for n in range(40):
        records.requirement(record["approved"], reference=f"UKR-ART-{100 + n}")
    assert _queries(client, "/requirements/", {"list_version": "all"}) == few


def test_filters_and_search_narrow_the_pledge_list(record, client_for, coordinator):
    client = client_for(coordinator)
    table = client.get("/pledges/", {"donor": "FRA"}).context["table"]
    assert sorted(p.reference for p in table.objects) == ["FRA-OPEN-1", "FRA-SECRET-1"]
    table = client.get("/pledges/", {"q": "open"}).context["table"]
    assert [p.reference for p in table.objects] == ["FRA-OPEN-1"]
    table = client.get("/pledges/", {"late": "on"}).context["table"]
    assert {p.reference for p in table.objects} == {"FRA-OPEN-1", "FRA-SECRET-1"}


def test_sorting_follows_the_chosen_column_in_both_directions(record, client_for, coordinator):
    client = client_for(coordinator)
    ascending = [p.reference for p in client.get("/pledges/", {"sort": "available"}).context["table"].objects]
    descending = [
        p.reference for p in client.get("/pledges/", {"sort": "-available"}).context["table"].objects
    ]
    assert ascending == ["FRA-SECRET-1", "FRA-OPEN-1", "DEU-0001"]
    assert descending == list(reversed(ascending))
    # An unknown or unsortable column falls back to the default order instead of failing.
    assert client.get("/pledges/", {"sort": "item"}).status_code == 200


def test_pages_split_long_lists_and_keep_the_filters_in_their_links(record, client_for, coordinator):
    for n in range(120):
        records.pledge("POL", reference=f"POL-{n:04d}")
    client = client_for(coordinator)
    first = client.get("/pledges/", {"donor": "POL"})
    table = first.context["table"]
    assert table.total == 120 and len(table.objects) == 50
    assert "donor=POL" in table.next_href and "page=2" in table.next_href
    third = client.get("/pledges/", {"donor": "POL", "page": 3}).context["table"]
    assert len(third.objects) == 20


def test_an_htmx_request_for_the_table_gets_only_the_table_region(record, client_for, coordinator):
    response = client_for(coordinator).get(
        "/pledges/", {"donor": "FRA"}, headers={"HX-Request": "true", "HX-Target": "table-region"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="table-region"')
    assert "<html" not in body and "FRA-OPEN-1" in body


def test_the_csv_export_holds_every_filtered_row_in_the_shown_order(record, client_for, coordinator):
    for n in range(60):
        records.pledge("POL", reference=f"POL-{n:04d}")
    response = client_for(coordinator).get(
        "/pledges/", {"donor": "POL", "sort": "-reference", "export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][0] == "Reference"
    assert [r[0] for r in rows[1:]] == [f"POL-{n:04d}" for n in reversed(range(60))]


def test_the_xlsx_export_types_numbers_and_dates(record, client_for, coordinator):
    response = client_for(coordinator).get("/pledges/", {"donor": "DEU", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    row = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    values = dict(zip(header, row, strict=True))
    assert values["Reference"] == "DEU-0001"
    assert values["Quantity"] == 4000
    assert isinstance(values["Available"], _dt.datetime | _dt.date)


def test_exported_text_cannot_become_a_spreadsheet_formula(record, client_for, coordinator):
    factories.item("evil", name="=HYPERLINK(1)")
    records.pledge("POL", reference="POL-2", item_code="evil")
    rows = _csv_rows(client_for(coordinator).get("/pledges/", {"donor": "POL", "export": "csv"}))
    items = [r[2] for r in rows[1:]]
    assert "'=HYPERLINK(1)" in items


def test_requirement_filters_by_priority_version_and_search(record, client_for):
    client = client_for(factories.recipient_officer("UKR"))
    table = client.get("/requirements/", {"list_version": "all", "priority": "1"}).context["table"]
    assert [r.reference for r in table.objects] == ["UKR-ART-0001"]
    # The recipient's officer opens on the draft version being edited.
    table = client.get("/requirements/").context["table"]
    assert [r.reference for r in table.objects] == ["UKR-ART-0002"]
    table = client.get("/requirements/", {"list_version": "all", "q": "0002"}).context["table"]
    assert [r.reference for r in table.objects] == ["UKR-ART-0002"]


def test_the_overview_shows_required_against_committed_and_the_critical_shortfall(
    record, client_for, coordinator
):
    response = client_for(coordinator).get("/")
    rows = {r.family: r for r in response.context["rows"] if not r.is_area}
    shells = rows["155mm-artillery-ammunition"]
    assert shells.critical == 20000
    assert shells.committed == 4000 + 777
    assert shells.critical_shortfall == 20000 - 4777
    assert response.context["shortfalls"].total == 1
    assert response.context["slipped"].total == 2


def test_the_overview_totals_count_every_pledge_but_lists_only_visible_ones(record, client_for):
    viewer = factories.viewer()
    response = client_for(viewer).get("/")
    # All donors together: the RED pledge counts in the totals ...
    assert response.context["totals"].pledged.quantity == 4000 + 1500 + 777
    # ... but the list of pledges past their date shows only the GREEN one to a viewer.
    assert response.context["slipped"].total == 1


def test_the_recipient_pages_and_the_overview_cost_the_same_queries_for_few_or_many_rows(record, client_for):
    from pledgeflow.pledges.choices import PledgeStatus

    today = _dt.date.today()

    def more(n: int) -> None:
        records.pledge("POL", status=PledgeStatus.COMMITTED, available=today + _dt.timedelta(days=5))
        records.pledge("POL", status=PledgeStatus.HANDED_OVER)
        records.pledge("POL", status=PledgeStatus.OFFERED, available=today - _dt.timedelta(days=n + 1))
        records.requirement(record["approved"], reference=f"UKR-ART-{200 + n}")

    client = client_for(factories.recipient_officer("UKR"))
    urls = ("/recipient/", "/recipient/coming/", "/recipient/receipts/", "/")
    more(0)  # one row of each: an empty table skips the page's queries
    few = {url: _queries(client, url) for url in urls}
    for n in range(1, 30):
        more(n)
    assert {url: _queries(client, url) for url in urls} == few
