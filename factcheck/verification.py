"""The verification states of a claim and the rules for moving between them.

Pure Python, so the table can be read and tested without a database. `Claim.set_status`
applies these rules to one claim and `Claim.objects.set_statuses` to many (an import's); the
importer also asks them (`check_imported_verdict`) row by row, to refuse a row before writing anything.
"""

from enum import StrEnum

from factcheck.templatetags.times import exact
from factcheck.text import clean_text, display_name


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


# The evidence a verdict rests on, by stance: what set_status cites unless told which, what the
# decision forms tick, what an import cites. Stances are factcheck.models.Evidence.Stance values.
CITED_STANCE = {Status.VERIFIED: "supports", Status.DISPUTED: "refutes", Status.FALSE: "refutes"}


# What a verdict must cite, said on its form before it is posted and in the refusal after.
EVIDENCE_NEEDED = {
    Status.VERIFIED: "at least one piece of supporting evidence",
    Status.FALSE: "at least one piece of refuting evidence",
}


def cites(status, stance):
    """Whether a verdict of `status` rests, by default, on evidence of `stance`."""
    return CITED_STANCE.get(status) == stance


def check_verdict(current, new, *, reason, stances):
    """check_transition for a verdict resting on evidence of these `stances` (a set): the
    evidence rule (verified needs a supporting item, false a refuting one) asked of what it cites."""
    return check_transition(
        current, new, reason=reason, has_supporting="supports" in stances, has_refuting="refutes" in stances
    )


def check_imported_verdict(current, new, *, reason, stances, editors_verdict):
    """check_verdict for a status an import writes (ClaimQuerySet.set_statuses). An import never
    undoes an editor's verdict (`editors_verdict`: the claim's `current` status was decided in the
    app, ClaimQuerySet.editors_verdicts), so that re-importing last week's sheet cannot quietly
    turn back what editors decided since; a status an import wrote, a later import may change."""
    if editors_verdict:
        raise TransitionRefused(
            "editors_verdict",
            f"an editor decided this claim is “{parse_status(current).label}”; an import does not change an "
            "editor's verdict: change it on the claim's page, or leave its status empty in the file",
        )
    return check_verdict(current, new, reason=reason, stances=stances)


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
        who = display_name(changed_by) if changed_by else "someone else"
        when = f" at {exact(changed_at)}" if changed_at else ""
        super().__init__(f"This claim was changed by {who}{when}. Reload it and try again.")


def parse_status(value):
    """The Status for `value`, or TransitionRefused naming the states that exist."""
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(status.value for status in Status)
        raise TransitionRefused("unknown_status", f"“{value}” is not a status; use one of: {known}.") from None


def require_reason(reason):
    """Refuse a change with no reason a person can read: invisible characters alone (a zero-width
    space, a byte-order mark), which str.strip() keeps, are none, whatever road the change came by."""
    if not clean_text(reason or ""):
        raise TransitionRefused("reason_required", "Give a reason for the change.")


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
    require_reason(reason)
    if (new == Status.VERIFIED and not has_supporting) or (new == Status.FALSE and not has_refuting):
        raise TransitionRefused(
            "evidence_required", f"Add {EVIDENCE_NEEDED[new]} before marking it {new.label.lower()}."
        )
    return new


# The second axis: did the speaker really say it? Kept apart from the status (is it true?):
# a quote can be confirmed as said and its figure still unconfirmed.
class Attribution(StrEnum):
    NOT_CHECKED = "not_checked"
    CONFIRMED = "confirmed"
    RELAYED = "relayed"
    MISATTRIBUTED = "misattributed"
    DENIED = "denied"

    @property
    def label(self):
        return ATTRIBUTION_LABELS[self]


ATTRIBUTION_LABELS = {
    Attribution.NOT_CHECKED: "Attribution not checked",
    Attribution.CONFIRMED: "Confirmed at the source",
    Attribution.RELAYED: "Relayed: only another outlet's word",
    Attribution.MISATTRIBUTED: "Misattributed: the speaker did not say it",
    Attribution.DENIED: "Denied by the speaker",
}

