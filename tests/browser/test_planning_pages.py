"""In a real browser: a coordinator starts a plan run, sees it finish, locks an allocation and publishes it.

The run is queued in the database queue like in production; the test plays the worker by calling the task's
body (``execute_plan_run``) once the page shows the run queued, so the page's HTMX polling is what notices
that it finished.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from pledgeflow.accounts import services as accounts
from pledgeflow.accounts.choices import Role
from pledgeflow.core.choices import SharingLabel
from pledgeflow.requirements.choices import Priority
from tests.browser.conftest import check_accessibility, save_screenshot, sign_in
from tests.db import factories, factories_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Leopard-and-Patriot-2026"


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give WhiteNoise an existing static root before the live server starts (it warns, an error here,
    when ``var/static`` is missing; the static files themselves are served from the apps' folders)."""
    from django.conf import settings

    before = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    yield
    settings.STATIC_ROOT = before


def reference_data() -> None:
    """The reference nations and capability areas every migrated database holds (a transactional test
    before this one emptied the tables)."""
    from pledgeflow.catalogue.models import CapabilityArea
    from pledgeflow.catalogue.reference import load_capability_areas
    from pledgeflow.nations.models import Nation
    from pledgeflow.nations.reference import load_reference_nations

    if not Nation.objects.exists():
        load_reference_nations(Nation)
    if not CapabilityArea.objects.exists():
        load_capability_areas(CapabilityArea)


def make_theatre() -> None:
    """Two needs for 155 mm shells in Kyiv (critical and medium); Germany offers 1000 (GREEN), France 800
    (RED); both travel through the Polish hub. Supply is short, so the planner has choices to make."""
    reference_data()
    factories.location("DEPOT-DEU", kind="depot", country="DEU")
    factories.location("DEPOT-FRA", kind="depot", country="FRA")
    factories.location("HUB-PL", kind="hub", country="POL")
    kyiv = factories_records.kyiv()
    factories.route("DEPOT-DEU", "HUB-PL", days=3)
    factories.route("DEPOT-FRA", "HUB-PL", days=4)
    factories.route("HUB-PL", "DEST-KYIV", days=2)
    version = factories_records.list_version(label="2026-11", number=1)
    today = dt.date.today()
    factories_records.requirement(
        version,
        reference="UKR-ART-0001",
        quantity=1500,
        priority=Priority.CRITICAL,
        need_by=today + dt.timedelta(days=60),
        destination=kyiv,
    )
    factories_records.requirement(
        version,
        reference="UKR-ART-0002",
        quantity=1000,
        priority=Priority.MEDIUM,
        need_by=today + dt.timedelta(days=90),
        destination=kyiv,
    )
    factories_records.pledge(
        "DEU",
        reference="DEU-0001",
        quantity=1000,
        available=today + dt.timedelta(days=40),
        label=SharingLabel.GREEN,
    )
    factories_records.pledge(
        "FRA",
        reference="FRA-0001",
        quantity=800,
        available=today + dt.timedelta(days=45),
        label=SharingLabel.RED,
    )


def make_users() -> dict[str, Any]:
    """A coordinator and Germany's liaison, created through the accounts service (real password rules)."""
    return {
        "coordinator": accounts.create_user("cell", PASSWORD, Role.COORDINATOR),
        "liaison": accounts.create_user("liaison-deu", PASSWORD, Role.DONOR_LIAISON, "DEU"),
    }


def run_queued_plan() -> None:
    """Play the worker: plan the queued run (the body of the background task)."""
    from pledgeflow.planning.models import PlanRun
    from pledgeflow.planning.services import execute_plan_run

    for run in PlanRun.objects.filter(status="queued"):
        execute_plan_run(run.pk)


def start_lock_and_publish(page: Any, screenshots: bool = False) -> None:
    """As the coordinator: start a run, watch it finish, lock an allocation, publish."""
    sign_in(page, "cell", PASSWORD)
    page.goto("/planning/runs/")
    assert check_accessibility(page) == []
    page.get_by_role("button", name="Start a plan run").click()
    status = page.get_by_test_id("run-status")
    assert status.get_attribute("data-status") == "queued"
    run_queued_plan()
    # The polling fragment notices the run is done and reloads the page with the results.
    page.get_by_test_id("baseline").wait_for()
    assert page.get_by_test_id("run-status").get_attribute("data-status") == "succeeded"
    assert check_accessibility(page) == []

    row = page.locator('tr[data-pledge="DEU-0001"]').first
    row.get_by_role("spinbutton").fill("500")
    row.get_by_role("button", name="Lock").click()
    page.locator('tr[data-pledge="DEU-0001"] [data-testid="lock-state"]').first.wait_for()
    assert "Locked: 500 units" in page.locator('tr[data-pledge="DEU-0001"]').first.inner_text()

    page.get_by_role("button", name="Publish this run").click()
    page.get_by_test_id("published").wait_for()
    if screenshots:
        save_screenshot(page, "plan-run")
    page.get_by_role("button", name="Sign out").click()


def test_a_coordinator_starts_a_run_sees_it_finish_locks_an_allocation_and_publishes(page: Any) -> None:
    make_theatre()
    make_users()
    start_lock_and_publish(page)
    from pledgeflow.planning.models import AllocationLock, PlanRun

    run = PlanRun.objects.get()
    assert run.published and run.proposals.count() == run.allocations.count()
    assert AllocationLock.objects.get(active=True).quantity == 500
