"""The verification states of a claim and the rules for moving between them.

Pure Python, so the table can be read and tested without a database. `Claim.set_status`
is the one place that applies these rules to a stored claim; the importer applies the same
`check_transition` row by row before writing in bulk.
"""

from enum import StrEnum

from django.utils import timezone


class Status(StrEnum):
    UNCONFIRMED = "unconfirmed"
    VERIFIED = "verified"
    DISPUTED = "disputed"
    FALSE = "false"

    @property
    def label(self):
        return LABELS[self]


LABELS = {
    Status.UNCONFIRMED: "Unable to independently confirm",
    Status.VERIFIED: "Verified",
    Status.DISPUTED: "Disputed",
    Status.FALSE: "False",
}

CHOICES = [(status.value, status.label) for status in Status]

# The verdicts a newsroom may publish: "Unable to independently confirm" is no finding.
PUBLISHABLE = frozenset({Status.VERIFIED, Status.DISPUTED, Status.FALSE})

# A claim is recorded with any status (None stands for "not yet recorded"). A published
# verdict is never flipped to its opposite in one step: a verified claim is first disputed
# or reopened before it can be called false, and the other way round, so the history shows
# the doubt that came between.
TRANSITIONS = {
    None: {Status.UNCONFIRMED, Status.VERIFIED, Status.DISPUTED, Status.FALSE},
    Status.UNCONFIRMED: {Status.VERIFIED, Status.DISPUTED, Status.FALSE},
    Status.DISPUTED: {Status.UNCONFIRMED, Status.VERIFIED, Status.FALSE},
    Status.VERIFIED: {Status.UNCONFIRMED, Status.DISPUTED},
    Status.FALSE: {Status.UNCONFIRMED, Status.DISPUTED},
}


class TransitionRefused(Exception):
    """A status change the rules do not allow; `code` is stable, the message is for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class PublicationRefused(Exception):
    """A verdict that may not be published or withdrawn now; `stale` when the page was out of date."""

    def __init__(self, message, *, stale=False):
        super().__init__(message)
        self.message = message
        self.stale = stale


class StaleVersion(Exception):
    """The claim changed since the editor loaded it; nothing was written."""

    def __init__(self, claim, changed_by, changed_at):
        self.claim = claim
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = changed_by or "someone else"
        when = f" at {timezone.localtime(changed_at):%Y-%m-%d %H:%M:%S %Z}" if changed_at else ""
        super().__init__(f"This claim was changed by {who}{when}. Reload it and try again.")


def parse_status(value):
    """The Status for `value`, or TransitionRefused naming the states that exist."""
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(status.value for status in Status)
        raise TransitionRefused("unknown_status", f"“{value}” is not a status; use one of: {known}.") from None


def check_transition(current, new, *, reason, has_supporting=False, has_refuting=False):
    """Return `new` as a Status if a claim in `current` may move to it, else raise TransitionRefused.

    `current` is None for a claim being recorded for the first time.
    """
    new = parse_status(new)
    current = parse_status(current) if current is not None else None
    if current == new:
        raise TransitionRefused("unchanged", f"The claim is already “{new.label}”.")
    if new not in TRANSITIONS[current]:
        raise TransitionRefused(
            "not_allowed",
            f"A claim marked “{current.label}” cannot go straight to “{new.label}”; "
            "dispute it or send it back to “Unable to independently confirm” first.",
        )
    if not (reason or "").strip():
        raise TransitionRefused("reason_required", "Give a reason for the change.")
    if new == Status.VERIFIED and not has_supporting:
        raise TransitionRefused(
            "evidence_required",
            "Add at least one piece of supporting evidence before marking it verified.",
        )
    if new == Status.FALSE and not has_refuting:
        raise TransitionRefused(
            "evidence_required",
            "Add at least one piece of refuting evidence before marking it false.",
        )
    return new
