"""The burden-sharing page: chart and table from the reports app, the form, exports, what each viewer sees."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
from pledgeflow.pledges.models import PledgeMilestone
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

PAGE = "/reports/burden-sharing/"
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


@pytest.fixture
def german_pledges() -> None:
    """Germany: 1000 GREEN shells and 40 RED shells (EUR 3500 each), both committed in 2026."""
    for quantity, label in ((1000, SharingLabel.GREEN), (40, SharingLabel.RED)):
        pledge = records.pledge("DEU", quantity=quantity, label=label, status=PledgeStatus.COMMITTED)
        PledgeMilestone.objects.create(
            pledge=pledge, milestone=MilestoneKind.COMMITTED, on=dt.date(2026, 3, 1)
        )


def _row(html: str, code: str) -> str:
    start = html.index(f'data-nation="{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_page_shows_a_titled_chart_and_the_same_numbers_as_a_table(
    coordinator, client_as: Any, german_pledges
) -> None:
    answer = client_as(coordinator).get(PAGE, YEAR)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'data-chart="burden-chart-data"' in html and "chart.umd.min.js" in html
    spec = json.loads(html.split('id="burden-chart-data" type="application/json">')[1].split("</script>")[0])
    assert spec["title"] and spec["valueAxis"] == "Share of fair share achieved (%)" and spec["categoryAxis"]
    assert len(spec["labels"]) == 32 and [s["colour"] for s in spec["series"]] == [1, 2]
    assert 'data-testid="chart-table"' in html and 'data-testid="allies"' in html
    assert "3,640,000" in _row(html, "DEU")


def test_another_nation_sees_germanys_row_marked_partial_without_its_red_pledges(
    liaison_fra, client_as: Any, german_pledges
) -> None:
    html = client_as(liaison_fra).get(PAGE, YEAR).content.decode()
    row = _row(html, "DEU")
    assert "3,500,000" in row and "3,640,000" not in row
    assert 'data-complete="false"' in row and "only what you may see" in row
    assert 'data-complete="true"' in _row(html, "FRA")
    assert 'data-testid="partial-notice"' in html
    spec = json.loads(html.split('id="burden-chart-data" type="application/json">')[1].split("</script>")[0])
    assert "DEU Germany *" in spec["labels"] and "FRA France" in spec["labels"]
    assert "140,000" in html.split('data-testid="unattributed"')[1].split("</div>")[0]


def test_exemptions_and_the_baseline_come_from_the_form(coordinator, client_as: Any) -> None:
    html = (
        client_as(coordinator)
        .get(PAGE, {**YEAR, "baseline_bn": "20", "exempt": ["USA", "HUN"]})
        .content.decode()
    )
    assert "EUR 20,000,000,000" in html and "shared by 30 allies" in html
    assert "exempt" in _row(html, "USA")


def test_bad_input_is_shown_beside_the_fields_and_kept(coordinator, client_as: Any) -> None:
    answer = client_as(coordinator).get(PAGE, {"from": "2026-06-01", "to": "2026-05-01", "baseline_bn": "-3"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'data-field="baseline_bn"' in html and "has-error" in html
    assert 'value="-3"' in html


def test_a_period_ending_before_it_starts_is_refused_beside_the_to_field(coordinator, client_as: Any) -> None:
    answer = client_as(coordinator).get(PAGE, {"from": "2026-06-01", "to": "2026-05-01"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'class="field has-error compact" data-field="to"' in html
    assert 'id="id_to_error"><p>The period ends (2026-05-01) before it starts (2026-06-01)' in html


def test_the_table_exports_to_csv_and_xlsx_with_what_the_viewer_may_see(
    liaison_fra, client_as: Any, german_pledges
) -> None:
    client = client_as(liaison_fra)
    csv_text = b"".join(client.get(PAGE, {**YEAR, "export": "csv"}).streaming_content).decode("utf-8-sig")
    deu = next(line for line in csv_text.splitlines() if line.startswith("DEU,"))
    assert ",3500000.00," in deu and "3640000" not in deu
    assert deu.endswith(",no")  # the row is not complete for France
    from openpyxl import load_workbook

    xlsx = client.get(PAGE, {**YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert float(rows["DEU"][7]) == 3500000.0


def test_signed_out_visitors_are_sent_to_sign_in(db, client) -> None:
    assert client.get(PAGE).status_code == 302
