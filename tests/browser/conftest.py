"""Real-browser tests: Playwright driving Debian's Chromium against a live pledgeflow server.

Playwright cannot download its own browser on these machines, so the tests launch ``/usr/bin/chromium``
(``apt-get install chromium``). Without it the tests are skipped with that instruction, unless
``PLEDGEFLOW_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PLEDGEFLOW_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chromium_available():
        return
    if os.environ.get("PLEDGEFLOW_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"Browser tests are required (PLEDGEFLOW_REQUIRE_BROWSER=1) but {CHROMIUM} is missing: "
            "apt-get update && apt-get install -y chromium"
        )
    skip = pytest.mark.skip(
        reason="Chromium is not installed: run `apt-get install -y chromium` to enable browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page whose requests to any origin but the live server fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    foreign: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not foreign, f"the page requested other origins: {foreign}"


def check_accessibility(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page; return violations of serious or critical impact."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def save_screenshot(page: Any, name: str) -> None:
    """Refresh ``docs/screenshots/NAME.png`` when asked (``make screenshots``).

    A plain test run leaves the working tree as it found it.
    """
    if os.environ.get("PLEDGEFLOW_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the sign-in page."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
