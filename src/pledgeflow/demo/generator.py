"""The seeded demo generator: plain values, no database.

:func:`generate` draws the whole demo from one ``random.Random(seed)``, so the same seed, day and GDP table
give the same demo every time. The loader (:mod:`pledgeflow.demo.loader`) writes it to the database.

What it draws, and why it looks the way it does:

- **Network.** A depot in each donor nation, two hubs near the border (Rzeszów in Poland, Suceava in Romania)
  and six destinations in Ukraine; directed routes depot -> hub -> destination with transit days (sea freight
  for overseas donors), and a few direct roads from neighbouring nations.
- **Requirements.** At least 300 lines on the approved priority-list version, spread over the curated families
  (consumables more often), with need-by dates over the next twelve months, mostly priority 2 and 3; a few
  closed or cancelled. The draft next version copies the open ones with some quantities revised, a few
  cancelled and some new lines added.
- **Pledges.** At least 400 from every donor of :mod:`pledgeflow.demo.donors`; the number and size of a
  donor's pledges grow with its GDP (count with GDP^0.7, size with GDP^0.3, so the smallest donors still
  appear and the largest do not swamp the list). Each pledge is of an item the donor really gave, with a
  sharing label (some RED and AMBER+STRICT, especially interceptors; AMBER with "releasable to" lists) and a
  milestone history drawn over the past twelve months: every milestone appears, including declined, withdrawn
  and slips.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pledgeflow.demo.catalogue import FAMILIES, ITEMS, FamilySpec, ItemSpec, items_by_family
from pledgeflow.demo.donors import DONORS, DonorProfile, donor_items

DEFAULT_SEED = 20240410
"""The default seed (the day NATO ministers agreed to plan a coordination role, April 2024)."""

MIN_REQUIREMENTS = 300
MIN_PLEDGES = 400
TARGET_REQUIREMENTS = 320
TARGET_PLEDGES = 430

RECIPIENT = "UKR"
COORDINATOR_USERNAME = "coordinator"
RECIPIENT_USERNAME = "recipient-ukr"

HUBS: tuple[tuple[str, str, str], ...] = (
    ("HUB-RZESZOW", "Rzeszów logistics hub", "POL"),
    ("HUB-SUCEAVA", "Suceava logistics hub", "ROU"),
)

# Destination code, name, share of requirements, days from Rzeszów, days from Suceava.
DESTINATIONS: tuple[tuple[str, str, int, int, int], ...] = (
    ("DST-LVIV", "Lviv reception point", 3, 1, 2),
    ("DST-KYIV", "Kyiv reception point", 4, 2, 2),
    ("DST-DNIPRO", "Dnipro reception point", 4, 3, 3),
    ("DST-KHARKIV", "Kharkiv reception point", 3, 3, 4),
    ("DST-ZAPORIZHZHIA", "Zaporizhzhia reception point", 3, 4, 3),
    ("DST-ODESA", "Odesa reception point", 2, 3, 2),
)

# Donors close enough to drive straight to Lviv (days) without passing a hub.
DIRECT_TO_LVIV: dict[str, int] = {"POL": 2, "SVK": 2, "ROU": 3, "CZE": 3}

# The EU's GDP is its members' GDP; what it gives through its own budget lines (the European Peace Facility,
# joint ammunition procurement) is sized like a large member state's contribution instead.
_EU_SIZING_GDP = 1500.0

_PRIORITY_WEIGHTS = ((1, 18), (2, 34), (3, 32), (4, 16))
_LABEL_WEIGHTS = (("CLEAR", 14), ("GREEN", 36), ("AMBER", 30), ("AMBER+STRICT", 12), ("RED", 8))
_SENSITIVE_LABEL_WEIGHTS = (("GREEN", 10), ("AMBER", 30), ("AMBER+STRICT", 30), ("RED", 30))
_SENSITIVE_FAMILIES = frozenset(
    {"patriot-interceptor", "iris-t-slm-interceptor", "nasams-interceptor", "227mm-guided-rocket", "manpads"}
)
# Final milestone of a pledge, with weights; the path to it is drawn in _milestones().
_FINAL_WEIGHTS = (
    ("offered", 14),
    ("committed", 17),
    ("contracted", 7),
    ("dispatched", 9),
    ("at_hub", 8),
    ("handed_over", 12),
    ("received", 20),
    ("declined", 5),
    ("withdrawn", 5),
)
ALL_MILESTONES = (
    "offered",
    "committed",
    "contracted",
    "dispatched",
    "at_hub",
    "handed_over",
    "received",
    "declined",
    "withdrawn",
    "slipped",
)

_JUSTIFICATIONS: dict[str, tuple[str, ...]] = {
    "air-defence": (
        "Protect energy infrastructure around {place} against missile and drone strikes.",
        "Rebuild the interceptor stock of the air-defence brigade covering {place}.",
        "Close the gap in layered air defence over {place}.",
    ),
    "artillery": (
        "Sustain counter-battery fire in the {place} sector for three months.",
        "Replace guns lost in the {place} sector.",
        "Equip a newly formed artillery battalion in the {place} area.",
    ),
    "armour": (
        "Replace combat losses of the mechanised brigade in the {place} sector.",
        "Equip a newly formed mechanised brigade assembling near {place}.",
        "Bring the tank battalion near {place} back to strength.",
    ),
    "aviation": ("Extend air-policing capacity over {place}.", "Replace lost medium-lift helicopters."),
    "maritime": ("Secure river crossings and coastal waters near {place}.", "Clear sea lanes to {place}."),
    "drones": (
        "Reconnaissance for brigades in the {place} sector.",
        "Strike capacity for brigades holding the {place} sector.",
    ),
    "demining": ("Clear farmland and roads around {place}.", "Breaching capacity for units near {place}."),
    "ew-it": (
        "Electronic warfare and communications for brigades in the {place} sector.",
        "Resilient communications and drone defence for units near {place}.",
    ),
    "engineering": (
        "Power and heat for units and hospitals around {place}.",
        "Recover damaged vehicles near {place}.",
    ),
    "medical": (
        "Front-line casualty care in the {place} sector.",
        "Evacuate casualties from the {place} sector.",
    ),
    "non-lethal": (
        "Winterise brigades in the {place} area.",
        "Protect soldiers of new brigades forming near {place}.",
    ),
}
# As pledgeflow.requirements.services.AREA_ABBREVIATIONS (a test keeps them equal): references read like the
# ones the requirement service gives, e.g. UKR-AD-0042.
AREA_ABBREVIATIONS: dict[str, str] = {
    "air-defence": "AD",
    "artillery": "ART",
    "armour": "ARM",
    "aviation": "AV",
    "maritime": "MAR",
    "drones": "DRN",
    "demining": "DEM",
    "ew-it": "EW",
    "engineering": "ENG",
    "medical": "MED",
    "non-lethal": "NL",
}

_PLACES = (
    "Kharkiv",
    "Kupiansk",
    "Pokrovsk",
    "Zaporizhzhia",
    "Kherson",
    "Sumy",
    "Kramatorsk",
    "Odesa",
    "Dnipro",
)


@dataclass(frozen=True, slots=True)
class DemoLocation:
    """A depot, hub or destination."""

    code: str
    name: str
    country: str
    kind: str


@dataclass(frozen=True, slots=True)
class DemoRoute:
    """A directed route."""

    from_code: str
    to_code: str
    days: int


@dataclass(frozen=True, slots=True)
class DemoRequirement:
    """A requirement line of one priority-list version."""

    reference: str
    family: str
    item: str | None
    quantity: int
    priority: int
    need_by: date
    destination: str
    justification: str
    status: str


@dataclass(frozen=True, slots=True)
class DemoMilestone:
    """One entry of a pledge's milestone log: who recorded what, when."""

    kind: str
    at: datetime
    actor: str
    note: str = ""
    # For a slip: the availability date before and after.
    old_date: date | None = None
    new_date: date | None = None
    # For a receipt: the quantity found and its condition.
    quantity: int | None = None
    condition: str | None = None


