"""The training pages as each role reads them: what each may see, the latest run's figures, steady queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledgeflow.training.models import Cohort, Course, PackageReadiness, TrainingAssignment, TrainingSession

pytestmark = pytest.mark.django_db

PAGES = ["/training/", "/training/courses/", "/training/sessions/", "/training/cohorts/"]


def _codes(client: Any, url: str, **filters: str) -> set[str]:
    """The first column of every row of the page's CSV export (every page of the filtered table)."""
    response = client.get(url, {"export": "csv", **filters})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}


@pytest.mark.parametrize("username", ["training", "coordinator", "viewer", "liaison-deu", "recipient-ukr"])
def test_every_role_reads_the_training_pages_and_finds_them_in_the_navigation(
    page_as: Any, username: str
) -> None:
    client = page_as(username)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'href="/training/"' in response.content
    # Before any plan run the pages say where the figures will come from.
    assert "No plan run has succeeded yet" in client.get("/training/").content.decode()


def test_the_training_coordinator_sees_every_course_and_session(page_as: Any) -> None:
    client = page_as("training")

    assert _codes(client, "/training/courses/") == set(Course.objects.values_list("code", flat=True))
    assert _codes(client, "/training/sessions/") == set(
        TrainingSession.objects.values_list("code", flat=True)
    )
    assert _codes(client, "/training/cohorts/") == set(Cohort.objects.values_list("code", flat=True))


def test_a_viewer_sees_only_clear_and_green_courses_and_sessions(page_as: Any) -> None:
    client = page_as("viewer")

    courses = _codes(client, "/training/courses/")
    expected = set(Course.objects.filter(sharing_label__in=["CLEAR", "GREEN"]).values_list("code", flat=True))
    assert courses == expected and len(expected) < Course.objects.count()
    page = client.get("/training/courses/").content.decode()
    assert "DEU-PATRIOT-MAINT" not in page and "NLD-PATRIOT-FC" not in page
    sessions = _codes(client, "/training/sessions/")
    assert sessions and all(code.rsplit("-", 1)[0] in expected for code in sessions), (
        "a session of a course the viewer may not see leaked"
    )


def test_a_donor_liaison_sees_its_own_courses_and_those_released_to_it(page_as: Any) -> None:
    seen = _codes(page_as("liaison-pol"), "/training/courses/")

    own = set(Course.objects.filter(host="POL").values_list("code", flat=True))
    assert own <= seen
    assert "DEU-LEO2-CMDR" in seen  # AMBER, releasable to Poland
    assert "USA-PATRIOT-CREW" not in seen  # AMBER, released to Ukraine only
    assert "DEU-PATRIOT-MAINT" not in seen and "NLD-PATRIOT-FC" not in seen  # RED, AMBER+STRICT
    german = _codes(page_as("liaison-deu"), "/training/courses/")
    assert "DEU-PATRIOT-MAINT" in german and "DEU-LEO2-CMDR" in german and "POL-LEO2-DRIVER" in german


def test_filters_narrow_the_course_list_after_the_visibility_rule(page_as: Any) -> None:
    seen = _codes(page_as("viewer"), "/training/courses/", language="fr")

    visible_french = Course.objects.filter(language="fr", sharing_label__in=["CLEAR", "GREEN"])
    assert seen == set(visible_french.values_list("code", flat=True)) == {"FRA-ARTY-BASIC"}


def test_after_a_run_the_coordinator_sees_readiness_assignments_and_seats(page_as: Any, planned: Any) -> None:
    client = page_as("training")

    packages = client.get("/training/").content.decode()
    assert f"plan run {planned.number}" in packages
    assert (
        packages.count('data-testid="readiness-row"') == PackageReadiness.objects.filter(run=planned).count()
    )
    for readiness in PackageReadiness.objects.filter(run=planned).select_related("package"):
        assert readiness.package.code in packages
        if readiness.readiness is None:
            assert "never" in packages
    cohorts = client.get("/training/cohorts/", {"size": 200}).content.decode()
    first = TrainingAssignment.objects.filter(run=planned).select_related("session").first()
    assert first is not None and first.session.code in cohorts
    sessions = client.get("/training/sessions/", {"export": "csv"})
    text = b"".join(sessions.streaming_content if sessions.streaming else [sessions.content]).decode(
        "utf-8-sig"
    )
    rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
    header = rows.pop("Session")
    taken, left = header.index("Seats taken"), header.index("Seats left")
    row = rows[first.session.code]
    assert int(row[taken]) >= first.cohort.size
    assert int(row[left]) == first.session.course.seats - int(row[taken])


def test_alerts_of_the_run_are_shown_to_training_coordinators_only(page_as: Any, planned: Any) -> None:
    alerts = (planned.plan or {}).get("alerts") or []
    assert alerts, "the demo's first run should raise alerts (unassigned cohorts at least)"

    assert 'data-testid="training-alerts"' in page_as("training").get("/training/").content.decode()
    assert 'data-testid="training-alerts"' not in page_as("viewer").get("/training/").content.decode()


#: A filter leaving one row or a few on each page.
NARROW = {
    "/training/": {"search": "PKG-PATRIOT-1"},
    "/training/courses/": {"search": "DEU-PATRIOT-CREW-UK"},
    "/training/sessions/": {"skill": "leopard-2-commander"},
    "/training/cohorts/": {"search": "CRW-PATRIOT-1-FC"},
}


