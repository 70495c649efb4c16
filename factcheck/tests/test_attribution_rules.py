"""The attribution axis's rules, without a database: the transition table, the evidence rule, the defaults."""

from itertools import product

import pytest

from factcheck.models import Venue
from factcheck.verification import (
    ATTRIBUTION_TRANSITIONS,
    NEEDS_PRIMARY_SOURCE,
    Attribution,
    TransitionRefused,
    check_attribution,
    implied_attribution,
)

STATES = [None, *Attribution]


@pytest.mark.parametrize(("current", "new"), list(product(STATES, Attribution)))
def test_every_move_is_allowed_exactly_when_the_table_says(current, new):
    allowed = new in ATTRIBUTION_TRANSITIONS[current] and new != current
    try:
        check_attribution(current, new, reason="Transcript checked.", has_primary_source=True)
    except TransitionRefused as refused:
        assert not allowed
        assert refused.code == ("unchanged" if current == new else "not_allowed")
    else:
        assert allowed


def test_the_table_names_every_state_and_never_flips_a_finding_to_its_opposite():
    assert set(ATTRIBUTION_TRANSITIONS) == set(STATES)
    assert Attribution.MISATTRIBUTED not in ATTRIBUTION_TRANSITIONS[Attribution.CONFIRMED]
    assert Attribution.CONFIRMED not in ATTRIBUTION_TRANSITIONS[Attribution.MISATTRIBUTED]
    assert Attribution.RELAYED not in ATTRIBUTION_TRANSITIONS[Attribution.CONFIRMED]
    assert all(
        Attribution.NOT_CHECKED in ATTRIBUTION_TRANSITIONS[state] for state in Attribution if state != "not_checked"
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_always_required(reason):
    with pytest.raises(TransitionRefused) as refused:
        check_attribution(Attribution.NOT_CHECKED, Attribution.RELAYED, reason=reason)
    assert refused.value.code == "reason_required"


@pytest.mark.parametrize("new", list(Attribution))
def test_confirmed_and_misattributed_need_a_primary_source_and_nothing_else_does(new):
    current = Attribution.DENIED if new == Attribution.NOT_CHECKED else Attribution.NOT_CHECKED
    if new == Attribution.DENIED:
        current = Attribution.RELAYED
    if new in NEEDS_PRIMARY_SOURCE:
        with pytest.raises(TransitionRefused) as refused:
            check_attribution(current, new, reason="Checked.")
        assert refused.value.code == "evidence_required"
        assert "primary source" in refused.value.message
    assert check_attribution(current, new, reason="Checked.", has_primary_source=True) == new
    assert new in NEEDS_PRIMARY_SOURCE or check_attribution(current, new, reason="Checked.") == new


def test_recording_the_state_the_appearances_imply_needs_no_evidence_but_another_does():
    implied = Attribution.CONFIRMED
    assert check_attribution(None, "confirmed", reason="Recorded.", implied=implied) == implied
    with pytest.raises(TransitionRefused):
        check_attribution(None, "misattributed", reason="Recorded.", implied=implied)
    with pytest.raises(TransitionRefused) as unknown:
        check_attribution(None, "probably", reason="Recorded.")
    assert unknown.value.code == "unknown_attribution"


NEWSROOM, OTHER, X = "B-17", "Kyiv Independent", "X"
OWN_CHANNEL = [
    *(Venue.PRESS_CONFERENCE, Venue.PUBLIC_REMARKS, Venue.SOCIAL_MEDIA_POST, Venue.OFFICIAL_DOCUMENT),
    Venue.ADVERTISEMENT,  # the speaker's own paid message
]
TOLD_TO_AN_OUTLET = [Venue.STATEMENT_TO_OUTLET, Venue.INTERVIEW, Venue.ANONYMOUS_BRIEFING]


def chain(*links):
    """(venue, outlet) links, origin first, as appearances each relaying the one before."""
    return [(n, venue, outlet, n - 1 if n else None) for n, (venue, outlet) in enumerate(links)]


def test_every_venue_is_classified():
    assert {*OWN_CHANNEL, *TOLD_TO_AN_OUTLET, Venue.RELAYED_REPORT, Venue.NOT_STATED} == set(Venue)


def test_a_venue_not_stated_says_nothing_of_who_heard_it_as_no_venue_does():
    for venue in (Venue.NOT_STATED, None):
        assert implied_attribution(chain((venue, X)), NEWSROOM) == Attribution.NOT_CHECKED
        assert implied_attribution(chain((venue, None), (Venue.RELAYED_REPORT, NEWSROOM)), NEWSROOM) == (
            Attribution.NOT_CHECKED
        )
        assert implied_attribution(chain((venue, None), (Venue.RELAYED_REPORT, OTHER)), NEWSROOM) == (
            Attribution.RELAYED
        )


@pytest.mark.parametrize("venue", TOLD_TO_AN_OUTLET)
def test_said_to_the_newsroom_starts_confirmed_said_to_another_outlet_relayed_to_nobody_named_not_checked(venue):
    assert implied_attribution(chain((venue, NEWSROOM)), NEWSROOM) == Attribution.CONFIRMED
    assert implied_attribution(chain((venue, OTHER)), NEWSROOM) == Attribution.RELAYED
    assert implied_attribution(chain((venue, None)), NEWSROOM) == Attribution.NOT_CHECKED


@pytest.mark.parametrize("venue", OWN_CHANNEL)
def test_heard_or_seen_at_the_source_starts_confirmed_and_through_another_outlet_relayed(venue):
    assert implied_attribution(chain((venue, X)), NEWSROOM) == Attribution.CONFIRMED
    assert implied_attribution(chain((venue, X), (Venue.RELAYED_REPORT, NEWSROOM)), NEWSROOM) == Attribution.CONFIRMED
    relayed = chain((venue, None), (Venue.RELAYED_REPORT, OTHER), (Venue.RELAYED_REPORT, NEWSROOM))
    assert implied_attribution(relayed, NEWSROOM) == Attribution.RELAYED


def test_a_chain_that_starts_at_a_report_is_relayed_and_no_appearance_is_not_checked():
    assert implied_attribution(chain((Venue.RELAYED_REPORT, OTHER)), NEWSROOM) == Attribution.RELAYED
    assert implied_attribution([], NEWSROOM) == Attribution.NOT_CHECKED


def test_a_chain_whose_venue_nobody_gave_is_not_checked_unless_another_outlet_relayed_it():
    assert implied_attribution(chain((None, X)), NEWSROOM) == Attribution.NOT_CHECKED
    assert implied_attribution(chain((None, None), (Venue.RELAYED_REPORT, OTHER)), NEWSROOM) == Attribution.RELAYED


def test_one_first_hand_chain_is_enough_to_start_confirmed():
    relayed = chain((Venue.PUBLIC_REMARKS, None), (Venue.RELAYED_REPORT, OTHER))
    direct = [(10, Venue.STATEMENT_TO_OUTLET, NEWSROOM, None)]
    assert implied_attribution([*relayed, *direct], NEWSROOM) == Attribution.CONFIRMED


def test_without_a_story_any_relay_is_another_outlets_word():
    assert implied_attribution(chain((Venue.PUBLIC_REMARKS, None), (Venue.RELAYED_REPORT, OTHER)), None) == "relayed"
    assert implied_attribution(chain((Venue.SOCIAL_MEDIA_POST, X)), None) == Attribution.CONFIRMED
