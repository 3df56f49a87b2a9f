"""The ``pledgeflow`` command.

Each sub-command lives in its own module of this package and exposes ``register(subparsers)``, which
adds its parser and sets ``func`` to a callable taking the parsed arguments and returning the exit
status. Commands that touch the database call :func:`pledgeflow.cli.django_setup.setup` first; engine
commands never import Django.

Exit statuses: 0 success, 1 failure, 2 invalid input (the error lists say what and where).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pledgeflow import __version__

# Order is the order of `pledgeflow --help`.
_COMMAND_MODULES = (
    "pledgeflow.cli.plan",
    "pledgeflow.cli.explain",
    "pledgeflow.cli.server",
    "pledgeflow.cli.scenario_io",
    "pledgeflow.cli.users",
    "pledgeflow.cli.manage",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="pledgeflow",
        description="Coordinate security assistance and training: record, plan, explain, serve.",
    )
    parser.add_argument("--version", action="version", version=f"pledgeflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `pledgeflow manage ...` hands everything after it to Django untouched.
    if args_list[:1] == ["manage"]:
        from pledgeflow.cli.manage import run_manage

        return run_manage(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not as noise at interpreter exit
        return status
    except BrokenPipeError:
        # The reader went away (`pledgeflow explain ... | head`): stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