ATTRIBUTION_CHOICES = [(state.value, state.label) for state in Attribution]

# The verdicts a story must not repeat unawares: the pre-publication check flags a claim that
# repeats one so tracked (factcheck.prepublication), and a partial index keeps their words (migration 0044).
WARNED_STATUSES = (Status.DISPUTED, Status.FALSE)
WARNED_ATTRIBUTIONS = (Attribution.MISATTRIBUTED, Attribution.DENIED)

# A claim is recorded in any state (None: not yet recorded). A finding is never flipped to its
# opposite in one step: confirmed and misattributed pass through "not checked" or the
# speaker's denial first. Relayed describes how the words reached us, so a claim heard at the
# source is never sent back to it; a denial can still be settled either way by the source.
ATTRIBUTION_TRANSITIONS = {
    None: set(Attribution),
    Attribution.NOT_CHECKED: {
        Attribution.CONFIRMED,
        Attribution.RELAYED,
        Attribution.MISATTRIBUTED,
        Attribution.DENIED,
    },
    Attribution.RELAYED: {
        Attribution.NOT_CHECKED,
        Attribution.CONFIRMED,
        Attribution.MISATTRIBUTED,
        Attribution.DENIED,
    },
    Attribution.CONFIRMED: {Attribution.NOT_CHECKED, Attribution.DENIED},
    Attribution.DENIED: {Attribution.NOT_CHECKED, Attribution.CONFIRMED, Attribution.MISATTRIBUTED},
    Attribution.MISATTRIBUTED: {Attribution.NOT_CHECKED, Attribution.DENIED},
}

# Findings that rest on the primary source: the original post, transcript or recording.
NEEDS_PRIMARY_SOURCE = {Attribution.CONFIRMED, Attribution.MISATTRIBUTED}
PRIMARY_SOURCE = "the primary source (the original post, transcript or recording)"


def parse_attribution(value):
    """The Attribution for `value`, or TransitionRefused naming the states that exist."""
    try:
        return Attribution(value)
    except ValueError:
        known = ", ".join(state.value for state in Attribution)
        raise TransitionRefused(
            "unknown_attribution", f"“{value}” is not an attribution state; use one of: {known}."
        ) from None


def check_attribution(current, new, *, reason, has_primary_source=False, implied=None):
    """Return `new` as an Attribution if a claim in `current` may move to it, else raise TransitionRefused.

    `current` is None for a claim being recorded: then the state its appearances imply
    (`implied`) needs no evidence, the appearance itself being the source.
    """
    new = parse_attribution(new)
    current = parse_attribution(current) if current is not None else None
    if current == new:
        raise TransitionRefused("unchanged", f"The claim is already “{new.label}”.")
    if new not in ATTRIBUTION_TRANSITIONS[current]:
        raise TransitionRefused(
            "not_allowed",
            f"A claim marked “{current.label}” cannot go straight to “{new.label}”; "
            "send it back to “Attribution not checked” first.",
        )
    require_reason(reason)
    waived = current is None and new == implied
    if new in NEEDS_PRIMARY_SOURCE and not has_primary_source and not waived:
        raise TransitionRefused(
            "evidence_required",
            f"Cite {PRIMARY_SOURCE} before marking it “{new.label}”.",
        )
    return new


# Where a speaker's words start (an appearance relaying nothing). Said to an outlet: only that
# outlet heard it. Said on the speaker's own channel (an advertisement included) or in public:
# anyone could hear or see it.
TOLD_TO_AN_OUTLET = {"statement_to_outlet", "interview", "anonymous_briefing"}
RELAYED_REPORT = "relayed_report"
NOT_STATED = "not_stated"  # the source gave no venue


