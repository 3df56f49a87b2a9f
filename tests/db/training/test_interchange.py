"""Training and capability packages in scenario documents: export, import, the round trip and its errors."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from pledgeflow.core.models import ChangeRecord
from pledgeflow.engine.errors import ScenarioError
from pledgeflow.interchange import export_bytes, export_scenario, import_scenario
from pledgeflow.requirements.models import Requirement
from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession
from tests.db.interchange.documents import document, encode
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)

TRAINING: dict[str, Any] = {
    "skills": [
        {"id": "ad-basic", "prerequisites": []},
        {"id": "patriot-crew", "prerequisites": ["ad-basic"]},
    ],
    "courses": [
        {
            "id": "DEU-AD-BASIC",
            "skill": "ad-basic",
            "host": "DEU",
            "language": "uk",
            "duration_days": 10,
            "seats": 20,
            "cost_per_seat_eur": 1000,
        },
        {
            "id": "POL-PATRIOT",
            "skill": "patriot-crew",
            "host": "POL",
            "language": "uk",
            "duration_days": 30,
            "seats": 12,
            "cost_per_seat_eur": 18500.5,
        },
    ],
    "sessions": [
        {"id": "DEU-AD-BASIC-01", "course": "DEU-AD-BASIC", "start": "2026-02-02"},
        {"id": "POL-PATRIOT-01", "course": "POL-PATRIOT", "start": "2026-03-02"},
    ],
    "cohorts": [
        {
            "id": "UKR-CREW-1",
            "skill": "patriot-crew",
            "size": 10,
            "language": "uk",
            "ready_by": "2026-05-01",
            "priority": 1,
            "package": "PATRIOT-BTY-1",
        },
        {
            "id": "UKR-CREW-2",
            "skill": "patriot-crew",
            "size": 8,
            "language": "uk",
            "ready_by": "2026-06-01",
            "priority": 2,
            "held": ["ad-basic"],
        },
    ],
    "packages": [
        {"id": "PATRIOT-BTY-1", "name": "Patriot battery 1", "priority": 1, "need_by": "2026-06-01"}
    ],
}


def training_document(**changes: Any) -> dict[str, Any]:
    """The interchange tests' valid document with training and a requirement in the package."""
    doc = document(**copy.deepcopy(TRAINING))
    doc["requirements"][0]["package"] = "PATRIOT-BTY-1"
    doc.update(changes)
    return doc


def paths_of(data: bytes) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        import_scenario(data)
    return [issue.path for issue in caught.value.errors]


def test_a_scenario_with_training_imports_every_training_record_with_history(coordinator: Any) -> None:
    result = import_scenario(encode(training_document()), coordinator)

    assert {k: dict(result.counts[k]) for k in ("skills", "packages", "courses", "sessions", "cohorts")} == {
        "skills": {"created": 2},
        "packages": {"created": 1},
        "courses": {"created": 2},
        "sessions": {"created": 2},
        "cohorts": {"created": 2},
    }
    patriot = Skill.objects.get(code="patriot-crew")
    assert [s.code for s in patriot.prerequisites.all()] == ["ad-basic"]
    course = Course.objects.get(code="POL-PATRIOT")
    assert (course.host_id, str(course.cost_per_seat_eur), course.sharing_label) == (
        "POL",
        "18500.50",
        "AMBER",
    )
    assert not course.releasable_to.exists()
    crew = Cohort.objects.get(code="UKR-CREW-2")
    assert (crew.nation_id, crew.status, [s.code for s in crew.held.all()]) == (
        "UKR",
        "planned",
        ["ad-basic"],
    )
    assert Cohort.objects.get(code="UKR-CREW-1").package.code == "PATRIOT-BTY-1"
    assert (
        Requirement.objects.get(reference=document()["requirements"][0]["id"]).package_code == "PATRIOT-BTY-1"
    )
    created = ChangeRecord.objects.get(entity="training.skill", object_id=str(patriot.pk))
    assert (created.action, created.actor, created.after["prerequisites"]) == (
        "create",
        coordinator,
        ["ad-basic"],
    )
    assert "skills: 2 created" in result.lines()


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes_with_training() -> None:
    with transaction.atomic():
        import_scenario(encode(training_document()))
        first = export_bytes(START)
        transaction.set_rollback(True)
    assert not Skill.objects.exists()

    import_scenario(first)

    assert export_bytes(START) == first
    doc = json.loads(first)
    assert [c["id"] for c in doc["cohorts"]] == ["UKR-CREW-1", "UKR-CREW-2"]
    packaged = {r["id"]: r.get("package") for r in doc["requirements"]}
    assert packaged[document()["requirements"][0]["id"]] == "PATRIOT-BTY-1"
    assert doc["courses"][1]["cost_per_seat_eur"] == 18500.5


