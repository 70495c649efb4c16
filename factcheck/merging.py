"""Merging a duplicate claim into the claim kept, and finding the claims that look like duplicates.

`merge(merged, into, ...)` checks, then moves in one transaction: the kept claim gains the
merged one's appearances, evidence, notes and links; the merge is recorded as a ClaimMerge
(append-only, shown in both claims' histories); the merged claim is marked `merged_into` and
from then on the database refuses any change to it (migration 0016). Its history stays where it
was, readable on its own page.

`possible_duplicates(claim)` and `duplicates_of_rows(rows)` find claims by the same speaker
whose text looks alike: the speaker's LOOK_ALIKE_RECENT newest claims (an index range on
claim_speaker_recent_idx, however many claims the speaker or the table holds), those whose
trigram similarity is at least 0.3 (pg_trgm's `similarity` on PostgreSQL, the same measure
computed here on SQLite), best first. Measured at 1M claims, a GIN (speaker, trigrams) index did
not bound the lookup (benchmarks/README.md): the speaker filter comes first.
"""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from factcheck.models import (
    Appearance,
    Claim,
    ClaimLink,
    ClaimMerge,
    Evidence,
    ExternalReview,
    Note,
    Speaker,
    normalize_name,
)
from factcheck.storydesk import LOOK_ALIKE_RECENT, LOOK_ALIKE_SIMILARITY, trigrams
from factcheck.verification import Attribution, StaleVersion, Status

DUPLICATES_SHOWN = 5
# The import preview looks for duplicates of this many rows (the first of the file), and shows
# at most this many of each row's.
PREVIEW_ROWS = 200
PREVIEW_PER_ROW = 3


