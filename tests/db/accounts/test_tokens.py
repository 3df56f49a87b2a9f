"""API tokens: stored hashed, shown once, refused when revoked, expired, or the user cannot sign in."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from pledgeflow.accounts import services
from pledgeflow.accounts.models import ApiToken
from pledgeflow.core.errors import NotFound, PermissionDenied, ValidationError
from pledgeflow.core.services import history_of

pytestmark = pytest.mark.django_db


def test_the_plain_text_is_returned_once_and_only_its_hash_is_stored(liaison_deu) -> None:
    token, plaintext = services.create_token(liaison_deu, "reporting script")
    assert plaintext.startswith(f"pf_{token.prefix}_")
    assert len(token.prefix) == 8
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    secret = plaintext.split("_", 2)[2]
    assert not any(isinstance(v, str) and (plaintext in v or secret in v) for v in stored.values())


def test_the_token_authenticates_its_user_and_records_last_use(liaison_deu) -> None:
    token, plaintext = services.create_token(liaison_deu, "reporting script")
    assert services.authenticate_token(plaintext) == liaison_deu
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_two_tokens_of_one_user_are_different(liaison_deu) -> None:
    _, first = services.create_token(liaison_deu, "one")
    _, second = services.create_token(liaison_deu, "two")
    assert first != second


@pytest.mark.parametrize("presented", ["", None, "Bearer x", "pf_short_abc", "xx_12345678_abc", "pf_"])
def test_malformed_tokens_authenticate_nobody(liaison_deu, presented) -> None:
    services.create_token(liaison_deu, "script")
    assert services.authenticate_token(presented) is None


def test_a_right_prefix_with_a_wrong_secret_authenticates_nobody(liaison_deu) -> None:
    token, plaintext = services.create_token(liaison_deu, "script")
    assert services.authenticate_token(f"pf_{token.prefix}_{'x' * 43}") is None
    assert services.authenticate_token(plaintext + "x") is None


def test_a_revoked_token_is_refused_and_the_revocation_recorded(liaison_deu) -> None:
    token, plaintext = services.create_token(liaison_deu, "script")
    services.revoke_token(liaison_deu, token)
    assert services.authenticate_token(plaintext) is None
    actions = [entry.action for entry in history_of(token)]
    assert actions == ["create", "revoke"]
    assert all("token_hash" not in (entry.after or {}) for entry in history_of(token))


def test_an_expired_token_is_refused(liaison_deu) -> None:
    token, plaintext = services.create_token(
        liaison_deu, "script", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.authenticate_token(plaintext) is None


def test_a_token_cannot_be_created_already_expired(liaison_deu) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_token(liaison_deu, "script", expires_at=timezone.now() - timedelta(days=1))
    assert "expires_at" in refused.value.message_dict


def test_a_token_needs_a_name(liaison_deu) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_token(liaison_deu, "   ")
    assert refused.value.message_dict["name"] == [
        "Give the token a name that says where it is used, e.g. 'reporting script'."
    ]


def test_a_deactivated_users_token_is_refused(liaison_deu) -> None:
    _, plaintext = services.create_token(liaison_deu, "script")
    liaison_deu.is_active = False
    liaison_deu.save()
    assert services.authenticate_token(plaintext) is None


def test_a_locked_out_users_token_is_refused(liaison_deu) -> None:
    _, plaintext = services.create_token(liaison_deu, "script")
    liaison_deu.locked_until = timezone.now() + timedelta(minutes=5)
    liaison_deu.save()
    assert services.authenticate_token(plaintext) is None


def test_another_user_cannot_revoke_or_even_find_a_token(liaison_deu, liaison_fra) -> None:
    token, plaintext = services.create_token(liaison_deu, "script")
    with pytest.raises(NotFound):
        services.revoke_token(liaison_fra, token)
    assert services.authenticate_token(plaintext) == liaison_deu


def test_a_coordinator_can_revoke_anyones_token(liaison_deu, coordinator) -> None:
    token, plaintext = services.create_token(liaison_deu, "script")
    services.revoke_token(coordinator, token)
    assert services.authenticate_token(plaintext) is None
    assert history_of(token).get(action="revoke").actor == coordinator


def test_revoking_twice_is_harmless_and_recorded_once(liaison_deu) -> None:
    token, _ = services.create_token(liaison_deu, "script")
    services.revoke_token(liaison_deu, token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    services.revoke_token(liaison_deu, token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert history_of(token).filter(action="revoke").count() == 1


def test_nobody_creates_tokens_for_someone_else_except_a_coordinator(
    liaison_deu, liaison_fra, coordinator
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_token(liaison_deu, "script", actor=liaison_fra)
    token, _ = services.create_token(liaison_deu, "script", actor=coordinator)
    assert token.user == liaison_deu
