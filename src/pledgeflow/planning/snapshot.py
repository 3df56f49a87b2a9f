"""The plan-run snapshot: the current state of the record as a ``pledgeflow/scenario-v1`` document.

What a run plans (DOMAIN.md "Plan-run snapshot", docs/plan-runs.md):

- **Requirements**: the approved requirements of the current priority-list version (the approved version with
  the highest number). Each enters at its quantity less the units *already on their way or delivered* to it:
  the accepted proposals for it (on this or an earlier list version, followed by its reference) whose pledge
  has been dispatched or has gone further. A requirement with nothing left is left out.
- **Pledges**: the pledges that are offered, committed or contracted (not yet dispatched), at their quantity.
- **Training**: skills, courses, sessions, cohorts and capability packages as the training context puts them
  in a snapshot (:func:`pledgeflow.training.runs.add_training`, docs/training.md).
- **Locks**: every pair with accepted proposals of a pledge in the snapshot to a requirement in the snapshot
  enters as a lock of the accepted total, and every active coordinator lock on such a pair enters too. When
  both exist on one pair the lock is the larger of the two, because a coordinator's lock guarantees the total
  on the pair, what was accepted included.

**Counted once.** Accepted units of a pledge that is still in the snapshot are *not* subtracted from the
pledge or from the requirement: they are counted by the lock alone, which the planner must honour and which
the plan shows like any allocation (with its arrival and days late). Subtracting them *and* locking them would
count them twice. Only units that left the planner's reach (dispatched or later) are subtracted, and then only
from the requirement, since their pledge is no longer in the snapshot. Accepted proposals of withdrawn or
declined pledges cover nothing.

Ids are the records' own references (a requirement's reference is the same on every list version), so a plan
reads back onto the record through :attr:`Snapshot.requirement_pks` and :attr:`Snapshot.pledge_pks`.
Items, locations, routes and the policy are those of the export (:func:`pledgeflow.interchange.exporter.
export_scenario`), so a snapshot and an export never disagree about reference data. Lists are sorted by id
(Unicode code points, whatever the database's collation), so the same record gives the same document bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from pledgeflow.engine.errors import ValidationIssue
from pledgeflow.interchange.exporter import export_scenario
from pledgeflow.planning.choices import ProposalStatus
from pledgeflow.planning.models import AllocationLock, Proposal
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.models import Pledge
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import PriorityListVersion, Requirement

__all__ = [
    "GONE_STATUSES",
    "PLANNABLE_STATUSES",
    "Snapshot",
    "build_snapshot",
    "describe_issue",
]

#: Pledges the planner may still assign: offered, or committed (signed, or contracted) but not yet dispatched.
PLANNABLE_STATUSES: tuple[str, ...] = (PledgeStatus.OFFERED, PledgeStatus.COMMITTED, PledgeStatus.CONTRACTED)

#: Pledges whose accepted units have left the planner's reach: on their way to the requirement, or delivered.
GONE_STATUSES: tuple[str, ...] = (
    PledgeStatus.DISPATCHED,
    PledgeStatus.AT_HUB,
    PledgeStatus.HANDED_OVER,
    PledgeStatus.RECEIVED,
)


@dataclass
class Snapshot:
    """A scenario document of the record, with the way back from its ids to the records.

    ``document`` is the scenario; ``requirement_pks`` and ``pledge_pks`` map its ids to primary keys;
    ``locked`` maps each locked ``(pledge id, requirement id)`` pair to its lock quantity; ``notes`` say what
    was left out and why (a coordinator lock whose pledge was dispatched, a requirement fully covered);
    ``list_version`` is the label of the priority-list version planned.
    """

    document: dict[str, Any]
    requirement_pks: dict[str, int]
    pledge_pks: dict[str, int]
    locked: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    list_version: str | None = None


def current_list_version() -> PriorityListVersion | None:
    """The current priority-list version: the approved one with the highest number (None before any)."""
    return PriorityListVersion.objects.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def build_snapshot(start: dt.date | None = None) -> Snapshot:
    """Read the record into a scenario document by the rules of this module's documentation.

    ``start`` is the first day of the plan (today, UTC, by default). Reads only; the caller decides whether to
    plan it (the engine checks the document, so a lock that can no longer hold fails the run with its path).
    """
    start = start or timezone.now().date()
    notes: list[str] = []
    version = current_list_version()
    # Plain rows rather than model instances: a snapshot reads every open pledge and need, often tens of
    # thousands, and building model objects for them costs more than the planning itself.
    requirements = list(
        Requirement.objects.filter(list_version=version, status=RequirementStatus.APPROVED).values_list(
            "pk",
            "reference",
            "family__code",
            "item__code",
            "quantity",
            "priority",
            "need_by",
            "destination__code",
        )
        if version is not None
        else []
    )
    if version is None:
        notes.append("No priority-list version is approved yet: the snapshot has no requirements.")
    pledges = list(
        Pledge.objects.filter(status__in=PLANNABLE_STATUSES).values_list(
            "pk", "reference", "donor_id", "item__code", "quantity", "available", "origin__code"
        )
    )
    destinations: dict[int, list[str]] = defaultdict(list)
    for pledge_pk, code in Pledge.allowed_destinations.through.objects.filter(
        pledge__status__in=PLANNABLE_STATUSES
    ).values_list("pledge_id", "location__code"):
        destinations[pledge_pk].append(code)
    pledge_ids = {p[1] for p in pledges}

    # Accepted proposals, by the requirement's reference (a reference follows one need across list versions).
    accepted_on_pair: dict[tuple[str, str], int] = defaultdict(int)
    gone_to_requirement: dict[str, int] = defaultdict(int)
    for row in Proposal.objects.filter(status=ProposalStatus.ACCEPTED).values(
        "pledge__reference", "pledge__status", "requirement__reference", "quantity"
    ):
        pledge_ref, requirement_ref = row["pledge__reference"], row["requirement__reference"]
        if row["pledge__status"] in GONE_STATUSES:
            gone_to_requirement[requirement_ref] += row["quantity"]
        elif pledge_ref in pledge_ids:
            accepted_on_pair[(pledge_ref, requirement_ref)] += row["quantity"]

    requirement_docs: list[dict[str, Any]] = []
    requirement_pks: dict[str, int] = {}
    for pk, reference, family, item, quantity, priority, need_by, destination in requirements:
        remaining = quantity - gone_to_requirement.get(reference, 0)
        if remaining <= 0:
            notes.append(
                f"Requirement {reference} is left out: its {quantity} units are all dispatched or "
                "delivered under accepted proposals."
            )
            continue
        doc: dict[str, Any] = {
            "id": reference,
            "family": family,
            "quantity": remaining,
            "priority": int(priority),
            "need_by": need_by.isoformat(),
            "destination": destination,
        }
        if item is not None:
            doc["item"] = item
        requirement_docs.append(doc)
        requirement_pks[reference] = pk
    requirement_ids = set(requirement_pks)

    pledge_docs: list[dict[str, Any]] = []
    pledge_pks: dict[str, int] = {}
    for pk, reference, donor, item, quantity, available, origin in pledges:
        doc = {
            "id": reference,
            "donor": donor,
            "item": item,
            "quantity": quantity,
            "available": available.isoformat(),
            "origin": origin,
        }
        if destinations.get(pk):
            doc["destinations"] = sorted(destinations[pk])
        pledge_docs.append(doc)
        pledge_pks[reference] = pk

    locked: dict[tuple[str, str], int] = {}
    for pair, quantity in accepted_on_pair.items():
        if pair[1] in requirement_ids:
            locked[pair] = quantity
    for lock in (
        AllocationLock.objects.filter(active=True).select_related("pledge", "requirement").order_by("pk")
    ):
        pair = (lock.pledge.reference, lock.requirement.reference)
        if pair[0] not in pledge_pks:
            notes.append(
                f"The lock on pledge {pair[0]} -> requirement {pair[1]} is not applied: the pledge is "
                f"{lock.pledge.status}, no longer open to planning."
            )
            continue
        if pair[1] not in requirement_ids:
            notes.append(
                f"The lock on pledge {pair[0]} -> requirement {pair[1]} is not applied: the requirement "
                "is not an open approved requirement of the current priority list."
            )
            continue
        locked[pair] = max(locked.get(pair, 0), lock.quantity)

    # Reference data (items, locations, routes, policy) exactly as the export writes it: one rule for both.
    document = export_scenario(start)
    document["requirements"] = sorted(requirement_docs, key=lambda doc: doc["id"])
    document["pledges"] = sorted(pledge_docs, key=lambda doc: doc["id"])
    document["locks"] = [
        {"pledge": pledge, "requirement": requirement, "quantity": quantity}
        for (pledge, requirement), quantity in sorted(locked.items())
    ]
    # Training (skills, courses, sessions, cohorts, capability packages) by the training context's own rules.
    from pledgeflow.training.runs import add_training

    notes.extend(add_training(document, start).notes)
    return Snapshot(
        document, requirement_pks, pledge_pks, locked, notes, version.label if version is not None else None
    )


_ENTRY = re.compile(r"^(requirements|pledges|locks)\[(\d+)\]")


def describe_issue(document: dict[str, Any], issue: ValidationIssue) -> str:
    """An engine finding in the words of the record: the JSON path plus the reference it points at."""
    match = _ENTRY.match(issue.path)
    if match is None:
        return str(issue)
    entries = document.get(match.group(1), [])
    index = int(match.group(2))
    if index >= len(entries):
        return str(issue)
    entry = entries[index]
    if match.group(1) == "locks":
        where = f"lock on pledge {entry['pledge']} -> requirement {entry['requirement']}"
    elif match.group(1) == "pledges":
        where = f"pledge {entry['id']}"
    else:
        where = f"requirement {entry['id']}"
    return f"{issue} ({where})"