class MergeRefused(Exception):
    """A merge the rules do not allow; `code` is stable, the message is for people. Nothing was written."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def nothing_merged(refusal):
    """What a person reads when a merge (MergeRefused or StaleVersion) wrote nothing."""
    if isinstance(refusal, StaleVersion):
        return f"Nothing was merged: claim #{refusal.claim.pk} changed since this page was drawn. {refusal}"
    return f"Nothing was merged. {refusal}"


# What an editor ticks to merge claims of different speakers, which are almost never one claim.
SPEAKERS_DIFFER_CONFIRMATION = "They are the same claim though the speakers differ"


def refusals_by_kept(claims):
    """{pk: why the other of two `claims` may not be merged into this one, or None}, before anyone
    gives a reason or says whether different speakers are one: what a merge form says up front."""
    first, second = claims
    refusals = {}
    for merged, into in ((second, first), (first, second)):
        try:
            check(merged, into, reason="asked later", speakers_differ=True)
        except MergeRefused as refusal:
            refusals[into.pk] = refusal.message
        else:
            refusals[into.pk] = None
    return refusals


def check(merged, into, *, reason="", speakers_differ=False):
    """Raise MergeRefused unless `merged` may be merged into `into` (as these objects stand);
    claims of different speakers only when the editor says so (`speakers_differ`)."""
    if merged.pk == into.pk:
        raise MergeRefused("itself", "A claim cannot be merged into itself.")
    if merged.merged_into_id:
        raise MergeRefused(
            "already_merged", f"Claim #{merged.pk} was already merged into claim #{merged.merged_into_id}."
        )
    if into.merged_into_id:
        raise MergeRefused(
            "into_merged",
            f"Claim #{into.pk} was itself merged into claim #{into.merged_into_id}: merge into that one instead.",
        )
    if merged.status != into.status:
        raise MergeRefused(
            "status_conflict",
            f"The verdicts differ: claim #{merged.pk} is “{Status(merged.status).label}” and claim #{into.pk} "
            f"is “{Status(into.status).label}”. Settle the status first, so that both say the same, then merge.",
        )
    # A claim whose attribution nobody checked yet is merged under the kept claim's; a decision
    # on the merged claim must be the kept claim's too, or it would be lost.
    if merged.attribution not in (Attribution.NOT_CHECKED, into.attribution):
        raise MergeRefused(
            "attribution_conflict",
            f"Whether the speaker said it differs: claim #{merged.pk} is “{merged.attribution_label}” and claim "
            f"#{into.pk} is “{into.attribution_label}”. Settle the attribution first, then merge.",
        )
    if merged.speaker_id != into.speaker_id and not speakers_differ:
        raise MergeRefused(
            "speakers_differ",
            f"The speakers differ: claim #{merged.pk} is {merged.speaker.name}'s and claim #{into.pk} is "
            f"{into.speaker.name}'s. Claims of different speakers are almost never the same claim; if these "
            f"are, tick “{SPEAKERS_DIFFER_CONFIRMATION}” and merge.",
        )
    if not reason.strip():
        raise MergeRefused("reason_required", "Give a reason for the merge; it is kept in both claims' histories.")


def merge(merged, into, *, by, reason, merged_version, into_version, speakers_differ=False):
    """Merge claim `merged` into claim `into` and return the ClaimMerge, or raise and write nothing.

    Raises MergeRefused when the rules forbid it (see check; `speakers_differ` is the editor's word
    that claims of different speakers are one claim) and StaleVersion when either claim's
    status changed since the editor saw it at these versions.
    """
    with transaction.atomic():
        # Both rows locked, lower id first, so that two merges of one pair (either way round), or
        # a merge and a status change, wait for each other instead of deadlocking.
        locked = Claim.objects.select_for_update().filter(pk__in=[merged.pk, into.pk]).order_by("pk").in_bulk()
        if len(locked) < 2:
            check(merged, into, reason=reason, speakers_differ=speakers_differ)  # one claim: into itself
        # A stale page first: the editor decided on what it showed.
        for claim, version in ((merged, merged_version), (into, into_version)):
            if locked[claim.pk].version != version:
                latest = locked[claim.pk]
                changed_by = get_user_model().objects.filter(pk=latest.status_changed_by_id).first()
                raise StaleVersion(latest, changed_by, latest.status_changed_at)
        merged, into = locked[merged.pk], locked[into.pk]
        check(merged, into, reason=reason, speakers_differ=speakers_differ)
        appearances, completed = _move_appearances(merged, into)
        moved = {
            "appearances": appearances,
            "evidence": _move_evidence(merged, into),
            "notes": Note.objects.filter(claim=merged).update(claim=into),
            "links": _move_links(merged, into),
        }
        if completed:  # most merges complete none: not said
            moved["appearances_completed"] = completed
        if reviews := _move_external_reviews(merged, into):  # most claims have none: not said
            moved["external_reviews"] = reviews
        record = ClaimMerge.objects.create(
            merged=merged,
            into=into,
            by=by,
            reason=reason.strip(),
            merged_version=merged.version,
            into_version=into.version,
            moved=moved,
        )
        Claim.objects.filter(pk=merged.pk).update(merged_into=into)
    return record


def _move_external_reviews(merged, into):
    """Other checkers' ratings go to the kept claim, but for one it has already (same publisher and review URL)."""
    kept = set(into.external_reviews.values_list("publisher", "url"))
    moving = [
        pk for pk, *review in merged.external_reviews.values_list("pk", "publisher", "url") if tuple(review) not in kept
    ]
    return ExternalReview.objects.filter(pk__in=moving).update(claim=into)


def _signature(appearance):
    return (appearance.venue_type, appearance.outlet_id, appearance.url, appearance.date, appearance.when)


def _trees(appearances):
    """The appearances grouped by the one their relay chain starts from: [[appearance]], one list a chain tree."""
    by_pk = {appearance.pk: appearance for appearance in appearances}
    trees = {}
    for appearance in appearances:
        origin, seen = appearance, {appearance.pk}
        while origin.relayed_from_id in by_pk and origin.relayed_from_id not in seen:
            origin = by_pk[origin.relayed_from_id]
            seen.add(origin.pk)
        trees.setdefault(origin.pk, []).append(appearance)
    return list(trees.values())


def _steps(tree):
    """A chain tree as a set of (appearance, the one it relays) signatures: two copies of a chain are equal."""
    by_pk = {appearance.pk: appearance for appearance in tree}
    return {
        (_signature(appearance), _signature(by_pk[appearance.relayed_from_id]) if appearance.relayed_from_id else None)
        for appearance in tree
    }


