"""What every page shares: the home page, table pages (filter, sort, paginate, export) and error mapping.

A table page is one queryset from a selector (visibility already applied), narrowed by the page's filter
form, sorted by an indexed column the user picked and cut into pages. The same queryset, unpaginated, feeds
the CSV and XLSX exports, so an export is exactly the table as shown, every page of it. An HTMX request aimed
at the table region (``HX-Target: table-region``) gets the region alone; every other request the whole page,
so the pages work with JavaScript off.

Forms call the services; :func:`apply_service_error` turns what a service raises into messages beside the
fields (``ValidationError``), a banner keeping the user's input (``StaleVersion``), or a refusal
(``PermissionDenied``, ``InvalidTransition``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pledgeflow.core.errors import (
    NON_FIELD_ERRORS,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from pledgeflow.pledges.choices import MilestoneKind
from pledgeflow.web.choice_labels import FIELD_LABELS
from pledgeflow.web.exports import Column, export_response, requested_export

__all__ = [
    "PAGE_SIZES",
    "Cell",
    "TablePage",
    "apply_service_error",
    "home",
    "is_table_request",
    "not_found",
    "query_string",
    "table_page",
]

#: Page sizes a user may pick; the first is the default.
PAGE_SIZES: tuple[int, ...] = (50, 100, 200)

#: The id of the element a table page swaps on HTMX requests.
TABLE_REGION = "table-region"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page every role sees: the overview, with what the role may see."""
    from pledgeflow.web.pages.overview import overview

    return overview(request)


def not_found(exc: NotFound) -> Http404:
    """A 404 for a record that does not exist or that the user may not see (the two read the same)."""
    return Http404(str(exc))


