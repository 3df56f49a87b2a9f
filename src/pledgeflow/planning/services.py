"""Use cases of the planning context: start and execute plan runs, lock, publish, accept and decline.

Each use case checks permissions first (:mod:`pledgeflow.accounts.permissions`), runs in one transaction and
writes its history in it. The API, the command line and the background task call only these functions.

A run's life: :func:`start_plan_run` stores a *queued* run and enqueues :func:`pledgeflow.planning.tasks.
plan_run` in the same transaction (the run and its task row commit together); the worker calls
:func:`execute_plan_run`, which marks it *running*, builds the snapshot, plans it while writing progress,
and then either stores plan and allocations and marks it *succeeded* in one transaction, or marks it *failed*
with the error and no allocations.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from pledgeflow.accounts.permissions import can_respond_to_proposal, can_run_planner, require
from pledgeflow.core.choices import ChangeAction
from pledgeflow.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import entity_label, record_change
from pledgeflow.engine.errors import ScenarioError
from pledgeflow.engine.plan import Planners, make_plan
from pledgeflow.engine.scenario import dump_json, load_scenario
from pledgeflow.planning.choices import PROPOSAL_TRANSITIONS, PlanRunStatus, ProposalStatus
from pledgeflow.planning.models import AllocationLock, PlanAllocation, PlanRun, Proposal
from pledgeflow.planning.snapshot import PLANNABLE_STATUSES, Snapshot, build_snapshot, describe_issue
from pledgeflow.requirements.choices import RequirementStatus

__all__ = [
    "accept_proposal",
    "decline_proposal",
    "execute_plan_run",
    "lock_allocation",
    "publish_run",
    "start_plan_run",
    "unlock_allocation",
]

logger = logging.getLogger(__name__)

#: Progress is written at most this often (seconds) unless it jumps by at least PROGRESS_STEP points.
PROGRESS_INTERVAL = 0.5
PROGRESS_STEP = 10


# ------------------------------------------------------------------------------------------------ history


def _run_state(run: PlanRun) -> dict[str, Any]:
    return {
        "number": run.number,
        "status": run.status,
        "progress": run.progress,
        "objective": run.objective,
        "published": run.published,
        "error": run.error[:500] if run.error else "",
    }


def _proposal_state(proposal: Proposal) -> dict[str, Any]:
    return {
        "run": proposal.run_id,
        "pledge": proposal.pledge_id,
        "requirement": proposal.requirement_id,
        "quantity": proposal.quantity,
        "status": proposal.status,
        "reason": proposal.reason,
        "version": proposal.version,
    }


def _lock_state(lock: AllocationLock) -> dict[str, Any]:
    return {
        "pledge": lock.pledge_id,
        "requirement": lock.requirement_id,
        "quantity": lock.quantity,
        "active": lock.active,
        "source_run": lock.source_run_id,
        "release_reason": lock.release_reason,
    }


def _bulk_history(actor: Any, rows: Iterable[tuple[Any, str, dict[str, Any] | None, dict[str, Any]]]) -> None:
    """Write many history entries at once (publishing a run touches every allocation)."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    now = timezone.now()
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                entity=entity_label(instance),
                object_id=str(instance.pk),
                action=action,
                actor_id=actor_id,
                at=now,
                before=before,
                after=after,
            )
            for instance, action, before, after in rows
        ],
        batch_size=500,
    )


# ------------------------------------------------------------------------------------------------ runs


def start_plan_run(actor: Any) -> PlanRun:
    """Queue a plan run over the current record and enqueue its task; answer the queued run (coordinators).

    The run and its task row are written in one transaction, so a worker never sees a task without its run
    and a run is never left queued without a task.
    """
    require(can_run_planner(actor), "Only coordinators start plan runs.")
    from pledgeflow.planning.tasks import plan_run

    for attempt in range(3):
        try:
            with transaction.atomic():
                number = (PlanRun.objects.aggregate(top=Max("number"))["top"] or 0) + 1
                run = PlanRun.objects.create(number=number, created_by=actor, progress_message="queued")
                record_change(actor, run, ChangeAction.CREATE, None, _run_state(run))
                result = plan_run.enqueue(run.pk)
                # The immediate backend (tests) has already run the task: do not overwrite what it wrote.
                PlanRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        except IntegrityError:
            # Two coordinators took the same number at once; the loser takes the next one.
            if attempt == 2:
                raise
            continue
        run.refresh_from_db()
        return run
    raise AssertionError("unreachable")  # pragma: no cover


