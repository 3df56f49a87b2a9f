"""``pledgeflow createuser`` and ``pledgeflow token create|list|revoke``: accounts from the command line.

These commands run as the system (no signed-in user): whoever can run them can already read the database, so
they are the administrator's door. They still go through the accounts services, so every account and token
is validated exactly as in the API and written to the change history.

Exit statuses: 0 done, 2 invalid input (the message says which field and what would be right).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

ROLE_HELP = "coordinator, donor_liaison, recipient_officer, training_coordinator or viewer"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    create = sub.add_parser(
        "createuser",
        help="create a user account with a role (and the nation it acts for)",
        description="Create a user account. Donor liaisons and recipient officers act for one nation "
        "(--nation). The password is asked twice on a terminal, or read from standard input with "
        "--password-stdin (one line), and must pass the password rules (at least 10 characters, not common, "
        "not all digits, not like the user name).",
    )
    create.add_argument("username", help="the sign-in name, e.g. liaison-deu")
    create.add_argument("--role", required=True, help=ROLE_HELP)
    create.add_argument("--nation", help="ISO 3166 alpha-3 code of the nation the user acts for, e.g. DEU")
    create.add_argument("--email", default="", help="e-mail address (optional)")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    create.set_defaults(func=run_createuser)

    token = sub.add_parser(
        "token",
        help="create, list or revoke API tokens",
        description="API tokens authenticate scripts against /api/v1/ (header 'Authorization: Bearer "
        "<token>'). Only a hash is stored: the token is shown once, when it is created.",
    )
    actions = token.add_subparsers(dest="token_command", metavar="ACTION")
    t_create = actions.add_parser("create", help="create a token for a user and print it (shown once)")
    t_create.add_argument("username", help="the user the token acts as")
    t_create.add_argument(
        "--name",
        default="command line",
        help="what the token is for, e.g. 'reporting script' (default: %(default)s)",
    )
    t_create.add_argument("--expires-in-days", type=int, help="make the token expire after this many days")
    t_create.set_defaults(func=run_token_create)
    t_list = actions.add_parser("list", help="list tokens (all users, or one): prefix, name, dates, revoked")
    t_list.add_argument("username", nargs="?", help="only this user's tokens (default: everyone's)")
    t_list.set_defaults(func=run_token_list)
    t_revoke = actions.add_parser("revoke", help="revoke a token by its prefix (or its full text)")
    t_revoke.add_argument("prefix", help="the eight-character prefix shown by 'token list' (pf_PREFIX_...)")
    t_revoke.add_argument("--user", help="the token's user, when two users' tokens share the prefix")
    t_revoke.set_defaults(func=run_token_revoke)
    token.set_defaults(func=lambda args: _usage(token))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _setup() -> None:
    from pledgeflow.cli import django_setup

    django_setup.setup()


def _print_validation(error: Any, out: TextIO) -> None:
    """Print each field's messages of a Django ValidationError, one per line."""
    if hasattr(error, "message_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                out.write(f"  {field}: {message}\n")
    else:
        for message in error.messages:
            out.write(f"  {message}\n")


#: The longest a token may be made to last (ten years); longer is a mistake, not a policy.
MAX_TOKEN_DAYS = 3650


def normalise_role(text: str) -> str | None:
    """The role value for ``text`` (``donor-liaison``, ``Donor liaison`` and ``donor_liaison`` all work)."""
    from pledgeflow.accounts.choices import Role

    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {
        "liaison": Role.DONOR_LIAISON,
        "recipient": Role.RECIPIENT_OFFICER,
        "training": Role.TRAINING_COORDINATOR,
    }
    if not key:
        return None
    if key in Role.values:
        return key
    if key in aliases:
        return str(aliases[key])
    # A prefix names a role only when it names exactly one (an account's role is never a guess).
    matches = [
        v for v, label in Role.choices if label.lower().replace(" ", "_").replace("/", "").startswith(key)
    ]
    return str(matches[0]) if len(matches) == 1 else None


def read_password(
    args: argparse.Namespace,
    stdin: TextIO,
    prompt: Callable[[str], str] | None = None,
) -> tuple[str | None, str | None]:
    """The new password, or an error message: from stdin with --password-stdin, else asked twice."""
    ask = prompt or getpass.getpass
    if args.password_stdin:
        line = stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            return None, "no password on standard input: give it as the first line"
        return password, None
    if not stdin.isatty():
        return None, "standard input is not a terminal, so the password cannot be asked; use --password-stdin"
    first = ask(f"Password for {args.username}: ")
    second = ask("Password again: ")
    if first != second:
        return None, "the two passwords differ; nothing was created"
    return first, None


def run_createuser(args: argparse.Namespace) -> int:
    """Create the account; print what was created or every reason it was refused."""
    role = normalise_role(args.role)
    if role is None:
        sys.stderr.write(
            f"pledgeflow createuser: --role {args.role!r} is not a role; use one of {ROLE_HELP}.\n"
        )
        return 2
    password, problem = read_password(args, sys.stdin)
    if password is None:
        sys.stderr.write(f"pledgeflow createuser: {problem}.\n")
        return 2
    _setup()
    from pledgeflow.accounts.services import create_user
    from pledgeflow.core.errors import ValidationError

    try:
        user = create_user(args.username, password, role, args.nation, email=args.email)
    except ValidationError as exc:
        sys.stderr.write(f"pledgeflow createuser: user {args.username!r} was not created:\n")
        _print_validation(exc, sys.stderr)
        return 2
    print(f"Created user {user.username}: {describe_user(user)}.")
    return 0


def describe_user(user: Any) -> str:
    """``Donor liaison for DEU (Germany)``: the role and, for nation-bound roles, the nation."""
    text = str(user.get_role_display())
    if user.nation_id:
        text += f" for {user.nation_id} ({user.nation.name})"
    return text


def _find_user(username: str) -> Any:
    from pledgeflow.accounts.models import User

    try:
        return User.objects.select_related("nation").get(username=username)
    except User.DoesNotExist:
        return None


def run_token_create(args: argparse.Namespace) -> int:
    """Create a token and print it once."""
    _setup()
    from django.utils import timezone

    from pledgeflow.accounts.services import create_token
    from pledgeflow.core.errors import ValidationError

    user = _find_user(args.username)
    if user is None:
        sys.stderr.write(f"pledgeflow token create: no user is called {args.username!r}.\n")
        return 2
    expires_at = None
    if args.expires_in_days is not None:
        if not 0 < args.expires_in_days <= MAX_TOKEN_DAYS:
            sys.stderr.write(
                "pledgeflow token create: --expires-in-days must be a whole number of days from 1 to "
                f"{MAX_TOKEN_DAYS}.\n"
            )
            return 2
        expires_at = timezone.now() + timedelta(days=args.expires_in_days)
    try:
        token, plaintext = create_token(user, args.name, expires_at=expires_at)
    except ValidationError as exc:
        sys.stderr.write(f"pledgeflow token create: no token was created for {user.username}:\n")
        _print_validation(exc, sys.stderr)
        return 2
    print(f"API token {token.name!r} for {user.username} ({describe_user(user)}), prefix {token.prefix}:")
    print()
    print(f"  {plaintext}")
    print()
    print("This is the only time the token is shown: store it now (only its hash is kept).")
    if expires_at is not None:
        print(f"It expires on {_when(expires_at)}.")
    print(
        f"Use it as 'Authorization: Bearer <token>'; revoke it with: pledgeflow token revoke {token.prefix}"
    )
    return 0


def _when(moment: datetime | None) -> str:
    """A moment as ``2026-11-27 22:50 UTC`` (``-`` for none)."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_token_list(args: argparse.Namespace) -> int:
    """List tokens, newest first, as a table; secrets are never stored, so never shown."""
    _setup()
    from pledgeflow.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at", "-id")
    if args.username:
        user = _find_user(args.username)
        if user is None:
            sys.stderr.write(f"pledgeflow token list: no user is called {args.username!r}.\n")
            return 2
        tokens = tokens.filter(user=user)
    rows = [
        (
            t.prefix,
            t.user.username,
            t.name,
            _when(t.created_at),
            _when(t.last_used_at) if t.last_used_at else "never",
            _when(t.expires_at) if t.expires_at else "-",
            _when(t.revoked_at) if t.revoked_at else "no",
        )
        for t in tokens
    ]
    if not rows:
        print("No API tokens." if not args.username else f"{args.username} has no API tokens.")
        return 0
    header = ("PREFIX", "USER", "NAME", "CREATED", "LAST USED", "EXPIRES", "REVOKED")
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    """Revoke the one token with this prefix (narrowed by --user when two share it)."""
    _setup()
    from pledgeflow.accounts.models import ApiToken
    from pledgeflow.accounts.services import revoke_token

    prefix = args.prefix.strip()
    if prefix.startswith("pf_"):
        # A whole token pasted in: its second part is the prefix.
        prefix = prefix.split("_")[1] if prefix.count("_") >= 2 else prefix
    tokens = ApiToken.objects.select_related("user").filter(prefix=prefix)
    if args.user:
        tokens = tokens.filter(user__username=args.user)
    found = list(tokens)
    if not found:
        whose = f" of user {args.user!r}" if args.user else ""
        sys.stderr.write(
            f"pledgeflow token revoke: no token{whose} has the prefix {prefix!r}; "
            "'pledgeflow token list' shows the prefixes.\n"
        )
        return 2
    if len(found) > 1:
        users = ", ".join(sorted(t.user.username for t in found))
        sys.stderr.write(
            f"pledgeflow token revoke: {len(found)} tokens have the prefix {prefix!r} (users {users}); "
            "name the user with --user.\n"
        )
        return 2
    token = found[0]
    if token.revoked_at is not None:
        print(
            f"Token {token.prefix} ({token.name!r}, {token.user.username}) was already revoked on "
            f"{_when(token.revoked_at)}."
        )
        return 0
    revoke_token(None, token)
    print(
        f"Revoked token {token.prefix} ({token.name!r}) of {token.user.username}; it no longer authenticates."
    )
    return 0
