"""Training and capability packages in scenario documents: what the export writes, what the import checks and
writes (:mod:`pledgeflow.interchange.exporter`, :mod:`pledgeflow.interchange.importer`).

**Export.** When the record holds any training, the five lists are written: every skill; the capability
packages that are active or named by an exported cohort or requirement; the courses the viewer may see that
are active or named by an exported session; the sessions the viewer may see except cancelled ones; the cohorts
except cancelled ones. A requirement names its ``package`` when its ``package_code`` is an exported package.

**Import.** Skills and packages are reference data: *upserted* by code (a skill's prerequisites, a package's
name, priority and need-by are updated when the document differs). Courses, sessions and cohorts are offers
and needs with their own use cases: *created, never overwritten* (equal content is left unchanged, different
content is refused naming each difference). Hosts must be nations the database knows; languages ISO 639-1
codes; a cohort's id must not be a requirement's reference. New courses and sessions are labelled AMBER with
nobody on the releasable-to list (a scenario carries no labels, and an import never makes data more visible
than its originator might want); new cohorts and packages belong to the recipient nation; new cohorts start
planned.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError

from pledgeflow.core.services import snapshot
from pledgeflow.engine.errors import ScenarioError, ValidationIssue
from pledgeflow.interchange.paths import entry, join

if TYPE_CHECKING:
    from pledgeflow.engine import model as engine
    from pledgeflow.interchange.importer import _Plan

#: The kinds of training record an import reports on, in the order they are written.
TRAINING_KINDS = ("skills", "packages", "courses", "sessions", "cohorts")


# --- export -------------------------------------------------------------------------------------------------


def export_training(viewer: Any, requirement_package_codes: set[str]) -> dict[str, Any]:
    """The training lists of an export as engine objects (see the module documentation).

    ``requirement_package_codes`` are the package codes the exported requirements name. Answers a dict with
    ``skills``, ``courses``, ``sessions``, ``cohorts``, ``packages`` (tuples of engine objects, sorted by id)
    and ``package_codes`` (the exported packages' codes).
    """
    from pledgeflow.engine import model as engine
    from pledgeflow.training.choices import CohortStatus, SessionStatus
    from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession
    from pledgeflow.training.runs import engine_cohort, engine_course, engine_package, engine_skill
    from pledgeflow.training.selectors import course_visibility_q, session_visibility_q

    skills = list(Skill.objects.prefetch_related("prerequisites"))
    sessions_q = TrainingSession.objects.exclude(status=SessionStatus.CANCELLED)
    cohorts_q = Cohort.objects.exclude(status=CohortStatus.CANCELLED)
    courses_q = Course.objects.all()
    if viewer is not None:
        sessions_q = sessions_q.filter(session_visibility_q(viewer))
        courses_q = courses_q.filter(course_visibility_q(viewer))
    sessions = list(sessions_q.select_related("course"))
    named_courses = {s.course_id for s in sessions}
    courses = [c for c in courses_q.select_related("skill") if c.active or c.pk in named_courses]
    cohorts = list(cohorts_q.select_related("skill", "package").prefetch_related("held"))
    named_packages = {c.package.code for c in cohorts if c.package_id} | requirement_package_codes
    packages = [p for p in CapabilityPackage.objects.all() if p.active or p.code in named_packages]
    package_codes = {p.code for p in packages}

    def by_id(rows: list[Any]) -> tuple[Any, ...]:
        return tuple(sorted(rows, key=lambda x: x.id))

    return {
        "skills": by_id([engine_skill(s, [p.code for p in s.prerequisites.all()]) for s in skills]),
        "courses": by_id([engine_course(c) for c in courses]),
        "sessions": by_id([engine.Session(id=s.code, course=s.course.code, start=s.start) for s in sessions]),
        "cohorts": by_id(
            [
                engine_cohort(
                    c,
                    [h.code for h in c.held.all()],
                    c.package.code if c.package_id and c.package.code in package_codes else None,
                )
                for c in cohorts
            ]
        ),
        "packages": by_id([engine_package(p) for p in packages]),
        "package_codes": package_codes,
    }


def has_training(lists: dict[str, Any]) -> bool:
    """Whether an export's training lists hold anything (only then are they written)."""
    return any(lists[key] for key in ("skills", "courses", "sessions", "cohorts", "packages"))


def engine_lists(lists: dict[str, Any]) -> dict[str, tuple[engine.Skill | Any, ...]]:
    """The five lists for the engine's Scenario."""
    return {key: lists[key] for key in ("skills", "courses", "sessions", "cohorts", "packages")}


# --- import -------------------------------------------------------------------------------------------------


def _text(e: dict[str, Any], key: str) -> str | None:
    value = e.get(key)
    return value if isinstance(value, str) and value else None


def _date(value: Any) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _show(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def _differences(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return [
        f"{key} {_show(current.get(key))} in the database, {_show(value)} here"
        for key, value in wanted.items()
        if current.get(key) != value
    ]


def _money(value: Any) -> Decimal | None:
    """A JSON amount as a decimal, exactly as written (``18500`` and ``18500.0`` are the same amount)."""
    return Decimal(str(value)) if type(value) in (int, float) else None


class TrainingImport:
    """Checks and writes the training lists of a document."""

    def __init__(self, plan: _Plan) -> None:
        from pledgeflow.nations.choices import NationKind
        from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession

        self.plan = plan
        self.skills = {s.code: s for s in Skill.objects.prefetch_related("prerequisites")}
        self.packages = {p.code: p for p in CapabilityPackage.objects.all()}
        self.courses = {c.code: c for c in Course.objects.select_related("skill")}
        self.sessions = {s.code: s for s in TrainingSession.objects.select_related("course")}
        self.cohorts = {
            c.code: c for c in Cohort.objects.select_related("skill", "package").prefetch_related("held")
        }
        recipients = sorted(code for code, n in plan.nations.items() if n.kind == NationKind.RECIPIENT)
        self.recipient = recipients[0] if recipients else None
        self.skill_values: dict[str, tuple[str, list[str]]] = {}
        self.package_values: dict[str, tuple[str, dict[str, Any]]] = {}
        self.new_courses: list[tuple[int, dict[str, Any]]] = []
        self.new_sessions: list[tuple[int, dict[str, Any]]] = []
        self.new_cohorts: list[tuple[int, dict[str, Any]]] = []
        self.unchanged: dict[str, int] = dict.fromkeys(TRAINING_KINDS, 0)

    # -- checks --

    def _code(self, model: type[Any], base: str, code: str | None) -> bool:
        """Check that ``code`` is a valid record code for ``model`` (reported at ``base``.id)."""
        if code is None:
            return False
        try:
            model(code=code).clean_fields(exclude=[f.name for f in model._meta.fields if f.name != "code"])
        except DjangoValidationError as exc:
            self.plan.checks.django(base, exc, {"code": "id"})
            return False
        return True

    def _language(self, base: str, e: dict[str, Any]) -> None:
        from pledgeflow.training.choices import ISO_639_1

        language = e.get("language")
        if isinstance(language, str) and language and language not in ISO_639_1:
            self.plan.checks.error(
                join(base, "language"),
                f"language {language!r} is not an ISO 639-1 code the record keeps; use two lowercase letters "
                "such as en, fr, uk, de or pl",
            )

    def check(self, doc: dict[str, Any]) -> None:
        """Check every readable training entry of ``doc`` against the record."""
        from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession

        plan = self.plan
        for i, e in _entries(doc, "skills"):
            base = entry("skills", i)
            code = _text(e, "id")
            if self._code(Skill, base, code) and isinstance(e.get("prerequisites"), list):
                assert code is not None
                prerequisites = sorted({p for p in e["prerequisites"] if isinstance(p, str)})
                self.skill_values[code] = (base, prerequisites)
        for i, e in _entries(doc, "packages"):
            base = entry("packages", i)
            code = _text(e, "id")
            if not self._code(CapabilityPackage, base, code):
                continue
            assert code is not None
            values = {
                "name": e.get("name") if isinstance(e.get("name"), str) else None,
                "priority": _int(e.get("priority")),
                "need_by": _date(e.get("need_by")),
            }
            if code not in self.packages and self.recipient is None:
                plan.checks.error(base, "the database has no recipient nation to own this package")
            self.package_values[code] = (base, values)
        for i, e in _entries(doc, "courses"):
            base = entry("courses", i)
            if "host" in e:
                plan.nation(e.get("host"), join(base, "host"), "host")
            self._language(base, e)
            code = _text(e, "id")
            if not self._code(Course, base, code):
                continue
            assert code is not None
            wanted = {
                "skill": _text(e, "skill"),
                "host": _text(e, "host"),
                "language": _text(e, "language"),
                "duration_days": _int(e.get("duration_days")),
                "seats": _int(e.get("seats")),
                "cost_per_seat_eur": _money(e.get("cost_per_seat_eur")),
            }
            existing = self.courses.get(code)
            if existing is not None:
                self._same("course", base, code, self.course_content(existing), wanted, "courses")
                continue
            self._claims(base, code, wanted["host"], "course")
            probe = Course(
                code=code,
                name=code,
                language=wanted["language"] or "en",
                duration_days=wanted["duration_days"] or 1,
                seats=wanted["seats"] or 1,
                cost_per_seat_eur=wanted["cost_per_seat_eur"],
            )
            try:
                probe.clean_fields(exclude=["skill", "host", "code", "language", "releasable_to"])
            except DjangoValidationError as exc:
                keys = {k: k for k in ("duration_days", "seats", "cost_per_seat_eur")}
                plan.checks.django(base, exc, keys)
            self.new_courses.append((i, e))
        hosts = {code: c.host_id for code, c in self.courses.items()}
        hosts.update(
            {e["id"]: e["host"] for _i, e in _entries(doc, "courses") if _text(e, "id") and _text(e, "host")}
        )
        for i, e in _entries(doc, "sessions"):
            base = entry("sessions", i)
            code = _text(e, "id")
            if not self._code(TrainingSession, base, code):
                continue
            assert code is not None
            wanted = {"course": _text(e, "course"), "start": _date(e.get("start"))}
            existing = self.sessions.get(code)
            if existing is not None:
                current = {"course": existing.course.code, "start": existing.start}
                self._same("session", base, code, current, wanted, "sessions")
                continue
            self._claims(base, code, hosts.get(wanted["course"] or ""), "session")
            self.new_sessions.append((i, e))
        for i, e in _entries(doc, "cohorts"):
            base = entry("cohorts", i)
            self._language(base, e)
            code = _text(e, "id")
            if not self._code(Cohort, base, code):
                continue
            assert code is not None
            held = e.get("held")
            wanted = {
                "skill": _text(e, "skill"),
                "size": _int(e.get("size")),
                "language": _text(e, "language"),
                "ready_by": _date(e.get("ready_by")),
                "priority": _int(e.get("priority")),
                "held": tuple(sorted(h for h in held if isinstance(h, str)))
                if isinstance(held, list)
                else (),
                "package": _text(e, "package"),
            }
            existing = self.cohorts.get(code)
            if existing is not None:
                self._same("cohort", base, code, self.cohort_content(existing), wanted, "cohorts")
                continue
            from pledgeflow.requirements.models import Requirement

            if Requirement.objects.filter(reference=code).exists():
                plan.checks.error(
                    join(base, "id"),
                    f"{code!r} is already a requirement's reference in the database; a cohort's id must "
                    "differ from every requirement's",
                )
            if self.recipient is None:
                plan.checks.error(base, "the database has no recipient nation to own this cohort")
            self.new_cohorts.append((i, e))

    def _claims(self, base: str, code: str, host: str | None, what: str) -> None:
        """A new course's or session's code that claims a nation (``DEU-...``) must be its host's."""
        from pledgeflow.training.services import check_host_code

        if host is None or host not in self.plan.nations:
            return  # an unknown host is reported where it is named
        try:
            check_host_code(code, host, what, nations=self.plan.nations)
        except DjangoValidationError as exc:
            self.plan.checks.django(base, exc, {"code": "id"})

    def _same(
        self, what: str, base: str, code: str, current: dict[str, Any], wanted: dict[str, Any], kind: str
    ) -> None:
        diffs = _differences(current, wanted)
        if diffs:
            self.plan.checks.error(
                join(base, "id"),
                f"{what} {code!r} already exists with different content ({'; '.join(diffs)}); an import "
                f"never overwrites a {what}: change it through the training records (web or API), or give it "
                "a new id",
            )
        else:
            self.unchanged[kind] += 1

    @staticmethod
    def course_content(c: Any) -> dict[str, Any]:
        """What a course offers, as the scenario says it."""
        return {
            "skill": c.skill.code,
            "host": c.host_id,
            "language": c.language,
            "duration_days": c.duration_days,
            "seats": c.seats,
            "cost_per_seat_eur": c.cost_per_seat_eur,
        }

    @staticmethod
    def cohort_content(c: Any) -> dict[str, Any]:
        """What a cohort needs, as the scenario says it."""
        return {
            "skill": c.skill.code,
            "size": c.size,
            "language": c.language,
            "ready_by": c.ready_by,
            "priority": c.priority,
            "held": tuple(sorted(h.code for h in c.held.all())),
            "package": c.package.code if c.package_id else None,
        }

    # -- writes --

    def write(self) -> None:
        """Write the checked training records, with history, in the import's transaction."""
        from pledgeflow.training.models import CapabilityPackage, Skill

        plan = self.plan
        result = plan.result
        # Skills first without their links, then the links, so a skill may require one defined after it; the
        # history of a new skill is written once its links are there.
        new_skills = [
            (base, Skill(code=code, name=code, created_at=plan.now, updated_at=plan.now))
            for code, (base, _prerequisites) in self.skill_values.items()
            if code not in self.skills
        ]
        issues = []
        for base, skill in new_skills:
            try:
                skill.clean_fields()
            except DjangoValidationError as exc:
                issues.extend(ValidationIssue(base, str(m)) for ms in exc.message_dict.values() for m in ms)
        if issues:
            raise ScenarioError(issues)
        Skill.objects.bulk_create([skill for _base, skill in new_skills], batch_size=500)
        created = {skill.code for _base, skill in new_skills}
        for _base, skill in new_skills:
            self.skills[skill.code] = Skill.objects.get(code=skill.code) if skill.pk is None else skill
        through = Skill.prerequisites.through
        changed = []
        for code, (_base, prerequisites) in self.skill_values.items():
            skill = self.skills[code]
            current = [] if code in created else sorted(p.code for p in skill.prerequisites.all())
            if current == prerequisites:
                if code not in created:
                    result.count("skills", "unchanged")
                continue
            before = None if code in created else snapshot(skill)
            through.objects.filter(from_skill_id=skill.pk).delete()
            through.objects.bulk_create(
                [through(from_skill_id=skill.pk, to_skill_id=self.skills[p].pk) for p in prerequisites]
            )
            if code not in created:
                skill.version += 1
                skill.updated_at = plan.now
                skill.save(update_fields=["version", "updated_at"])
                changed.append((skill, before))
        for code in sorted(created):
            plan.record(self.skills[code], "create", None)
        for skill, before in changed:
            plan.record(skill, "update", before)
        result.count("skills", "created", len(created))
        result.count("skills", "updated", len(changed))
        new_packages = []
        for code, (base, values) in self.package_values.items():
            existing = self.packages.get(code)
            fields = {k: v for k, v in values.items() if v is not None}
            if existing is None:
                package = CapabilityPackage(
                    code=code, nation=plan.nations[self.recipient or ""], **{"name": code, **fields}
                )
                new_packages.append((base, package))
                self.packages[code] = package
            else:
                plan.upsert(existing, fields, "packages")
        plan.create_many("packages", new_packages)

    def write_offers(self) -> None:
        """Create new courses, sessions and cohorts (after requirements and pledges)."""
        from pledgeflow.core.choices import SharingLabel
        from pledgeflow.training.models import Cohort, Course, TrainingSession

        plan = self.plan
        new_courses = []
        for i, e in self.new_courses:
            course = Course(
                code=e["id"],
                name=e["id"],
                skill=self.skills[e["skill"]],
                host=plan.nations[e["host"]],
                language=e["language"],
                duration_days=e["duration_days"],
                seats=e["seats"],
                cost_per_seat_eur=_money(e.get("cost_per_seat_eur")),
                sharing_label=SharingLabel.AMBER,
            )
            new_courses.append((entry("courses", i), course))
            self.courses[course.code] = course
        plan.create_many("courses", new_courses)
        new_sessions = []
        for i, e in self.new_sessions:
            session = TrainingSession(
                code=e["id"],
                course=self.courses[e["course"]],
                start=date.fromisoformat(e["start"]),
                sharing_label=SharingLabel.AMBER,
            )
            new_sessions.append((entry("sessions", i), session))
        plan.create_many("sessions", new_sessions)
        new_cohorts = []
        held = []
        for i, e in self.new_cohorts:
            cohort = Cohort(
                code=e["id"],
                nation=plan.nations[self.recipient or ""],
                skill=self.skills[e["skill"]],
                size=e["size"],
                language=e["language"],
                ready_by=date.fromisoformat(e["ready_by"]),
                priority=e["priority"],
                package=self.packages[e["package"]] if "package" in e else None,
            )
            new_cohorts.append((entry("cohorts", i), cohort))
            held.append([self.skills[code] for code in e.get("held", [])])
        plan.create_many("cohorts", new_cohorts, m2m={"held": held})
        for kind in ("courses", "sessions", "cohorts"):
            plan.result.count(kind, "unchanged", self.unchanged[kind])


def _entries(doc: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, list):
        return []
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)]