@dataclass(frozen=True, slots=True)
class DemoPledge:
    """A donor's pledge with its labels and the milestones it went through."""

    reference: str
    donor: str
    item: str
    quantity: int
    available: date
    origin: str
    destinations: tuple[str, ...] | None
    source: str
    channel: str
    label: str
    releasable_to: tuple[str, ...]
    status: str
    milestones: tuple[DemoMilestone, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class DemoData:
    """Everything the demo puts in the database apart from nations (loaded by migration) and users."""

    today: date
    families: tuple[FamilySpec, ...]
    items: tuple[ItemSpec, ...]
    locations: tuple[DemoLocation, ...]
    routes: tuple[DemoRoute, ...]
    approved_version_name: str
    approved_at: datetime
    approved_requirements: tuple[DemoRequirement, ...]
    draft_version_name: str
    draft_requirements: tuple[DemoRequirement, ...]
    pledges: tuple[DemoPledge, ...]
    donors: tuple[str, ...] = field(default=())

    @property
    def usernames(self) -> tuple[str, ...]:
        """Every user named in a milestone, sorted."""
        return tuple(sorted({m.actor for p in self.pledges for m in p.milestones}))


def liaison_username(donor: str) -> str:
    """The demo's donor liaison account for ``donor`` (e.g. ``liaison-deu``)."""
    return f"liaison-{donor.lower()}"


def generate(gdp_usd_bn: dict[str, float], today: date, seed: int = DEFAULT_SEED) -> DemoData:
    """Draw the demo for the day ``today`` from ``seed``; ``gdp_usd_bn`` sizes each donor (code -> US$ bn).

    The EU (whose GDP is its members') and donors without a GDP figure are sized as a large member state.
    """
    rng = random.Random(seed)
    locations, routes = _network()
    approved = _requirements(rng, today)
    draft = _draft_requirements(rng, today, approved)
    pledges = _pledges(rng, today, gdp_usd_bn)
    approved_on = date(today.year, today.month, 1) - timedelta(days=3)
    return DemoData(
        today=today,
        families=FAMILIES,
        items=ITEMS,
        locations=locations,
        routes=routes,
        approved_version_name=f"Priority list {_month_name(today)}",
        approved_at=datetime.combine(approved_on, time(15, 0), tzinfo=UTC),
        approved_requirements=approved,
        draft_version_name=f"Priority list {_month_name(_next_month(today))}",
        draft_requirements=draft,
        pledges=pledges,
        donors=tuple(d.code for d in DONORS),
    )


def _month_name(day: date) -> str:
    return day.strftime("%Y-%m")


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights=weights, k=1)[0]


