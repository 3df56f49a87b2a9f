"""What every router of the JSON API shares: authentication, the error shape, pagination, ordering, versions.

The routers in each app translate HTTP to service calls and selector queries and back; everything they have in
common lives here so that each door answers in the same way:

- **Authentication** (:data:`AUTH`): ``Authorization: Bearer <token>`` for programs, the Django session
  (with a CSRF check on writes) for the pages' HTMX calls. Without either the answer is 401.
- **Errors** (:func:`install_error_handlers`): one JSON shape for every refusal,
  ``{"detail": "...", "errors": [{"field", "path", "message"}], ...}``; see ``docs/api.md``.

  =========================================  ======  =====================================================
  raised                                      status  body
  =========================================  ======  =====================================================
  Django ``ValidationError`` (services)       422     ``errors`` names each field (path ``body.<field>``)
  ninja ``ValidationError`` (request shape)   422     ``errors`` names each field (path ``body.x``,
                                                      ``query.x``, ``path.x``)
  :class:`ApiValidationError` (this module)   422     ``errors`` as given (e.g. ``query.ordering``)
  ``NotFound``                                404     never says whether the record exists
  ``PermissionDenied``                        403
  ``StaleVersion``                            409     ``current_version`` and an ``ETag`` header
  ``InvalidTransition``                       409     ``allowed_transitions``
  ``IntegrityError`` (a race the services'    409     asks to read again and retry
  own checks could not see)
  :class:`VersionRequired`                    428     names the missing ``version``
  =========================================  ======  =====================================================

- **Lists** (:func:`paginate`, :func:`order_by`): ``limit``/``offset`` with the total ``count`` (the page
  found by its keys first, then loaded with its related records), whitelisted
  ``ordering`` with ``-`` for descending and the primary key as the last, stable tiebreak.
- **Versions** (:func:`expected_version`, :func:`set_etag`): retrieve answers ``version`` and ``ETag: "<n>"``;
  an update names the version it was based on in its ``version`` field or ``If-Match``.
- **Standard endpoints** (:class:`RecordEndpoints`): the bodies of create, retrieve, update, the versioned
  actions (retire, restore, cancel, ...) and history, the same for every kind of versioned record. Each
  router still declares every endpoint itself, with its path, schemas and description.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import ConfigDict

from pledgeflow.core import errors as domain_errors

__all__ = [
    "ACTIVE_STATES",
    "AUTH",
    "CREATE_ERRORS",
    "DEFAULT_LIMIT",
    "LIST_ERRORS",
    "MAX_LIMIT",
    "READ_ERRORS",
    "WRITE_ERRORS",
    "ApiValidationError",
    "BearerTokenAuth",
    "ChangeOut",
    "ErrorItem",
    "ErrorOut",
    "InputSchema",
    "PageParams",
    "RecordEndpoints",
    "SessionCsrfAuth",
    "StateFilter",
    "VersionIn",
    "VersionRequired",
    "actor",
    "answer",
    "body_version",
    "changes_of",
    "error_responses",
    "etag",
    "expected_version",
    "filter_arguments",
    "history_page",
    "install_error_handlers",
    "not_modified",
    "order_by",
    "page_schema",
    "paginate",
    "set_etag",
    "state_field",
    "version_field",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

# -- authentication --


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: an API token made with ``pledgeflow token create``.

    Tokens are stored hashed; the accounts service checks the hash, refuses revoked or expired tokens and
    records when the token was last used. Another scheme in the header (e.g. Basic, added by a proxy in front)
    is left alone: the session may still authenticate the request.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Answer the token's user, or refuse with 401 if the token is unknown, revoked or expired."""
        from pledgeflow.accounts import services as accounts_services

        user = accounts_services.authenticate_token(token.strip())
        if user is None or not user.is_active:
            raise AuthenticationError(
                message="The bearer token is unknown, revoked or expired: create a new one with "
                "`pledgeflow token create`."
            )
        # Code below the API (and Django's own helpers) read request.user; a token request has no session.
        request.user = user
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in session of the pages (their HTMX calls), with Django's CSRF check on every write.

    ninja's own ``SessionAuth`` checks CSRF before it knows whether anyone is signed in, which would answer an
    anonymous write 403 instead of 401; this one checks the session first.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Answer the session's user; refuse a write whose CSRF token is missing or wrong with 403."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                "CSRF check failed: a session-authenticated write must send the csrftoken cookie's value in "
                "the X-CSRFToken header (programs should use a bearer token instead).",
            )
        return user


