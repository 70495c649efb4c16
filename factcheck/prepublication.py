"""The pre-publication check: a draft's attributed claims read against the claims already tracked.

`check_story(text, outlet_name=..., headline=..., article=None)` runs the extraction engine on
the draft (the story desk's `storydesk.extract`), finds each claim's speaker among the tracked
speakers (`storydesk.Tracked`) and the speaker's tracked claims that look like it (the
near-duplicate match of `factcheck.merging`), and flags what an editor must look at before
publication, each flag saying what, where (the sentence) and which tracked claim:

- `verdict`: the claim is tracked as disputed or false (the claim it repeats, or a claim of its very
  words under another speaker);
- `attribution`: it is tracked as misattributed, or denied by the speaker (the same);
- `relayed`: the copy reads as if the newsroom heard it, but it reached us only through another outlet;
- `confirmation`: "confirmed", "revealed", "proved" ... around a claim nobody confirmed;
- `figure`: its figure conflicts with a tracked figure (the claim it repeats, or one linked to it);
- `evidence`: no evidence is tracked for it.

For a draft saved through the story desk (`article`), the draft's own claims stand in for the
engine's proposals they overlap (their speaker, words, figure and both axes), claims added by
hand are listed too, and the draft's own claims are never its own matches. A fixed number of
queries, however long the story.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from factcheck import merging, storydesk
from factcheck.extraction import hedges
from factcheck.models import (
    Article,
    Claim,
    ClaimLink,
    LinkKind,
    Outlet,
    Qualifier,
    Speaker,
    SpeakerKind,
    Venue,
    locate_span,
    normalize_name,
    venue_on,
)
from factcheck.text import lookalike_key
from factcheck.verification import (
    TOLD_TO_AN_OUTLET,
    WARNED_ATTRIBUTIONS,
    WARNED_STATUSES,
    Attribution,
    Status,
    implied_attribution,
)

# Words that present what follows as established: around a claim nobody confirmed, they say more
# than the newsroom knows. "unconfirmed" does not match (\b), nor do the story's hedges.
CONFIRMATION_WORDS = re.compile(
    r"\b(confirm(?:s|ed|ing)?|reveal(?:s|ed|ing)?|prove[sdn]?|proving|establish(?:es|ed)|demonstrat(?:es|ed)"
    r"|verif(?:ies|ied)|corroborat(?:es|ed)|substantiat(?:es|ed)|admit(?:s|ted)|acknowledg(?:es|ed)"
    r"|disclos(?:es|ed)|undeniabl[ey]|indisputabl[ey]|beyond doubt)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(not|never|no|unable|without|cannot|yet to)\b|n[’']t\b", re.IGNORECASE)
NEGATION_REACH = 30  # characters before the word where a negation turns it around
# A sentence ends after its closing quote marks and brackets, which stay with it: “… eighteen months.”
SENTENCE_END = re.compile(r"(?<=[.!?])(?P<closing>[\"”’')\]]*)\s+|\n")
# Below this a look-alike is shown but not flagged: restatements score above it, a claim merely
# about the same subject by the same speaker mostly below (seed story: 0.45-1.0 against 0.1-0.3).
MATCH_SIMILARITY = 0.4
MATCHES_SHOWN = 3


# code -> (label, order shown: most serious first)
FLAGS = {
    "verdict": ("Tracked as disputed or false", 0),
    "attribution": ("Tracked as misattributed or denied", 1),
    "relayed": ("Relayed claim written as heard", 2),
    "figure": ("Figure conflicts with a tracked figure", 3),
    "confirmation": ("Confirmation words around an unconfirmed claim", 4),
    "evidence": ("No evidence", 5),
}


@dataclass
class Flag:
    code: str
    message: str
    sentence: str
    start: int  # where, in the text checked
    end: int
    claim: Claim | None = None  # the tracked claim it concerns
    item: int = 0  # the number of the claim it belongs to, in story order

    @property
    def label(self):
        return FLAGS[self.code][0]

    @property
    def naming(self):
        """(before, the words naming its claim, after): the message, split where it names its claim,
        which the check page links there rather than naming it again beside it."""
        if self.claim is None:
            return self.message, "", ""
        found = re.search(rf"(?:(?:tracked )?claim )?#{self.claim.pk}(?!\d)", self.message)
        if found is None:
            return f"{self.message} ", f"Open claim #{self.claim.pk}", ""
        return self.message[: found.start()], found[0], self.message[found.end() :]

    def to_json(self, part_of=None):
        part, start, end = part_of(self.start, self.end) if part_of else ("text", self.start, self.end)
        return {
            "code": self.code,
            "label": self.label,
            "message": self.message,
            "claim_number": self.item,
            "where": {"part": part, "start": start, "end": end, "sentence": self.sentence},
            "tracked_claim": self.claim.pk if self.claim else None,
        }

    def to_record(self):
        """What a sign-off keeps of the flag."""
        return {
            "code": self.code,
            "label": self.label,
            "message": self.message,
            "sentence": self.sentence,
            "claim": self.claim.pk if self.claim else None,
        }


@dataclass
class Figure:
    value: Decimal
    unit: str = ""
    qualifier: str = Qualifier.EXACT

    def __str__(self):
        number = f"{self.value.normalize():,f}"
        qualifier = Qualifier(self.qualifier).label.lower() if self.qualifier else ""
        return " ".join(part for part in (qualifier, number, self.unit) if part)

    def bounds(self):
        """The values the figure allows, as (low, high, low included, high included); None: unbounded."""
        value = self.value
        return {
            Qualifier.UP_TO: (None, value, True, True),
            Qualifier.FEWER_THAN: (None, value, True, False),
            Qualifier.AT_LEAST: (value, None, True, True),
            Qualifier.MORE_THAN: (value, None, False, True),
            Qualifier.ABOUT: (value * Decimal("0.9"), value * Decimal("1.1"), True, True),
        }.get(self.qualifier, (value, value, True, True))

    def conflicts_with(self, other):
        """True when no number satisfies both: "up to 8,000" and "11,000" conflict, "about 10,000" and "10,500" not."""
        low, high, low_in, high_in = self.bounds()
        other_low, other_high, other_low_in, other_high_in = other.bounds()
        return _above(other_low, high, other_low_in and high_in) or _above(low, other_high, low_in and other_high_in)

    @classmethod
    def of_claim(cls, claim):
        if claim is None or claim.quantity_value is None:
            return None
        return cls(claim.quantity_value, claim.quantity_unit, claim.quantity_qualifier)

    @classmethod
    def of_proposal(cls, quantity):
        if quantity is None:
            return None
        try:
            return cls(Decimal(quantity.value), quantity.unit, quantity.qualifier or Qualifier.EXACT)
        except InvalidOperation:
            return None


def _above(low, high, touching_allowed):
    """Whether `low` lies above `high` (a range starting after another ends)."""
    if low is None or high is None:
        return False
    return low > high or (low == high and not touching_allowed)


@dataclass
class CheckedClaim:
    """One attributed claim of the draft, in story order, with what the check found for it."""

    number: int
    text: str
    speaker: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    speaker_kind: str = ""
    venue: str | None = None  # as the copy tells it
    outlet: str | None = None
    relayed_by: list = field(default_factory=list)
    figure: Figure | None = None
    own: Claim | None = None  # the draft's own claim (a draft saved through the story desk)
    speaker_id: int | None = None
    matches: list = field(default_factory=list)  # [(Claim, similarity)], best first
    # {look-alike id: the decided claim it is recorded as the same claim as}, for the undecided ones.
    decided_twins: dict = field(default_factory=dict)
    # Tracked claims of its very words, whoever said them, whose verdict the check warns about; newest first.
    same_words: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    copy_attribution: Attribution = Attribution.NOT_CHECKED

    @property
    def alike(self):
        """The tracked look-alikes alike enough to be this claim, best first."""
        return [claim for claim, similarity in self.matches if similarity >= MATCH_SIMILARITY]

    @property
    def match(self):
        """The tracked claim this one repeats: the best look-alike alike enough, unless its figure and the
        copy's cannot both hold ("12,000 troops" is not the tracked "11,000 troops" in other words)."""
        return next((claim for claim in self.alike if not _other_figure(self, claim)), None)

    @property
    def similarity(self):
        return self.matches[0][1] if self.matches else None

    @property
    def match_twin(self):
        """The decided claim the tracked claim it repeats is recorded as the same claim as (a story pasted
        twice: "Same claim as #25: Disputed" in the queue, Claim.twin_verdict), when that one is undecided."""
        match = self.match
        return self.decided_twins.get(match.pk) if match is not None else None

    @property
    def status_from(self):
        """Whose verdict `status` is: the story's own claim, else the tracked claim it repeats when the
        own claim has none yet (unconfirmed is where every claim starts), else the decided claim that one
        is the same claim as, else None (nobody's: unconfirmed)."""
        return next(
            (
                claim
                for claim in (self.own, self.match, self.match_twin)
                if claim is not None and claim.status != Status.UNCONFIRMED
            ),
            self.own,
        )

    @property
    def status(self):
        """The status that stands for it, for the flags and the sign-off: status_from's."""
        claim = self.status_from
        return Status(claim.status) if claim is not None else Status.UNCONFIRMED

    @property
    def attribution_from(self):
        """Whose attribution `attribution` is, as status_from; None when it is what the copy implies (words
        that are no claim of the story's: the draft's own claim was saved with its chain, which may not be
        the copy's reading, and its "not checked" is that chain's)."""
        return next(
            (
                claim
                for claim in (self.own, self.match)
                if claim is not None and claim.attribution != Attribution.NOT_CHECKED
            ),
            self.own,
        )

    @property
    def attribution(self):
        claim = self.attribution_from
        return Attribution(claim.attribution) if claim is not None else self.copy_attribution

    @property
    def status_label(self):
        return self.status.label

    @property
    def attribution_label(self):
        return self.attribution.label

    @property
    def copy_says(self):
        """Whose attribution it is when it is the copy's (attribution_from is None), beside its badge."""
        if self.copy_attribution != Attribution.NOT_CHECKED:
            return "as the copy tells it"
        if self.venue or self.relayed_by:
            return "the copy does not name the outlet it was told to"
        return "the copy does not say where it was said"

    @property
    def how_told(self):
        """How the story tells it: "statement to B-17", "public remarks, via Kyiv Independent". The draft's own
        claim as the desk saved it (a reviewer may have corrected the engine), other words as the copy reads."""
        if self.own is not None:
            return _told_as_saved(self.own)
        return told_as(self.venue, self.outlet, self.relayed_by)

    def _whose(self, claim):
        """ "own" (the story's own claim), "tracked_claim" (the one it repeats), "same_claim" (the decided
        claim that one is the same claim as) or None, for the API."""
        if claim is None:
            return None
        if claim is self.own:
            return "own"
        return "same_claim" if claim is self.match_twin else "tracked_claim"

    def to_json(self, part_of=None):
        part, start, end = part_of(self.start, self.end) if part_of else ("text", self.start, self.end)
        match = self.match
        return {
            "number": self.number,
            "claim": self.text,
            "speaker": self.speaker,
            "where": {"part": part, "start": start, "end": end, "sentence": self.sentence},
            "told_as": self.how_told,
            "status": self.status.value,
            "status_label": self.status.label,
            "status_from": self._whose(self.status_from),
            "attribution": self.attribution.value,
            "attribution_label": self.attribution.label,
            "attribution_from": self._whose(self.attribution_from),
            "figure": str(self.figure) if self.figure else None,
            "tracked_claim": (
                {
                    "id": match.pk,
                    "text": match.text,
                    "status": match.status,
                    "attribution": match.attribution,
                    "similarity": round(self.similarity, 3),
                }
                if match
                else None
            ),
            "flags": [flag.code for flag in self.flags],
        }


