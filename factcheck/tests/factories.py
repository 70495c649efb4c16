"""Small functions that make valid objects; each takes the fields a test cares about."""

from itertools import count

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Decision,
    Evidence,
    Outlet,
    Speaker,
    Status,
    StoryDraft,
    Venue,
    recheck_date,
)
from factcheck.storydesk import Tracked, records_from, seek_look_alikes

_numbers = count(1)


def make_speaker(name=None, **fields):
    return Speaker.objects.create(name=name or f"Speaker {next(_numbers)}", **fields)


def make_outlet(name=None, **fields):
    return Outlet.objects.create(name=name or f"Outlet {next(_numbers)}", **fields)


def make_article(outlet=None, **fields):
    fields.setdefault("headline", f"Story {next(_numbers)}")
    return Article.objects.create(outlet=outlet or make_outlet(), **fields)


def recorder():
    user, _ = User.objects.get_or_create(username="recorder")
    return user


def make_claim(text=None, *, speaker=None, status="unconfirmed", by=None, reason="Recorded for a test.", **fields):
    """A claim recorded through the write path, so it has its first event (version 1)."""
    if "attribution" in fields:  # recording gives the claim the attribution its appearances imply
        raise TypeError("make_claim() records the implied attribution: decide another with claim.set_attribution()")
    with transaction.atomic():  # a claim with no event is refused at the commit
        claim = Claim.objects.create(
            text=text or f"Claim number {next(_numbers)} is checkable.",
            speaker=speaker or make_speaker(),
            **fields,
        )
        claim.set_status(status, by=by or recorder(), reason=reason)
    return claim


def make_claims(rows, *, by=None, reason="Recorded for a test."):
    """Unconfirmed claims recorded at once, as an import records them: each row the fields of one, as
    make_claim takes them (a row without a speaker gets one of its own). The claims go in with one
    INSERT, their first events (version 1) through Claim.objects.set_statuses, the bulk write path:
    a hundred claims made one by one through set_status took most of a query-count test's time."""
    # A speaker's save() fills in the keys its name is found by: made one by one, an INSERT each.
    rows = [row if "speaker" in row else {"speaker": make_speaker(), **row} for row in rows]
    by, now = by or recorder(), timezone.now()
    recorded = {"status": Status.UNCONFIRMED, "version": 1, "status_changed_at": now, "status_changed_by": by}
    with transaction.atomic():  # a claim with no event is refused at the commit
        claims = Claim.objects.bulk_create(
            Claim(
                **{"text": f"Claim number {next(_numbers)} is checkable.", **row},
                **recorded,
                recheck_on=recheck_date(now),
            )
            for row in rows
        )
        decisions = [Decision(claim.pk, None, Status.UNCONFIRMED, claim.attribution, 1, reason, []) for claim in claims]
        Claim.objects.set_statuses(decisions, by=by, at=now)
    return claims


def make_evidence(claim, stance="supports", *, by=None, **fields):
    fields.setdefault("url", f"https://example.org/source/{next(_numbers)}")
    fields.setdefault("summary", "A source that bears on the claim.")
    return Evidence.objects.create(claim=claim, stance=stance, added_by=by or recorder(), **fields)


def make_appearance(claim, venue_type=Venue.STATEMENT_TO_OUTLET, **fields):
    return Appearance.objects.create(claim=claim, venue_type=venue_type, **fields)


def make_draft(body="Officials said the bridge was closed.", proposals=(), *, by=None, outlet=None, **fields):
    """A story draft in review, its records built from extraction Proposals as the desk builds them."""
    if outlet is None:
        fields.setdefault("new_outlet", "Daily Planet")
    fields.setdefault("headline", body.split("\n", 1)[0][:500])
    records = records_from(list(proposals), body)
    seek_look_alikes(records, Tracked.of(records, outlet.name if outlet else fields["new_outlet"]))
    return StoryDraft.objects.create(created_by=by or recorder(), outlet=outlet, body=body, proposals=records, **fields)