class _ProgressWriter:
    """Writes a run's progress while it plans, throttled so a fast solver does not hammer the database.

    The share ``low``..``high`` of the whole bar is given to the phase that reports; the last report
    (100) is always written by the final status change.
    """

    def __init__(self, run_id: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.run_id = run_id
        self.clock = clock
        self.last_written = -1.0e9
        self.last_percent = -1
        self.low, self.high = 0, 100

    def span(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, fraction: float, message: str) -> None:
        percent = int(self.low + (self.high - self.low) * min(max(fraction, 0.0), 1.0))
        now = self.clock()
        if percent == self.last_percent:
            return
        if now - self.last_written < PROGRESS_INTERVAL and percent - self.last_percent < PROGRESS_STEP:
            return
        PlanRun.objects.filter(pk=self.run_id).update(progress=percent, progress_message=message[:200])
        self.last_written, self.last_percent = now, percent


def execute_plan_run(
    run_id: int,
    *,
    planners: Planners | None = None,
    start: date | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> PlanRun:
    """Plan a queued run: snapshot, plan with progress, store (the task's body; also callable directly).

    A run that is not queued (already taken by another worker, or finished) is answered as it is. Every
    failure is captured on the run (status failed, the error, no allocations) instead of being raised, so the
    worker stays up and the coordinator sees why. ``planners`` replaces the engine (tests), ``start`` the
    first day of the plan.
    """
    claimed = PlanRun.objects.filter(pk=run_id, status=PlanRunStatus.QUEUED).update(
        status=PlanRunStatus.RUNNING,
        started_at=timezone.now(),
        progress=0,
        progress_message="building the snapshot",
    )
    run = PlanRun.objects.get(pk=run_id)
    if not claimed:
        logger.warning("Plan run %s is %s, not queued: nothing to do.", run.number, run.status)
        return run
    record_change(None, run, ChangeAction.TRANSITION, {"status": PlanRunStatus.QUEUED}, _run_state(run))
    progress = _ProgressWriter(run.pk, clock)
    snapshot: Snapshot | None = None
    try:
        snapshot = build_snapshot(start)
        PlanRun.objects.filter(pk=run.pk).update(
            snapshot=snapshot.document, progress=5, progress_message="checking the snapshot"
        )
        try:
            scenario = load_scenario(dump_json(snapshot.document))
        except ScenarioError as exc:
            lines = [describe_issue(snapshot.document, issue) for issue in exc.errors]
            raise _RunFailure(
                f"The snapshot of the record is not a valid scenario ({len(lines)} "
                f"error{'s' if len(lines) != 1 else ''}); correct the records named:\n" + "\n".join(lines)
            ) from exc
        progress.span(5, 95)
        plan = make_plan(scenario, progress=progress, planners=planners)
        PlanRun.objects.filter(pk=run.pk).update(progress=95, progress_message="storing the allocations")
        return _store_success(run.pk, snapshot, plan)
    except Exception as exc:
        logger.exception("Plan run %s failed.", run.number)
        message = str(exc) if isinstance(exc, _RunFailure) else _describe_exception(exc)
        return _store_failure(run.pk, message, snapshot)


class _RunFailure(Exception):
    """A failure whose message is already written for the coordinator."""


def _describe_exception(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _allocation_rows(run: PlanRun, snapshot: Snapshot, plan: dict[str, Any]) -> list[PlanAllocation]:
    rows = []
    for line in plan["allocations"]:
        pair = (line["pledge"], line["requirement"])
        locked = snapshot.locked.get(pair, 0)
        rows.append(
            PlanAllocation(
                run=run,
                pledge_id=snapshot.pledge_pks[line["pledge"]],
                requirement_id=snapshot.requirement_pks[line["requirement"]],
                quantity=line["quantity"],
                arrival=date.fromisoformat(line["arrival"]),
                days_late=line["days_late"],
                locked=locked > 0,
                locked_quantity=locked,
            )
        )
    return rows


def _write_allocations(rows: list[PlanAllocation]) -> None:
    PlanAllocation.objects.bulk_create(rows, batch_size=1000)


def _previous_succeeded(run: PlanRun) -> PlanRun | None:
    return (
        PlanRun.objects.filter(status=PlanRunStatus.SUCCEEDED, number__lt=run.number)
        .order_by("-number")
        .first()
    )


def plan_summary(plan: dict[str, Any]) -> dict[str, Any]:
    """The figures a run shows: units per priority (required, on time, late, unmet) beside the baseline's."""
    return {
        "by_priority": plan["summary"]["by_priority"],
        "baseline_by_priority": plan["baseline"]["summary"]["by_priority"],
        "allocations": len(plan["allocations"]),
        "units_unmet": sum(int(u["quantity"]) for u in plan["unmet"]),
        "units_unallocated": sum(int(u["quantity"]) for u in plan["unallocated"]),
    }


def _store_success(run_id: int, snapshot: Snapshot, plan: dict[str, Any]) -> PlanRun:
    """Plan, allocations and the succeeded status, all in one transaction: all of them or none."""
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run_id)
        before = _run_state(run)
        _write_allocations(_allocation_rows(run, snapshot, plan))
        run.snapshot = snapshot.document
        run.plan = plan
        run.scenario_sha256 = str(plan.get("scenario_sha256", ""))
        run.summary = plan_summary(plan)
        run.objective = int(plan["objective"])
        run.baseline_objective = int(plan["baseline"]["objective"])
        run.notes = snapshot.notes
        run.list_version = snapshot.list_version or ""
        run.previous = _previous_succeeded(run)
        run.status = PlanRunStatus.SUCCEEDED
        run.progress = 100
        run.progress_message = "plan ready"
        run.finished_at = timezone.now()
        run.save()
        from pledgeflow.training.runs import store_run_training

        assignments, readiness = store_run_training(run)
        note = f"{len(plan['allocations'])} allocations stored"
        if assignments or readiness:
            note += f", {assignments} training assignments and {readiness} package readiness rows"
        record_change(
            None,
            run,
            ChangeAction.TRANSITION,
            before,
            _run_state(run),
            note=note,
        )
    return run


def _store_failure(run_id: int, message: str, snapshot: Snapshot | None) -> PlanRun:
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run_id)
        before = _run_state(run)
        run.status = PlanRunStatus.FAILED
        run.error = message
        run.finished_at = timezone.now()
        run.progress_message = "failed"
        if snapshot is not None:
            run.snapshot = snapshot.document
            run.notes = snapshot.notes
            run.list_version = snapshot.list_version or ""
        run.save()
        record_change(None, run, ChangeAction.TRANSITION, before, _run_state(run))
    return run


def _get_run_for_update(run_id: int) -> PlanRun:
    try:
        return PlanRun.objects.select_for_update().get(pk=run_id)
    except PlanRun.DoesNotExist:
        raise NotFound("Plan run", run_id) from None


# ------------------------------------------------------------------------------------------------ locks


def lock_allocation(
    actor: Any, run_id: int, allocation_id: int, quantity: int | None = None
) -> AllocationLock:
    """Lock an allocation: every later run keeps at least ``quantity`` (default: all of it) on its pair.

    An active lock on the same pair is replaced (released, with history) by the new one.
    """
    require(can_run_planner(actor), "Only coordinators lock allocations.")
    with transaction.atomic():
        allocation = _allocation_of(run_id, allocation_id)
        if allocation.run.status != PlanRunStatus.SUCCEEDED:
            raise ValidationError(
                {
                    "run": f"Plan run {allocation.run.number} has not succeeded; lock an allocation "
                    "of a succeeded run."
                }
            )
        quantity = allocation.quantity if quantity is None else quantity
        if not 1 <= quantity <= allocation.quantity:
            raise ValidationError(
                {
                    "quantity": f"A lock on this allocation takes 1 to {allocation.quantity} units; "
                    f"got {quantity}."
                }
            )
        _release_active_lock(
            actor, allocation.pledge_id, allocation.requirement.reference, "replaced by a new lock"
        )
        lock = AllocationLock.objects.create(
            pledge_id=allocation.pledge_id,
            requirement_id=allocation.requirement_id,
            quantity=quantity,
            source_run=allocation.run,
            created_by=actor,
        )
        record_change(actor, lock, ChangeAction.CREATE, None, _lock_state(lock))
    return lock


def unlock_allocation(actor: Any, run_id: int, allocation_id: int, reason: str = "") -> AllocationLock:
    """Release the active lock on an allocation's pair (coordinators); refused when there is none."""
    require(can_run_planner(actor), "Only coordinators unlock allocations.")
    with transaction.atomic():
        allocation = _allocation_of(run_id, allocation_id)
        lock = _release_active_lock(
            actor, allocation.pledge_id, allocation.requirement.reference, reason or "unlocked"
        )
        if lock is None:
            raise ValidationError(
                {
                    "allocation": f"Pledge {allocation.pledge.reference} -> requirement "
                    f"{allocation.requirement.reference} has no active lock to release."
                }
            )
    return lock


def _allocation_of(run_id: int, allocation_id: int) -> PlanAllocation:
    try:
        return PlanAllocation.objects.select_related("run", "pledge", "requirement").get(
            pk=allocation_id, run_id=run_id
        )
    except PlanAllocation.DoesNotExist:
        raise NotFound("Allocation", f"{allocation_id} of plan run {run_id}") from None


def _release_active_lock(
    actor: Any, pledge_id: int, requirement_reference: str, reason: str
) -> AllocationLock | None:
    """Release the active lock of a pledge on a need (matched by the requirement's reference: the same need on
    any list version)."""
    lock = (
        AllocationLock.objects.select_for_update()
        .filter(pledge_id=pledge_id, requirement__reference=requirement_reference, active=True)
        .first()
    )
    if lock is None:
        return None
    before = _lock_state(lock)
    lock.active = False
    lock.released_by = actor if getattr(actor, "pk", None) else None
    lock.released_at = timezone.now()
    lock.release_reason = reason[:300]
    lock.save(update_fields=["active", "released_by", "released_at", "release_reason"])
    record_change(actor, lock, "release", before, _lock_state(lock))
    return lock


# ------------------------------------------------------------------------------------------------ publish


def _accepted_by_pair() -> dict[tuple[int, str], int]:
    """Accepted units per (pledge pk, requirement reference): what earlier proposals already committed."""
    totals: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        Proposal.objects.filter(status=ProposalStatus.ACCEPTED)
        .values("pledge_id", "requirement__reference")
        .annotate(total=Sum("quantity"))
    )
    for row in rows:
        totals[(row["pledge_id"], row["requirement__reference"])] += int(row["total"])
    return totals