@dataclass
class Report:
    text: str
    claims: list
    warning: str | None = None
    headline_length: int = 0  # the text checked starts with the headline and a line break when > 0

    @property
    def flags(self):
        return [flag for claim in self.claims for flag in claim.flags]

    def counts(self):
        """[(code, label, how many)] for each kind of flag raised, most serious first."""
        found = {}
        for flag in self.flags:
            found[flag.code] = found.get(flag.code, 0) + 1
        return [(code, FLAGS[code][0], found[code]) for code in sorted(found, key=lambda code: FLAGS[code][1])]

    def part_of(self, start, end):
        """("headline" or "text", start, end) with offsets into that part as it was sent."""
        if self.headline_length and start < self.headline_length:
            return "headline", start, min(end, self.headline_length)
        shift = self.headline_length + 1 if self.headline_length else 0
        return "text", start - shift, end - shift

    def to_json(self):
        return {
            "claims": [claim.to_json(self.part_of) for claim in self.claims],
            "flags": [flag.to_json(self.part_of) for flag in self.flags],
            "counts": {code: count for code, _, count in self.counts()},
            "warning": self.warning,
        }


def check_article(article):
    """The check of a draft saved through the story desk: its text, against every story but itself.

    The text as the desk stores it starts with the story's headline line when the page had one
    (the desk's default headline); a headline typed apart is a label, not copy, and the engine
    reads a first line as the headline that the story's later attributions explain.
    """
    return check_story(article.body, outlet_name=article.outlet.name, newsroom_id=article.outlet_id, article=article)


