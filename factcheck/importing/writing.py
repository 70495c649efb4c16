"""Rows against the database: what each would change (plan), then the changes written in bulk (write).

A chunk of rows costs a fixed number of statements whatever its size: new rows go in with ids
drawn beforehand through models.insert (on PostgreSQL one COPY a table), status changes through
Claim.objects.set_statuses with their events.
"""

import hashlib
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, lru_cache

from django.db import connection
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.formats import date_format

from factcheck.importing.cleaning import UNSTATED_VENUE, norm, our_page
from factcheck.models import (
    Appearance,
    AppearanceRevision,
    Article,
    Claim,
    ClaimKind,
    ClaimRevision,
    Decision,
    Evidence,
    ExternalReview,
    Outlet,
    PublishedVerdict,
    Speaker,
    allocate_ids,
    insert,
    lookalike_message,
    outlets_changed,
    recheck_date,
)
from factcheck.revisions import IMPORT_VIA, recording_speaker_changes
from factcheck.text import display_name, lookalike_key
from factcheck.verification import (
    CITED_STANCE,
    Attribution,
    Status,
    TransitionRefused,
    check_attribution,
    check_imported_verdict,
    check_verdict,
    implied_attribution,
    relayed_by_another,
)

# What plan() compares a stored claim with, and write() saves it back with (named tuples).
STORED_FIELDS = ["pk", "import_key", "status", "version", "attribution", "text", "quote", "kind"]
STORED_FIELDS += ["quantity_value", "quantity_unit", "quantity_qualifier", "speaker_id", "article_id"]


def stored_claims(keys, *, lock, by_id):
    """import_key -> the STORED_FIELDS of each claim already imported under these keys.

    `by_id` (key -> claim id) adds claims found by their id for keys no claim was imported under:
    a row linked to a tracked claim in the preview, or our own claim's page URL (an export of ours).
    """
    claims = (Claim.objects.select_for_update() if lock else Claim.objects).values_list(*STORED_FIELDS, named=True)
    found = {claim.import_key: claim for claim in claims.filter(import_key__in=keys)}
    wanted = {pk: key for key, pk in by_id.items() if key not in found}
    found.update({wanted[claim.pk]: claim for claim in claims.filter(pk__in=wanted)})
    return found


APPEARANCE_FIELDS = ["id", "relayed_from_id", "venue_type", "outlet_id", "url", "date", "when"]


def stored_appearances(claim_ids):
    """claim id -> [the APPEARANCE_FIELDS of each of its appearances], and again as it was imported for
    one an editor has corrected since: a row giving it as it was is that appearance, not a new one.
    With them, as they were, those an editor removed: appearance id -> its removal, which a row giving
    it does not undo."""
    found = _by_claim(Appearance, APPEARANCE_FIELDS, claim_ids)
    imported = {}  # appearance id -> the columns an editor changed, as they were before
    removed = {}  # appearance id -> its removal by an editor
    if claim_ids:
        edits = AppearanceRevision.objects.filter(claim__in=claim_ids).exclude(via__startswith=IMPORT_VIA)
        for revision in edits.named().select_related("by").order_by("-at", "-pk"):
            if revision.removed:
                removed[revision.appearance_id] = revision
                values = {**revision.before, "id": revision.appearance_id}
                found.setdefault(revision.claim_id, []).append([values.get(name) for name in APPEARANCE_FIELDS])
            else:
                imported.setdefault(revision.appearance_id, {}).update(revision.before)  # the earliest's last
    for appearances in found.values():
        for values in list(appearances):
            if values[0] in imported:
                fields = dict(zip(APPEARANCE_FIELDS, values, strict=True)) | imported[values[0]]
                appearances.append([fields[name] for name in APPEARANCE_FIELDS])
    return found, removed


def our_claims(rows):
    """key -> the id of our claim whose page, or whose published verdict's page, the row's key is. One query
    at most (for verdict pages)."""
    pages = {row.key: page for row in rows if (page := our_page(row.key))}
    verdicts = {pk for kind, pk in pages.values() if kind == "verdicts"}
    published = dict(PublishedVerdict.objects.filter(pk__in=verdicts).values_list("pk", "claim_id")) if verdicts else {}
    claims = {key: pk if kind == "claims" else published.get(pk) for key, (kind, pk) in pages.items()}
    return {key: pk for key, pk in claims.items() if pk}


def _by_claim(model, columns, claim_ids):
    """claim id -> [the row's other columns] of `model`'s rows belonging to those claims."""
    found = {}
    if claim_ids:
        for claim_id, *values in model.objects.filter(claim__in=claim_ids).values_list("claim_id", *columns):
            found.setdefault(claim_id, []).append(values)
    return found


