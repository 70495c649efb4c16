"""The forms of the reviewer workspace: the queue's filters and the actions on a claim."""

import functools
import hashlib
import math
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from factcheck import models, storydesk
from factcheck.extraction.datelines import without_dateline
from factcheck.extraction.lexicon import FIRST_PERSON, PRONOUNS
from factcheck.models import (
    Article,
    Claim,
    ClaimKind,
    CorrectionCase,
    Evidence,
    LookalikeName,
    Note,
    NotificationSettings,
    Outlet,
    OutletKind,
    OutletTally,
    PublishedVerdict,
    SpeakerKind,
    Venue,
    lookalike_message,
    normalize_name,
)
from factcheck.text import clean_claim, clean_name, clean_text, figure_typed, holds_markup, lf_line_breaks, read_figure
from factcheck.verification import ATTRIBUTION_CHOICES, Attribution, Status
from factcheck.verification import CHOICES as STATUS_CHOICES

PAGE_SIZE = 25
# Where a list stands ("load more"), which its address also holds: no filter.
PAGE_PARAMETERS = {"after", "limit", "shown"}
# A long feature is 10,000 words; the desk refuses what is far beyond a story.
STORY_MAX_CHARACTERS = 200_000
MAX_PAGE_SIZE = 100

ANY_STATUS = "all"
# How long the outlet select's options are kept (outlet_choices, under models.OUTLET_CHOICES_KEY);
# a new, renamed or removed outlet drops them (models.outlets_changed).
OUTLETS_SECONDS = 60
# The filters within which a search may walk the newest claims (ClaimFilterForm.walked_matches):
# those the claim's own row answers, but not a speaker and an attribution together (a speaker's
# index leaves the attribution to be checked claim by claim). The venue is on the row too (its
# facets), but a walk reads every claim the filter passes over, so a venue, which keeps one claim
# in ten, is answered by the search index, which intersects the words with it. "Relayed" keeps one
# in four, and ranking reads only the RANKED_MATCHES newest matches: walked, a phrase within it
# took 17-23 ms, through the index, which reads every match, 92-107 (at a million claims).
WALKED_FILTERS = {"kind", "attribution", "since", "until", "speaker", "relay"}
# "Relayed" is walked alone, with the dates, or with the attribution "relayed", which goes with it
# (words that reach us only relayed), within the unconfirmed claims or all: any other filter leaves
# the walk far fewer of the claims it reads to keep (a phrase within relayed and a kind: 34-35 ms
# through the index, 50-79 walked; and verified, 102-120 walked; and Antony Blinken, 21-28 and 95-123;
# and the attribution "confirmed", 86 and 363-749).
RELAYED_WALKED_WITH = {"relay", "since", "until"}
RELAYED_WALKED_WITH_STATUS = {ANY_STATUS, Status.UNCONFIRMED}
# Within an outlet, the walk reads the outlet's claims (claimoutlet_recent_idx) and checks these on
# each. A kind, which keeps one claim in five, made PostgreSQL join the outlet's claims whole
# instead (489 ms for a phrase within the top outlet and a prediction, 274 through the index).
WALKED_WITH_OUTLET = {"attribution", "since", "until"}
# Nor is an outlet walked when the status and attribution asked for keep less of its claims
# (its OutletTally says: outlet_kept) than WALKED_OUTLET_SHARE sorted by date, where the walk
# needs a page of matches, or WALKED_OUTLET_SHARE_RANKED ranked, where it needs the RANKED_MATCHES newest
# and reads the claims it does not keep to find them: within
# "relayed" (half the top outlet's claims), a frequent word took 100-144 ms walked, 37-53 through
# the index; within "unconfirmed" (0.82 of them), 62-65 walked, 85-97 through the index.
WALKED_OUTLET_SHARE = 0.25
WALKED_OUTLET_SHARE_RANKED = 0.75
# The filter values that keep most claims (direct: three in four; no one assigned, a published
# story: nearly all). Walked whatever table answers them: the walk reads a few more claims and
# asks each, where the search index would read every match of the words and ask each.
WALKED_VALUES = {"relay": "direct", "assignee": "none", "story": "published"}
# Within the speaker filter, the walk merges each named speaker's claims, read newest first from
# the speaker's index: for a few speakers, as each is a part of the query. Searched through the index,
# as many speakers are read from the claim's facets: a posting list each.
MERGED_SPEAKERS = 4
# The filters whose pairs may seldom meet, all read from the claim's facets: with two or more (a status
# other than the queue's own counts one), the first claims are probed for a match and, with none, the
# matches are gathered (models.gathered_if_none_first) rather than left to a walk the planner expects
# to be short. A search's words are matched with them.
GATHERED_FILTERS = {"attribution", "venue", "relay", "kind", "assignee"}
SORTS = {
    # The sort a person picks, and the keyset it pages on.
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "relevance": ("-rank", "-created_at", "-id"),
}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def encode_cursor(values):
    """The `after` parameter for the page that follows the row with these sort values.

    Times are written as whole microseconds since 1970, so the value needs no URL escaping.
    """
    return "~".join(
        str((value - EPOCH) // MICROSECOND)
        if isinstance(value, datetime)
        else value.isoformat()
        if isinstance(value, date)
        else repr(value)
        for value in values
    )


def decode_cursor(text, ordering):
    """The sort values in an `after` parameter, or None when it does not fit `ordering`."""
    parts = text.split("~")
    if len(parts) != len(ordering):
        return None
    moment = lambda part: EPOCH + int(part) * MICROSECOND  # noqa: E731
    parse = {
        "rank": float,
        "created_at": moment,
        "latest_claim_at": moment,
        "claims": int,
        "opened_at": moment,
        "decided_at": moment,
        "recheck_on": date.fromisoformat,
    }
    try:
        values = [
            parse.get(field.lstrip("-"), int)(part)  # ids: id, speaker_id, ...
            for field, part in zip(ordering, parts, strict=True)
        ]
    except (ValueError, OverflowError):
        return None
    # A number no column holds never reaches the database, which refuses it (SQLite: OverflowError).
    if any(
        (isinstance(value, int) and not -models.LARGEST_ID - 1 <= value <= models.LARGEST_ID)
        or (isinstance(value, float) and not math.isfinite(value))
        for value in values
    ):
        return None
    return values


class CleanTextField(forms.CharField):
    """Text as a person typed it, less invisible and bidi control characters, in NFKC (factcheck.text.clean_text)."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class ClaimTextField(forms.CharField):
    """A claim's words, on one line as every road in stores them (factcheck.text.clean_claim)."""

    def to_python(self, value):
        return clean_claim(super().to_python(value))


class ExactTextField(forms.CharField):
    """Text kept exactly as it is stored, spaces and line breaks included: a story's body, a claim's
    span and the words around it, which find the span again in the story. A browser shows any line
    break (CR LF, a lone CR, LF) in a text box as one and posts it as CR LF: each is read as the LF
    the story desk stores (lf_line_breaks), so the next save of an unchanged form records no edit.
    One character for one, a lone CR leaves every offset into the text where it was.
    (A one-line box drops line breaks: show these with rows.)"""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "strip": False})

    def to_python(self, value):
        return lf_line_breaks(super().to_python(value))


