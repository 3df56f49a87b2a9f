"""The demo's training picture: skills, courses, sessions, cohorts and capability packages.

Everything is written through the training services, as the people who keep these records would write it
(so every record has its history and passes the same rules as the API): the training coordinator defines the
skills, each host nation's liaison offers its own courses and schedules their sessions, and the recipient's
officer defines the capability packages and the cohorts. The capability packages then gather existing demo
requirements by their ``package_code`` (with a history entry each), so that a first plan run gives training
assignments and the readiness of every package.

The picture is drawn from the demo's seed relative to the day it is loaded: sessions start over the next six
months, cohorts must be ready over the next seven to nine, packages are needed in four to eight.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

#: Skills with their prerequisites (listed after them): code, name, prerequisites.
SKILLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ad-basic", "Air-defence operator (basic)", ()),
    ("patriot-crew", "Patriot launcher and engagement crew", ("ad-basic",)),
    ("patriot-fire-control", "Patriot fire-control officer", ("patriot-crew",)),
    ("patriot-maintainer", "Patriot system maintainer", ("ad-basic",)),
    ("iris-t-crew", "IRIS-T SLM crew", ("ad-basic",)),
    ("leopard-2-driver", "Leopard 2 driver", ()),
    ("leopard-2-commander", "Leopard 2 crew commander and gunner", ("leopard-2-driver",)),
    ("leopard-2-maintainer", "Leopard 2 maintainer", ("leopard-2-driver",)),
    ("artillery-basic", "Field artillery gunner (basic)", ()),
    ("caesar-crew", "CAESAR howitzer crew", ("artillery-basic",)),
    ("pzh-2000-crew", "PzH 2000 howitzer crew", ("artillery-basic",)),
    ("artillery-maintainer", "Self-propelled howitzer maintainer", ("artillery-basic",)),
)


@dataclass(frozen=True)
class CourseSpec:
    """One host nation's course: what, where, in which language, how big, how costly, how shared."""

    code: str
    name: str
    skill: str
    host: str
    language: str
    duration_days: int
    seats: int
    cost_per_seat_eur: int
    label: str
    releasable_to: tuple[str, ...] = ()
    sessions: int = 4


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec("USA-AD-BASIC", "Air-defence fundamentals", "ad-basic", "USA", "en", 21, 30, 6500, "GREEN"),
    CourseSpec(
        "DEU-AD-BASIC-UK", "Air-defence operator course", "ad-basic", "DEU", "uk", 21, 24, 7200, "CLEAR"
    ),
    CourseSpec(
        "USA-PATRIOT-CREW",
        "Patriot crew course (Fort Sill)",
        "patriot-crew",
        "USA",
        "en",
        42,
        16,
        18500,
        "AMBER",
        ("UKR",),
        3,
    ),
    CourseSpec(
        "DEU-PATRIOT-CREW-UK",
        "Patriot crew course",
        "patriot-crew",
        "DEU",
        "uk",
        42,
        24,
        18500,
        "AMBER",
        ("UKR", "NLD"),
        4,
    ),
    CourseSpec(
        "NLD-PATRIOT-FC",
        "Patriot fire-control course",
        "patriot-fire-control",
        "NLD",
        "en",
        28,
        8,
        32000,
        "AMBER+STRICT",
        (),
        3,
    ),
    CourseSpec(
        "DEU-PATRIOT-MAINT",
        "Patriot maintainer course",
        "patriot-maintainer",
        "DEU",
        "de",
        35,
        12,
        15000,
        "RED",
        (),
        3,
    ),
    CourseSpec(
        "DEU-IRIST-CREW",
        "IRIS-T SLM crew course",
        "iris-t-crew",
        "DEU",
        "uk",
        35,
        16,
        14000,
        "AMBER",
        ("UKR",),
        3,
    ),
    CourseSpec(
        "POL-LEO2-DRIVER", "Leopard 2 driver course", "leopard-2-driver", "POL", "uk", 21, 32, 4800, "GREEN"
    ),
    CourseSpec(
        "DEU-LEO2-DRIVER", "Leopard 2 Fahrschule", "leopard-2-driver", "DEU", "de", 21, 20, 5200, "CLEAR"
    ),
    CourseSpec(
        "POL-LEO2-CMDR",
        "Leopard 2 commander and gunner course",
        "leopard-2-commander",
        "POL",
        "uk",
        28,
        16,
        7600,
        "GREEN",
    ),
    CourseSpec(
        "DEU-LEO2-CMDR",
        "Leopard 2 Kommandantenlehrgang",
        "leopard-2-commander",
        "DEU",
        "de",
        35,
        12,
        8800,
        "AMBER",
        ("UKR", "POL"),
        3,
    ),
    CourseSpec(
        "DEU-LEO2-MAINT",
        "Leopard 2 maintainer course",
        "leopard-2-maintainer",
        "DEU",
        "uk",
        42,
        10,
        9500,
        "AMBER+STRICT",
        (),
        3,
    ),
    CourseSpec(
        "GBR-ARTY-BASIC", "Gunner basic course", "artillery-basic", "GBR", "en", 14, 40, 3100, "CLEAR", (), 5
    ),
    CourseSpec(
        "GBR-ARTY-BASIC-UK",
        "Gunner basic course (Ukrainian)",
        "artillery-basic",
        "GBR",
        "uk",
        14,
        30,
        3000,
        "GREEN",
        (),
        5,
    ),
    CourseSpec(
        "FRA-ARTY-BASIC",
        "Formation initiale artilleur",
        "artillery-basic",
        "FRA",
        "fr",
        14,
        24,
        3300,
        "GREEN",
    ),
    CourseSpec(
        "FRA-CAESAR-CREW",
        "Stage servant CAESAR",
        "caesar-crew",
        "FRA",
        "fr",
        28,
        18,
        9800,
        "AMBER",
        ("UKR",),
        3,
    ),
    CourseSpec(
        "FRA-CAESAR-CREW-UK",
        "CAESAR crew course (Ukrainian)",
        "caesar-crew",
        "FRA",
        "uk",
        35,
        12,
        10400,
        "GREEN",
        (),
        4,
    ),
    CourseSpec(
        "DEU-PZH-CREW",
        "PzH 2000 crew course",
        "pzh-2000-crew",
        "DEU",
        "uk",
        40,
        15,
        12500,
        "AMBER",
        ("UKR", "NLD"),
        3,
    ),
    CourseSpec(
        "NLD-PZH-CREW", "PzH 2000 crew course", "pzh-2000-crew", "NLD", "en", 40, 10, 12000, "GREEN", (), 3
    ),
    CourseSpec(
        "FRA-ARTY-MAINT",
        "Maintenance des automoteurs",
        "artillery-maintainer",
        "FRA",
        "fr",
        28,
        8,
        11000,
        "RED",
        (),
        2,
    ),
)


