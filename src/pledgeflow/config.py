"""Configuration in one place, read from the environment once at start-up.

- ``PLEDGEFLOW_DATABASE_URL``: ``sqlite:///path/to/file.sqlite3`` or ``postgresql://user@host:port/db``
  (default ``sqlite:///<home>/pledgeflow.sqlite3``).
- ``PLEDGEFLOW_HOME``: folder for the local database and other state (default ``./var``).
- ``PLEDGEFLOW_SECRET_KEY``: Django's signing key; ``pledgeflow serve`` refuses to start without one.
- ``PLEDGEFLOW_ALLOWED_HOSTS``: comma-separated host names the server answers to (default
  ``127.0.0.1,localhost``).
- ``PLEDGEFLOW_DEBUG``: ``1`` shows Django's debug pages; never in production (default ``0``).
- ``PLEDGEFLOW_HTTPS``: ``1`` when users reach pledgeflow over HTTPS through a TLS-terminating proxy that sets
  ``X-Forwarded-Proto``: cookies are then sent over HTTPS only and browsers are told to keep to HTTPS
  (default ``0``, as for the demo on http://127.0.0.1).

Nothing here connects to anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Used only when no key is configured: fine for migrate, import, export and tests; refused by `serve`.
INSECURE_PLACEHOLDER_KEY = "pledgeflow-insecure-placeholder-key-not-for-serving"


class ConfigurationError(ValueError):
    """The environment asks for something pledgeflow cannot run with; the message says which variable."""


@dataclass(frozen=True)
class Config:
    """The settings pledgeflow reads from its environment."""

    home: Path
    database_url: str
    secret_key: str
    allowed_hosts: tuple[str, ...]
    debug: bool
    https: bool = False

    @property
    def secret_key_is_placeholder(self) -> bool:
        """True when no real secret key was configured."""
        return self.secret_key == INSECURE_PLACEHOLDER_KEY


def load(environ: dict[str, str] | None = None) -> Config:
    """Read the configuration from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("PLEDGEFLOW_HOME", "var")).resolve()
    database_url = env.get("PLEDGEFLOW_DATABASE_URL") or f"sqlite:///{home / 'pledgeflow.sqlite3'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigurationError(
            f"PLEDGEFLOW_DATABASE_URL={database_url!r} is not supported: "
            "use sqlite:///path/to/file.sqlite3 or postgresql://user@host:port/dbname"
        )
    hosts = tuple(
        h.strip() for h in env.get("PLEDGEFLOW_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
    )
    return Config(
        home=home,
        database_url=database_url,
        secret_key=env.get("PLEDGEFLOW_SECRET_KEY") or INSECURE_PLACEHOLDER_KEY,
        allowed_hosts=hosts,
        debug=_flag(env.get("PLEDGEFLOW_DEBUG", "0")),
        https=_flag(env.get("PLEDGEFLOW_HTTPS", "0")),
    )


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