class QuantityField(forms.DecimalField):
    """A claim's figure read as the desk and imports read it (factcheck.text.read_figure): "8,000"
    taken, "8.000", which could be 8 or 8,000, refused. In a text box: a browser's number box
    throws "8,000" away before it is posted."""

    widget = forms.TextInput

    def to_python(self, value):
        typed = value.strip() if isinstance(value, str) else ""
        if not typed:
            return super().to_python(value)
        figure, problem = read_figure(typed)
        if problem:
            raise forms.ValidationError(f"{problem}.", code="invalid")
        return figure

    def prepare_value(self, value):
        # As the claim shows it (11,000; 5.25), not as stored (11000.0000); read back the same.
        return figure_typed(value) if isinstance(value, Decimal) else value


class CleanNameField(forms.CharField):
    """A speaker's or outlet's name, cleaned as every road in cleans names (factcheck.text.clean_name)."""

    def to_python(self, value):
        return clean_name(super().to_python(value))


class WithoutColons:
    """Labels read "Speaker", not Django's default "Speaker:"; ids start with the form's `id_prefix`.

    The claim page draws six forms and two of them have a "summary": with Django's one "id_%s"
    for all, the evidence form's label focused the publish form's field.
    """

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


BROKEN_LINK = "This link to more results is broken; start again from the first page."


class PageForm(WithoutColons, forms.Form):
    """How many rows a list shows and where it resumes: `limit` and `after` in the URL."""

    limit = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        widget=forms.HiddenInput,
        # Hidden, it has no label to stand beside: its errors say what they are about.
        error_messages={
            "max_value": "A page shows at most %(limit_value)s rows: the address's “limit” asks for more.",
            "min_value": "A page shows at least %(limit_value)s row: the address's “limit” asks for fewer.",
            "invalid": "The address's “limit” is no number of rows.",
        },
    )
    after = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        # A null character is refused by a validator of every CharField, in words of no field.
        error_messages={"null_characters_not_allowed": BROKEN_LINK},
    )
    # How many rows the page already shows, sent by "load more": the number of rows the address keeps
    # once they are loaded (views.render_list), and the queue's summary. At most one a row id.
    shown = forms.IntegerField(min_value=0, max_value=models.LARGEST_ID, required=False, widget=forms.HiddenInput)

    def chosen_sort(self):
        return "newest"

    def asks_for_more(self):
        """Whether this is a page after the first: "load more" asks for it with `after`."""
        return bool(self.cleaned_data.get("after"))

    def rows_before(self):
        """How many rows the page showed before these, as "load more" says: none before a first page,
        whatever a link's `shown` says, and none for a `shown` that is no count of rows."""
        return (self.cleaned_data.get("shown") or 0) if self.asks_for_more() else 0

    def ordering(self):
        return SORTS[self.chosen_sort()]

    def page(self, claims):
        """One page of `claims` in the chosen sort, and the `after` value of the next page (None at the end)."""
        ordering = self.ordering()
        limit = self.cleaned_data.get("limit") or PAGE_SIZE
        cursor = decode_cursor(self.cleaned_data.get("after") or "", ordering)
        rows, last = self.keyset_page(claims, ordering, cursor, limit)
        return rows, encode_cursor(last) if last else None

    def keyset_page(self, claims, ordering, cursor, limit):
        return claims.keyset_page(ordering, cursor, limit)

    def clean_after(self):
        after = self.cleaned_data["after"]
        if after and decode_cursor(after, self.ordering()) is None:
            raise forms.ValidationError(BROKEN_LINK)
        return after


class OlderForm(PageForm):
    """A list of rows newest first that pages on to older ones: `before`, the id of the last row
    shown. Anything but an id ("²", a number of 5,000 digits, which int() refuses) is the first page."""

    before = forms.IntegerField(min_value=1, max_value=models.LARGEST_ID, required=False)

    def older_page(self, rows, limit):
        """(the rows of this page, newest first; the `before` of the next page, None at the end)."""
        if before := self.cleaned_data.get("before"):
            rows = rows.filter(pk__lt=before)
        shown = list(rows.order_by("-id")[: limit + 1])
        return shown[:limit], shown[limit - 1].pk if len(shown) > limit else None


class IndexForm(PageForm):
    """The index of speakers, outlets or stories: a name to look for, a sort, a page.

    Pages through their totals (factcheck.tallies), whose indexes give either sort in order.
    """

    q = CleanTextField(label="Name", required=False, max_length=200, widget=forms.SearchInput)
    sort = forms.ChoiceField(choices=[("claims", "Most claims"), ("latest", "Latest claim")], required=False)

    def __init__(self, *args, subject, **kwargs):
        self.subject = subject  # the total's key: speaker_id, outlet_id or article_id
        super().__init__(*args, **kwargs)

    def chosen_sort(self):
        # clean_after runs before sort is cleaned, so this reads the raw value too.
        chosen = self.cleaned_data.get("sort") or self.data.get("sort")
        return "latest" if chosen == "latest" else "claims"

    def ordering(self):
        first = "-latest_claim_at" if self.chosen_sort() == "latest" else "-claims"
        return (first, f"-{self.subject}")

    def page(self, totals):
        if self.chosen_sort() == "latest":
            totals = totals.filter(latest_claim_at__isnull=False)  # no claim, no latest claim to sort by
        limit = self.cleaned_data.get("limit") or PAGE_SIZE
        cursor = decode_cursor(self.cleaned_data.get("after") or "", self.ordering())
        rows, last = models.keyset_page(totals, self.ordering(), cursor, limit)
        return rows, encode_cursor(last) if last else None


