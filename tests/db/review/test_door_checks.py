"""Doors that accepted bad input: each now refuses it with a clear answer and nothing stored."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pledgeflow.accounts.models import User
from pledgeflow.cli import main
from pledgeflow.cli.users import normalise_role
from pledgeflow.training import services as training_services
from pledgeflow.training.models import CapabilityPackage
from tests.db import factories
from tests.db.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["", " ", "-", "x"])
def test_an_empty_or_unknown_role_names_no_role(text: str) -> None:
    # An empty role used to become coordinator (every label starts with ""): a role is never a guess.
    assert normalise_role(text) is None


def test_a_prefix_names_the_one_role_it_starts() -> None:
    assert normalise_role("coord") == "coordinator"
    assert normalise_role("Donor liaison") == "donor_liaison"


def test_createuser_with_an_empty_role_creates_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Very-Long-Passphrase-42\n"))
    status = main(["createuser", "intern", "--role", "", "--password-stdin"])
    assert status == 2
    assert not User.objects.filter(username="intern").exists()


def test_a_token_cannot_be_made_to_last_for_ever(
    coordinator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "create", coordinator.username, "--expires-in-days", "1000000000"]) == 2
    assert "from 1 to 3650" in capsys.readouterr().err


def test_comparing_with_a_negative_run_id_goes_back_to_the_run(coordinator: Any) -> None:
    client = Client()
    client.force_login(coordinator)
    response = client.get("/planning/runs/1/compare/?with=-5")
    assert response.status_code == 302 and response.url.endswith("/planning/runs/1/")


def test_a_run_id_beyond_any_id_is_refused_with_422(coordinator: Any) -> None:
    answer = ApiClient(coordinator).get("/proposals", {"run": "99999999999999999999"})
    assert answer.status == 422, answer


def test_a_training_contribution_period_that_ends_before_it_starts_is_refused(coordinator: Any) -> None:
    answer = ApiClient(coordinator).get(
        "/training/contribution", {"date_from": "2027-01-01", "date_to": "2026-01-01"}
    )
    assert answer.status == 422, answer
    assert "date_to" in str(answer.json)


def test_a_cohort_joins_only_a_package_of_its_own_nation(coordinator: Any) -> None:
    other = factories.nation("AUS")
    other.kind = "recipient"
    other.save()
    foreign = CapabilityPackage.objects.create(
        code="AUS-PKG", name="Another nation's package", need_by=dt.date(2027, 6, 1), nation=other
    )
    skill = training_services.create_skill(coordinator, code="ad-basic", name="Air defence basics")
    with pytest.raises(ValidationError) as refused:
        training_services.create_cohort(
            coordinator,
            code="CRW-1",
            skill=skill,
            size=8,
            language="uk",
            ready_by=dt.date(2027, 5, 1),
            package=foreign,
            nation="UKR",
        )
    assert "package" in refused.value.message_dict
    assert "AUS" in refused.value.message_dict["package"][0]