# -- network ----------------------------------------------------------------------------------------------


def _network() -> tuple[tuple[DemoLocation, ...], tuple[DemoRoute, ...]]:
    locations: list[DemoLocation] = []
    routes: list[DemoRoute] = []
    for code, name, country in HUBS:
        locations.append(DemoLocation(code, name, country, "hub"))
    for code, name, _share, _r, _s in DESTINATIONS:
        locations.append(DemoLocation(code, name, RECIPIENT, "destination"))
    for donor in DONORS:
        depot = depot_code(donor)
        locations.append(
            DemoLocation(
                depot, f"{donor.code} national depot, {donor.depot_city}", donor.depot_country, "depot"
            )
        )
        routes.append(DemoRoute(depot, "HUB-RZESZOW", donor.days_to_rzeszow))
        routes.append(DemoRoute(depot, "HUB-SUCEAVA", donor.days_to_suceava))
        if donor.code in DIRECT_TO_LVIV:
            routes.append(DemoRoute(depot, "DST-LVIV", DIRECT_TO_LVIV[donor.code]))
    for code, _name, _share, from_rzeszow, from_suceava in DESTINATIONS:
        routes.append(DemoRoute("HUB-RZESZOW", code, from_rzeszow))
        routes.append(DemoRoute("HUB-SUCEAVA", code, from_suceava))
    locations.sort(key=lambda loc: loc.code)
    routes.sort(key=lambda r: (r.from_code, r.to_code))
    return tuple(locations), tuple(routes)


def depot_code(donor: DonorProfile) -> str:
    """The code of ``donor``'s depot (e.g. ``DEP-DEU``)."""
    return f"DEP-{donor.code}"


# -- requirements -----------------------------------------------------------------------------------------


