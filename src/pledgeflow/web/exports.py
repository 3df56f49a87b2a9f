"""Columns shared by a page's table and its CSV and XLSX exports, and the export responses.

A page describes each table once, as a list of :class:`Column`: its header, how to read the raw value from a
row, how the page shows it (``kind``), which indexed field sorts it and where a cell links. The page renders
the columns over one page of rows; the export writes the same columns over **every** row of the same
queryset, i.e. the selector's visible records with the page's filters and sort applied. Because both walk
the same queryset, an export holds exactly what the user may see, filtered as shown.

Exports stream: CSV row by row (a hundred thousand rows never sit in memory), XLSX through openpyxl's
write-only workbook. Text cells that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) are prefixed with an apostrophe in CSV, the usual defence against formula injection; XLSX
cells are written as typed values, never as formulas.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify

__all__ = [
    "EXPORT_FORMATS",
    "Column",
    "export_response",
    "iterate_rows",
    "requested_export",
]

#: The formats every table exports to (the ``export`` query parameter).
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx")

#: Column kinds: how the page formats a value (the export writes the raw value).
KINDS = ("text", "int", "decimal", "money", "date", "datetime", "label", "status", "code")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of a table and of its exports.

    ``key`` names the column in the ``sort`` query parameter and in tests; ``header`` is shown (translated);
    ``value`` reads the raw value from a row (an int, Decimal, date, str or None); ``kind`` says how the page
    formats it (one of :data:`KINDS`); ``sort`` is the indexed field the page orders by when the user sorts
    on this column (None: not sortable); ``link`` gives the URL a cell links to; ``display`` gives the text
    the page shows when it differs from the exported value (a status's translated label, for instance).
    """

    key: str
    header: str | Promise
    value: Callable[[Any], Any]
    kind: str = "text"
    sort: str | None = None
    link: Callable[[Any], str | None] | None = None
    display: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}.")

    @property
    def numeric(self) -> bool:
        """True for numbers, which tables align right."""
        return self.kind in ("int", "decimal", "money")


def requested_export(request: HttpRequest) -> str | None:
    """The export format asked for by the ``export`` query parameter, or None for the page itself."""
    fmt = request.GET.get("export", "").lower()
    return fmt if fmt in EXPORT_FORMATS else None


def iterate_rows(rows: Iterable[Any]) -> Iterator[Any]:
    """Rows of a queryset in chunks (prefetches included), or of any other iterable as they come."""
    if isinstance(rows, QuerySet):
        # A chunked iterator keeps memory flat on large exports; prefetch_related works per chunk.
        return rows.iterator(chunk_size=2000)
    return iter(rows)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark lets spreadsheet programs open UTF-8 (Cyrillic, accents) correctly.
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    for row in iterate_rows(rows):
        yield writer.writerow([_csv_cell(c.value(row)) for c in columns])


#: Control characters a worksheet cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, compiled once here).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, _dt.datetime):
        # Excel has no time zones: write the local time without its offset.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, _dt.date):
        return value
    text = str(value)
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _xlsx_bytes(title: str, columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "export")[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in iterate_rows(rows):
        cells: list[Any] = []
        for column in columns:
            value = _xlsx_cell(column.value(row))
            if isinstance(value, str) and value.startswith("="):
                # Typed cells are never formulas: openpyxl would store text starting with "=" as one.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                # Plain values are several times faster than styled cells; dates get a date format anyway.
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(fmt: str, name: str, columns: Sequence[Column], rows: Iterable[Any]) -> HttpResponseBase:
    """A download of ``rows`` under ``columns`` as ``fmt`` (``csv`` or ``xlsx``), named ``<name>-<date>``.

    ``rows`` is what the page lists, before pagination: pass the page's filtered, sorted queryset.
    """
    stem = f"{slugify(name) or 'export'}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(_xlsx_bytes(name, columns, rows), content_type=_XLSX_MIME)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
