"""Sign-in lock-out: repeated failures lock the account for a while, even against the right password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate

from pledgeflow.accounts import services
from pledgeflow.accounts.backends import LockoutBackend
from pledgeflow.core.errors import PermissionDenied
from tests.db import factories

pytestmark = pytest.mark.django_db

BACKEND = "pledgeflow.accounts.backends.LockoutBackend"


@pytest.fixture(autouse=True)
def _policy(settings) -> None:
    settings.AUTHENTICATION_BACKENDS = [BACKEND]
    settings.PLEDGEFLOW_LOCKOUT_FAILURES = 3
    settings.PLEDGEFLOW_LOCKOUT_MINUTES = 15


def sign_in(username: str, password: str):
    return authenticate(None, username=username, password=password)


def fail(username: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(username, "wrong password") is None


def test_the_right_password_signs_in(clock, viewer) -> None:
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_fewer_failures_than_the_limit_do_not_lock(clock, viewer) -> None:
    fail("analyst", 2)
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_the_limit_of_failures_locks_and_refuses_even_the_right_password(clock, viewer) -> None:
    fail("analyst", 3)
    viewer.refresh_from_db()
    assert viewer.locked_until == clock.now + timedelta(minutes=15)
    assert sign_in("analyst", factories.PASSWORD) is None
    clock.advance(minutes=14, seconds=59)
    assert sign_in("analyst", factories.PASSWORD) is None


def test_the_lock_expires_after_the_window(clock, viewer) -> None:
    fail("analyst", 3)
    clock.advance(minutes=15)
    assert sign_in("analyst", factories.PASSWORD) == viewer
    viewer.refresh_from_db()
    assert viewer.locked_until is None
    assert viewer.failed_sign_ins == 0


def test_a_success_resets_the_count(clock, viewer) -> None:
    fail("analyst", 2)
    assert sign_in("analyst", factories.PASSWORD) == viewer
    fail("analyst", 2)
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_failures_spread_over_more_than_the_window_do_not_lock(clock, viewer) -> None:
    fail("analyst", 2)
    clock.advance(minutes=16)
    fail("analyst", 2)
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_attempts_while_locked_neither_count_nor_extend_the_lock(clock, viewer) -> None:
    fail("analyst", 3)
    viewer.refresh_from_db()
    locked_until = viewer.locked_until
    clock.advance(minutes=10)
    fail("analyst", 5)
    viewer.refresh_from_db()
    assert viewer.locked_until == locked_until
    clock.advance(minutes=5)
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_one_users_failures_do_not_lock_another(clock, viewer, liaison_deu) -> None:
    fail("analyst", 3)
    assert sign_in("liaison-deu", factories.PASSWORD) == liaison_deu


def test_an_unknown_user_name_signs_nobody_in(clock, viewer) -> None:
    assert sign_in("nobody", factories.PASSWORD) is None


def test_a_deactivated_account_is_refused_with_the_right_password(clock, viewer) -> None:
    viewer.is_active = False
    viewer.save()
    assert LockoutBackend().authenticate(None, username="analyst", password=factories.PASSWORD) is None


def test_a_coordinator_can_lift_a_lock_early(clock, viewer, coordinator) -> None:
    fail("analyst", 3)
    viewer.refresh_from_db()
    services.unlock_user(coordinator, viewer)
    assert sign_in("analyst", factories.PASSWORD) == viewer


def test_nobody_else_can_lift_a_lock(clock, viewer, liaison_deu) -> None:
    fail("analyst", 3)
    viewer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.unlock_user(liaison_deu, viewer)
    assert sign_in("analyst", factories.PASSWORD) is None


def test_the_system_check_demands_the_lockout_backend(settings) -> None:
    from pledgeflow.accounts.checks import check_authentication_backends

    settings.AUTHENTICATION_BACKENDS = [BACKEND]
    assert check_authentication_backends() == []
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [c.id for c in check_authentication_backends()] == [
        "pledgeflow.accounts.W001",
        "pledgeflow.accounts.W002",
    ]


def test_the_system_check_refuses_a_password_backend_beside_the_lockout_one(settings) -> None:
    from pledgeflow.accounts.checks import check_authentication_backends

    settings.AUTHENTICATION_BACKENDS = [BACKEND, "django.contrib.auth.backends.ModelBackend"]
    assert [c.id for c in check_authentication_backends()] == ["pledgeflow.accounts.W002"]