@dataclass(frozen=True)
class PackageSpec:
    """A capability package: its equipment (demo requirement families) and its crews (cohorts)."""

    code: str
    name: str
    priority: int
    need_by_days: int
    families: tuple[tuple[str, int], ...]  # requirement family, how many requirement lines
    cohorts: tuple[
        tuple[str, str, int, str, int, tuple[str, ...]], ...
    ]  # suffix, skill, size, lang, days, held


PACKAGES: tuple[PackageSpec, ...] = (
    PackageSpec(
        "PKG-PATRIOT-1",
        "Patriot battery (1st)",
        1,
        130,
        (("patriot-fire-unit", 1), ("patriot-interceptor", 1)),
        (
            ("OPS-A", "patriot-crew", 24, "uk", 150, ()),
            ("OPS-B", "patriot-crew", 16, "en", 150, ("ad-basic",)),
            ("FC", "patriot-fire-control", 6, "en", 170, ("ad-basic",)),
            ("MAINT", "patriot-maintainer", 10, "de", 160, ("ad-basic",)),
        ),
    ),
    PackageSpec(
        "PKG-PATRIOT-2",
        "Patriot battery (2nd)",
        1,
        210,
        (("patriot-fire-unit", 1), ("patriot-interceptor", 1)),
        (
            ("OPS-A", "patriot-crew", 24, "uk", 220, ()),
            ("FC", "patriot-fire-control", 6, "en", 230, ("ad-basic", "patriot-crew")),
        ),
    ),
    PackageSpec(
        "PKG-LEO2A4-COY",
        "Leopard 2A4 tank company",
        2,
        160,
        (("leopard-2-tank", 1),),
        (
            ("DRV", "leopard-2-driver", 14, "uk", 120, ()),
            ("CMD", "leopard-2-commander", 16, "uk", 170, ()),
            ("CMD-DE", "leopard-2-commander", 8, "de", 180, ("leopard-2-driver",)),
            ("MAINT", "leopard-2-maintainer", 8, "uk", 190, ()),
        ),
    ),
    PackageSpec(
        "PKG-CAESAR-BTY",
        "CAESAR battery",
        2,
        150,
        (("155mm-self-propelled-howitzer", 1), ("155mm-artillery-ammunition", 1)),
        (
            ("CREW-UK", "caesar-crew", 12, "uk", 150, ()),
            ("CREW-FR", "caesar-crew", 12, "fr", 170, ("artillery-basic",)),
            ("MAINT", "artillery-maintainer", 6, "fr", 180, ()),
        ),
    ),
    PackageSpec(
        "PKG-PZH-BTY",
        "PzH 2000 battery",
        3,
        240,
        (("155mm-self-propelled-howitzer", 1),),
        (
            ("CREW", "pzh-2000-crew", 15, "uk", 230, ()),
            ("CREW-EN", "pzh-2000-crew", 10, "en", 240, ("artillery-basic",)),
        ),
    ),
)

