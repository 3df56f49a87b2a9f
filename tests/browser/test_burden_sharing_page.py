"""In a real browser: the burden-sharing page draws its chart (vendored Chart.js) beside the table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pledgeflow.accounts import services as accounts
from pledgeflow.accounts.choices import Role
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
from pledgeflow.pledges.models import PledgeMilestone
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_planning_pages import (  # noqa: F401 - the static-root fixture
    _live_server_static_root,
    reference_data,
)
from tests.db import factories_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Leopard-and-Patriot-2026"


def test_the_burden_page_shows_a_titled_chart_and_its_table_without_accessibility_violations(
    page: Any,
) -> None:
    reference_data()
    today = dt.date.today()
    for donor, quantity in (("DEU", 400_000), ("POL", 150_000), ("USA", 2_000_000)):
        pledge = factories_records.pledge(donor, quantity=quantity, status=PledgeStatus.COMMITTED)
        PledgeMilestone.objects.create(pledge=pledge, milestone=MilestoneKind.COMMITTED, on=today)
    accounts.create_user("analyst", PASSWORD, Role.VIEWER)
    sign_in(page, "analyst", PASSWORD)
    page.get_by_role("link", name="Burden sharing").click()
    page.get_by_test_id("allies").wait_for()
    chart = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById('burden-chart'));
            return chart && {
                title: chart.options.plugins.title.text,
                x: chart.options.scales.x.title.text,
                y: chart.options.scales.y.title.text,
                bars: chart.data.labels.length,
                series: chart.data.datasets.map(d => d.label),
            };
        }"""
    )
    assert chart is not None, "the chart was not drawn"
    assert chart["x"] == "Share of fair share achieved (%)" and chart["y"] == "Ally" and chart["title"]
    assert chart["bars"] == 32 and chart["series"] == ["Committed", "Delivered"]
    assert page.get_by_test_id("chart-table").locator("tbody tr").count() == 32
    assert check_accessibility(page) == []
    # Exempting an ally takes it out of the chart.
    page.get_by_text("Exempted allies").first.click()
    page.get_by_label("USA United States").check()
    page.get_by_role("button", name="Show").click()
    page.get_by_test_id("allies").wait_for()
    assert page.get_by_test_id("chart-table").locator("tbody tr").count() == 31
