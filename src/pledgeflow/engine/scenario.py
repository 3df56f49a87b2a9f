"""Read, check and write ``pledgeflow/scenario-v1`` documents.

:func:`load_scenario` turns the bytes of a document into a :class:`~pledgeflow.engine.model.Scenario`, or
raises :class:`~pledgeflow.engine.errors.ScenarioError` listing *every* way the document breaks the contract
(docs/scenario-format.md), each with its JSON path. It walks the document once per list, in the contract's
order (``format``, ``start``, ``items``, ``locations``, ``routes``, ``requirements``, ``pledges``, ``locks``,
``policy``, then the training lists), so errors come out in document order. Ids are gathered before the walk,
which is why a malformed entry elsewhere never turns a good reference into a false "unknown id", and why a
structural error never hides a reference error.

Everything is linear in the size of the document apart from the reachability check of locks, which runs one
shortest-path search per distinct origin of a locked pledge.

:func:`scenario_to_document` and :func:`dump_json` write the canonical form: keys in the order of the
contract's tables, optional fields left out when absent, ``locks`` and ``policy`` always written (the policy
with every weight spelt out), the five training lists written together when the scenario has training, lists
in the scenario's own order, UTF-8, two-space indentation, a final newline. Export, import and export again
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from pledgeflow.engine.errors import ScenarioError, ValidationIssue
from pledgeflow.engine.model import (
    PRIORITIES,
    SCENARIO_FORMAT,
    Cohort,
    Course,
    Item,
    Location,
    Lock,
    Package,
    Pledge,
    Policy,
    Requirement,
    Route,
    Scenario,
    Session,
    Skill,
)
from pledgeflow.engine.network import shortest_days

__all__ = ["dump_json", "load_scenario", "load_scenario_file", "scenario_to_document"]

MAX_QUANTITY: Final = 10**9
"""Largest quantity, size or seat count a document may give."""
MAX_WEIGHT: Final = 10**6
"""Largest priority weight or penalty a document may give."""
MAX_DAYS: Final = 10**6
"""Longest route or course, in days; keeps every computed date inside the calendar."""

TRAINING_KEYS: Final = ("skills", "courses", "sessions", "cohorts", "packages")
LOCATION_KINDS: Final = ("depot", "hub", "destination")

_DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NSN_RE: Final = re.compile(r"[0-9]{13}|[0-9]{4}-[0-9]{2}-[0-9]{3}-[0-9]{4}")
_ALPHA3_RE: Final = re.compile(r"[A-Z]{3}")
_PLAIN_KEY_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Bad:
    """Marks a value that failed its check (its error is already recorded)."""


_BAD: Final = _Bad()


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once (the last value wins)."""

    duplicates: tuple[str, ...] = ()


class _NonFinite:
    """``NaN``, ``Infinity`` or ``-Infinity``, which Python's reader accepts but JSON does not."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _object_hook(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        duplicates: list[str] = []
        for key, _ in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        obj.duplicates = tuple(duplicates)
    return obj


def _join(base: str, key: str) -> str:
    """The JSON path of ``key`` inside the object at ``base`` (``""`` is the document)."""
    if _PLAIN_KEY_RE.fullmatch(key):
        return f"{base}.{key}" if base else key
    return f"{base or '$'}[{json.dumps(key, ensure_ascii=False)}]"


def _show(value: Any) -> str:
    """A short rendering of a JSON value for an error message."""
    if isinstance(value, _NonFinite):
        return value.literal
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    """The JSON type of ``value``, as a user would name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, (float, _NonFinite)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


# A field check takes the checker, the value, the path of the object holding it and the key; it returns the
# value (converted: dates become `date`, lists become tuples) or _BAD after recording an error.
_Check = Callable[["_Checker", Any, str, str], Any]


class _Checker:
    """Collects issues while the document is walked."""

    def __init__(self) -> None:
        self.issues: list[ValidationIssue] = []
        self._dates: dict[str, date] = {}

    def error(self, path: str, message: str) -> None:
        self.issues.append(ValidationIssue(path, message))

    # -- objects -------------------------------------------------------------------------------------------

    def fields(
        self, value: Any, path: str, checks: Mapping[str, _Check], required: frozenset[str], what: str
    ) -> dict[str, Any] | None:
        """Check one object against its table: every key known, no null, required keys present.

        Returns the checked values of the fields that passed (the others are left out), or ``None`` when
        ``value`` is not an object at all.
        """
        if not isinstance(value, dict):
            self.error(path or "$", f"must be {what} (a JSON object), not {_kind(value)}")
            return None
        for key in getattr(value, "duplicates", ()):
            self.error(_join(path, key), f"key {key!r} appears more than once in this object; keep one")
        out: dict[str, Any] = {}
        for key, item in value.items():
            check = checks.get(key)
            if check is None:
                self.error(
                    _join(path, key),
                    f"unknown key {key!r} in {what}; the keys are {', '.join(map(repr, checks))}",
                )
            elif item is None:
                self.error(_join(path, key), "null is not allowed; leave the key out when there is no value")
            else:
                checked = check(self, item, path, key)
                if checked is not _BAD:
                    out[key] = checked
        if not required <= value.keys():
            for key in checks:
                if key in required and key not in value:
                    self.error(_join(path, key), f"missing; {what} needs {key!r}")
        return out

    def date_of(self, value: str) -> date | None:
        """The calendar date written exactly ``YYYY-MM-DD``, or ``None``."""
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        if not _DATE_RE.fullmatch(value):
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return None
        self._dates[value] = parsed
        return parsed


