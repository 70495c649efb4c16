"""From a record's values to a clean Row, or to the reasons it cannot be one.

A Row holds only values the database accepts: known choices, numbers that fit, URLs and dates
that parse, names with letters in them. It is what validation stages on disk (NamedTuples
serialise as JSON arrays) and what `apply` writes without checking the file again.
"""

import hashlib
import json
import math
import re
from contextlib import suppress
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import pluralize

from factcheck.exporting import ATTRIBUTION_PROPERTY, site_url
from factcheck.extraction import classify_venue, kind_of_name
from factcheck.importing.reading import types_of
from factcheck.models import Claim, ClaimKind, DateOrder, Qualifier, SpeakerKind, Stance, Venue, normalize_name
from factcheck.text import (
    FIGURE_STEP,
    RELAY_SPLIT,
    clean_claim,
    clean_name,
    clean_text,
    holds_markup,
    lf_line_breaks,
    read_figure,
)
from factcheck.verification import ATTRIBUTION_CHOICES, Status
from factcheck.verification import CHOICES as STATUS_CHOICES


class Speaker(NamedTuple):
    name: str
    kind: str
    title: str
    affiliation: str


class Link(NamedTuple):
    """One appearance in an attribution chain; the chain runs from where it was said to the last relay."""

    venue: str | None  # None: the file does not say (writing records it as UNSTATED_VENUE)
    outlet: str
    url: str
    date: str | None
    when: str | None  # None: the file cannot say (ClaimReview), so any stored one matches
    text: str = ""  # the venue in the file's own words, when they are not one of our venue types


class Source(NamedTuple):
    """The article that reports the claim."""

    url: str
    headline: str
    outlet: str
    published: str | None


class Review(NamedTuple):
    """Another fact-checker's rating of the claim, as its ClaimReview gave it (an ExternalReview)."""

    publisher: str
    label: str
    value: str | None  # ratingValue, bestRating, worstRating as decimal text
    best: str | None
    worst: str | None
    url: str
    published: str | None


class Item(NamedTuple):
    """An evidence item."""

    url: str
    citation: str
    summary: str
    stance: str


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


class Row(NamedTuple):
    """One clean row. None means "not in the file": a re-import leaves that field as it is."""

    line: int
    column: int  # of the status, where a refused status change is reported
    key: str
    text: str
    quote: str | None
    kind: str | None
    quantity: list | None  # [value as text or None, unit, qualifier]
    speaker: Speaker
    article: Source | None
    chains: list  # of lists of Link, origin first
    evidence: list  # of Item
    status: str | None
    reason: str
    attribution: str | None = None  # did the speaker say it; None: not in the file
    review: Review | None = None  # another fact-checker's rating (ClaimReview)

    def dumps(self):
        return _ENCODER.encode(self)

    def dumps_content(self):
        """The row without its place in the file (line, column): what a repeat of its key is compared by."""
        return _ENCODER.encode(self[2:])

    @classmethod
    def loads(cls, text):
        row = cls(*json.loads(text))
        return row._replace(
            speaker=Speaker(*row.speaker),
            article=row.article and Source(*row.article),
            chains=[[Link(*link) for link in links] for links in row.chains],
            evidence=[Item(*item) for item in row.evidence],
            review=row.review and Review(*row.review),
        )


# ---------------------------------------------------------------------------------------------
# Vocabulary: the spellings a file may use for each enumerated field


class Vocabulary(dict):
    """Normalised spelling -> stored value, with what a person can write, for the error when a
    cell is none of them: "unconfirmed (Unable to independently confirm), verified, …"."""

    def __init__(self, table, written):
        super().__init__(table)
        self.written = written


def _lookup(choices, **extra):
    """Normalised value or label -> stored value, so "Up to", "up_to" and "UP TO" all match."""
    table, written = {}, []
    for value, label in choices:
        table[normalize_name(value)] = value
        table[normalize_name(str(label))] = value
        same = normalize_name(str(label)) == normalize_name(value)
        written.append(value if same else f"{value} ({label})")
    table.update({normalize_name(spelling): value for spelling, value in extra.items()})
    return Vocabulary(table, ", ".join(written))


SPEAKER_KINDS = _lookup(
    SpeakerKind.choices,
    group=SpeakerKind.UNNAMED_GROUP,
    unnamed=SpeakerKind.UNNAMED_GROUP,
    organisation=SpeakerKind.INSTITUTION,
    organization=SpeakerKind.INSTITUTION,
    outlet=SpeakerKind.OUTLET_VOICE,
)
CLAIM_KINDS = _lookup(ClaimKind.choices)
QUALIFIERS = _lookup(Qualifier.choices)


