from typing import Any

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Skills, courses, sessions, cohorts and capability packages, and their part in plan runs."""

    name = "pledgeflow.training"
    label = "training"

    def ready(self) -> None:
        """Listen for slipped pledges: the packages they were allocated to need re-timing."""
        from django.db.models.signals import post_save

        from pledgeflow.pledges.models import PledgeMilestone

        post_save.connect(_pledge_slipped, sender=PledgeMilestone, dispatch_uid="training-pledge-slipped")


def _pledge_slipped(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A slip of a pledge's availability date marks the packages it was allocated to (same transaction).

    The pledges context records slips in its milestone log; reacting to the log entry keeps the pledges
    context unaware of training while every door that records a slip (API, pages, import) is covered.
    """
    from pledgeflow.pledges.choices import MilestoneKind

    if raw or not created or instance.milestone != MilestoneKind.SLIPPED:
        return
    from pledgeflow.training.services import mark_packages_for_retiming

    old = instance.old_date.isoformat() if instance.old_date else "?"
    new = instance.new_date.isoformat() if instance.new_date else "?"
    mark_packages_for_retiming(
        instance.recorded_by,
        instance.pledge,
        f"pledge {instance.pledge.reference} slipped from {old} to {new}",
    )