# -- field checks -----------------------------------------------------------------------------------------


def _text(c: _Checker, value: Any, base: str, key: str) -> Any:
    if isinstance(value, str):
        return value
    c.error(_join(base, key), f"must be a string, not {_kind(value)} {_show(value)}")
    return _BAD


def _name(c: _Checker, value: Any, base: str, key: str) -> Any:
    """A non-empty string: ids, references, codes, languages."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, str):
        c.error(_join(base, key), "must be a non-empty string")
    else:
        c.error(_join(base, key), f"must be a non-empty string, not {_kind(value)} {_show(value)}")
    return _BAD


def _integer(c: _Checker, value: Any, path: str, low: int, high: int) -> Any:
    if type(value) is int and low <= value <= high:
        return value
    if type(value) is int:
        c.error(path, f"must be an integer from {low} to {high}, not {value}")
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer() and low <= value <= high:
        c.error(path, f"must be written as a JSON integer ({int(value)}), not {_show(value)}")
    else:
        c.error(path, f"must be an integer from {low} to {high}, not {_kind(value)} {_show(value)}")
    return _BAD


def _quantity(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _integer(c, value, _join(base, key), 1, MAX_QUANTITY)


def _priority(c: _Checker, value: Any, base: str, key: str) -> Any:
    if type(value) is int and 1 <= value <= 4:
        return value
    path = _join(base, key)
    if type(value) is int:
        c.error(path, f"must be 1 (critical), 2 (high), 3 (medium) or 4 (routine), not {value}")
        return _BAD
    return _integer(c, value, path, 1, 4)


def _days(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _integer(c, value, _join(base, key), 0, MAX_DAYS)


def _duration(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _integer(c, value, _join(base, key), 1, MAX_DAYS)


def _weight(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _integer(c, value, _join(base, key), 1, MAX_WEIGHT)


def _penalty_per_day(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _integer(c, value, _join(base, key), 0, MAX_WEIGHT)


def _amount(c: _Checker, value: Any, base: str, key: str) -> Any:
    """Money or mass: a finite JSON number >= 0."""
    if type(value) in (int, float) and math.isfinite(value) and value >= 0:
        return value
    path = _join(base, key)
    if isinstance(value, _NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        c.error(path, f"must be a finite number >= 0, not {_show(value)}")
    elif type(value) in (int, float):
        c.error(path, f"must be a number >= 0, not {_show(value)}")
    else:
        c.error(path, f"must be a number >= 0, not {_kind(value)} {_show(value)}")
    return _BAD


def _date(c: _Checker, value: Any, base: str, key: str) -> Any:
    if isinstance(value, str):
        parsed = c.date_of(value)
        if parsed is not None:
            return parsed
        if _DATE_RE.fullmatch(value):
            c.error(
                _join(base, key), f"{_show(value)} is not a real calendar date; write an existing YYYY-MM-DD"
            )
        else:
            c.error(
                _join(base, key), f"must be a date written YYYY-MM-DD (e.g. 2026-03-01), not {_show(value)}"
            )
    else:
        c.error(_join(base, key), f"must be a date written YYYY-MM-DD, not {_kind(value)} {_show(value)}")
    return _BAD


def _nsn(c: _Checker, value: Any, base: str, key: str) -> Any:
    if isinstance(value, str) and _NSN_RE.fullmatch(value):
        return value
    c.error(
        _join(base, key),
        "must be a NATO stock number of 13 digits, written 1234567890123 or 1234-56-789-0123, "
        f"not {_show(value)}",
    )
    return _BAD


def _country(c: _Checker, value: Any, base: str, key: str) -> Any:
    if isinstance(value, str) and _ALPHA3_RE.fullmatch(value):
        return value
    c.error(_join(base, key), f"must be an ISO 3166 alpha-3 code in capitals (e.g. POL), not {_show(value)}")
    return _BAD


def _location_kind(c: _Checker, value: Any, base: str, key: str) -> Any:
    if isinstance(value, str) and value in LOCATION_KINDS:
        return value
    c.error(_join(base, key), f"must be one of 'depot', 'hub', 'destination', not {_show(value)}")
    return _BAD


def _name_list(c: _Checker, value: Any, base: str, key: str, *, non_empty: bool) -> Any:
    path = _join(base, key)
    if not isinstance(value, list):
        c.error(path, f"must be a list of ids, not {_kind(value)} {_show(value)}")
        return _BAD
    if non_empty and not value:
        c.error(path, "must list at least one id (leave the key out to mean any)")
        return _BAD
    ok = True
    for i, element in enumerate(value):
        if not (isinstance(element, str) and element):
            c.error(f"{path}[{i}]", f"must be a non-empty string id, not {_kind(element)} {_show(element)}")
            ok = False
    return tuple(value) if ok else _BAD


def _ids(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _name_list(c, value, base, key, non_empty=False)


def _non_empty_ids(c: _Checker, value: Any, base: str, key: str) -> Any:
    return _name_list(c, value, base, key, non_empty=True)


def _weights(c: _Checker, value: Any, base: str, key: str) -> Any:
    path = _join(base, key)
    checks: dict[str, _Check] = {str(p): _weight for p in PRIORITIES}
    out = c.fields(value, path, checks, frozenset(checks), "priority_weights")
    if out is None or len(out) != len(PRIORITIES):
        return _BAD
    return {int(k): out[k] for k in sorted(out)}


# -- the tables of the contract ---------------------------------------------------------------------------

_Table = tuple[dict[str, _Check], frozenset[str], str]


def _table(what: str, required: dict[str, _Check], optional: dict[str, _Check] | None = None) -> _Table:
    return {**required, **(optional or {})}, frozenset(required), what


_ITEM = _table(
    "an item",
    {"code": _name, "family": _name},
    {
        "name": _text,
        "supply_class": _text,
        "unit_value_eur": _amount,
        "unit_mass_kg": _amount,
        "nsn": _nsn,
    },
)
_LOCATION = _table("a location", {"id": _name}, {"name": _text, "country": _country, "kind": _location_kind})
_ROUTE = _table("a route", {"from": _name, "to": _name, "days": _days})
_REQUIREMENT = _table(
    "a requirement",
    {
        "id": _name,
        "family": _name,
        "quantity": _quantity,
        "priority": _priority,
        "need_by": _date,
        "destination": _name,
    },
    {"item": _name, "package": _name, "note": _text},
)
_PLEDGE = _table(
    "a pledge",
    {"id": _name, "donor": _name, "item": _name, "quantity": _quantity, "available": _date, "origin": _name},
    {"destinations": _non_empty_ids},
)
_LOCK = _table("a lock", {"pledge": _name, "requirement": _name, "quantity": _quantity})
_POLICY = _table(
    "the policy",
    {},
    {"priority_weights": _weights, "unmet_penalty": _weight, "late_penalty_per_day": _penalty_per_day},
)
_SKILL = _table("a skill", {"id": _name, "prerequisites": _ids})
_COURSE = _table(
    "a course",
    {
        "id": _name,
        "skill": _name,
        "host": _name,
        "language": _name,
        "duration_days": _duration,
        "seats": _quantity,
    },
    {"cost_per_seat_eur": _amount},
)
_SESSION = _table("a session", {"id": _name, "course": _name, "start": _date})
_COHORT = _table(
    "a cohort",
    {
        "id": _name,
        "skill": _name,
        "size": _quantity,
        "language": _name,
        "ready_by": _date,
        "priority": _priority,
    },
    {"held": _ids, "package": _name},
)
_PACKAGE = _table("a package", {"id": _name, "name": _text, "priority": _priority, "need_by": _date})

_TOP_KEYS: Final = (
    "format",
    "start",
    "items",
    "locations",
    "routes",
    "requirements",
    "pledges",
    "locks",
    "policy",
    *TRAINING_KEYS,
)
_TOP_REQUIRED: Final = frozenset(
    {"format", "start", "items", "locations", "routes", "requirements", "pledges"}
)
_LIST_KEY: Final = {
    "items": "code",
    "locations": "id",
    "requirements": "id",
    "pledges": "id",
    "skills": "id",
    "courses": "id",
    "sessions": "id",
    "cohorts": "id",
    "packages": "id",
}


# -- reading ----------------------------------------------------------------------------------------------


def load_scenario_file(path: str | Path) -> Scenario:
    """Read and check the scenario document stored at ``path`` (see :func:`load_scenario`).

    A file that cannot be read raises :class:`OSError`, as :func:`open` does.
    """
    return load_scenario(Path(path).read_bytes())


def load_scenario(data: bytes | str) -> Scenario:
    """Check a ``pledgeflow/scenario-v1`` document and return it as a :class:`Scenario`.

    ``data`` is the document's bytes (UTF-8; a ``str`` is encoded first). The scenario's ``sha256`` is the
    hex digest of exactly those bytes. Raises :class:`ScenarioError` listing every issue found, each with its
    JSON path, when the document breaks the contract in any way.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with collector_paused():
        document = _parse(raw)
        return _Reader(document).scenario(hashlib.sha256(raw).hexdigest())


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the duration: reading a large scenario (or laying out and writing a
    large plan) creates millions of objects, none of them in cycles, and repeated collections would otherwise
    take a fifth of the time. The collector's earlier state is restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [ValidationIssue("$", f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, object_pairs_hook=_object_hook, parse_constant=_NonFinite)
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise ScenarioError([ValidationIssue("$", message)]) from None
    except RecursionError:
        raise ScenarioError([ValidationIssue("$", "is nested too deeply to be a scenario")]) from None
    except ValueError as exc:  # e.g. an integer literal of thousands of digits
        raise ScenarioError([ValidationIssue("$", f"cannot be read as JSON: {exc}")]) from None


