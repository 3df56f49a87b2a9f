"""``pledgeflow demo``, ``pledgeflow serve`` and ``pledgeflow worker``.

The web application runs under gunicorn, a production-grade WSGI server; the background worker (Django's
tasks framework with the database queue of django-tasks-db) runs beside it as a child process, so one
command brings up everything a user needs. Stop both with Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser(
        "demo",
        help="create or reuse the local SQLite database, load the demo, create one user per role, and serve",
        description="Create or reuse the local SQLite database (var/pledgeflow.sqlite3 unless "
        "PLEDGEFLOW_DATABASE_URL says otherwise), migrate, load the demo data, create one demo user per role "
        "(their names and passwords are printed), and serve on http://127.0.0.1:PORT with the task worker.",
    )
    _add_server_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="prepare the database and users, then exit")
    demo.set_defaults(func=run_demo)

    serve = sub.add_parser(
        "serve",
        help="serve the web application and API with the task worker (needs PLEDGEFLOW_SECRET_KEY)",
        description="Migrate the database, then serve the pages and the API under gunicorn with the task "
        "worker beside it. Configured by the environment: PLEDGEFLOW_DATABASE_URL, PLEDGEFLOW_SECRET_KEY "
        "(required), PLEDGEFLOW_ALLOWED_HOSTS.",
    )
    _add_server_options(serve)
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start-up")
    serve.set_defaults(func=run_serve)

    worker = sub.add_parser(
        "worker", help="run the background task worker alone (plan runs and other long work)"
    )
    worker.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
    worker.set_defaults(func=run_worker)


def _add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    p.add_argument("--no-worker", action="store_true", help="do not start the background task worker")


def _demo_secret_key(home: Path) -> str:
    """A random key kept in the demo's home, so demo sign-ins survive a restart."""
    path = home / "demo-secret-key"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def run_demo(args: argparse.Namespace) -> int:
    """Prepare the demo database and users, then serve."""
    from pledgeflow import config

    cfg = config.load()
    if not os.environ.get("PLEDGEFLOW_SECRET_KEY"):
        os.environ["PLEDGEFLOW_SECRET_KEY"] = _demo_secret_key(cfg.home)
    from pledgeflow.cli import django_setup

    django_setup.setup()
    print(f"Database: {_describe_database()}")
    print("Applying migrations ...", flush=True)
    django_setup.migrate()
    from pledgeflow.demo import ensure_demo_data, ensure_demo_users

    summary = ensure_demo_data(progress=lambda message: print(f"  {message}", flush=True))
    print(f"Demo data: {summary}")
    users = ensure_demo_users()
    print("\nDemo users (passwords are new each time the demo starts):")
    width = max(len(u.username) for u in users)
    for u in users:
        print(f"  {u.username:<{width}}  {u.password}   {u.description}")
    if args.no_serve:
        return 0
    return _serve(args)


def run_serve(args: argparse.Namespace) -> int:
    """Serve with the configured database; refuses to start without a real secret key."""
    from pledgeflow import config

    cfg = config.load()
    if cfg.secret_key_is_placeholder:
        print(
            "PLEDGEFLOW_SECRET_KEY is not set: pledgeflow serve needs a long random secret, e.g.\n"
            '  export PLEDGEFLOW_SECRET_KEY="$(python3 -c '
            "'import secrets; print(secrets.token_urlsafe(50))')\"",
            file=sys.stderr,
        )
        return 2
    if len(cfg.secret_key) < 32:
        print("PLEDGEFLOW_SECRET_KEY is too short: use at least 32 random characters.", file=sys.stderr)
        return 2
    from pledgeflow.cli import django_setup

    django_setup.setup()
    print(f"Database: {_describe_database()}")
    if not args.no_migrate:
        django_setup.migrate()
    return _serve(args)


def run_worker(args: argparse.Namespace) -> int:
    """Run django-tasks-db's worker with pledgeflow's settings."""
    from pledgeflow.cli import django_setup

    django_setup.setup()
    from django.core.management import call_command

    options: dict[str, Any] = {"queue_name": "*", "interval": 1.0}
    if args.batch:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0


def _describe_database() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in str(db["ENGINE"]):
        return f"SQLite at {db['NAME']}"
    return f"PostgreSQL {db.get('NAME')} on {db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432}"


def _serve(args: argparse.Namespace) -> int:
    """Run gunicorn in this process and the task worker as a child; stop the child on exit."""
    from django.core.management import call_command

    # WhiteNoise then serves the files from one folder instead of searching every app's static folder.
    call_command("collectstatic", interactive=False, verbosity=0)
    worker: subprocess.Popen[bytes] | None = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "pledgeflow", "worker"])
        print(f"Task worker started (pid {worker.pid}).")
    print(
        f"Serving on http://{args.host}:{args.port}/  (API docs: /api/v1/docs) - press Ctrl+C to stop.",
        flush=True,
    )
    try:
        _gunicorn(
            {
                "bind": f"{args.host}:{args.port}",
                "workers": args.workers,
                "threads": 4,
                "timeout": 120,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "warning",
            }
        ).run()
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def _application() -> Any:
    from pledgeflow.site.wsgi import application

    return application


def _gunicorn(options: dict[str, Any]) -> Any:
    """gunicorn configured from Python instead of a config file.

    Imported only when serving, so that `pledgeflow plan` and the other commands start without it.
    """
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def __init__(self) -> None:
            self._options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self._options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return _application()

    return _Gunicorn()