def _words_for(table):
    """{value: "a spelling, another, …"} -> {spelling: value}: a vocabulary written by what its words mean."""
    return {word: value for value, words in table.items() for word in words.split(", ")}


# Venue labels as desks write them; a leading "a", "an" or "the" is ignored ("a tweet").
VENUE_SYNONYMS = _words_for(
    {
        Venue.STATEMENT_TO_OUTLET: "statement to us, statement to the newsroom, told us, said to us, to us, "
        "statement to outlet, statement to reporter, statement to our reporter, emailed statement, email to us, "
        "phone call",
        Venue.SOCIAL_MEDIA_POST: "tweet, x post, post on x, twitter, x, facebook post, facebook, instagram post, "
        "instagram, tiktok, tiktok video, telegram post, telegram, social media, social, social post, post, "
        "youtube video, threads post, bluesky post, linkedin post",
        Venue.OFFICIAL_DOCUMENT: "press release, news release, statement, official statement, press statement, "
        "official report, document, letter, decree, website, official website, filing",
        Venue.PUBLIC_REMARKS: "speech, remarks, rally, debate, address, public speech, campaign event, town hall",
        Venue.PRESS_CONFERENCE: "briefing, press briefing, news conference, presser",
        Venue.INTERVIEW: "tv interview, radio interview, podcast, op ed",
        Venue.ADVERTISEMENT: "ad, advert, tv ad, campaign ad, mailer, campaign mailer",
        Venue.ANONYMOUS_BRIEFING: "anonymous, background briefing, off the record, not for attribution",
        Venue.RELAYED_REPORT: "relayed, relay, relayed by, reported, via, secondhand",
    }
)
# Our own venue types, by value or label: taken as they are, their words not kept.
OUR_VENUES = _lookup(Venue.choices, relayed=Venue.RELAYED_REPORT, relay=Venue.RELAYED_REPORT)
VENUES = _lookup(Venue.choices, **VENUE_SYNONYMS)
STANCES = _lookup(Stance.choices, support=Stance.SUPPORTS, refute=Stance.REFUTES)
# The words of a tracking sheet for a status, besides the labels and a rating's names (below).
STATUS_SYNONYMS = _words_for(
    {
        Status.UNCONFIRMED: "open, pending, to check, checking, unchecked, not checked, not verified, unknown, tbc",
        Status.VERIFIED: "checked true, ok",
        Status.FALSE: "untrue",
        Status.DISPUTED: "contested",
    }
)
# The stance imported evidence takes when the file gives none: what its row's verdict says of it.
IMPLIED_STANCE = {Status.VERIFIED: Stance.SUPPORTS, Status.FALSE: Stance.REFUTES}
ATTRIBUTIONS = _lookup(ATTRIBUTION_CHOICES)

# reviewRating.alternateName -> our status. FACTCHECK_CLAIMREVIEW_RATINGS is merged over this
# (a value of None removes a default); spellings are compared after normalize_name.
DEFAULT_CLAIMREVIEW_RATINGS = _words_for(
    {
        Status.FALSE: "false, pants on fire, incorrect, wrong, fake, fabricated, hoax, not true",
        Status.VERIFIED: "true, correct, accurate, verified, confirmed",
        Status.DISPUTED: "misleading, mixed, mixture, half true, mostly true, mostly false, partly true, partly false, "
        "partially false, disputed, missing context, needs context, out of context, exaggerated",
        Status.UNCONFIRMED: "unproven, unverified, unconfirmed, unable to independently confirm, unsupported, "
        "unsubstantiated, no evidence, research in progress",
    }
)
# A status column takes the ratings' names too, read as a ClaimReview's are: one vocabulary.
STATUSES = _lookup(STATUS_CHOICES, **{**DEFAULT_CLAIMREVIEW_RATINGS, **STATUS_SYNONYMS})
OUR_STATUSES = _lookup(STATUS_CHOICES)  # a status written as ours: no word of the file's to keep
# When alternateName is missing or unknown: ratingValue scaled to 0..1 within worstRating ..
# bestRating (schema.org's defaults: 1 .. 5). Up to RATING_FALSE_UPTO is false, from
# RATING_VERIFIED_FROM verified, anything between disputed: on 1..5, 1 is false, 5 verified.
RATING_FALSE_UPTO = 0.2
RATING_VERIFIED_FROM = 0.8
UNATTRIBUTED = "Unattributed"