def _requirements(rng: random.Random, today: date) -> tuple[DemoRequirement, ...]:
    by_family = items_by_family()
    families = [f for f in FAMILIES if by_family[f.code]]
    weights = [3 if f.consumable else 2 for f in families]
    # Every family appears at least twice; the rest are drawn by weight.
    chosen = [f for f in families for _ in range(2)]
    chosen += rng.choices(families, weights=weights, k=TARGET_REQUIREMENTS - len(chosen))
    rng.shuffle(chosen)
    destinations = [(d[0], d[2]) for d in DESTINATIONS]
    out: list[DemoRequirement] = []
    numbers: dict[str, int] = {}
    for family in chosen:
        items = by_family[family.code]
        item = rng.choice(items).code if (len(items) > 1 and rng.random() < 0.15) else None
        quantity = _requirement_quantity(rng, family)
        priority = int(_pick(rng, _PRIORITY_WEIGHTS))  # type: ignore[call-overload]
        # Urgent needs come sooner: priority 1 within five months, routine ones across the whole year.
        horizon = {1: 150, 2: 240, 3: 330, 4: 360}[priority]
        need_by = today + timedelta(days=rng.randint(-20, horizon))
        destination = str(_pick(rng, tuple(destinations)))  # type: ignore[arg-type]
        place = rng.choice(_PLACES)
        justification = rng.choice(_JUSTIFICATIONS[family.area]).format(place=place)
        roll = rng.random()
        status = "closed" if roll < 0.04 else "cancelled" if roll < 0.07 else "approved"
        out.append(
            DemoRequirement(
                _reference(numbers, family.area),
                family.code,
                item,
                quantity,
                priority,
                need_by,
                destination,
                justification,
                status,
            )
        )
    return tuple(out)


def _reference(numbers: dict[str, int], area: str) -> str:
    """The next reference of ``area``: ``UKR-AD-0001``, ``UKR-AD-0002``, ..."""
    abbreviation = AREA_ABBREVIATIONS[area]
    numbers[abbreviation] = numbers.get(abbreviation, 0) + 1
    return f"{RECIPIENT}-{abbreviation}-{numbers[abbreviation]:04d}"


def _requirement_quantity(rng: random.Random, family: FamilySpec) -> int:
    factor = math.exp(rng.gauss(0.0, 0.5))
    quantity = max(1, round(family.typical_requirement * factor))
    if quantity >= 1000:
        quantity = round(quantity, -2)
    elif quantity >= 100:
        quantity = round(quantity, -1)
    return quantity


def _draft_requirements(
    rng: random.Random, today: date, approved: tuple[DemoRequirement, ...]
) -> tuple[DemoRequirement, ...]:
    """The next month's list: open lines copied, some revised or cancelled, new ones added as drafts."""
    out: list[DemoRequirement] = []
    for r in approved:
        if r.status != "approved":
            continue
        roll = rng.random()
        if roll < 0.04:
            out.append(_replace(r, status="cancelled"))
        elif roll < 0.18:
            out.append(
                _replace(r, quantity=max(1, round(r.quantity * rng.choice((0.5, 0.75, 1.25, 1.5, 2.0)))))
            )
        elif roll < 0.24:
            out.append(_replace(r, priority=max(1, r.priority - 1)))
        else:
            out.append(r)
    numbers: dict[str, int] = {}
    for r in approved:
        area, number = r.reference.split("-")[1], int(r.reference.split("-")[2])
        numbers[area] = max(numbers.get(area, 0), number)
    by_family = items_by_family()
    families = [f for f in FAMILIES if by_family[f.code]]
    for _ in range(24):
        family = rng.choice(families)
        priority = int(_pick(rng, _PRIORITY_WEIGHTS))  # type: ignore[call-overload]
        need_by = _next_month(today) + timedelta(days=rng.randint(10, 330))
        destination = rng.choice(DESTINATIONS)[0]
        justification = rng.choice(_JUSTIFICATIONS[family.area]).format(place=rng.choice(_PLACES))
        status = "submitted" if rng.random() < 0.5 else "draft"
        out.append(
            DemoRequirement(
                _reference(numbers, family.area),
                family.code,
                None,
                _requirement_quantity(rng, family),
                priority,
                need_by,
                destination,
                justification,
                status,
            )
        )
    return tuple(out)


def _replace(r: DemoRequirement, **changes: object) -> DemoRequirement:
    values = {name: getattr(r, name) for name in DemoRequirement.__slots__}
    values.update(changes)
    return DemoRequirement(**values)  # type: ignore[arg-type]


# -- pledges ----------------------------------------------------------------------------------------------


