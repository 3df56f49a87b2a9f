"""Credentials: revoked, expired, deactivated and locked-out users are refused; session writes need CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pledgeflow.accounts import services as accounts_services
from pledgeflow.accounts.models import ApiToken
from pledgeflow.core.errors import NotFound
from pledgeflow.pledges.models import Pledge
from tests.db import factories
from tests.db.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _pledge_body() -> dict[str, Any]:
    factories.item()
    factories.location("DEPOT-DE")
    return {
        "donor": "DEU",
        "item": "dm121-155mm",
        "quantity": 10,
        "available": "2027-01-15",
        "origin": "DEPOT-DE",
    }


def test_a_revoked_token_is_refused_at_once(liaison_deu: Any) -> None:
    token, plaintext = accounts_services.create_token(liaison_deu, "script")
    client = ApiClient(liaison_deu, token=plaintext)
    assert client.get("/pledges").status == 200
    accounts_services.revoke_token(liaison_deu, token)
    answer = client.get("/pledges")
    assert answer.status == 401
    assert answer.header("WWW-Authenticate")


def test_an_expired_token_is_refused(liaison_deu: Any) -> None:
    token, plaintext = accounts_services.create_token(
        liaison_deu, "script", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(liaison_deu, token=plaintext).get("/pledges").status == 401


def test_a_token_dies_with_its_users_deactivation_and_lock_out(liaison_deu: Any, coordinator: Any) -> None:
    _, plaintext = accounts_services.create_token(liaison_deu, "script")
    client = ApiClient(liaison_deu, token=plaintext)
    liaison_deu.locked_until = timezone.now() + dt.timedelta(minutes=10)
    liaison_deu.save()
    assert client.post("/pledges", _pledge_body()).status == 401
    liaison_deu.locked_until = None
    liaison_deu.save()
    assert client.get("/pledges").status == 200
    accounts_services.update_user(coordinator, liaison_deu, {"is_active": False})
    assert client.get("/pledges").status == 401
    assert client.post("/pledges", _pledge_body()).status == 401
    assert not Pledge.objects.exists()


def test_nobody_revokes_or_learns_of_another_users_token(liaison_deu: Any, liaison_fra: Any) -> None:
    token, plaintext = accounts_services.create_token(liaison_fra, "script")
    with pytest.raises(NotFound):
        accounts_services.revoke_token(liaison_deu, token)
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: the exact class is the service's
        accounts_services.create_token(liaison_fra, "mine now", actor=liaison_deu)
    assert ApiClient(liaison_fra, token=plaintext).get("/pledges").status == 200


def test_a_token_acts_with_its_users_role_as_it_is_now(liaison_deu: Any, coordinator: Any) -> None:
    _, plaintext = accounts_services.create_token(liaison_deu, "script")
    client = ApiClient(liaison_deu, token=plaintext)
    accounts_services.update_user(coordinator, liaison_deu, {"role": "viewer", "nation": None})
    assert client.post("/pledges", _pledge_body()).status == 403
    assert not Pledge.objects.exists()


def test_a_session_write_without_the_csrf_token_is_refused_and_with_it_accepted(liaison_deu: Any) -> None:
    body = _pledge_body()
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison_deu)
    assert client.get("/api/v1/pledges").status_code == 200
    refused = client.post("/api/v1/pledges", body, content_type="application/json")
    assert refused.status_code == 403
    assert not Pledge.objects.exists()
    client.get("/pledges/new/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/pledges", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
    bogus = client.post(
        "/api/v1/pledges", body, content_type="application/json", headers={"X-CSRFToken": "x" * 32}
    )
    assert bogus.status_code == 403


def test_a_page_form_without_the_csrf_token_is_refused(liaison_deu: Any) -> None:
    body = _pledge_body()
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison_deu)
    response = client.post("/pledges/new/", body)
    assert response.status_code == 403
    assert not Pledge.objects.exists()


def test_a_deactivated_users_session_is_signed_out_of_the_api_and_the_pages(
    liaison_deu: Any, coordinator: Any
) -> None:
    client = Client()
    client.force_login(liaison_deu)
    assert client.get("/api/v1/nations").status_code == 200
    accounts_services.update_user(coordinator, liaison_deu, {"is_active": False})
    assert client.get("/api/v1/nations").status_code == 401
    assert client.get("/pledges/").status_code == 302


def test_the_sign_in_page_locks_after_repeated_failures_even_for_the_right_password(
    clock: Any, liaison_deu: Any
) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/sign-in/", {"username": "liaison-deu", "password": "wrong password 123"})
    right = client.post("/accounts/sign-in/", {"username": "liaison-deu", "password": factories.PASSWORD})
    assert right.status_code == 200  # the form again, not a redirect: still signed out
    assert client.get("/api/v1/nations").status_code == 401
    clock.advance(minutes=16)
    again = client.post("/accounts/sign-in/", {"username": "liaison-deu", "password": factories.PASSWORD})
    assert again.status_code == 302


def test_anonymous_visitors_get_nothing_from_any_door(red_fra: Pledge) -> None:
    anonymous = ApiClient(None)
    for path in (
        "/pledges",
        f"/pledges/{red_fra.pk}",
        "/pledges/totals",
        "/requirements",
        "/plan-runs",
        "/proposals",
        "/reports/burden-sharing",
        "/training/courses",
        "/nations",
    ):
        answer = anonymous.get(path)
        assert answer.status == 401, (path, answer)
        assert "FRA-0900" not in answer.response.content.decode()
    assert Client().get("/pledges/").status_code == 302