USERNAME = RegexValidator(r"^[\w.@+-]+\Z", "Write a username (letters, digits and @ . + - _), “me” or “none”.")
ASSIGNEE_CHOICES = [("", "Anyone or no one"), ("me", "Me"), ("none", "No one (unassigned)")]


def outlet_choices():
    """The outlet select's options, kept a minute as the counts are: one query fewer on every page
    that shows the queue's filters. An outlet added, renamed or removed through the app or an import
    shows at once (models.outlets_changed); the filter itself takes any outlet's id."""
    return cache.get_or_set(
        models.OUTLET_CHOICES_KEY,
        lambda: [("", "Any outlet"), *Outlet.objects.order_by("name").values_list("pk", "name")],
        OUTLETS_SECONDS,
    )


class ClaimFilterForm(PageForm):
    """The queue's filters, all optional; an unbound status means the unconfirmed claims."""

    q = CleanTextField(label="Search", required=False, max_length=200, widget=forms.SearchInput)
    status = forms.ChoiceField(
        choices=[*STATUS_CHOICES, (ANY_STATUS, "Any status")], required=False, initial=Status.UNCONFIRMED
    )
    attribution = forms.ChoiceField(
        label="Did they say it?", choices=[("", "Any attribution"), *ATTRIBUTION_CHOICES], required=False
    )
    speaker = CleanNameField(
        required=False, max_length=200, help_text="A name or part of it; accents and case do not matter."
    )
    # By id: an unknown one matches no claim. The outlets are read only when the select is drawn
    # (not for "load more" or the counts) and written by a lean template: at 300 outlets the
    # default widget took a third of the page's time.
    outlet = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=models.LARGEST_ID,
        widget=forms.Select(attrs={}),
        help_text="Published, made on or relayed by.",
    )
    venue = forms.ChoiceField(label="Venue", choices=[("", "Any venue"), *Venue.choices], required=False)
    relay = forms.ChoiceField(
        label="Direct or relayed",
        choices=[("", "Direct or relayed"), ("direct", "Direct"), ("relayed", "Relayed by another outlet")],
        required=False,
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *ClaimKind.choices], required=False)
    story = forms.ChoiceField(
        label="Draft or published",
        choices=[("", "Drafts and published"), ("draft", "In draft stories"), ("published", "Not in a draft")],
        required=False,
    )
    article = forms.ModelChoiceField(Article.objects.select_related("outlet"), required=False, widget=forms.HiddenInput)
    due = forms.ChoiceField(
        label="Re-check",
        choices=[
            ("", "Any re-check date"),
            ("overdue", "Re-check overdue"),
            ("week", "Re-check due this week"),
            ("soon", "Re-check overdue or due this week"),
        ],
        required=False,
        help_text="Unconfirmed claims only.",
    )
    correction = forms.ChoiceField(
        label="Corrections",
        choices=[
            ("", "With or without"),
            ("open", "Its turn awaits a correction outcome"),
            ("any", "Its turn called for a correction"),
            ("verdict", "Its published verdict is under review"),
        ],
        required=False,
    )
    since = forms.DateField(label="Recorded from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Recorded until", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        choices=[
            ("", "Best match, or newest"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("relevance", "Best match"),
        ],
        required=False,
    )

    # "me", "none" or a username; the select offers the first two and keeps a person's name when given.
    assignee = forms.CharField(
        label="Assigned to",
        required=False,
        max_length=150,
        validators=[USERNAME],
        widget=forms.Select(choices=ASSIGNEE_CHOICES),
    )

    secondary = ["assignee", "outlet", "venue", "relay", "kind", "story", "due", "correction", "since", "until", "sort"]

    def __init__(self, data, *, user=None, **kwargs):
        data = data.copy()
        data.setdefault("status", Status.UNCONFIRMED)
        super().__init__(data, **kwargs)
        self.user = user
        person = (data.get("assignee") or "").strip()
        if person and person not in dict(ASSIGNEE_CHOICES):
            self.fields["assignee"].widget.choices = [*ASSIGNEE_CHOICES, (person, person)]
        outlets = self.fields["outlet"].widget
        outlets.choices = functools.cache(outlet_choices)
        if connection.vendor != "postgresql":
            # SQLite ranks nothing (ClaimQuerySet.ranked): no best match to offer, newest first by default.
            self.fields["sort"].choices = [("", "Newest first"), ("oldest", "Oldest first")]
            if data.get("sort") in ("newest", "relevance"):  # a link made on PostgreSQL still reads
                data["sort"] = ""
        # Every select drawn inline, options and all: Django's own renders a template per option.
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.template_name = "factcheck/widgets/lean_select.html"

    def keyset_page(self, claims, ordering, cursor, limit):
        """A page of the chosen `claims` (self.claims()) as the queue shows them.

        Ranked by relevance, among the RANKED_MATCHES newest matches, each ranked as it is read (by
        the walk, or by models.ranked_newest), the page's ids are picked first and only those rows
        read in full: sorting by rank, PostgreSQL otherwise joined every match's speaker, story and
        outlet before the sort (1,000 rows for a page of 26).
        """
        query = self.cleaned_data.get("q", "")
        if self.chosen_sort() == "relevance":
            # Found by walking the newest claims, or through the index: ranked as they are read.
            matches = self.walked_matches(SORTS["newest"], None, models.RANKED_MATCHES)
            if matches is None:
                claims = self.gathered(claims, SORTS["newest"], None)
                page = models.ranked_newest(claims, query, models.RANKED_MATCHES, cursor, limit)
            else:
                page = Q(pk__in=models.ranked_page(matches, cursor, limit))
            return Claim.objects.filter(page).ranked(query).for_rows().keyset_page(ordering, None, limit)
        walked = self.walked_matches(ordering, cursor, limit + 1)
        if walked is not None:  # found by walking the newest claims: they stand for the search's matches
            claims = Claim.objects.filter(pk__in=[match.pk for match in walked]).ranked(query)
        else:
            claims = self.gathered(claims, ordering, cursor)
        return claims.for_rows().keyset_page(ordering, cursor, limit)

    def gathered(self, claims, ordering, cursor):
        """`claims`, or, under filters that may seldom meet (GATHERED_FILTERS), their matches gathered
        first when none of the claims first in `ordering` is one (models.gathered_if_none_first)."""
        narrowing = self.narrowing
        if connection.vendor != "postgresql" or not narrowing <= GATHERED_FILTERS:
            return claims
        if len(narrowing) + (self.chosen_status() not in (Status.UNCONFIRMED, ANY_STATUS)) < 2:
            return claims
        gathered = models.gathered_if_none_first(self.claims(by_facet=True), ordering, cursor)
        return claims if gathered is None else gathered.ranked(self.cleaned_data.get("q", ""))

    def walked_matches(self, ordering, cursor, count):
        """The pks of the first `count` matches after `cursor`, when walking the newest claims finds them
        (models.walked_matches), or None: then the search index answers.

        Walked, where the search index would read every match of the words to keep a few:
        - within an outlet, and WALKED_WITH_OUTLET and WALKED_VALUES: its claims in order from
          claimoutlet_recent_idx, when the status and attribution keep enough of its claims
          (outlet_kept) and, ranked, outside "Direct" and in an outlet with more claims kept than a
          walk's probe reads;
        - otherwise, within WALKED_FILTERS and WALKED_VALUES: for words that must all match, or a
          phrase (one word's estimate is right, an OR's is the sum of its words', several words
          together are misjudged as independent), or any words within several named speakers, whose
          indexes the planner cannot walk merged. A speaker filter's speakers are walked one part
          each, merged. A status or a kind that keeps few claims is walked too: its own index gives
          its claims newest first (benchmarks/README.md, "The walk's rules at 250"); and "relayed",
          checked on each claim, alone or with the dates or the attribution "relayed" (walks_relayed).
        """
        query = self.cleaned_data.get("q", "").strip()
        words = query.lower().split()
        if connection.vendor != "postgresql" or not words:
            return None
        narrowing = {name for name in self.narrowing if self.cleaned_data[name] != WALKED_VALUES.get(name)}
        all_words = len(words) > 1 and "or" not in words  # or a phrase
        ranked = self.chosen_sort() == "relevance"
        parts = ()
        if "outlet" in narrowing and narrowing - {"outlet"} <= WALKED_WITH_OUTLET:
            # Ranked within "Direct", the walk also passes over the outlet's relayed claims (half the
            # top outlet's), where the index intersects the words with the relay's facet: a frequent
            # word within the top outlet, 43-56 ms walked, 31-43 through the index.
            if ranked and self.cleaned_data.get("relay") == WALKED_VALUES["relay"]:
                return None
            kept, share = self.outlet_kept()
            if share < (WALKED_OUTLET_SHARE_RANKED if ranked else WALKED_OUTLET_SHARE):
                return None
            # Ranked, an outlet that keeps fewer claims than a walk probes is the index's: the probe
            # would read them all, seldom find the RANKED_MATCHES newest matches, and give way to
            # the index after all (a phrase within the smallest outlet: 19-20 ms through the index,
            # 26-29 probing first).
            if ranked and kept < models.PROBED:
                return None
            claims = self.claims(searched=False, with_outlet=False)
            claims, ordering = claims.through_outlet(self.cleaned_data["outlet"], ordering)
            # The index reads every match among the claims kept; the walk reads the outlet's claims,
            # 1 / share of them for each one kept, till it has `count` matches. models.walked_matches
            # counts the kept claims a walk needs against the matches among `against`: kept × share
            # puts the two on one scale.
            walked = models.ordered_after(claims, ordering, cursor)
            return models.walked_matches(walked, query, ordering, count, against=kept * share)
        if not narrowing <= WALKED_FILTERS:
            return None
        if "relay" in narrowing and not self.walks_relayed(narrowing):
            return None
        if "speaker" in narrowing:
            # One part for each named speaker: a few of them, and at least one; not with an
            # attribution too, which each part's index leaves to be checked claim by claim (a phrase
            # within a speaker and "relayed" on the spread database: 96-135 ms walked, 48-63 through
            # the index; within "relayed" alone, its own index walks it: 40 ms, against 208).
            if not 0 < len(self.speakers) <= MERGED_SPEAKERS or "attribution" in narrowing:
                return None
            # Only the part's speaker: asked again of all of them, PostgreSQL took the two conditions
            # as independent and guessed a seventh of a speaker's claims, then sorted them all.
            parts = [Q(speaker=speaker) for speaker in self.speakers]
        # One word or an OR is the planner's to judge, unless several speakers' claims are merged.
        if not all_words and len(parts) < 2:
            return None
        claims = self.claims(searched=False, with_speaker=False)
        return models.walked_matches(models.ordered_after(claims, ordering, cursor), query, ordering, count, parts)

    def walks_relayed(self, narrowing):
        """Whether a search within "relayed" and the other `narrowing` filters may walk the newest claims."""
        others = narrowing - RELAYED_WALKED_WITH
        if self.cleaned_data.get("attribution") == Attribution.RELAYED:
            others -= {"attribution"}
        return not others and self.chosen_status() in RELAYED_WALKED_WITH_STATUS

    def outlet_kept(self):
        """How many of the outlet's claims the status and the attribution asked for keep, and what
        share of its claims that is, from its tallies.

        The outlet's index gives its claims newest first, whatever their status: a walk within it
        reads four claims for each one it keeps at a quarter. Walking for the verified claims of the
        top outlet (6% of its claims) read 35,000 of them before giving up to the search index,
        which answered in 60 ms.
        """
        status, attribution = self.chosen_status(), self.cleaned_data.get("attribution")
        tallies = OutletTally.objects.filter(outlet=self.cleaned_data["outlet"])
        kept = total = 0
        for claim_status, claim_attribution, claims in tallies.values_list("status", "attribution", "claims"):
            total += claims
            if status in (ANY_STATUS, claim_status) and attribution in ("", None, claim_attribution):
                kept += claims
        return kept, kept / total if total else 0

    @functools.cached_property
    def speakers(self):
        """The ids of the speakers the speaker filter names (models.speakers_named), looked up once a request."""
        return models.speakers_named(self.cleaned_data["speaker"])

    @functools.cached_property
    def outlet_version(self):
        """A digest of the outlets the select offers: its drawn copy is reused while they stay the same."""
        return hashlib.sha256(repr(list(self.fields["outlet"].widget.choices)).encode()).hexdigest()

    @property
    def drawn_key(self):
        """What the filters but the search box are drawn from: the values asked for (their errors follow
        from them) and the outlets offered. The search box, whose words are anyone's, is drawn apart."""
        drawn = ["status", "attribution", "speaker", *self.secondary]  # a URL's other parameters add no key
        return [(name, self.data.get(name)) for name in drawn], self.outlet_version

    def get_chosen_sort_display(self):
        # True of three matches as of a million: only the newest are ranked, however many there are.
        relevance = f"best match first, ranking at most the {models.RANKED_MATCHES:,} newest matches"
        return {"newest": "newest first", "oldest": "oldest first", "relevance": relevance}[self.chosen_sort()]

    def filters_named(self):
        """Each filter in force beyond the status and the search words, as the queue's summary names it,
        in the form's order: the summary says what narrows the list as it says what was searched."""
        data, named = self.cleaned_data, []
        for name in self.fields:
            if name not in self.narrowing:
                continue
            value, field = data[name], self.fields[name]
            if name == "speaker":
                named.append(f"speaker “{value}”")
            elif name == "outlet":
                named.append(f"outlet “{dict(outlet_choices()).get(value, f'#{value}')}”")
            elif name == "article":
                named.append(f"in the story “{Truncator(value.headline).chars(80)}”")
            elif name in ("venue", "kind"):
                named.append(f"{name}: {dict(field.choices)[value]}")
            elif name in ("attribution", "relay", "story", "due", "correction"):
                label = dict(field.choices)[value]
                named.append(label[0].lower() + label[1:])
            elif name in ("since", "until"):
                named.append(f"recorded {'from' if name == 'since' else 'until'} {date_format(value, 'j M Y')}")
            elif name == "assignee":
                named.append({"me": "assigned to me", "none": "assigned to no one"}.get(value, f"assigned to {value}"))
        return named

    @staticmethod
    def search_explained():
        """What a search does on this database (ClaimQuerySet.search), for the hint under the filters."""
        if connection.vendor == "postgresql":
            return (
                "Search matches words in the claim, its quote and its line of the story, in any form "
                "(“drone” finds “drones”), and ranks the best matches first."
            )
        return (
            "Search finds claims whose text, quote or speaker’s name has every word (“drone” finds “drones”), "
            "“or” between words either, “-word” none, and a “quoted phrase” in its order; "
            "matches are not ranked here: the newest come first."
        )

    def chosen_status(self):
        return self.cleaned_data.get("status") or Status.UNCONFIRMED

    def chosen_sort(self):
        # clean_after runs before sort is cleaned, so this reads the raw value too.
        chosen = (self.cleaned_data.get("sort") or self.data.get("sort") or "").strip()
        if chosen in ("newest", "oldest"):
            return chosen
        # SQLite ranks nothing (ClaimQuerySet.ranked): its best match is the newest, of every match.
        return "relevance" if self.searching and connection.vendor == "postgresql" else "newest"

    @functools.cached_property
    def searching(self):
        """Whether the search box holds words the search uses: as its field cleans them (clean_after
        asks before the box is cleaned). A box of only invisible characters, or one too long (refused),
        searches nothing, and ranking would keep the RANKED_MATCHES newest claims as its matches."""
        try:
            return bool(self.fields["q"].clean(self.data.get("q")).strip())
        except forms.ValidationError:
            return False

    def claims(
        self,
        *,
        with_status=True,
        with_attribution=True,
        with_outlet=True,
        with_speaker=True,
        searched=True,
        by_facet=None,
    ):
        """The claims these filters select (only the valid ones apply), with or without the status
        or the attribution filter (each axis's counts leave out its own filter), the outlet or the
        speakers (for a walk through their claims) or the search; `by_facet`, what the claim's facets
        hold read from them (a search's default)."""
        data = self.cleaned_data
        claims = Claim.objects.not_merged()
        # A search reads the outlet, the assignee, the attribution, a few speakers and a status or kind
        # that keeps few claims from the claim's facets, which the search index intersects with the
        # words (models.with_own, said_by).
        if by_facet is None:
            by_facet = searched and bool(data.get("q", "").strip())
        if searched:
            claims = claims.search(data.get("q", ""))
        if with_status and self.chosen_status() != ANY_STATUS:
            claims = claims.with_own("status", self.chosen_status(), by_facet=by_facet)
        if with_attribution and data.get("attribution"):
            claims = claims.with_own("attribution", data["attribution"], by_facet=by_facet)
        if with_speaker and data.get("speaker"):
            # From the facets only for a few speakers: a name many share would have the index read as
            # many posting lists.
            claims = claims.said_by(self.speakers, by_facet=by_facet and len(self.speakers) <= MERGED_SPEAKERS)
        if with_outlet and data.get("outlet"):
            claims = claims.involving_outlet(data["outlet"], by_facet=by_facet)
        if data.get("venue"):
            claims = claims.at_venue(data["venue"])
        if data.get("relay") == "direct":
            claims = claims.direct()
        elif data.get("relay") == "relayed":
            claims = claims.relayed()
        if data.get("kind"):
            claims = claims.with_own("kind", data["kind"], by_facet=by_facet)
        if data.get("story") == "draft":
            claims = claims.in_drafts()
        elif data.get("story") == "published":
            claims = claims.not_in_drafts()
        if data.get("assignee"):
            claims = claims.assigned_to(self.user if data["assignee"] == "me" else data["assignee"], by_facet=by_facet)
        if data.get("article"):
            claims = claims.filter(article=data["article"])
        if data.get("due"):
            claims = due_claims(claims.due_for_recheck(), data["due"], timezone.localdate())
        if data.get("correction") == "verdict":
            # A verdict the public reads that the claim's record has moved on from: a few, looked up first.
            claims = claims.filter(pk__in=[p.claim_id for p in PublishedVerdict.objects.under_review()])
        elif data.get("correction"):
            # The claims whose verdict put stories in the Corrections queue: a few, looked up first.
            cases = CorrectionCase.objects.open() if data["correction"] == "open" else CorrectionCase.objects.all()
            claims = claims.filter(pk__in=cases.turned_claims())
        if data.get("since"):
            claims = claims.filter(created_at__gte=start_of(data["since"]))
        if data.get("until"):
            claims = claims.filter(created_at__lt=start_of(data["until"] + timedelta(days=1)))
        return claims

    def secondary_fields(self):
        return [self[name] for name in self.secondary]

    @property
    def secondary_in_use(self):
        """Whether the "More filters" box starts open: one of its filters is set or wrong."""
        return any(self.data.get(name) or name in self.errors for name in self.secondary)

    @property
    def narrowed(self):
        """Whether anything beyond the status and the search words narrows the queue (for the empty state's wording)."""
        return bool(self.narrowing)

    @functools.cached_property
    def narrowing(self):
        """The filters beyond the status and the search words that narrow the queue."""
        ignored = {"q", "status", "sort", *PAGE_PARAMETERS}
        return {name for name in self.fields if name not in ignored and self.cleaned_data.get(name)}


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class EvidenceForm(WithoutColons, forms.ModelForm):
    id_prefix = "evidence"
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, widget=forms.RadioSelect)

    class Meta:
        model = Evidence
        fields = ["url", "citation", "summary", "stance", "primary_source"]
        labels = {"url": "URL", "summary": "What it shows", "primary_source": "Primary source"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"citation": CleanTextField, "summary": CleanTextField}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("citation") and "url" not in self.errors:
            self.add_error("url", "Give a URL or, when there is none, a citation.")
        return cleaned


