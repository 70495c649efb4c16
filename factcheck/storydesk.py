"""The story desk: a pasted story becomes a draft with proposed claims, and a reviewed draft an Article.

The workflow, in the order a person meets it:

1. `story_text` turns what was pasted or uploaded into the story's text (HTML reduced to its
   paragraphs); `already_in` finds the story when it was pasted before (same URL or same text).
2. `start_draft` runs the extraction engine once and keeps its proposals on a StoryDraft, as
   records: the spans in the text, and the fields as the review form shows them.
3. The review screen edits those records (`apply_edits`, `accept_all`, `add_missed_claim`) and
   shows, with a fixed number of queries, the tracked speakers and outlets they name
   (`Tracked`) and the tracked claims that look like them (`seek_look_alikes`, `look_alikes`).
4. `save_story` writes the article, new speakers and outlets, the accepted claims with their
   spans, appearances and relay chains, links, and each claim's first status event, in one
   transaction, once.
"""

import dataclasses
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from itertools import pairwise

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from factcheck import extraction
from factcheck.extraction.lexicon import PRONOUNS
from factcheck.extraction.speakers import described
from factcheck.extraction.venues import PLATFORMS
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    LinkKind,
    Outlet,
    OutletKind,
    Speaker,
    SpeakerKind,
    StoryDraft,
    Venue,
    choice_values,
    locate_span,
    normalize_name,
    span_context,
    text_digest,
)
from factcheck.text import (
    RELAY_SPLIT,
    clean_claim,
    clean_name,
    clean_text,
    figure_typed,
    holds_markup,
    lf_line_breaks,
    lookalike_key,
)
from factcheck.verification import Status

logger = logging.getLogger(__name__)

NO_CONFIRMATION = "Recorded from the story's text, which reports no independent confirmation."
# Look-alikes are sought among this many of a speaker's newest claims (an index range, however
# many claims the speaker has), and this many are shown for each proposal.
LOOK_ALIKE_RECENT = 500
LOOK_ALIKES_SHOWN = 3
# pg_trgm's own default threshold for `%`.
LOOK_ALIKE_SIMILARITY = 0.3


def percent_alike(similarity):
    """A look-alike's similarity as the desk and the import preview show it: 100 is the tracked
    claim's very words, recorded as the same claim unless a person says otherwise."""
    return round(similarity * 100)


ROLES = ("source", "cue", "content")
ROLE_LABELS = {"source": "source", "cue": "cue", "content": "what was said"}
DECIDED = {"accept", "reject"}
# The fields of a proposal as the review form posts them (ProposalForm); `tracked` is a list.
FIELDS = (
    "decision",
    "claim",
    "speaker",
    "speaker_kind",
    "title",
    "affiliation",
    "kind",
    "venue",
    "outlet",
    "relayed_by",
    "quantity_value",
    "quantity_unit",
    "quantity_qualifier",
    "same_as",
    "contradicts",
    "tracked",
    "confirmed",
)
# The fields that hold lists: tracked claims ticked, and names confirmed as new (not the look-alike
# of a tracked speaker or outlet they resemble).
LIST_FIELDS = {"tracked", "confirmed"}
RELAY_SEPARATOR = " → "


def clean_relays(text):
    return RELAY_SEPARATOR.join(filter(None, map(clean_name, parse_relays(text))))


# How each text field of a proposal is cleaned, from the engine or from the form: claims as
# claim text, names as names (factcheck.text).
CLEANERS = {
    "claim": clean_claim,
    "speaker": clean_name,
    "title": clean_name,
    "affiliation": clean_name,
    "outlet": clean_name,
    "relayed_by": clean_relays,
    "quantity_unit": clean_text,
    "same_as": clean_text,
    "contradicts": clean_text,
}


def cleaned(name, value):
    return CLEANERS[name](value) if name in CLEANERS else value.strip()


# Between the outlets that passed a claim on: RELAY_SPLIT, a comma, a semicolon or a new line.
_RELAY_SPLIT = re.compile(rf"{RELAY_SPLIT}|\s*[,;\n]\s*")
OUTLET_NAME_LENGTH = SPEAKER_NAME_LENGTH = 200
_NUMBER_SPLIT = re.compile(r"[\s,;#]+")
SOCIAL_PLATFORMS = {normalize_name(name) for name in PLATFORMS.values()}


# 1. The story's text


class StoryTextError(ValueError):
    """What was pasted or uploaded is not a story's text; the message says what and where."""


# Elements whose text is a paragraph of the story, and elements whose text is never the story.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre"}
_BREAKS = {"br", "div", "section", "article", "tr", "dd", "dt"}
_NOT_STORY = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "svg"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*(p|div|br|span|a|h[1-6]|article|section|li|html|body)\b[^>]*>", re.IGNORECASE)


