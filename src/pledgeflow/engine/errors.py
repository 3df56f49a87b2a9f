"""Errors the planner raises, as one small hierarchy.

Every error the engine raises on purpose derives from :class:`PledgeflowError`, and each also derives from the
builtin it refines, so callers that only know Python's builtins still catch it::

    PledgeflowError(Exception)
     ├── DocumentError(PledgeflowError, ValueError)   a document breaks its format; ``.errors`` lists
     │    │                                            every issue, each with its JSON path
     │    ├── ScenarioError                            ... a pledgeflow/scenario-v1 document
     │    └── PlanDocumentError                        ... a pledgeflow/plan-v1 document
     └── PlanError(PledgeflowError, RuntimeError)      a valid scenario could not be planned or written

A :class:`ValidationIssue` is one finding: ``path`` is a JSON path into the document
(``requirements[3].quantity``, ``policy.priority_weights["5"]``, ``$`` for the document itself) and
``message`` says what is wrong and what would be right. Issues print as ``path: message``, the form the
command line shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DocumentError",
    "PlanDocumentError",
    "PlanError",
    "PledgeflowError",
    "ScenarioError",
    "ValidationIssue",
]


@dataclass(frozen=True, slots=True, order=True)
class ValidationIssue:
    """One thing wrong with a document: where (a JSON path) and what (saying what would be right)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PledgeflowError(Exception):
    """Base of every error the planner raises on purpose."""


class DocumentError(PledgeflowError, ValueError):
    """A document breaks its format.

    ``errors`` holds every issue found, in document order; the message lists them one per line.
    """

    what = "document"

    def __init__(self, errors: Iterable[ValidationIssue]) -> None:
        self.errors: list[ValidationIssue] = list(errors)
        count = len(self.errors)
        head = f"the {self.what} is invalid ({count} error{'s' if count != 1 else ''})"
        super().__init__("\n".join([head, *(str(issue) for issue in self.errors)]))


class ScenarioError(DocumentError):
    """A scenario document breaks the ``pledgeflow/scenario-v1`` contract."""

    what = "scenario"


class PlanDocumentError(DocumentError):
    """A plan document read back (to explain it, say) is not ``pledgeflow/plan-v1``."""

    what = "plan"


class PlanError(PledgeflowError, RuntimeError):
    """A valid scenario could not be planned, or its plan could not be written."""