class NoteForm(WithoutColons, forms.ModelForm):
    id_prefix = "note"

    class Meta:
        model = Note
        fields = ["body"]
        labels = {"body": "Note"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"body": CleanTextField}


class StatusForm(forms.Form):
    """A status change as the editor posts it; Claim.set_status judges whether it is allowed."""

    status = forms.CharField(max_length=20)
    version = forms.IntegerField(min_value=0)
    # Cleaned as notes are: a reason of only invisible characters (a zero-width space) is none.
    reason = CleanTextField(required=False, widget=forms.Textarea)
    evidence = forms.ModelMultipleChoiceField(Evidence.objects.none(), required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = claim.evidence.all()


class MergeForm(forms.Form):
    """A merge as the editor posts it: the claim to keep, why, both claims' versions as shown, and
    whether the editor confirms that claims of different speakers are one claim."""

    into = forms.IntegerField(label="Keep claim number", min_value=1)
    reason = CleanTextField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    merged_version = forms.IntegerField(min_value=0)
    into_version = forms.IntegerField(min_value=0)
    speakers_differ = forms.BooleanField(required=False)


class PublishForm(WithoutColons, forms.Form):
    """A verdict to publish: the event the editor saw as the claim's latest, and what the public reads of it."""

    id_prefix = "publish"

    event = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    summary = CleanTextField(
        label="Public summary (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the public page; left empty, the verdict's reason is shown as written.",
    )


class WithdrawForm(WithoutColons, forms.Form):
    """A published verdict to take back, and why (the public page says it)."""

    id_prefix = "withdraw"

    publication = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = CleanTextField(
        label="Why is it withdrawn? (shown on the public page)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttributionForm(StatusForm):
    """An attribution decision as the editor posts it; Claim.set_attribution judges it."""

    status = None
    attribution = forms.CharField(max_length=20)


# The desk's queues: corrections owed, claims due for a re-check


class CorrectionFilterForm(PageForm):
    """The Corrections queue: which cases (open by default), a page of them."""

    STATES = {
        "open": ("Awaiting an outcome", ("opened_at", "id")),
        "published": ("Correction published", ("-decided_at", "-id")),
        "not_needed": ("No correction needed", ("-decided_at", "-id")),
        "all": ("All", ("-id",)),
    }

    state = forms.ChoiceField(
        label="Show", choices=[(name, label) for name, (label, _) in STATES.items()], required=False
    )
    case = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def chosen_state(self):
        # clean_after runs before state is cleaned, so this reads the raw value too.
        chosen = self.cleaned_data.get("state") or self.data.get("state")
        return chosen if chosen in self.STATES else "open"

    def ordering(self):
        return self.STATES[self.chosen_state()][1]

    def cases(self, cases):
        if self.cleaned_data.get("case"):
            return cases.filter(pk=self.cleaned_data["case"])
        state = self.chosen_state()
        if state == "open":
            return cases.open()
        return cases if state == "all" else cases.filter(outcome=state)

    def page(self, cases):
        limit = self.cleaned_data.get("limit") or PAGE_SIZE
        cursor = decode_cursor(self.cleaned_data.get("after") or "", self.ordering())
        rows, last = models.keyset_page(self.cases(cases), self.ordering(), cursor, limit)
        return rows, encode_cursor(last) if last else None


class OutcomeForm(WithoutColons, forms.Form):
    """An editor's outcome for a correction case; CorrectionCase.record_outcome judges it."""

    outcome = forms.ChoiceField(
        choices=[(value, label) for value, label in models.CorrectionOutcome.choices if value],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose: a correction was published, or none is needed."},
    )
    correction_url = forms.URLField(label="Correction URL", required=False, max_length=1000, assume_scheme="https")
    correction_placement = CleanTextField(label="Where it ran", required=False, max_length=200)
    correction_text = CleanTextField(
        label="Correction as published", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = CleanTextField(
        label="Why no correction is needed", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


DUE_CHOICES = [("overdue", "Overdue"), ("week", "Due this week"), ("", "Any time")]


def due_claims(claims, due, today):
    """`claims` due as chosen: "overdue" (before today), "week" (today and the six days after), "soon"
    (either: what My work lists), or "" all."""
    if due == "overdue":
        return claims.filter(recheck_on__lt=today)
    if due == "week":
        return claims.filter(recheck_on__gte=today, recheck_on__lte=today + timedelta(days=6))
    if due == "soon":
        return claims.filter(recheck_on__lte=today + timedelta(days=6))
    return claims


class RecheckFilterForm(PageForm):
    """The Due for re-check queue: soonest first, overdue, due this week or all."""

    due = forms.ChoiceField(label="Due", choices=DUE_CHOICES, required=False)

    def ordering(self):
        return ("recheck_on", "id")

    def claims(self, claims, today):
        return due_claims(claims, self.cleaned_data.get("due", ""), today)


class RecheckDateForm(WithoutColons, forms.Form):
    recheck_on = forms.DateField(
        label="Re-check by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-12-24.", "required": "Pick a date."},
    )


# The story desk


class StoryForm(WithoutColons, forms.Form):
    """A story for the desk: where it was published, and its text pasted (as text or HTML) or uploaded."""

    outlet_twin = None  # a tracked outlet the named one looks like, once cleaned
    near_copy = None  # a story of the outlet this one reads like (storydesk.near_copy), once checked

    body = forms.CharField(
        label="The story's text",
        required=False,
        # No max_length: the browser would cut a longer paste without a word. The text is
        # measured once reduced (story_text below), and the request's size is capped in settings.
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="Paste the text, or the page's HTML: it is reduced to its paragraphs.",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text="A .txt or .html file, in UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
    )
    outlet = CleanNameField(
        max_length=200,
        help_text="A tracked outlet, or the name of a new one.",
        widget=forms.TextInput(attrs={"list": "outlet-names", "autocomplete": "off"}),
    )
    # Shown only when the outlet's name looks like a tracked one (Cyrillic В for Latin B).
    outlet_is_another = forms.BooleanField(label="It is another outlet: add it as named", required=False)
    new_outlet_kind = forms.ChoiceField(label="Kind, if the outlet is new", choices=OutletKind.choices, required=False)
    headline = CleanTextField(
        max_length=500, required=False, help_text="Left empty: the story's first line, without its dateline."
    )
    url = forms.URLField(label="URL", max_length=1000, required=False, assume_scheme="https")
    published = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    as_draft = forms.BooleanField(
        label="A draft, not yet published",
        required=False,
        help_text="Checked against the tracked claims and signed off by an editor before it is published.",
    )
    # Shown only when the story reads like one tracked from its outlet (storydesk.near_copy).
    another_story = forms.BooleanField(label="It is another story: add it", required=False)

    def clean(self):
        cleaned = super().clean()
        text = self.story_text(cleaned.get("body", ""), cleaned.get("file"))
        if text is None:
            return cleaned
        cleaned["body"] = text
        cleaned["new_outlet_kind"] = cleaned.get("new_outlet_kind") or OutletKind.NEWS
        if not cleaned.get("headline"):
            cleaned["headline"] = without_dateline(text.split("\n", 1)[0])[:500].strip()
        name = cleaned.get("outlet", "")
        cleaned["tracked_outlet"] = Outlet.objects.named(name).first() if name else None
        if name and not normalize_name(name):
            self.add_error("outlet", "An outlet's name needs a letter or a digit.")
        elif name and not cleaned["tracked_outlet"] and holds_markup(name):
            # As on the review screen and in imports: "<b>B-17</b>" is markup pasted with a name.
            self.add_error("outlet", storydesk.outlet_name_problem(name))
        elif name and not cleaned["tracked_outlet"] and not cleaned.get("outlet_is_another"):
            self.outlet_twin = Outlet.objects.lookalikes(name).first()
            if self.outlet_twin:
                why = lookalike_message(name, self.outlet_twin.name, "the tracked outlet")
                self.add_error("outlet", f"{why}. Pick the tracked outlet, or tick “It is another outlet”.")
        return cleaned

    def story_text(self, pasted, upload):
        """The story's text from the paste or the file, or None with the error on the field at fault."""
        if pasted.strip() and upload:
            self.add_error("file", "Paste the text or upload a file, not both.")
            return None
        if upload:
            try:
                text = storydesk.read_upload(upload, max_bytes=STORY_MAX_CHARACTERS * 4)
            except storydesk.StoryTextError as error:
                self.add_error("file", str(error))
                return None
            where = "file"
        elif pasted.strip():
            text, where = storydesk.story_text(pasted), "body"
        else:
            self.add_error("body", "Paste the story's text, or upload it as a .txt or .html file.")
            return None
        if not text:
            self.add_error(where, "No text was found in it: an HTML page needs <p> paragraphs or other text.")
            return None
        if len(text) > STORY_MAX_CHARACTERS:
            limit = f"{STORY_MAX_CHARACTERS:,}"
            self.add_error(where, f"The story has {len(text):,} characters; the desk reads at most {limit}.")
            return None
        return text


class ProposalForm(WithoutColons, forms.Form):
    """One proposed claim as the review screen edits it; checked in full only when it is accepted."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")], required=False, widget=forms.RadioSelect
    )
    claim = ClaimTextField(label="Claim", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    speaker = CleanNameField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "speaker-names", "autocomplete": "off"}),
    )
    speaker_kind = forms.ChoiceField(label="Kind of speaker", choices=SpeakerKind.choices)
    title = forms.CharField(label="Title or role", max_length=200, required=False)
    affiliation = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind of claim", choices=ClaimKind.choices)
    # "Not stated" records no appearance: the desk records one where the story names a venue or a relay.
    venue = forms.ChoiceField(
        label="Where it was said",
        choices=[("", "Not stated"), *[(value, label) for value, label in Venue.choices if value != Venue.NOT_STATED]],
        required=False,
    )
    outlet = forms.CharField(label="Said on or to", max_length=200, required=False, help_text="An outlet's name.")
    relayed_by = forms.CharField(
        label="Passed on by",
        max_length=1000,
        required=False,
        help_text="Outlet names in order, e.g. “Kyiv Independent → B-17”; commas or one a line work too.",
    )
    quantity_value = QuantityField(label="Figure", required=False, help_text="e.g. 8,000 or 2.5")
    quantity_unit = forms.CharField(label="Of what", max_length=100, required=False)
    quantity_qualifier = forms.ChoiceField(label="Qualifier", choices=Claim.Qualifier.choices, required=False)
    # Room for every other proposal of the longest story: the engine links each figure to every other
    # speaker's figure of the same unit, past 200 characters in a story of many districts' figures.
    same_as = forms.CharField(label="Same claim as", max_length=10_000, required=False, help_text="Proposal numbers.")
    contradicts = forms.CharField(label="Contradicts", max_length=10_000, required=False, help_text="Proposal numbers.")
    tracked = forms.TypedMultipleChoiceField(
        label="Tracked claims that look like it",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Names the person ticked as someone else than the tracked speaker or outlet they look like.
    confirmed = forms.Field(label="Not the tracked one", required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, record, keys, look_alikes=(), twins=(), **kwargs):
        kwargs.setdefault("prefix", f"p{record['key']}")
        super().__init__(*args, **kwargs)
        self.record, self.keys, self.twins = record, set(keys), twins
        self.fields["tracked"].choices = [(claim.pk, claim.text) for claim in look_alikes]

    def clean_confirmed(self):
        return [name for name in self.cleaned_data["confirmed"] or [] if isinstance(name, str)]

    @property
    def accepted(self):
        return (self["decision"].value() or "") == "accept"

    def clean_relayed_by(self):
        return storydesk.parse_relays(self.cleaned_data["relayed_by"])

    def clean_same_as(self):
        return self.proposal_numbers("same_as")

    def clean_contradicts(self):
        return self.proposal_numbers("contradicts")

    def proposal_numbers(self, name):
        try:
            numbers = storydesk.parse_numbers(self.cleaned_data[name])
        except ValueError as error:
            raise forms.ValidationError(f"“{error}” is not a proposal number.") from error
        if self.record["key"] in numbers:
            raise forms.ValidationError("A proposal cannot be linked to itself.")
        unknown = [str(number) for number in numbers if number not in self.keys]
        if unknown:
            raise forms.ValidationError(f"No proposal is numbered {', '.join(unknown)}.")
        return numbers

    def clean(self):
        cleaned = super().clean()
        if not self.accepted:
            return cleaned
        if not cleaned.get("claim"):
            self.add_error("claim", "Write the claim as one sentence.")
        speaker = normalize_name(cleaned.get("speaker", ""))
        if not speaker:
            self.add_error("speaker", "Name who said it (a tracked speaker or a new one).")
        elif names_nobody(speaker):
            # "It said…" with no one named before it: saved, "It" would become a tracked speaker.
            self.add_error("speaker", f"“{cleaned['speaker']}” names nobody: name who said it, as the story does.")
        for name, outlets in [("outlet", [cleaned.get("outlet", "")]), ("relayed_by", cleaned.get("relayed_by", []))]:
            for problem in filter(None, map(storydesk.outlet_name_problem, filter(None, outlets))):
                self.add_error(name, problem)
        if cleaned.get("outlet") and not cleaned.get("venue") and "venue" not in self.errors:
            # An appearance is an outlet and how it was said there; with no venue the outlet was dropped.
            self.add_error(
                "outlet",
                f"Choose how it was said on or to “{cleaned['outlet']}” (where it was said), or clear this box.",
            )
        # A qualifier alone says nothing to keep (saved, it goes with the figure); a unit alone is a figure half typed.
        unit_alone = cleaned.get("quantity_value") is None and cleaned.get("quantity_unit")
        if unit_alone and "quantity_value" not in self.errors:
            self.add_error("quantity_value", "Give the figure, or clear what it counts.")
        for name, typed, twin in self.twins:
            if not storydesk.is_confirmed({"confirmed": cleaned.get("confirmed", [])}, typed):
                choice = "someone else" if name == "speaker" else "another outlet"
                self.add_error(name, f"{LookalikeName(typed, twin)}. Use the tracked one, or tick that it is {choice}.")
        return cleaned


def names_nobody(speaker):
    """Whether a speaker's name is a pronoun the engine found no one for ("It said…", "We…")."""
    speaker = normalize_name(speaker)
    return speaker in PRONOUNS or speaker in FIRST_PERSON


def field_specs(form_class):
    """What a page needs to write out each field of `form_class` by hand: label, help, size, choices, widget."""
    return {
        name: {
            "label": field.label or pretty_name(name),
            "help": field.help_text,
            "max_length": getattr(field, "max_length", None),
            "choices": list(field.choices) if isinstance(field, forms.ChoiceField) else None,
            "textarea": isinstance(field.widget, forms.Textarea),
        }
        for name, field in form_class.base_fields.items()
    }


PROPOSAL_FIELDS = field_specs(ProposalForm)


class SignOffForm(WithoutColons, forms.Form):
    """An editor's sign-off of a draft; `body_digest` is the text the editor checked (a changed text is refused)."""

    note = CleanTextField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when flags are still open: why the story can go ahead.",
    )
    body_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def ask_for_note(self, required):
        """Mark the note box required in the browser when the sign-off would be refused without one
        (models.SignOff.needs_note); SignOff.record still decides, and says why."""
        self.fields["note"].widget.attrs["required"] = required
        return self


class AssignForm(WithoutColons, forms.Form):
    """Assign a person (by username) to a claim or story, or take them off it."""

    id_prefix = "assign"

    username = forms.CharField(
        label="Assign to", max_length=150, help_text="Their username or their name, e.g. bob or Marek Nowak."
    )
    action = forms.ChoiceField(choices=[("assign", "Assign"), ("unassign", "Unassign")], required=False)

    def clean_username(self):
        name = " ".join(self.cleaned_data["username"].split()).lstrip("@")
        people = models.assignable_people()
        person = people.filter(username__iexact=name).order_by("pk").first()
        if person is None:
            full_name = Concat("first_name", Value(" "), "last_name")
            named = list(people.alias(full_name=full_name).filter(full_name__iexact=name)[:2])
            if len(named) > 1:
                raise forms.ValidationError(f"Two or more people are called “{name}”: give the username.")
            person = named[0] if named else None
        if person is None:
            raise forms.ValidationError(f"No one who may read claims is called “{name}”.")
        return person


class NotificationSettingsForm(WithoutColons, forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email"]
        labels = {"email": "Email me"}
        widgets = {"email": forms.RadioSelect}