class _Reader:
    """One pass over a parsed document, building the scenario and collecting every issue."""

    def __init__(self, document: Any) -> None:
        self.doc = document
        self.c = _Checker()
        # Ids of each list, gathered before the walk: id -> index of its first entry. A list that is not a
        # list at all maps to None, and references into it are not checked (its own error says enough).
        self.index: dict[str, dict[str, int] | None] = {}
        self.item_family: dict[str, str] = {}
        self.requirements: dict[str, dict[str, Any]] = {}
        self.pledges: dict[str, dict[str, Any]] = {}
        self.routes_ok = True
        self.routes: list[Route] = []
        self.skill_prerequisites: dict[str, tuple[str, ...]] = {}
        self.skill_index: dict[str, int] = {}
        self._reach_cache: dict[str, dict[str, int]] = {}

    # -- driver --------------------------------------------------------------------------------------------

    def scenario(self, sha256: str) -> Scenario:
        """Check the whole document; the scenario when it is valid, else :class:`ScenarioError`."""
        c = self.c
        doc = self.doc
        if not isinstance(doc, dict):
            c.error("$", f"must be a scenario (a JSON object), not {_kind(doc)}")
            raise ScenarioError(c.issues)
        for key in getattr(doc, "duplicates", ()):
            c.error(_join("", key), f"key {key!r} appears more than once in the document; keep one")
        for key, value in doc.items():
            if key not in _TOP_KEYS:
                c.error(
                    _join("", key), f"unknown key {key!r}; the keys are {', '.join(map(repr, _TOP_KEYS))}"
                )
            elif value is None:
                c.error(key, "null is not allowed; leave the key out when there is no value")
        for key in _TOP_KEYS:
            if key in _TOP_REQUIRED and key not in doc:
                c.error(key, "missing; every scenario needs it")
        self._gather_ids()

        self._format(doc.get("format"))
        start = self._start(doc.get("start"))
        items = self._list("items", _ITEM, self._item)
        locations = self._list("locations", _LOCATION, self._location)
        routes = self._list("routes", _ROUTE, self._route)
        requirements = self._list("requirements", _REQUIREMENT, self._requirement)
        pledges = self._list("pledges", _PLEDGE, self._pledge)
        locks = self._list("locks", _LOCK, self._lock)
        self._lock_totals()
        policy = self._policy(doc.get("policy"))
        skills = self._list("skills", _SKILL, self._skill)
        self._skill_cycles()
        courses = self._list("courses", _COURSE, self._course)
        sessions = self._list("sessions", _SESSION, self._session)
        cohorts = self._list("cohorts", _COHORT, self._cohort)
        packages = self._list("packages", _PACKAGE, self._package)

        if c.issues or start is None or policy is None:
            raise ScenarioError(c.issues)
        return Scenario(
            start=start,
            items=tuple(items),
            locations=tuple(locations),
            routes=tuple(routes),
            requirements=tuple(requirements),
            pledges=tuple(pledges),
            locks=tuple(locks),
            policy=policy,
            skills=tuple(skills),
            courses=tuple(courses),
            sessions=tuple(sessions),
            cohorts=tuple(cohorts),
            packages=tuple(packages),
            has_training=any(key in doc for key in TRAINING_KEYS),
            sha256=sha256,
        )

    def _gather_ids(self) -> None:
        for key, id_key in _LIST_KEY.items():
            entries = self.doc.get(key, [])
            if not isinstance(entries, list):
                self.index[key] = None
                continue
            first: dict[str, int] = {}
            for i, entry in enumerate(entries):
                if isinstance(entry, dict):
                    ident = entry.get(id_key)
                    if isinstance(ident, str) and ident and ident not in first:
                        first[ident] = i
            self.index[key] = first

    def _list(self, key: str, table: _Table, build: Callable[[dict[str, Any], str, int], Any]) -> list[Any]:
        """Walk the list at ``key``: check each entry against ``table`` and hand it to ``build``.

        ``build`` checks references and returns the model object, or ``None`` when the entry is not usable.
        """
        entries = self.doc.get(key)
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.c.error(key, f"must be a list (write [] for none), not {_kind(entries)}")
            if key == "routes":
                self.routes_ok = False
            return []
        checks, required, what = table
        id_key = _LIST_KEY.get(key)
        first = self.index.get(key) or {}
        built: list[Any] = []
        for i, entry in enumerate(entries):
            base = f"{key}[{i}]"
            before = len(self.c.issues)
            fields = self.c.fields(entry, base, checks, required, what)
            if fields is None:
                continue
            if id_key is not None and id_key in fields:
                earlier = first[fields[id_key]]
                if earlier != i:
                    self.c.error(
                        _join(base, id_key),
                        f"duplicate {id_key} {_show(fields[id_key])}: {key}[{earlier}] already uses it; "
                        f"give each entry its own {id_key}",
                    )
            value = build(fields, base, len(self.c.issues) - before)
            if value is not None:
                built.append(value)
        return built

    def _known(
        self, key: str, value: str, base: str, field: str, what: str, index: int | None = None
    ) -> bool:
        """Whether ``value`` is an id of the list ``key``; if not, records an error at its path."""
        ids = self.index.get(key)
        if ids is None or value in ids:
            return True
        path = f"{base}.{field}" if index is None else f"{base}.{field}[{index}]"
        self.c.error(
            path, f"refers to {what} {_show(value)}, which is not in {key!r}; use the id of one there"
        )
        return False

    # -- top level -----------------------------------------------------------------------------------------

    def _format(self, value: Any) -> None:
        if value is None or value == SCENARIO_FORMAT:
            return
        if isinstance(value, str) and value.startswith("pledgeflow/scenario-"):
            self.c.error(
                "format", f"version {_show(value)} is not supported; this planner reads {SCENARIO_FORMAT!r}"
            )
        else:
            self.c.error("format", f"must be {SCENARIO_FORMAT!r}, not {_show(value)}")

    def _start(self, value: Any) -> date | None:
        if value is None:
            return None
        checked = _date(self.c, value, "", "start")
        return None if checked is _BAD else checked

    def _policy(self, value: Any) -> Policy | None:
        if value is None:
            return None if "policy" in self.doc else Policy()
        checks, required, what = _POLICY
        fields = self.c.fields(value, "policy", checks, required, what)
        if fields is None or len(fields) != len(value):
            return None
        return Policy(**fields)

    # -- entries -------------------------------------------------------------------------------------------

    def _item(self, f: dict[str, Any], base: str, errors: int) -> Item | None:
        if "code" in f and "family" in f:
            self.item_family.setdefault(f["code"], f["family"])
        return None if errors else Item(**f)

    def _location(self, f: dict[str, Any], base: str, errors: int) -> Location | None:
        return None if errors else Location(**f)

    def _route(self, f: dict[str, Any], base: str, errors: int) -> Route | None:
        ok = not errors
        for key in ("from", "to"):
            if key in f:
                ok = self._known("locations", f[key], base, key, "location") and ok
        if not ok:
            self.routes_ok = False
            return None
        route = Route(from_=f["from"], to=f["to"], days=f["days"])
        self.routes.append(route)
        return route

    def _requirement(self, f: dict[str, Any], base: str, errors: int) -> Requirement | None:
        bad: set[str] = set()
        if "destination" in f and not self._known(
            "locations", f["destination"], base, "destination", "location"
        ):
            bad.add("destination")
        if "item" in f:
            item = f["item"]
            if self._known("items", item, base, "item", "item"):
                family = self.item_family.get(item)
                if family is not None and "family" in f and family != f["family"]:
                    self.c.error(
                        _join(base, "item"),
                        f"item {_show(item)} belongs to family {_show(family)}, not to this requirement's "
                        f"family {_show(f['family'])}; name an item of that family or change the family",
                    )
                    bad.add("item")
            else:
                bad.add("item")
        if "package" in f and not self._known("packages", f["package"], base, "package", "package"):
            bad.add("package")
        if "id" in f:
            self.requirements.setdefault(f["id"], _without(f, bad))
        return None if errors or bad else Requirement(**f)

    def _pledge(self, f: dict[str, Any], base: str, errors: int) -> Pledge | None:
        bad: set[str] = set()
        if "item" in f and not self._known("items", f["item"], base, "item", "item"):
            bad.add("item")
        if "origin" in f and not self._known("locations", f["origin"], base, "origin", "location"):
            bad.add("origin")
        for i, destination in enumerate(f.get("destinations", ())):
            if not self._known("locations", destination, base, "destinations", "location", i):
                # The rest of the list still says where the donor allows its goods to go.
                bad.add("")
        if "id" in f:
            self.pledges.setdefault(f["id"], _without(f, bad))
        return None if errors or bad else Pledge(**f)

    def _lock(self, f: dict[str, Any], base: str, errors: int) -> Lock | None:
        ok = not errors
        pledge = requirement = None
        if "pledge" in f and self._known("pledges", f["pledge"], base, "pledge", "pledge"):
            pledge = self.pledges.get(f["pledge"])
        else:
            ok = False
        if "requirement" in f and self._known(
            "requirements", f["requirement"], base, "requirement", "requirement"
        ):
            requirement = self.requirements.get(f["requirement"])
        else:
            ok = False
        if pledge is not None and requirement is not None:
            reason = self._inadmissible(pledge, requirement)
            if reason:
                self.c.error(
                    base,
                    f"locks pledge {_show(pledge['id'])} to requirement {_show(requirement['id'])}, "
                    f"but {reason}; a lock must name a pair the planner could use",
                )
                ok = False
        return Lock(**f) if ok else None

    def _inadmissible(self, pledge: dict[str, Any], requirement: dict[str, Any]) -> str:
        """Why the pair cannot carry units ("" when it can, or when the data to tell is itself invalid)."""
        family = self.item_family.get(pledge.get("item", ""))
        if family is not None and "family" in requirement and family != requirement["family"]:
            needs = _show(requirement["family"])
            return f"the pledged item is of family {_show(family)} and the requirement needs {needs}"
        if "item" in requirement and "item" in pledge and requirement["item"] != pledge["item"]:
            return f"the requirement accepts only item {_show(requirement['item'])}"
        destination = requirement.get("destination")
        if destination is None:
            return ""
        allowed = pledge.get("destinations")
        if allowed is not None and destination not in allowed:
            return f"the donor does not allow destination {_show(destination)}"
        origin = pledge.get("origin")
        if origin is not None and self.routes_ok and destination not in self._reach(origin):
            return f"no route leads from {_show(origin)} to {_show(destination)}"
        return ""

    def _reach(self, origin: str) -> dict[str, int]:
        """Fewest days from ``origin`` to each location it reaches, computed once per origin."""
        found = self._reach_cache.get(origin)
        if found is None:
            found = self._reach_cache[origin] = shortest_days(self.routes, (origin,))[origin]
        return found

    def _lock_totals(self) -> None:
        """Lock pairs are distinct; no pledge gives, and no requirement receives, more than its quantity."""
        entries = self.doc.get("locks")
        if not isinstance(entries, list):
            return
        seen: dict[tuple[str, str], int] = {}
        by_pledge: dict[str, list[int]] = defaultdict(list)
        by_requirement: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            pledge, requirement, quantity = (
                entry.get("pledge"),
                entry.get("requirement"),
                entry.get("quantity"),
            )
            if not (isinstance(pledge, str) and isinstance(requirement, str)):
                continue
            pair = (pledge, requirement)
            if pair in seen:
                self.c.error(
                    f"locks[{i}]",
                    f"locks[{seen[pair]}] already locks pledge {_show(pledge)} to requirement "
                    f"{_show(requirement)}; merge the two into one lock",
                )
                continue
            seen[pair] = i
            if type(quantity) is int and quantity > 0:
                by_pledge[pledge].append(i)
                by_requirement[requirement].append(i)
        for groups, known, what, verb in (
            (by_pledge, self.pledges, "pledge", "gives"),
            (by_requirement, self.requirements, "requirement", "needs"),
        ):
            for ident, indices in groups.items():
                limit = known.get(ident, {}).get("quantity")
                total = sum(entries[i]["quantity"] for i in indices)
                if limit is not None and total > limit:
                    where = ", ".join(f"locks[{i}]" for i in indices)
                    self.c.error(
                        f"locks[{indices[-1]}].quantity",
                        f"locks on {what} {_show(ident)} add up to {total} units ({where}) but it {verb} "
                        f"only {limit}; lower them to {limit} in total",
                    )

    def _skill(self, f: dict[str, Any], base: str, errors: int) -> Skill | None:
        ok = not errors
        for i, prerequisite in enumerate(f.get("prerequisites", ())):
            ok = self._known("skills", prerequisite, base, "prerequisites", "skill", i) and ok
        if "id" in f and "prerequisites" in f and f["id"] not in self.skill_prerequisites:
            self.skill_prerequisites[f["id"]] = f["prerequisites"]
            self.skill_index[f["id"]] = int(base[len("skills[") : -1])
        return Skill(**f) if ok else None

    def _skill_cycles(self) -> None:
        """Report every cycle of prerequisites once, at the first skill of the cycle in document order."""
        graph = self.skill_prerequisites
        state: dict[str, int] = {}  # 1 on the current path, 2 finished
        for root in graph:
            if root in state:
                continue
            path: list[str] = [root]
            state[root] = 1
            stack: list[Iterator[str]] = [iter(graph[root])]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    stack.pop()
                    continue
                if nxt not in graph:
                    continue
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    head = min(cycle, key=self.skill_index.__getitem__)
                    at = cycle.index(head)
                    ordered = cycle[at:] + cycle[:at] + [head]
                    self.c.error(
                        f"skills[{self.skill_index[head]}].prerequisites",
                        "prerequisites form a cycle: "
                        + " -> ".join(_show(s) for s in ordered)
                        + " (each needs the next first); remove one of these links",
                    )
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append(iter(graph[nxt]))

    def _course(self, f: dict[str, Any], base: str, errors: int) -> Course | None:
        ok = not errors
        if "skill" in f:
            ok = self._known("skills", f["skill"], base, "skill", "skill") and ok
        return Course(**f) if ok else None

    def _session(self, f: dict[str, Any], base: str, errors: int) -> Session | None:
        ok = not errors
        if "course" in f:
            ok = self._known("courses", f["course"], base, "course", "course") and ok
        return Session(**f) if ok else None

    def _cohort(self, f: dict[str, Any], base: str, errors: int) -> Cohort | None:
        ok = not errors
        ident = f.get("id")
        requirement_ids = self.index.get("requirements") or {}
        if ident is not None and ident in requirement_ids:
            self.c.error(
                _join(base, "id"),
                f"{_show(ident)} is already the id of requirements[{requirement_ids[ident]}]; "
                "cohort ids and requirement ids must differ",
            )
            ok = False
        if "skill" in f:
            ok = self._known("skills", f["skill"], base, "skill", "skill") and ok
        for i, held in enumerate(f.get("held", ())):
            ok = self._known("skills", held, base, "held", "skill", i) and ok
        if "package" in f:
            ok = self._known("packages", f["package"], base, "package", "package") and ok
        return Cohort(**f) if ok else None

    def _package(self, f: dict[str, Any], base: str, errors: int) -> Package | None:
        return None if errors else Package(**f)


