"""Import a ``pledgeflow/scenario-v1`` document into the system of record: all of it, or nothing.

:func:`import_scenario` works in two phases inside one transaction:

1. **Check everything.** The engine's reader checks the document against the contract; then the record's own
   rules are checked on every entry that is readable, so a structural error in one place never hides a record
   error in another: donor and country codes must be nations or organisations the database knows, codes must
   be valid record codes, families must exist or be creatable, items and locations need what the database
   requires (a NATO class of supply, a location kind), a route joins two different places once, and
   requirements and pledges that already exist must not conflict. Every problem is collected with its JSON
   path; if there is any, :class:`~pledgeflow.engine.errors.ScenarioError` lists them all and nothing is
   written.
2. **Write everything**, with a change-history record for every record created or updated, attributed to
   ``actor`` (None: the system, e.g. ``pledgeflow import``).

Semantics in a database that already holds records (docs/import-export.md):

- *Reference data* (families, items, locations, routes) is **upserted** by code (routes by their pair of
  locations): new records are created, changed ones updated (version incremented, history written), equal ones
  left alone. Optional fields the document leaves out keep their current values.
- *Requirements and pledges* are **created, never overwritten**: one whose reference already exists with the
  same content is left alone (so importing the same file twice changes nothing); one that exists with
  different content is refused, naming the differences, because those records change only through their own
  use cases (versions, milestones, approvals).
- *Training* (skills, courses, sessions, cohorts, capability packages) follows the same two rules: skills and
  packages are upserted, courses, sessions and cohorts only created (:mod:`pledgeflow.interchange.training`).
- Families the catalogue does not know are created: with their curated name and capability area when
  pledgeflow knows the family (``pledgeflow.demo.catalogue``), otherwise in the capability area the caller
  names (``family_area``, ``pledgeflow import --family-area``); without one such a family is an error, since
  a scenario does not say which capability area a family belongs to.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone

from pledgeflow.core.db import refresh_statistics
from pledgeflow.engine.errors import ScenarioError, ValidationIssue
from pledgeflow.engine.model import (
    DEFAULT_LATE_PENALTY_PER_DAY,
    DEFAULT_PRIORITY_WEIGHTS,
    DEFAULT_UNMET_PENALTY,
)
from pledgeflow.engine.scenario import load_scenario
from pledgeflow.interchange.paths import entry, join, sorted_issues

#: The kinds of record an import reports on, in the order they are written.
KINDS = (
    "families",
    "items",
    "locations",
    "routes",
    "requirements",
    "pledges",
    "skills",
    "packages",
    "courses",
    "sessions",
    "cohorts",
)
#: Kinds reported only when the document had some (a scenario without training says nothing of it).
_OPTIONAL_KINDS = frozenset({"skills", "packages", "courses", "sessions", "cohorts"})


@dataclass
class ImportResult:
    """What an import did: per kind of record, how many were created, updated and left unchanged."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind in KINDS if kind not in _OPTIONAL_KINDS}
    )
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        """Add ``n`` records of ``kind`` with ``outcome`` (created, updated, unchanged)."""
        if n:
            self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> int:
        """How many records were created or updated in all."""
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        """One line per kind of record, e.g. ``items: 3 created, 1 updated, 40 unchanged``."""
        out = []
        for kind in KINDS:
            c = self.counts.get(kind, Counter())
            if kind in _OPTIONAL_KINDS and not c:
                continue
            parts = [f"{c[o]} {o}" for o in ("created", "updated", "unchanged") if c[o]]
            out.append(f"{kind}: {', '.join(parts) if parts else 'none'}")
        return out