def is_table_request(request: HttpRequest) -> bool:
    """True for an HTMX request that wants only the table region back."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == TABLE_REGION


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (None removes a key); empty values dropped."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value if v not in (None, ""))
        else:
            pairs.append((key, str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


@dataclass(frozen=True)
class Cell:
    """One cell as the table template draws it: the value to format, its kind, a link if any."""

    value: Any
    kind: str
    href: str | None = None
    numeric: bool = False
    raw: Any = None


@dataclass
class HeaderCell:
    """A column header: its text, and for sortable columns the link that sorts by it and the current order."""

    key: str
    text: str
    numeric: bool
    sort_href: str | None = None
    order: str | None = None  # "ascending" / "descending" when the table is sorted by this column


@dataclass
class TablePage:
    """A table ready to draw: headers, one page of rows as cells, the pager and the export links."""

    caption: str
    headers: list[HeaderCell]
    rows: list[list[Cell]]
    page: Page[Any]
    total: int
    params: dict[str, Any]
    page_size: int
    export_links: list[tuple[str, str]] = field(default_factory=list)
    empty_text: str = ""
    objects: list[Any] = field(default_factory=list)

    def page_href(self, number: int) -> str:
        """The link to page ``number`` keeping the filters and the sort."""
        return query_string(self.params, page=number)

    @property
    def previous_href(self) -> str | None:
        """The link to the previous page, if any."""
        return self.page_href(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_href(self) -> str | None:
        """The link to the next page, if any."""
        return self.page_href(self.page.next_page_number()) if self.page.has_next() else None

    @property
    def first_href(self) -> str | None:
        """The link to the first page, unless on it."""
        return self.page_href(1) if self.page.number > 1 else None

    @property
    def last_href(self) -> str | None:
        """The link to the last page, unless on it."""
        last = self.page.paginator.num_pages
        return self.page_href(last) if self.page.number < last else None


def _sort_choice(request: HttpRequest, columns: Sequence[Column], default: str) -> tuple[str, bool]:
    """The column key to sort by and whether descending, from ``?sort=key`` or ``?sort=-key``."""
    wanted = request.GET.get("sort", "") or default
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    if not any(c.key == key and c.sort for c in columns):
        descending = default.startswith("-")
        key = default.lstrip("-")
    return key, descending


def _order_fields(sort_field: str, descending: bool, tiebreak: Sequence[str]) -> list[str]:
    fields = [part.strip() for part in sort_field.split(",")]
    ordered = [("-" + f if descending else f) for f in fields]
    for extra in tiebreak:
        if extra.lstrip("-") not in fields:
            ordered.append(("-" + extra.lstrip("-")) if descending else extra)
    return ordered


def _cells(columns: Sequence[Column], row: Any) -> list[Cell]:
    cells = []
    for column in columns:
        raw = column.value(row)
        shown = column.display(row) if column.display else raw
        href = column.link(row) if column.link else None
        cells.append(Cell(shown, column.kind, href, column.numeric, raw))
    return cells


def table_page(
    request: HttpRequest,
    *,
    queryset: QuerySet[Any],
    columns: Sequence[Column],
    default_sort: str,
    caption: str,
    export_name: str,
    tiebreak: Sequence[str] = ("pk",),
    empty_text: str = "",
) -> TablePage | HttpResponseBase:
    """Sort, paginate and draw ``queryset`` as a table, or answer its export when ``?export=`` asks for one.

    ``queryset`` is the selector's visible records with the page's filters applied. Sorting uses the
    column's indexed ``sort`` field(s) then ``tiebreak`` (unique), so pages are stable and an index serves
    them. Returns a :class:`TablePage` for the template, or the export response.
    """
    key, descending = _sort_choice(request, columns, default_sort)
    column = next(c for c in columns if c.key == key)
    assert column.sort is not None
    ordered = queryset.order_by(*_order_fields(column.sort, descending, tiebreak))

    fmt = requested_export(request)
    if fmt is not None:
        return export_response(fmt, export_name, columns, ordered)

    params = {k: request.GET.getlist(k) for k in request.GET if k not in ("page", "export", "partial")}
    params = {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}
    try:
        size = int(request.GET.get("size", PAGE_SIZES[0]))
    except ValueError:
        size = PAGE_SIZES[0]
    if size not in PAGE_SIZES:
        size = PAGE_SIZES[0]
    paginator = Paginator(ordered, size)
    page = paginator.get_page(request.GET.get("page"))
    objects = list(page.object_list)

    headers = []
    for c in columns:
        header = HeaderCell(c.key, str(c.header), c.numeric)
        if c.sort:
            current = c.key == key
            next_sort = c.key if (not current or descending) else "-" + c.key
            header.sort_href = query_string(params, sort=next_sort, page=None)
            if current:
                header.order = "descending" if descending else "ascending"
        headers.append(header)
    export_links = [(fmt_name, query_string(params, export=fmt_name)) for fmt_name in ("csv", "xlsx")]
    return TablePage(
        caption=caption,
        headers=headers,
        rows=[_cells(columns, row) for row in objects],
        page=page,
        total=paginator.count,
        params=params,
        page_size=size,
        export_links=export_links,
        empty_text=empty_text or _("Nothing matches these filters."),
        objects=objects,
    )


def render_table_page(
    request: HttpRequest,
    template: str,
    table: TablePage | HttpResponseBase,
    context: dict[str, Any],
    *,
    region_template: str = "web/components/table_region.html",
) -> HttpResponseBase:
    """Render the whole page, or only the table region for an HTMX request; pass exports through."""
    if not isinstance(table, TablePage):
        return table
    context = {**context, "table": table}
    if is_table_request(request):
        return render(request, region_template, context)
    return render(request, template, context)


# --- forms and the services' errors ------------------------------------------------------------------------


def apply_service_error(form: forms.Form, exc: Exception, *, field_map: dict[str, str] | None = None) -> bool:
    """Show what a service refused on ``form``; True when handled (the page re-renders the form).

    A ValidationError's messages go beside the fields they name (``field_map`` renames service fields to
    form fields), the rest above the form. StaleVersion and InvalidTransition become a message above the
    form; the user's input stays in the form. Other exceptions are not handled (False).
    """
    mapping = field_map or {}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                target = mapping.get(name, name)
                if target in form.fields:
                    form.add_error(target, messages)
                elif name == NON_FIELD_ERRORS:
                    form.add_error(None, messages)
                else:
                    form.add_error(None, [f"{name}: {m}" for m in messages])
        else:
            form.add_error(None, exc.messages)
        return True
    if isinstance(exc, StaleVersion):
        form.add_error(
            None,
            _(
                "Someone else changed this record while you were editing it (it is now at version "
                "%(current)s; you started from version %(expected)s). Your input is kept below and the "
                "current values are shown beside the fields that differ: check them and save again to apply "
                "your changes to version %(current)s."
            )
            % {"current": exc.current_version, "expected": exc.expected_version},
        )
        return True
    if isinstance(exc, InvalidTransition):
        allowed = ", ".join(exc.allowed) or _("none (this is a final state)")
        form.add_error(
            None,
            _("This change is not allowed from “%(current)s”; allowed next: %(allowed)s.")
            % {"current": exc.current, "allowed": allowed},
        )
        return True
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return True
    return False


def service_call(form: forms.Form, call: Callable[[], Any], **kwargs: Any) -> tuple[bool, Any]:
    """Run ``call``; on a refusal the service raised, put it on ``form`` and answer (False, None)."""
    try:
        return True, call()
    except (ValidationError, StaleVersion, InvalidTransition, PermissionDenied) as exc:
        apply_service_error(form, exc, **kwargs)
        return False, None


# --- history -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One change as the history component shows it: when, who, what, and each field before and after."""

    at: Any
    actor: str
    action: str
    note: str
    changes: list[dict[str, Any]]