def check_story(text, *, outlet_name, headline="", newsroom_id=None, article=None):
    """Check a draft's text (and headline) against the tracked claims; returns a Report.

    `text` is the story's text as the story desk stores it (factcheck.storydesk.story_text). A
    headline not already the text's first line is checked with it, as its first line.
    """
    headline = " ".join((headline or "").split())
    first_line = text.split("\n", 1)[0].strip()
    headline_length = 0
    if headline and normalize_name(headline) != normalize_name(first_line):
        text, headline_length = f"{headline}\n{text}", len(headline)
    if newsroom_id is None and outlet_name:
        newsroom_id = Outlet.objects.named(outlet_name).values_list("pk", flat=True).first()
    proposals, warning = storydesk.extract(text, outlet_name)
    sentences = sentence_spans(text)
    items = [_from_proposal(proposal, text, sentences) for proposal in proposals if proposal.content]
    if article is not None:
        rejected = _rejected_at_the_desk(article)
        items = [item for item in items if " ".join(text[item.start : item.end].split()) not in rejected]
        items = _with_own_claims(items, article, text, sentences)
    items.sort(key=lambda item: (item.start, item.end))
    for number, item in enumerate(items, start=1):
        item.number = number
    _find_matches(items, article)
    links = _linked_figures([claim for item in items for claim in item.alike])
    newsroom = normalize_name(outlet_name)
    for item in items:
        item.copy_attribution = _copy_attribution(item, newsroom)
        item.flags = _flags(item, text, links, newsroom_id, newsroom)
    return Report(text=text, claims=items, warning=warning, headline_length=headline_length)


