"""``pledgeflow manage ...``: Django's own management commands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("manage", help="run one of Django's management commands (e.g. migrate, shell)")
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run_manage(argv: Sequence[str]) -> int:
    """Run ``django-admin`` with pledgeflow's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledgeflow.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pledgeflow manage", *argv])
    return 0