#: What each action written to the change history reads as (milestone names use their own labels).
_ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Updated"),
    "retire": gettext_lazy("Retired"),
    "restore": gettext_lazy("Restored"),
    "cancel": gettext_lazy("Cancelled"),
    "withdraw": gettext_lazy("Withdrawn"),
    "transition": gettext_lazy("Status changed"),
    "submit": gettext_lazy("Submitted"),
    "return": gettext_lazy("Returned to draft"),
    "approve": gettext_lazy("Approved"),
    "close": gettext_lazy("Closed"),
}


def _action_label(action: str) -> str:
    """The action of a change record in the active language; an action no list knows is shown as written."""
    if action in _ACTION_LABELS:
        return str(_ACTION_LABELS[action])
    milestone = dict(MilestoneKind.choices).get(action)
    return _(milestone) if milestone else action


def _model_of(entity: str) -> Any:
    try:
        return apps.get_model(entity)
    except (LookupError, ValueError):
        return None


def _field_label(model: Any, name: str) -> str:
    """The field's name in the active language: the pages' own label, else the model's verbose name, else the
    name as stored (a field the model no longer has)."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        field_ = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field_ = None
    verbose = getattr(field_, "verbose_name", None)
    return capfirst(str(verbose)) if verbose else name


def _value_label(model: Any, name: str, value: Any) -> Any:
    """A stored choice value (``"draft"``) as its translated label; other values as they were stored."""
    try:
        field_ = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return value
    choices = dict(getattr(field_, "flatchoices", None) or ())
    if isinstance(value, str) and value in choices:
        return _(str(choices[value]))
    return value


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "\u2013"
    if value is None or value == "":
        return "\u2013"
    return value


def history_entries(
    records: Any, *, hidden: Sequence[str] = ("version", "updated_at", "created_at")
) -> list[HistoryEntry]:
    """The change records of one record (from a selector's ``..._history_for``) ready for the template.

    A creation lists every value; a change only the fields whose value differs. ``hidden`` fields (version
    counters and timestamps, which every change moves) are left out.
    """
    entries = []
    for record in records:
        before = record.before or {}
        after = record.after or {}
        changes = []
        model = _model_of(record.entity)
        for name in after:
            if name in hidden:
                continue
            label = _field_label(model, name)
            shown_after = _shown(_value_label(model, name, after[name]))
            if record.before is None:
                if after[name] in (None, "", []):
                    continue
                changes.append({"field": label, "name": name, "before": None, "after": shown_after})
            elif before.get(name) != after[name]:
                changes.append(
                    {
                        "field": label,
                        "name": name,
                        "before": _shown(_value_label(model, name, before.get(name))),
                        "after": shown_after,
                    }
                )
        entries.append(
            HistoryEntry(
                at=record.at,
                actor=record.actor.get_username() if record.actor_id else "",
                action=_action_label(record.action),
                note=record.note,
                changes=changes,
            )
        )
    return entries