def publish_run(actor: Any, run_id: int) -> PlanRun:
    """Publish a succeeded run: each allocation becomes a proposal to the pledge's donor (coordinators).

    The run's training assignments become proposals to the host nations in the same transaction
    (:func:`pledgeflow.training.runs.publish_training_assignments`).

    A proposal asks for the allocation's quantity less what the donor already accepted on the same pair (so
    an accepted, locked allocation is not proposed again). Open proposals of earlier runs are superseded. A
    run is published once, and never after a later run was published.
    """
    require(can_run_planner(actor), "Only coordinators publish plan runs.")
    with transaction.atomic():
        run = _get_run_for_update(run_id)
        if run.status != PlanRunStatus.SUCCEEDED:
            raise InvalidTransition("Plan run", run.number, run.status, "published", [])
        if run.published:
            raise InvalidTransition("Plan run", run.number, "published", "published", [])
        newer = PlanRun.objects.filter(published=True, number__gt=run.number).order_by("-number").first()
        if newer is not None:
            raise ValidationError(
                {
                    "run": f"Plan run {newer.number} is already published; publish a run newer than it, "
                    "not run "
                    f"{run.number}."
                }
            )
        open_proposals = list(
            Proposal.objects.select_for_update().filter(status=ProposalStatus.PROPOSED).exclude(run=run)
        )
        superseded = []
        for proposal in open_proposals:
            before = _proposal_state(proposal)
            proposal.status = ProposalStatus.SUPERSEDED
            proposal.version += 1
            proposal.decided_at = timezone.now()
            proposal.reason = f"superseded by plan run {run.number}"
            superseded.append((proposal, before))
        if superseded:
            Proposal.objects.bulk_update(
                [p for p, _ in superseded], ["status", "version", "decided_at", "reason"], batch_size=500
            )
            _bulk_history(actor, [(p, ChangeAction.TRANSITION, b, _proposal_state(p)) for p, b in superseded])

        accepted = _accepted_by_pair()
        created = []
        stale = 0
        for allocation in run.allocations.select_related("requirement", "pledge").order_by("pk"):
            quantity = allocation.quantity - accepted.get(
                (allocation.pledge_id, allocation.requirement.reference), 0
            )
            if quantity <= 0:
                continue
            if allocation.pledge.status not in PLANNABLE_STATUSES or (
                allocation.requirement.status != RequirementStatus.APPROVED
            ):
                # The record moved on since the run (pledge withdrawn, need cancelled): nothing to propose.
                stale += 1
                continue
            created.append(
                Proposal(
                    run=run,
                    allocation=allocation,
                    pledge_id=allocation.pledge_id,
                    requirement_id=allocation.requirement_id,
                    quantity=quantity,
                )
            )
        Proposal.objects.bulk_create(created, batch_size=1000)
        # bulk_create sets primary keys on PostgreSQL and SQLite; read them back to be sure on any database.
        created = list(run.proposals.all())
        _bulk_history(actor, [(p, ChangeAction.CREATE, None, _proposal_state(p)) for p in created])

        from pledgeflow.training.runs import publish_training_assignments

        training_made, training_superseded = publish_training_assignments(actor, run)

        note = f"{len(created)} proposals made, {len(superseded)} open proposals superseded"
        if stale:
            note += f", {stale} allocations not proposed (pledge or requirement no longer open)"
        if training_made or training_superseded:
            note += f"; {training_made} training proposals made, {training_superseded} superseded"
        before = _run_state(run)
        run.published = True
        run.published_at = timezone.now()
        run.published_by = actor
        run.save(update_fields=["published", "published_at", "published_by"])
        record_change(
            actor,
            run,
            "publish",
            before,
            _run_state(run),
            note=note,
        )
    return run