def _move_appearances(merged, into):
    """Move the merged claim's attribution chains, all but those the kept claim already records; return
    (how many moved, how many of the kept claim's were completed).

    An appearance alone in its chain at a URL the kept claim already records is the same appearance,
    told twice (an interview on CNN, and a file's "venue not stated", of one video): it stays with the
    merged claim, and fills in what the kept claim's lacks (_complete), where their venues agree.
    """
    appearances = list(Appearance.objects.filter(claim__in=[merged, into]))
    kept = [item for item in appearances if item.claim_id == into.pk]
    known = set().union(*(_steps(tree) for tree in _trees(kept)))
    at_url = {item.url: item for item in kept if item.url}
    moving, completed = [], 0
    for tree in _trees([item for item in appearances if item.claim_id == merged.pk]):
        if _steps(tree) <= known:
            continue
        if len(tree) == 1 and tree[0].url in at_url:
            completed += _complete(at_url[tree[0].url], tree[0])
            continue
        moving += [appearance.pk for appearance in tree]
    return Appearance.objects.filter(pk__in=moving).update(claim=into), completed


def _complete(kept, other):
    """Fill in `kept`'s blanks from `other`, the same appearance (same URL) of the merged claim: its
    venue when `kept` states none, and the outlet, date and "when" it lacks, never what it says.
    Saved through UPDATE, so the appearance's history records it (AppearanceRevision). Returns 1 if
    anything was filled in, else 0."""
    if kept.venue_stated and other.venue_type != kept.venue_type:
        return 0  # two venues for one URL: the kept claim's stands
    filled = {}
    if not kept.venue_stated and other.venue_stated:
        filled.update(venue_type=other.venue_type, venue_text=other.venue_text)
    for name in ("outlet_id", "date", "when"):
        if not getattr(kept, name) and getattr(other, name):
            filled[name] = getattr(other, name)
    if not kept.venue_text and other.venue_text and other.venue_type == filled.get("venue_type", kept.venue_type):
        filled["venue_text"] = other.venue_text
    if not filled:
        return 0
    return Appearance.objects.filter(pk=kept.pk).update(**filled)


def _move_evidence(merged, into):
    """Give the kept claim the merged one's evidence it lacks; return how many items it gained.

    Evidence a verdict of the merged claim cites is frozen with that verdict (migration 0012): it
    stays, and the kept claim gets a copy. The rest moves. An item the kept claim already has
    (same URL or citation, same stance) stays where it is.
    """
    have = {(item.url, item.citation, item.stance) for item in Evidence.objects.filter(claim=into)}
    moving, copies = [], []
    for item in Evidence.objects.filter(claim=merged).with_is_cited():
        if (item.url, item.citation, item.stance) in have:
            continue
        have.add((item.url, item.citation, item.stance))
        if item.is_cited:
            copies.append(
                Evidence(
                    claim=into,
                    url=item.url,
                    citation=item.citation,
                    summary=item.summary,
                    stance=item.stance,
                    added_by_id=item.added_by_id,
                    added_at=item.added_at,
                )
            )
        else:
            moving.append(item.pk)
    Evidence.objects.bulk_create(copies)
    return Evidence.objects.filter(pk__in=moving).update(claim=into) + len(copies)


def _move_links(merged, into):
    """Point the merged claim's links at the kept claim; drop those that would link it to itself or twice."""
    links = list(
        ClaimLink.objects.filter(from_claim__in=[merged, into]) | ClaimLink.objects.filter(to_claim__in=[merged, into])
    )
    existing = {
        (link.from_claim_id, link.to_claim_id, link.kind)
        for link in links
        if merged.pk not in (link.from_claim_id, link.to_claim_id)
    }
    dropped, moved = [], 0
    for link in links:
        if merged.pk not in (link.from_claim_id, link.to_claim_id):
            continue
        ends = [into.pk if end == merged.pk else end for end in (link.from_claim_id, link.to_claim_id)]
        if link.kind in ClaimLink.SYMMETRIC:
            ends.sort()
        if ends[0] == ends[1] or (*ends, link.kind) in existing:
            dropped.append(link.pk)
            continue
        existing.add((*ends, link.kind))
        ClaimLink.objects.filter(pk=link.pk).update(from_claim_id=ends[0], to_claim_id=ends[1])
        moved += 1
    ClaimLink.objects.filter(pk__in=dropped).delete()
    return moved


# Duplicates


def possible_duplicates(claim):
    """[(Claim, similarity)]: claims by the same speaker whose text looks like this one's, best first.

    One query. Claims merged into another are left out, as is the claim itself.
    """
    found = look_alikes([(claim.pk, claim.speaker_id, claim.text, claim.pk, None)], DUPLICATES_SHOWN)
    return [(other, similarity) for _, other, similarity in found]