#: Cohorts in no package: replacement crews and instructors (no course teaches some in their language).
LOOSE_COHORTS: tuple[tuple[str, str, int, str, int, int, tuple[str, ...]], ...] = (
    ("CRW-AD-RESERVE", "ad-basic", 24, "uk", 90, 3, ()),
    ("CRW-IRIST-2", "iris-t-crew", 16, "uk", 140, 1, ()),
    ("CRW-IRIST-3", "iris-t-crew", 12, "uk", 200, 2, ("ad-basic",)),
    ("CRW-LEO2-REPL", "leopard-2-driver", 20, "uk", 100, 3, ()),
    ("CRW-ARTY-REPL", "artillery-basic", 30, "uk", 80, 3, ()),
    ("CRW-ARTY-INSTR", "artillery-basic", 8, "en", 60, 4, ()),
    ("CRW-PZH-REPL", "pzh-2000-crew", 12, "uk", 260, 3, ("artillery-basic",)),
    ("CRW-CAESAR-REPL", "caesar-crew", 12, "uk", 250, 4, ()),
    ("CRW-PATRIOT-FR", "patriot-crew", 4, "fr", 200, 4, ("ad-basic",)),
)


def load_training(loader: Any, rng: random.Random, today: date) -> dict[str, int]:
    """Write the demo's training picture through the training services; return the counts written.

    ``loader`` is the demo loader (its ``user`` maps demo usernames to users and its ``record`` adds a history
    entry); requirements must be loaded already.
    """
    from pledgeflow.demo.generator import RECIPIENT, RECIPIENT_USERNAME, liaison_username
    from pledgeflow.training import services

    trainer = loader.user["training"]
    recipient = loader.user[RECIPIENT_USERNAME]
    for code, name, prerequisites in SKILLS:
        services.create_skill(trainer, code=code, name=name, prerequisites=prerequisites)

    sessions = 0
    cancelled = 0
    for spec in COURSES:
        liaison = loader.user.get(liaison_username(spec.host), trainer)
        course = services.create_course(
            liaison,
            code=spec.code,
            name=spec.name,
            skill=spec.skill,
            host=spec.host,
            language=spec.language,
            duration_days=spec.duration_days,
            seats=spec.seats,
            cost_per_seat_eur=Decimal(spec.cost_per_seat_eur),
            sharing_label=spec.label,
            releasable_to=spec.releasable_to,
        )
        # Sessions spread over the next six months, a first one within a month, the gaps a little uneven.
        gap = max(spec.duration_days + 7, 170 // spec.sessions)
        start = today + timedelta(days=rng.randint(7, 30))
        for number in range(1, spec.sessions + 1):
            session = services.create_session(
                liaison, code=f"{spec.code}-{number:02d}", course=course, start=start
            )
            sessions += 1
            if number == 2 and spec.code == "DEU-LEO2-DRIVER":
                services.cancel_session(liaison, session, session.version, note="instructors redeployed")
                cancelled += 1
            start += timedelta(days=gap + rng.randint(-5, 10))

    cohorts = 0
    linked = 0
    taken: set[int] = set()
    for pkg in PACKAGES:
        package = services.create_package(
            recipient,
            code=pkg.code,
            name=pkg.name,
            priority=pkg.priority,
            need_by=today + timedelta(days=pkg.need_by_days),
            nation=RECIPIENT,
        )
        for family, count in pkg.families:
            linked += _link_requirements(loader, package.code, family, count, taken)
        for suffix, skill, size, language, days, held in pkg.cohorts:
            services.create_cohort(
                recipient,
                code=f"CRW-{pkg.code.removeprefix('PKG-')}-{suffix}",
                name=f"{pkg.name}: {dict((s[0], s[1]) for s in SKILLS)[skill]}",
                skill=skill,
                size=size,
                language=language,
                ready_by=today + timedelta(days=days + rng.randint(-10, 10)),
                priority=pkg.priority,
                held=held,
                package=package,
                nation=RECIPIENT,
            )
            cohorts += 1
    for code, skill, size, language, days, priority, held in LOOSE_COHORTS:
        services.create_cohort(
            recipient,
            code=code,
            skill=skill,
            size=size,
            language=language,
            ready_by=today + timedelta(days=days + rng.randint(-10, 10)),
            priority=priority,
            held=held,
            nation=RECIPIENT,
        )
        cohorts += 1
    return {
        "skills": len(SKILLS),
        "courses": len(COURSES),
        "sessions": sessions,
        "cancelled_sessions": cancelled,
        "cohorts": cohorts,
        "packages": len(PACKAGES),
        "package_requirements": linked,
    }


def _link_requirements(loader: Any, package_code: str, family: str, count: int, taken: set[int]) -> int:
    """Give ``count`` open requirement lines of ``family`` on the approved list the package's code.

    The most urgent lines not yet in a package come first (a package gathers the equipment most wanted); the
    same reference on the draft list gets the code too, and each line one history entry.
    """
    from pledgeflow.demo.generator import RECIPIENT_USERNAME
    from pledgeflow.requirements.choices import RequirementStatus
    from pledgeflow.requirements.models import Requirement

    lines = [
        r
        for r in Requirement.objects.filter(
            list_version=loader.version, family__code=family, status=RequirementStatus.APPROVED
        ).order_by("priority", "need_by", "reference")
        if r.pk not in taken
    ][:count]
    for line in lines:
        taken.add(line.pk)
        for same in Requirement.objects.filter(reference=line.reference):
            same.package_code = package_code
            same.save(update_fields=["package_code"])
            loader.record(
                same,
                "update",
                RECIPIENT_USERNAME,
                loader.now,
                {"package_code": None},
                {"package_code": package_code},
                f"joins capability package {package_code}",
            )
    return len(lines)