class _Paragraphs(HTMLParser):
    """The text of an HTML page split at its block elements; what scripts, menus and footers say is dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current, self.skipping, self.in_paragraph = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in _NOT_STORY:
            self.skipping += 1
        elif tag in _PARAGRAPHS or tag in _BREAKS:
            self.flush()
            self.in_paragraph += tag in _PARAGRAPHS

    def handle_endtag(self, tag):
        if tag in _NOT_STORY:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _PARAGRAPHS or tag in _BREAKS:
            self.flush(paragraph=tag in _PARAGRAPHS)
            self.in_paragraph = max(0, self.in_paragraph - (tag in _PARAGRAPHS))

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def flush(self, paragraph=False):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append((text, paragraph or bool(self.in_paragraph)))
        self.current = []


def reduce_html(html):
    """The paragraphs of an HTML story, one a line; all its text blocks when it has no paragraphs."""
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser.flush()
    paragraphs = [text for text, is_paragraph in parser.blocks if is_paragraph]
    return "\n".join(paragraphs or [text for text, _ in parser.blocks])


def looks_like_html(text):
    return bool(_LOOKS_LIKE_HTML.search(text))


def story_text(text, *, html=None):
    """The story's text as it is stored and read: HTML reduced to paragraphs, one line each, no blank lines.

    `html` says whether `text` is HTML (an .html file); by default it is guessed from its tags.
    Invisible and bidi control characters go and compatibility forms become plain letters
    (factcheck.text.clean_text), as on every other road in.
    """
    text = lf_line_breaks(text).lstrip("\ufeff")
    if html if html is not None else looks_like_html(text):
        text = reduce_html(text)
    # Cleaned here, before the engine reads it: every span's offsets refer to the text as stored.
    text = clean_text(text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def read_upload(upload, *, max_bytes):
    """The story's text from an uploaded .txt or .html file, or a StoryTextError that names the file."""
    name = upload.name or "the file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in {"txt", "html", "htm"}:
        raise StoryTextError(f"{name}: choose a .txt or .html file (this one ends in “.{extension}”).")
    if upload.size > max_bytes:
        raise StoryTextError(f"{name}: {upload.size:,} bytes is more than a story's {max_bytes:,}.")
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StoryTextError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}); "
            "save it as UTF-8 and upload it again."
        ) from error
    return story_text(text, html=extension in {"html", "htm"})


@dataclass
class Found:
    """Where a story already is: its article (saved) or its draft (in review), and which key matched."""

    article: Article | None = None
    draft: StoryDraft | None = None
    by: str = ""  # "URL" or "text"


def already_in(url, body):
    """The article or the draft in review that holds this story (same URL, or the same text), or an empty Found."""
    digest = text_digest(body)
    keys = [(by, {name: value}) for by, name, value in [("URL", "url", url), ("text", "body_digest", digest)] if value]
    for by, lookup in keys:
        article = Article.objects.filter(**lookup).order_by("pk").first()
        if article:
            return Found(article=article, by=by)
    for by, lookup in keys:
        draft = StoryDraft.objects.filter(article__isnull=True, **lookup).order_by("pk").first()
        if draft:
            return Found(draft=draft, by=by)
    return Found()


# How many of an outlet's latest stories a new one is compared with, and the share of its word
# sequences (or theirs) they must share to read as the same story: pasted again, or updated.
COMPARED_STORIES = 50
NEAR_COPY = 0.8


@dataclass
class NearCopy:
    """A story the new one reads like: a saved article or a draft in review, and how alike."""

    headline: str
    url: str  # its page: the article, or the draft's review
    alike: float


def near_copy(outlet, body):
    """The outlet's recent story (saved, or in review) whose text the new one mostly repeats, or None.

    Alike when one holds NEAR_COPY of the other's runs of three words: a story pasted again with a
    word changed, or updated with a paragraph. Only the outlet's COMPARED_STORIES latest of each.
    """
    if outlet is None:
        return None
    runs = word_runs(body)
    articles = Article.objects.filter(outlet=outlet).order_by("-pk").only("headline", "body")
    drafts = StoryDraft.objects.filter(article__isnull=True, outlet=outlet).order_by("-pk").only("headline", "body")
    best = None
    for story in [*articles[:COMPARED_STORIES], *drafts[:COMPARED_STORIES]]:
        theirs = word_runs(story.body)
        shared = len(runs & theirs)
        alike = shared / min(len(runs), len(theirs)) if runs and theirs else 0
        if alike >= NEAR_COPY and (best is None or alike > best.alike):
            best = NearCopy(story.headline, story.get_absolute_url(), alike)
    return best


def word_runs(text):
    words = normalize_name(text).split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


# 2. Proposals as records


def record_from(proposal, *, key, body):
    """A draft's record of one engine proposal: spans, what the form shows, and what stays fixed.

    Values the review form cannot show (a span outside the text, an unknown venue) are dropped
    or replaced by the form's default, so accepting a proposal never fails on what the engine said.
    """
    quantity = proposal.quantity
    spans = {role: _spans_within(getattr(proposal, role), body) for role in ROLES}
    record = {
        "key": key,
        **spans,
        "quote": clean_text(proposal.quote or ""),
        "hedge": clean_text(proposal.hedge or ("The story says it could not confirm this." if proposal.hedged else "")),
        "by_hand": False,
        # "Asked whether …": the question an answer the engine could not draft was given to, and
        # that draft, which the desk asks a person to rewrite.
        "answers": proposal.answers,
        "answer": "",
        "fields": {
            "decision": "",
            # An empty draft ("warn of long winter" has no sentence in it) is for a person to write.
            "claim": proposal.claim or "",
            "speaker": proposal.speaker or "",
            "speaker_kind": _known(proposal.speaker_kind, SpeakerKind, SpeakerKind.PERSON),
            "title": proposal.title or "",
            "affiliation": proposal.affiliation or "",
            "kind": _known(proposal.kind, Claim.Kind, Claim.Kind.FACTUAL),
            "venue": _known(proposal.venue, Venue, ""),
            "outlet": proposal.outlet or "",
            "relayed_by": RELAY_SEPARATOR.join(proposal.relayed_by or []),
            # As a person writes it and the field reads it back: "112,000,000", not the engine's "112000000".
            "quantity_value": figure_typed(quantity.value) if quantity else "",
            "quantity_unit": quantity.unit if quantity else "",
            "quantity_qualifier": _known(quantity.qualifier, Claim.Qualifier, "") if quantity else "",
            "same_as": "",
            "contradicts": "",
            "tracked": [],
            "confirmed": [],
        },
    }
    record["fields"].update((name, cleaned(name, record["fields"][name])) for name in CLEANERS)
    if proposal.answers:
        record["answer"] = record["fields"]["claim"]
    return record


def _spans_within(spans, body):
    return sorted([start, end] for start, end in spans or [] if 0 <= start < end <= len(body))


