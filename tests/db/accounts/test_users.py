"""Users: roles, the nation they act for, password rules, Argon2, history."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher

from pledgeflow.accounts import services
from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.models import User
from pledgeflow.core.errors import PermissionDenied, ValidationError
from pledgeflow.core.services import history_of
from tests.db import factories

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = factories.PASSWORD


def test_a_donor_liaison_must_act_for_a_nation() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("liaison", GOOD_PASSWORD, Role.DONOR_LIAISON)
    assert refused.value.message_dict["nation"] == [
        "A donor liaison acts for one nation: give its code (e.g. DEU)."
    ]
    assert not User.objects.filter(username="liaison").exists()


def test_a_recipient_officer_must_act_for_a_nation() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("officer", GOOD_PASSWORD, Role.RECIPIENT_OFFICER)
    assert "nation" in refused.value.message_dict


def test_a_recipient_officer_cannot_act_for_a_donor_nation() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("officer", GOOD_PASSWORD, Role.RECIPIENT_OFFICER, "DEU")
    assert refused.value.message_dict["nation"] == [
        "A recipient requirements officer acts for a recipient nation; DEU is a nato ally, not a recipient."
    ]


def test_a_recipient_officer_naming_an_unknown_nation_gets_a_field_error_not_a_crash() -> None:
    with pytest.raises(ValidationError) as refused:
        User(username="officer", role=Role.RECIPIENT_OFFICER, nation_id="XYZ").full_clean(
            exclude=["password"]
        )
    assert list(refused.value.message_dict) == ["nation"]


def test_a_recipient_officer_of_ukraine_is_created_with_history() -> None:
    officer = services.create_user("officer", GOOD_PASSWORD, Role.RECIPIENT_OFFICER, "ukr")
    assert officer.nation_code == "UKR"
    (entry,) = history_of(officer)
    assert entry.action == "create"
    assert entry.after["role"] == "recipient_officer"
    assert "password" not in entry.after


def test_coordinators_and_viewers_need_no_nation() -> None:
    assert services.create_user("cell", GOOD_PASSWORD, Role.COORDINATOR).nation is None
    assert services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER).nation is None


def test_an_unknown_nation_code_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("liaison", GOOD_PASSWORD, Role.DONOR_LIAISON, "XYZ")
    assert refused.value.message_dict["nation"] == [
        "No nation has the code 'XYZ'; use an ISO 3166 alpha-3 code such as DEU."
    ]


def test_an_unknown_role_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("someone", GOOD_PASSWORD, "general")
    assert "role" in refused.value.message_dict


def test_a_weak_password_is_refused_and_no_account_is_created() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("analyst", "12345", Role.VIEWER)
    messages = refused.value.message_dict["password"]
    assert any("too short" in m for m in messages)
    assert not User.objects.filter(username="analyst").exists()


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_user("liaison", "password", Role.DONOR_LIAISON)
    assert {"nation", "password"} <= set(refused.value.message_dict)


def test_a_duplicate_user_name_is_refused() -> None:
    services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER)
    with pytest.raises(ValidationError) as refused:
        services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER)
    assert "username" in refused.value.message_dict


def test_passwords_are_hashed_with_argon2_in_production(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    account = services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER)
    assert identify_hasher(account.password).algorithm == "argon2"
    assert GOOD_PASSWORD not in account.password
    assert account.check_password(GOOD_PASSWORD)


def test_only_coordinators_create_accounts(liaison_deu, coordinator) -> None:
    with pytest.raises(PermissionDenied):
        services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER, actor=liaison_deu)
    created = services.create_user("analyst", GOOD_PASSWORD, Role.VIEWER, actor=coordinator)
    assert history_of(created).get().actor == coordinator


def test_only_coordinators_change_roles(coordinator, viewer) -> None:
    with pytest.raises(PermissionDenied):
        services.update_user(viewer, viewer, {"role": Role.COORDINATOR})
    changed = services.update_user(coordinator, viewer, {"role": Role.DONOR_LIAISON, "nation": "POL"})
    assert changed.role == Role.DONOR_LIAISON
    assert changed.nation_code == "POL"
    entry = history_of(viewer).get(action="update")
    assert entry.before["role"] == "viewer"
    assert entry.after["nation"] == "POL"


def test_changing_a_role_checks_the_nation_rule_again(coordinator, viewer) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_user(coordinator, viewer, {"role": Role.RECIPIENT_OFFICER})
    assert "nation" in refused.value.message_dict
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_a_password_change_is_validated_and_recorded(viewer) -> None:
    with pytest.raises(ValidationError) as refused:
        services.set_password(viewer, viewer, "short")
    assert "password" in refused.value.message_dict
    services.set_password(viewer, viewer, "a much longer passphrase")
    viewer.refresh_from_db()
    assert viewer.check_password("a much longer passphrase")
    assert history_of(viewer).filter(action="set_password").count() == 1


def test_nobody_but_a_coordinator_sets_another_users_password(liaison_deu, viewer) -> None:
    with pytest.raises(PermissionDenied):
        services.set_password(liaison_deu, viewer, "a much longer passphrase")
