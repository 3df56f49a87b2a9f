"""``pledgeflow import FILE`` and ``pledgeflow export -o FILE``: scenario documents in and out of the record.

    pledgeflow import SCENARIO.json [--family-area AREA] [--dry-run] [--as USERNAME]
    pledgeflow export -o SCENARIO.json [--start YYYY-MM-DD] [--list-version LABEL] [--with-locks]

Import checks the whole document first (the scenario contract, then the record's own rules) and either writes
everything in one transaction or nothing: every problem is printed as ``path: message`` on stderr and the exit
status is 2. Export writes the current record as a canonical ``pledgeflow/scenario-v1`` document, atomically
(a temporary file renamed over the target, so a failed export never leaves a partial file). Both run as the
system, with the database of ``PLEDGEFLOW_DATABASE_URL``. docs/import-export.md has the details.

Exit status: 0 done; 2 invalid input (nothing written); 1 any other failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser(
        "import",
        help="import a scenario document into the record (all of it, or nothing)",
        description="Check a pledgeflow/scenario-v1 document as a whole and write it to the record in one "
        "transaction. Every problem is listed with its JSON path and nothing is written (exit status 2). "
        "Families, items, locations and routes are created or updated; requirements and pledges are "
        "created, and existing ones must match. See docs/import-export.md.",
    )
    imp.add_argument(
        "file", metavar="SCENARIO.json", help="the document to import ('-' reads standard input)"
    )
    imp.add_argument(
        "--family-area",
        metavar="AREA",
        help="capability area (e.g. artillery) for families neither the catalogue nor pledgeflow knows",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
    imp.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="record the import in the history as this coordinator's (default: the system)",
    )
    imp.set_defaults(func=run_import)

    exp = sub.add_parser(
        "export",
        help="export the record as a scenario document",
        description="Write the record as a pledgeflow/scenario-v1 document: the current priority list's "
        "requirements (except cancelled ones), every pledge except declined and withdrawn ones, the "
        "catalogue, locations and routes. The same record always gives the same bytes. "
        "See docs/import-export.md.",
    )
    exp.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write ('-' for stdout)")
    exp.add_argument("--start", metavar="YYYY-MM-DD", help="the scenario's first day (default: today, UTC)")
    exp.add_argument(
        "--list-version",
        metavar="LABEL",
        help="export the requirements of this priority-list version (default: the current approved one)",
    )
    exp.add_argument(
        "--with-locks",
        action="store_true",
        help="include the active locks (for planning what-ifs; an import refuses locks)",
    )
    exp.set_defaults(func=run_export)


def _database_ready() -> str | None:
    """Start Django; None when the database is migrated, else a message saying what to do."""
    from pledgeflow.cli import django_setup

    django_setup.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # an unreachable server, bad credentials, ...
        return f"cannot use the database: {exc}"
    if pending:
        return "the database is not up to date: run 'pledgeflow manage migrate' first"
    return None


def run_import(args: argparse.Namespace) -> int:
    """Import the file; print what was created and updated, or every error."""
    name = "standard input" if args.file == "-" else args.file
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"pledgeflow import: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    problem = _database_ready()
    if problem:
        print(f"pledgeflow import: {problem}", file=sys.stderr)
        return EXIT_FAILURE
    from pledgeflow.accounts.models import User
    from pledgeflow.accounts.permissions import is_coordinator
    from pledgeflow.engine.errors import ScenarioError
    from pledgeflow.interchange import import_scenario

    actor = None
    if args.as_user:
        actor = User.objects.filter(username=args.as_user).first()
        if actor is None or not is_coordinator(actor):
            print(
                f"pledgeflow import: --as {args.as_user!r} must name an active coordinator's account",
                file=sys.stderr,
            )
            return EXIT_INVALID
    try:
        result = import_scenario(data, actor, family_area=args.family_area, dry_run=args.dry_run)
    except ScenarioError as exc:
        count = len(exc.errors)
        print(
            f"pledgeflow import: {name} cannot be imported ({count} error{'s' if count != 1 else ''}); "
            "nothing was written:",
            file=sys.stderr,
        )
        for issue in exc.errors:
            print(f"  {issue.path}: {issue.message}", file=sys.stderr)
        return EXIT_INVALID
    if args.dry_run:
        print(f"{name} can be imported (dry run: nothing was written). It would give:")
    elif result.changed:
        print(f"Imported {name} in one transaction:")
    else:
        print(f"{name} is already in the record: nothing to change.")
    for line in result.lines():
        print(f"  {line}")
    for note in result.notes:
        print(f"  note: {note}")
    return EXIT_OK


def parse_start(text: str | None) -> date | None:
    """``--start``: a calendar date written exactly YYYY-MM-DD; ValueError with a clear message otherwise."""
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        raise ValueError(f"--start must be a date written YYYY-MM-DD (e.g. 2026-03-01), not {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--start {text!r} is not a real calendar date") from None


def write_atomically(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` so readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk and renamed over ``target``; on
    any failure the temporary file is removed and ``target`` is left as it was.
    """
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp creates the file private (0600); an export is an ordinary document.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def run_export(args: argparse.Namespace) -> int:
    """Export the record and write it atomically."""
    try:
        start = parse_start(args.start)
    except ValueError as exc:
        print(f"pledgeflow export: {exc}", file=sys.stderr)
        return EXIT_INVALID
    target = None if args.output == "-" else Path(args.output)
    if target is not None and not (target.parent if str(target.parent) else Path(".")).is_dir():
        print(
            f"pledgeflow export: the folder of {args.output} does not exist; nothing was written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    problem = _database_ready()
    if problem:
        print(f"pledgeflow export: {problem}", file=sys.stderr)
        return EXIT_FAILURE
    import json

    from pledgeflow.core.errors import NotFound
    from pledgeflow.engine.errors import ScenarioError
    from pledgeflow.interchange import export_bytes

    try:
        data = export_bytes(start, list_version=args.list_version, with_locks=args.with_locks)
    except NotFound:
        print(
            f"pledgeflow export: no priority-list version is labelled {args.list_version!r}; "
            "nothing was written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except ScenarioError as exc:
        # The record holds something the format cannot express; say what rather than write a bad file.
        print("pledgeflow export: the record cannot be written as a valid scenario:", file=sys.stderr)
        for issue in exc.errors:
            print(f"  {issue.path}: {issue.message}", file=sys.stderr)
        return EXIT_FAILURE
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_atomically(data, target)
    except OSError as exc:
        print(
            f"pledgeflow export: cannot write {args.output}: {exc.strerror or exc}; nothing was written",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    doc = json.loads(data)
    print(
        f"Wrote {args.output}: {len(doc['items'])} items, {len(doc['locations'])} locations, "
        f"{len(doc['routes'])} routes, {len(doc['requirements'])} requirements, "
        f"{len(doc['pledges'])} pledges; start {doc['start']}."
    )
    return EXIT_OK
