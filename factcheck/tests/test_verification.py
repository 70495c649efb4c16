"""The transition table, exhaustively, without a database."""

import itertools

import pytest

from factcheck.verification import (
    Attribution,
    Status,
    TransitionRefused,
    calls_for_correction,
    check_attribution,
    check_imported_verdict,
    check_transition,
    check_verdict,
)

STATES = [None, *Status]
ALLOWED = {
    (None, Status.UNCONFIRMED),
    (None, Status.VERIFIED),
    (None, Status.DISPUTED),
    (None, Status.FALSE),
    (Status.UNCONFIRMED, Status.VERIFIED),
    (Status.UNCONFIRMED, Status.DISPUTED),
    (Status.UNCONFIRMED, Status.FALSE),
    (Status.DISPUTED, Status.UNCONFIRMED),
    (Status.DISPUTED, Status.VERIFIED),
    (Status.DISPUTED, Status.FALSE),
    (Status.VERIFIED, Status.UNCONFIRMED),
    (Status.VERIFIED, Status.DISPUTED),
    (Status.FALSE, Status.UNCONFIRMED),
    (Status.FALSE, Status.DISPUTED),
}


@pytest.mark.parametrize(("current", "new"), list(itertools.product(STATES, Status)))
def test_every_pair_is_allowed_or_refused_with_a_reason(current, new):
    evidence = {"has_supporting": True, "has_refuting": True}
    if (current, new) in ALLOWED:
        assert check_transition(current, new, reason="Checked the record.", **evidence) == new
        return
    with pytest.raises(TransitionRefused) as refused:
        check_transition(current, new, reason="Checked the record.", **evidence)
    if current == new:
        assert refused.value.code == "unchanged"
        assert "already" in refused.value.message
    else:
        assert refused.value.code == "not_allowed"
        assert current.label in refused.value.message and new.label in refused.value.message


@pytest.mark.parametrize("reason", ["", "   ", None, "\u200b", " \ufeff\u200d "])
def test_a_reason_is_required(reason):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.UNCONFIRMED, Status.DISPUTED, reason=reason)
    assert refused.value.code == "reason_required"
    with pytest.raises(TransitionRefused) as refused:
        check_attribution(Attribution.NOT_CHECKED, Attribution.RELAYED, reason=reason)
    assert refused.value.code == "reason_required"


def test_verified_needs_supporting_evidence():
    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.UNCONFIRMED, Status.VERIFIED, reason="Confirmed.", has_refuting=True)
    assert refused.value.code == "evidence_required"
    assert "supporting" in refused.value.message
    assert check_transition(Status.UNCONFIRMED, Status.VERIFIED, reason="Confirmed.", has_supporting=True)


def test_false_needs_refuting_evidence():
    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.UNCONFIRMED, Status.FALSE, reason="Wrong.", has_supporting=True)
    assert refused.value.code == "evidence_required"
    assert "refuting" in refused.value.message
    assert check_transition(Status.UNCONFIRMED, Status.FALSE, reason="Wrong.", has_refuting=True)


def test_disputed_and_unconfirmed_need_no_evidence():
    assert check_transition(Status.UNCONFIRMED, Status.DISPUTED, reason="Officials disagree.")
    assert check_transition(Status.DISPUTED, Status.UNCONFIRMED, reason="Reopened.")


def test_an_unknown_status_is_named():
    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.UNCONFIRMED, "true-ish", reason="?")
    assert refused.value.code == "unknown_status"
    assert "true-ish" in refused.value.message and "unconfirmed" in refused.value.message


@pytest.mark.parametrize(
    ("axis", "from_status", "to_status", "to_attribution", "turns"),
    [
        ("status", "unconfirmed", "disputed", "not_checked", True),
        ("status", "verified", "disputed", "confirmed", True),
        ("status", "disputed", "false", "not_checked", True),
        ("status", None, "disputed", "not_checked", False),  # recorded so: the story said it
        ("status", None, "false", "not_checked", False),
        ("status", "disputed", "unconfirmed", "not_checked", False),
        ("status", "unconfirmed", "verified", "not_checked", False),
        ("attribution", None, "unconfirmed", "misattributed", True),
        ("attribution", None, "verified", "denied", True),
        ("attribution", None, "disputed", "confirmed", False),
        ("attribution", None, "unconfirmed", "relayed", False),
    ],
)
def test_which_decisions_call_for_a_correction(axis, from_status, to_status, to_attribution, turns):
    assert calls_for_correction(axis, from_status, to_status, to_attribution) is turns


@pytest.mark.parametrize(
    ("new", "stances", "allowed"),
    [
        (Status.VERIFIED, {"supports"}, True),
        (Status.VERIFIED, {"refutes", "context"}, False),
        (Status.FALSE, {"refutes"}, True),
        (Status.FALSE, {"supports"}, False),
        (Status.DISPUTED, set(), True),
    ],
)
def test_a_verdict_needs_evidence_of_the_stance_it_rests_on(new, stances, allowed):
    if allowed:
        assert check_verdict(Status.UNCONFIRMED, new, reason="Checked.", stances=stances) == new
    else:
        with pytest.raises(TransitionRefused, match="evidence"):
            check_verdict(Status.UNCONFIRMED, new, reason="Checked.", stances=stances)


def test_an_import_never_undoes_an_editors_verdict_and_may_change_an_imports():
    with pytest.raises(TransitionRefused) as refused:
        check_imported_verdict("verified", "disputed", reason="imported", stances=set(), editors_verdict=True)
    assert refused.value.code == "editors_verdict"
    assert refused.value.message.startswith("an editor decided this claim is “Verified”; an import does not change")
    assert check_imported_verdict("verified", "disputed", reason="imported", stances=set(), editors_verdict=False) == (
        Status.DISPUTED
    )
    with pytest.raises(TransitionRefused, match="cannot go straight"):
        check_imported_verdict("verified", "false", reason="imported", stances={"refutes"}, editors_verdict=False)