def claimreview_ratings():
    """The alternateName mapping in force: the defaults with FACTCHECK_CLAIMREVIEW_RATINGS over them."""
    table = {normalize_name(name): status for name, status in DEFAULT_CLAIMREVIEW_RATINGS.items()}
    for name, status in getattr(settings, "FACTCHECK_CLAIMREVIEW_RATINGS", {}).items():
        if status is None:
            table.pop(normalize_name(name), None)
            continue
        try:
            table[normalize_name(name)] = Status(status)
        except ValueError:
            raise ImproperlyConfigured(
                f"FACTCHECK_CLAIMREVIEW_RATINGS maps “{name}” to “{status}”, which is not a status."
            ) from None
    return table


# ---------------------------------------------------------------------------------------------
# Values

# A URL as Django's URLValidator accepts it (http and https), cheaper to check on every row.
URL = re.compile(
    r"https?://(?:[^\s:@/]+(?::[^\s@/]*)?@)?"
    r"(?:localhost|\[[0-9a-f:.]+\]|(?:[0-9]{1,3}\.){3}[0-9]{1,3}|"
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})\.?)"
    r"(?::[0-9]{1,5})?(?:[/?#]\S*)?\Z",
    re.IGNORECASE,
)
_RELAY_SPLIT = re.compile(RELAY_SPLIT)
OUTLET_FIELDS = {"outlet", "relayed_by", "article_outlet"}
MAX_KEY = Claim._meta.get_field("import_key").max_length
LIMITS = [  # text fields with a length limit in the database
    ("venue", 300),
    ("venue_text", 300),
    ("speaker_title", 200),
    ("speaker_affiliation", 200),
    ("quantity_unit", 100),
    ("appearance_when", 200),
    ("article_headline", 500),
    ("evidence_citation", 500),
]


# A file names the same few thousand speakers and outlets row after row.
norm = lru_cache(maxsize=65536)(normalize_name)
_clean_name = lru_cache(maxsize=4096)(clean_name)


def content_key(speaker, text):
    """The stable key of a row without an id: the same speaker and claim text give the same key."""
    digest = hashlib.sha256(f"{norm(speaker)}\x1f{normalize_name(text)}".encode()).hexdigest()
    return f"sha256:{digest}"


def review_key(url, text):
    """A ClaimReview's key: its URL, and a hash of the claim, since one page may review several claims."""
    return given_key(f"{url}#{hashlib.sha256(normalize_name(text).encode()).hexdigest()[:16]}")


def our_page(key):
    """("claims", id) when `key` is the page of one of our claims, ("verdicts", id) when it is the public
    page of one of our published verdicts (FACTCHECK_SITE_URL/claims/<id>/ and /verdicts/<id>/, as our
    exports write them), else None."""
    match = key.startswith("http") and re.match(re.escape(site_url()) + r"/(claims|verdicts)/([0-9]{1,18})/\Z", key)
    return (match[1], int(match[2])) if match else None


def given_key(value):
    """An id or URL from the file as a key; one too long to store is stored as its hash."""
    return value if len(value) <= MAX_KEY else f"sha256:{hashlib.sha256(value.encode()).hexdigest()}"


@lru_cache(maxsize=1024)
def _is_url(value):
    """Cached: the expression is slow (2 µs) and a file names the same article row after row;
    url_value passes at most 1,000 characters, so the cache stays small."""
    return URL.match(value) is not None


# Besides ISO 8601, dates whose month has a name (never 05/11/2024: day or month first?).
NAMED_MONTH_FORMATS = ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"]
NAMED_MONTH_FORMATS += ["%d-%b-%Y", "%d-%B-%Y", "%A, %B %d, %Y"]  # as spreadsheets show dates: 30-Oct-2024