# ------------------------------------------------------------------------------------------------ proposals


def _proposal_for_decision(actor: Any, proposal_id: int, expected_version: int | None) -> Proposal:
    """The proposal, locked, after the permission and state checks every decision shares.

    Whoever may not read the proposal is answered as the selector answers (403 for roles that have no
    proposals, 404 for another nation's); whoever may read it but not decide it is refused with 403.
    """
    from pledgeflow.planning.selectors import get_proposal

    visible = get_proposal(actor, proposal_id)
    require(
        can_respond_to_proposal(actor, visible.pledge.donor_id),
        "Only the donor nation's liaison or a coordinator decides a proposal.",
    )
    proposal = (
        Proposal.objects.select_for_update().select_related("pledge", "requirement", "run").get(pk=visible.pk)
    )
    if expected_version is not None and proposal.version != expected_version:
        raise StaleVersion("Proposal", proposal.pk, expected_version, proposal.version)
    return proposal


def _transition(proposal: Proposal, target: str) -> None:
    allowed = PROPOSAL_TRANSITIONS[proposal.status]
    if target not in allowed:
        raise InvalidTransition("Proposal", proposal.pk, proposal.status, target, allowed)


def accept_proposal(actor: Any, proposal_id: int, expected_version: int | None = None) -> Proposal:
    """Accept a proposal: commit exactly its quantity of the pledge to the requirement.

    Refused when the pledge is no longer open (dispatched, withdrawn, declined), when the pledge has fewer
    uncommitted units left than proposed, or when the requirement is no longer an approved need on the
    current list or has fewer units still uncovered. An offered pledge moves to committed through the
    pledges' own use case, with who and when.
    """
    from pledgeflow.pledges.models import Pledge

    with transaction.atomic():
        proposal = _proposal_for_decision(actor, proposal_id, expected_version)
        _transition(proposal, ProposalStatus.ACCEPTED)
        pledge = Pledge.objects.select_for_update().get(pk=proposal.pledge_id)
        errors: dict[str, str] = {}
        if pledge.status not in PLANNABLE_STATUSES:
            errors["pledge"] = (
                f"Pledge {pledge.reference} is {pledge.status}: only an offered, committed or contracted "
                "pledge can take on a proposal. Decline this proposal instead."
            )
        else:
            committed = (
                Proposal.objects.filter(pledge=pledge, status=ProposalStatus.ACCEPTED).aggregate(
                    t=Sum("quantity")
                )["t"]
                or 0
            )
            if committed + proposal.quantity > pledge.quantity:
                errors["quantity"] = (
                    f"Pledge {pledge.reference} has {pledge.quantity - committed} of its {pledge.quantity} "
                    f"units not yet committed; the proposal asks for {proposal.quantity}. Decline it; the "
                    "next run plans what is left."
                )
        requirement_error = _requirement_room(proposal)
        if requirement_error:
            errors["requirement"] = requirement_error
        if errors:
            raise ValidationError(errors)

        before = _proposal_state(proposal)
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.version += 1
        proposal.updated_at = proposal.decided_at
        proposal.save()
        record_change(actor, proposal, ChangeAction.TRANSITION, before, _proposal_state(proposal))
        _commit_pledge(actor, pledge, proposal)
    return proposal


