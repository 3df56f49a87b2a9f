"""Export the system of record as a ``pledgeflow/scenario-v1`` document.

The export is the record itself, not a plan-run snapshot (docs/import-export.md):

- **requirements**: those of the current priority-list version (the approved one with the highest number), or
  of the version named by ``list_version``, except cancelled ones, each at its full quantity;
- **pledges**: every pledge except declined and withdrawn ones, at its full quantity, whatever milestone it
  has reached; with a ``viewer``, only the pledges that user may see (the sharing-label rules);
- **items** and **locations**: the active ones and any retired one an exported requirement or pledge names;
- **routes**: the active routes between exported locations;
- ``locks``: empty, unless ``with_locks`` asks for the active locks between exported pledges and requirements
  (an import refuses locks, so such an export is for planning, not for round trips); ``policy``: the defaults
  (the record keeps none);
- **training** (skills, courses, sessions, cohorts, packages), when the record holds any, as
  :mod:`pledgeflow.interchange.training` says; a requirement names its ``package`` when that package is
  exported.

Lists are sorted by id (Unicode code points, whatever the database's collation), money and mass are written as
integers when whole, and the engine's canonical writer lays the document out, so the same record always gives
the same bytes, and export -> import into an empty database -> export gives them again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pledgeflow.engine.model import Item, Location, Lock, Pledge, Requirement, Route, Scenario
from pledgeflow.engine.scenario import dump_json, load_scenario, scenario_to_document


def _number(value: Decimal) -> int | float:
    """A stored decimal as a JSON number: an integer when whole (``4500000``), else the shortest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _list_version(label: str | None) -> Any:
    from pledgeflow.core.errors import NotFound
    from pledgeflow.requirements.models import PriorityListVersion
    from pledgeflow.requirements.selectors import current_version

    if label is None:
        return current_version()
    try:
        return PriorityListVersion.objects.get(label=label)
    except PriorityListVersion.DoesNotExist:
        raise NotFound("Priority-list version", label) from None


