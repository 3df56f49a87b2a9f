"""Exit non-zero, saying why, when the database at the URL given cannot be reached."""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def main(url: str) -> int:
    cfg = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=cfg["HOST"] or "127.0.0.1",
            port=int(cfg["PORT"] or 5432),
            user=cfg["USER"] or "postgres",
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=10,
        ) as conn:
            version = conn.execute("select version()").fetchone()
    except psycopg.Error as exc:
        print(f"PostgreSQL at {url} is unreachable: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL reachable: {version[0] if version else '?'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
