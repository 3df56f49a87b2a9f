"""In a real browser: the training coordinator reads the demo's capability packages, their readiness after a
plan run and the cohorts' assignments; the pages have no serious accessibility violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import check_accessibility, save_screenshot, sign_in
from tests.browser.test_planning_pages import reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give WhiteNoise an existing static root before the live server starts (see test_planning_pages)."""
    from django.conf import settings

    before = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static-training")
    yield
    settings.STATIC_ROOT = before


def demo_with_a_run() -> dict[str, str]:
    """Load the demo, plan it once, and answer the demo users' fresh passwords."""
    from pledgeflow.accounts.models import User
    from pledgeflow.demo import ensure_demo_data, ensure_demo_users
    from pledgeflow.planning import services

    reference_data()
    ensure_demo_data()
    passwords = {u.username: u.password for u in ensure_demo_users()}
    run = services.start_plan_run(User.objects.get(username="coordinator"))
    done = services.execute_plan_run(run.pk)
    assert done.status == "succeeded", done.error
    return passwords


def test_the_training_coordinator_sees_package_readiness_after_a_plan_run(page: Any) -> None:
    from pledgeflow.training.models import PackageReadiness

    passwords = demo_with_a_run()
    sign_in(page, "training", passwords["training"])

    page.get_by_role("link", name="Training").click()
    page.get_by_test_id("package-timeline").wait_for()
    rows = page.get_by_test_id("readiness-row")
    assert rows.count() == PackageReadiness.objects.count() >= 5
    patriot = rows.filter(has_text="PKG-PATRIOT-1").inner_text()
    assert "PKG-PATRIOT-1" in patriot and ("never" in patriot or "20" in patriot)
    assert page.get_by_test_id("training-alerts").is_visible()
    assert check_accessibility(page) == []
    save_screenshot(page, "training-packages")

    page.get_by_role("link", name="PKG-PATRIOT-1").first.click()
    page.get_by_test_id("package-cohorts").wait_for()
    assert "CRW-PATRIOT-1-FC" in page.content()
    assert check_accessibility(page) == []
    page.get_by_role("link", name="All capability packages").click()
    page.get_by_test_id("package-timeline").wait_for()

    page.get_by_role("link", name="Cohorts").first.click()
    page.wait_for_load_state("networkidle")
    assert "CRW-PATRIOT-1-OPS-A" in page.content()
    assert check_accessibility(page) == []

    page.get_by_role("link", name="Sessions").first.click()
    page.wait_for_load_state("networkidle")
    assert "Seats left" in page.content()
    assert check_accessibility(page) == []

    page.get_by_role("link", name="Courses").first.click()
    page.wait_for_load_state("networkidle")
    assert "DEU-PATRIOT-MAINT" in page.content()  # RED: the training coordinator sees every course
    page.get_by_role("button", name="Sign out").click()

    # A viewer reads the same pages, with the CLEAR and GREEN courses only.
    sign_in(page, "viewer", passwords["viewer"])
    page.goto("/training/courses/")
    content = page.content()
    assert (
        "GBR-ARTY-BASIC" in content
        and "DEU-PATRIOT-MAINT" not in content
        and "USA-PATRIOT-CREW" not in content
    )
    assert check_accessibility(page) == []
