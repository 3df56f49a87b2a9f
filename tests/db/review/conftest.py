"""Fixtures of the security review suite: probes of every door for leaks and wrong refusals or acceptances.

The suite reuses the shared fixtures: the API client of ``tests/db/api``, the planning theatre of
``tests/db/planning`` (a German GREEN and a French RED pledge for Ukraine's two shell needs) and the training
picture of ``tests/db/training`` (a French RED course beside German GREEN ones).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.models import Pledge
from tests.db import factories, factories_records
from tests.db.api.conftest import ApiClient, _static_root, api_as  # noqa: F401 - fixtures of the API tests
from tests.db.planning.conftest import _plan_start, immediate_tasks, theatre  # noqa: F401 - shared fixtures
from tests.db.training.conftest import _today, picture  # noqa: F401 - shared fixtures


@pytest.fixture
def red_fra(db: None) -> Pledge:
    """A French RED pledge: only France and the coordinators may know of it."""
    return factories_records.pledge("FRA", reference="FRA-0900", label=SharingLabel.RED, quantity=777)


@pytest.fixture
def green_deu(db: None) -> Pledge:
    """A German GREEN pledge everyone signed in sees."""
    return factories_records.pledge("DEU", reference="DEU-0901", label=SharingLabel.GREEN, quantity=100)


@pytest.fixture
def amber_deu_to_pol(db: None) -> Pledge:
    """A German AMBER pledge released to Poland only."""
    return factories_records.pledge(
        "DEU", reference="DEU-0902", label=SharingLabel.AMBER, releasable_to=["POL"], quantity=300
    )


@pytest.fixture
def liaison_pol(db: None) -> Any:
    """Poland's donor liaison."""
    return factories.donor_liaison("POL", username="liaison-pol")


def missing_id(model: Any) -> int:
    """An id no row of ``model`` has."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return int(last) + 1000


def same_refusal(hidden: Any, missing: Any, hidden_key: Any, missing_key: Any) -> None:
    """Assert two refusals are alike once each names its own key: status and the whole body."""
    assert hidden.status == missing.status, (hidden, missing)
    h = json.dumps(hidden.json, sort_keys=True).replace(str(hidden_key), "<key>")
    m = json.dumps(missing.json, sort_keys=True).replace(str(missing_key), "<key>")
    assert h == m, (hidden, missing)
