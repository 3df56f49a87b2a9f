"""The demo's training picture: skills with chains, host nations' courses, cohorts, packages that plan."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from pledgeflow.accounts.models import User
from pledgeflow.core.models import ChangeRecord
from pledgeflow.demo import ensure_demo_data
from pledgeflow.requirements.models import Requirement
from pledgeflow.training.models import (
    CapabilityPackage,
    Cohort,
    Course,
    PackageReadiness,
    Skill,
    TrainingAssignment,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


def _depth_code(code: str, graph: dict[str, list[str]]) -> int:
    return 1 + max((_depth_code(p, graph) for p in graph[code]), default=0)


def test_the_demo_holds_a_realistic_training_picture() -> None:
    summary = ensure_demo_data()

    assert "capability packages" in summary
    graph = {s.code: [p.code for p in s.prerequisites.all()] for s in Skill.objects.all()}
    assert len(graph) >= 10
    # Chains up to three deep: basic air-defence operator -> Patriot crew -> Patriot fire control.
    assert max(_depth_code(code, graph) for code in graph) == 3
    assert graph["patriot-fire-control"] == ["patriot-crew"] and graph["leopard-2-commander"] == [
        "leopard-2-driver"
    ]

    courses = list(Course.objects.all())
    assert len(courses) >= 15
    assert {"DEU", "USA", "POL", "FRA", "GBR", "NLD"} <= {c.host_id for c in courses}
    assert {"en", "fr", "uk", "de"} <= {c.language for c in courses}
    assert all(8 <= c.seats <= 40 and c.cost_per_seat_eur and c.code.startswith(c.host_id) for c in courses)
    labels = Counter(c.sharing_label for c in courses)
    assert {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"} <= set(labels)

    sessions = TrainingSession.objects.select_related("course")
    assert sessions.count() >= 50
    assert sessions.filter(status="cancelled").count() == 1
    today = max(c.created_at for c in courses).date()
    assert all(0 < (s.start - today).days <= 200 for s in sessions)

    cohorts = list(Cohort.objects.all())
    assert len(cohorts) >= 20
    assert all(4 <= c.size <= 30 and c.nation_id == "UKR" for c in cohorts)
    assert len({c.priority for c in cohorts}) == 4 and {"uk", "en", "fr", "de"} <= {
        c.language for c in cohorts
    }
    assert Cohort.objects.filter(held__isnull=False).distinct().count() >= 5


def test_every_capability_package_gathers_requirements_and_cohorts() -> None:
    ensure_demo_data()

    packages = list(CapabilityPackage.objects.all())
    assert {p.code for p in packages} >= {"PKG-PATRIOT-1", "PKG-LEO2A4-COY", "PKG-CAESAR-BTY"}
    for package in packages:
        assert package.cohorts.exists(), package.code
        assert Requirement.objects.filter(package_code=package.code, status="approved").exists(), package.code
    patriot = Requirement.objects.filter(package_code="PKG-PATRIOT-1", status="approved")
    assert set(patriot.values_list("family__code", flat=True)) == {"patriot-fire-unit", "patriot-interceptor"}
    # The link is on record, with who did it.
    line = patriot.first()
    assert line is not None
    entry = ChangeRecord.objects.filter(entity="requirements.requirement", object_id=str(line.pk)).last()
    assert entry is not None and entry.after == {"package_code": "PKG-PATRIOT-1"}
    assert entry.actor == User.objects.get(username="recipient-ukr")
    # The records were written through the services: each course has its creation, by its host's liaison.
    course = Course.objects.get(code="DEU-PATRIOT-CREW-UK")
    created = ChangeRecord.objects.get(entity="training.course", object_id=str(course.pk), action="create")
    assert created.actor == User.objects.get(username="liaison-deu")


def test_loading_the_demo_twice_adds_no_training() -> None:
    ensure_demo_data()
    counts = (Skill.objects.count(), Course.objects.count(), Cohort.objects.count())

    assert ensure_demo_data().startswith("already loaded")

    assert (Skill.objects.count(), Course.objects.count(), Cohort.objects.count()) == counts


def test_a_first_plan_run_on_the_demo_assigns_crews_and_times_every_package() -> None:
    from pledgeflow.planning import services as planning

    ensure_demo_data()
    coordinator: Any = User.objects.get(username="coordinator")
    run = planning.start_plan_run(coordinator)

    done = planning.execute_plan_run(run.pk)

    assert done.status == "succeeded", done.error
    assignments = TrainingAssignment.objects.filter(run=done)
    assert assignments.values("cohort").distinct().count() >= 10
    readiness = PackageReadiness.objects.filter(run=done)
    assert readiness.count() == CapabilityPackage.objects.count()
    assert all(r.bottleneck for r in readiness)
