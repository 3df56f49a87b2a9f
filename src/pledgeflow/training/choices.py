"""Enumerations of the training context: statuses, languages, and the state machine of training proposals."""

from __future__ import annotations

from django.db import models


class SessionStatus(models.TextChoices):
    """Whether a session of a course will run. A session is cancelled, never deleted."""

    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class CohortStatus(models.TextChoices):
    """Where a cohort (a crew or trainee group) stands.

    ``planned``: still to be trained, so plan runs assign it; ``trained``: it holds its target skill;
    ``cancelled``: the crew is no longer needed. Trained and cancelled are final.
    """

    PLANNED = "planned", "Planned"
    TRAINED = "trained", "Trained"
    CANCELLED = "cancelled", "Cancelled"


#: Cohort status changes, from -> allowed targets.
COHORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CohortStatus.PLANNED: (CohortStatus.TRAINED, CohortStatus.CANCELLED),
    CohortStatus.TRAINED: (),
    CohortStatus.CANCELLED: (),
}


class TrainingProposalStatus(models.TextChoices):
    """A published training assignment (a cohort in a session) awaiting the host nation's decision."""

    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded"


#: Decisions on a training proposal, from -> allowed targets. Only an open proposal is decided.
TRAINING_PROPOSAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    TrainingProposalStatus.PROPOSED: (
        TrainingProposalStatus.ACCEPTED,
        TrainingProposalStatus.DECLINED,
        TrainingProposalStatus.SUPERSEDED,
    ),
    TrainingProposalStatus.ACCEPTED: (),
    TrainingProposalStatus.DECLINED: (),
    TrainingProposalStatus.SUPERSEDED: (),
}


class Priority(models.IntegerChoices):
    """How urgent a cohort or a package is; 1 is the most urgent (the same scale as requirements)."""

    CRITICAL = 1, "Critical"
    HIGH = 2, "High"
    MEDIUM = 3, "Medium"
    ROUTINE = 4, "Routine"


#: ISO 639-1 language codes (two lowercase letters), the languages a course may be taught in.
ISO_639_1: frozenset[str] = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)