#: Every operation accepts either credential; the bearer token is tried first.
AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def actor(request: HttpRequest) -> Any:
    """The signed-in user making the request (set by :data:`AUTH`)."""
    user = getattr(request, "auth", None)
    if user is None or isinstance(user, AnonymousUser):
        raise AuthenticationError()
    assert isinstance(user, AbstractBaseUser)
    return user


# -- errors --


class ErrorItem(Schema):
    """One reason a request was refused: which field, where in the request, and why."""

    field: str = Field(
        description="The field that is wrong; empty when the problem concerns the whole record."
    )
    path: str = Field(description="Where in the request: body.<field>, query.<name> or path.<name>.")
    message: str = Field(description="What is wrong and what would be right.")


class ErrorOut(Schema):
    """The body of every refusal (4xx)."""

    detail: str = Field(description="One sentence saying what went wrong.")
    errors: list[ErrorItem] = Field(default_factory=list, description="Each bad field, for 400 and 422.")
    current_version: int | None = Field(None, description="409 on a stale update: the record's version now.")
    allowed_transitions: list[str] | None = Field(
        None, description="409 on a refused status change: the transitions allowed from the current state."
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response=`` entries documenting the refusals an operation may answer."""
    return dict.fromkeys(statuses, ErrorOut)


#: The refusals the standard endpoints document, beside their answer: a list (a bad filter, ordering or
#: page), one record or its history, a creation, and a change or an action on a record.
LIST_ERRORS = error_responses(401, 422)
READ_ERRORS = error_responses(401, 404)
CREATE_ERRORS = error_responses(401, 403, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422, 428)


class ApiValidationError(Exception):
    """Bad input the API itself detects (an unknown ordering field, a bad header): answered 422."""

    def __init__(self, field: str, path: str, message: str) -> None:
        super().__init__(message)
        self.items = [{"field": field, "path": path, "message": message}]


class VersionRequired(Exception):
    """An update that names no version (neither a ``version`` field nor ``If-Match``): answered 428."""


def _body(detail: str, errors: Iterable[Mapping[str, str]] = (), **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "errors": list(errors)}
    body.update({key: value for key, value in extra.items() if value is not None})
    return body


def django_validation_items(exc: DjangoValidationError, prefix: str = "body") -> list[dict[str, str]]:
    """Turn a Django ``ValidationError`` into error items, one per field and message."""
    items: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.message_dict.items():
            name = "" if field == NON_FIELD_ERRORS else field
            path = f"{prefix}.{name}" if name else prefix
            items.extend({"field": name, "path": path, "message": message} for message in field_errors)
    else:
        items.extend({"field": "", "path": prefix, "message": message} for message in exc.messages)
    return items


def _ninja_validation_items(exc: NinjaValidationError) -> list[dict[str, str]]:
    """Turn ninja's request-validation errors (pydantic's ``loc`` lists) into error items."""
    items: list[dict[str, str]] = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = loc[0] if loc else "body"
        rest = loc[1:]
        # ninja nests a body parameter under its Python name (``payload``); the client never sees that name.
        if source == "body" and len(rest) >= 1 and rest[0] in _BODY_PARAMETER_NAMES:
            rest = rest[1:]
        # Filter and paging schemas are flattened into the query string: their parameter name is never sent.
        if source == "query" and len(rest) >= 2 and rest[0] in _QUERY_PARAMETER_NAMES:
            rest = rest[1:]
        field = rest[-1] if rest else ""
        if field.isdigit() and len(rest) >= 2:
            field = rest[-2]
        path = ".".join([source, *rest])
        message = str(error.get("msg", "Invalid value."))
        if error.get("type") == "missing":
            message = "This field is required."
        elif error.get("type") == "extra_forbidden":
            message = f"{field!r} is not a field of this request: check its spelling (see /api/v1/docs)."
        items.append({"field": field, "path": path, "message": message})
    return items


_BODY_PARAMETER_NAMES = {"payload", "body", "data"}
_QUERY_PARAMETER_NAMES = {"filters", "page", "params", "query"}


def install_error_handlers(api: NinjaAPI) -> None:
    """Make ``api`` answer every refusal in the documented JSON shape."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DjangoValidationError)
    def _validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        items = django_validation_items(exc)
        fields = sorted({item["field"] for item in items if item["field"]})
        detail = (
            f"The request was not stored: {', '.join(fields)} {'is' if len(fields) == 1 else 'are'} invalid."
            if fields
            else "The request was not stored: " + "; ".join(item["message"] for item in items)
        )
        return respond(request, 422, _body(detail, items))

    @api.exception_handler(NinjaValidationError)
    def _request_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = _ninja_validation_items(exc)
        paths = ", ".join(item["path"] for item in items)
        return respond(request, 422, _body(f"The request is not valid: {paths}.", items))

    @api.exception_handler(ApiValidationError)
    def _api_validation(request: HttpRequest, exc: ApiValidationError) -> HttpResponse:
        return respond(request, 422, _body(str(exc), exc.items))

    @api.exception_handler(VersionRequired)
    def _version_required(request: HttpRequest, exc: VersionRequired) -> HttpResponse:
        message = (
            "Name the version this change is based on, in the `version` field or an If-Match header "
            "(the version and ETag answered when the record was read)."
        )
        item = {"field": "version", "path": "body.version", "message": message}
        return respond(request, 428, _body("An update must name the version it is based on.", [item]))

    @api.exception_handler(domain_errors.NotFound)
    def _not_found(request: HttpRequest, exc: domain_errors.NotFound) -> HttpResponse:
        return respond(request, 404, _body(str(exc) or "Not found."))

    @api.exception_handler(domain_errors.PermissionDenied)
    def _forbidden(request: HttpRequest, exc: domain_errors.PermissionDenied) -> HttpResponse:
        return respond(request, 403, _body(str(exc) or "You may not do this."))

    @api.exception_handler(domain_errors.StaleVersion)
    def _stale(request: HttpRequest, exc: domain_errors.StaleVersion) -> HttpResponse:
        current = int(exc.current_version)
        detail = str(exc) or (
            f"The record has changed since you read it: its version is now {current}. "
            "Read it again and reapply your change."
        )
        response = respond(request, 409, _body(detail, current_version=current))
        set_etag(response, current)
        return response

    @api.exception_handler(domain_errors.InvalidTransition)
    def _invalid_transition(request: HttpRequest, exc: domain_errors.InvalidTransition) -> HttpResponse:
        allowed = [str(state) for state in _allowed_transitions(exc)]
        return respond(request, 409, _body(str(exc), allowed_transitions=allowed))

    @api.exception_handler(IntegrityError)
    def _integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # The services validate uniqueness first; this is a race with a change committed at the same moment.
        # The database's own message is not passed on: it could name a record the user may not see.
        detail = (
            "The change conflicts with another one stored at the same moment (a code or reference taken, "
            "a record changed): read the records again and retry."
        )
        return respond(request, 409, _body(detail))

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            item = {"field": "", "path": "body", "message": "The request body is not valid JSON."}
            return respond(request, 400, _body("The request body is not valid JSON.", [item]))
        detail = str(exc)
        if exc.status_code == 401 and detail == "Unauthorized":
            detail = (
                "Authentication required: send 'Authorization: Bearer <token>' (create a token with "
                "`pledgeflow token create`) or sign in."
            )
        response = respond(request, exc.status_code, _body(detail))
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="pledgeflow"'
        return response