def parse_moment(value):
    """A time zone-aware moment from an ISO 8601 date or date-time, an RFC 2822 date or a
    date with a named month ("25 June 2019", "Jun 25, 2019"), else None. Dates are midnight UTC."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = _other_date(value)
        if moment is None:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _other_date(value):
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    for format in NAMED_MONTH_FORMATS:
        try:
            return datetime.strptime(value, format)
        except ValueError:
            continue
    return None


_ARTICLE = re.compile(r"^(?:a|an|the) ")


def looked_up(raw, table):
    """The stored value for `raw` in `table`, a leading "a", "an" or "the" ignored; or None."""
    key = norm(raw)
    value = table.get(key)
    if value is None and _ARTICLE.match(key):
        value = table.get(_ARTICLE.sub("", key))
    return value


def choice(raw, name, table, fail, default=None):
    """The stored value for `raw` in `table` as looked_up() finds it (default when raw is empty), or fail and None."""
    if not raw:
        return default
    value = looked_up(raw, table)
    if value is None:
        fail(name, f"“{raw[:60]}” is not one of: {table.written}")
    return value


def entity_name(raw, name, fail, *, required=False):
    """A speaker's or outlet's name as stored (factcheck.text.clean_name), checked."""
    raw = _clean_name(raw) if raw else raw
    if not raw:
        if required:
            fail(name, "is empty")
        return ""
    if len(raw) > 200:
        fail(name, f"is {len(raw):,} characters long; at most 200 fit")
    elif not norm(raw):
        fail(name, f"“{raw[:60]}” has no letters or digits")
    elif name in OUTLET_FIELDS and holds_markup(raw):
        fail(name, f"“{raw[:60]}” holds “<” or “>”: write outlets' names only, separated by “ > ” (spaces around)")
    return raw


def url_value(raw, name, fail):
    if raw and not (len(raw) <= 1000 and _is_url(raw)):
        fail(name, f"“{raw[:80]}” is not an http(s) URL")
    return raw or ""


# 31/10/2024, 31.10.2024, 31-10-2024, and the time a spreadsheet may add (31/10/2024 00:00).
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\Z")


def date_value(raw, name, fail, order=DateOrder.ISO):
    if not raw:
        return None
    # A file gives the same few dates row after row, so short ones (any real date is) are cached.
    iso = _cached_iso_date(raw, order) if len(raw) <= MAX_CACHED_DATE else _iso_date(raw, order)
    if isinstance(iso, tuple):
        fail(name, iso[0])
        return None
    if iso is None:
        fail(name, f"“{raw[:40]}” is not a date (use YYYY-MM-DD, or a named month: 5 November 2024)")
    return iso


def _numeric_readings(raw):
    """(first number, second number, {DateOrder.DAY_FIRST / MONTH_FIRST: the date, YYYY-MM-DD, read in
    that order}) of a date in numbers only (31/10/2024: day first only), else None."""
    numeric = _NUMERIC_DATE.match(raw)
    if numeric is None:
        return None
    first, second, year = (int(part) for part in numeric.groups())
    readings = {}
    for order, day, month in ((DateOrder.DAY_FIRST, first, second), (DateOrder.MONTH_FIRST, second, first)):
        with suppress(ValueError):
            readings[order] = date(year, month, day).isoformat()
    return first, second, readings


def _iso_date(raw, order):
    """parse_moment(raw) as a date, YYYY-MM-DD; a numeric date read in `order`; None, or (why not,) for one.

    With no order chosen, a numeric date is the one date it can be (13/04/2024 can only be day
    first; 05/05/2024 is the same either way), else (why not,): two dates, or none."""
    numeric = _numeric_readings(raw)
    if numeric is None:
        moment = parse_moment(raw)
        return moment and moment.date().isoformat()
    first, second, readings = numeric
    if order == DateOrder.ISO:
        dates = set(readings.values())
        if len(dates) == 1:
            return dates.pop()
        if dates:
            return (
                f"“{raw[:40]}” could be day first or month first: say which (the date order on the upload "
                "form, or --date-order), or write it YYYY-MM-DD",
            )
        return (
            f"“{raw[:40]}” is not a date, day first or month first: there is no such day (no day {first} "
            f"in month {second}, nor day {second} in month {first})",
        )
    if order in readings:
        return readings[order]
    day, month = (first, second) if order == DateOrder.DAY_FIRST else (second, first)
    read, other = ("day first", "month first") if order == DateOrder.DAY_FIRST else ("month first", "day first")
    written = f"“{raw[:40]}” is not a date written {read} ({'DD/MM' if read == 'day first' else 'MM/DD'}/YYYY)"
    if not 1 <= month <= 12:  # the month is what is wrong: perhaps the date is written the other way
        return (f"{written}: there is no month {month} (the file's dates are read {read}: was this one {other}?)",)
    return (f"{written}: there is no day {day} in month {month}",)


MAX_CACHED_DATE = 64
_cached_iso_date = lru_cache(maxsize=1024)(_iso_date)


@lru_cache(maxsize=1024)
def numeric_date_order(raw):
    """DateOrder.DAY_FIRST or MONTH_FIRST for a date in numbers only that reads that way only (25/03/2026,
    03/25/2026), "either" for one that reads as two dates (05/04/2026), else None."""
    first, second, readings = _numeric_readings(raw) or (0, 0, {})
    if len(readings) == 2:
        return "either" if first != second else None
    return next(iter(readings), None)


class DateOrders:
    """The lines of a file whose dates in numbers read day first only, month first only, or either way.
    A file with lines of the first two kinds mixes the orders: a date of the third kind in it is
    one no date order decides, which an import must not guess."""

    SHOWN = 5
    WORDS = {DateOrder.DAY_FIRST: "can only be day first", DateOrder.MONTH_FIRST: "only month first"}

    def __init__(self):
        kinds = (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST, "either")
        self.found = {kind: {"count": 0, "lines": [], "last": None, "example": ""} for kind in kinds}
        self.first_either = None  # (line, field)

    def add(self, line, values):
        for field in ("appearance_date", "article_date"):
            raw = (values.get(field) or "").strip()
            kind = numeric_date_order(raw)
            if kind is None:
                continue
            found = self.found[kind]
            if found["last"] != line:  # a line with two dates of one kind counts once
                found["count"] += 1
                found["last"] = line
                if len(found["lines"]) < self.SHOWN:
                    found["lines"].append(line)
                    found["example"] = found["example"] or raw
            if kind == "either" and self.first_either is None:
                self.first_either = line, field

    def note(self):
        """What the preview says of a file mixing the orders; "" for one that does not."""
        if not (self.found[DateOrder.DAY_FIRST]["count"] and self.found[DateOrder.MONTH_FIRST]["count"]):
            return ""
        kinds = ", ".join(f"{self._lines(kind)} {words}" for kind, words in self.WORDS.items())
        said = f"the file's dates are written both ways: {kinds}"
        if self.first_either:
            one = self.found["either"]["count"] == 1
            they, them, are = ("it", "it", "is") if one else ("they", "them", "are")
            said += f"; {self._lines('either')} could be either: no date order can decide {them}, so {they} {are} "
            said += f"not imported: write {them} YYYY-MM-DD"
        return said

    def _lines(self, kind):
        found = self.found[kind]
        more = ", …" if found["count"] > len(found["lines"]) else ""
        lines = f"line{pluralize(found['count'])} {', '.join(map(str, found['lines']))}{more}"
        return f"{lines} ({found['example']})"


# ---------------------------------------------------------------------------------------------
# Venues and speakers in a file's own words

# The venue type of an appearance whose words name none (the preview lists such texts).
UNCLASSIFIED_VENUE = Venue.PUBLIC_REMARKS
# The venue type of an appearance whose file gives no venue at all: not stated, never guessed.
UNSTATED_VENUE = Venue.NOT_STATED


@lru_cache(maxsize=8192)
def venue_of(words):
    """(venue, outlet, the words to keep) for a venue as a file gives it.

    One of our venue types is taken as it is, its words not kept. Other words ("a tweet") are kept
    and classified as the story desk classifies them, a desk's label (VENUE_SYNONYMS) first; words
    neither can place are UNCLASSIFIED_VENUE. Files repeat the same few venue texts: cached.
    """
    code = OUR_VENUES.get(norm(words))
    if code:
        return code, None, ""
    venue, outlet = classify_venue(words)
    named = looked_up(words, VENUES)  # a desk's own label ("Statement to us") says it better
    if named and named != venue:
        return named, None, words
    return venue or UNCLASSIFIED_VENUE, outlet, words


@lru_cache(maxsize=8192)
def is_classified(words):
    """Whether a kept venue text was placed (not merely given the public-remarks default)."""
    return classify_venue(words)[0] is not None or looked_up(words, VENUES) is not None


@lru_cache(maxsize=8192)
def speaker_kind_of(name, types=()):
    """The kind of a speaker a file names without one: factcheck.extraction.kind_of_name, cached."""
    if name == UNATTRIBUTED:
        return SpeakerKind.UNNAMED_GROUP
    return kind_of_name(name, types)


# ---------------------------------------------------------------------------------------------
# CSV and JSON records: the CSV column names, as documented in docs/importing.md


# Any of these given, the row has an appearance (and needs its venue).
APPEARANCE_FIELDS = (
    *("venue", "venue_text", "outlet", "relayed_by"),
    *("appearance_url", "appearance_date", "appearance_when"),
)


def clean_fields(values, fail, line, column, date_order, decimal_point=False):
    """A Row from one record's values (field -> text, None when the file has no such field).

    Dates in numbers only (31/10/2024) are read in `date_order` (a DateOrder); a figure's point is a
    decimal point when the file showed it is one (`decimal_point`), else "1.125" is refused as 1,125.
    """
    get = values.get
    text = clean_claim(get("claim") or "")
    if not text:
        fail("claim", "the claim text is empty")
    speaker = entity_name(get("speaker"), "speaker", fail, required=True)
    for name, limit in LIMITS:
        value = get(name)
        if value and len(value) > limit:
            fail(name, f"is {len(value):,} characters long; at most {limit:,} fit")

    quantity = None
    amount_raw, unit, qualifier_raw = get("quantity_value"), get("quantity_unit"), get("quantity_qualifier")
    if amount_raw is not None or unit is not None or qualifier_raw is not None:
        amount = None
        if amount_raw:
            amount, problem = read_figure(amount_raw, decimal_point=decimal_point)
            if problem:
                fail("quantity_value", problem)
            amount = amount if amount is None else str(amount)
        qualifier = choice(qualifier_raw, "quantity_qualifier", QUALIFIERS, fail, Qualifier.EXACT) or ""
        if not amount_raw and (unit or qualifier):
            fail("quantity_value", "a unit or qualifier needs a value")
        quantity = [amount, unit or "", qualifier]

    status = choice(get("status"), "status", STATUSES, fail)
    evidence = []
    if get("evidence_url") or get("evidence_citation") or get("evidence_summary") or get("evidence_stance"):
        url = url_value(get("evidence_url"), "evidence_url", fail)
        # Free text keeps the file's words; its cells' line breaks are stored as LF, as typed text's are.
        citation = lf_line_breaks(get("evidence_citation") or "")
        if not url and not citation:
            fail("evidence_url", "evidence needs a URL or a citation")
        summary = lf_line_breaks(get("evidence_summary") or "")
        if not summary:
            fail("evidence_summary", "evidence needs a summary")
        implied = IMPLIED_STANCE.get(status, Stance.CONTEXT)
        stance = choice(get("evidence_stance"), "evidence_stance", STANCES, fail, implied) or implied
        evidence.append(Item(url, citation, summary, stance))

    chains = []
    if any(map(get, APPEARANCE_FIELDS)):
        # The venue's words come in the venue column, or beside its type (as exports write them).
        beside = get("venue_text") or ""
        beside = beside if beside.isascii() else clean_text(beside)
        given = get("venue") or beside
        # None: the file does not say how it was said (venue not stated, whose attribution is not checked).
        venue, named, words = venue_of(given) if given else (None, None, "")
        if not given and not any(map(get, APPEARANCE_FIELDS[2:])):  # venue words that cleaned away to nothing
            fail("venue", "an appearance needs a venue type")
        words = beside or words
        origin = Link(
            venue,
            entity_name(get("outlet") or named, "outlet", fail),
            url_value(get("appearance_url"), "appearance_url", fail),
            date_value(get("appearance_date"), "appearance_date", fail, date_order),
            get("appearance_when") or "",
            words,
        )
        links = [origin]
        for relay in _RELAY_SPLIT.split(get("relayed_by") or ""):
            if relay:
                links.append(Link(Venue.RELAYED_REPORT, entity_name(relay, "relayed_by", fail), "", None, ""))
        chains.append(links)

    article = None
    if get("article_url") or get("article_headline") or get("article_outlet") or get("article_date"):
        headline = get("article_headline") or ""
        if not headline:
            fail("article_headline", "an article needs a headline")
        publisher = entity_name(get("article_outlet"), "article_outlet", fail) or (chains and chains[0][-1].outlet)
        if not publisher:
            fail("article_outlet", "an article needs an outlet (article_outlet, or outlet or relayed_by)")
        article = Source(
            url_value(get("article_url"), "article_url", fail),
            headline,
            publisher or "",
            date_value(get("article_date"), "article_date", fail, date_order),
        )

    given = get("id")
    kind = get("kind")
    quote = get("quote")
    if quote and not (quote.isascii() and "\r" not in quote):
        quote = clean_text(quote)
    return Row(
        line,
        column,
        given_key(given) if given else content_key(speaker, text),
        text,
        quote,
        None if kind is None else choice(kind, "kind", CLAIM_KINDS, fail, ClaimKind.FACTUAL),
        quantity,
        Speaker(
            speaker,
            choice(get("speaker_kind"), "speaker_kind", SPEAKER_KINDS, fail) or speaker_kind_of(speaker),
            get("speaker_title") or "",
            get("speaker_affiliation") or "",
        ),
        article,
        chains,
        evidence,
        status,
        _status_reason(get("status"), status, lf_line_breaks(get("status_reason") or "")),
        choice(get("attribution"), "attribution", ATTRIBUTIONS, fail),
    )


def _status_reason(written, status, reason):
    """The row's reason, after the file's own word for the status when it is not ours ("Mostly
    true" gives disputed): the history keeps what the source said, as a ClaimReview's label is kept."""
    if not status or looked_up(written, OUR_STATUSES):
        return reason
    return f"The file said “{written}”." + (f" {reason}" if reason else "")


# ---------------------------------------------------------------------------------------------
# ClaimReview JSON-LD


def _first(node):
    return node[0] if isinstance(node, list) and node else node


def _text(node, name):
    value = node.get(name) if isinstance(node, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _name(node):
    node = _first(node)
    return node.strip() if isinstance(node, str) else _text(node, "name")


def rating_status(rating, fail, ratings):
    """Our status for a reviewRating: its alternateName, else its ratingValue within the scale."""
    if not isinstance(rating, dict):
        fail("reviewRating", "is missing" if rating is None else "is not a Rating object")
        return None
    label = _text(rating, "alternateName")
    if label and norm(label) in ratings:
        return ratings[norm(label)]
    if rating.get("ratingValue") in (None, ""):
        if label:
            fail(
                "reviewRating.alternateName",
                f"“{label[:60]}” is not a known rating and there is no ratingValue; "
                "add it to FACTCHECK_CLAIMREVIEW_RATINGS",
            )
        else:
            fail("reviewRating", "has neither an alternateName nor a ratingValue")
        return None
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (TypeError, ValueError):
        fail("reviewRating.ratingValue", "ratingValue, bestRating and worstRating must be numbers")
        return None
    if not all(map(math.isfinite, (value, best, worst))) or best <= worst or not worst <= value <= best:
        fail("reviewRating.ratingValue", f"{value:g} is outside worstRating {worst:g} .. bestRating {best:g}")
        return None
    scaled = (value - worst) / (best - worst)
    if scaled <= RATING_FALSE_UPTO:
        return Status.FALSE
    return Status.VERIFIED if scaled >= RATING_VERIFIED_FROM else Status.DISPUTED


def appearance_chain(work, path, fail, depth=0):
    """A CreativeWork and, through isBasedOn, what it relays: the chain, origin first."""
    if depth > 20:
        fail(path, "isBasedOn is nested too deeply")
        return []
    if isinstance(work, str):  # a URL, or the venue in words: "a tweet"
        work = {"url": work} if work.strip().lower().startswith(("http://", "https://")) else {"name": work}
    if not isinstance(work, dict):
        fail(path, "is not a CreativeWork")
        return []
    source = _first(work.get("isBasedOn"))
    links = appearance_chain(source, f"{path}.isBasedOn", fail, depth + 1) if source else []
    url = url_value(_text(work, "url"), f"{path}.url", fail)
    day = date_value(_text(work, "datePublished"), f"{path}.datePublished", fail)
    words = next((_text(work, name)[:300] for name in VENUE_WORDS if _text(work, name)), "")
    venue, named, words = venue_of(words) if words else (None, None, "")
    one_of_ours = venue and not words  # a genre naming one of our venue types
    if one_of_ours:  # and the source's words beside it, kept as given, as our exports write them
        words = next((clean_text(_text(work, name))[:300] for name in VENUE_WORDS[1:] if _text(work, name)), "")
    if links and not one_of_ours:  # a work based on another relays it
        venue = Venue.RELAYED_REPORT
    elif not one_of_ours and not (words and is_classified(words)):
        if "SocialMediaPosting" in types_of(work):
            venue = Venue.SOCIAL_MEDIA_POST
        elif not words:  # neither a type nor words say how it was said
            venue = UNSTATED_VENUE
    outlet = entity_name(_name(work.get("publisher")) or named or "", f"{path}.publisher.name", fail)
    return [*links, Link(venue, outlet, url, day, None, words)]  # when: ClaimReview cannot say


# Where a CreativeWork may word its venue, in the order they are read: "a tweet", "an interview on CNN".
# (Not the headline: that is a story's, not where the claim was made.)
VENUE_WORDS = ("genre", "name", "alternateName", "description")


def clean_claimreview(node, fail, line, column, ratings):
    """A Row from one ClaimReview (the mapping is described in docs/importing.md)."""
    if "ClaimReview" not in types_of(node):  # types_of(a list, a string) is empty
        types = " or ".join(sorted(types_of(node)))
        found = (
            f"a {types}" if types else "an object without @type" if isinstance(node, dict) else json.dumps(node)[:60]
        )
        fail("@type", f"expected a ClaimReview, found {found}")
        return None
    text = clean_claim(_text(node, "claimReviewed"))
    if not text:
        fail("claimReviewed", "is missing or empty")
    rating = _first(node.get("reviewRating"))
    status = rating_status(rating, fail, ratings)
    claim = _first(node.get("itemReviewed"))
    claim = claim if isinstance(claim, dict) else {}
    author = _first(claim.get("author"))
    author = author if isinstance(author, dict) else {"name": author} if isinstance(author, str) else {}
    speaker = entity_name(clean_name(_text(author, "name")) or UNATTRIBUTED, "itemReviewed.author.name", fail)
    kind = speaker_kind_of(speaker, tuple(sorted(types_of(author))))

    works = [("itemReviewed.firstAppearance", claim.get("firstAppearance"))]
    appearances = claim.get("appearance")
    if isinstance(appearances, list):
        works += [(f"itemReviewed.appearance[{n}]", work) for n, work in enumerate(appearances)]
    else:
        works.append(("itemReviewed.appearance", appearances))
    chains = [appearance_chain(work, path, fail) for path, work in works if work]
    properties = claim.get("additionalProperty")
    properties = properties if isinstance(properties, list) else [properties]
    said = next((_text(item, "value") for item in properties if _text(item, "propertyID") == ATTRIBUTION_PROPERTY), "")

    url = url_value(_text(node, "url") or _text(node, "@id"), "url", fail)
    ours = bool(url) and our_page(url) is not None  # our own export: its page is its key
    reviewer = _name(node.get("author"))
    published = _text(node, "datePublished")
    moment = parse_moment(published) if published else None
    if published and moment is None:
        iso = "ClaimReview writes ISO 8601 (2024-11-05, or 2024-11-05T14:30:00Z)"
        fail("datePublished", f"“{published[:40]}” is not a date: {iso}")
    # Without a status the row is refused (rating_status said why), and there is no verdict to word.
    # Dated in its words: the evidence is added when it is imported, the review was written that day.
    on = f" on {moment.day} {moment:%b %Y}" if moment else ""
    verdict = f"{reviewer or 'The reviewer'} rated this claim {_their_rating(rating)}{on}." if status else ""
    review = None
    if status:
        # The organisation, when the review names a person as its author and its publisher too.
        organisation = _name(node.get("publisher"))
        if "Person" not in types_of(_first(node.get("author"))):
            organisation = reviewer or organisation
        publisher = (organisation or reviewer or _domain(url) or UNKNOWN_REVIEWER)[:200]
        review = Review(
            clean_name(publisher) or UNKNOWN_REVIEWER,
            _text(rating, "alternateName")[:200],
            *_rating_scale(rating),
            url,
            moment and moment.date().isoformat(),
        )
    evidence = []
    if url or reviewer:
        citation = "" if url else f"{reviewer}, {published or 'undated'}"[:500]
        stance = IMPLIED_STANCE.get(status, Stance.CONTEXT)
        evidence.append(Item(url, citation, verdict, stance))
    return Row(
        line,
        column,
        url if ours else review_key(url, text) if url else content_key(speaker, text),
        text,
        clean_text(_text(claim, "text")) or None,
        None,
        None,
        Speaker(speaker, kind, _text(author, "jobTitle")[:200], _name(author.get("affiliation"))[:200]),
        None,
        chains,
        evidence,
        status,
        verdict,
        choice(said, "itemReviewed.additionalProperty", ATTRIBUTIONS, fail),
        review,
    )


UNKNOWN_REVIEWER = "Unnamed fact-checker"
MAX_RATING = Decimal("1e8")  # ExternalReview's rating fields: 12 digits, 4 after the point


def _rating_number(value):
    """A rating's number as decimal text that fits ExternalReview, else None."""
    try:
        number = Decimal(str(value).strip()) if isinstance(value, int | float | str) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or abs(number) >= MAX_RATING:
        return None
    return str(number.quantize(FIGURE_STEP).normalize())


def _rating_scale(rating):
    """(value, best, worst) as decimal text; with a value, schema.org's scale 1 .. 5 where the rating gives none."""
    value = _rating_number(rating.get("ratingValue"))
    best, worst = _rating_number(rating.get("bestRating")), _rating_number(rating.get("worstRating"))
    if value is not None:
        best = best if rating.get("bestRating") not in (None, "") else "5"
        worst = worst if rating.get("worstRating") not in (None, "") else "1"
    return value, best, worst


def _their_rating(rating):
    """The rating as the checker gave it, never our status in their mouth: “Half true”, or 4 on
    a scale of 1 to 5 when they give only a number."""
    label = _text(rating, "alternateName")
    if label:
        return f"“{label}”"
    value, best, worst = (number and format(Decimal(number), "f") for number in _rating_scale(rating))  # 10, not 1E+1
    return f"{value} on a scale of {worst} to {best}" if value is not None else "without a label"


def _domain(url):
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else ""


def remapped(row, statuses):
    """The row with the status the admin chose for its rating label (normalised label -> status), if any."""
    review = row.review
    status = statuses.get(norm(review.label)) if review and review.label else None
    if not status or status == row.status:
        return row
    stance = IMPLIED_STANCE.get(status, Stance.CONTEXT)
    return row._replace(status=status, evidence=[item._replace(stance=stance) for item in row.evidence])