# Reading the draft


def sentence_spans(text):
    """[(start, end)] of the text's sentences: each line split after ., ! or ? and the closing quotes and
    brackets after them, which end the sentence they close."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() + len(match["closing"] or "")
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _sentence_around(sentences, start, end):
    covering = [(first, last) for first, last in sentences if first < end and start < last]
    if not covering:
        return start, end
    return covering[0][0], covering[-1][1]


def _from_proposal(proposal, text, sentences):
    spans = proposal.content + proposal.cue + proposal.source
    start, end = min(first for first, _ in spans), max(last for _, last in spans)
    sentence_start, sentence_end = _sentence_around(sentences, start, end)
    return CheckedClaim(
        number=0,
        text=proposal.claim or " ".join(text[first:last] for first, last in proposal.content),
        speaker=proposal.speaker,
        speaker_kind=proposal.speaker_kind or "",
        start=start,
        end=end,
        sentence=" ".join(text[sentence_start:sentence_end].split()),
        sentence_start=sentence_start,
        sentence_end=sentence_end,
        venue=proposal.venue,
        outlet=proposal.outlet,
        relayed_by=list(proposal.relayed_by or []),
        figure=Figure.of_proposal(proposal.quantity),
    )


def _rejected_at_the_desk(article):
    """The words (source, cue and what was said) of each proposal the story desk's reviewers rejected
    in this story: the engine proposes them again, and they are no claims of the story's. Read with
    the story (ArticleQuerySet.with_desk_review), else in a query of its own."""
    if not hasattr(article, "desk_proposals"):
        article = Article.objects.with_desk_review().only("pk").get(pk=article.pk)
    rejected = set()
    for record in article.desk_proposals or []:
        spans = record["content"] + record["cue"] + record["source"]
        if record["fields"]["decision"] == "reject" and spans:
            start, end = min(first for first, _ in spans), max(last for _, last in spans)
            rejected.add(" ".join(article.desk_body[start:end].split()))
    return rejected


def _with_own_claims(items, article, text, sentences):
    """The draft's own claims in place of the proposals they overlap; the others (added by hand) added. Two
    queries: the claims, their appearances."""
    # The queue's row (speaker, evidence count) and its appearances: the chain the desk saved, which the
    # page shows and the relayed flag names.
    own = Claim.objects.filter(article=article).not_merged().for_queue()
    for claim in own:
        found = locate_span(text, claim.span_exact, claim.span_prefix, claim.span_suffix) if claim.span_exact else None
        start, end = found or (len(text), len(text))
        item = next((item for item in items if item.own is None and item.start < end and start < item.end), None)
        if item is None:
            sentence_start, sentence_end = _sentence_around(sentences, start, end) if found else (start, end)
            item = CheckedClaim(
                number=0,
                text=claim.text,
                speaker=claim.speaker.name,
                start=start,
                end=end,
                sentence=" ".join(text[sentence_start:sentence_end].split()),
                sentence_start=sentence_start,
                sentence_end=sentence_end,
            )
            items.append(item)
        item.own, item.text, item.speaker = claim, claim.text, claim.speaker.name
        item.speaker_id = claim.speaker_id
        item.figure = Figure.of_claim(claim) or item.figure
    return items


# The claims already tracked


def _find_matches(items, article):
    """Each item's tracked speaker (two queries), then the speaker's tracked claims that look like it
    (one), then what a flag needs of those (two)."""
    # An unnamed source ("The official") is someone of one story alone: no tracked speaker of another's.
    named = [item for item in items if not storydesk.unnamed_source(item.speaker, item.speaker_kind)]
    _tracked_speakers([item for item in named if item.speaker_id is None and item.speaker])
    own_count = sum(item.own is not None for item in items)
    wanted = [(item.number, item.speaker_id, item.text, None, None) for item in items if item.speaker_id]
    found = {}
    for number, claim, similarity in merging.look_alikes(wanted, MATCHES_SHOWN + own_count):
        if article is None or claim.article_id != article.pk:
            found.setdefault(number, []).append((claim.pk, similarity))
    ids = {pk for matches in found.values() for pk, _ in matches}
    claims = Claim.objects.for_queue().in_bulk(ids) if ids else {}
    # An undecided look-alike recorded as the same claim as a decided one carries its verdict (the
    # queue's "Same claim as #25: Disputed"): those claims are read too, in one query when there are any.
    twin_of = {pk: claim.twin_verdict[0] for pk, claim in claims.items() if _undecided(claim) and claim.twin_verdict}
    twins = Claim.objects.with_row_annotations().in_bulk(set(twin_of.values())) if twin_of else {}
    for item in items:
        matches = [(claims[pk], similarity) for pk, similarity in found.get(item.number, [])]
        # Equally alike (a story pasted twice, its claim tracked twice), the decided one is the match.
        matches.sort(key=lambda pair: (-pair[1], _undecided(pair[0]), pair[0].pk not in twin_of))
        item.matches = matches[:MATCHES_SHOWN]
        item.decided_twins = {claim.pk: twins[twin_of[claim.pk]] for claim, _ in item.matches if claim.pk in twin_of}
    _find_same_words(items, article)


def _undecided(claim):
    return claim.status == Status.UNCONFIRMED


def _find_same_words(items, article):
    """Each item's tracked claims of its very words (as normalize_name compares them: case, accents,
    punctuation and quotes aside) that are disputed, false, misattributed or denied, whoever the speaker:
    the look-alikes above are the speaker's alone, and a false claim put in another's mouth, or a speaker
    the engine resolved otherwise, went unflagged. One query, one probe of an index a claim's words
    (Claim.objects.warned_with_the_words_of), however many claims the story or the table holds."""
    stories_words = {}  # the story's claims by their words: each words looked up once
    for item in items:
        stories_words.setdefault(normalize_name(item.text), []).append(item)
    texts = [same[0].text for same in stories_words.values()]
    # Each words' list leaves out the claims its items repeat (flagged as their match, or its decided
    # twin): room for those.
    repeated = [
        len({claim for item in same for claim in (item.match, item.match_twin)} - {None})
        for same in stories_words.values()
    ]
    each = MATCHES_SHOWN + max(repeated, default=0)
    tracked = Claim.objects.exclude(article=article) if article is not None else Claim.objects.all()
    found = tracked.warned_with_the_words_of(texts, each=each).select_related("speaker").order_by()
    for claim in sorted(found, key=lambda claim: (claim.created_at, claim.pk), reverse=True):
        for item in stories_words[normalize_name(texts[claim.words_of])]:
            if claim not in (item.match, item.match_twin) and len(item.same_words) < MATCHES_SHOWN:
                item.same_words.append(claim)


def _tracked_speakers(items):
    """Set each item's tracked speaker: the speaker of that name or alias (as the story desk finds them),
    the one its name imitates (Cyrillic е for Latin e), or, for one word ("Kovalenko"), the one tracked
    person whose name ends in it. Two queries."""
    if not items:
        return
    aliases, alias_lookalikes = Speaker.objects.alias_index()
    names = {normalize_name(item.speaker) for item in items} - {""}
    family = {name for name in names if " " not in name}
    wanted = Q(normalized_name__in=names) | Q(lookalike_key__in={lookalike_key(item.speaker) for item in items})
    for name in family:
        wanted |= Q(normalized_name__endswith=f" {name}", kind=SpeakerKind.PERSON)
    by_name, by_lookalike, by_family = {}, {}, {}
    for speaker in Speaker.objects.filter(wanted).order_by("name", "pk").only("pk", "normalized_name", "lookalike_key"):
        by_name[speaker.normalized_name] = speaker.pk
        by_lookalike.setdefault(speaker.lookalike_key, speaker.pk)
        by_family.setdefault(speaker.normalized_name.rsplit(" ", 1)[-1], set()).add(speaker.pk)
    for item in items:
        name = normalize_name(item.speaker)
        family_of = by_family.get(name, set()) if name in family else set()
        item.speaker_id = (
            by_name.get(name)
            or aliases.get(name)
            or by_lookalike.get(lookalike_key(item.speaker))
            or alias_lookalikes.get(lookalike_key(item.speaker))
            # Two tracked people of that name: the draft must say which.
            or (next(iter(family_of)) if len(family_of) == 1 else None)
        )


def _linked_figures(matches):
    """{claim id: [(Claim, Figure)]}: the figures of the claims linked to each match (same claim, contradicts)."""
    ids = {claim.pk for claim in matches}
    if not ids:
        return {}
    links = (
        ClaimLink.objects.filter(kind__in=[LinkKind.SAME_CLAIM, LinkKind.CONTRADICTS])
        .filter(_either_end(ids))
        .select_related("from_claim__speaker", "to_claim__speaker")
    )
    figures = {}
    for link in links:
        for this, other in ((link.from_claim, link.to_claim), (link.to_claim, link.from_claim)):
            figure = Figure.of_claim(other)
            if this.pk in ids and figure is not None and other.merged_into_id is None:
                figures.setdefault(this.pk, []).append((other, figure))
    return figures


def _either_end(ids):
    return Q(from_claim__in=ids) | Q(to_claim__in=ids)


# The flags


def _copy_attribution(item, newsroom):
    """The attribution the copy implies: confirmed when it reads as heard by the newsroom (or said in
    public or on the speaker's channel), relayed when it names another outlet passing it on, not checked
    when it says neither: "Analysts say ..." names no venue, and confirms nothing."""
    if not item.venue and not item.relayed_by:
        return Attribution.NOT_CHECKED
    chain = [(1, item.venue or Venue.RELAYED_REPORT, normalize_name(item.outlet or "") or None, None)]
    for number, name in enumerate(item.relayed_by, start=2):
        chain.append((number, Venue.RELAYED_REPORT, normalize_name(name), number - 1))
    return implied_attribution(chain, newsroom)


def _written_as_heard(item, newsroom):
    """Whether the copy tells it as heard first-hand: it says where the speaker said it, no outlet passes
    it on, and it was not told to another outlet. A copy that names no venue ("Zelenskyy said ...", or a
    claim added by hand that no proposal covers) says nothing of how it reached us, as its attribution
    reads ("the copy does not say where it was said")."""
    if item.venue in (None, Venue.NOT_STATED) or item.relayed_by or item.venue == Venue.RELAYED_REPORT:
        return False
    told_elsewhere = item.venue in TOLD_TO_AN_OUTLET and item.outlet and normalize_name(item.outlet) != newsroom
    return not told_elsewhere


def _other_figure(item, claim):
    """Whether the copy's figure and the tracked claim's cannot both hold: a claim that only looks like it."""
    figure = Figure.of_claim(claim)
    return item.figure is not None and figure is not None and item.figure.conflicts_with(figure)


def _reached_us_relayed(claim, newsroom_id):
    """Whether the tracked claim is only another outlet's word: so recorded, or so its chains read
    (none of them heard by the newsroom first-hand)."""
    if claim.attribution == Attribution.RELAYED:
        return True
    if claim.attribution != Attribution.NOT_CHECKED:
        return False
    chains = [(item.pk, item.venue_type, item.outlet_id, item.relayed_from_id) for item in claim.appearances.all()]
    newsroom = newsroom_id if newsroom_id is not None else (claim.article.outlet_id if claim.article_id else None)
    return bool(chains) and implied_attribution(chains, newsroom) == Attribution.RELAYED


def _flags(item, text, links, newsroom_id, newsroom):
    flags = []
    where = {"sentence": item.sentence, "start": item.sentence_start, "end": item.sentence_end, "item": item.number}
    match = item.match
    alike = f" ({item.similarity:.0%} alike)" if match else ""

    for claim, whose in ((item.own, "This story's claim"), (match, "It repeats a tracked claim that is")):
        if claim is None:
            continue
        said = _quoting(claim, alike if claim is match else "")
        if claim.status in WARNED_STATUSES:
            verdict = Status(claim.status).label.lower()
            flags.append(Flag("verdict", f"{whose} {verdict}: {said}", claim=claim, **where))
        if claim.attribution in WARNED_ATTRIBUTIONS:
            state = Attribution(claim.attribution).label
            flags.append(Flag("attribution", f"{whose} marked “{state}”: {said}", claim=claim, **where))

    twin = item.match_twin
    if twin is not None and twin.status in WARNED_STATUSES:
        verdict = Status(twin.status).label.lower()
        message = f"It repeats tracked claim #{match.pk}, the same claim as one tracked as {verdict}: {_quoting(twin)}"
        flags.append(Flag("verdict", message, claim=twin, **where))

    for claim in item.same_words:
        said = _quoting(claim)
        if claim.status in WARNED_STATUSES:
            verdict = Status(claim.status).label.lower()
            message = f"The same words are tracked as {verdict} under {claim.speaker.name}: {said}"
            flags.append(Flag("verdict", message, claim=claim, **where))
        if claim.attribution in WARNED_ATTRIBUTIONS:
            state = Attribution(claim.attribution).label
            message = f"The same words are tracked as “{state}” under {claim.speaker.name}: {said}"
            flags.append(Flag("attribution", message, claim=claim, **where))

    if _written_as_heard(item, newsroom):
        if item.own is not None and item.own.attribution == Attribution.RELAYED:
            relayed = item.own
        elif match is not None and _reached_us_relayed(match, newsroom_id):
            relayed = match
        else:
            relayed = None
        if relayed is not None:
            via = _relays_of(relayed, newsroom_id)
            flags.append(
                Flag(
                    "relayed",
                    f"The copy tells it as if {item.speaker or 'the speaker'} said it to us or in public, but we "
                    f"have it only {via}: say who reported it (claim #{relayed.pk}).",
                    claim=relayed,
                    **where,
                )
            )

    if item.figure is not None:
        # Against the look-alikes too that are no match for their figure: the conflict is what to flag.
        nearby = [claim for claim in (item.own, *item.alike) if claim is not None]
        compared = [(claim, Figure.of_claim(claim)) for claim in nearby]
        for claim in nearby:
            compared += links.get(claim.pk, [])
        seen = set()
        for claim, figure in compared:
            if figure is None or claim.pk in seen or not item.figure.conflicts_with(figure):
                continue
            seen.add(claim.pk)
            flags.append(
                Flag(
                    "figure",
                    f"“{item.figure}” conflicts with the tracked figure “{figure}” "
                    f"({claim.speaker.name}, claim #{claim.pk}).",
                    claim=claim,
                    **where,
                )
            )

    if item.status != Status.VERIFIED:
        for word_start, word_end in confirmation_words(text, item.sentence_start, item.sentence_end):
            word = text[word_start:word_end]
            if match is not None:
                tracked = f" (tracked claim #{match.pk})"
            else:
                tracked = f" (claim #{item.own.pk})" if item.own is not None else ""
            flags.append(
                Flag(
                    "confirmation",
                    f"“{word}” presents it as established, but it is “{item.status.label}”{tracked}.",
                    sentence=item.sentence,
                    start=word_start,
                    end=word_end,
                    claim=match or item.own,
                    item=item.number,
                )
            )

    evidence = sum(getattr(claim, "evidence_count", 0) or 0 for claim in (item.own, match) if claim is not None)
    if not evidence:
        if item.own is not None and match is not None:
            repeats = f"nor for the tracked claim it repeats (#{match.pk})"
            message = f"No evidence is tracked for it (claim #{item.own.pk}) {repeats}."
        elif match is not None:
            message = f"No evidence is tracked for it (claim #{match.pk})."
        elif item.own is not None:
            message = f"No evidence is tracked for it (claim #{item.own.pk}), and no tracked claim looks like it."
        else:
            message = "A claim not tracked yet: no evidence for it."
        flags.append(Flag("evidence", message, claim=item.own or match, **where))
    flags.sort(key=lambda flag: FLAGS[flag.code][1])
    return flags


def _quoting(claim, after=""):
    """ "#14 “Tanks are useless.”", a flag's last words: a full stop after them unless the quote ends the sentence."""
    said = f"#{claim.pk} “{claim.text}”{after}"
    return said if not after and claim.text.endswith((".", "!", "?")) else f"{said}."


def _relays_of(claim, newsroom_id):
    """ "through the Kyiv Independent": the outlets that passed the claim on, the newsrooms left out."""
    newsrooms = {newsroom_id, claim.article.outlet_id if claim.article_id else None}
    outlets = [
        item.outlet.name
        for item in claim.appearances.all()
        if item.relayed_from_id and item.outlet_id and item.outlet_id not in newsrooms
    ]
    return f"through {', '.join(dict.fromkeys(outlets))}" if outlets else "as another outlet's report"


def told_as(venue, outlet, relays):
    """ "statement to B-17", "interview on CNN", "public remarks, via Kyiv Independent": the venue in the
    words of models.venue_on (a statement to an outlet is to that outlet, not to the newsroom)."""
    if venue in Venue.values:
        words, on = venue_on(venue, Venue(venue).label, bool(outlet))
        where = f"{words.lower()} {on} {outlet}" if outlet else words.lower()
    else:
        where = f"no venue named ({outlet})" if outlet else "no venue named"
    return f"{where}, via {' → '.join(relays)}" if relays else where


def _told_as_saved(claim):
    """told_as() of the chain the desk saved for the story's own claim (Claim.chain_shown), the story's
    own outlet left out of those that passed it on."""
    origin, *relays = claim.chain_shown or [None]
    if origin is None:
        return told_as(None, None, [])
    passed_on = [relay.outlet_named for relay in relays if relay.outlet_id != claim.article.outlet_id]
    return told_as(origin.venue_type, origin.outlet.name if origin.outlet else None, passed_on)


def confirmation_words(text, start, end):
    """[(start, end)] of the confirmation words in text[start:end], leaving out hedges and negations."""
    sentence = text[start:end]
    hedged = [(match.start(), match.end()) for match in hedges.HEDGE.finditer(sentence)]
    found = []
    for match in CONFIRMATION_WORDS.finditer(sentence):
        if any(first <= match.start() < last for first, last in hedged):
            continue
        if NEGATION.search(sentence[max(0, match.start() - NEGATION_REACH) : match.start()]):
            continue
        found.append((start + match.start(), start + match.end()))
    return found