class _Checks:
    """Collects the record's own findings, each with its JSON path."""

    def __init__(self) -> None:
        self.issues: list[ValidationIssue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(ValidationIssue(path, message))

    def django(self, base: str, error: DjangoValidationError, keys: dict[str, str]) -> None:
        """Report a Django ValidationError's field messages at the JSON keys they correspond to."""
        for name, messages in error.message_dict.items():
            key = keys.get(name)
            path = join(base, key) if key else base
            for message in messages:
                self.error(path, _sentence(message))


def _sentence(message: str) -> str:
    """Django's messages end with a full stop; the path-prefixed form reads better without it."""
    text = str(message).strip()
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _lenient_parse(data: bytes) -> Any:
    """The document as plain JSON values, or None when it is not JSON at all (the reader says why)."""
    try:
        return json.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _entries(doc: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, list):
        return []
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)]


def _text(entry_: dict[str, Any], key: str) -> str | None:
    value = entry_.get(key)
    return value if isinstance(value, str) and value else None


def _decimal(value: Any) -> Decimal | None:
    if type(value) in (int, float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def import_scenario(
    data: bytes, actor: Any = None, *, family_area: str | None = None, dry_run: bool = False
) -> ImportResult:
    """Check ``data`` (a scenario document's bytes) as a whole, then write it in one transaction.

    Raises :class:`ScenarioError` listing every problem with its JSON path, in document order, and writes
    nothing when there is any. ``actor`` (a coordinator, or None for the system) is recorded in the history.
    ``family_area`` is the capability-area code for families neither the database nor pledgeflow's curated
    catalogue knows. ``dry_run`` checks and counts but writes nothing.
    """
    from pledgeflow.accounts.permissions import is_coordinator, require

    if actor is not None:
        require(is_coordinator(actor), "Only coordinators import scenarios.")
    issues: list[ValidationIssue] = []
    scenario = None
    try:
        scenario = load_scenario(data)
    except ScenarioError as exc:
        issues.extend(exc.errors)
    doc = _lenient_parse(bytes(data))
    with transaction.atomic():
        plan = _Plan(actor, family_area)
        if isinstance(doc, dict):
            plan.check(doc)
        issues.extend(plan.checks.issues)
        if issues:
            raise ScenarioError(sorted_issues(issues))
        assert scenario is not None  # no issue means the reader returned a scenario
        plan.start = scenario.start
        result = plan.write()
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        refresh_statistics()
    return result


class _Plan:
    """The checks of one import and, once they pass, the writes."""

    def __init__(self, actor: Any, family_area: str | None) -> None:
        from pledgeflow.catalogue.models import CapabilityArea, Family, Item
        from pledgeflow.logistics.models import Location, Route
        from pledgeflow.nations.models import Nation

        self.actor = actor
        self.checks = _Checks()
        self.result = ImportResult()
        self.now = timezone.now()
        self.history: list[Any] = []
        self.nations = {n.code: n for n in Nation.objects.all()}
        self.areas = {a.code: a for a in CapabilityArea.objects.all()}
        self.families = {f.code: f for f in Family.objects.select_related("capability_area")}
        self.items = {i.code: i for i in Item.objects.select_related("family")}
        self.locations = {loc.code: loc for loc in Location.objects.select_related("country")}
        self.routes = {
            (r.from_location.code, r.to_location.code): r
            for r in Route.objects.select_related("from_location", "to_location")
        }
        self.family_area = family_area
        # What the write phase does, filled in by the checks: code -> field values.
        self.new_families: dict[str, dict[str, Any]] = {}
        self.known_families: set[str] = set()
        self.item_values: dict[str, dict[str, Any]] = {}
        self.location_values: dict[str, dict[str, Any]] = {}
        self.route_values: dict[tuple[str, str], tuple[str, int]] = {}
        self.requirements: Any = None
        self.pledges: Any = None
        self.training: Any = None
        # The scenario's first day: names the first priority-list version when the import creates it.
        self.start = self.now.date()

    # -- checks --------------------------------------------------------------------------------------------

    def check(self, doc: dict[str, Any]) -> None:
        """Check every readable entry of ``doc`` against the record's rules."""
        if self.family_area is not None and self.family_area not in self.areas:
            self.checks.error(
                "$",
                f"--family-area {self.family_area!r} is not a capability area; "
                f"use one of {', '.join(sorted(self.areas))}",
            )
            self.family_area = None
        self._check_items(doc)
        self._check_locations(doc)
        self._check_routes(doc)
        from pledgeflow.interchange import records

        self.requirements = records.RequirementImport(self)
        self.requirements.check(doc)
        self.pledges = records.PledgeImport(self)
        self.pledges.check(doc)
        from pledgeflow.interchange.training import TrainingImport

        self.training = TrainingImport(self)
        self.training.check(doc)
        self._check_unsupported(doc)

    def family(self, code: str, path: str) -> None:
        """Check that family ``code`` (named at ``path``) exists or can be created; remember to create it."""
        from pledgeflow.catalogue.models import Family
        from pledgeflow.demo.catalogue import family_by_code

        existing = self.families.get(code)
        if existing is not None:
            self.known_families.add(code)
            if not existing.active:
                self.checks.error(
                    path,
                    f"family {code!r} is retired in the catalogue; restore it before importing records "
                    "that name it",
                )
            return
        if code in self.new_families:
            return
        probe = Family(code=code, name=code)
        try:
            probe.clean_fields(exclude=["capability_area", "name", "description"])
        except DjangoValidationError as exc:
            self.checks.django(path.rsplit(".", 1)[0], exc, {"code": path.rsplit(".", 1)[1]})
            self.new_families[code] = {}
            return
        curated = family_by_code().get(code)
        if curated is not None and curated.area in self.areas:
            self.new_families[code] = {"name": curated.name, "area": curated.area}
        elif self.family_area is not None:
            self.new_families[code] = {"name": code, "area": self.family_area}
        else:
            self.new_families[code] = {}
            self.checks.error(
                path,
                f"the catalogue has no family {code!r} and a scenario does not say which capability area a "
                "family belongs to: create the family first, or import with --family-area AREA to create "
                f"unknown families in that area (areas: {', '.join(sorted(self.areas))})",
            )

    def nation(self, code: Any, path: str, what: str) -> bool:
        """Check that ``code`` is a nation or organisation this database knows."""
        if not isinstance(code, str) or not code:
            return False  # the reader reports the type
        if code not in self.nations:
            self.checks.error(
                path,
                f"{what} {code!r} is not a nation or organisation this database knows; use an ISO 3166 "
                "alpha-3 code of a registered nation (e.g. DEU, USA) or EUU for the European Union",
            )
            return False
        return True

    def _check_items(self, doc: dict[str, Any]) -> None:
        from pledgeflow.catalogue.choices import SupplyClass
        from pledgeflow.catalogue.fields import normalise_nsn
        from pledgeflow.catalogue.models import Item

        nsn_owner = {i.nsn: code for code, i in self.items.items() if i.nsn}
        final_nsn: dict[str, tuple[str, str]] = {}  # nsn -> (code, path) as the file leaves it
        keys = {f: f for f in ("code", "name", "supply_class", "unit_value_eur", "unit_mass_kg", "nsn")}
        for i, e in _entries(doc, "items"):
            base = entry("items", i)
            code = _text(e, "code")
            existing = self.items.get(code) if code else None
            family = _text(e, "family")
            if family:
                self.family(family, join(base, "family"))
            values: dict[str, Any] = {}
            if isinstance(e.get("name"), str):
                values["name"] = e["name"]
            supply_class = e.get("supply_class")
            if isinstance(supply_class, str) and supply_class in SupplyClass.values:
                values["supply_class"] = supply_class
            elif isinstance(supply_class, str):
                # The format accepts any class string; the record keeps NATO's five.
                self.checks.error(
                    join(base, "supply_class"),
                    f"supply class {supply_class!r} is not one the record keeps: use a NATO class of supply, "
                    "I, II, III, IV or V",
                )
            for key in ("unit_value_eur", "unit_mass_kg"):
                number = _decimal(e.get(key))
                if number is not None:
                    values[key] = number
            nsn = _text(e, "nsn")
            if nsn:
                # A malformed NSN is reported by the reader.
                with contextlib.suppress(DjangoValidationError):
                    values["nsn"] = normalise_nsn(nsn)
            probe = Item(
                code=code or "x",
                name=values.get("name") or (existing.name if existing else code or "x"),
                supply_class=values.get("supply_class") or (existing.supply_class if existing else "II"),
                unit_value_eur=values.get("unit_value_eur", Decimal("0")),
                unit_mass_kg=values.get("unit_mass_kg", Decimal("0")),
                nsn=values.get("nsn"),
            )
            try:
                probe.clean_fields(exclude=["family", "active"])
            except DjangoValidationError as exc:
                self.checks.django(base, exc, keys)
            if code is None:
                continue
            if existing is None and "supply_class" not in e:
                self.checks.error(
                    join(base, "supply_class"),
                    "missing; the record keeps a NATO class of supply for every item: add "
                    '"supply_class" with I, II, III, IV or V',
                )
            item_nsn = values.get("nsn", existing.nsn if existing else None)
            if item_nsn:
                owner = nsn_owner.get(item_nsn)
                if item_nsn in final_nsn and final_nsn[item_nsn][0] != code:
                    self.checks.error(
                        join(base, "nsn"),
                        f"NSN {item_nsn} is also given to item {final_nsn[item_nsn][0]!r} at "
                        f"{final_nsn[item_nsn][1]}; an NSN identifies one item",
                    )
                elif owner is not None and owner != code and not self._file_moves_nsn(doc, owner, item_nsn):
                    self.checks.error(
                        join(base, "nsn"),
                        f"NSN {item_nsn} already belongs to item {owner!r} in the catalogue; "
                        "an NSN identifies one item",
                    )
                final_nsn.setdefault(item_nsn, (code, join(base, "nsn")))
            values["family"] = family
            values["path"] = base
            self.item_values[code] = values

    def _file_moves_nsn(self, doc: dict[str, Any], owner: str, nsn: str) -> bool:
        """True when the document gives item ``owner`` a different NSN, freeing ``nsn``."""
        for _i, e in _entries(doc, "items"):
            if e.get("code") == owner and isinstance(e.get("nsn"), str):
                from pledgeflow.catalogue.fields import normalise_nsn

                try:
                    return normalise_nsn(e["nsn"]) != nsn
                except DjangoValidationError:
                    return False
        return False

    def _check_locations(self, doc: dict[str, Any]) -> None:
        from pledgeflow.logistics.choices import LocationKind
        from pledgeflow.logistics.models import Location

        keys = {"code": "id", "name": "name", "kind": "kind"}
        for i, e in _entries(doc, "locations"):
            base = entry("locations", i)
            code = _text(e, "id")
            existing = self.locations.get(code) if code else None
            values: dict[str, Any] = {}
            if isinstance(e.get("name"), str):
                values["name"] = e["name"]
            if e.get("kind") in LocationKind.values:
                values["kind"] = e["kind"]  # any other kind is reported by the reader
            if "country" in e and self.nation(e.get("country"), join(base, "country"), "country"):
                values["country"] = e["country"]
            probe = Location(
                code=code or "x",
                name=values.get("name") or (existing.name if existing else code or "x"),
                kind=values.get("kind") or (existing.kind if existing else "depot"),
            )
            try:
                probe.clean_fields(exclude=["country", "active"])
            except DjangoValidationError as exc:
                self.checks.django(base, exc, keys)
            if code is None:
                continue
            if existing is None and "kind" not in e:
                self.checks.error(
                    join(base, "kind"),
                    'missing; the record keeps what each location is: add "kind" with depot, hub or '
                    "destination",
                )
            values["path"] = base
            self.location_values[code] = values

    def _check_routes(self, doc: dict[str, Any]) -> None:
        first: dict[tuple[str, str], int] = {}
        for i, e in _entries(doc, "routes"):
            base = entry("routes", i)
            origin, to = _text(e, "from"), _text(e, "to")
            if origin is None or to is None:
                continue
            if origin == to:
                self.checks.error(
                    join(base, "to"),
                    f"a route leads to another location; this one starts and ends at {origin!r}",
                )
                continue
            pair = (origin, to)
            if pair in first:
                self.checks.error(
                    base,
                    f"routes[{first[pair]}] already leads from {origin!r} to {to!r}; the record keeps one "
                    "route per pair of locations: keep the one with the fewest days",
                )
                continue
            first[pair] = i
            days = e.get("days")
            if type(days) is int and days >= 0:
                self.route_values[pair] = (base, days)

    def _check_unsupported(self, doc: dict[str, Any]) -> None:
        """Parts of the format the record does not hold yet are refused rather than silently dropped."""
        policy = doc.get("policy")
        if isinstance(policy, dict):
            defaults: dict[str, Any] = {
                "priority_weights": {str(k): v for k, v in DEFAULT_PRIORITY_WEIGHTS.items()},
                "unmet_penalty": DEFAULT_UNMET_PENALTY,
                "late_penalty_per_day": DEFAULT_LATE_PENALTY_PER_DAY,
            }
            for key, value in policy.items():
                if key in defaults and value != defaults[key]:
                    self.checks.error(
                        join("policy", key),
                        f"the record keeps no policy of its own (plans use the defaults, "
                        f"{json.dumps(defaults[key])}); leave {key!r} out or at its default, and give "
                        "other weights to the planner when you run it",
                    )
        locks = doc.get("locks")
        if isinstance(locks, list) and locks:
            self.checks.error(
                "locks",
                "locks are not imported: a lock is a coordinator's decision on a plan run, recorded where "
                "the plan is reviewed; remove the locks (write []) to import the rest",
            )

    # -- writes --------------------------------------------------------------------------------------------

    def write(self) -> ImportResult:
        """Write every checked record, with history; runs inside the caller's transaction."""
        self._write_families()
        self._write_items()
        self._write_locations()
        self._write_routes()
        self.training.write()
        self.requirements.write()
        self.pledges.write()
        self.training.write_offers()
        from pledgeflow.core.models import ChangeRecord

        ChangeRecord.objects.bulk_create(self.history, batch_size=500)
        return self.result

    def record(self, instance: models.Model, action: str, before: Any, note: str = "") -> None:
        """Queue the history record of a change to ``instance`` (written in this transaction)."""
        from pledgeflow.core.models import ChangeRecord
        from pledgeflow.core.services import entity_label, snapshot

        actor_id = getattr(self.actor, "pk", None) if self.actor is not None else None
        self.history.append(
            ChangeRecord(
                entity=entity_label(instance),
                object_id=str(instance.pk),
                action=str(action),
                actor_id=actor_id,
                at=self.now,
                before=before,
                after=snapshot(instance),
                note=note or "imported from a scenario",
            )
        )

    def create_many(
        self,
        kind: str,
        new: list[tuple[str, models.Model]],
        m2m: dict[str, list[list[models.Model]]] | None = None,
    ) -> None:
        """Validate and insert new records of one model in bulk, set their many-to-many fields, queue history.

        ``new`` pairs each record with the JSON path it comes from, so a record the checks let through but the
        model refuses is still reported where it is. ``m2m`` maps a many-to-many field to one list of related
        records per new record. Related records come from this import's own look-ups, so the foreign keys are
        not checked again one query at a time.
        """
        from pledgeflow.core.choices import ChangeAction

        if not new:
            return
        model = type(new[0][1])
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        issues = []
        for path, instance in new:
            try:
                instance.clean_fields(exclude=relations)
                instance.clean()
            except DjangoValidationError as exc:
                for messages in exc.message_dict.values():
                    issues.extend(ValidationIssue(path, _sentence(m)) for m in messages)
        if issues:
            raise ScenarioError(issues)
        instances = [instance for _path, instance in new]
        model._default_manager.bulk_create(instances, batch_size=500)
        for name, related in (m2m or {}).items():
            descriptor = getattr(model, name)
            through = descriptor.through
            source = descriptor.field.m2m_field_name()
            target = descriptor.field.m2m_reverse_field_name()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": owner.pk, f"{target}_id": other.pk})
                    for owner, others in zip(instances, related, strict=True)
                    for other in others
                ],
                batch_size=1000,
            )
        # Read back with related records and the lists just written: the history snapshots then cost no query.
        instances = list(
            model._default_manager.filter(pk__in=[i.pk for i in instances])
            .select_related(*relations)
            .prefetch_related(*(m2m or {}))
        )
        for instance in instances:
            self.record(instance, ChangeAction.CREATE, None)
        self.result.count(kind, "created", len(instances))

    def upsert(self, instance: models.Model, changes: dict[str, Any], kind: str) -> None:
        """Apply ``changes`` to an existing versioned record when they change anything, with history."""
        from pledgeflow.core.choices import ChangeAction
        from pledgeflow.core.services import snapshot

        before = snapshot(instance)
        changed = False
        for name, value in changes.items():
            field_ = instance._meta.get_field(name)
            current = getattr(instance, field_.attname if field_.is_relation else name)
            target = value.pk if field_.is_relation and isinstance(value, models.Model) else value
            if current != target:
                setattr(instance, name, value)
                changed = True
        if not changed:
            self.result.count(kind, "unchanged")
            return
        instance.version += 1  # type: ignore[attr-defined]
        instance.updated_at = self.now  # type: ignore[attr-defined]
        relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
        instance.clean_fields(exclude=relations)
        instance.clean()
        instance.save()
        self.record(instance, ChangeAction.UPDATE, before)
        self.result.count(kind, "updated")

    def _write_families(self) -> None:
        from pledgeflow.catalogue.models import Family

        new = []
        for code in sorted(self.new_families):
            spec = self.new_families[code]
            family = Family(code=code, name=spec["name"], capability_area=self.areas[spec["area"]])
            new.append(("$", family))
            self.families[code] = family
        self.create_many("families", new)
        self.result.count("families", "unchanged", len(self.known_families))

    def _write_items(self) -> None:
        from pledgeflow.catalogue.models import Item

        # Free NSNs that move between items first, so the unique constraint holds at every step.
        moving = [
            code
            for code, values in self.item_values.items()
            if code in self.items and "nsn" in values and self.items[code].nsn not in (None, values["nsn"])
        ]
        if moving:
            Item.objects.filter(code__in=moving).update(nsn=None)
        new = []
        for code, values in self.item_values.items():
            family = self.families[values["family"]]
            existing = self.items.get(code)
            fields = {k: v for k, v in values.items() if k not in ("family", "path")}
            if existing is None:
                item = Item(code=code, family=family, name=fields.pop("name", None) or code, **fields)
                new.append((values["path"], item))
                self.items[code] = item
            else:
                # For an item in ``moving`` the row's NSN was cleared above, but ``existing`` still holds the
                # old value, so the comparison and the history's "before" are right.
                self.upsert(existing, {"family": family, **fields}, "items")
        self.create_many("items", new)

    def _write_locations(self) -> None:
        from pledgeflow.logistics.models import Location

        new = []
        for code, values in self.location_values.items():
            existing = self.locations.get(code)
            fields = dict(values)
            path = fields.pop("path")
            if "country" in fields:
                fields["country_id"] = fields.pop("country")
            if existing is None:
                location = Location(code=code, name=fields.pop("name", None) or code, **fields)
                new.append((path, location))
                self.locations[code] = location
            else:
                self.upsert(existing, fields, "locations")
        self.create_many("locations", new)

    def _write_routes(self) -> None:
        from pledgeflow.logistics.models import Route

        new = []
        for (origin, to), (path, days) in self.route_values.items():
            existing = self.routes.get((origin, to))
            if existing is None:
                route = Route(from_location=self.locations[origin], to_location=self.locations[to], days=days)
                new.append((path, route))
            else:
                self.upsert(existing, {"days": days}, "routes")
        self.create_many("routes", new)
