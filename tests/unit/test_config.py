"""Configuration read from the environment, and the server's refusal to run with a placeholder secret."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pledgeflow import config
from pledgeflow.cli import server


def test_defaults_to_a_sqlite_file_in_the_home_folder(tmp_path: Path) -> None:
    cfg = config.load({"PLEDGEFLOW_HOME": str(tmp_path)})
    assert cfg.database_url == f"sqlite:///{tmp_path / 'pledgeflow.sqlite3'}"
    assert cfg.allowed_hosts == ("127.0.0.1", "localhost")
    assert cfg.secret_key_is_placeholder
    assert not cfg.debug
    assert not cfg.https


def test_reads_every_variable() -> None:
    cfg = config.load(
        {
            "PLEDGEFLOW_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/pledgeflow",
            "PLEDGEFLOW_SECRET_KEY": "k" * 50,
            "PLEDGEFLOW_ALLOWED_HOSTS": " cell.example , , api.cell.example",
            "PLEDGEFLOW_DEBUG": "1",
            "PLEDGEFLOW_HTTPS": "yes",
        }
    )
    assert cfg.database_url.startswith("postgresql://")
    assert not cfg.secret_key_is_placeholder
    assert cfg.allowed_hosts == ("cell.example", "api.cell.example")
    assert cfg.debug and cfg.https


def test_refuses_a_database_url_it_cannot_serve_and_says_what_would_work() -> None:
    with pytest.raises(config.ConfigurationError, match=r"mysql://.*sqlite:///path/to/file.sqlite3"):
        config.load({"PLEDGEFLOW_DATABASE_URL": "mysql://root@localhost/pledgeflow"})


def _serve_args() -> argparse.Namespace:
    return argparse.Namespace(host="127.0.0.1", port=0, workers=1, no_worker=True, no_migrate=True)


def test_serve_refuses_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PLEDGEFLOW_SECRET_KEY", raising=False)
    assert server.run_serve(_serve_args()) == 2
    assert "PLEDGEFLOW_SECRET_KEY is not set" in capsys.readouterr().err


def test_serve_refuses_a_short_secret_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLEDGEFLOW_SECRET_KEY", "too-short")
    assert server.run_serve(_serve_args()) == 2
    assert "too short" in capsys.readouterr().err
