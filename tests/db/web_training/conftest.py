"""Fixtures of the training page tests: the demo record (with its training picture) and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.db.api.conftest import _static_root  # noqa: F401 - WhiteNoise needs an existing static root


@pytest.fixture
def demo(db: None) -> None:
    """The demo record, training included."""
    from pledgeflow.demo import ensure_demo_data

    ensure_demo_data()


@pytest.fixture
def page_as(demo: None) -> Callable[[str], Client]:
    """``page_as("viewer")``: a page client signed in as that demo user (a session, as a browser has)."""
    from pledgeflow.accounts.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def planned(demo: None) -> Any:
    """A succeeded plan run over the demo."""
    from pledgeflow.accounts.models import User
    from pledgeflow.planning import services

    run = services.start_plan_run(User.objects.get(username="coordinator"))
    done = services.execute_plan_run(run.pk)
    assert done.status == "succeeded", done.error
    return done
