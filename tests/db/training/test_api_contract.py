"""Skills, courses, sessions, cohorts and packages through the API: the contract every resource keeps."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models

from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession
from tests.db.api.contract import ResourceContract
from tests.db.training import conftest as t

pytestmark = pytest.mark.django_db


class TestSkills(ResourceContract):
    path = "/training/skills"
    model = Skill
    conditional_get = True
    writer = "training_coordinator"
    refused_writers = ("viewer", "liaison_deu", "recipient_officer")
    readers = ("viewer", "liaison_deu", "coordinator")
    change: ClassVar[dict[str, Any]] = {"name": "Air-defence basics (revised)"}
    invalid_change: ClassVar[dict[str, Any]] = {"code": "has spaces"}
    invalid_field = "code"
    invalid_update: ClassVar[dict[str, Any]] = {"name": "", "prerequisites": ["no-such-skill"]}
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return t.skill("ad-basic")

    def create_body(self) -> dict[str, Any]:
        return {"code": "ad-operator", "name": "Air-defence operator", "prerequisites": []}


class TestCourses(ResourceContract):
    path = "/training/courses"
    model = Course
    conditional_get = True
    writer = "liaison_deu"
    refused_writers = ("viewer", "liaison_fra", "recipient_officer")
    readers = ("viewer", "liaison_fra", "recipient_officer", "coordinator", "training_coordinator")
    change: ClassVar[dict[str, Any]] = {"seats": 16, "note": "Two more instructors."}
    invalid_change: ClassVar[dict[str, Any]] = {"seats": 0}
    invalid_field = "seats"
    invalid_update: ClassVar[dict[str, Any]] = {"seats": 0, "language": "xx", "duration_days": 0}
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return t.course("DEU-AD-BASIC", t.skill("ad-basic"), "DEU")

    def create_body(self) -> dict[str, Any]:
        t.skill("ad-basic")
        return {
            "code": "DEU-AD-OPS",
            "name": "Air-defence operations",
            "skill": "ad-basic",
            "host": "DEU",
            "language": "uk",
            "duration_days": 21,
            "seats": 24,
            "cost_per_seat_eur": "12500.00",
            "sharing_label": "AMBER",
            "releasable_to": ["UKR", "POL"],
        }


class TestSessions(ResourceContract):
    path = "/training/sessions"
    model = TrainingSession
    conditional_get = True
    writer = "liaison_deu"
    refused_writers = ("viewer", "liaison_fra", "recipient_officer")
    readers = ("viewer", "liaison_fra", "coordinator")
    change: ClassVar[dict[str, Any]] = {"start": "2027-02-08"}
    invalid_change: ClassVar[dict[str, Any]] = {"start": "not a date"}
    invalid_field = "start"
    invalid_update: ClassVar[dict[str, Any]] = {"start": "2027-13-01", "sharing_label": "PURPLE"}
    cancel_action = "cancel"
    cancel_body: ClassVar[dict[str, Any]] = {"note": "Instructors deployed."}
    cancelled: ClassVar[dict[str, Any]] = {"status": "cancelled"}

    def make(self) -> models.Model:
        import datetime as dt

        return t.session(
            "DEU-AD-BASIC-01", t.course("DEU-AD-BASIC", t.skill("ad-basic")), dt.date(2027, 2, 1)
        )

    def create_body(self) -> dict[str, Any]:
        t.course("DEU-AD-BASIC", t.skill("ad-basic"))
        return {"code": "DEU-AD-BASIC-02", "course": "DEU-AD-BASIC", "start": "2027-03-01"}


class TestCohorts(ResourceContract):
    path = "/training/cohorts"
    model = Cohort
    conditional_get = True
    writer = "recipient_officer"
    refused_writers = ("viewer", "liaison_deu")
    readers = ("viewer", "liaison_deu", "coordinator")
    change: ClassVar[dict[str, Any]] = {"size": 12}
    invalid_change: ClassVar[dict[str, Any]] = {"language": "ukrainian"}
    invalid_field = "language"
    invalid_update: ClassVar[dict[str, Any]] = {"size": 0, "priority": 9, "skill": "no-such-skill"}
    cancel_action = "cancel"
    cancel_body: ClassVar[dict[str, Any]] = {"note": "Battery re-roled."}
    cancelled: ClassVar[dict[str, Any]] = {"status": "cancelled", "next_statuses": []}

    def make(self) -> models.Model:
        return t.cohort("UKR-CREW-1", t.skill("ad-basic"))

    def create_body(self) -> dict[str, Any]:
        t.skill("ad-basic")
        t.skill("patriot-crew", Skill.objects.get(code="ad-basic"))
        return {
            "code": "UKR-CREW-9",
            "skill": "patriot-crew",
            "size": 10,
            "language": "uk",
            "ready_by": "2027-05-01",
            "priority": 1,
            "held": ["ad-basic"],
        }


class TestPackages(ResourceContract):
    path = "/training/packages"
    model = CapabilityPackage
    conditional_get = True
    writer = "recipient_officer"
    refused_writers = ("viewer", "liaison_deu")
    readers = ("viewer", "liaison_deu", "coordinator")
    change: ClassVar[dict[str, Any]] = {"need_by": "2027-07-01"}
    invalid_change: ClassVar[dict[str, Any]] = {"priority": 7}
    invalid_field = "priority"
    invalid_update: ClassVar[dict[str, Any]] = {"name": "", "priority": 0}
    cancel_action = "retire"
    cancelled: ClassVar[dict[str, Any]] = {"active": False}

    def make(self) -> models.Model:
        return t.package()

    def create_body(self) -> dict[str, Any]:
        return {"code": "PATRIOT-BTY-2", "name": "Patriot battery 2", "need_by": "2027-06-01", "priority": 1}