def _sizing_gdp(gdp_usd_bn: dict[str, float], code: str) -> float:
    """The GDP (US$ bn) that sizes a donor's pledges; the EU and donors without a figure: a large state's."""
    if code == "EUU":
        return _EU_SIZING_GDP
    return float(gdp_usd_bn.get(code) or _EU_SIZING_GDP)


def _pledge_counts(gdp_usd_bn: dict[str, float]) -> dict[str, int]:
    """Pledges per donor: proportional to GDP^0.7, at least three each, adding up to TARGET_PLEDGES."""
    gdp = {d.code: _sizing_gdp(gdp_usd_bn, d.code) for d in DONORS}
    weight = {code: value**0.7 for code, value in gdp.items()}
    floor = 3
    spare = TARGET_PLEDGES - floor * len(DONORS)
    total = sum(weight.values())
    exact = {code: spare * w / total for code, w in weight.items()}
    counts = {code: floor + int(value) for code, value in exact.items()}
    # Largest remainders take the units rounding left over, ties by code: deterministic.
    leftovers = sorted(exact, key=lambda code: (-(exact[code] - int(exact[code])), code))
    for code in leftovers[: TARGET_PLEDGES - sum(counts.values())]:
        counts[code] += 1
    return counts


def _pledges(rng: random.Random, today: date, gdp_usd_bn: dict[str, float]) -> tuple[DemoPledge, ...]:
    counts = _pledge_counts(gdp_usd_bn)
    median_gdp = sorted(_sizing_gdp(gdp_usd_bn, d.code) for d in DONORS)[len(DONORS) // 2]
    items = {i.code: i for i in ITEMS}
    families = {f.code: f for f in FAMILIES}
    nations = [d.code for d in DONORS if d.code != "EUU"]
    destinations = [d[0] for d in DESTINATIONS]
    out: list[DemoPledge] = []
    for donor in DONORS:
        gdp = _sizing_gdp(gdp_usd_bn, donor.code)
        scale = min(3.0, max(0.3, (gdp / median_gdp) ** 0.3))
        choices = donor_items(donor)
        # A donor's signature systems come up twice as often as the common extras.
        weights = [2 if code in donor.items else 1 for code in choices]
        for n in range(1, counts[donor.code] + 1):
            item = items[rng.choices(choices, weights=weights, k=1)[0]]
            family = families[item.family]
            quantity = _pledge_quantity(rng, family, item, scale)
            label = str(
                _pick(rng, _SENSITIVE_LABEL_WEIGHTS if family.code in _SENSITIVE_FAMILIES else _LABEL_WEIGHTS)
            )
            releasable: tuple[str, ...] = ()
            if label == "AMBER":
                others = [c for c in nations if c != donor.code]
                picked = set(rng.sample(others, rng.randint(1, 4)))
                if rng.random() < 0.8:
                    picked.add(RECIPIENT)
                releasable = tuple(sorted(picked))
            source = str(_pick(rng, (("stock", 62), ("new_production", 18), ("procurement", 20))))
            channel = _channel(rng, donor.code, family)
            allowed = None
            if rng.random() < 0.15:
                allowed = tuple(sorted(rng.sample(destinations, rng.randint(1, 3))))
            final = str(_pick(rng, _FINAL_WEIGHTS))
            if final == "contracted":
                source = "procurement"
            milestones, available = _milestones(rng, today, donor.code, final, source, quantity)
            out.append(
                DemoPledge(
                    reference=f"{donor.code}-{n:04d}",
                    donor=donor.code,
                    item=item.code,
                    quantity=quantity,
                    available=available,
                    origin=depot_code(donor),
                    destinations=allowed,
                    source=source,
                    channel=channel,
                    label=label,
                    releasable_to=releasable,
                    status=milestones[-1].kind
                    if milestones[-1].kind != "slipped"
                    else _status_before_slip(milestones),
                    milestones=tuple(milestones),
                )
            )
    return tuple(out)


def _status_before_slip(milestones: list[DemoMilestone]) -> str:
    return next(m.kind for m in reversed(milestones) if m.kind != "slipped")


def _pledge_quantity(rng: random.Random, family: FamilySpec, item: ItemSpec, scale: float) -> int:
    factor = math.exp(rng.gauss(-0.3, 0.6)) * scale
    quantity = max(1, round(family.typical_requirement * factor))
    if item.unit_value_eur >= 100_000_000:
        # Whole batteries: one or two at a time.
        quantity = min(quantity, 2)
    if quantity >= 1000:
        quantity = round(quantity, -2)
    elif quantity >= 100:
        quantity = round(quantity, -1)
    return quantity


def _channel(rng: random.Random, donor: str, family: FamilySpec) -> str:
    if donor == "EUU":
        return "eu"
    roll = rng.random()
    # Ammunition is often bought with others' money (e.g. the Czech-led initiative); non-lethal aid goes
    # through NATO's comprehensive assistance package trust fund.
    if family.code.endswith("artillery-ammunition") and roll < 0.3:
        return "pooled_fund"
    if family.area in ("medical", "non-lethal", "engineering") and roll < 0.35:
        return "nato_trust_fund"
    return "bilateral" if roll < 0.93 else "pooled_fund"


def _milestones(
    rng: random.Random, today: date, donor: str, final: str, source: str, quantity: int
) -> tuple[list[DemoMilestone], date]:
    """The milestone log leading to ``final``, and the pledge's availability date.

    Times are in the past (up to eleven months ago), each step a few days to weeks after the one before;
    availability dates of pledges not yet dispatched lie up to six months ahead.
    """
    liaison = liaison_username(donor)
    path = ["offered"]
    if final in ("declined", "withdrawn"):
        if final == "withdrawn" and rng.random() < 0.5:
            path.append("committed")
        path.append(final)
    else:
        order = ["committed", "contracted", "dispatched", "at_hub", "handed_over", "received"]
        for step in order[: order.index(final) + 1] if final != "offered" else []:
            if step == "contracted" and source != "procurement":
                continue
            if step == "at_hub" and final != "at_hub" and rng.random() < 0.2:
                continue  # driven straight to the destination
            path.append(step)
    now = datetime.combine(today, time(0, 0), tzinfo=UTC)
    span_days = rng.randint(len(path) * 6, 330)
    at = now - timedelta(days=span_days, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
    # Share the span between the steps so the last one still lies in the past.
    gaps = [rng.random() + 0.2 for _ in path[1:]]
    unit = (span_days - 1) / max(1.0, sum(gaps))
    stamps = [at]
    for gap in gaps:
        step = timedelta(days=gap * unit, hours=rng.randint(0, 6))
        stamps.append((stamps[-1] + step).replace(microsecond=0))
    dispatched_at = next((stamps[i] for i, k in enumerate(path) if k == "dispatched"), None)
    if dispatched_at is not None:
        available = dispatched_at.date() - timedelta(days=rng.randint(0, 10))
    else:
        available = today + timedelta(days=rng.randint(-30, 180))
    log: list[DemoMilestone] = []
    for kind, stamp in zip(path, stamps, strict=True):
        actor = {
            "at_hub": COORDINATOR_USERNAME,
            "handed_over": COORDINATOR_USERNAME,
            "received": RECIPIENT_USERNAME,
            "declined": RECIPIENT_USERNAME,
        }.get(kind, liaison)
        if kind == "received":
            shortfall = 0 if rng.random() < 0.85 else max(1, quantity // 20)
            condition = "serviceable" if rng.random() < 0.9 else "needs_repair"
            note = "" if shortfall == 0 else f"{shortfall} short on arrival; reported to the donor."
            log.append(
                DemoMilestone(kind, stamp, actor, note, quantity=quantity - shortfall, condition=condition)
            )
        elif kind == "declined":
            log.append(DemoMilestone(kind, stamp, actor, "Not on the priority list; the hubs are full."))
        elif kind == "withdrawn":
            log.append(DemoMilestone(kind, stamp, actor, "Needed for national readiness."))
        else:
            log.append(DemoMilestone(kind, stamp, actor))
    # Some pledges slip before they leave: a new availability date, the old one kept in the log.
    slippable = [k for k in path if k in ("offered", "committed", "contracted")]
    if path[-1] in ("offered", "committed", "contracted") and slippable and rng.random() < 0.25:
        old = available
        available = old + timedelta(days=rng.randint(14, 90))
        stamp = (stamps[-1] + (now - stamps[-1]) / 2).replace(microsecond=0)
        log.append(
            DemoMilestone("slipped", stamp, liaison, "Production delay.", old_date=old, new_date=available)
        )
    return log, available