class Entities:
    """Speakers, outlets and articles of one import, each looked up once and created once.

    Speakers match on the normalised name, then on a normalised alias of a stored speaker;
    outlets on the normalised name; articles on their URL, or on outlet and headline when they
    have none. A chunk's names are looked up before its rows are judged (`resolve`: a name not stored yet has
    the id None), then those of the rows kept are settled (`settle`), so that a refused row,
    whatever refused it, creates nothing. An import changes a stored speaker only where its title
    or affiliation is blank. A new name that looks like a tracked one, or like another new name of
    the import, is held and never created (`held`): a person adds it in the admin, which asks.
    """

    def __init__(self, *, create):
        self.create = create
        self.speakers, self.outlets, self.articles = {}, {}, {}  # key -> id, None while not stored
        self.new_speakers, self.new_outlets = {}, {}  # key -> name, of the new names rows kept bear
        self.completed_speakers = {}  # pk -> name of tracked speakers whose blank title or affiliation the file fills
        self._blanks_checked = set()  # the tracked speakers whose blanks _fill_blanks has looked at
        # ("speaker" or "outlet", normalised name) -> why it is held: its rows are refused (see held_field).
        self.held = {}
        self._new_lookalikes = {"speaker": {}, "outlet": {}}  # lookalike_key -> name new in this import
        # The claims other checkers' reviews of this import create (reviewed_claim), for the later reviews of each.
        self.reviewed = set()

    def speaker(self, row):
        return self.speakers[norm(row.speaker.name)]

    def outlet(self, name):
        return self.outlets[norm(name)] if name else None

    def article(self, row):
        return self.articles[self._article_key(row.article)] if row.article else None

    @staticmethod
    def _outlet_names(row):
        names = [link.outlet for links in row.chains for link in links if link.outlet]
        return [*names, row.article.outlet] if row.article else names

    def resolve(self, rows):
        speakers, outlets, articles = {}, {}, {}
        for row in rows:
            key = norm(row.speaker.name)
            if key not in self.speakers:
                speakers.setdefault(key, row.speaker.name)
            for name in self._outlet_names(row):
                if norm(name) not in self.outlets:
                    outlets.setdefault(norm(name), name)
            if row.article:
                key = self._article_key(row.article)
                if key not in self.articles:
                    articles.setdefault(key, row.article)
        if speakers:
            self.speakers.update(self._resolve_names(Speaker, speakers))
        if outlets:
            self.outlets.update(self._resolve_names(Outlet, outlets))
        if articles:
            self._resolve_articles(articles)

    def settle(self, rows):
        """Count the new names of a chunk's kept `rows`, and when this pass writes create them and fill
        the blank titles and affiliations of the tracked speakers they name."""
        speakers, outlets, articles, tracked = {}, {}, {}, {}
        for row in rows:
            key = norm(row.speaker.name)
            if self.speakers[key] is None:
                speakers.setdefault(key, row.speaker._asdict())
            elif key not in self.new_speakers and self.speakers[key] not in self._blanks_checked:
                tracked.setdefault(self.speakers[key], row.speaker)
            for name in self._outlet_names(row):
                if self.outlets[norm(name)] is None:
                    outlets.setdefault(norm(name), {"name": name})
            if row.article and self.articles[key := self._article_key(row.article)] is None:
                articles.setdefault(key, row.article)
        self._create(Speaker, speakers, self.speakers, self.new_speakers)
        self._create(Outlet, outlets, self.outlets, self.new_outlets)
        if articles and self.create:  # like claims: ids drawn first, then one COPY
            now, ids = timezone.now(), allocate_ids(Article, len(articles))
            insert(
                Article,
                ["id", "outlet_id", "headline", "url", "published", "body", "created_at"],
                [
                    (pk, self.outlet(article.outlet), article.headline, article.url, _date(article.published), "", now)
                    for pk, article in zip(ids, articles.values(), strict=True)
                ],
            )
            self.articles.update(zip(articles, ids, strict=True))
        self._blanks_checked.update(tracked)
        self._fill_blanks(tracked)

    def _create(self, model, wanted, ids, new):
        for key, fields in wanted.items():
            new.setdefault(key, fields["name"])
        if wanted and self.create:
            model.objects.bulk_create(
                [
                    model(normalized_name=key, lookalike_key=lookalike_key(fields["name"]), **fields)
                    for key, fields in wanted.items()
                ],
                ignore_conflicts=True,  # another import may have just created one; it is found next
            )
            ids.update(model.objects.filter(normalized_name__in=wanted).values_list("normalized_name", "pk"))
            if model is Outlet:
                outlets_changed()

    @cached_property
    def aliases(self):
        """Speaker.objects.alias_index(), read once an import meets a name it does not know."""
        return Speaker.objects.alias_index()

    def held_field(self, row):
        """(field, why) when the row names a speaker or outlet held as a possible duplicate, else None."""
        held = self.held
        why = held.get(("speaker", norm(row.speaker.name)))
        if why:
            return "speaker", why
        for links in row.chains:
            for place, link in enumerate(links):
                if link.outlet and (why := held.get(("outlet", norm(link.outlet)))):
                    return "relayed_by" if place else "outlet", why
        if row.article and (why := held.get(("outlet", norm(row.article.outlet)))):
            return "article_outlet", why
        return None

    def _hold_lookalikes(self, model, missing):
        """Take out of `missing` (normalised name -> name) the names to hold, saying why in `held`."""
        kind = model._meta.model_name
        keys = {key: lookalike_key(name) for key, name in missing.items()}
        twins = {
            lookalike: (f"the {kind} #{pk}", name)
            for pk, name, lookalike in model.objects.filter(lookalike_key__in=set(keys.values()))
            .order_by("-pk")  # the oldest last, so it is the one kept
            .values_list("pk", "name", "lookalike_key")
        }
        if model is Speaker:  # a tracked speaker's other spellings count too
            aliases = self.aliases[1]
            by_alias = {key: aliases[key] for key in set(keys.values()) if key in aliases}
            names = dict(Speaker.objects.filter(pk__in=by_alias.values()).values_list("pk", "name")) if by_alias else {}
            for key, pk in by_alias.items():
                twins.setdefault(key, (f"the speaker #{pk}", names[pk]))
        new = self._new_lookalikes[kind]
        for key, name in list(missing.items()):
            twin = twins.get(keys[key]) or new.get(keys[key])
            if twin:
                label, twin_name = twin
                self.held[kind, key] = lookalike_message(name, twin_name, label)
                del missing[key]
            else:
                new[keys[key]] = (f"the {kind} new in this import", name)

    def _resolve_names(self, model, wanted):
        """key -> id of speakers or outlets by normalised name (a speaker also by an alias), None for one
        not stored. `wanted`: key -> name."""
        found = dict(model.objects.filter(normalized_name__in=wanted).values_list("normalized_name", "pk"))
        if model is Speaker:
            aliases = self.aliases[0]
            found.update({key: aliases[key] for key in wanted.keys() - found.keys() if key in aliases})
        missing = {key: name for key, name in wanted.items() if key not in found}
        if missing:
            self._hold_lookalikes(model, missing)
        return {key: found.get(key) for key in wanted}

    def _fill_blanks(self, tracked):
        """Give tracked speakers the title and affiliation the file has for them where theirs are blank,
        never over an editor's word. At most three queries, whatever the number of speakers."""
        tracked = {pk: who for pk, who in tracked.items() if who.title or who.affiliation}
        if not tracked:
            return
        filled = {"title": {}, "affiliation": {}}
        for pk, name, title, affiliation in Speaker.objects.filter(pk__in=tracked).values_list(
            "pk", "name", "title", "affiliation"
        ):
            given = tracked[pk]
            for name_of_field, stored in (("title", title), ("affiliation", affiliation)):
                if not stored and getattr(given, name_of_field):
                    filled[name_of_field][pk] = getattr(given, name_of_field)
                    self.completed_speakers[pk] = name
        for name_of_field, values in filled.items():
            if values and self.create:
                # Blank at the moment of writing too: an editor's edit meanwhile is not overwritten.
                cases = (When(pk=pk, then=Value(value)) for pk, value in values.items())
                Speaker.objects.filter(pk__in=values, **{name_of_field: ""}).update(
                    **{name_of_field: Case(*cases, default=F(name_of_field))}
                )

    @staticmethod
    def _article_key(article):
        if article.url:
            return ("url", article.url)
        return ("headline", norm(article.outlet), article.headline, article.published)

    def _resolve_articles(self, wanted):
        if self.held:  # an article of a held outlet is not made: its rows are refused
            wanted = {
                key: article for key, article in wanted.items() if ("outlet", norm(article.outlet)) not in self.held
            }
        urls = [key[1] for key in wanted if key[0] == "url"]
        found = dict(Article.objects.filter(url__in=urls).values_list("url", "pk"))
        self.articles.update({key: found[key[1]] for key in wanted if key[0] == "url" and key[1] in found})
        self.articles.update(self._tracked_without_address({k: a for k, a in wanted.items() if k not in self.articles}))

    def _tracked_without_address(self, wanted):
        """The stories tracked without an address (pasted at the desk) that rows name by headline and outlet,
        and by address unless another story has it: article key -> id, None for a story new to us.

        Headlines repeat ("Live updates"), so a story matches only one dated the same day (or either
        undated), only when it alone matches, and only for one address of the import: two addresses
        for one tracked story say nothing of which it is, and each is then a story of its own.
        """
        tracked = defaultdict(list)
        for pk, headline, outlet, published in Article.objects.filter(
            url="", headline__in={article.headline for article in wanted.values()}
        ).values_list("pk", "headline", "outlet__normalized_name", "published"):
            tracked[outlet, headline].append((pk, published and published.isoformat()))
        matched = {}
        for key, article in wanted.items():
            dated = [
                pk
                for pk, published in tracked[norm(article.outlet), article.headline]
                if not (published and article.published) or published == article.published
            ]
            matched[key] = dated[0] if len(dated) == 1 else None
        addresses = Counter(pk for key, pk in matched.items() if pk and key[0] == "url")
        return {key: None if key[0] == "url" and addresses[pk] > 1 else pk for key, pk in matched.items()}