def _known(value, choices, default):
    return value if value in choice_values(choices.choices) else default


def records_from(proposals, body):
    """The records of the engine's proposals, numbered 1, 2, ... in story order, with their links.

    A proposal with no words of content in the text is left out: there is nothing to record.
    """
    usable = [(index, proposal) for index, proposal in enumerate(proposals) if _spans_within(proposal.content, body)]
    usable.sort(key=lambda item: start_of({role: _spans_within(getattr(item[1], role), body) for role in ROLES}))
    keys = {index: number for number, (index, _) in enumerate(usable, start=1)}
    records = [record_from(proposal, key=keys[index], body=body) for index, proposal in usable]
    for record, (_, proposal) in zip(records, usable, strict=True):
        for kind, other in proposal.links or []:
            if other in keys and keys[other] != record["key"]:
                name = "same_as" if kind == LinkKind.SAME_CLAIM else "contradicts"
                record["fields"][name] = ", ".join(filter(None, [record["fields"][name], str(keys[other])]))
    return records


def start_of(record):
    spans = record["content"] + record["cue"] + record["source"]
    return (min(start for start, _ in spans) if spans else 0, record.get("key", 0))


def extract(body, outlet):
    """The engine's proposals for the story, and a warning when the engine cannot run here.

    An engine failure on one story must not close the desk: the story is still reviewed, its
    claims added by hand, and the error goes to the log for whoever maintains the engine.
    """
    try:
        return extraction.extract(body, outlet=outlet), None
    except extraction.PipelineMissing as missing:
        return [], f"No claims were proposed: {missing} Add the story's claims by selecting their words."
    except Exception:
        logger.exception("The extraction engine failed on a story of %d characters.", len(body))
        return [], "The desk could not read this story (the error is logged). Add its claims by selecting their words."


def start_draft(*, by, headline, outlet, new_outlet, new_outlet_kind, url, published, body, as_draft=False):
    """A new draft of the story with the engine's proposals; returns (draft, warning or None)."""
    outlet_name = outlet.name if outlet else new_outlet
    proposals, warning = extract(body, outlet_name)
    records = records_from(proposals, body)
    seek_look_alikes(records, Tracked.of(records, outlet_name))
    draft = StoryDraft.objects.create(
        created_by=by,
        headline=headline,
        outlet=outlet,
        new_outlet="" if outlet else new_outlet,
        new_outlet_kind=new_outlet_kind,
        url=url,
        published=published,
        as_draft=as_draft,
        body=body,
        proposals=records,
    )
    return draft, warning


# 3. Reviewing


def apply_edits(records, data):
    """Copy what the review form posted into the records: raw values, checked only when saving.

    A proposal the form did not show (added since in another window) is left as it was.
    """
    for record in records:
        prefix = f"p{record['key']}-"
        if f"{prefix}shown" not in data:
            continue
        for name in FIELDS:
            record["fields"][name] = posted_value(data, prefix, name)


def posted_value(data, prefix, name):
    if name in LIST_FIELDS:
        return data.getlist(prefix + name)
    return cleaned(name, data.get(prefix + name, ""))


def merge_edits(records, data):
    """Lay what a person changed on a form drawn from an older revision over the records as saved now.

    A field is the person's change when what they posted differs from what their form loaded (its
    hidden `p<key>-loaded`, see `loaded_json`); every other field keeps what was saved since, so
    posting again keeps both people's work. The loaded values only choose which posted values
    count: a forged one can make the form keep no more than what that person posted. Without
    them every posted field counts. Returns [(key, field name, the value saved since)] for the
    fields both changed, where the person's value is the one laid over.
    """
    clashes = []
    for record in records:
        prefix = f"p{record['key']}-"
        if f"{prefix}shown" not in data:
            continue
        loaded = _loaded(data.get(f"{prefix}loaded", ""))
        fields = record["fields"]
        for name in FIELDS:
            posted = posted_value(data, prefix, name)
            saved = fields.get(name, [] if name in LIST_FIELDS else "")
            if name in loaded and _same(posted, loaded[name]):
                continue
            if name in loaded and not _same(saved, loaded[name]) and not _same(saved, posted):
                clashes.append((record["key"], name, saved))
            fields[name] = posted
    return clashes


def loaded_json(fields):
    """What a proposal's form loads, for its hidden `p<key>-loaded`: the fields it was drawn with."""
    loaded = {
        name: [str(item) for item in fields.get(name, [])] if name in LIST_FIELDS else str(fields.get(name, ""))
        for name in FIELDS
    }
    return json.dumps(loaded, sort_keys=True)


def _loaded(text):
    """The fields a form says it loaded, those of a readable kind only; {} when it says nothing usable."""
    try:
        loaded = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    readable = {}
    for name in FIELDS:
        value = loaded.get(name)
        if isinstance(value, list if name in LIST_FIELDS else str):
            readable[name] = value
    return readable


def _same(one, other):
    if isinstance(one, list) or isinstance(other, list):
        return isinstance(one, list) and isinstance(other, list) and list(map(str, one)) == list(map(str, other))
    return str(one) == str(other)


def use_tracked(records, data, tracked):
    """Put the tracked speaker or outlet in place of the look-alike name a button names; returns what changed.

    The button posts `p<key>-use_tracked` = "speaker", or "outlet:<the look-alike name>".
    """
    done = []
    for record in records:
        choice = data.get(f"p{record['key']}-use_tracked", "")
        fields = record["fields"]
        if choice == "speaker" and (twin := tracked.speaker_twin(fields["speaker"], fields["speaker_kind"])):
            fields["speaker"] = twin.name
        elif choice.startswith("outlet:") and (twin := tracked.outlet_twin(choice.removeprefix("outlet:"))):
            key = normalize_name(choice.removeprefix("outlet:"))
            if normalize_name(fields["outlet"]) == key:
                fields["outlet"] = twin.name
            relays = [twin.name if normalize_name(name) == key else name for name in parse_relays(fields["relayed_by"])]
            fields["relayed_by"] = RELAY_SEPARATOR.join(relays)
        else:
            continue
        done.append(f"Proposal {record['key']} now names the tracked {twin._meta.verbose_name} {twin.name}.")
    return done