def _without(fields: dict[str, Any], bad: set[str]) -> dict[str, Any]:
    """The fields whose references are sound, so later checks (locks) do not repeat a reported error."""
    return {k: v for k, v in fields.items() if k not in bad} if bad else fields


# -- writing ----------------------------------------------------------------------------------------------


def _optional(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def scenario_to_document(s: Scenario) -> dict[str, Any]:
    """The canonical ``pledgeflow/scenario-v1`` document of a scenario, as plain JSON values.

    Keys follow the order of the contract's tables; absent optional fields are left out; ``locks`` and a
    ``policy`` with every weight are always written; the training lists are written, all five, when the
    scenario has training. Reading the result back gives an equal scenario (apart from ``sha256``).
    """
    doc: dict[str, Any] = {"format": SCENARIO_FORMAT, "start": s.start.isoformat()}
    doc["items"] = [_item_doc(item) for item in s.items]
    doc["locations"] = [_location_doc(location) for location in s.locations]
    doc["routes"] = [{"from": r.from_, "to": r.to, "days": r.days} for r in s.routes]
    doc["requirements"] = [_requirement_doc(r) for r in s.requirements]
    doc["pledges"] = [_pledge_doc(p) for p in s.pledges]
    doc["locks"] = [
        {"pledge": k.pledge, "requirement": k.requirement, "quantity": k.quantity} for k in s.locks
    ]
    doc["policy"] = {
        "priority_weights": {str(p): s.policy.priority_weights[p] for p in PRIORITIES},
        "unmet_penalty": s.policy.unmet_penalty,
        "late_penalty_per_day": s.policy.late_penalty_per_day,
    }
    if s.has_training:
        doc["skills"] = [{"id": k.id, "prerequisites": list(k.prerequisites)} for k in s.skills]
        doc["courses"] = [_course_doc(c) for c in s.courses]
        doc["sessions"] = [{"id": x.id, "course": x.course, "start": x.start.isoformat()} for x in s.sessions]
        doc["cohorts"] = [_cohort_doc(c) for c in s.cohorts]
        doc["packages"] = [
            {"id": k.id, "name": k.name, "priority": k.priority, "need_by": k.need_by.isoformat()}
            for k in s.packages
        ]
    return doc


def _item_doc(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "family": item.family}
    _optional(out, "name", item.name)
    _optional(out, "supply_class", item.supply_class)
    _optional(out, "unit_value_eur", item.unit_value_eur)
    _optional(out, "unit_mass_kg", item.unit_mass_kg)
    _optional(out, "nsn", item.nsn)
    return out


def _location_doc(location: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"id": location.id}
    _optional(out, "name", location.name)
    _optional(out, "country", location.country)
    _optional(out, "kind", location.kind)
    return out


def _requirement_doc(r: Requirement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "family": r.family,
        "quantity": r.quantity,
        "priority": r.priority,
        "need_by": r.need_by.isoformat(),
        "destination": r.destination,
    }
    _optional(out, "item", r.item)
    _optional(out, "package", r.package)
    _optional(out, "note", r.note)
    return out


def _pledge_doc(p: Pledge) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.id,
        "donor": p.donor,
        "item": p.item,
        "quantity": p.quantity,
        "available": p.available.isoformat(),
        "origin": p.origin,
    }
    if p.destinations is not None:
        out["destinations"] = list(p.destinations)
    return out


