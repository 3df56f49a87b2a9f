"""``pledgeflow plan --from-db``: plan the current database snapshot from the command line.

The command reads the same snapshot a plan run reads (:func:`pledgeflow.planning.snapshot.build_snapshot`),
synchronously and without storing a run: the plan goes to the output file like any other plan, so it can be
read with ``pledgeflow explain`` against the snapshot (``--snapshot-out`` keeps a copy of it). Runs that the
coordinators share, lock and publish are started through the API or the pages.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["plan_from_db"]


def plan_from_db(args: argparse.Namespace) -> tuple[Any, str]:
    """The scenario of the current database snapshot and a name for it in messages, for ``pledgeflow plan``.

    Starts Django with the configured database (``PLEDGEFLOW_DATABASE_URL``). Raises the command's
    ``InputError`` when a scenario file is named as well, and :class:`~pledgeflow.engine.errors.ScenarioError`
    when the snapshot breaks the contract (each issue naming the pledge, requirement or lock concerned).
    """
    from pledgeflow.cli.plan import InputError

    if getattr(args, "scenario", None):
        raise InputError(
            f"error: give either a scenario file ({args.scenario}) or --from-db, not both: --from-db plans "
            "the current database snapshot"
        )
    from pledgeflow.cli import django_setup

    django_setup.setup()
    from django.db import DatabaseError

    from pledgeflow.engine.errors import ScenarioError, ValidationIssue
    from pledgeflow.engine.scenario import dump_json, load_scenario
    from pledgeflow.planning.snapshot import build_snapshot, describe_issue

    try:
        snapshot = build_snapshot()
    except DatabaseError as exc:
        from django.conf import settings

        name = settings.DATABASES["default"].get("NAME")
        raise InputError(
            f"error: cannot read the snapshot from the database {name!s}: {exc}; check "
            "PLEDGEFLOW_DATABASE_URL and that the database is migrated (`pledgeflow manage migrate`)"
        ) from None
    data = dump_json(snapshot.document)
    snapshot_out = getattr(args, "snapshot_out", None)
    if snapshot_out:
        from pathlib import Path

        Path(snapshot_out).write_bytes(data)
    try:
        scenario = load_scenario(data)
    except ScenarioError as exc:
        document = snapshot.document
        issues = [
            ValidationIssue(issue.path, describe_issue(document, issue).removeprefix(f"{issue.path}: "))
            for issue in exc.errors
        ]
        raise ScenarioError(issues) from None
    version = (
        f"priority list {snapshot.list_version}" if snapshot.list_version else "no approved priority list"
    )
    return scenario, f"the database snapshot ({version}, starting {snapshot.document['start']})"