def duplicates_of_rows(rows, *, at_most=PREVIEW_ROWS):
    """[{line, text, speaker, claim, claim_text, similarity}] for an import's rows (cleaning.Row) that look like
    tracked claims by the same speaker, other than the one the row updates (same import key).

    Two queries for the first `at_most` rows, whatever their number: the speakers by name, then
    each row against its speaker's LOOK_ALIKE_RECENT newest claims (look_alikes).
    """
    rows = [row for _, row in zip(range(at_most), rows, strict=False)]
    speakers = dict(
        Speaker.objects.filter(normalized_name__in={normalize_name(row.speaker.name) for row in rows}).values_list(
            "normalized_name", "pk"
        )
    )
    wanted = [
        (row.line, speakers[normalize_name(row.speaker.name)], row.text, None, row.key)
        for row in rows
        if normalize_name(row.speaker.name) in speakers
    ]
    names = {row.line: row.speaker.name for row in rows}
    texts = {row.line: row.text for row in rows}
    return [
        {
            "line": line,
            "text": texts[line],
            "speaker": names[line],
            "claim": claim.pk,
            "claim_text": claim.text,
            "similarity": round(similarity, 3),
        }
        for line, claim, similarity in look_alikes(wanted, PREVIEW_PER_ROW)
    ]


_LOOK_ALIKES_SQL = """
SELECT claim.id, claim.text, claim.status, claim.speaker_id, claim.article_id, claim.created_at, wanted.ref,
    claim.similarity
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::text[])
    AS wanted(ref, speaker_id, text, not_id, not_key)
CROSS JOIN LATERAL (
    SELECT * FROM (
        SELECT id, text, status, speaker_id, article_id, created_at, merged_into_id, import_key,
            similarity(text, wanted.text) AS similarity
        FROM factcheck_claim
        WHERE speaker_id = wanted.speaker_id
        ORDER BY created_at DESC, id DESC
        LIMIT %s
    ) AS recent
    WHERE similarity >= %s AND merged_into_id IS NULL AND id IS DISTINCT FROM wanted.not_id
        AND (wanted.not_key IS NULL OR import_key IS DISTINCT FROM wanted.not_key)
    ORDER BY similarity DESC, id DESC
    LIMIT %s
) AS claim
ORDER BY wanted.ref, claim.similarity DESC, claim.id DESC
"""


def look_alikes(wanted, limit):
    """[(ref, Claim, similarity)] for each (ref, speaker id, text, claim id to leave out, import key to
    leave out) wanted, at most `limit` a ref, best first. One query.

    Among the speaker's LOOK_ALIKE_RECENT newest claims, those at least LOOK_ALIKE_SIMILARITY alike:
    pg_trgm's `similarity` on PostgreSQL, the same trigram measure computed here on SQLite.
    """
    if not wanted:
        return []
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*wanted, strict=True)]
        claims = Claim.objects.raw(_LOOK_ALIKES_SQL, [*columns, LOOK_ALIKE_RECENT, LOOK_ALIKE_SIMILARITY, limit])
        return [(claim.ref, claim, claim.similarity) for claim in claims]
    newest_first = Window(RowNumber(), partition_by=F("speaker_id"), order_by=[F("created_at").desc(), F("id").desc()])
    recent = (
        Claim.objects.filter(speaker_id__in={speaker for _, speaker, *_ in wanted})
        .only("id", "text", "status", "speaker_id", "article_id", "created_at", "merged_into", "import_key")
        .annotate(row=newest_first)
        .filter(row__lte=LOOK_ALIKE_RECENT)
    )
    by_speaker = {}
    for claim in recent:
        if claim.merged_into_id is None:
            by_speaker.setdefault(claim.speaker_id, []).append((claim, trigrams(claim.text)))
    found = []
    for ref, speaker, text, not_id, not_key in wanted:
        mine, scored = trigrams(text), []
        for claim, theirs in by_speaker.get(speaker, []):
            if claim.pk == not_id or (not_key is not None and claim.import_key == not_key):
                continue
            similarity = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
            if similarity >= LOOK_ALIKE_SIMILARITY:
                scored.append((similarity, claim.pk, claim))
        best = sorted(scored, key=lambda item: item[:2], reverse=True)[:limit]
        found += [(ref, claim, similarity) for similarity, _, claim in best]
    return found