def is_confirmed(fields, name):
    """Whether the person ticked that `name` is not the tracked name it looks like."""
    return normalize_name(name) in {normalize_name(confirmed) for confirmed in fields.get("confirmed", [])}


def form_data(records):
    """What the review form would post for these records: ProposalForm's data, to check them as saved."""
    data = MultiValueDict()
    for record in records:
        for name in FIELDS:
            value = record["fields"].get(name, [] if name in LIST_FIELDS else "")
            data.setlist(f"p{record['key']}-{name}", [str(item) for item in value] if name in LIST_FIELDS else [value])
    return data


def accept_all(records):
    """Accept every proposal not yet decided (rejected ones stay rejected); returns how many."""
    undecided = [record for record in records if record["fields"]["decision"] not in DECIDED]
    for record in undecided:
        record["fields"]["decision"] = "accept"
    return len(undecided)


def find_words(body, words, start=None, end=None):
    """(start, end) of `words` in the story: at the offsets given when they hold these words, else found in the text.

    Pasted words often differ from the page in their spacing, so a second search lets any run of
    spaces or line breaks stand for any other. None when the words are not in the story.
    """
    words = clean_text(words)
    given = start is not None and end is not None and 0 <= start < end <= len(body)
    if given and (not words or " ".join(body[start:end].split()) == " ".join(words.split())):
        return start, end
    found = locate_span(body, words)
    if found or not words:
        return found
    match = re.search(r"\s+".join(map(re.escape, words.split())), body)
    return (match.start(), match.end()) if match else None


class AlreadyProposed(ValueError):
    """The words added are a proposal's claim already: that proposal is the one to correct."""

    def __init__(self, key):
        super().__init__(f"These words are proposal {key}’s claim already: correct that one.")


# What a claim added by hand takes from the proposal before it in its paragraph (the "he said" that carries on).
CARRIED_ON = ("speaker", "speaker_kind", "title", "affiliation", "venue", "outlet", "relayed_by")


def add_missed_claim(records, body, start, end, outlet=None):
    """Add a proposal, accepted, for the words at body[start:end]; returns it. Raises AlreadyProposed
    when they are a proposal's claim already.

    Words that hold who said them ("City officials say the project is late") are read by the
    engine as the story was: the claim is what was said, its speaker who said it. A speaker it
    knows only as "she", or words with no one saying them, start from the proposal before them in
    the paragraph: same speaker, venue and relays, for the person to correct.
    """
    paragraph_start = body.rfind("\n", 0, start) + 1
    before = [record for record in records if paragraph_start <= start_of(record)[0] <= start]
    model = before[-1]["fields"] if before else {}
    record = _read_by_hand(body, start, end, outlet) or {
        "content": [[start, end]],
        "cue": [],
        "source": [],
        "quote": "",
        "hedge": "",
        "fields": {name: [] if name in LIST_FIELDS else "" for name in FIELDS}
        | {"claim": clean_claim(body[start:end]), "kind": Claim.Kind.FACTUAL},
    }
    fields = record["fields"]
    if not fields["speaker"] or fields["speaker"].lower() in PRONOUNS:
        fields.update({name: model[name] for name in CARRIED_ON if name in model})
    fields.update(decision="accept", speaker_kind=fields["speaker_kind"] or SpeakerKind.PERSON)
    claim = normalize_name(fields["claim"])
    for other in records:
        if _mostly_same(record["content"], other["content"]) or (
            claim and normalize_name(other["fields"]["claim"]) == claim
        ):
            raise AlreadyProposed(other["key"])
    record.update(key=max((other["key"] for other in records), default=0) + 1, by_hand=True)
    records.append(record)
    records.sort(key=start_of)
    return record


# How much of the longer of two contents they share for a claim added by hand to be one proposed
# already: words split out of a proposal's ("A and B", B added) are a claim of their own.
SAME_WORDS = 0.8


def _mostly_same(spans, others):
    shared = sum(max(0, min(b, d) - max(a, c)) for a, b in spans for c, d in others)
    longest = max(sum(b - a for a, b in spans), sum(d - c for c, d in others))
    return longest > 0 and shared >= SAME_WORDS * longest


def _read_by_hand(body, start, end, outlet):
    """The record of the engine's proposal for the words at body[start:end] alone, when it finds who
    said them there (the one saying most, if several); else None."""
    words = body[start:end]
    proposals, _ = extract(words, outlet)
    proposals = [proposal for proposal in proposals if proposal.source and proposal.content]
    if not proposals:
        return None
    proposal = max(proposals, key=lambda found: sum(b - a for a, b in found.content))

    def moved(spans):
        return [(a + start, b + start) for a, b in spans or []]

    found = dataclasses.replace(proposal, **{role: moved(getattr(proposal, role)) for role in ROLES})
    return record_from(found, key=0, body=body)


def parse_relays(text):
    """ "Kyiv Independent → B-17" (or "->", " > ", commas, semicolons, one a line): outlet names, in order."""
    return [name for name in _RELAY_SPLIT.split(text or "") if name]


def outlet_name_problem(name):
    """Why `name` cannot be an outlet's (a sentence for the field's error), or None when it can be."""
    if holds_markup(name):
        return f"“{name[:80]}” cannot be an outlet's name: it holds “<” or “>”. Write the names only."
    if not normalize_name(name):
        return f"“{name[:80]}” cannot be an outlet's name: it has no letters or digits."
    if len(name) > OUTLET_NAME_LENGTH:
        return f"“{name[:80]}…” is {len(name):,} characters long; an outlet's name fits in {OUTLET_NAME_LENGTH}."
    return None


