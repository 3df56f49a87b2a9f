"""Start Django for the commands that use the system of record."""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django from the environment (see :mod:`pledgeflow.config`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledgeflow.site.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Bring the configured database's schema up to date (creates a SQLite file if needed)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