@dataclass(slots=True)
class Change:
    """What one row does to the database."""

    row: object
    claim: tuple | None = None  # its STORED_FIELDS; None: the row creates the claim
    fields: dict = field(default_factory=dict)  # stored claim fields to change
    appearances: list = field(default_factory=list)  # (key, parent, Link): keys < 0 are new, > 0 stored
    evidence: list = field(default_factory=list)  # new evidence items
    reviews: list = field(default_factory=list)  # new ExternalReviews (cleaning.Review)
    # (id, stance) of the claim's evidence, stored and new: what a verdict may cite.
    stances: list = field(default_factory=list)
    removed: list = field(default_factory=list)  # removals (AppearanceRevision) of appearances the row gives
    status: Status | None = None  # the status an event moves the claim to
    attribution: Attribution | None = None  # a new claim's first attribution state
    error: str = ""
    field: str = "status"  # the field the error is about
    joins: bool = False  # another checker's review of a claim an earlier row of the import creates
    claim_id: int | None = None
    editors_verdict: bool = False  # the stored claim's status is an editor's verdict, read with it locked

    @property
    def action(self):
        if self.error:
            return "rejected"
        if self.joins:
            return "updated"
        if self.claim is None:
            return "created"
        changed = self.fields or self.appearances or self.evidence or self.reviews or self.status
        return "updated" if changed else "unchanged"