def _requirement_room(proposal: Proposal) -> str:
    """Why the requirement cannot take the proposal (empty when it can)."""
    from pledgeflow.planning.snapshot import current_list_version
    from pledgeflow.requirements.models import Requirement

    version = current_list_version()
    reference = proposal.requirement.reference
    current = (
        Requirement.objects.filter(list_version=version, reference=reference).first()
        if version is not None
        else None
    )
    if current is None or current.status != RequirementStatus.APPROVED:
        return (
            f"Requirement {reference} is no longer an approved requirement of the current priority list; "
            "decline this proposal."
        )
    covered = (
        Proposal.objects.filter(status=ProposalStatus.ACCEPTED, requirement__reference=reference).aggregate(
            t=Sum("quantity")
        )["t"]
        or 0
    )
    if covered + proposal.quantity > current.quantity:
        return (
            f"Requirement {reference} needs {current.quantity} units and {covered} are already accepted; the "
            f"proposal's {proposal.quantity} would exceed the need. Decline it; the next run plans the rest."
        )
    return ""


def _commit_pledge(actor: Any, pledge: Any, proposal: Proposal) -> None:
    """Move an offered pledge to committed through the pledges' use case (recorded with who and when)."""
    from pledgeflow.pledges.choices import PledgeStatus

    if pledge.status != PledgeStatus.OFFERED:
        return
    from pledgeflow.pledges import services as pledge_services

    pledge_services.record_milestone(
        actor,
        pledge,
        PledgeStatus.COMMITTED,
        expected_version=pledge.version,
        note=f"Proposal {proposal.pk} of plan run {proposal.run.number} accepted: {proposal.quantity} "
        f"units to requirement {proposal.requirement.reference}.",
    )


def decline_proposal(
    actor: Any, proposal_id: int, reason: str = "", expected_version: int | None = None
) -> Proposal:
    """Decline a proposal: its units go back to the pool of the next run.

    A coordinator's lock on the same pair is released too, otherwise the next run would force the declined
    units on the donor again.
    """
    with transaction.atomic():
        proposal = _proposal_for_decision(actor, proposal_id, expected_version)
        _transition(proposal, ProposalStatus.DECLINED)
        before = _proposal_state(proposal)
        proposal.status = ProposalStatus.DECLINED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.reason = reason.strip()
        proposal.version += 1
        proposal.updated_at = proposal.decided_at
        proposal.save()
        record_change(actor, proposal, ChangeAction.TRANSITION, before, _proposal_state(proposal))
        _release_active_lock(
            actor,
            proposal.pledge_id,
            proposal.requirement.reference,
            f"proposal {proposal.pk} declined by the donor",
        )
    return proposal
