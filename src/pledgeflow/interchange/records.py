"""Importing requirements and pledges: created, never overwritten (:mod:`pledgeflow.interchange.importer`).

Requirements land on the priority list as follows (docs/import-export.md):

- a reference already on the current approved version, or on the draft version, with the same content (on
  either) is left unchanged; with different content it is refused, naming the differences;
- a new reference goes on the draft version, as a draft line that follows the list's approval like any other;
- when the database has no list version at all, the import creates version 1 (labelled after the scenario's
  start month), approved, holding the imported requirements as approved lines: the document is the list that
  was planned;
- otherwise (an approved list and no draft) a new reference is refused: approved lists are frozen, so start
  the next version first.

Pledges are keyed by their reference: a new one is recorded as *offered* today, with the model's default
sharing label (AMBER with nobody on the releasable-to list: only the donor and the coordinators see it until
the donor labels it) and an *offered* milestone by the importing user; an existing one must match.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError

from pledgeflow.interchange.paths import entry, join

if TYPE_CHECKING:
    from pledgeflow.interchange.importer import _Plan


def _text(e: dict[str, Any], key: str) -> str | None:
    value = e.get(key)
    return value if isinstance(value, str) and value else None


def _date(value: Any) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _differences(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """``quantity 40 in the database, 50 here`` for each key whose values differ."""
    out = []
    for key, value in wanted.items():
        have = current.get(key)
        if have != value:
            out.append(f"{key} {_show(have)} in the database, {_show(value)} here")
    return out


def _show(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(value) if isinstance(value, str) else str(value)


class RequirementImport:
    """Checks and writes the ``requirements`` of a document."""

    def __init__(self, plan: _Plan) -> None:
        from pledgeflow.requirements.choices import VersionStatus
        from pledgeflow.requirements.models import PriorityListVersion, Requirement

        self.plan = plan
        versions = list(PriorityListVersion.objects.all())
        self.any_version = bool(versions)
        approved = [v for v in versions if v.status == VersionStatus.APPROVED]
        self.current = max(approved, key=lambda v: v.number) if approved else None
        self.draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
        on = [v for v in (self.current, self.draft) if v is not None]
        self.existing: dict[str, list[Any]] = {}
        for r in Requirement.objects.filter(list_version__in=on).select_related(
            "family", "item", "destination", "list_version"
        ):
            self.existing.setdefault(r.reference, []).append(r)
        self.to_create: list[tuple[int, dict[str, Any]]] = []
        self.unchanged = 0

    @staticmethod
    def content(r: Any) -> dict[str, Any]:
        """What a requirement asks for, as the scenario says it."""
        return {
            "family": r.family.code,
            "item": r.item.code if r.item_id else None,
            "quantity": r.quantity,
            "priority": r.priority,
            "need_by": r.need_by,
            "destination": r.destination.code,
            "note": r.justification or None,
            "package": r.package_code or None,
        }

    def check(self, doc: dict[str, Any]) -> None:
        """Check each requirement entry against the record."""
        from pledgeflow.requirements.models import Requirement

        plan = self.plan
        entries = doc.get("requirements")
        if not isinstance(entries, list):
            return
        for i, e in enumerate(entries):
            if not isinstance(e, dict):
                continue
            base = entry("requirements", i)
            reference = _text(e, "id")
            family = _text(e, "family")
            if family:
                plan.family(family, join(base, "family"))
            if reference is None:
                continue
            probe = Requirement(reference=reference, quantity=1, priority=1, need_by=date.today())
            try:
                probe.clean_fields(
                    exclude=[
                        "list_version",
                        "family",
                        "item",
                        "destination",
                        "capability_area",
                        "package_code",
                        "carried_from",
                        "quantity",
                        "priority",
                        "need_by",
                        "justification",
                        "status",
                    ]
                )
            except DjangoValidationError as exc:
                plan.checks.django(base, exc, {"reference": "id"})
                continue
            wanted = {
                "family": family,
                "item": _text(e, "item"),
                "quantity": e.get("quantity") if type(e.get("quantity")) is int else None,
                "priority": e.get("priority") if type(e.get("priority")) is int else None,
                "need_by": _date(e.get("need_by")),
                "destination": _text(e, "destination"),
                "note": e.get("note") if isinstance(e.get("note"), str) else None,
                "package": _text(e, "package"),
            }
            found = self.existing.get(reference)
            if found:
                # Equal to the approved line or to its draft copy: nothing to do.
                contents = [self.content(r) for r in found]
                if any(not _differences(c, wanted) for c in contents):
                    self.unchanged += 1
                    continue
                where = " / ".join(f"{r.list_version.label}" for r in found)
                diffs = _differences(contents[-1], wanted)
                plan.checks.error(
                    join(base, "id"),
                    f"requirement {reference!r} is already on the priority list ({where}) with different "
                    f"content ({'; '.join(diffs)}); an import never overwrites a requirement: change it "
                    "through the list (web or API), or give this line a new id",
                )
                continue
            if self.any_version and self.draft is None:
                label = self.current.label if self.current is not None else "?"
                plan.checks.error(
                    join(base, "id"),
                    f"requirement {reference!r} is not on the priority list and the current version "
                    f"({label}) is approved and frozen; start the next version (web or API), then import "
                    "to add new requirements to it",
                )
                continue
            self.to_create.append((i, e))

    def write(self) -> None:
        """Create the new requirements (and the first list version when there is none)."""
        from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
        from pledgeflow.requirements.models import PriorityListVersion, Requirement

        plan = self.plan
        plan.result.count("requirements", "unchanged", self.unchanged)
        if not self.to_create:
            return
        if self.draft is not None:
            version, status = self.draft, RequirementStatus.DRAFT
        else:
            start = plan.start
            version = PriorityListVersion(
                number=1,
                label=f"{start:%Y-%m}",
                status=VersionStatus.APPROVED,
                created_by=_user(plan.actor),
                approved_at=plan.now,
                approved_by=_user(plan.actor),
            )
            version.full_clean()
            version.save()
            plan.record(version, "create", None, note="list version created by a scenario import")
            plan.result.notes.append(
                f"created priority-list version {version.label} (approved) for the imported requirements"
            )
            status = RequirementStatus.APPROVED
        new = []
        for i, e in self.to_create:
            requirement = Requirement(
                reference=e["id"],
                list_version=version,
                family=plan.families[e["family"]],
                item=plan.items[e["item"]] if "item" in e else None,
                quantity=e["quantity"],
                priority=e["priority"],
                need_by=date.fromisoformat(e["need_by"]),
                destination=plan.locations[e["destination"]],
                justification=e.get("note", ""),
                package_code=e.get("package") or None,
                status=status,
            )
            new.append((entry("requirements", i), requirement))
        plan.create_many("requirements", new)


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


class PledgeImport:
    """Checks and writes the ``pledges`` of a document."""

    def __init__(self, plan: _Plan) -> None:
        from pledgeflow.pledges.models import Pledge

        self.plan = plan
        self.existing = {
            p.reference: p
            for p in Pledge.objects.select_related("item", "origin").prefetch_related("allowed_destinations")
        }
        self.to_create: list[tuple[int, dict[str, Any]]] = []
        self.unchanged = 0

    @staticmethod
    def content(p: Any) -> dict[str, Any]:
        """What a pledge offers, as the scenario says it."""
        return {
            "donor": p.donor_id,
            "item": p.item.code,
            "quantity": p.quantity,
            "available": p.available,
            "origin": p.origin.code,
            "destinations": tuple(sorted(d.code for d in p.allowed_destinations.all())),
        }

    def check(self, doc: dict[str, Any]) -> None:
        """Check each pledge entry against the record."""
        from pledgeflow.pledges.models import Pledge
        from pledgeflow.pledges.services import claimed_nation

        plan = self.plan
        for i, e in enumerate(doc.get("pledges") if isinstance(doc.get("pledges"), list) else []):
            if not isinstance(e, dict):
                continue
            base = entry("pledges", i)
            if "donor" in e:
                plan.nation(e.get("donor"), join(base, "donor"), "donor")
            reference = _text(e, "id")
            if reference is None:
                continue
            probe = Pledge(reference=reference, quantity=1, available=date.today())
            try:
                probe.clean_fields(
                    exclude=[
                        "donor",
                        "item",
                        "origin",
                        "quantity",
                        "available",
                        "source",
                        "channel",
                        "sharing_label",
                        "status",
                        "note",
                        "quantity_received",
                    ]
                )
            except DjangoValidationError as exc:
                plan.checks.django(base, exc, {"reference": "id"})
                continue
            destinations = e.get("destinations")
            wanted = {
                "donor": _text(e, "donor"),
                "item": _text(e, "item"),
                "quantity": e.get("quantity") if type(e.get("quantity")) is int else None,
                "available": _date(e.get("available")),
                "origin": _text(e, "origin"),
                "destinations": tuple(sorted(d for d in destinations if isinstance(d, str)))
                if isinstance(destinations, list)
                else (),
            }
            existing = self.existing.get(reference)
            if existing is not None:
                diffs = _differences(self.content(existing), wanted)
                if diffs:
                    plan.checks.error(
                        join(base, "id"),
                        f"pledge {reference!r} already exists ({existing.get_status_display().lower()}) with "
                        f"different content ({'; '.join(diffs)}); an import never overwrites a pledge: "
                        "change it through its own milestones (web or API), or give this pledge a new id",
                    )
                else:
                    self.unchanged += 1
                continue
            # A new id naming another nation (DEU-7777 on a French pledge) would let that nation's liaison
            # learn of the pledge from "reference already in use"; the services refuse it the same way.
            claimed = claimed_nation(reference, plan.nations)
            if claimed is not None and wanted["donor"] in plan.nations and claimed != wanted["donor"]:
                donor = wanted["donor"]
                plan.checks.error(
                    join(base, "id"),
                    f"pledge id {reference!r} starts with {claimed}'s code, but the pledge's donor is "
                    f"{donor}: a pledge's id names its own donor or no nation; use {donor}-... (e.g. "
                    f"{donor}-0007) or an id that names no nation (e.g. P1)",
                )
            # The pledge model's own rules (a donor that gives, an active item and origin), on the records
            # that exist already; items and locations new in this document are active.
            probe = Pledge(
                reference=reference,
                donor=plan.nations.get(wanted["donor"] or ""),
                item=plan.items.get(wanted["item"] or ""),
                origin=plan.locations.get(wanted["origin"] or ""),
                quantity=1,
                available=date.today(),
            )
            try:
                probe.clean()
            except DjangoValidationError as exc:
                plan.checks.django(base, exc, {"donor": "donor", "item": "item", "origin": "origin"})
            self.to_create.append((i, e))

    def write(self) -> None:
        """Create the new pledges, each offered today with its first milestone."""
        from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
        from pledgeflow.pledges.models import Pledge, PledgeMilestone

        plan = self.plan
        new = []
        destinations = []
        for i, e in self.to_create:
            pledge = Pledge(
                reference=e["id"],
                donor=plan.nations[e["donor"]],
                item=plan.items[e["item"]],
                quantity=e["quantity"],
                available=date.fromisoformat(e["available"]),
                origin=plan.locations[e["origin"]],
                status=PledgeStatus.OFFERED,
            )
            new.append((entry("pledges", i), pledge))
            destinations.append([plan.locations[code] for code in e.get("destinations", [])])
        plan.create_many("pledges", new, m2m={"allowed_destinations": destinations})
        PledgeMilestone.objects.bulk_create(
            [
                PledgeMilestone(
                    pledge=pledge,
                    milestone=MilestoneKind.OFFERED,
                    on=plan.now.date(),
                    recorded_by=_user(plan.actor),
                    recorded_at=plan.now,
                    note="imported from a scenario",
                )
                for _path, pledge in new
            ],
            batch_size=1000,
        )
        plan.result.count("pledges", "unchanged", self.unchanged)