def _course_doc(c: Course) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "skill": c.skill,
        "host": c.host,
        "language": c.language,
        "duration_days": c.duration_days,
        "seats": c.seats,
    }
    _optional(out, "cost_per_seat_eur", c.cost_per_seat_eur)
    return out


def _cohort_doc(c: Cohort) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "skill": c.skill,
        "size": c.size,
        "language": c.language,
        "ready_by": c.ready_by.isoformat(),
        "priority": c.priority,
    }
    if c.held:
        out["held"] = list(c.held)
    _optional(out, "package", c.package)
    return out


_encode_line = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # what _encode_line uses for text


def _encode_record(value: Any) -> str:
    """``_encode_line(value)``, faster for the common record of text and integer fields (a plan's allocation
    rows, a scenario's pledges): the same bytes, without setting up the encoder for every one of them."""
    if type(value) is not dict:
        return _encode_line(value)
    parts = []
    for key, item in value.items():
        kind = type(item)
        if type(key) is not str or (kind is not str and kind is not int):
            return _encode_line(value)  # booleans, floats, lists, nested objects: the encoder's own rules
        parts.append(_encode_text(key) + ": " + (_encode_text(item) if kind is str else int.__repr__(item)))
    return "{" + ", ".join(parts) + "}"


def dump_json(doc: Any) -> bytes:
    """The canonical bytes of a JSON document, laid out so that one record is one line.

    - an object's keys come in the order given, one per line, indented by two spaces per level;
    - an object whose values are all scalars or lists of scalars is written on one line
      (``{"1": 1000, ...}``), unless it is the document itself;
    - a list holding objects or lists is written one element per line, each element on a line of its own (an
      allocation, a requirement, a pledge); any other list is written on one line;
    - ``", "`` and ``": "`` separate items on a line; text is UTF-8 without ``\\u`` escapes; NaN and infinity
      are refused (:class:`ValueError`); the document ends with a newline.

    The same value always gives the same bytes, and a record per line keeps ``diff`` output readable.
    """
    out: list[str] = []
    _write(doc, "", out, top=True)
    out.append("\n")
    return "".join(out).encode("utf-8")


def _write(value: Any, pad: str, out: list[str], *, top: bool = False) -> None:
    if isinstance(value, dict):
        if not value or (not top and all(_scalar_or_flat_list(v) for v in value.values())):
            out.append(_encode_line(value))
            return
        inner = pad + "  "
        out.append("{")
        separator = "\n"
        for key, item in value.items():
            out.append(separator + inner + _encode_line(str(key)) + ": ")
            _write(item, inner, out)
            separator = ",\n"
        out.append("\n" + pad + "}")
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        inner = pad + "  "
        out.append("[\n" + inner)
        out.append((",\n" + inner).join(map(_encode_record, value)))
        out.append("\n" + pad + "]")
    else:
        out.append(_encode_line(value))


def _scalar_or_flat_list(value: Any) -> bool:
    if isinstance(value, dict):
        return False
    if isinstance(value, list):
        return not any(isinstance(item, (dict, list)) for item in value)
    return True