def parse_numbers(text):
    """ "2, 5" or "#2 #5" as [2, 5]; raises ValueError naming the first word that is not a number."""
    numbers = []
    for word in filter(None, _NUMBER_SPLIT.split(text or "")):
        if not word.isdigit():
            raise ValueError(word)
        numbers.append(int(word))
    return numbers


@dataclass
class Tracked:
    """The tracked speakers and outlets a draft's records name, found as `for_name` finds them, in three queries.

    A name is a tracked speaker's or outlet's when their normalised names are equal, or (speakers)
    when it is one of the speaker's aliases. A name that is neither but looks like one (the same
    lookalike_key: Cyrillic е for Latin e), or (outlets) names part of one ("WRVT" for "WRVT
    Radio", `_holding_outlets`), has a twin: the desk shows it as a possible duplicate and never
    creates it unless a person confirms it is someone else.
    """

    speakers: dict = field(default_factory=dict)  # normalised name or alias -> Speaker
    outlets: dict = field(default_factory=dict)  # normalised name -> Outlet
    speaker_twins: dict = field(default_factory=dict)  # lookalike_key -> Speaker
    outlet_twins: dict = field(default_factory=dict)  # lookalike_key -> Outlet
    holding_outlets: dict = field(default_factory=dict)  # normalised name -> the Outlet whose name holds its words

    @classmethod
    def of(cls, records, story_outlet_name):
        speaker_names = {record["fields"]["speaker"] for record in records} - {""}
        outlet_names = {story_outlet_name}
        for record in records:
            outlet_names.update([record["fields"]["outlet"], *parse_relays(record["fields"]["relayed_by"])])
        aliases, alias_lookalikes = Speaker.objects.alias_index() if speaker_names else ({}, {})
        speakers = _named_or_alike(Speaker, speaker_names, {*aliases.values(), *alias_lookalikes.values()})
        outlets = _named_or_alike(Outlet, outlet_names, set(), holding_words=True)
        tracked = cls(
            speakers={speaker.normalized_name: speaker for speaker in speakers},
            outlets={outlet.normalized_name: outlet for outlet in outlets},
            speaker_twins=_twins(speakers, alias_lookalikes),
            outlet_twins=_twins(outlets, {}),
            holding_outlets=_holding_outlets(outlet_names, outlets),
        )
        by_pk = {speaker.pk: speaker for speaker in speakers}
        for alias, pk in aliases.items():
            if pk in by_pk:
                tracked.speakers.setdefault(alias, by_pk[pk])
        return tracked

    def speaker(self, name, kind=""):
        if unnamed_source(name, kind):
            return None  # "The mayor" or "Port users" of one story is no tracked speaker of another's (SpeakerBook)
        return self.speakers.get(normalize_name(name or ""))

    def outlet(self, name):
        return self.outlets.get(normalize_name(name or ""))

    def speaker_twin(self, name, kind=""):
        """The tracked speaker `name` imitates, when it is not a tracked speaker's name or alias itself,
        nor an unnamed source (who imitates nobody: "The official" of one story is not another's)."""
        if not name or unnamed_source(name, kind) or self.speaker(name, kind):
            return None
        return self.speaker_twins.get(lookalike_key(name))

    def outlet_twin(self, name):
        """The tracked outlet `name` imitates or names part of ("WRVT" of "WRVT Radio"), when it is not a
        tracked outlet's name itself."""
        if not name or self.outlet(name):
            return None
        return self.outlet_twins.get(lookalike_key(name)) or self.holding_outlets.get(normalize_name(name))


def _named_or_alike(model, names, pks, *, holding_words=False):
    """The speakers or outlets called one of `names`, looking like one, with a primary key in `pks`, or
    (`holding_words`) with every word of one of `names` in their name, to be read by `_holding_outlets`."""
    keys = {normalize_name(name) for name in names} - {""}
    if not keys:
        return []
    lookalikes = {lookalike_key(name) for name in names if normalize_name(name)}
    wanted = Q(normalized_name__in=keys) | Q(lookalike_key__in=lookalikes)
    if pks:
        wanted |= Q(pk__in=pks)
    for words in map(_words_that_name, keys) if holding_words else ():
        wanted |= Q.create([("normalized_name__regex", rf"(^| ){re.escape(word)}( |$)") for word in words])
    return list(model.objects.filter(wanted).order_by("name", "pk"))


