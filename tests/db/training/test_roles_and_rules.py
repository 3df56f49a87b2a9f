"""Who may do what with training records, and the rules each record keeps (history, versions, no deletes).

A host nation offers and changes its own courses and sessions only; the recipient manages its own cohorts and
packages; training coordinators and coordinators manage the whole training picture; viewers read only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pledgeflow.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from pledgeflow.core.models import ChangeRecord
from pledgeflow.training import selectors, services
from pledgeflow.training.models import Course, Skill
from tests.db import factories
from tests.db.api.conftest import ApiClient
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db


def course_body(host: str = "DEU", **changes: Any) -> dict[str, Any]:
    return {
        "code": f"{host}-NEW",
        "name": "New course",
        "skill": "ad-basic",
        "host": host,
        "language": "uk",
        "duration_days": 10,
        "seats": 20,
        **changes,
    }


def test_a_host_liaison_offers_courses_of_its_own_nation_only(picture: t.Picture, liaison_deu: Any) -> None:
    assert services.create_course(liaison_deu, **course_body("DEU")).host_id == "DEU"
    with pytest.raises(PermissionDenied, match="its own nation"):
        services.create_course(liaison_deu, **course_body("FRA"))


def test_a_host_liaison_changes_its_own_courses_only(
    picture: t.Picture, liaison_deu: Any, liaison_fra: Any
) -> None:
    services.update_course(liaison_deu, picture.basic_course, {"seats": 24}, 1)
    with pytest.raises(PermissionDenied, match="hosted by DEU"):
        services.update_course(liaison_fra, picture.basic_course, {"seats": 30}, 2)
    assert Course.objects.get(pk=picture.basic_course.pk).seats == 24


def test_a_host_liaison_cannot_move_its_course_to_another_host(picture: t.Picture, liaison_deu: Any) -> None:
    with pytest.raises(PermissionDenied, match="another host"):
        services.update_course(liaison_deu, picture.basic_course, {"host": "POL"}, 1)


def test_a_hidden_course_is_not_found_rather_than_refused(picture: t.Picture, liaison_deu: Any) -> None:
    with pytest.raises(NotFound) as hidden:
        services.update_course(liaison_deu, picture.red_course, {"seats": 9}, 1)
    with pytest.raises(NotFound) as missing:
        selectors.get_course(liaison_deu, "NO-SUCH-COURSE")
    assert "does not exist or is not visible to you" in str(hidden.value)
    assert "does not exist or is not visible to you" in str(missing.value)


def test_a_host_liaison_schedules_and_cancels_sessions_of_its_own_courses_only(
    picture: t.Picture, liaison_deu: Any, liaison_fra: Any
) -> None:
    session = services.create_session(
        liaison_deu, code="DEU-AD-BASIC-02", course="DEU-AD-BASIC", start=dt.date(2027, 3, 1)
    )
    assert session.sharing_label == "GREEN"
    with pytest.raises(PermissionDenied):
        services.create_session(liaison_fra, code="X-1", course="DEU-AD-BASIC", start=dt.date(2027, 3, 1))
    with pytest.raises(PermissionDenied):
        services.cancel_session(liaison_fra, session, 1)
    cancelled = services.cancel_session(liaison_deu, session, 1, note="Instructors deployed.")
    assert cancelled.status == "cancelled"
    with pytest.raises(InvalidTransition):
        services.cancel_session(liaison_deu, cancelled, 2)


def test_the_recipient_manages_its_own_cohorts_and_donors_do_not(
    picture: t.Picture, recipient_officer: Any, liaison_deu: Any
) -> None:
    cohort = services.create_cohort(
        recipient_officer,
        code="UKR-CREW-5",
        skill="patriot-crew",
        size=8,
        language="uk",
        ready_by=dt.date(2027, 5, 1),
    )
    assert cohort.nation_id == "UKR"
    with pytest.raises(PermissionDenied):
        services.update_cohort(liaison_deu, cohort, {"size": 9}, 1)
    with pytest.raises(PermissionDenied):
        services.create_cohort(
            liaison_deu,
            code="UKR-CREW-6",
            skill="patriot-crew",
            size=8,
            language="uk",
            ready_by=dt.date(2027, 5, 1),
        )
    assert services.update_cohort(recipient_officer, cohort, {"size": 9}, 1).size == 9


def test_a_recipient_officer_cannot_manage_another_recipients_cohorts(picture: t.Picture) -> None:
    from pledgeflow.nations.models import Nation

    other = Nation.objects.create(code="MDA", name="Moldova", kind="recipient")
    officer = factories.recipient_officer(other.code)
    with pytest.raises(PermissionDenied, match="own nation"):
        services.update_cohort(officer, picture.crew, {"size": 11}, 1)


def test_training_coordinators_manage_every_course_whatever_its_label(
    picture: t.Picture, training_coordinator: Any
) -> None:
    assert selectors.get_course(training_coordinator, "FRA-RED-COURSE").host_id == "FRA"
    services.update_course(training_coordinator, picture.red_course, {"seats": 10}, 1)
    services.update_cohort(training_coordinator, picture.crew, {"size": 11}, 1)


def test_viewers_read_open_courses_only_and_write_nothing(picture: t.Picture, viewer: Any) -> None:
    assert [c.code for c in selectors.list_courses(viewer)] == ["DEU-AD-BASIC", "DEU-PATRIOT"]
    assert [s.code for s in selectors.list_sessions(viewer)] == ["DEU-AD-BASIC-01", "DEU-PATRIOT-01"]
    with pytest.raises(PermissionDenied):
        services.create_skill(viewer, code="x", name="x")
    with pytest.raises(PermissionDenied):
        services.update_package(viewer, picture.package, {"name": "y"}, 1)


def test_an_amber_course_is_seen_by_the_nations_it_is_released_to(
    picture: t.Picture, liaison_fra: Any, recipient_officer: Any
) -> None:
    t.course("DEU-AMBER", picture.basic, "DEU", label="AMBER", releasable_to=("UKR",))

    assert "DEU-AMBER" in [c.code for c in selectors.list_courses(recipient_officer)]
    assert "DEU-AMBER" not in [c.code for c in selectors.list_courses(liaison_fra)]


def test_a_session_is_hidden_when_its_own_label_hides_it_even_if_its_course_is_open(
    picture: t.Picture, liaison_fra: Any, liaison_deu: Any
) -> None:
    t.session("DEU-AD-BASIC-RED", picture.basic_course, dt.date(2027, 4, 1), label="RED")

    assert "DEU-AD-BASIC-RED" not in [s.code for s in selectors.list_sessions(liaison_fra)]
    assert "DEU-AD-BASIC-RED" in [s.code for s in selectors.list_sessions(liaison_deu)]


def test_only_amber_records_name_releasable_nations(picture: t.Picture, liaison_deu: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_course(liaison_deu, **course_body(sharing_label="GREEN", releasable_to=["UKR"]))
    assert "Only a TLP:AMBER course" in caught.value.message_dict["releasable_to"][0]


def test_a_prerequisite_cycle_is_refused_naming_the_cycle(
    picture: t.Picture, training_coordinator: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_skill(training_coordinator, picture.basic, {"prerequisites": ["patriot-crew"]}, 1)

    message = caught.value.message_dict["prerequisites"][0]
    assert "ad-basic -> patriot-crew -> ad-basic" in message
    assert list(Skill.objects.get(code="ad-basic").prerequisites.all()) == []


def test_a_skill_cannot_require_itself(picture: t.Picture, training_coordinator: Any) -> None:
    with pytest.raises(ValidationError, match="cannot require itself"):
        services.update_skill(training_coordinator, picture.basic, {"prerequisites": ["ad-basic"]}, 1)


def test_a_stale_version_is_refused_with_the_current_one(picture: t.Picture, liaison_deu: Any) -> None:
    services.update_course(liaison_deu, picture.basic_course, {"seats": 21}, 1)
    with pytest.raises(StaleVersion) as caught:
        services.update_course(liaison_deu, picture.basic_course, {"seats": 22}, 1)
    assert caught.value.current_version == 2


def test_every_change_writes_history_with_the_values_before_and_after(
    picture: t.Picture, liaison_deu: Any
) -> None:
    services.update_course(liaison_deu, picture.basic_course, {"seats": 21}, 1)

    change = ChangeRecord.objects.get(entity="training.course", action="update")
    assert (change.before["seats"], change.after["seats"], change.actor) == (20, 21, liaison_deu)


def test_training_records_are_never_deleted(picture: t.Picture) -> None:
    for record in (picture.basic, picture.basic_course, picture.basic_session, picture.crew, picture.package):
        with pytest.raises(PermissionDenied):
            record.delete()


def test_a_course_with_sessions_to_come_cannot_be_retired(picture: t.Picture, liaison_deu: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.retire_course(liaison_deu, picture.basic_course, 1)
    assert "DEU-AD-BASIC-01" in caught.value.message_dict["active"][0]


def test_a_skill_in_use_cannot_be_retired(picture: t.Picture, training_coordinator: Any) -> None:
    with pytest.raises(ValidationError, match="course DEU-PATRIOT"):
        services.retire_skill(training_coordinator, picture.patriot, 1)


def test_a_cohort_code_may_not_be_a_requirement_reference(picture: t.Picture, recipient_officer: Any) -> None:
    from tests.db import factories_records

    factories_records.requirement(reference="UKR-AD-0009")
    with pytest.raises(ValidationError) as caught:
        services.create_cohort(
            recipient_officer,
            code="UKR-AD-0009",
            skill="ad-basic",
            size=4,
            language="uk",
            ready_by=dt.date(2027, 1, 1),
        )
    assert "requirement's reference" in caught.value.message_dict["code"][0]


def test_a_trained_cohort_is_final(picture: t.Picture, recipient_officer: Any) -> None:
    trained = services.complete_cohort(recipient_officer, picture.crew, 1)
    assert trained.status == "trained"
    with pytest.raises(InvalidTransition):
        services.cancel_cohort(recipient_officer, trained, 2)
    with pytest.raises(ValidationError):
        services.update_cohort(recipient_officer, trained, {"size": 3}, 2)


def test_a_cohort_names_every_bad_field_at_once(picture: t.Picture, recipient_officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_cohort(
            recipient_officer,
            code="UKR-CREW-8",
            skill="no-such-skill",
            size=0,
            language="xx",
            ready_by=dt.date(2027, 1, 1),
        )
    assert set(caught.value.message_dict) == {"skill", "size", "language"}


def test_the_api_refuses_a_foreign_liaison_with_403_and_a_hidden_course_with_404(
    picture: t.Picture, liaison_fra: Any
) -> None:
    client = ApiClient(liaison_fra)

    assert client.patch("/training/courses/DEU-AD-BASIC", {"seats": 1, "version": 1}).status == 403
    assert client.patch("/training/courses/FRA-RED-COURSE", {"seats": 9, "version": 1}).status == 200
    assert ApiClient(factories.donor_liaison("POL")).get("/training/courses/FRA-RED-COURSE").status == 404


def test_a_package_lists_its_requirements_and_cohorts(picture: t.Picture, viewer: Any) -> None:
    from tests.db import factories_records

    factories_records.requirement(reference="UKR-AD-0001", package_code="PATRIOT-BTY-1")

    answer = ApiClient(viewer).get("/training/packages/PATRIOT-BTY-1")

    assert answer.status == 200, answer
    assert (answer.json["requirements"], answer.json["cohorts"]) == (["UKR-AD-0001"], ["UKR-CREW-1"])


def test_a_host_liaisons_codes_start_with_its_nation_so_a_taken_code_reveals_nothing(
    picture: t.Picture, liaison_deu: Any
) -> None:
    for code in ("FRA-RED-COURSE", "FRA-FREE-COURSE"):
        with pytest.raises(ValidationError) as caught:
            services.create_course(liaison_deu, **course_body(code=code))
        assert "starts with the host nation's code, e.g. DEU-" in caught.value.message_dict["code"][0]
    with pytest.raises(ValidationError, match="DEU-"):
        services.create_session(
            liaison_deu, code="FRA-RED-01", course="DEU-AD-BASIC", start=dt.date(2027, 4, 5)
        )


def test_the_recipient_reads_its_cohorts_proposals_only_in_sessions_it_may_see(
    picture: t.Picture, coordinator: Any, recipient_officer: Any
) -> None:
    from pledgeflow.planning.models import PlanRun
    from pledgeflow.training.models import TrainingAssignment, TrainingProposal

    run = PlanRun.objects.create(number=1, created_by=coordinator, status="succeeded", published=True)
    for session in (picture.basic_session, picture.red_session):
        assignment = TrainingAssignment.objects.create(
            run=run, cohort=picture.crew, session=session, completion=dt.date(2027, 3, 3)
        )
        TrainingProposal.objects.create(
            run=run,
            assignment=assignment,
            cohort=picture.crew,
            session=session,
            host_id=session.course.host_id,
            seats=10,
        )

    visible = selectors.list_training_proposals(recipient_officer)

    assert [p.session.code for p in visible] == ["DEU-AD-BASIC-01"]


def test_a_code_claiming_another_nation_is_refused_even_to_a_training_coordinator(
    picture: t.Picture, training_coordinator: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_course(training_coordinator, **course_body("FRA", code="DEU-FRENCH-COURSE"))
    assert "starts with DEU's code, but this course is hosted by FRA" in caught.value.message_dict["code"][0]
    assert services.create_course(training_coordinator, **course_body("FRA", code="C-42")).code == "C-42"
    with pytest.raises(ValidationError, match="hosted by DEU"):
        services.create_session(
            training_coordinator, code="FRA-S-1", course="DEU-AD-BASIC", start=dt.date(2027, 4, 5)
        )


def test_a_course_moves_to_another_host_only_with_codes_that_fit(
    picture: t.Picture, training_coordinator: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_course(training_coordinator, picture.basic_course, {"host": "POL"}, 1)
    assert "code" in caught.value.message_dict
    with pytest.raises(ValidationError) as sessions:
        services.update_course(
            training_coordinator, picture.basic_course, {"host": "POL", "code": "POL-X"}, 1
        )
    assert "DEU-AD-BASIC-01" in sessions.value.message_dict["host"][0]
    lonely = t.course("DEU-LONELY", picture.basic, "DEU")
    moved = services.update_course(training_coordinator, lonely, {"host": "POL", "code": "POL-LONELY"}, 1)
    assert (moved.host_id, moved.code) == ("POL", "POL-LONELY")
