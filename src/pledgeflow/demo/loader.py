"""Write the generated demo into the database: fast, in one transaction, with its history.

Reference data, the approved priority list and the pledges are written with ``bulk_create`` (a few hundred
rows each), and so is their change history, back-dated to when the generator says each thing happened and
attributed to the demo users who did it: the donor liaison who offered and committed a pledge, the coordinator
who recorded it at the hub, the recipient who confirmed receipt. The draft next version of the list is written
the same way, with the history the requirement services would have written (started, carried over, revised,
cancelled, added, submitted).

Loading is idempotent: a history record (entity ``demo.dataset``) marks a database that holds the demo, and a
database that already holds requirements or pledges of its own is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pledgeflow.demo.generator import (
    COORDINATOR_USERNAME,
    DEFAULT_SEED,
    RECIPIENT,
    RECIPIENT_USERNAME,
    DemoData,
    DemoRequirement,
    generate,
    liaison_username,
)

#: The history entity marking a database that holds the demo.
DEMO_ENTITY = "demo.dataset"

Progress = Callable[[str], None]


def demo_loaded() -> bool:
    """True when this database holds the demo."""
    from pledgeflow.core.models import ChangeRecord

    return ChangeRecord.objects.filter(entity=DEMO_ENTITY).exists()


def load_demo(progress: Progress, *, seed: int = DEFAULT_SEED, today: Any = None) -> str:
    """Generate the demo for ``today`` (default: today, UTC) from ``seed`` and write it; return a summary.

    Call only on a database without requirements and pledges (see :func:`pledgeflow.demo.ensure_demo_data`).
    """
    from pledgeflow.nations.models import Nation

    day = today or timezone.now().date()
    gdp = {n.code: float(n.gdp_usd_bn) for n in Nation.objects.all() if n.gdp_usd_bn is not None}
    data = generate(gdp, day, seed)
    missing = sorted(set(data.donors) - set(Nation.objects.values_list("code", flat=True)))
    if missing:
        raise RuntimeError(
            f"the demo's donors {', '.join(missing)} are not in the nations table; run the migrations first"
        )
    with transaction.atomic():
        loader = _Loader(data, progress)
        loader.users()
        loader.catalogue()
        loader.network()
        loader.approved_list()
        loader.draft_list()
        loader.pledges()
        loader.training(seed)
        loader.mark(seed)
        from pledgeflow.core.models import ChangeRecord

        ChangeRecord.objects.bulk_create(loader.history, batch_size=1000)
    return loader.summary()


def _at(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class _Loader:
    def __init__(self, data: DemoData, progress: Progress) -> None:
        self.data = data
        self.say = progress
        self.now = timezone.now()
        self.history: list[Any] = []
        self.user: dict[str, Any] = {}
        self.families: dict[str, Any] = {}
        self.items: dict[str, Any] = {}
        self.locations: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    # -- history -------------------------------------------------------------------------------------------

    def record(
        self,
        instance: Any,
        action: str,
        actor: str | None,
        at: datetime,
        before: Any = None,
        after: Any = None,
        note: str = "",
    ) -> None:
        from pledgeflow.core.models import ChangeRecord
        from pledgeflow.core.services import entity_label

        self.history.append(
            ChangeRecord(
                entity=entity_label(instance),
                object_id=str(instance.pk),
                action=action,
                actor=self.user[actor] if actor else None,
                at=_at(at),
                before=before,
                after=after,
                note=note,
            )
        )

    # -- users ---------------------------------------------------------------------------------------------

    def users(self) -> None:
        """The accounts the demo's history names, created without a usable password.

        :func:`pledgeflow.demo.ensure_demo_users` gives the six demo users fresh passwords; the other donor
        liaisons exist so the history can say who recorded each nation's pledges.
        """
        from pledgeflow.accounts.choices import Role
        from pledgeflow.accounts.models import User
        from pledgeflow.core.services import snapshot

        wanted: dict[str, tuple[str, str | None]] = {
            COORDINATOR_USERNAME: (Role.COORDINATOR, None),
            RECIPIENT_USERNAME: (Role.RECIPIENT_OFFICER, RECIPIENT),
            "training": (Role.TRAINING_COORDINATOR, None),
            "viewer": (Role.VIEWER, None),
        }
        for donor in self.data.donors:
            wanted[liaison_username(donor)] = (Role.DONOR_LIAISON, donor)
        existing = {u.username: u for u in User.objects.filter(username__in=wanted)}
        new = []
        for username, (role, nation) in wanted.items():
            if username in existing:
                continue
            user = User(username=username, role=role, nation_id=nation, date_joined=self.now)
            user.set_unusable_password()
            new.append(user)
        User.objects.bulk_create(new)
        self.user = {u.username: u for u in User.objects.filter(username__in=wanted)}
        for user in new:
            saved = self.user[user.username]
            self.record(saved, "create", None, self.now, None, snapshot(saved), "demo account")
        self.say(f"{len(new)} demo accounts")

    # -- catalogue and network -----------------------------------------------------------------------------

    def catalogue(self) -> None:
        from pledgeflow.catalogue.models import CapabilityArea, Family, Item
        from pledgeflow.core.services import snapshot

        areas = {a.code: a for a in CapabilityArea.objects.all()}
        self.families = {f.code: f for f in Family.objects.all()}
        new_families = [
            Family(
                code=f.code,
                name=f.name,
                capability_area=areas[f.area],
                created_at=self.now,
                updated_at=self.now,
            )
            for f in self.data.families
            if f.code not in self.families
        ]
        Family.objects.bulk_create(new_families)
        self.families = {f.code: f for f in Family.objects.select_related("capability_area")}
        self.items = {i.code: i for i in Item.objects.all()}
        new_items = [
            Item(
                code=i.code,
                name=i.name,
                family=self.families[i.family],
                supply_class=i.supply_class,
                unit_value_eur=_decimal(i.unit_value_eur, 2),
                unit_mass_kg=_decimal(i.unit_mass_kg, 3),
                nsn=i.nsn,
                created_at=self.now,
                updated_at=self.now,
            )
            for i in self.data.items
            if i.code not in self.items
        ]
        Item.objects.bulk_create(new_items)
        self.items = {i.code: i for i in Item.objects.select_related("family")}
        for family in new_families:
            saved = self.families[family.code]
            self.record(saved, "create", COORDINATOR_USERNAME, self.now, None, snapshot(saved))
        for item in new_items:
            saved = self.items[item.code]
            self.record(saved, "create", COORDINATOR_USERNAME, self.now, None, snapshot(saved))
        self.counts["families"] = len(self.data.families)
        self.counts["items"] = len(self.data.items)
        self.say(f"catalogue: {len(self.data.families)} families, {len(self.data.items)} items")

    def network(self) -> None:
        from pledgeflow.core.services import snapshot
        from pledgeflow.logistics.models import Location, Route

        self.locations = {loc.code: loc for loc in Location.objects.all()}
        new_locations = [
            Location(
                code=loc.code,
                name=loc.name,
                country_id=loc.country,
                kind=loc.kind,
                created_at=self.now,
                updated_at=self.now,
            )
            for loc in self.data.locations
            if loc.code not in self.locations
        ]
        Location.objects.bulk_create(new_locations)
        self.locations = {loc.code: loc for loc in Location.objects.select_related("country")}
        pairs = set(Route.objects.values_list("from_location__code", "to_location__code"))
        new_routes = [
            Route(
                from_location=self.locations[r.from_code],
                to_location=self.locations[r.to_code],
                days=r.days,
                created_at=self.now,
                updated_at=self.now,
            )
            for r in self.data.routes
            if (r.from_code, r.to_code) not in pairs
        ]
        Route.objects.bulk_create(new_routes)
        for location in new_locations:
            saved = self.locations[location.code]
            self.record(saved, "create", COORDINATOR_USERNAME, self.now, None, snapshot(saved))
        for route in Route.objects.filter(created_at=self.now).select_related("from_location", "to_location"):
            self.record(route, "create", COORDINATOR_USERNAME, self.now, None, snapshot(route))
        self.counts["locations"] = len(self.data.locations)
        self.counts["hubs"] = sum(1 for loc in self.data.locations if loc.kind == "hub")
        self.counts["routes"] = len(self.data.routes)
        self.say(f"network: {len(self.data.locations)} locations, {len(self.data.routes)} routes")

    # -- requirements --------------------------------------------------------------------------------------

    def _requirement(self, r: DemoRequirement, version: Any, created: datetime) -> Any:
        from pledgeflow.requirements.models import Requirement

        family = self.families[r.family]
        return Requirement(
            reference=r.reference,
            list_version=version,
            family=family,
            item=self.items[r.item] if r.item else None,
            quantity=r.quantity,
            priority=r.priority,
            need_by=r.need_by,
            destination=self.locations[r.destination],
            capability_area=family.capability_area,
            justification=r.justification,
            status=r.status,
            created_at=created,
            updated_at=created,
        )

    def approved_list(self) -> None:
        """The current list version: submitted by the recipient, approved by a coordinator, then lived in."""
        from pledgeflow.core.services import snapshot
        from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
        from pledgeflow.requirements.models import PriorityListVersion, Requirement

        data = self.data
        approved_at = data.approved_at
        started = approved_at - timedelta(days=24)
        version = PriorityListVersion.objects.create(
            number=1,
            label=data.approved_version_name.split()[-1],
            status=VersionStatus.APPROVED,
            created_at=started,
            created_by=self.user[RECIPIENT_USERNAME],
            approved_at=approved_at,
            approved_by=self.user[COORDINATOR_USERNAME],
        )
        self.record(version, "create", RECIPIENT_USERNAME, started, None, snapshot(version))
        self.record(
            version,
            "approve",
            COORDINATOR_USERNAME,
            approved_at,
            {"status": VersionStatus.DRAFT},
            {"status": VersionStatus.APPROVED},
            f"Approved with list version {version.label}.",
        )
        rows = []
        for n, r in enumerate(data.approved_requirements):
            created = started + timedelta(hours=2 + n % 400)
            rows.append(self._requirement(r, version, created))
        Requirement.objects.bulk_create(rows, batch_size=500)
        saved = Requirement.objects.filter(list_version=version).select_related(
            "family", "item", "destination", "capability_area", "list_version"
        )
        today_start = datetime.combine(data.today, time(9, 0), tzinfo=approved_at.tzinfo)
        for row in saved:
            after = snapshot(row)
            final = row.status
            self.record(row, "create", RECIPIENT_USERNAME, row.created_at, None, {**after, "status": "draft"})
            self.record(
                row,
                "submit",
                RECIPIENT_USERNAME,
                row.created_at + timedelta(hours=1),
                {"status": "draft"},
                {"status": "submitted"},
            )
            self.record(
                row,
                "approve",
                COORDINATOR_USERNAME,
                approved_at,
                {"status": "submitted"},
                {"status": "approved"},
                f"Approved with list version {version.label}.",
            )
            if final in (RequirementStatus.CLOSED, RequirementStatus.CANCELLED):
                when = approved_at + (today_start - approved_at) / 2
                action = "close" if final == RequirementStatus.CLOSED else "cancel"
                self.record(row, action, RECIPIENT_USERNAME, when, {"status": "approved"}, {"status": final})
        self.version = version
        self.counts["approved"] = len(rows)
        self.say(f"priority list {version.label}: {len(rows)} requirements, approved")

    def draft_list(self) -> None:
        """The next month's list: open requirements carried over as submitted, then revised by the recipient.

        Written in bulk like the rest, with the history the requirement services would have written: the
        version started, each line carried over, and each revision, cancellation, new line and submission.
        """
        from pledgeflow.core.services import snapshot
        from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
        from pledgeflow.requirements.models import PriorityListVersion, Requirement

        data = self.data
        label = data.draft_version_name.split()[-1]
        started = datetime.combine(data.today, time(8, 0), tzinfo=data.approved_at.tzinfo) - timedelta(days=5)
        draft = PriorityListVersion.objects.create(
            number=2,
            label=label,
            status=VersionStatus.DRAFT,
            based_on=self.version,
            created_at=started,
            created_by=self.user[RECIPIENT_USERNAME],
        )
        self.record(draft, "create", RECIPIENT_USERNAME, started, None, snapshot(draft), "Next month's list.")
        originals = {
            r.reference: r
            for r in Requirement.objects.filter(list_version=self.version, status=RequirementStatus.APPROVED)
        }
        approved = {r.reference: r for r in data.approved_requirements}
        rows = []
        for r in data.draft_requirements:
            carried = originals.get(r.reference)
            row = self._requirement(r, draft, started if carried else started + timedelta(days=2))
            row.carried_from = carried
            if carried is not None:
                # Carried over as submitted (agreed once); revisions and cancellations come after.
                row.status = (
                    RequirementStatus.CANCELLED if r.status == "cancelled" else RequirementStatus.SUBMITTED
                )
                revised_line = (r.quantity, r.priority) != (carried.quantity, carried.priority)
                row.version = 2 if r.status == "cancelled" or revised_line else 1
            elif r.status == "submitted":
                row.version = 2
            rows.append(row)
        Requirement.objects.bulk_create(rows, batch_size=500)
        saved = Requirement.objects.filter(list_version=draft).select_related(
            "family", "item", "destination", "capability_area", "list_version", "carried_from"
        )
        revised = started + timedelta(days=3)
        changes = 0
        for row in saved:
            after = snapshot(row)
            before = approved.get(row.reference)
            if row.carried_from_id is None:
                self.record(
                    row, "create", RECIPIENT_USERNAME, row.created_at, None, {**after, "status": "draft"}
                )
                if row.status == RequirementStatus.SUBMITTED:
                    self.record(
                        row,
                        "submit",
                        RECIPIENT_USERNAME,
                        revised,
                        {"status": "draft"},
                        {"status": "submitted"},
                    )
                changes += 1
                continue
            assert before is not None
            first = {**after, "status": "submitted", "quantity": before.quantity, "priority": before.priority}
            self.record(
                row,
                "create",
                RECIPIENT_USERNAME,
                started,
                None,
                first,
                f"Carried over from list version {self.version.label}.",
            )
            if row.status == RequirementStatus.CANCELLED:
                self.record(
                    row,
                    "cancel",
                    RECIPIENT_USERNAME,
                    revised,
                    {"status": "submitted"},
                    {"status": "cancelled"},
                    "No longer needed.",
                )
                changes += 1
            elif (row.quantity, row.priority) != (before.quantity, before.priority):
                self.record(
                    row,
                    "update",
                    RECIPIENT_USERNAME,
                    revised,
                    {"quantity": before.quantity, "priority": before.priority},
                    {"quantity": row.quantity, "priority": row.priority},
                    "Revised after the monthly review.",
                )
                changes += 1
        self.counts["draft"] = len(rows)
        self.draft_label = draft.label
        self.say(f"priority list {draft.label}: draft with {changes} changes")

    # -- pledges -------------------------------------------------------------------------------------------

    def pledges(self) -> None:
        from pledgeflow.core.services import snapshot
        from pledgeflow.pledges.models import Pledge, PledgeMilestone

        data = self.data
        rows = []
        for p in data.pledges:
            first, last = p.milestones[0].at, p.milestones[-1].at
            received = next((m.quantity for m in p.milestones if m.kind == "received"), None)
            rows.append(
                Pledge(
                    reference=p.reference,
                    donor_id=p.donor,
                    item=self.items[p.item],
                    quantity=p.quantity,
                    available=p.available,
                    origin=self.locations[p.origin],
                    source=p.source,
                    channel=p.channel,
                    sharing_label=p.label,
                    status=p.status,
                    quantity_received=received,
                    note=p.note,
                    version=len(p.milestones),
                    created_at=first,
                    updated_at=last,
                )
            )
        Pledge.objects.bulk_create(rows, batch_size=500)
        saved = {
            p.reference: p
            for p in Pledge.objects.filter(reference__in=[r.reference for r in rows]).select_related(
                "item", "origin"
            )
        }
        destinations = Pledge.allowed_destinations.through
        releasable = Pledge.releasable_to.through
        destinations.objects.bulk_create(
            [
                destinations(pledge_id=saved[p.reference].pk, location_id=self.locations[code].pk)
                for p in data.pledges
                for code in p.destinations or ()
            ],
            batch_size=1000,
        )
        releasable.objects.bulk_create(
            [
                releasable(pledge_id=saved[p.reference].pk, nation_id=code)
                for p in data.pledges
                for code in p.releasable_to
            ],
            batch_size=1000,
        )
        # Read back with the lists just written, so each snapshot below costs no query.
        saved = {
            p.reference: p
            for p in Pledge.objects.filter(reference__in=[r.reference for r in rows])
            .select_related("item", "origin")
            .prefetch_related("allowed_destinations", "releasable_to")
        }
        milestones = []
        for p in data.pledges:
            pledge = saved[p.reference]
            after = snapshot(pledge)
            original_available = next((m.old_date for m in p.milestones if m.kind == "slipped"), p.available)
            start = p.milestones[0]
            self.record(
                pledge,
                "create",
                start.actor,
                start.at,
                None,
                {
                    **after,
                    "status": "offered",
                    "available": original_available.isoformat(),
                    "quantity_received": None,
                    "version": 1,
                },
            )
            status = "offered"
            for m in p.milestones:
                milestones.append(
                    PledgeMilestone(
                        pledge=pledge,
                        milestone=m.kind,
                        on=m.at.date(),
                        recorded_by=self.user[m.actor],
                        recorded_at=m.at,
                        note=m.note,
                        old_date=m.old_date,
                        new_date=m.new_date,
                        quantity_received=m.quantity,
                        condition=m.condition or "",
                    )
                )
                if m is start:
                    continue
                if m.kind == "slipped":
                    self.record(
                        pledge,
                        "slipped",
                        m.actor,
                        m.at,
                        {"available": m.old_date.isoformat()},
                        {"available": m.new_date.isoformat()},
                        m.note,
                    )
                    continue
                change: dict[str, Any] = {"status": m.kind}
                if m.kind == "received":
                    change["quantity_received"] = m.quantity
                self.record(pledge, m.kind, m.actor, m.at, {"status": status}, change, m.note)
                status = m.kind
        PledgeMilestone.objects.bulk_create(milestones, batch_size=1000)
        self.counts["pledges"] = len(rows)
        self.counts["donors"] = len({p.donor for p in data.pledges})
        self.counts["milestones"] = len(milestones)
        self.say(f"pledges: {len(rows)} from {self.counts['donors']} donors, {len(milestones)} milestones")

    # -- training ------------------------------------------------------------------------------------------

    def training(self, seed: int) -> None:
        """Skills, courses, sessions, cohorts and capability packages, through the training services."""
        import random

        from pledgeflow.demo.training import load_training

        counts = load_training(self, random.Random(seed + 1), self.data.today)
        self.counts.update({f"training_{k}": v for k, v in counts.items()})
        self.say(
            f"training: {counts['skills']} skills, {counts['courses']} courses, "
            f"{counts['sessions']} sessions, {counts['cohorts']} cohorts, "
            f"{counts['packages']} capability packages"
        )

    # -- marker --------------------------------------------------------------------------------------------

    def mark(self, seed: int) -> None:
        from pledgeflow.core.models import ChangeRecord

        self.history.append(
            ChangeRecord(
                entity=DEMO_ENTITY,
                object_id=str(seed),
                action="load",
                at=self.now,
                after={"seed": seed, "day": self.data.today.isoformat(), **self.counts},
                note="demo data loaded",
            )
        )

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['families']} families, {c['items']} items, {c['locations']} locations ({c['hubs']} hubs), "
            f"{c['routes']} routes; {c['approved']} requirements on list {self.version.label} (approved) and "
            f"{c['draft']} on {self.draft_label} (draft); {c['pledges']} pledges from {c['donors']} donors; "
            f"{c['training_courses']} courses, {c['training_sessions']} sessions, "
            f"{c['training_cohorts']} cohorts and {c['training_packages']} capability packages"
        )


def _decimal(value: float, places: int) -> Any:
    from decimal import Decimal

    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