def refused_verdict(refusal, status):
    """Why the rules refuse a row's status; for want of evidence, which of the file's columns give it."""
    if refusal.code != "evidence_required":
        return refusal.message
    stance = CITED_STANCE[status]
    return (
        f"{refusal.message.removesuffix('.')}: fill the row's evidence_url (or evidence_citation), evidence_summary "
        f"and evidence_stance {stance} (left empty, it is {stance} for {status.label.lower()})"
    )


@lru_cache(maxsize=64)
def _first_status(status, stances):
    """(status, "") for a new claim's first event, or (None, why the rules refuse it)."""
    try:
        return check_verdict(None, status, reason="recorded", stances=stances), ""
    except TransitionRefused as refusal:
        return None, refused_verdict(refusal, status)


def _first_attribution(row):
    """(a new claim's first attribution state, "") as the row gives it or its chain implies it, or (None, why not).

    A state the file gives is recorded as the file's word (files carry no primary source; the
    event's reason names the file), as a status is.
    """
    links = [
        ((n, k), link.venue, norm(link.outlet or "") or None, (n, k - 1) if k else None)  # None: nobody named
        for n, chain in enumerate(row.chains)
        for k, link in enumerate(chain)
    ]
    implied = implied_attribution(links, norm(row.article.outlet) if row.article else None)
    try:
        state = row.attribution or implied
        return check_attribution(None, state, reason="recorded", implied=state), ""
    except TransitionRefused as refusal:
        return None, refusal.message


