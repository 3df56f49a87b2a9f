"""Factories for the shared records of the database tests: users of every role, catalogue, locations, routes.

They write rows directly (no permission checks, no history) so each test sets up only what it needs, fast.
The reference nations and capability areas come from the migrations and are always present.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.models import User
from pledgeflow.catalogue.models import CapabilityArea, Family, Item
from pledgeflow.logistics.models import Location, Route
from pledgeflow.nations.models import Nation

#: The password every factory user has (long enough for the password validators).
PASSWORD = "correct horse battery staple"

_serial = itertools.count(1)


def nation(code: str) -> Nation:
    """A reference nation, loaded by the migrations."""
    return Nation.objects.get(code=code)


def user(
    role: str = Role.VIEWER, nation_code: str | None = None, username: str | None = None, **extra: Any
) -> User:
    """A user with ``role`` acting for ``nation_code``, password :data:`PASSWORD`."""
    name = username or f"{role}-{(nation_code or 'x').lower()}-{next(_serial)}"
    account = User(username=name, role=role, nation=nation(nation_code) if nation_code else None, **extra)
    account.set_password(PASSWORD)
    account.save()
    return account


def coordinator(**extra: Any) -> User:
    """A coordinator of the cell (bound to no nation)."""
    return user(Role.COORDINATOR, **extra)


def donor_liaison(nation_code: str = "DEU", **extra: Any) -> User:
    """The liaison officer of a donor nation."""
    return user(Role.DONOR_LIAISON, nation_code, **extra)


def recipient_officer(nation_code: str = "UKR", **extra: Any) -> User:
    """A requirements officer of the recipient."""
    return user(Role.RECIPIENT_OFFICER, nation_code, **extra)


def training_coordinator(nation_code: str | None = None, **extra: Any) -> User:
    """A training coordinator, optionally for a host nation."""
    return user(Role.TRAINING_COORDINATOR, nation_code, **extra)


def viewer(nation_code: str | None = None, **extra: Any) -> User:
    """A read-only analyst."""
    return user(Role.VIEWER, nation_code, **extra)


def capability_area(code: str = "artillery") -> CapabilityArea:
    """One of the eleven capability areas loaded by the migrations."""
    return CapabilityArea.objects.get(code=code)


def family(code: str = "155mm-artillery-ammunition", area: str = "artillery", **extra: Any) -> Family:
    """A family of interchangeable items (default: 155 mm NATO artillery ammunition)."""
    defaults = {"name": code.replace("-", " ").capitalize(), "capability_area": capability_area(area)}
    defaults.update(extra)
    obj, _ = Family.objects.get_or_create(code=code, defaults=defaults)
    return obj


def item(
    code: str = "dm121-155mm",
    family_code: str = "155mm-artillery-ammunition",
    supply_class: str = "V",
    unit_value_eur: str = "3500.00",
    unit_mass_kg: str = "43.500",
    **extra: Any,
) -> Item:
    """A catalogue item (default: a 155 mm high-explosive shell)."""
    defaults: dict[str, Any] = {
        "name": code,
        "family": family(family_code),
        "supply_class": supply_class,
        "unit_value_eur": Decimal(unit_value_eur),
        "unit_mass_kg": Decimal(unit_mass_kg),
    }
    defaults.update(extra)
    obj, _ = Item.objects.get_or_create(code=code, defaults=defaults)
    return obj


def location(
    code: str = "DEPOT-DE", kind: str = "depot", country: str | None = "DEU", **extra: Any
) -> Location:
    """A location (default: a German depot)."""
    defaults: dict[str, Any] = {"name": code, "kind": kind, "country": nation(country) if country else None}
    defaults.update(extra)
    obj, _ = Location.objects.get_or_create(code=code, defaults=defaults)
    return obj


def route(from_code: str = "DEPOT-DE", to_code: str = "HUB-PL", days: int = 3, **extra: Any) -> Route:
    """A directed route between two locations, created with sensible kinds when they do not exist yet."""
    start = (
        location(from_code, kind="depot") if not Location.objects.filter(code=from_code).exists() else None
    )
    end = (
        location(to_code, kind="hub", country="POL")
        if not Location.objects.filter(code=to_code).exists()
        else None
    )
    return Route.objects.create(
        from_location=start or Location.objects.get(code=from_code),
        to_location=end or Location.objects.get(code=to_code),
        days=days,
        **extra,
    )