def _words_that_name(key):
    """The words of a normalised name that tell it apart: all but a leading "the"."""
    words = key.split()
    return set(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def _holding_outlets(names, outlets):
    """{normalised name: the tracked outlet whose name holds all its words and more} for the `names` that
    name part of a tracked outlet's ("WRVT" of "WRVT Radio", "Guardian" of "The Guardian"): the one
    with the fewest other words, then first by name. The database finds those with each word somewhere
    of the name; which hold them all is found here."""
    holding = {}
    for key in {normalize_name(name) for name in names} - {""}:
        words = _words_that_name(key)
        held = [
            outlet
            for outlet in outlets
            if outlet.normalized_name != key and words <= set(outlet.normalized_name.split())
        ]
        if held:
            holding[key] = min(held, key=lambda outlet: (len(outlet.normalized_name.split()), outlet.name, outlet.pk))
    return holding


def _twins(found, alias_lookalikes):
    """lookalike_key -> the first by name of those found that have it (as `lookalikes(name).first()` picks)."""
    twins = {}
    for item in found:
        twins.setdefault(item.lookalike_key, item)
    by_pk = {item.pk: item for item in found}
    for key, pk in alias_lookalikes.items():
        if pk in by_pk and (key not in twins or by_pk[pk].name < twins[key].name):
            twins[key] = by_pk[pk]
    return twins


def seek_look_alikes(records, tracked):
    """Find, for each record whose speaker or claim changed since the last look, the tracked claims like it.

    Each record keeps what it was compared as (`alike_for`: tracked speaker id and claim), when
    (`alike_at`), and the best LOOK_ALIKES_SHOWN matches (`alike`: [claim id, similarity]), so
    the review screen mostly reads them back: comparing costs tens of microseconds a pair. A
    record is compared again when its speaker or claim changed, or when its speaker has claims
    recorded since. Two queries at most, however many records; returns how many were compared.
    """
    now = timezone.now()
    changed, kept = [], []
    for record in records:
        speaker = tracked.speaker(record["fields"]["speaker"], record["fields"]["speaker_kind"])
        compared_as = [speaker.pk, record["fields"]["claim"]] if speaker and record["fields"]["claim"] else None
        if record.get("alike_for", False) != compared_as:
            record["alike_for"], record["alike"] = compared_as, []
            if compared_as:
                changed.append(record)
        elif compared_as:
            kept.append(record)
    first_look = {record["key"] for record in changed}
    changed += _with_newer_claims(kept)
    if changed:
        wanted = [(record["key"], *record["alike_for"]) for record in changed]
        compare = _similar_postgresql if connection.vendor == "postgresql" else _similar_python
        scores = {}
        for key, claim_id, similarity in compare(wanted):
            scores.setdefault(key, []).append((similarity, claim_id))
        for record in changed:
            best = sorted(scores.get(record["key"], []), key=lambda item: (-item[0], -item[1]))
            record["alike"] = [[claim_id, round(similarity, 3)] for similarity, claim_id in best[:LOOK_ALIKES_SHOWN]]
            record["alike_at"] = now.isoformat()
            if record["key"] in first_look:
                _tick_the_very_words(record)
    return len(changed)


def _tick_the_very_words(record):
    """Compared as it now reads, a record is the same claim as a tracked one in its very words (100%
    alike, as the import preview rounds it), unless the reviewer unticks it; a tick for a claim
    it no longer looks like is dropped. A later look (its speaker's newer claims) ticks nothing."""
    offered = {str(claim_id): similarity for claim_id, similarity in record["alike"]}
    ticked = [pk for pk in map(str, record["fields"]["tracked"]) if pk in offered]
    very_words = [pk for pk, similarity in offered.items() if percent_alike(similarity) == 100 and pk not in ticked]
    record["fields"]["tracked"] = ticked + very_words


def _with_newer_claims(records):
    """The records whose speaker has claims recorded since the record was last compared."""
    if not records:
        return []
    looked_at = {record["key"]: datetime.fromisoformat(record["alike_at"]) for record in records}
    newest = dict(
        Claim.objects.filter(
            speaker_id__in={record["alike_for"][0] for record in records}, created_at__gt=min(looked_at.values())
        )
        .order_by()
        .values_list("speaker_id")
        .annotate(Max("created_at"))
    )
    return [
        record
        for record in records
        if newest.get(record["alike_for"][0], looked_at[record["key"]]) > looked_at[record["key"]]
    ]


def look_alikes(records):
    """{record key: [(Claim, similarity)]}: the look-alikes the records hold, read in one query."""
    ids = {claim_id for record in records for claim_id, _ in record.get("alike", [])}
    claims = Claim.objects.only("id", "text", "status").in_bulk(ids) if ids else {}
    return {
        record["key"]: [(claims[pk], similarity) for pk, similarity in record.get("alike", []) if pk in claims]
        for record in records
    }


# A speaker's newest claims, each speaker in a subquery of its own: with the speaker's id written
# in (Django binds parameters on the client), the planner sees how many claims that speaker has
# and reads the newest ones in index order, where one subquery per proposal joined to a list of
# ids made it read and sort every claim of the biggest speaker (0.8 s at 100,000 claims).
_NEWEST_OF_SPEAKER = (
    "(SELECT id, text, speaker_id FROM factcheck_claim WHERE speaker_id = %s AND merged_into_id IS NULL"
    " ORDER BY created_at DESC, id DESC LIMIT %s)"
)
_SIMILAR_SQL = """
WITH recent AS MATERIALIZED ({newest})
SELECT proposal.key, recent.id, similarity(recent.text, proposal.text)
FROM unnest(%s::integer[], %s::bigint[], %s::text[]) AS proposal(key, speaker_id, text)
JOIN recent ON recent.speaker_id = proposal.speaker_id
WHERE similarity(recent.text, proposal.text) >= %s
"""


def _similar_postgresql(wanted):
    """[(record key, claim id, similarity)] with pg_trgm, for each (key, speaker id, claim text) wanted."""
    speakers = sorted({speaker for _, speaker, _ in wanted})
    newest = " UNION ALL ".join([_NEWEST_OF_SPEAKER] * len(speakers))
    params = [value for speaker in speakers for value in (speaker, LOOK_ALIKE_RECENT)]
    keys, speaker_ids, texts = (list(column) for column in zip(*wanted, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_SIMILAR_SQL.format(newest=newest), [*params, keys, speaker_ids, texts, LOOK_ALIKE_SIMILARITY])
        return cursor.fetchall()


def _similar_python(wanted):
    """The same as _similar_postgresql where there is no pg_trgm: the newest claims read, compared here."""
    newest_first = Window(RowNumber(), partition_by=F("speaker_id"), order_by=[F("created_at").desc(), F("id").desc()])
    recent = (
        Claim.objects.filter(speaker_id__in={speaker for _, speaker, _ in wanted}, merged_into__isnull=True)
        .annotate(row=newest_first)
        .filter(row__lte=LOOK_ALIKE_RECENT)
        .values_list("id", "text", "speaker_id")
    )
    by_speaker = {}
    for claim_id, text, speaker in recent:
        by_speaker.setdefault(speaker, []).append((claim_id, trigrams(text)))
    found = []
    for key, speaker, text in wanted:
        mine = trigrams(text)
        for claim_id, theirs in by_speaker.get(speaker, []):
            similarity = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
            if similarity >= LOOK_ALIKE_SIMILARITY:
                found.append((key, claim_id, similarity))
    return found


def trigrams(text):
    """pg_trgm's trigrams: each word lower-cased, padded with two spaces before and one after."""
    found = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        found.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return found


def story_segments(body, records):
    """The story cut where any proposal's span starts or ends, for marking every proposal in place.

    Each segment is {"at": offset in body, "text", "roles": {"source", "cue", "content"} it plays,
    "keys": the proposals it belongs to, "refs": keys of proposals whose claim starts here,
    "rejected": only rejected proposals cover it}. Segments cover the whole text, so the page can
    turn a selection back into offsets.
    """
    cuts = {0, len(body)}
    spans = []
    for record in records:
        for role in ROLES:
            for start, end in record[role]:
                start, end = max(0, start), min(len(body), end)
                if start < end:
                    spans.append((start, end, role, record))
                    cuts.update((start, end))
    starts = [(min(start for start, _ in record["content"]), record["key"]) for record in records if record["content"]]
    ordered = sorted(cuts)
    segments = []
    for start, end in pairwise(ordered):
        covering = [(role, record) for begin, finish, role, record in spans if begin <= start and end <= finish]
        roles = sorted({role for role, _ in covering}, key=ROLES.index)
        keys = sorted({record["key"] for _, record in covering})
        rejected = bool(covering) and all(record["fields"]["decision"] == "reject" for _, record in covering)
        segments.append(
            {
                "at": start,
                "text": body[start:end],
                "roles": roles,
                "keys": keys,
                "classes": " ".join([*(f"role-{role}" for role in roles), *(["rejected"] if rejected else [])]),
                "label": f"{', '.join(ROLE_LABELS[role] for role in roles).capitalize()}: proposal "
                + ", ".join(map(str, keys))
                if covering
                else "",
                "refs": sorted(key for offset, key in starts if offset == start),
                "rejected": rejected,
            }
        )
    return segments


# 4. Saving


@dataclass
class Saved:
    """What saving a draft did: the story's article, and whether this call wrote it."""

    article: Article
    created: bool
    why_not: str = ""  # when nothing was written: "saved before", or "same URL" / "same text"
    claims: int = 0
    new_speakers: int = 0
    new_outlets: int = 0


def save_story(draft, accepted, *, by):
    """Write the draft's story and its accepted claims in one transaction, once.

    `accepted` lists (record, cleaned form data) for each accepted proposal. A draft saved before,
    or a story already tracked under the same URL or text, writes nothing: the Saved result names
    the article that holds it.
    """
    try:
        with transaction.atomic():
            return _save_story(draft, accepted, by=by)
    except IntegrityError:
        # Another request saved the same URL between our check and our write.
        found = already_in(draft.url, draft.body)
        if found.article is None:
            raise
        return Saved(found.article, created=False, why_not=f"same {found.by}")


def _save_story(draft, accepted, *, by):
    draft = StoryDraft.objects.select_for_update(of=("self",)).select_related("outlet", "article").get(pk=draft.pk)
    if draft.article_id:
        return Saved(draft.article, created=False, why_not="saved before")
    found = already_in(draft.url, draft.body)
    if found.article:
        draft.article = found.article
        draft.save(update_fields=["article"])
        return Saved(found.article, created=False, why_not=f"same {found.by}")

    confirmed = {normalize_name(name) for _, data in accepted for name in data["confirmed"]}
    outlets = OutletBook(draft, confirmed)
    article = Article.objects.create(
        outlet=outlets.story_outlet,
        headline=draft.headline,
        url=draft.url,
        published=draft.published,
        body=draft.body,
        state=Article.State.DRAFT if draft.as_draft else Article.State.PUBLISHED,
    )
    speakers = SpeakerBook(article, accepted, confirmed)
    claims = {}
    for record, data in accepted:
        claims[record["key"]] = claim = _write_claim(article, record, data, speaker=speakers.get(data))
        _write_chain(claim, data, outlets)
        claim.set_status(Status.UNCONFIRMED, by=by, reason=record["hedge"] or NO_CONFIRMATION)
    links = []
    for record, data in accepted:
        claim = claims[record["key"]]
        for name, kind in [("same_as", LinkKind.SAME_CLAIM), ("contradicts", LinkKind.CONTRADICTS)]:
            links += [(claim, claims[other], kind) for other in data[name] if other in claims]
        for tracked in Claim.objects.filter(pk__in=data["tracked"]).select_related("merged_into"):
            # A claim merged since the review looked: its words now live in the claim kept.
            links.append((claim, tracked.merged_into or tracked, LinkKind.SAME_CLAIM))
    ClaimLink.link_all(links, by=by)
    draft.article = article
    draft.save(update_fields=["article"])
    return Saved(
        article,
        created=True,
        claims=len(claims),
        new_speakers=speakers.created,
        new_outlets=outlets.created,
    )


def _write_claim(article, record, data, *, speaker):
    body = article.body
    start = min(start for start, _ in record["content"])
    end = max(end for _, end in record["content"])
    prefix, suffix = span_context(body, start, end)
    value = data["quantity_value"]
    return Claim.objects.create(
        text=data["claim"],
        quote=record["quote"],
        speaker=speaker,
        article=article,
        span_exact=body[start:end],
        span_prefix=prefix,
        span_suffix=suffix,
        kind=data["kind"],
        quantity_value=value,
        quantity_unit=data["quantity_unit"] if value is not None else "",
        quantity_qualifier=data["quantity_qualifier"] if value is not None else "",
    )


def relay_chain(data, story_outlet_name):
    """The outlets after the venue, in order, ending with the story's outlet unless the speaker told it directly.

    A statement to the newsroom has no relays; a post on X, public remarks or a report by the
    Kyiv Independent reached the story's outlet through the ones named, then the outlet itself.
    An outlet is named once where it follows itself, the venue's outlet included: "Interview
    (Coastal News) → Coastal News" is one appearance on Coastal News.
    """
    names = []
    last = data["outlet"] if data["venue"] else ""
    for name in data["relayed_by"]:
        if normalize_name(last) != normalize_name(name):
            names.append(name)
            last = name
    if normalize_name(last) != normalize_name(story_outlet_name):
        names.append(story_outlet_name)
    return names


def _write_chain(claim, data, outlets):
    """The claim's appearances: where it was made, then each outlet that passed it on (relayed_from).

    What is saved is the chain the review screen previewed. When the story does not say where it
    was said but names outlets that passed it on, the chain starts "venue not stated" (as the
    importer records a source that gives no venue), then each of them: "according to Coastal
    News" says Coastal News reported it, not that it was made in a report on Coastal News. When
    the story says neither, nothing is recorded, as an import row without a venue records
    nothing: the attribution starts "not checked". A relayed report on the story's own outlet
    would read as the newsroom having it only from another outlet (implied_attribution:
    relayed), with the newsroom as that outlet.
    """
    chain = relay_chain(data, outlets.story_outlet.name)
    if data["venue"]:
        previous = Appearance.objects.create(
            claim=claim, venue_type=data["venue"], outlet=outlets.get(data["outlet"], venue=data["venue"])
        )
    elif len(chain) > 1:
        previous = Appearance.objects.create(claim=claim, venue_type=Venue.NOT_STATED)
    else:
        return
    for name in chain:
        previous = Appearance.objects.create(
            claim=claim, venue_type=Venue.RELAYED_REPORT, outlet=outlets.get(name), relayed_from=previous
        )


class OutletBook:
    """The outlets a draft names, found or created through `Outlet.objects.for_name` when first used.

    `confirmed` holds the normalised names a person confirmed are not the tracked outlet they look
    like; any other look-alike raises LookalikeName (the review screen asks before saving).
    """

    def __init__(self, draft, confirmed=()):
        self.known, self.confirmed, self.created = {}, set(confirmed), 0
        # The story's own outlet was checked for look-alikes when the story was added.
        self.story_outlet = draft.outlet or self.get(draft.new_outlet, kind=draft.new_outlet_kind, confirmed=True)

    def get(self, name, *, venue=None, kind=None, confirmed=False):
        key = normalize_name(name or "")
        if not key:
            return None
        if key not in self.known:
            social = venue == Venue.SOCIAL_MEDIA_POST or key in SOCIAL_PLATFORMS
            kind = kind or (OutletKind.SOCIAL if social else OutletKind.NEWS)
            confirmed = confirmed or key in self.confirmed
            self.known[key], created = Outlet.objects.for_name(name, confirmed=confirmed, kind=kind)
            self.created += created
        return self.known[key]


class SpeakerBook:
    """The speakers of the accepted claims, found (by name or alias) or created through `Speaker.objects.for_name`.

    An unnamed source (`unnamed_source`: "Port users", "The official", a person named only by a
    role, "The mayor") is someone of this story alone: a speaker of their own, named with the story
    ("The mayor in “Dunmore bridge to reopen” (story 12)"), so that another story's mayor is not
    taken for them; an editor who learns the name renames or merges them. The name is the words
    before any clause the story adds ("A senior official at the authority, who spoke on condition
    of anonymity ..."): those go whole into the speaker's description.
    """

    def __init__(self, article, accepted, confirmed=()):
        self.known, self.created = {}, 0
        for record, data in accepted:
            key = normalize_name(data["speaker"])
            if key not in self.known:
                unnamed = unnamed_source(data["speaker"], data["speaker_kind"])
                self.known[key], created = Speaker.objects.for_name(
                    _in_story(_before_any_clause(data["speaker"]), article) if unnamed else data["speaker"],
                    confirmed=unnamed or key in confirmed,
                    kind=data["speaker_kind"],
                    title=data["title"],
                    affiliation=data["affiliation"],
                    description=_description(article.body, record, data),
                )
                self.created += created

    def get(self, data):
        return self.known[normalize_name(data["speaker"])]


def unnamed_source(name, kind):
    """Whether a story's speaker is someone it does not name, whatever kind the engine or the reviewer
    gave: an unnamed source or group ("Port users", "The official") or a person described by a role
    ("The mayor", kind Person). Such a speaker is someone of that story alone (SpeakerBook)."""
    return kind == SpeakerKind.UNNAMED_GROUP or described(name or "")


# Where a story's description of an unnamed source goes on past its name: ", who spoke on condition ...".
_CLAUSE = re.compile(r"\s*[,;(\u2013\u2014]")


def _before_any_clause(name):
    """ "A senior official at the authority": an unnamed source's words before the first comma,
    semicolon, bracket or dash, which start what the story adds about them."""
    return _CLAUSE.split(name, maxsplit=1)[0].strip() or name


def _in_story(name, article):
    """ "The mayor in “Dunmore bridge to reopen” (story 12)": an unnamed source, in one story."""
    headline = article.headline if len(article.headline) <= 60 else f"{article.headline[:57].rstrip()}..."
    scoped = f"{name} in “{headline}” (story {article.pk})" if headline else f"{name} (story {article.pk})"
    return scoped if len(scoped) <= SPEAKER_NAME_LENGTH else f"{name[:120].rstrip()}... (story {article.pk})"


def _description(body, record, data):
    """How the story describes an unnamed source ("experts", "the mayor"), for a new speaker."""
    if not unnamed_source(data["speaker"], data["speaker_kind"]):
        return ""
    words = " ".join(body[start:end] for start, end in record["source"]) or data["speaker"]
    return f"Described in the story as “{words}”."