def plan(rows, entities, *, linked):
    """One Change per row: what it creates, updates or leaves alone, or why it is refused.

    A fixed number of queries whatever the rows; the stored claims are locked when they are to be
    written. A name not stored yet has no id here: a changed speaker or story is marked in
    `fields`, and write() reads its id. `linked`: line -> the tracked claim a row was linked to
    in the preview (the same claim).
    """
    entities.resolve(rows)
    own = our_claims(rows)
    by_id = own | {row.key: linked[row.line] for row in rows if row.line in linked}
    claims = stored_claims([row.key for row in rows], lock=entities.create, by_id=by_id)
    for row in rows:
        claim = claims.get(row.key)
        if claim is not None and claim.pk == by_id.get(row.key) and claim.speaker_id != entities.speaker(row):
            # Our page's URL, or a link chosen in the preview, but another speaker: an export of
            # another database at the same address (every development copy is 127.0.0.1:8000).
            del claims[row.key]
    joined = _known_reviewed_claims(rows, claims, entities)
    ids = [claim.pk for claim in claims.values()]
    appearances, removed = stored_appearances(ids)
    evidence = _by_claim(Evidence, ["id", "url", "citation", "stance"], ids)
    reviewed = [claims[row.key].pk for row in rows if row.review and row.key in claims]
    reviews = _by_claim(ExternalReview, ["publisher", "url"], reviewed)  # [publisher, url] of each
    stored = [(row.status, claims[row.key]) for row in rows if row.status and row.key in claims]
    moved = Claim.objects.filter(pk__in=[claim.pk for status, claim in stored if status != claim.status])
    editors = set(moved.editors_verdicts().values_list("pk", flat=True))  # verdicts an import never undoes

    changes = []
    for row in rows:
        held = entities.held and entities.held_field(row)
        if held:
            changes.append(Change(row, field=held[0], error=held[1]))
            continue
        claim = claims.get(row.key)
        if claim is None:
            changes.append(_creation(row, entities))
            continue
        ours = claim.pk == own.get(row.key)
        if ours:
            # Our own ClaimReview of this claim: our verdict is neither evidence for itself nor another's review.
            row = row._replace(evidence=[item for item in row.evidence if item.url != row.key], review=None)
        # A verdict we published names the claim as it judged it, words and status: it undoes nothing decided since.
        published = ours and our_page(row.key)[0] == "verdicts"
        link = published or ((linked.get(row.line) == claim.pk or row.key in joined) and not ours)
        known = appearances.get(claim.pk, []), evidence.get(claim.pk, [])
        change = _update(row, claim, *known, entities, link, claim.pk in editors, removed)
        if row.review and [row.review.publisher, row.review.url] not in reviews.get(claim.pk, []):
            change.reviews = [row.review]
        changes.append(change)
    _refuse_editors_edits(changes)
    return changes


# The label of a claim's field in a refusal, and the file's column it is read from.
EDITED_LABELS = ClaimRevision.FIELDS | {"text": "words"}
EDITED_COLUMNS = {"text": "claim", "speaker_id": "speaker", "article_id": "article_url"}


def _refuse_editors_edits(changes):
    """Refuse the rows that would change a field of a stored claim someone changed since it was imported,
    in the app (an editor) rather than by an import: an import never undoes an editor's edit, as it never
    undoes an editor's verdict. One query, for the claims whose fields the rows would change."""
    changing = {change.claim.pk: change for change in changes if change.fields and not change.error}
    if not changing:
        return
    latest = {}  # (claim id, column) -> the latest revision that changed it
    for revision in ClaimRevision.objects.filter(claim__in=changing).select_related("by").order_by("at", "pk"):
        for column in revision.before:
            latest[revision.claim_id, column] = revision
    for pk, change in changing.items():
        edits = {}  # revision -> the row's fields it set
        for name in change.fields:
            revision = latest.get((pk, name))
            if revision is not None and not revision.via.startswith(IMPORT_VIA):
                edits.setdefault(revision, []).append(name)
        if edits:
            first = next(iter(edits.values()))[0]
            change.error, change.field = _editors_edit(pk, edits), EDITED_COLUMNS.get(first, first)


def _editors_edit(pk, edits):
    said = []
    for revision, names in edits.items():
        fields = " and ".join(", ".join(EDITED_LABELS[name] for name in names).rsplit(", ", 1))
        said.append(f"{_by_whom(revision)} changed claim #{pk}'s {fields} in the app on {_when(revision)}")
    return (
        f"{'; '.join(said)}; an import does not undo an editor's edit: change it in the admin, or write it in the "
        "file as it now is"
    )


def _by_whom(revision):
    return display_name(revision.by) if revision.by else f"someone (“{revision.via}”)"


def _when(revision):
    return date_format(timezone.localtime(revision.at), "j M Y, H:i T")


def removals_kept(change):
    """What a row gives that an editor removed, as the preview and the result name it: one sentence each."""
    return [
        f"line {change.row.line}: {_by_whom(removal)} removed claim #{change.claim.pk}'s appearance "
        f"{removal.summary()} in the app on {_when(removal)}; an import does not add back what an editor removed"
        for removal in change.removed
    ]


def reviewed_claim(row):
    """What makes a ClaimReview's claim one, whoever reviews it: its speaker and words (its key is the review's URL).

    Their SHA-256, as content_key identifies a row without an id: hash() let two claims whose 64-bit hashes
    collide pass for one, and a million claims' words themselves would not fit the import's memory."""
    return hashlib.sha256(f"{norm(row.speaker.name)}\x1f{row.text}".encode()).digest()