def relayed_by_another(appearances, newsroom):
    """Whether one of a claim's chains (or the one chain given) reached the newsroom through another
    outlet. `appearances` are (venue type, outlet id, id of the appearance relayed) for each;
    `newsroom` as for implied_attribution, which calls a chain relayed by this rule.

    Another outlet passed it on (any outlet, when the story names none), or its words start at
    another outlet's report or a statement made to another outlet. The story's own outlet passing
    on public remarks is the newsroom reporting them: not relayed. The queue's relay filter and the
    claims' facets (migration 0047) follow the same rule.
    """
    appearances = list(appearances)
    return passed_on_by_another(appearances, newsroom) or any(
        relayed_from is None and venue in TOLD_TO_AN_OUTLET and outlet is not None and outlet != newsroom
        for venue, outlet, relayed_from in appearances
    )


def passed_on_by_another(appearances, newsroom):
    """Whether another outlet passed the words on (relayed_by_another's first half): an appearance
    relaying another, on an outlet not the newsroom's (any, when the story names none), or words that
    start at another outlet's report. The other half, words said to another outlet that nobody passed
    on, is relayed too, but reads "said to CNN", not "passed on" (the claim page)."""
    for venue, outlet, relayed_from in appearances:
        if relayed_from is not None:
            if newsroom is None or outlet != newsroom:
                return True
        elif venue == RELAYED_REPORT:
            return True
    return False


def chain_attribution(chain, newsroom):
    """The attribution state one chain implies: relayed through another outlet, first-hand
    (confirmed: told to the newsroom itself, or said on the speaker's own channel or in public), or
    not checked when how it was said, or to whom, is not known. `chain` is (venue type, outlet id,
    id of the appearance relayed) for each appearance, its origin first; `newsroom` as below."""
    origin_venue, origin_outlet, _ = chain[0]
    if relayed_by_another(chain, newsroom):
        return Attribution.RELAYED
    if origin_venue in (None, NOT_STATED) or (origin_venue in TOLD_TO_AN_OUTLET and origin_outlet is None):
        return Attribution.NOT_CHECKED
    return Attribution.CONFIRMED


def implied_attribution(appearances, newsroom):
    """The attribution state a claim's appearances imply, when it is recorded.

    `appearances` are (id, venue type, outlet id, id of the appearance relayed) for each;
    `newsroom` is the outlet id of the story that records the claim (None if it has none).
    Confirmed when one chain reaches the newsroom first-hand: said to the newsroom itself, or
    on the speaker's own channel or in public with no other outlet passing it on. Relayed when
    every other chain went through another outlet (or starts at another outlet's report or a
    statement made to another outlet). Not checked otherwise: no appearance, a statement to an
    outlet nobody named, or a chain relayed by none whose venue is None or not stated (how it was said
    is not known).
    """
    appearances = list(appearances)
    known = {pk for pk, *_ in appearances}
    parents = {pk: relayed_from for pk, _, _, relayed_from in appearances}
    ends = known - set(parents.values())
    by_id = {pk: (venue, outlet) for pk, venue, outlet, _ in appearances}
    found = set()
    for end in ends:
        chain = [end]
        while parents[chain[-1]] in known and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        origin = chain[-1]
        found.add(
            chain_attribution([(*by_id[pk], parents[pk] if pk != origin else None) for pk in reversed(chain)], newsroom)
        )
    for state in (Attribution.CONFIRMED, Attribution.RELAYED):
        if state in found:
            return state
    return Attribution.NOT_CHECKED


# A decision that may make a published story wrong: each story that carried the claim needs a
# correction, or an editor's word that it does not (factcheck.corrections).
CORRECTION_STATUSES = frozenset({Status.DISPUTED, Status.FALSE})
CORRECTION_ATTRIBUTIONS = frozenset({Attribution.MISATTRIBUTED, Attribution.DENIED})


def calls_for_correction(axis, from_status, to_status, to_attribution):
    """Whether a decision turns a claim the stories relied on: to disputed or false, or (on the
    attribution axis) to misattributed or denied.

    The event that records a claim (no `from_status`) turns nothing: a story that reports a claim
    as disputed from the start is not wrong about it.
    """
    if axis == "attribution":
        return to_attribution in CORRECTION_ATTRIBUTIONS
    return from_status is not None and to_status in CORRECTION_STATUSES