def test_importing_the_same_training_twice_changes_nothing() -> None:
    import_scenario(encode(training_document()))
    history = ChangeRecord.objects.count()

    result = import_scenario(encode(training_document()))

    assert result.changed == 0
    assert ChangeRecord.objects.count() == history
    assert dict(result.counts["courses"]) == {"unchanged": 2}


def test_every_training_error_is_reported_with_its_json_path() -> None:
    doc = training_document()
    doc["courses"][0]["host"] = "ZZZ"
    doc["courses"][1]["language"] = "xx"
    doc["cohorts"][1]["language"] = "ukrainian"
    doc["skills"].append({"id": "has space", "prerequisites": []})

    assert paths_of(encode(doc)) == [
        "skills[2].id",
        "courses[0].host",
        "courses[1].language",
        "cohorts[1].language",
    ]


def test_a_structural_error_does_not_hide_an_unknown_host() -> None:
    doc = training_document()
    doc["courses"][0]["host"] = "XYZ"
    doc["sessions"][0]["start"] = "2026-02-31"

    with pytest.raises(ScenarioError) as caught:
        import_scenario(encode(doc))
    messages = {issue.path: issue.message for issue in caught.value.errors}
    assert "sessions[0].start" in messages
    assert "XYZ" in messages["courses[0].host"] and "nation" in messages["courses[0].host"]


def test_a_course_that_exists_with_other_content_is_refused_naming_the_difference() -> None:
    import_scenario(encode(training_document()))
    doc = training_document()
    doc["courses"][0]["seats"] = 30

    with pytest.raises(ScenarioError) as caught:
        import_scenario(encode(doc))
    (issue,) = caught.value.errors
    assert issue.path == "courses[0].id"
    assert "seats 20 in the database, 30 here" in issue.message


def test_skills_and_packages_are_updated_in_place() -> None:
    import_scenario(encode(training_document()))
    doc = training_document()
    doc["packages"][0]["need_by"] = "2026-07-01"
    doc["skills"][0]["prerequisites"] = []
    doc["skills"].append({"id": "radar", "prerequisites": []})
    doc["skills"][1]["prerequisites"] = ["ad-basic", "radar"]

    result = import_scenario(encode(doc))

    assert dict(result.counts["skills"]) == {"created": 1, "updated": 1, "unchanged": 1}
    assert dict(result.counts["packages"]) == {"updated": 1}
    package = CapabilityPackage.objects.get(code="PATRIOT-BTY-1")
    assert (package.need_by, package.version) == (date(2026, 7, 1), 2)
    assert sorted(s.code for s in Skill.objects.get(code="patriot-crew").prerequisites.all()) == [
        "ad-basic",
        "radar",
    ]


def test_a_cohort_id_that_is_a_requirement_reference_in_the_database_is_refused() -> None:
    import_scenario(encode(document()))
    taken = document()["requirements"][1]["id"]
    doc = training_document(requirements=[])
    doc["cohorts"][1]["id"] = taken

    assert paths_of(encode(doc)) == ["cohorts[1].id"]


def test_the_export_shows_a_user_only_the_courses_and_sessions_their_nation_may_see(
    liaison_fra: Any, picture: t.Picture
) -> None:
    t.session("DEU-SECRET-01", t.course("DEU-SECRET", picture.basic, "DEU", label="RED"), date(2027, 3, 1))

    doc = export_scenario(START, viewer=liaison_fra)
    everything = export_scenario(START)

    assert "DEU-SECRET" not in [c["id"] for c in doc["courses"]]
    assert "DEU-SECRET-01" not in [s["id"] for s in doc["sessions"]]
    assert "DEU-SECRET-01" in [s["id"] for s in everything["sessions"]]
    assert "FRA-RED-01" in [s["id"] for s in doc["sessions"]]


def test_a_record_without_training_exports_no_training_keys() -> None:
    import_scenario(encode(document()))

    assert "skills" not in export_scenario(START)


def test_cancelled_sessions_and_cohorts_are_not_exported(picture: t.Picture) -> None:
    TrainingSession.objects.filter(pk=picture.basic_session.pk).update(status="cancelled")
    Cohort.objects.filter(pk=picture.crew.pk).update(status="cancelled")

    doc = export_scenario(START)

    assert "DEU-AD-BASIC-01" not in [s["id"] for s in doc["sessions"]]
    assert doc["cohorts"] == []