def _allowed_transitions(exc: Exception) -> Sequence[Any]:
    for name in ("allowed", "allowed_transitions", "allowed_targets"):
        value = getattr(exc, name, None)
        if value is not None:
            return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return []


# -- lists and paging --


class PageParams(Schema):
    """``limit`` and ``offset`` of a list page, and its ``ordering``."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page (1-{MAX_LIMIT}).")
    offset: int = Field(0, ge=0, description="Rows to skip.")
    ordering: str | None = Field(
        None,
        description="Comma-separated fields to sort by; prefix a field with - for descending. The id is "
        "always the last key, so pages are stable.",
    )


def page_schema(item: type[Schema]) -> type[Schema]:
    """The response schema of a list page of ``item`` rows (``count``, ``limit``, ``offset``, ``items``)."""
    name = item.__name__.removesuffix("Out") + "Page"
    namespace = {
        "__annotations__": {"count": int, "limit": int, "offset": int, "items": list[item]},  # type: ignore[valid-type]
        "__doc__": f"One page of {item.__name__.removesuffix('Out')} rows and the total count of the list.",
        "__module__": item.__module__,
    }
    return type(name, (Schema,), namespace)


_ORDER_TERM = re.compile(r"^-?[a-z_]+$")


def order_by(
    queryset: QuerySet[Any], ordering: str | None, allowed: Mapping[str, str], default: Sequence[str]
) -> QuerySet[Any]:
    """Sort ``queryset`` by the client's ``ordering``, using only the whitelisted names in ``allowed``.

    ``allowed`` maps the public name to the model lookup (which should be indexed). The primary key always
    comes last, so equal keys keep one order from page to page.
    """
    terms = [term.strip() for term in (ordering or "").split(",") if term.strip()]
    lookups: list[str] = []
    for term in terms:
        name = term.removeprefix("-")
        if not _ORDER_TERM.match(term) or name not in allowed:
            raise ApiValidationError(
                "ordering",
                "query.ordering",
                f"Cannot order by {term!r}: choose from {', '.join(sorted(allowed))} "
                "(prefix a field with - for descending).",
            )
        lookups.append(("-" if term.startswith("-") else "") + allowed[name])
    if not lookups:
        lookups = list(default)
    if not any(lookup.removeprefix("-") in {"id", "pk"} for lookup in lookups):
        lookups.append("pk")
    return queryset.order_by(*lookups)


def paginate(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """One page of ``queryset`` with the total count, in three queries (plus the queryset's prefetches).

    The page is found in two steps (a "deferred join"): first the primary keys of the page, sorted and
    filtered on the main table alone, where the indexes are; then those rows with their related records
    joined. Sorting the joined rows instead lets a planner (SQLite's notably) start from a small related table
    and sort every visible row before taking fifty; on 100,000 pledges the two steps are up to seven times
    faster, and never slower.
    """
    count = queryset.count()
    items: list[Any] = []
    if params.offset < count:
        keys = list(queryset.values_list("pk", flat=True)[params.offset : params.offset + params.limit])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
        items = [rows[key] for key in keys]
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}


# -- history --


class ChangeOut(Schema):
    """One entry of a record's change history: who did what, when, with the values before and after."""

    id: int
    action: str = Field(examples=["update"], description="create, update, cancel, withdraw, a milestone, ...")
    at: datetime
    actor: str | None = Field(None, description="User name; null for the system.")
    before: dict[str, Any] | None = Field(None, description="Values before the change; null on creation.")
    after: dict[str, Any] | None = None
    note: str = ""

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        """The user name of whoever made the change (loaded with the row), or None for the system."""
        return obj.actor.username if obj.actor_id is not None else None


def history_page(changes: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """A page of a record's history, oldest first unless ``ordering=-at``."""
    return paginate(order_by(changes, params.ordering, {"at": "at"}, ["at"]), params)


# -- request bodies --


class InputSchema(Schema):
    """Base of every request body: a field the body does not define is refused (422), never ignored.

    A misspelt field (``"quantiy"``) would otherwise be dropped silently and the change half made.
    """

    model_config = ConfigDict(extra="forbid")


# -- versions --


class VersionIn(InputSchema):
    """The body of an action on a versioned record (retire, cancel, ...): the version it is based on."""

    version: int | None = Field(
        None, description="The version this action is based on; or send it as If-Match.", examples=[3]
    )


def version_field() -> Any:
    """The optional ``version`` field of a change's body (a PATCH): the version the change is based on."""
    return Field(None, description="The version this change is based on (or send If-Match).")


def changes_of(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body sets (absent fields stay as they are), without its ``version``."""
    return payload.model_dump(exclude_unset=True, exclude={"version"})


def body_version(payload: Any) -> int | None:
    """The version an action's optional body names; None without a body (If-Match may name it instead)."""
    return payload.version if payload is not None else None


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def etag(version: int) -> str:
    """The ETag of a record at ``version`` (a strong validator: the version changes with every change)."""
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    """Put the record's version in the response's ETag header."""
    response["ETag"] = etag(version)


def answer(response: HttpResponse, record: Any, status: int = 200) -> Any:
    """Answer ``record`` with its version in the ETag header; ``status`` 201 for a record just created."""
    set_etag(response, record.version)
    return Status(status, record) if status != 200 else record


def not_modified(request: HttpRequest, version: int) -> HttpResponse | None:
    """``304 Not Modified`` when the client's ``If-None-Match`` already names this version, else None.

    A client polling a record sends the ETag it holds and gets an empty answer until the record changes.
    """
    header = request.headers.get("If-None-Match")
    if header is None:
        return None
    held = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" not in held and etag(version) not in held:
        return None
    response = HttpResponse(status=304)
    set_etag(response, version)
    return response


def expected_version(request: HttpRequest, body_version: int | None) -> int:
    """The version an update was based on: its ``version`` field, or its ``If-Match`` header.

    Refuses an update that names none (428), an If-Match that is not one of our ETags (422) and a body and a
    header that disagree (422).
    """
    header = request.headers.get("If-Match")
    header_version: int | None = None
    if header is not None:
        match = _ETAG.match(header)
        if match is None:
            raise ApiValidationError(
                "If-Match",
                "header.If-Match",
                f"If-Match {header!r} is not a version this API answered: send the ETag of the record, "
                'e.g. If-Match: "3".',
            )
        header_version = int(match.group(1))
    if body_version is not None and header_version is not None and body_version != header_version:
        raise ApiValidationError(
            "version",
            "body.version",
            f"The version field ({body_version}) and If-Match ({header_version}) disagree: send one of them.",
        )
    version = body_version if body_version is not None else header_version
    if version is None:
        raise VersionRequired()
    return version


# -- retirable records --

#: The values of the ``state`` filter of a list of retirable records.
StateFilter = Literal["active", "retired", "all"]

#: The ``state`` filter of retirable reference data, as the selectors' ``active`` argument.
ACTIVE_STATES: dict[str, bool | None] = {"active": True, "retired": False, "all": None}


def state_field() -> Any:
    """The ``state`` filter of a list of retirable records: in use unless the client asks otherwise."""
    return Field("active", description="In use (default), retired, or all.")


def filter_arguments(filters: Schema) -> dict[str, Any]:
    """A list's query filters as the keyword arguments of its selector.

    The filter names are the selector's argument names, except ``state`` (active, retired, all), which
    becomes the selectors' ``active`` (True, False, or None for both).
    """
    arguments = filters.model_dump()
    if "state" in arguments:
        arguments["active"] = ACTIVE_STATES[arguments.pop("state")]
    return arguments


# -- the standard endpoints of a versioned record --


def _changes(user: Any, record: Any) -> QuerySet[Any]:
    """The change history of a record the user has already been allowed to read."""
    from pledgeflow.core.services import history_of

    return history_of(record)


class RecordEndpoints:
    """What the standard endpoints of one kind of versioned record do: create, retrieve, update, the
    versioned actions (retire, restore, cancel, ...) and history.

    A router keeps declaring each endpoint itself (its path, method, schemas, description and the service it
    calls), so what a resource offers reads at a glance; the handler's body is one call here. Every rule stays
    where it was: ``read`` is the selector that finds a record the user may see (404 otherwise), and the
    service functions passed to each call check what the user may change. The order of the checks is the
    routers' own: the record is found first (404), then the version is read (428, 422), then the service
    decides (403, 409, 422).

    - ``read(user, key)``: the selector finding one record by the key in its path.
    - ``key``: the key of a record (its ``code`` unless told), to read it again once created or changed.
    - ``present(user, key)``: the record as answered, when the answer carries more than ``read`` loads
      (default: ``read``).
    - ``changes(user, record)``: the record's change history (default: every change to it).
    """

    def __init__(
        self,
        read: Callable[[Any, Any], Any],
        *,
        key: Callable[[Any], Any] = attrgetter("code"),
        present: Callable[[Any, Any], Any] | None = None,
        changes: Callable[[Any, Any], QuerySet[Any]] = _changes,
    ) -> None:
        self.read = read
        self.key = key
        self.present = present or read
        self.changes = changes

    def create(
        self, request: HttpRequest, response: HttpResponse, service: Callable[..., Any], payload: Schema
    ) -> Any:
        """``POST``: create the record from the body's fields; answer it with 201 and its ETag."""
        user = actor(request)
        record = service(user, **payload.model_dump())
        return answer(response, self.present(user, self.key(record)), 201)

    def retrieve(self, request: HttpRequest, response: HttpResponse, key: Any) -> Any:
        """``GET``: the record with its ETag, or 304 when ``If-None-Match`` already names its version."""
        record = self.present(actor(request), key)
        return not_modified(request, record.version) or answer(response, record)

    def update(
        self,
        request: HttpRequest,
        response: HttpResponse,
        key: Any,
        service: Callable[..., Any],
        payload: Any,
    ) -> Any:
        """``PATCH``: change the fields the body sets, based on the version it names; answer the record."""
        user = actor(request)
        record = self.read(user, key)
        version = expected_version(request, payload.version)
        updated = service(user, record, changes_of(payload), version)
        return answer(response, self.present(user, self.key(updated)))

    def act(
        self,
        request: HttpRequest,
        response: HttpResponse,
        key: Any,
        service: Callable[..., Any],
        payload: Any,
        **options: Any,
    ) -> Any:
        """An action on the record (retire, restore, cancel, ...) based on the version its optional body or
        If-Match names; ``options`` go to the service as they are. Answers the record as it is now."""
        user = actor(request)
        record = self.read(user, key)
        service(user, record, expected_version(request, body_version(payload)), **options)
        return answer(response, self.present(user, key))

    def history(self, request: HttpRequest, key: Any, page: PageParams) -> dict[str, Any]:
        """``GET .../history``: a page of the record's changes, oldest first."""
        user = actor(request)
        return history_page(self.changes(user, self.read(user, key)), page)