@pytest.mark.parametrize("url", PAGES)
def test_a_list_page_costs_the_same_queries_whatever_its_length(page_as: Any, planned: Any, url: str) -> None:
    client = page_as("liaison-deu")
    client.get(url)  # warm the session and caches

    with CaptureQueriesContext(connection) as long:
        long_page = client.get(url, {"size": 200})
    with CaptureQueriesContext(connection) as short:
        short_page = client.get(url, {"size": 200, **NARROW[url]})

    assert long_page.status_code == short_page.status_code == 200
    assert long_page.content.count(b"<tr>") > short_page.content.count(b"<tr>") > 1
    assert len(long) == len(short)


def _cohort_form(**changes: Any) -> dict[str, Any]:
    form = {
        "code": "CRW-PATRIOT-3-OPS",
        "name": "Third Patriot battery crews",
        "skill": "patriot-crew",
        "size": "20",
        "language": "uk",
        "ready_by": "2027-09-01",
        "priority": "1",
        "held": ["ad-basic"],
        "package": "PKG-PATRIOT-2",
    }
    form.update(changes)
    return form


def test_a_training_coordinator_adds_a_cohort_and_a_refusal_appears_beside_its_field(page_as: Any) -> None:
    from pledgeflow.requirements.models import Requirement

    client = page_as("training")
    assert b'data-testid="new-cohort"' in client.get("/training/cohorts/").content
    taken = Requirement.objects.order_by("reference").values_list("reference", flat=True).first()

    refused = client.post("/training/cohorts/new/", _cohort_form(code=taken))

    assert refused.status_code == 422
    page = refused.content.decode()
    field = page[page.index('data-field="code"') :][:1500]
    assert "field-error" in field and str(taken) in field
    assert 'value="Third Patriot battery crews"' in page and 'value="2027-09-01"' in page  # input kept
    assert not Cohort.objects.filter(code=taken).exists()

    saved = client.post("/training/cohorts/new/", _cohort_form())

    assert saved.status_code == 302
    cohort = Cohort.objects.get(code="CRW-PATRIOT-3-OPS")
    assert cohort.size == 20 and cohort.package is not None and cohort.package.code == "PKG-PATRIOT-2"
    assert [s.code for s in cohort.held.all()] == ["ad-basic"] and cohort.nation_id == "UKR"


def test_a_form_error_is_shown_beside_the_size(page_as: Any) -> None:
    response = page_as("recipient-ukr").post("/training/cohorts/new/", _cohort_form(size="0"))

    assert response.status_code == 422
    page = response.content.decode()
    assert "field-error" in page[page.index('data-field="size"') :][:1200]
    assert not Cohort.objects.filter(code="CRW-PATRIOT-3-OPS").exists()


@pytest.mark.parametrize("username", ["viewer", "liaison-deu"])
def test_readers_get_no_cohort_form(page_as: Any, username: str) -> None:
    client = page_as(username)

    assert b'data-testid="new-cohort"' not in client.get("/training/cohorts/").content
    assert client.get("/training/cohorts/new/").status_code == 403
    assert client.post("/training/cohorts/new/", _cohort_form()).status_code == 403
    assert not Cohort.objects.filter(code="CRW-PATRIOT-3-OPS").exists()


def _session_rows(client: Any) -> dict[str, dict[str, str]]:
    response = client.get("/training/sessions/", {"export": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["Session"]: row for row in rows}


def test_seats_a_host_accepted_count_once_in_the_seats_taken(page_as: Any, planned: Any) -> None:
    from pledgeflow.accounts.models import User
    from pledgeflow.planning.services import publish_run
    from pledgeflow.training.models import TrainingProposal
    from pledgeflow.training.services import accept_training_proposal

    client = page_as("training")
    before = _session_rows(client)
    publish_run(User.objects.get(username="coordinator"), planned.pk)
    proposal = TrainingProposal.objects.select_related("session").order_by("pk").first()
    assert proposal is not None
    accept_training_proposal(User.objects.get(username="training"), proposal.pk)

    after = _session_rows(client)[proposal.session.code]

    assert int(after["Seats accepted"]) == proposal.seats
    assert after["Seats taken"] == before[proposal.session.code]["Seats taken"]
    assert int(after["Seats left"]) == proposal.session.course.seats - int(after["Seats taken"])


@pytest.mark.parametrize(
    ("language", "word"), [("fr", "Ensembles capacitaires"), ("uk", "Пакети спроможностей")]
)
def test_the_training_pages_speak_french_and_ukrainian(
    page_as: Any, planned: Any, language: str, word: str
) -> None:
    from pledgeflow.accounts.models import User

    User.objects.filter(username="training").update(language=language)
    client = page_as("training")
    client.cookies["django_language"] = language

    for url in [*PAGES, "/training/cohorts/new/", "/training/packages/PKG-PATRIOT-1/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert word in client.get("/training/").content.decode()


def test_a_package_page_names_its_equipment_crews_and_readiness_in_each_run(
    page_as: Any, planned: Any
) -> None:
    from pledgeflow.requirements.models import Requirement

    client = page_as("viewer")
    assert b'href="/training/packages/PKG-CAESAR-BTY/"' in client.get("/training/").content

    page = client.get("/training/packages/PKG-CAESAR-BTY/").content.decode()

    for reference in Requirement.objects.filter(
        package_code="PKG-CAESAR-BTY", list_version__number=1
    ).values_list("reference", flat=True):
        assert reference in page
    for code in Cohort.objects.filter(package__code="PKG-CAESAR-BTY").values_list("code", flat=True):
        assert code in page
    readiness = PackageReadiness.objects.get(run=planned, package__code="PKG-CAESAR-BTY")
    assert f"Run {planned.number}" in page and readiness.bottleneck in page
    assert client.get("/training/packages/PKG-NO-SUCH/").status_code == 404