def _known_reviewed_claims(rows, claims, entities):
    """Add to `claims` the stored claim each other checker's review names by its speaker and words, where
    its own key (the review's URL) names none: the keys of those rows, which add their review beside
    the first as a row linked in the preview does (the claim's words and verdict stay). One query."""
    wanted = {
        row.key: (speaker, row.text)
        for row in rows
        if row.review and row.key not in claims and our_page(row.key) is None and (speaker := entities.speaker(row))
    }
    if not wanted:
        return set()
    found = {}
    stored = (Claim.objects.select_for_update() if entities.create else Claim.objects).filter(
        speaker_id__in={speaker for speaker, _ in wanted.values()},
        text__in={text for _, text in wanted.values()},
        merged_into__isnull=True,
    )
    for claim in stored.order_by("-pk").values_list(*STORED_FIELDS, named=True):  # the oldest last, kept
        found[claim.speaker_id, claim.text] = claim
    joined = {key for key, said in wanted.items() if said in found}
    claims.update({key: found[wanted[key]] for key in joined})
    return joined


def _creation(row, entities):
    # Our own export read into another database: our verdict, with its page as evidence, is no other's review.
    theirs = row.review and our_page(row.key) is None
    if theirs and reviewed_claim(row) in entities.reviewed:
        return Change(row, joins=True)  # written once the claim is (_Pass.take), beside the first review
    change = Change(row, evidence=row.evidence, reviews=[row.review] if theirs else [])
    stances = frozenset(item.stance for item in row.evidence)
    change.status, change.error = _first_status(row.status or Status.UNCONFIRMED, stances)
    change.attribution, refused = _first_attribution(row)
    if refused and not change.error:
        change.error, change.field = refused, "attribution"
    if theirs and not change.error:
        entities.reviewed.add(reviewed_claim(row))
    if len(row.chains) == 1:  # the usual case: one chain, nothing to merge
        change.appearances = [(-n - 1, -n if n else None, link) for n, link in enumerate(row.chains[0])]
    elif row.chains:
        _merge_appearances(change, [], entities)
    return change


def _update(row, claim, appearances, evidence, entities, link, editors_verdict, removed):
    """A stored claim's row: the appearances and evidence the claim lacks, its changed fields, its new status.

    A row `link`ed to a tracked claim in the preview adds only appearances and evidence: its
    words, speaker and verdict stay as they are, since the link says the row is that claim.
    A status other than an `editors_verdict` is refused, as a different attribution is.
    """
    change = Change(row, claim, editors_verdict=editors_verdict)
    _merge_appearances(change, appearances, entities, removed)
    known = {(url, citation, stance) for _, url, citation, stance in evidence}
    change.evidence = [item for item in row.evidence if (item.url, item.citation, item.stance) not in known]
    if link:
        return change
    change.fields = _changed_fields(row, claim, entities)
    if row.attribution and row.attribution != claim.attribution:
        change.error, change.field = (
            f"an import does not change who said a claim (it is “{Attribution(claim.attribution).label}”); "
            "decide it on the claim's page",
            "attribution",
        )
    if row.status and row.status != claim.status:
        stances = {item.stance for item in change.evidence} | {stance for *_, stance in evidence}
        try:
            change.status = check_imported_verdict(
                claim.status, row.status, reason="imported", stances=stances, editors_verdict=editors_verdict
            )
        except TransitionRefused as refusal:
            change.error, change.field = refused_verdict(refusal, row.status), "status"
        change.stances = [(pk, stance) for pk, _, _, stance in evidence]
    return change


def _changed_fields(row, claim, entities):
    wanted = {"text": row.text, "speaker_id": entities.speaker(row)}
    if row.quote is not None:
        wanted["quote"] = row.quote
    if row.kind is not None:
        wanted["kind"] = row.kind
    if row.quantity is not None:
        amount, unit, qualifier = row.quantity
        wanted.update(
            quantity_value=None if amount is None else Decimal(amount), quantity_unit=unit, quantity_qualifier=qualifier
        )
    if row.article is not None:
        wanted["article_id"] = entities.article(row)
    return {name: value for name, value in wanted.items() if getattr(claim, name) != value}


