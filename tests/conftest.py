"""Shared test set-up: the database suites live in tests/db and run on SQLite and on PostgreSQL."""

from __future__ import annotations