def export_scenario(
    start: date | None = None,
    *,
    viewer: Any = None,
    list_version: str | None = None,
    with_locks: bool = False,
) -> dict[str, Any]:
    """The record as a canonical scenario document (plain JSON values; see the module documentation).

    ``start`` defaults to today (UTC). ``viewer`` None exports everything (the command line runs as the
    system); a user sees only the pledges the sharing labels let them see. ``list_version`` names a
    priority-list version by label (default: the current approved one); NotFound if no version has that
    label. ``with_locks`` adds the active locks whose pledge and requirement are both exported.
    """
    from pledgeflow.accounts.permissions import label_visibility_q
    from pledgeflow.catalogue.models import Item as ItemRecord
    from pledgeflow.logistics.models import Location as LocationRecord
    from pledgeflow.logistics.models import Route as RouteRecord
    from pledgeflow.pledges.choices import VOID_STATUSES
    from pledgeflow.pledges.models import Pledge as PledgeRecord
    from pledgeflow.requirements.choices import RequirementStatus
    from pledgeflow.requirements.models import Requirement as RequirementRecord
    from pledgeflow.requirements.selectors import requirement_visibility_q

    start = start or timezone.now().date()
    version = _list_version(list_version)
    requirement_query = RequirementRecord.objects.filter(list_version=version).exclude(
        status=RequirementStatus.CANCELLED
    )
    if viewer is not None:
        requirement_query = requirement_query.filter(requirement_visibility_q(viewer))
    requirement_rows = (
        list(requirement_query.select_related("family", "item", "destination")) if version is not None else []
    )
    pledge_query = PledgeRecord.objects.exclude(status__in=VOID_STATUSES)
    if viewer is not None:
        pledge_query = pledge_query.filter(label_visibility_q(viewer))
    pledge_rows = list(pledge_query.select_related("item", "origin").prefetch_related("allowed_destinations"))

    item_ids = {r.item_id for r in requirement_rows if r.item_id} | {p.item_id for p in pledge_rows}
    location_ids = {r.destination_id for r in requirement_rows} | {p.origin_id for p in pledge_rows}
    for p in pledge_rows:
        location_ids.update(d.pk for d in p.allowed_destinations.all())
    items = ItemRecord.objects.filter(active=True) | ItemRecord.objects.filter(pk__in=item_ids)
    locations = LocationRecord.objects.filter(active=True) | LocationRecord.objects.filter(
        pk__in=location_ids
    )
    item_rows = list(items.select_related("family").distinct())
    location_rows = list(locations.distinct())
    exported = {loc.pk for loc in location_rows}
    route_rows = [
        r
        for r in RouteRecord.objects.filter(active=True).select_related("from_location", "to_location")
        if r.from_location_id in exported and r.to_location_id in exported
    ]

    locks: tuple[Lock, ...] = ()
    if with_locks:
        from pledgeflow.planning.models import AllocationLock

        requirements_by_id = {r.pk: r.reference for r in requirement_rows}
        pledges_by_id = {p.pk: p.reference for p in pledge_rows}
        locks = tuple(
            sorted(
                (
                    Lock(pledges_by_id[k.pledge_id], requirements_by_id[k.requirement_id], k.quantity)
                    for k in AllocationLock.objects.filter(active=True)
                    if k.pledge_id in pledges_by_id and k.requirement_id in requirements_by_id
                ),
                key=lambda k: (k.pledge, k.requirement),
            )
        )

    from pledgeflow.interchange.training import engine_lists, export_training, has_training

    training = export_training(viewer, {r.package_code for r in requirement_rows if r.package_code})
    package_codes = training["package_codes"]
    scenario = Scenario(
        start=start,
        items=tuple(sorted((_item(i) for i in item_rows), key=lambda x: x.code)),
        locations=tuple(sorted((_location(loc) for loc in location_rows), key=lambda x: x.id)),
        routes=tuple(sorted((_route(r) for r in route_rows), key=lambda x: (x.from_, x.to))),
        requirements=tuple(
            sorted((_requirement(r, package_codes) for r in requirement_rows), key=lambda x: x.id)
        ),
        pledges=tuple(sorted((_pledge(p) for p in pledge_rows), key=lambda x: x.id)),
        locks=locks,
        **(engine_lists(training) if has_training(training) else {}),
        has_training=has_training(training),
    )
    return scenario_to_document(scenario)


def export_bytes(
    start: date | None = None,
    *,
    viewer: Any = None,
    list_version: str | None = None,
    with_locks: bool = False,
) -> bytes:
    """The canonical bytes of :func:`export_scenario`, checked against the contract before they are returned.

    The check guards the promise that every export can be planned and imported again; a record that would
    break it raises :class:`~pledgeflow.engine.errors.ScenarioError` naming each problem.
    """
    data = dump_json(export_scenario(start, viewer=viewer, list_version=list_version, with_locks=with_locks))
    load_scenario(data)
    return data


def _item(i: Any) -> Item:
    return Item(
        code=i.code,
        family=i.family.code,
        name=i.name,
        supply_class=i.supply_class,
        unit_value_eur=_number(i.unit_value_eur),
        unit_mass_kg=_number(i.unit_mass_kg),
        nsn=i.nsn or None,
    )


def _location(loc: Any) -> Location:
    return Location(id=loc.code, name=loc.name, country=loc.country_id or None, kind=loc.kind)


def _route(r: Any) -> Route:
    return Route(from_=r.from_location.code, to=r.to_location.code, days=r.days)


def _requirement(r: Any, package_codes: set[str]) -> Requirement:
    return Requirement(
        id=r.reference,
        family=r.family.code,
        quantity=r.quantity,
        priority=r.priority,
        need_by=r.need_by,
        destination=r.destination.code,
        item=r.item.code if r.item_id else None,
        package=r.package_code if r.package_code in package_codes else None,
        note=r.justification or None,
    )


def _pledge(p: Any) -> Pledge:
    destinations = sorted(d.code for d in p.allowed_destinations.all())
    return Pledge(
        id=p.reference,
        donor=p.donor_id,
        item=p.item.code,
        quantity=p.quantity,
        available=p.available,
        origin=p.origin.code,
        destinations=tuple(destinations) if destinations else None,
    )