def _merge_appearances(change, stored, entities, removed=None):
    """Add each chain of the row, less the part the claim already has.

    The stored appearances form a tree (relayed_from points to the parent). A chain is walked
    from its origin down that tree; what does not match is added below the last match. A chain
    that reaches an appearance an editor `removed` (id -> removal) stops there: an import does not
    undo an editor's edit, and the removal is noted on the change.
    """
    children = {}
    for pk, parent, venue, outlet, url, day, when in stored:
        # A stored date compared with a row's ISO text: str() of a date is its ISO form.
        children.setdefault(parent, []).append(((venue, outlet, url, day and str(day), when), pk))
    for links in change.row.chains:
        parent = None
        for link in links:
            outlet = entities.outlet(link.outlet)
            if outlet is None and link.outlet:  # a new outlet, in a preview
                outlet = ("new", norm(link.outlet))
            signature = (link.venue or UNSTATED_VENUE, outlet, link.url, link.date, link.when)
            # A file that cannot say when (ClaimReview has no such field) matches whatever is stored.
            width = 4 if link.when is None else 5
            siblings = children.get(parent, [])
            match = next((pk for known, pk in siblings if known[:width] == signature[:width]), None)
            if match is None and link.url and link.date is None:
                # The same work (its URL) listed again without its date: a feed's firstAppearance among its appearances.
                undated = (*signature[:3], None, *signature[4:width])
                match = next((pk for known, pk in siblings if (*known[:3], None, *known[4:width]) == undated), None)
            bare = (link.venue or UNSTATED_VENUE) == UNSTATED_VENUE and not (link.outlet or link.date or link.text)
            if match is None and link.url and bare and not link.when:
                # Nothing but its URL (another checker's review names the work only): the work with that URL.
                match = next((pk for known, pk in siblings if known[2] == link.url), None)
            if match is None:
                match = -len(change.appearances) - 1
                children.setdefault(parent, []).append((signature, match))
                change.appearances.append((match, parent, link))
            elif removed and match in removed:
                change.removed.append(removed[match])
                break
            parent = match


CLAIM_COLUMNS = [
    *("id", "text", "quote", "speaker_id", "article_id", "span_exact", "span_prefix", "span_suffix", "kind"),
    *("quantity_value", "quantity_unit", "quantity_qualifier", "status", "attribution", "version", "status_changed_at"),
    *("status_changed_by_id", "import_key", "created_at", "recheck_on"),
]


APPEARANCE_COLUMNS = [
    *("id", "claim_id", "venue_type", "outlet_id", "url", "date", "when", "relayed_from_id", "venue_text"),
]
REVIEW_COLUMNS = [
    *("id", "claim_id", "publisher", "label", "rating_value", "best_rating", "worst_rating", "url", "published"),
    "created_at",
]
EVIDENCE_COLUMNS = ["id", "claim_id", "url", "citation", "summary", "stance", "added_by_id", "added_at"]


class Statistics:
    """The statistics of the tables the triggers look an import's rows up in (the claims, their
    appearances and outlets, the stories), kept up with an import that grows them in its one transaction.

    A trigger's function plans each of its statements once a session, from the statistics, and
    autovacuum cannot count rows not yet committed. In a new database, an import's first chunk
    planned the look-up of its claims' rows for a claims table of a few rows, as a scan of all of
    them, and every later chunk joined its rows to every claim: 60,000 rows took 289 s, a million
    were not in after 25 minutes. ANALYZE in the transaction counts its rows, and every plan made
    on those tables is made again. Done each time the claims written outgrow the claims the
    statistics knew: eight times in a million rows imported into an empty database, each
    at most about 2 s (the four tables at a million claims; ANALYZE reads a sample).
    """

    def __init__(self):
        self.known = self.grown = 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [Claim._meta.db_table]
                )
                self.known = cursor.fetchone()[0]

    def grew(self, claims):
        """`claims` more were written: analyse the tables once they outgrow what is known of them."""
        self.grown += claims
        if connection.vendor != "postgresql" or self.grown <= self.known:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT factcheck_analyze_looked_up()")  # as the tables' owner (migration 0056)
        self.known, self.grown = self.known + self.grown, 0


