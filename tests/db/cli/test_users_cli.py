"""``pledgeflow createuser`` and ``pledgeflow token``, run in-process through the command line."""

from __future__ import annotations

import getpass
import io
import sys
from typing import Any

import pytest

from pledgeflow.accounts.models import ApiToken, User
from pledgeflow.accounts.services import authenticate_token
from pledgeflow.cli import main
from pledgeflow.core.models import ChangeRecord

pytestmark = pytest.mark.django_db

PASSWORD = "Leopard-2A4 arrives in spring"


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, so the command asks for the password."""

    def isatty(self) -> bool:
        return True


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line; return its exit status, stdout and stderr."""
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_createuser_reads_the_password_from_stdin_and_records_the_creation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))

    status, out, _ = run(
        ["createuser", "liaison-pol", "--role", "donor-liaison", "--nation", "POL", "--password-stdin"],
        capsys,
    )

    assert status == 0
    assert out == "Created user liaison-pol: Donor liaison for POL (Poland).\n"
    user = User.objects.get(username="liaison-pol")
    assert (user.role, user.nation_id) == ("donor_liaison", "POL")
    assert user.check_password(PASSWORD)
    assert ChangeRecord.objects.filter(
        entity="accounts.user", object_id=str(user.pk), action="create"
    ).exists()


def test_createuser_asks_twice_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))

    status, _, _ = run(["createuser", "analyst", "--role", "viewer"], capsys)

    assert status == 0
    assert User.objects.get(username="analyst").check_password(PASSWORD)


def test_createuser_refuses_two_different_passwords(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))

    status, _, err = run(["createuser", "analyst", "--role", "viewer"], capsys)

    assert status == 2
    assert "the two passwords differ" in err
    assert not User.objects.filter(username="analyst").exists()


def test_createuser_names_every_invalid_field_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))

    status, _, err = run(["createuser", "liaison-x", "--role", "donor_liaison", "--password-stdin"], capsys)

    assert status == 2
    assert "  nation: A donor liaison acts for one nation" in err
    assert "  password: This password is too short" in err
    assert not User.objects.filter(username="liaison-x").exists()


def test_createuser_refuses_an_unknown_role_and_nation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    status, _, err = run(["createuser", "x", "--role", "general", "--password-stdin"], capsys)
    assert status == 2 and "--role 'general' is not a role" in err

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    status, _, err = run(
        ["createuser", "x", "--role", "donor_liaison", "--nation", "XYZ", "--password-stdin"], capsys
    )
    assert status == 2 and "nation: No nation has the code 'XYZ'" in err


def test_createuser_without_a_terminal_or_stdin_password_says_how(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status, _, err = run(["createuser", "x", "--role", "viewer"], capsys)
    assert status == 2 and "--password-stdin" in err


def test_a_token_is_shown_once_authenticates_and_stops_when_revoked(
    liaison_deu: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(["token", "create", "liaison-deu", "--name", "reporting script"], capsys)

    assert status == 0
    plaintext = next(line.strip() for line in out.splitlines() if line.strip().startswith("pf_"))
    assert "only time the token is shown" in out
    token = ApiToken.objects.get(user=liaison_deu)
    assert plaintext not in token.token_hash and token.name == "reporting script"
    assert authenticate_token(plaintext) == liaison_deu

    status, out, _ = run(["token", "list", "liaison-deu"], capsys)
    assert status == 0
    header, row = out.splitlines()
    assert header.split() == ["PREFIX", "USER", "NAME", "CREATED", "LAST", "USED", "EXPIRES", "REVOKED"]
    assert row.startswith(token.prefix) and "reporting script" in row and row.endswith("no")
    assert plaintext not in out

    status, out, _ = run(["token", "revoke", token.prefix], capsys)
    assert status == 0 and "no longer authenticates" in out
    assert authenticate_token(plaintext) is None
    status, out, _ = run(["token", "list"], capsys)
    revoked_row = out.splitlines()[1]
    assert revoked_row.endswith(" UTC") and not revoked_row.endswith(" no")


def test_token_revoke_refuses_an_unknown_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["token", "revoke", "deadbeef"], capsys)
    assert status == 2 and "no token has the prefix 'deadbeef'" in err


def test_token_create_refuses_an_unknown_user(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["token", "create", "nobody"], capsys)
    assert status == 2 and "no user is called 'nobody'" in err
    assert not ApiToken.objects.exists()


def test_token_list_says_when_there_are_none(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["token", "list"], capsys)
    assert (status, out) == (0, "No API tokens.\n")