def write(changes, entities, *, user, reason_for, now, how="in an import"):
    """Write one chunk's planned changes (refused ones left out): its new rows with fresh ids, parents
    first, the changes to stored claims' fields, then the status changes with their events; a stored
    claim given another speaker goes back to "attribution not checked" (ClaimQuerySet.speakers_changed, `how`
    saying where), as every road that changes a speaker does."""
    user_id = user.pk
    changes = [change for change in changes if not change.error and not change.joins]
    new = [change for change in changes if change.claim is None]
    counts = {
        Claim: len(new),
        Appearance: sum(len(change.appearances) for change in changes),
        Evidence: sum(len(change.evidence) for change in changes),
        ExternalReview: sum(len(change.reviews) for change in changes),
    }
    ids = {model: iter(allocate_ids(model, count)) for model, count in counts.items()}
    for change in changes:
        change.claim_id = next(ids[Claim]) if change.claim is None else change.claim.pk
    claims, claim_columns = [_claim_values(change, entities, user_id, now) for change in new], CLAIM_COLUMNS
    if connection.vendor == "postgresql":  # with the facets their appearances, written next, give them
        claims = [(*values, facets_of(change, entities)) for values, change in zip(claims, new, strict=True)]
        claim_columns = [*CLAIM_COLUMNS, "facets"]

    planned = [(change.claim_id, *appearance) for change in changes for appearance in change.appearances]
    appearance_ids = {(claim_id, key): next(ids[Appearance]) for claim_id, key, _, _ in planned}
    appearances = [
        (
            appearance_ids[claim_id, key],
            claim_id,
            link.venue or UNSTATED_VENUE,
            entities.outlet(link.outlet),
            link.url,
            _date(link.date),
            link.when or "",
            appearance_ids[claim_id, parent] if parent is not None and parent < 0 else parent,
            link.text or None,
        )
        for claim_id, key, parent, link in planned
    ]

    evidence = []
    for change in changes:
        for item in change.evidence:
            pk, source = next(ids[Evidence]), (item.url, item.citation, item.summary, item.stance)
            evidence.append((pk, change.claim_id, *source, user_id, now))
            change.stances.append((pk, item.stance))

    reviews = [
        (
            *(next(ids[ExternalReview]), change.claim_id, review.publisher, review.label),
            *(_decimal(review.value), _decimal(review.best), _decimal(review.worst)),
            *(review.url, _date(review.published), now),
        )
        for change in changes
        for review in change.reviews
    ]

    decisions = [
        Decision(
            change.claim_id,
            change.claim and change.claim.status,
            change.status,
            change.claim.attribution if change.claim else change.attribution,
            change.claim.version + 1 if change.claim else 1,
            reason_for(change.row),
            change.stances,
        )
        for change in changes
        if change.status
    ]
    insert(Claim, claim_columns, claims)
    insert(Appearance, APPEARANCE_COLUMNS, appearances)
    insert(Evidence, EVIDENCE_COLUMNS, evidence)
    insert(ExternalReview, REVIEW_COLUMNS, reviews)
    edited = [change for change in changes if change.claim is not None and change.fields]
    # Few: a file that names another speaker for a claim it imported before.
    spoken_before = {change.claim_id: change.claim.speaker_id for change in edited if "speaker_id" in change.fields}
    with recording_speaker_changes() if spoken_before else nullcontext():
        if edited:
            Claim.objects.bulk_update(
                [Claim(**{**change.claim._asdict(), **_written_fields(change, entities)}) for change in edited],
                sorted({name.removesuffix("_id") for change in edited for name in change.fields}),
                batch_size=500,
            )
        # Which claims hold an editor's verdict was read in planning them, and they have been locked since.
        editors = [change.claim_id for change in changes if change.editors_verdict]
        Claim.objects.set_statuses(decisions, by=user, at=now, editors_verdicts=editors)
        if spoken_before:
            Claim.objects.speakers_changed(spoken_before, by=user, how=how)


def _written_fields(change, entities):
    """A stored claim's changed fields, with the ids of its speaker and story as settled: a name new
    to the database had none when the row was planned."""
    fields = dict(change.fields)
    if "speaker_id" in fields:
        fields["speaker_id"] = entities.speaker(change.row)
    if "article_id" in fields:
        fields["article_id"] = entities.article(change.row)
    return fields


def facets_of(change, entities):
    """A new claim's facets (migrations 0031 to 0034, 0053 and 0054), from the appearances planned for it,
    its story, its status, kind, speaker and attribution: what the triggers give it once they are
    written, so that they leave the claim's row as it is (rewriting every claim of an import would cost
    a fifth of its time). The triggers hold the rule; a new claim has no assignee."""
    appearances = change.appearances
    venues = sorted({f"venue:{link.venue or UNSTATED_VENUE}" for _, _, link in appearances})
    newsroom = entities.outlet(change.row.article.outlet) if change.row.article else None
    links = [(link.venue, entities.outlet(link.outlet), parent) for _, parent, link in appearances]
    relayed = relayed_by_another(links, newsroom)
    outlets = {entities.outlet(link.outlet) for _, _, link in appearances}
    if newsroom:
        outlets.add(newsroom)
    own = [
        f"status:{change.status}",
        f"kind:{_new_kind(change.row)}",
        f"speaker:{entities.speaker(change.row)}",
        f"attribution:{change.attribution}",
    ]
    return [*venues, "relay:relayed" if relayed else "relay:direct", *(f"outlet:{pk}" for pk in outlets if pk), *own]


def _new_kind(row):
    """A new claim's kind: the row's, else factual (a stored claim's stays as it is)."""
    return row.kind or ClaimKind.FACTUAL


def _date(iso):
    return date.fromisoformat(iso) if iso else None


def _decimal(text):
    return None if text is None else Decimal(text)


def _claim_values(change, entities, user_id, now):
    row = change.row
    amount, unit, qualifier = row.quantity if row.quantity and row.quantity[0] is not None else (None, "", "")
    return (
        *(change.claim_id, row.text, row.quote or "", entities.speaker(row), entities.article(row), "", "", ""),
        *(_new_kind(row), amount and Decimal(amount), unit, qualifier, change.status),
        *(change.attribution, 1, now),
        *(user_id, row.key, now, recheck_date(now) if change.status == Status.UNCONFIRMED else None),
    )
