import difflib
import functools
import hashlib
import json
import operator
import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains, Overlap
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, RowNumber
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from factcheck.revisions import recording_speaker_changes
from factcheck.text import (
    accent_blind,
    clean_claim,
    clean_name,
    display_name,
    figure_shown,
    lookalike_difference,
    lookalike_key,
    normalize_name,
)
from factcheck.verification import (
    ATTRIBUTION_CHOICES,
    PUBLISHABLE,
    RELAYED_REPORT,
    TOLD_TO_AN_OUTLET,
    WARNED_ATTRIBUTIONS,
    WARNED_STATUSES,
    Attribution,
    PublicationRefused,
    StaleVersion,
    Status,
    TransitionRefused,
    calls_for_correction,
    chain_attribution,
    check_attribution,
    check_imported_verdict,
    check_verdict,
    cites,
    implied_attribution,
    passed_on_by_another,
    relayed_by_another,
)
from factcheck.verification import CHOICES as STATUS_CHOICES


def text_digest(text):
    """The key two copies of one story's text share: Unicode forms, line breaks and spacing ignored; "" for no text.

    Pasted from a browser, saved as a file or reduced from HTML, the same story gives one digest.
    """
    words = unicodedata.normalize("NFC", text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest() if words else ""


def choice_values(choices):
    return [value for value, _ in choices]


def in_choices(field, choices):
    return Q(**{f"{field}__in": choice_values(choices)})


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    INSTITUTION = "institution", "Institution"
    UNNAMED_GROUP = "unnamed_group", "Unnamed source or group"
    OUTLET_VOICE = "outlet_voice", "Outlet's own voice"


class OutletKind(models.TextChoices):
    NEWS = "news", "News organisation"
    SOCIAL = "social", "Social platform"
    WIRE = "wire", "Wire service"
    GOVERNMENT = "government", "Government channel"
    OTHER = "other", "Other"


class ClaimKind(models.TextChoices):
    FACTUAL = "factual", "Factual"
    OPINION = "opinion", "Opinion"
    PREDICTION = "prediction", "Prediction"


class Qualifier(models.TextChoices):
    EXACT = "", "Exactly"
    UP_TO = "up_to", "Up to"
    AT_LEAST = "at_least", "At least"
    ABOUT = "about", "About"
    MORE_THAN = "more_than", "More than"
    FEWER_THAN = "fewer_than", "Fewer than"


class Venue(models.TextChoices):
    STATEMENT_TO_OUTLET = "statement_to_outlet", "Statement to the newsroom"
    INTERVIEW = "interview", "Interview"
    PRESS_CONFERENCE = "press_conference", "Press conference"
    PUBLIC_REMARKS = "public_remarks", "Public remarks"
    SOCIAL_MEDIA_POST = "social_media_post", "Social-media post"
    OFFICIAL_DOCUMENT = "official_document", "Official document"
    ADVERTISEMENT = "advertisement", "Advertisement"
    ANONYMOUS_BRIEFING = "anonymous_briefing", "Anonymous briefing"
    RELAYED_REPORT = "relayed_report", "Relayed report"
    # The source gave no venue (an imported row with a date but no venue): said as such, never guessed.
    NOT_STATED = "not_stated", "Venue not stated"


# The venues that say how the claim was made: "Venue not stated" says nothing of who heard it.
STATED_VENUES = [venue for venue in Venue.values if venue != Venue.NOT_STATED]


def venue_on(venue, label, has_outlet):
    """(the venue's words, the word before its outlet) for a venue said on or to an outlet: a statement
    to an outlet is "Statement to" it (its label names the newsroom, which the outlet may not be)."""
    if venue == Venue.STATEMENT_TO_OUTLET and has_outlet:
        return "Statement", "to"
    return str(label), "on"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class LinkKind(models.TextChoices):
    SAME_CLAIM = "same_claim", "Same claim"
    CONTRADICTS = "contradicts", "Contradicts"
    UPDATES = "updates", "Updates"


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON or JSON Lines"
    CLAIMREVIEW = "claimreview", "ClaimReview JSON-LD"


class ImportMode(models.TextChoices):
    ATOMIC = "atomic", "All or nothing"
    SKIP_INVALID = "skip_invalid", "Skip invalid rows"


class ImportEncoding(models.TextChoices):
    AUTO = "", "UTF-8, or as its byte-order mark says"
    UTF_8 = "utf-8", "UTF-8"
    WINDOWS_1252 = "windows-1252", "Windows-1252 (Excel's “CSV” on Windows)"
    LATIN_1 = "latin-1", "Latin-1 (ISO-8859-1)"


class DateOrder(models.TextChoices):
    """How a file writes dates in numbers only: 31/10/2024 is day first, 10/31/2024 month first."""

    ISO = "", "Year first (2024-10-31) or with the month named; refuse 05/11/2024 (day or month first?)"
    DAY_FIRST = "day_first", "Day first: 31/10/2024"
    MONTH_FIRST = "month_first", "Month first: 10/31/2024"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    CLAIMREVIEW = "claimreview", "ClaimReview JSON-LD"


class ExportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportState(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    VALIDATED = "validated", "Validated, waiting for confirmation"
    INVALID = "invalid", "Invalid, nothing imported"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed, nothing imported"


class LookalikeName(ValueError):
    """A name new to the desk that looks like a tracked one but is written with other characters."""

    def __init__(self, name, twin):
        self.name, self.twin = name, twin
        label = f"the {twin._meta.verbose_name} #{twin.pk}"
        super().__init__(lookalike_message(name, twin.name, label))


def lookalike_message(name, twin_name, label):
    """Why a name is held as a possible duplicate: “Zеlеnskyy” looks like the speaker #3 “Zelenskyy” (…)."""
    difference = lookalike_difference(name, twin_name)
    return f"“{name}” looks like {label} “{twin_name}”: a possible duplicate{f' ({difference})' if difference else ''}"


class NamedQuerySet(models.QuerySet):
    """Speakers or outlets found by a name as people write it: any case, accents, invisible characters."""

    def named(self, name):
        return self.filter(normalized_name=normalize_name(name))

    def lookalikes(self, name):
        """Those whose name looks like `name` (the same lookalike_key) but is written with other characters."""
        return self.filter(lookalike_key=lookalike_key(name)).exclude(normalized_name=normalize_name(name))

    def aliased(self, name):
        """The one that has `name` among its other spellings, or None (outlets have none)."""
        return None

    def for_name(self, name, *, confirmed=False, **defaults):
        """(the speaker or outlet called `name`, whether it was created): the way in for names found in a story.

        Found by its name (then, for speakers, by an alias) whatever its case, accents or
        invisible characters; else made with `defaults`, its name cleaned. A new name that looks
        like a tracked one (Cyrillic е for Latin e) raises LookalikeName naming the look-alike,
        unless a person `confirmed` that it is another.
        """
        name = clean_name(name)
        found = self.named(name).first() or self.aliased(name)
        if found:
            return found, False
        twin = None if confirmed else self.lookalikes(name).first()
        if twin:
            raise LookalikeName(name, twin)
        # get_or_create: another request may be creating the same name meanwhile.
        return self.get_or_create(normalized_name=normalize_name(name), defaults={"name": name, **defaults})


class SpeakerQuerySet(NamedQuerySet):
    def alias_index(self):
        """({normalize_name(alias): speaker id}, {lookalike_key(alias): speaker id}) over every speaker's aliases."""
        names, lookalikes = {}, {}
        for pk, aliases in self.exclude(aliases=[]).values_list("pk", "aliases"):
            for alias in aliases if isinstance(aliases, list) else []:
                if isinstance(alias, str) and normalize_name(alias):
                    names.setdefault(normalize_name(alias), pk)
                    lookalikes.setdefault(lookalike_key(alias), pk)
        return names, lookalikes

    def aliased(self, name):
        pk = self.alias_index()[0].get(normalize_name(name))
        return None if pk is None else self.get(pk=pk)

    def lookalikes(self, name):
        by_alias = self.alias_index()[1].get(lookalike_key(name))
        similar = super().lookalikes(name)
        if by_alias is None:
            return similar
        either = Q(pk__in=similar.values("pk")) | Q(pk=by_alias)
        return self.filter(either).exclude(normalized_name=normalize_name(name))


class Speaker(models.Model):
    Kind = SpeakerKind

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True, editable=False)
    lookalike_key = models.CharField(max_length=200, editable=False, default="")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.PERSON)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Role or title, e.g. “US Secretary of State”.",
    )
    affiliation = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings of the name, as a list.")
    wikidata_id = models.CharField("Wikidata id", max_length=20, blank=True)
    description = models.TextField(blank=True, help_text="For unnamed sources: how the story describes them.")

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", SpeakerKind.choices),
                name="speaker_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(normalized_name=""), name="speaker_name_not_blank"),
        ]
        indexes = [models.Index(fields=["lookalike_key"], name="speaker_lookalike_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        self.normalized_name = normalize_name(self.name)
        self.lookalike_key = lookalike_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("speaker_detail", args=[self.pk])


class Outlet(models.Model):
    Kind = OutletKind

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True, editable=False)
    lookalike_key = models.CharField(max_length=200, editable=False, default="")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NEWS)
    domain = models.CharField(max_length=253, blank=True, help_text="e.g. kyivindependent.com")

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", OutletKind.choices),
                name="outlet_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(normalized_name=""), name="outlet_name_not_blank"),
        ]
        indexes = [models.Index(fields=["lookalike_key"], name="outlet_lookalike_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        self.normalized_name = normalize_name(self.name)
        self.lookalike_key = lookalike_key(self.name)
        super().save(*args, **kwargs)
        outlets_changed()

    def get_absolute_url(self):
        return reverse("outlet_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        outlets_changed()
        return deleted


# The queue's outlet select, kept in the cache (forms.outlet_choices).
OUTLET_CHOICES_KEY = "outlet-choices"


def outlets_changed():
    """An outlet was added, renamed or removed: the queue's select offers the outlets anew once it commits."""
    transaction.on_commit(lambda: caches["default"].delete(OUTLET_CHOICES_KEY))


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class SignOffRefused(Exception):
    """A sign-off or a publication the rules do not allow now; nothing was written.

    `field` names the sign-off form's field at fault ("note"), `flags` the flags at fault (as
    SignOff records them), so the page can say so where the editor looks, not only at its top.
    """

    def __init__(self, message, *, field="", flags=(), already_signed_off=False):
        super().__init__(message)
        self.message, self.field, self.flags = message, field, list(flags)
        # The sign-off asked for is there already (SignOff.record): not a fault of the form, a second click.
        self.already_signed_off = already_signed_off


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories the public has read, drafts left out: those a correction may be owed for (CorrectionCase)."""
        return self.filter(state=ArticleState.PUBLISHED)

    def drafts(self):
        """Stories not yet published (few: read through article_drafts_idx)."""
        return self.filter(state=ArticleState.DRAFT)

    def with_desk_review(self):
        """Each story with the text and the proposals, as its reviewers left them, of the story desk's
        draft that saved it (None for a story recorded otherwise), in the same query."""
        saved_by = StoryDraft.objects.filter(article=OuterRef("pk")).order_by("created_at", "pk")
        return self.annotate(
            desk_body=Subquery(saved_by.values("body")[:1]),
            desk_proposals=Subquery(saved_by.values("proposals")[:1], output_field=models.JSONField()),
        )


class Article(models.Model):
    State = ArticleState

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    headline = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True)
    # Finds a story pasted again with the same text (text_digest). Importers that write articles
    # without this column (COPY) get the database default: their articles have no body.
    body_digest = models.CharField(max_length=64, blank=True, editable=False, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A draft is checked before publication (factcheck.prepublication) and published by an editor
    # who signed it off (Article.publish); every story recorded before drafts existed is published.
    state = models.CharField(
        max_length=10, choices=ArticleState, default=ArticleState.PUBLISHED, db_default=ArticleState.PUBLISHED
    )
    # Who published a draft from its check, and when (Article.publish); empty for a story recorded
    # as published. The sign-offs say who checked it, which may be someone else.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_unique"),
            # Written by hand in 0025 (a column's CHECK on SQLite); declared so that a rebuild keeps it.
            models.CheckConstraint(condition=in_choices("state", ArticleState.choices), name="article_state_valid"),
            # Who and when go together, and only on a published story.
            models.CheckConstraint(
                condition=Q(published_by__isnull=True, published_at__isnull=True)
                | Q(published_by__isnull=False, published_at__isnull=False, state=ArticleState.PUBLISHED),
                name="article_published_by_and_at",
            ),
        ]
        indexes = [
            models.Index(fields=["body_digest"], condition=~Q(body_digest=""), name="article_digest_idx"),
            # The few drafts among many published stories: the queue's draft filter starts here.
            models.Index(fields=["id"], condition=Q(state="draft"), name="article_drafts_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, update_fields=None, **kwargs):
        self.body_digest = text_digest(self.body)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_digest"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.state == ArticleState.DRAFT

    @property
    def is_public(self):
        """Whether a public page may name this story: published, with an address to read it at.
        A draft's headline and address stay in the newsroom until an editor publishes it."""
        return self.state == ArticleState.PUBLISHED and bool(self.url)

    def latest_sign_off(self):
        return self.sign_offs.select_related("by").order_by("-at", "-id").first()

    def publish(self, *, by, flags=()):
        """Mark this draft published by `by`, now (dated today if it has no date); refused unless an editor
        signed off its text as it stands now, and, of `flags` (what its check shows now, as SignOff records
        them), over every one.

        A flag the sign-off did not see (a claim of the story turned false since, say) is refused
        until an editor reads the check again and signs it off. The sign-off stays with the story:
        it is what the published story was checked against.
        """
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=self.pk)
            if article.state != ArticleState.DRAFT:
                raise SignOffRefused("This story is already published.")
            signed = article.latest_sign_off()
            if signed is None:
                raise SignOffRefused("Sign the draft off first: nobody has signed off this story.")
            if signed.body_digest != article.body_digest:
                raise SignOffRefused(
                    "The story's text changed since it was signed off: check it again and sign it off, then publish."
                )
            new = signed.unseen(flags)
            if new:
                raise SignOffRefused(
                    f"Since it was signed off, the check shows {len(new)} new flag{'s' if len(new) != 1 else ''} "
                    f"(“{new[0]['label']}”: {new[0]['message']}): read the check again and sign it off, then publish.",
                    flags=new,
                )
            now = timezone.now()
            # Its date as the export and the stories index read it: today, unless the desk was given one.
            published = article.published or timezone.localdate(now)
            Article.objects.filter(pk=self.pk).update(
                state=ArticleState.PUBLISHED, published_by=by, published_at=now, published=published
            )
        self.state, self.published_by, self.published_at, self.published = ArticleState.PUBLISHED, by, now, published
        return signed


# How the reason of each event an import writes starts (importing.import_reason): the file and the import.
IMPORTED_FROM = re.compile(r"Imported from (?P<source>.*? \(import #[0-9]+\))")
# Counts per status stop here: enough to size a queue, cheap at any size.
STATUS_COUNT_CAP = 1000
# The text search configuration of search_document and of every search: English, accents folded (migration 0048).
SEARCH_CONFIG = "factcheck_search"
# Search ranks only this many of the newest matches (see ranked_newest): finding them is the cost of a
# ranked search within a big filter (benchmarks/README.md, "the ranked window"), where 1,000 took
# 60-90 ms at a million claims. Ten pages of the best matches; "Newest first" lists every match.
RANKED_MATCHES = 250
# The largest id a row can have (BigAutoField): a number past it names no row, and SQLite refuses
# to compare a column with it (an OverflowError, where PostgreSQL finds nothing).
LARGEST_ID = 2**63 - 1


class ClaimColumn(models.Expression):
    """A column of the claim table that PostgreSQL alone has and the model does not declare.

    Named through the query's own alias for the claim table, which keeps it right inside
    subqueries (where the table is "U0").
    """

    column = ""

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.get_initial_alias())}.{self.column}", []


class SearchDocument(ClaimColumn):
    """The claim's stored tsvector (migration 0002)."""

    column, output_field = "search_document", SearchVectorField()


class Facets(ClaimColumn):
    """The claim's venues and relay state, kept from its appearances (migration 0031): "venue:interview",
    ..., and "relay:direct" or "relay:relayed"; its assignees, outlets, status and kind (migrations
    0032-0034). The search index covers them with the words."""

    column, output_field = "facets", ArrayField(models.TextField())


class ClaimKey(models.Func):
    """The key of a claim's words (factcheck.text.claim_key: the MD5 of its words as normalize_name compares
    them), computed by the database: `factcheck_claim_key`, a function of PostgreSQL's (migration 0044) and of
    each SQLite connection's (factcheck.sqlite)."""

    function, arity, output_field = "factcheck_claim_key", 1, models.CharField()


# The claims whose verdict the pre-publication check warns about: claim_warned_words_idx holds the key
# of their words, and only theirs (a few of a million claims; the others never pay for it).
WARNED = Q(status__in=[status.value for status in WARNED_STATUSES]) | Q(
    attribution__in=[state.value for state in WARNED_ATTRIBUTIONS]
)


class Verbatim(RawSQL):
    """A condition written into the SQL with its values rather than as parameters: SQLite uses a partial
    index only for a query whose WHERE repeats the index's condition, values and all. For conditions
    on the project's own constants (WARNED), never on what a person typed. A RawSQL, which Django
    writes as a WHERE of its own on SQLite too (not as "= true")."""

    def __init__(self, condition):
        super().__init__("", [], output_field=models.BooleanField())
        self.condition = condition

    def resolve_expression(self, *args, **kwargs):
        resolved = self.copy()
        resolved.condition = self.condition.resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.condition)
        if not all(isinstance(value, str) and value.isidentifier() for value in params):
            raise ValueError(f"Only constants are written into the SQL, not {params!r}")
        return sql % tuple(f"'{value}'" for value in params), []


# The claim's own columns among its facets (migrations 0034, 0053, 0054) with a value that keeps most claims,
# which a search reads from the row: every attribution is read from the facets.
OWN_FACETS = {"status": Status.UNCONFIRMED, "kind": ClaimKind.FACTUAL}


def keeps_few(field, value):
    """Whether claims whose `field` (status, kind or attribution) is `value` are few: all but OWN_FACETS's
    value, and every attribution (none keeps more than half the claims)."""
    return bool(value) and value != OWN_FACETS.get(field)


def has_facet(facet):
    """The condition for claims with this facet (PostgreSQL), read from the claim's own row."""
    return Q(DataContains(Facets(), Value([facet], output_field=ArrayField(models.TextField()))))


def has_any_facet(facets):
    """The condition for claims with at least one of these facets (PostgreSQL)."""
    return Q(Overlap(Facets(), Value(list(facets), output_field=ArrayField(models.TextField()))))


class AmongGathered(models.Lookup):
    """`id = ANY(ARRAY(subquery))` (PostgreSQL, the right side an ArraySubquery): the rows whose ids
    a subquery gathers first.

    The planner cannot know how many the array holds, so it reads those rows by their keys and
    sorts them, rather than walking an index in the page's order in search of them.
    """

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


class RowsAfter(models.Expression):
    """True for rows that come after `values` in `ordering`: `(created_at, id) < (t, 7)` for a newest-first sort.

    A row comparison, which PostgreSQL uses whole as an index condition: a page deep in a queue
    whose claims share one `created_at` (an import gives a million claims the same) starts where
    the last one stopped instead of reading every tied row before it. Every sort pages in one
    direction (all descending or all ascending), which a row comparison needs.
    """

    output_field = models.BooleanField()

    def __init__(self, ordering, values):
        super().__init__()
        descending = {field.startswith("-") for field in ordering}
        if len(descending) != 1:
            raise ValueError("A row comparison needs every field sorted in the same direction.")
        self.operator = "<" if descending.pop() else ">"
        self.columns = [F(field.lstrip("-")) for field in ordering]
        self.values = list(values)

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, expressions):
        self.columns = expressions

    def as_sql(self, compiler, connection):
        sides = {"columns": ([], []), "values": ([], [])}
        for column, value in zip(self.columns, self.values, strict=True):
            for side, expression in [("columns", column), ("values", Value(value, output_field=column.output_field))]:
                sql, params = compiler.compile(expression)
                sides[side][0].append(sql)
                sides[side][1].extend(params)
        (columns, column_params), (values, value_params) = sides["columns"], sides["values"]
        return f"({', '.join(columns)}) {self.operator} ({', '.join(values)})", [*column_params, *value_params]


def search_words(query):
    """`query` in PostgreSQL's websearch syntax, as the stored search documents were made."""
    return SearchQuery(query.strip(), config=SEARCH_CONFIG, search_type="websearch")


def search_matches(query):
    """The condition for claims whose stored search document matches `query` (PostgreSQL's websearch syntax)."""
    return Q(SearchVectorExact(SearchDocument(), search_words(query)))


def words_found(query):
    """The condition for claims matching `query` where there is no search index (SQLite), read as
    PostgreSQL's websearch syntax is: every word, "or" between alternatives, "-word" for a word that
    must not appear, "a phrase" as its words in order. A word is found at the start of a word in
    the text, the quote or the speaker's name ("drone" finds "drones"; "or" does not find "North"),
    whatever the accents of either ("alvarez" finds "Álvarez", as PostgreSQL's unaccent folds them).
    A query of no words matches nothing, as PostgreSQL's does."""
    clauses, alternative = [], False
    for token in re.findall(r'-?"[^"]*"?|\S+', query):
        if token.lower() == "or":
            alternative = bool(clauses)
            continue
        negated = token.startswith("-")
        words = re.findall(r"\w+", token)
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\W+".join(map(accent_blind, words))
        found = Q(text__iregex=pattern) | Q(quote__iregex=pattern) | Q(speaker__name__iregex=pattern)
        found = ~found if negated else found
        if alternative:
            clauses[-1] |= found
        else:
            clauses.append(found)
        alternative = False
    return functools.reduce(operator.and_, clauses) if clauses else Q(pk__in=[])


# A search of several words walks the newest claims first: PROBED of them to see how common its
# words are, then WALKED at most if they are common enough to be found that way.
PROBED, WALKED = 2_000, 20_000


def speakers_named(name):
    """The ids of every speaker whose name contains `name`, ignoring case, accents and punctuation.

    The queue filters claims by these ids rather than by a subquery: given one, the planner
    guesses how many claims it yields and, for the biggest speaker, guesses wrong by a factor of
    500. By id, claim_speaker_queue_idx serves the page directly.
    """
    speakers = Speaker.objects.filter(normalized_name__contains=normalize_name(name))
    return list(speakers.values_list("pk", flat=True))


def walked_matches(claims, query, ordering, count, parts=(), *, against=None):
    """The pks of the first `count` of `claims` in `ordering` that match `query`, when walking the
    claims in that order finds them; None when the search index should answer.

    PostgreSQL estimates a phrase, or several words, as if the words were independent:
    "North Korean troops" as 980 claims of a million, where 82,914 match. It then reads every
    match through the GIN index and rechecks each (a quarter of a second), where walking the
    newest claims finds the newest thousand after 12,000 rows (10 ms). How common the words
    are is read from the first PROBED claims: the walk goes on, WALKED at most, only if they
    promise `count` matches by then, so rare words cost a probe (2 ms) before the index. Worth it
    only when the claims come in `ordering` through an index: a filter that probes another table
    for each claim makes every walked claim dearer as it narrows.

    `against`: how many claims the index would read every match among, on the scale of the
    claims a walk keeps (ClaimFilterForm.walked_matches). The walk goes on only if, at the probe's
    rate, it reads fewer claims than the index would read matches, each costing about the same:
    "drones" (one claim in twelve) within an outlet of 198,000 claims, 68 ms walked and 103
    through the index; within one of 106,000, 71 and 37.

    Each found as a Match, ranked for `query` as it was read: a search by relevance sorts them
    (ranked_page) without reading them again.
    """
    probed = _walk(claims, query, ordering, count, PROBED, parts)
    if len(probed) == count:
        return probed
    most = WALKED if against is None else min(WALKED, against * len(probed) / PROBED)
    if len(probed) * most < count * PROBED:  # at this rate, fewer than `count` in the claims worth walking
        return None
    walked = _walk(claims, query, ordering, count, WALKED, parts)
    return walked if len(walked) == count else None


def gathered_if_none_first(claims, ordering, cursor):
    """`claims` (the filters read from the claim's facets, a search's words too) gathered first, in a
    queryset of their own, when none of the PROBED claims that come first after `cursor` in `ordering`,
    whatever the filters, is one of them; None otherwise: PostgreSQL's own plan should find them.

    PostgreSQL takes filters as independent, where some seldom meet: an attribution and a venue or
    relay state that a claim's appearances rule out ("not checked" and social media posts: none of
    the 202,271 claims not checked at a million). Expecting 31,384 matches, it walked the
    attribution's index for the page and read all of its claims (300-400 ms). Walking reads a claim
    in half a microsecond (13,702 for a page in 7.5 ms), so it is left to the planner while the probe
    (3-4 ms) finds one match in PROBED; with none, walking promises to read more claims than there
    are matches, and every match is gathered through the claim's facets and words, which the search
    index intersects (11-23 ms, the posting lists' reading most of it).
    """
    first = ordered_after(Claim.objects.not_merged(), ordering, cursor).values("pk")[:PROBED]
    if claims.filter(AmongGathered(F("pk"), ArraySubquery(first))).exists():
        return None
    return Claim.objects.filter(AmongGathered(F("pk"), ArraySubquery(claims.order_by().values("pk"))))


def _walk(claims, query, ordering, count, rows, parts=()):
    """The first `count` matches among the first `rows` of `claims`: the rows are read in order, each
    matched as read, and the reading stops at the `count`th match. A claim met through several
    rows (ClaimQuerySet.through_outlet) counts once.

    With `parts` (conditions that split the claims, such as one speaker each), each part is read in
    order from its own index and the parts merged: an index gives one speaker's claims newest
    first, never two speakers' together.
    """
    keys = {f"walked_{n}": F(field.lstrip("-")) for n, field in enumerate(ordering)}
    descending = dict(zip(keys, (field.startswith("-") for field in ordering), strict=True))
    order = [f"-{key}" if descending[key] else key for key in keys]
    walked = claims.annotate(**keys, walked_document=SearchDocument()).order_by(*order)
    pieces = [walked.filter(part) for part in parts] or [walked]
    pieces = [piece.distinct(*keys).values("id", *keys, "walked_document")[:rows] for piece in pieces]
    walked = pieces[0].union(*pieces[1:], all=True).order_by(*order)[:rows] if len(pieces) > 1 else pieces[0]
    try:
        sql, params = walked.query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match: the index path says so
        return []
    words, word_params = walked.query.get_compiler(connection=connection).compile(search_words(query))
    order_sql = ", ".join(f"{key} {'DESC' if descending[key] else 'ASC'}" for key in keys)
    with connection.cursor() as cursor:
        # The SQL is Django's, compiled from the queryset and the search; the values travel as parameters.
        cursor.execute(
            f"SELECT id, {RANK_SQL.format(document='walked_document', words=words)}, walked_0"  # noqa: S608
            f" FROM ({sql}) AS walked WHERE walked_document @@ {words} ORDER BY {order_sql} LIMIT %s",
            [*word_params, *params, *word_params, count],
        )
        return [Match(*row) for row in cursor.fetchall()]


class Match(NamedTuple):
    """A claim a search found: its id, its rank for the search (as ClaimQuerySet.ranked gives it) and when
    it was recorded."""

    pk: int
    rank: float
    created_at: datetime


# ClaimQuerySet.ranked's rank, written out for a query over rows already read.
RANK_SQL = "ts_rank({document}, {words})::double precision"


def ranked_newest(claims, query, count, cursor, limit):
    """The condition for a page of the `count` newest of `claims` best ranked for `query` (then newest
    first, as SORTS["relevance"] pages): `limit` + 1 of them from the one after `cursor` (its rank, time
    and id) or from the first. An `id = ANY(ARRAY(...))`, which the page's query reads first.

    Picked, then ranked: the rank of each of the newest is computed as the row is read, where
    reading their ids first and ranking them after read each again (1,000 rows by their key, a
    third of a ranked search's time within a big filter). The filters apply once, to pick the
    newest: repeated around them, PostgreSQL searched twice.
    """
    newest = claims.order_by("-created_at", "-id").values("id", "created_at", ranked_document=SearchDocument())
    try:
        sql, params = newest[:count].query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match
        return Q(pk__in=[])
    words, word_params = newest.query.get_compiler(connection=connection).compile(search_words(query))
    rank = RANK_SQL.format(document="ranked_document", words=words)
    after, after_params = ("WHERE (rank, created_at, id) < (%s, %s, %s)", list(cursor)) if cursor else ("", [])
    # The SQL is Django's, compiled from the queryset and the search; the values travel as parameters.
    ranked = (
        f"ARRAY(SELECT id FROM (SELECT id, {rank} AS rank, created_at FROM ({sql}) AS newest) AS ranked"  # noqa: S608
        f" {after} ORDER BY rank DESC, created_at DESC, id DESC LIMIT %s)"
    )
    return AmongGathered(F("pk"), RawSQL(ranked, [*word_params, *params, *after_params, limit + 1]))  # noqa: S611


def ranked_page(matches, cursor, limit):
    """The ids of `limit` + 1 of `matches` best ranked first (then newest first, as SORTS["relevance"] pages),
    from the one after `cursor` (its rank, time and id) or from the first."""
    order = sorted(((match.rank, match.created_at, match.pk) for match in matches), reverse=True)
    if cursor is not None:
        after = tuple(cursor)
        order = [key for key in order if key < after]
    return [pk for _, _, pk in order[: limit + 1]]


def keyset_page(rows, ordering, cursor, limit):
    """Up to `limit` of `rows` in `ordering` that come after the `cursor` values, and the last row's values.

    The values are None when no row follows. Keyset pagination reads only the rows it
    shows (plus one), however deep the page, where OFFSET would read every row before it.
    """
    page = list(ordered_after(rows, ordering, cursor)[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, [getattr(page[-1], field.lstrip("-")) for field in ordering]


def rows_to_draw(claims):
    """A page of `claims` read by for_rows(), ready for claim_list.html#rows: the appearances (where
    each claim was said and relayed) are read, in one query, only for the claims whose row is not
    drawn yet; the others' rows are copied. Reading every page's appearances was a fifth of a queue
    partial's time."""
    keys = {claim.pk: make_template_fragment_key("claim-row", [claim.row_key]) for claim in claims}
    drawn = caches["fragments"].get_many(keys.values())
    models.prefetch_related_objects([claim for claim in claims if keys[claim.pk] not in drawn], _appearances_shown())
    return claims


def ordered_after(rows, ordering, cursor):
    """`rows` in `ordering`, from the row after `cursor` (the values of the last row seen) or from the first."""
    rows = rows.order_by(*ordering)
    return rows if cursor is None else rows.filter(RowsAfter(ordering, cursor))


def age_step(moment):
    """A number that changes whenever "3 days ago" (timesince, as {% age %} shows it) can: every
    minute in the first hour, every hour in the first day, then every day (weeks, months and years
    turn at a day's end too). A tenth of timesince's cost, read for every row of a list."""
    minutes = int((timezone.now() - moment).total_seconds() // 60)
    if minutes < 60:
        return minutes
    return minutes // 60 * 60 if minutes < 24 * 60 else minutes // (24 * 60) * 24 * 60


# What a list's row reads of a claim, its speaker, story and outlet (ClaimQuerySet.for_rows).
ROW_FIELDS = (
    *("text", "kind", "quantity_value", "quantity_unit", "quantity_qualifier", "status", "attribution"),
    *("created_at", "recheck_on", "speaker__name", "speaker__title"),
    *("article__outlet__name", "article__headline", "article__state"),
)


@functools.cache
def _queue_annotations():
    """for_rows()'s annotations, built and compiled once a process: built anew, they were a twentieth
    of a queue partial's time, and compiling their subqueries for each page another twentieth to tenth
    of its CPU (benchmarks/README.md)."""
    return compiled(Claim, queue_expressions())


def compiled(model, expressions):
    """{name: expression} annotations of `model`'s rows as the SQL Django compiles for them, to be added
    to a query of `model` that names its table as itself (not as a subquery of another query)."""
    query = model._default_manager.all().query
    compiler = query.get_compiler(connection=connection)
    sql = {}
    for name, expression in expressions.items():
        resolved = expression.resolve_expression(query, allow_joins=True)
        sql[name] = RawSQL(*compiler.compile(resolved), output_field=resolved.output_field)  # noqa: S611
    return sql


# What a list read as JSON (RowsAsJSON) keeps of a person: what display_name names them by.
PERSON_FIELDS = ("id", "username", "first_name", "last_name")


class RowsAsJSON(NamedTuple):
    """A list of a record's rows that most records have none of, read in the record's own query (an
    annotation, `subquery()`) rather than in a query of its own: its rows as JSON objects, one a line,
    with their columns, their annotations and, for each {foreign key: its fields} of `related`, the row
    it points to; turned back into instances by `rows()`, in the model's order."""

    queryset: models.QuerySet
    parent: str  # the foreign key to the record
    related: dict

    def subquery(self):
        meta = self.queryset.model._meta
        names = [field.attname for field in meta.concrete_fields] + list(self.queryset.query.annotations)
        names += [f"{key}__{name}" for key, fields in self.related.items() for name in fields]
        objects = JSONObject(**{name: name for name in names})
        return Subquery(
            self.queryset.filter(**{self.parent: OuterRef("pk")})
            .order_by()
            .values(self.parent)
            .annotate(json=StringAgg(Cast(objects, models.TextField()), Value("\n")))
            .values("json")
        )

    def rows(self, text):
        """The instances `subquery()` read, as a queryset's rows would be (None: there were none)."""
        model = self.queryset.model
        rows = []
        # Split on "\n" alone: JSON escapes it inside a string, but not U+2028 or U+0085, which splitlines() splits on.
        for line in filter(None, (text or "").split("\n")):
            values = json.loads(line)
            row = from_json(model, values)
            for name in self.queryset.query.annotations:
                setattr(row, name, values[name])
            for key, fields in self.related.items():
                found = {name: values[f"{key}__{name}"] for name in fields}
                target = model._meta.get_field(key).related_model
                setattr(row, key, None if found["id"] is None else from_json(target, found))
            rows.append(row)
        for name in reversed(model._meta.ordering):
            rows.sort(key=operator.attrgetter(name.removeprefix("-")), reverse=name.startswith("-"))
        return rows


def from_json(model, values):
    """An instance of `model` from {attname: value} as JSONObject gave them, the other fields deferred."""
    fields = [field for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(
        connection.alias,
        [field.attname for field in fields],
        [from_json_value(field, values[field.attname]) for field in fields],
    )


def from_json_value(field, value):
    """A column's value as JSONObject gave it, as the model reads it (the field's own to_python), with what
    SQLite leaves to the reader: times without their zone (UTC) and a JSON column as its text."""
    if value is not None and field.get_internal_type() == "JSONField" and connection.vendor == "sqlite":
        return json.loads(value)
    value = field.to_python(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def queue_expressions():
    """What a row shows beyond its claim, speaker and story (for_rows()): its pieces of evidence, where it
    was said and relayed, and its twin's verdict."""
    evidence_count = Subquery(
        Evidence.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk")).values("n"),
        output_field=models.IntegerField(),
    )
    return {
        "evidence_count": Coalesce(evidence_count, 0),
        "appearances_drawn": _appearances_drawn(),
        "twin_decided": _twin_decided(),
    }


def _twin_decided():
    """ "id:status" of the claim most lately decided among those linked to a claim as the same claim,
    or None: what the newsroom already holds of the claim a restatement repeats (Claim.twin_verdict).
    Written as SQL: compiled from two querysets on every request, it was a quarter of a queue partial's time."""
    claims, links = Claim._meta.db_table, ClaimLink._meta.db_table  # our own tables' names; values are parameters
    return RawSQL(  # noqa: S611
        f"""SELECT twin.id || ':' || twin.status FROM {links} link
        JOIN {claims} twin ON twin.id IN (link.from_claim_id, link.to_claim_id)
        WHERE link.kind = %s AND twin.status <> %s AND twin.id <> {claims}.id
        AND {claims}.id IN (link.from_claim_id, link.to_claim_id)
        ORDER BY twin.status_changed_at DESC LIMIT 1""",  # noqa: S608
        [LinkKind.SAME_CLAIM, Status.UNCONFIRMED],
        output_field=models.TextField(),
    )


def _appearances_shown():
    return Prefetch("appearances", Appearance.objects.select_related("outlet"))


@functools.cache
def _appearances_drawn():
    """Where a claim was said and relayed, as its row shows it, in one value: a row's key reads this
    rather than the appearances, which rows_to_draw() reads only for the rows it draws."""
    appearance = JSONObject(id="pk", venue="venue_type", relays="relayed_from_id", outlet="outlet__name")
    # Ordered where the database can order an aggregate (SQLite 3.44): unordered, a row is at worst drawn again.
    order = {"order_by": "pk"} if connection.features.supports_aggregate_order_by_clause else {}
    return Subquery(
        Appearance.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(all=StringAgg(Cast(appearance, models.TextField()), Value(","), **order))
        .values("all")
    )


def _has_relay():
    """True for a claim that reached the newsroom through another outlet (verification.relayed_by_another)."""
    if connection.vendor == "postgresql":
        return has_facet("relay:relayed")
    # No outlet has id 0: a story with no outlet has every outlet for another.
    another = ~Q(outlet=Coalesce(OuterRef("article__outlet_id"), 0))  # true for no outlet recorded
    told_to_another = Q(venue_type__in=TOLD_TO_AN_OUTLET, outlet__isnull=False) & another
    return Exists(
        Appearance.objects.filter(
            Q(relayed_from__isnull=False) & another
            | Q(relayed_from__isnull=True) & (Q(venue_type=RELAYED_REPORT) | told_to_another),
            claim=OuterRef("pk"),
        )
    )


def status_counts_of(groups, cap=None, *, field="status", states=Status):
    """{name: [(Status, number of claims)]} for each claim queryset in `groups`, in one query
    (or, with `field` and `states`, by another axis: the attribution).

    Each count stops after cap + 1 rows (on an index when nothing else narrows it), where one
    GROUP BY would read every matching row: a fifth of a second at a million claims. The counts
    go to the database as one statement of scalar subqueries. A count above the cap is shown as
    “1000+”.
    """
    counted = capped_counts(
        {(name, status): claims.filter(**{field: status}) for name, claims in groups.items() for status in states},
        cap,
    )
    counts = {name: [] for name in groups}
    for (name, status), count in counted.items():
        counts[name].append((status, count))
    return counts


def capped_counts(querysets, cap=None):
    """{key: number of rows} for each queryset of `querysets`, each counted only up to `cap` + 1, in one query.

    Each count stops after cap + 1 rows, where a COUNT(*) would read every matching row; the
    counts go to the database as one statement of scalar subqueries.
    """
    cap = cap or STATUS_COUNT_CAP
    parts, params = [], []
    for rows in querysets.values():
        limited = rows.order_by().values("pk")[: cap + 1]
        try:
            sql, row_params = limited.query.sql_with_params()
        except EmptyResultSet:  # a filter nothing can match, e.g. no speaker by that name
            sql, row_params = "SELECT 1 WHERE 1 = 0", []
        # The SQL is Django's, compiled from the queryset; the values travel as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


class ClaimQuerySet(models.QuerySet):
    def for_queue(self):
        """What a row of the queue shows, in two queries for any page: speaker, story, outlet, whether
        it was relayed and how many pieces of evidence it has, then where it was said and relayed."""
        return self.with_row_annotations().prefetch_related(_appearances_shown())

    def with_row_annotations(self):
        """for_queue() but the appearances: whole claims, with their speaker, story and outlet."""
        return (
            self.select_related("speaker", "article__outlet")
            .defer("article__body")  # a story's whole text, a row shows its headline
            .annotate(**_queue_annotations())
        )

    def for_rows(self):
        """What a list's row shows (claim_list.html#rows, Claim.row_key) and no more, for rows_to_draw():
        for_queue() but the appearances and the columns no row reads. Read whole, the rows' other
        columns were a twentieth of a queue partial's CPU (benchmarks/README.md)."""
        return self.with_row_annotations().only(*ROW_FIELDS)

    def relayed(self):
        return self.filter(_has_relay())

    def with_own(self, field, value, *, by_facet=False):
        """The claims whose `field` (status, kind or attribution) is `value`.

        With `by_facet` (a search, on PostgreSQL), a value that keeps few claims is read from the
        facets (migration 0034), which the search index intersects with the words: asked of the
        row, every claim with the words was read to keep a few (a phrase within the verified
        predictions: 150-230 ms at a million claims). The status or kind that keeps most (OWN_FACETS)
        is read from the row: as a facet it is a posting list nearly as long as the table. Every
        attribution is read from the facets (migration 0054): none keeps more than half the claims, and
        each goes with some relay states and not others (a phrase within "relayed" and "confirmed",
        which seldom meet: 86-94 ms asked of the row).
        """
        if by_facet and connection.vendor == "postgresql" and keeps_few(field, value):
            return self.filter(has_facet(f"{field}:{value}"))
        return self.filter(**{field: value})

    def said_by(self, speakers, *, by_facet=False):
        """The claims of these speakers (ids).

        With `by_facet` (a search, on PostgreSQL), read from the facets (migration 0053), which the
        search index intersects with the words and any outlet: asked of the row, a phrase within the
        top outlet and the top speaker read the 16,000 claims of the outlet with the words to keep a
        seventh of them (53-67 ms at a million claims).
        """
        if by_facet and connection.vendor == "postgresql":
            return self.filter(has_any_facet(f"speaker:{pk}" for pk in speakers))
        return self.filter(speaker__in=speakers)

    def not_merged(self):
        """Claims not merged into another: what the queue, the counts and the track records show."""
        return self.filter(merged_into__isnull=True)

    def warned_with_the_words_of(self, texts, *, each):
        """The claims not merged whose verdict the check warns about (WARNED) and whose words are one of
        `texts`' as normalize_name compares them, each with `words_of`: the index in `texts` of the words
        it has; at most `each` of the same words, the newest. One query, one probe of claim_warned_words_idx
        a text: the keys of `texts` are computed by the database, as those of the claims were, so the two
        always agree. A falsehood repeated under a thousand names is a thousand rows ranked in the database,
        `each` of them read."""
        texts = list(texts)
        if not texts:
            return self.none()
        keys = [ClaimKey(Value(text)) for text in texts]
        which = models.Case(
            *[models.When(key=key, then=Value(number)) for number, key in enumerate(keys)],
            output_field=models.IntegerField(),
        )
        newest_first = Window(RowNumber(), partition_by=F("key"), order_by=[F("created_at").desc(), F("id").desc()])
        return (
            self.alias(key=ClaimKey("text"))
            .filter(Verbatim(WARNED), key__in=keys, merged_into__isnull=True)
            .annotate(words_of=which)
            .alias(newest=newest_first)
            .filter(newest__lte=each)
        )

    def direct(self):
        """Claims with an appearance whose venue is stated, none of which relays another: the newsroom or
        the public heard the speaker first-hand. A claim recorded without one is neither direct nor
        relayed: where it was said is not known ("Venue not recorded", or "Venue not stated" by its source).
        On PostgreSQL both conditions are read from the claim's facets, as every facet filter is."""
        if connection.vendor == "postgresql":
            return self.filter(has_facet("relay:direct"), has_any_facet(f"venue:{venue}" for venue in STATED_VENUES))
        stated = Appearance.objects.filter(claim=OuterRef("pk"), venue_type__in=STATED_VENUES)
        return self.exclude(_has_relay()).filter(Exists(stated))

    def in_drafts(self):
        """Claims of stories not yet published (few: read through the drafts' partial index).

        On PostgreSQL their ids are gathered first (`id = ANY(ARRAY(...))`), so the page sorts
        them. Asked as a join, the planner guessed them spread over the whole queue and walked it
        for them; drafts are the newest stories, so oldest first it read 818,000 claims for 26
        (three quarters of a second; 5 ms gathered).
        """
        drafted = Claim.objects.filter(article__in=Article.objects.drafts().values("pk")).values("pk")
        if connection.vendor == "postgresql":
            return self.filter(AmongGathered(F("pk"), ArraySubquery(drafted.order_by())))
        return self.filter(pk__in=drafted)

    def not_in_drafts(self):
        """Claims of published stories, and claims recorded with no story (imported).

        NOT EXISTS, which PostgreSQL estimates from the drafts' statistics: NOT IN was guessed to
        keep half the claims, and a walk within an outlet then joined all of the outlet's.
        """
        return self.exclude(Exists(Article.objects.drafts().filter(pk=OuterRef("article_id"))))

    def search(self, query):
        """Claims matching `query`, each annotated with a `rank` (higher is better).

        PostgreSQL matches the stored, GIN-indexed `search_document` (text, quote, span) with
        `websearch_to_tsquery` and ranks with `ts_rank`. SQLite has neither: words_found() reads
        the same syntax over the text, the quote and the speaker's name, and all matches rank alike.
        """
        query = query.strip()
        claims = self.ranked(query)
        if not query:
            return claims
        return claims.filter(search_matches(query) if connection.vendor == "postgresql" else words_found(query))

    def ranked(self, query):
        """These claims, each annotated with its `rank` for `query` (0 for every claim on SQLite, or
        when there is no query); search() filters and ranks."""
        query = query.strip()
        if connection.vendor != "postgresql" or not query:
            return self.annotate(rank=Value(0.0, output_field=models.FloatField()))
        # ts_rank gives a float4; as float8 it survives the round trip through a page cursor exactly.
        return self.annotate(rank=Cast(SearchRank(SearchDocument(), search_words(query)), models.FloatField()))

    def involving_outlet(self, outlet, role=None, *, by_facet=False):
        """Claims the outlet published in a story, or that were made on or relayed by it (ClaimOutlet); or
        only those where it played `role`.

        An index probe per claim where the outlet is big, the outlet's rows first where it is
        small. With `by_facet` (a search, on PostgreSQL), read from the claim's facets (migration
        0033), which the search index intersects with the words. Not otherwise: the planner's
        guess of how many claims carry a rare facet is coarse (an outlet's 26 read as 1,000), and
        for an outlet whose few claims are old it would walk the whole queue for them, where
        ClaimOutlet's statistics know each outlet.
        """
        if by_facet and role is None and connection.vendor == "postgresql":
            return self.filter(has_facet(f"outlet:{getattr(outlet, 'pk', outlet)}"))
        parts = ClaimOutlet.objects.filter(claim=OuterRef("pk"), outlet=outlet)
        return self.filter(Exists(parts if role is None else parts.filter(role=role)))

    def through_outlet(self, outlet, ordering):
        """(these claims met through their rows in the outlet's ClaimOutlet, `ordering` as those rows give it).

        `ordering` is by the claims' recency; claimoutlet_recent_idx lists an outlet's claims
        newest (or oldest) first, where ordering the claims themselves means gathering and
        sorting all of them (a fifth of a million for the biggest outlet) or walking every claim
        and probing the outlet's for each. A claim the outlet took several parts in is met once
        for each part. The rows' columns are aliases, so that a cursor's row comparison
        (ordered_after) reads the same join, as an index condition, rather than joining again.
        """
        rows = FilteredRelation("outlet_roles", condition=Q(outlet_roles__outlet=outlet))
        claims = self.annotate(part=rows).alias(part_created_at=F("part__created_at"), part_claim=F("part__claim"))
        through = {"created_at": "part_created_at", "id": "part_claim"}
        ordering = [("-" if field.startswith("-") else "") + through[field.lstrip("-")] for field in ordering]
        return claims.filter(part_created_at__isnull=False), ordering

    def at_venue(self, venue_type):
        """Claims with an appearance of this venue type anywhere in their attribution chain."""
        if connection.vendor == "postgresql":
            return self.filter(has_facet(f"venue:{venue_type}"))
        return self.filter(Exists(Appearance.objects.filter(claim=OuterRef("pk"), venue_type=venue_type)))

    def assigned_to(self, person, *, by_facet=False):
        """The claims assigned to `person` (a user, or a username), or to no one when `person` is "none".

        With `by_facet` (a search, on PostgreSQL), read from the claim's facets (migration 0032),
        which the search index intersects with the words; not otherwise, for the reason
        involving_outlet gives: the assignments' statistics know each person.
        """
        if person == "none":
            return self.exclude(Exists(Assignment.objects.filter(claim=OuterRef("pk"))))
        if person is None or not getattr(person, "is_authenticated", True):
            return self.none()
        if by_facet and connection.vendor == "postgresql":
            if hasattr(person, "pk"):
                return self.filter(has_facet(f"assignee:{person.pk}"))
            named = get_user_model().objects.filter(username__iexact=person)
            facet = Concat(Value("assignee:"), Cast("pk", models.TextField()), output_field=models.TextField())
            return self.filter(Overlap(Facets(), ArraySubquery(named.values(facet=facet))))
        by = Q(assignee=person) if hasattr(person, "pk") else Q(assignee__username__iexact=person)
        return self.filter(pk__in=Assignment.objects.filter(by, claim__isnull=False).values("claim_id"))

    def status_counts(self, cap=None):
        """[(Status, number of claims)] for every status, each counted only up to `cap` + 1, in one query.

        One small query per status, each stopping after cap + 1 rows (on claim_queue_idx when
        nothing else narrows it), where one GROUP BY would read every matching row: a fifth of
        a second at a million claims. A count above the cap is shown as “1000+”. Claims merged
        into another are counted there, not here.
        """
        return status_counts_of({"claims": self.not_merged()}, cap)["claims"]

    def attribution_counts(self, cap=None):
        """[(Attribution, number of claims)] for every attribution state, counted as status_counts counts."""
        return status_counts_of({"claims": self.not_merged()}, cap, field="attribution", states=Attribution)["claims"]

    def keyset_page(self, ordering, cursor, limit):
        return keyset_page(self, ordering, cursor, limit)

    def due_for_recheck(self):
        """Unconfirmed claims (not merged) with their re-check date: the Due for re-check queue,
        on claim_recheck_idx, whose rows are exactly these."""
        return self.filter(status=Status.UNCONFIRMED, merged_into__isnull=True, recheck_on__isnull=False)

    def editors_verdicts(self):
        """Those of these claims whose status is an editor's verdict: their latest status event was
        decided in the app (set_status) and moved the status, where recording a claim moved nothing.
        An import never undoes one (verification.check_imported_verdict)."""
        latest = VerificationEvent.objects.filter(claim=OuterRef(OuterRef("pk")), axis=Axis.STATUS)
        verdict = VerificationEvent.objects.filter(
            pk=Subquery(latest.order_by("-version").values("pk")[:1]), decided_here=True, from_status__isnull=False
        )
        return self.filter(Exists(verdict))

    def set_statuses(self, decisions, *, by, at, editors_verdicts=None):
        """Write many status changes (Decisions) and their events at once, as set_status writes one.

        The bulk path, an import's: its events are not decided here (decided_here is false), and it
        follows the same rules (factcheck.verification.check_imported_verdict), an editor's verdict
        never undone included, and cites the same evidence; a change the rules refuse raises
        TransitionRefused (check each first to refuse it alone). A claim being recorded (no
        from_status) is inserted beforehand with its status; stored claims move here, after their
        events, with no version check: the caller holds them locked since it read them (each
        decision's version is then the stored one plus one). The importer has asked the same rules
        of each row already, to refuse a row alone; asked again here, once per kind of change,
        they guard every other caller. `editors_verdicts`: the ids of the claims whose status is an
        editor's verdict (editors_verdicts()), when the caller read them with the claims locked, as
        the importer does in planning them; read here otherwise.
        """
        if editors_verdicts is None:
            moved_ids = [decision.claim_id for decision in decisions if decision.from_status is not None]
            editors_verdicts = Claim.objects.filter(pk__in=moved_ids).editors_verdicts().values_list("pk", flat=True)
        verdicts = set(editors_verdicts)
        checked = set()  # a file's many changes are of a few kinds: each kind is checked once
        for decision in decisions:
            stances = frozenset(stance for _, stance in decision.evidence)
            editors = decision.claim_id in verdicts
            kind = (decision.from_status, decision.to_status, bool(decision.reason.strip()), stances, editors)
            if kind not in checked:
                check_imported_verdict(
                    decision.from_status,
                    decision.to_status,
                    reason=decision.reason,
                    stances=stances,
                    editors_verdict=editors,
                )
                checked.add(kind)
        # Written like an import's other rows: ids drawn, then one COPY (on PostgreSQL).
        events = list(zip(allocate_ids(VerificationEvent, len(decisions)), decisions, strict=True))
        insert(
            VerificationEvent,
            [
                "id",
                "claim_id",
                "axis",
                "from_status",
                "to_status",
                "to_attribution",
                "by_id",
                "at",
                "reason",
                "version",
            ],
            [
                (pk, d.claim_id, Axis.STATUS, d.from_status, d.to_status, d.attribution, by.pk, at, d.reason, d.version)
                for pk, d in events
            ],
        )
        insert(
            VerificationEvent.evidence.through,
            ["verificationevent_id", "evidence_id"],
            [
                (pk, evidence)
                for pk, decision in events
                for evidence, stance in decision.evidence
                if cites(decision.to_status, stance)
            ],
        )
        moved = [(pk, decision) for pk, decision in events if decision.from_status is not None]
        for status in {decision.to_status for _, decision in moved}:
            # Back to unconfirmed: due to be checked again, as set_status makes it.
            due = {"recheck_on": recheck_date(at), "recheck_set_by": None} if status == Status.UNCONFIRMED else {}
            # Every claim decided, whatever this queryset filters: each has its event above.
            Claim.objects.filter(pk__in=[d.claim_id for _, d in moved if d.to_status == status]).update(
                status=status, version=F("version") + 1, status_changed_at=at, status_changed_by=by, **due
            )
        CorrectionCase.objects.open_for(
            [
                VerificationEvent(
                    pk=pk,
                    claim_id=decision.claim_id,
                    from_status=decision.from_status,
                    to_status=decision.to_status,
                    to_attribution=decision.attribution,
                    at=at,
                )
                for pk, decision in moved
            ]
        )

    def speakers_changed(self, previous, *, by, how=""):
        """Claim.speaker_changed for many claims at once, an import's: `previous` maps each claim's id to
        the id of the speaker it had. Each claim not "not checked" goes back to it with the attribution
        event speaker_changed writes, under the same rule (verification.check_attribution) and with the
        same reason; the others are left as they are. Return how many went back.

        The claims are locked and read here, after any status the caller moved in the same transaction:
        each event comes after the claim's latest, as speaker_changed's would. Every claim named, whatever
        this queryset filters. Written as set_statuses writes events: ids drawn, then one COPY (PostgreSQL).
        """
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=previous)
            .exclude(attribution=Attribution.NOT_CHECKED)
            .order_by("pk")
            .values_list("pk", "speaker_id", "status", "attribution", "version", "merged_into")
        )
        for pk, _, _, _, _, merged_into in claims:
            if merged_into:
                raise merged_refusal(Claim(pk=pk, merged_into_id=merged_into), naming=True)
        speakers = {*previous.values(), *(speaker for _, speaker, *_ in claims)}
        names = dict(Speaker.objects.filter(pk__in=speakers).values_list("pk", "name"))
        reasons = {pk: speaker_change_reason(names[previous[pk]], names[speaker], how) for pk, speaker, *_ in claims}
        checked = set()  # a few kinds of change among many claims: each kind is checked once
        for pk, _, _, attribution, _, _ in claims:
            if attribution not in checked:
                check_attribution(attribution, Attribution.NOT_CHECKED, reason=reasons[pk])
                checked.add(attribution)
        at = timezone.now()
        events = [
            VerificationEvent(
                pk=event_id,
                claim_id=pk,
                axis=Axis.ATTRIBUTION,
                to_status=status,
                from_attribution=attribution,
                to_attribution=Attribution.NOT_CHECKED,
                by_id=by.pk,
                at=at,
                reason=reasons[pk],
                version=version + 1,
                decided_here=True,  # as speaker_changed's, through _decide
            )
            for event_id, (pk, _, status, attribution, version, _) in zip(
                allocate_ids(VerificationEvent, len(claims)), claims, strict=True
            )
        ]
        columns = ["id", "claim_id", "axis", "to_status", "from_attribution", "to_attribution", "by_id", "at"]
        columns += ["reason", "version", "decided_here"]
        insert(VerificationEvent, columns, [tuple(getattr(event, name) for name in columns) for event in events])
        CorrectionCase.objects.open_for(events)
        # The claims are locked since they were read: each moves to its event's version.
        Claim.objects.filter(pk__in=[event.claim_id for event in events]).update(
            attribution=Attribution.NOT_CHECKED, version=F("version") + 1
        )
        return len(events)

    def link_together(self, kind, *, by=None):
        """Link every pair of these claims as `kind` (same claim, contradicts); return how many links are new."""
        claims = list(self.order_by("pk"))
        links = ClaimLink.objects.filter(kind=kind, from_claim__in=claims, to_claim__in=claims)
        before = links.count()
        with transaction.atomic():
            for first, second in combinations(claims, 2):
                ClaimLink.link(first, second, kind, by=by)
        return links.count() - before


@functools.cache
def _sequence(table):
    """The sequence behind `table`.id, looked up once: pg_get_serial_sequence() per id cost 5 times the nextval()."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cursor.fetchone()[0]


def allocate_ids(model, count):
    """`count` fresh primary keys for `model` in one query, so that rows can refer to each other before COPY."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(table), count])
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite has no sequence to draw from: the import holds the write lock, and the ids are
        # drawn past both the table's AUTOINCREMENT counter and its rows, the counter moved past
        # them, so that like nextval() they are never drawn twice.
        sql = (
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            "coalesce((SELECT max(id) FROM {}), 0))"
        )
        cursor.execute(sql.format(connection.ops.quote_name(table)), [table])
        first = cursor.fetchone()[0] + 1
        last = first + count - 1
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
        if not cursor.rowcount:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])
        return list(range(first, last + 1))


def insert(model, columns, rows):
    """Insert rows (tuples in `columns` order): a COPY on PostgreSQL (3.6 times bulk_create's rate
    for claims, measured side by side), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        # Django does not translate errors raised by copy() (a check refused as the COPY ends,
        # say) into its own: wrap_database_errors makes them DatabaseErrors like any other.
        with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)


class Decision(NamedTuple):
    """One of many status changes written together (ClaimQuerySet.set_statuses): what set_status is given for one."""

    claim_id: int
    from_status: str | None  # None: the event that records the claim
    to_status: str
    attribution: str  # the claim's attribution state, which each event carries
    version: int  # the claim's version after the change
    reason: str
    evidence: list  # (id, stance) of the claim's evidence: the verdict cites those verification.cites picks


class Claim(models.Model):
    Kind = ClaimKind

    Qualifier = Qualifier

    text = models.TextField(help_text="The claim as one plain sentence.")
    quote = models.TextField("verbatim quote", blank=True)
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        related_name="claims",
        db_index=False,  # claim_speaker_recent_idx starts with speaker_id
    )
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims", null=True, blank=True)
    span_exact = models.TextField("span", blank=True, help_text="The exact words in the article.")
    span_prefix = models.CharField(max_length=64, blank=True, help_text="Text just before the span.")
    span_suffix = models.CharField(max_length=64, blank=True, help_text="Text just after the span.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.FACTUAL)
    quantity_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_unit = models.CharField(max_length=100, blank=True)
    quantity_qualifier = models.CharField(max_length=20, choices=Qualifier, default=Qualifier.EXACT, blank=True)
    # Written only by set_status (and, in bulk, by the importer under the same rules).
    status = models.CharField(
        max_length=20,
        choices=STATUS_CHOICES,
        default=Status.UNCONFIRMED,
        editable=False,
    )
    # Did the speaker really say it? The second axis, written only by set_attribution (and set
    # when the claim is recorded); its changes share the version and the history with the status.
    attribution = models.CharField(
        max_length=20,
        choices=ATTRIBUTION_CHOICES,
        default=Attribution.NOT_CHECKED,
        editable=False,
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        # Nothing looks claims up by who changed them last; the history has its own index.
        db_index=False,
    )
    # NULL for claims entered by hand (many have none). Unique through a constraint, not
    # unique=True: on PostgreSQL that would add a second, pattern-matching index that no
    # query uses and every import pays for.
    import_key = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When an unconfirmed claim is due to be checked again: set by set_status (and the importer)
    # whenever the claim becomes unconfirmed, FACTCHECK_RECHECK_DAYS later; changed by an editor
    # through set_recheck_date. Kept, unused, once the claim has a verdict.
    recheck_on = models.DateField("re-check by", null=True, blank=True, editable=False)
    # The editor who last moved the date (none while it is the default).
    recheck_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # nothing looks claims up by it but the daily digest
    )
    # Set by factcheck.merging alone, with the ClaimMerge that records it; from then on the database
    # refuses any change to the claim (migration 0016).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_claims",
        db_index=False,  # claim_merged_into_idx, which leaves out the claims merged into nothing
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("change_claim_status", "Can change the verification status of a claim"),
            ("import_claims", "Can import and export claims in bulk"),
            ("merge_claims", "Can merge a duplicate claim into another"),
            ("schedule_recheck", "Can change when an unconfirmed claim is checked again"),
        ]
        indexes = [
            # The reviewer queue: one status, newest first, keyset-paginated on (created_at, id).
            models.Index(fields=["status", "-created_at", "-id"], name="claim_queue_idx"),
            models.Index(fields=["-created_at", "-id"], name="claim_recent_idx"),
            # A speaker's newest claims, read without sorting: the speaker page and the story
            # desk's look-alikes stop after a page of them however many the speaker has.
            models.Index(fields=["speaker", "-created_at", "-id"], name="claim_speaker_recent_idx"),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="claim_merged_into_idx"),
            # A speaker's claims in one status, newest first: the queue filtered by speaker.
            models.Index(fields=["speaker", "status", "-created_at", "-id"], name="claim_speaker_queue_idx"),
            # The queue filtered by "Did they say it?" and its counts: the rare states (misattributed,
            # denied) were found by reading every claim (120 ms at a million).
            models.Index(fields=["attribution", "-created_at", "-id"], name="claim_attribution_idx"),
            # The pre-publication check's look-up of a story's claims among those tracked as disputed, false,
            # misattributed or denied, by their words whoever the speaker (Claim.objects.warned_with_the_words_of).
            models.Index(ClaimKey("text"), condition=WARNED, name="claim_warned_words_idx"),
            # The Due for re-check queue, soonest first: only the claims it can list.
            models.Index(
                fields=["recheck_on", "id"],
                condition=Q(status=Status.UNCONFIRMED, merged_into__isnull=True, recheck_on__isnull=False),
                name="claim_recheck_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("status", STATUS_CHOICES),
                name="claim_status_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("attribution", ATTRIBUTION_CHOICES),
                name="claim_attribution_valid",
            ),
            models.CheckConstraint(condition=in_choices("kind", ClaimKind.choices), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=in_choices("quantity_qualifier", Qualifier.choices),
                name="claim_qualifier_valid",
            ),
            models.CheckConstraint(
                condition=Q(quantity_value__isnull=False) | (Q(quantity_unit="") & Q(quantity_qualifier="")),
                name="claim_quantity_unit_needs_value",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_blank"),
            models.UniqueConstraint(fields=["import_key"], name="claim_import_key_unique"),
        ]

    # Written by set_status and set_attribution alone (and merged_into by factcheck.merging),
    # never by save(): a form loaded before a verdict must not put the old state back when it is
    # saved. The database refuses it anyway (migrations 0007, 0015 and 0016), but as an error
    # instead of a saved edit.
    STATUS_FIELDS = frozenset(
        {
            *("status", "attribution", "version", "status_changed_at", "status_changed_by", "merged_into"),
            # Written by set_status and set_recheck_date alike, for the same reason.
            *("recheck_on", "recheck_set_by"),
        }
    )

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.STATUS_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.pk])

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def attribution_label(self):
        return Attribution(self.attribution).label

    def implied_attribution(self):
        """The attribution state this claim's appearances imply (reads `appearances.all()`)."""
        newsroom = self.article.outlet_id if self.article_id else None
        links = [(item.pk, item.venue_type, item.outlet_id, item.relayed_from_id) for item in self.appearances.all()]
        return implied_attribution(links, newsroom)

    @property
    def quantity_display(self):
        if self.quantity_value is None:
            return ""
        qualifier = self.get_quantity_qualifier_display() if self.quantity_qualifier else ""
        return " ".join(
            part for part in [qualifier.lower(), figure_shown(self.quantity_value), self.quantity_unit] if part
        )

    def attribution_chains(self):
        """Each path from where the claim was made to the last outlet that passed it on.

        [[public remarks, Kyiv Independent, B-17]] reads: said in public remarks, reported by
        the Kyiv Independent, relayed by B-17. Built from `appearances.all()`, so prefetching
        them keeps this to one query.
        """
        appearances = list(self.appearances.all())
        known = {appearance.pk for appearance in appearances}
        relays = {}
        for appearance in appearances:
            relays.setdefault(appearance.relayed_from_id, []).append(appearance)
        origins = [appearance for appearance in appearances if appearance.relayed_from_id not in known]
        chains = []
        paths = [[origin] for origin in reversed(origins)]
        while paths:
            path = paths.pop()
            onward = relays.get(path[-1].pk, [])
            if not onward:
                chains.append(path)
            paths.extend([*path, appearance] for appearance in reversed(onward))
        return chains

    @functools.cached_property
    def row_key(self):
        """Everything the claim's row in a list shows (claim_list.html#rows), the key of its drawn copy.

        A row is drawn again when anything in it changes (the claim, its speaker, story, outlets,
        evidence, or the day's "3 days ago", due today and overdue), never from a stale copy. Reads
        for_rows()'s annotations; kept cheap, as it is read for every row shown: the age as a step.
        Made once a request, by rows_to_draw() and then by the template's cache tag.
        """
        speaker, article = self.speaker, self.article
        story = article and (article.pk, article.state, article.headline, article.outlet.name)
        return (
            *(self.pk, self.text, self.status, self.attribution, self.kind, self.quantity_display),
            *(self.appearances_drawn, speaker.pk, speaker.name, speaker.title, story, self.evidence_count),
            *(self.created_at, age_step(self.created_at), self.recheck_on, self.recheck_on and self.recheck_overdue),
            self.recheck_on and self.recheck_due_today,
            self.twin_decided,
        )

    @property
    def twin_verdict(self):
        """(id, Status) of the decided claim this one restates (linked as the same claim), or None.
        Reads for_rows()'s annotation."""
        if not self.twin_decided:
            return None
        pk, status = self.twin_decided.split(":")
        return int(pk), Status(status)

    def relayed_by_another(self, appearances):
        """Whether these of its appearances (all, or one chain) reached the newsroom through another outlet
        (verification.relayed_by_another): the queue's "Relayed", the claim page's badge of a chain."""
        newsroom = self.article.outlet_id if self.article_id else None
        return relayed_by_another(
            [(item.venue_type, item.outlet_id, item.relayed_from_id) for item in appearances], newsroom
        )

    def passed_on_by_another(self, appearances):
        """Whether another outlet passed on these of its appearances (verification.passed_on_by_another),
        where relayed_by_another is also true of words said to another outlet that nobody passed on."""
        newsroom = self.article.outlet_id if self.article_id else None
        return passed_on_by_another(
            [(item.venue_type, item.outlet_id, item.relayed_from_id) for item in appearances], newsroom
        )

    @functools.cached_property
    def imported_from(self):
        """ "feed.json (import #4)" when the claim's status is an import's (its latest status event was not
        decided here: another checker's rating, a file's column), read from its events; "" when it is ours."""
        statuses = [event for event in self.events.all() if event.axis == Axis.STATUS]
        latest = max(statuses, key=lambda event: event.version, default=None)
        if latest is None or latest.decided_here:
            return ""
        found = IMPORTED_FROM.match(latest.reason)
        return found["source"] if found else "a file"

    @functools.cached_property
    def is_relayed(self):
        return self.relayed_by_another(self.appearances.all())

    @functools.cached_property
    def is_direct(self):
        """Whether the newsroom or the public heard it first-hand (ClaimQuerySet.direct): relayed by no
        one, and made at a venue its source stated."""
        return not self.is_relayed and any(appearance.venue_stated for appearance in self.appearances.all())

    @functools.cached_property
    def first_hand_chain(self):
        """Its first chain that reached the newsroom first-hand, by the rule that makes a claim's implied
        attribution confirmed (verification.chain_attribution), or None. A claim with one is no more only
        another outlet's word for being relayed as well."""
        newsroom = self.article.outlet_id if self.article_id else None
        return next(
            (
                chain
                for chain in self.attribution_chains()
                if chain_attribution(
                    [(item.venue_type, item.outlet_id, item.relayed_from_id) for item in chain], newsroom
                )
                == Attribution.CONFIRMED
            ),
            None,
        )

    @property
    def chain_shown(self):
        """The chain a line about the claim shows (its venue line, the check's "told as"): the first
        heard first-hand, else the first; [] when it has none."""
        chains = self.attribution_chains()
        return self.first_hand_chain or (chains[0] if chains else [])

    def venue_line(self):
        """Where it was said and who passed it on, in order, in a line: "Public remarks · relayed by
        Kyiv Independent → B-17", "Social-media post on X · reported by B-17" where the newsroom saw
        it itself (the first chain heard first-hand, else the first; the others are counted). The queue's
        rows and the admin's list."""
        chains = self.attribution_chains()
        if not chains:
            return ""
        origin, *relays = self.chain_shown
        venue, on = origin.made_on
        line = f"{venue} {on} {origin.outlet.name}" if origin.outlet else venue
        if relays:
            names = [relay.outlet_named for relay in relays]
            passed_on = "relayed by" if self.relayed_by_another([origin, *relays]) else "reported by"
            line += f" · {passed_on} {' → '.join(names)}"
        if len(chains) > 1:
            line += f" · and {len(chains) - 1} more"
        return line

    def linked_claims(self):
        """[(kind, label, other claim)] for this claim's links either way, same claims first, in one query."""
        links = ClaimLink.objects.filter(Q(from_claim=self) | Q(to_claim=self))
        found = []
        for link in links.select_related("from_claim__speaker", "to_claim__speaker"):
            if link.from_claim_id == self.pk:
                found.append((link.kind, link.get_kind_display(), link.to_claim))
            else:
                label = "Updated by" if link.kind == LinkKind.UPDATES else link.get_kind_display()
                found.append((link.kind, label, link.from_claim))
        order = list(LinkKind)
        return sorted(found, key=lambda item: (order.index(item[0]), item[2].pk))

    def timeline(self):
        """The status changes and the edits, newest first; each verdict with what the claim read then.

        [{"event": event, "then": [(label, value)]} or {"revision": revision}]. An edit made at
        status version v came after the event that made v and before the next one, so the two
        histories interleave by version, then by time. Walking back from the claim as it is now
        and undoing each edit gives its fields at each verdict: `then` lists those that differ
        from now. Merges into this claim, or of this claim into another, are entries too:
        {"merge": ClaimMerge, "kept": whether this is the claim kept}. So are the changes and
        removals of its appearances: {"appearance": AppearanceRevision}. Reads `events.all()`,
        `revisions.all()`, `appearance_revisions.all()`, `merges_in.all()` and `merge_record`:
        prefetch them, both kinds of revision named().
        """
        revisions = list(self.revisions.all())
        appearance_revisions = self.appearance_revisions.all()
        merges = [(merge.into_version, merge) for merge in self.merges_in.all()]
        if self.merged_into_id:
            merges.append((self.merge_record.merged_version, self.merge_record))
        # Edits (of the claim or its appearances) and merges at version v came after the event that
        # made v, in the order they were made.
        entries = sorted(
            [(event.version, 0, event.at, 0, event.pk, event) for event in self.events.all()]
            + [(revision.claim_version, 1, revision.at, 1, revision.pk, revision) for revision in revisions]
            + [(version, 1, merge.at, 2, merge.pk, merge) for version, merge in merges]
            + [(change.claim_version, 1, change.at, 3, change.pk, change) for change in appearance_revisions],
            key=lambda entry: entry[:5],
            reverse=True,
        )
        names = {("speaker_id", self.speaker_id): self.speaker.name}
        if self.article_id:
            names["article_id", self.article_id] = self.article.headline
        for revision in revisions:
            names.update(revision.names())
        fields = ClaimRevision.FIELDS
        now = {column: stored_value(column, getattr(self, column)) for column in fields}
        then = dict(now)
        timeline = []
        for *_, entry in entries:
            if isinstance(entry, ClaimMerge):
                timeline.append({"merge": entry, "kept": entry.into_id == self.pk})
            elif isinstance(entry, AppearanceRevision):
                timeline.append({"appearance": entry})
            elif isinstance(entry, ClaimRevision):
                timeline.append({"revision": entry})
                then.update({column: stored_value(column, value) for column, value in entry.before.items()})
            else:
                differs = [column for column in fields if then[column] != now[column]]
                shown = [(fields[column], shown_value(column, then[column], names)) for column in differs]
                timeline.append({"event": entry, "then": shown})
        return timeline

    @property
    def has_recheck(self):
        """Whether the claim waits for a re-check: unconfirmed, not merged, with a date."""
        return self.status == Status.UNCONFIRMED and self.recheck_on is not None and not self.merged_into_id

    @property
    def recheck_overdue(self):
        return self.recheck_on is not None and self.recheck_on < timezone.localdate()

    @property
    def recheck_due_today(self):
        return self.recheck_on is not None and self.recheck_on == timezone.localdate()

    @staticmethod
    def earliest_recheck_date():
        """The first re-check date an editor may pick: today, in the newsroom's time zone."""
        return timezone.localdate()

    @property
    def recheck_date_offered(self):
        """The day the re-check form is filled with: the claim's date, or today once that has passed, so that
        changing the date as it is offered is allowed (it moves an overdue claim to today)."""
        return max(self.recheck_on, self.earliest_recheck_date())

    @staticmethod
    def latest_recheck_date():
        """The furthest re-check date an editor may pick today: RECHECK_MAX_YEARS from now."""
        today = timezone.localdate()
        try:
            return today.replace(year=today.year + RECHECK_MAX_YEARS)
        except ValueError:  # 29 February, in a year that has none
            return today.replace(year=today.year + RECHECK_MAX_YEARS, day=28)

    def set_recheck_date(self, day, *, by):
        """Move the unconfirmed claim's re-check date to `day`, from today to latest_recheck_date(), or
        raise TransitionRefused."""
        if self.merged_into_id:
            raise merged_refusal(self)
        if self.status != Status.UNCONFIRMED:
            raise TransitionRefused("not_unconfirmed", "Only a claim still unconfirmed has a re-check date.")
        if day < self.earliest_recheck_date():
            raise TransitionRefused("in_the_past", f"Pick today or a later day: {day:%-d %b %Y} has passed.")
        latest = self.latest_recheck_date()
        if day > latest:
            # A date years away (9999-12-31) takes the claim out of every queue and digest for good.
            raise TransitionRefused(
                "too_far",
                f"Pick a day within {RECHECK_MAX_YEARS} years, by {latest:%-d %b %Y} at the latest: "
                f"{day:%-d %b %Y} is further.",
            )
        # Status only: a verdict given meanwhile takes the claim out of the queue, and its date with it.
        if not Claim.objects.filter(pk=self.pk, status=Status.UNCONFIRMED, merged_into__isnull=True).update(
            recheck_on=day, recheck_set_by=by
        ):
            raise TransitionRefused("not_unconfirmed", "The claim was decided meanwhile: it has no re-check date now.")
        self.recheck_on, self.recheck_set_by = day, by

    def set_status(self, new_status, *, by, reason, version=None, evidence=None):
        """Move the claim to `new_status` and record who did it and why, or change nothing.

        A claim at version 0 has no history yet: this call records it, with any status, and
        with the attribution state its appearances imply (save them first).
        Raises TransitionRefused when the rules forbid the change and StaleVersion when the
        claim changed since `version` (by default, the version this object was loaded at).
        `evidence` lists the items the decision rests on; by default, the claim's items whose
        stance bears on the new status.
        """
        version = self.version if version is None else version
        if self.merged_into_id:
            raise merged_refusal(self)
        if version != self.version:
            # Judged against the claim as it is now, a stale decision would be refused for a rule
            # ("already Disputed") when what the editor needs to know is that someone changed it.
            raise self._stale()
        current = self.status if version else None
        new_status, cited = self._checked_status(new_status, reason=reason, evidence=evidence)
        attribution = self.attribution if version else self.implied_attribution()
        return self._decide(
            Axis.STATUS, by, reason, version, cited, from_status=current, status=new_status, attribution=attribution
        )

    def set_attribution(self, new_attribution, *, by, reason, version=None, evidence=None):
        """Record whether the speaker really said it (the attribution axis), or change nothing.

        The same guarantees as set_status, in the same history: the transition table and the
        rules of factcheck.verification (a reason always; a primary source cited for
        confirmed and for misattributed), a stale `version` refused, the evidence cited locked.
        `evidence` defaults to the claim's items marked as primary sources. A claim is
        recorded by set_status, never here.
        """
        version = self.version if version is None else version
        if version != self.version:
            raise self._stale()
        new_attribution, cited = self._checked_attribution(new_attribution, reason=reason, evidence=evidence)
        return self._decide(
            Axis.ATTRIBUTION,
            by,
            reason,
            version,
            cited,
            from_attribution=self.attribution,
            status=self.status,
            attribution=new_attribution,
        )

    def change_speaker(self, speaker, *, by, how=""):
        """Give the claim another speaker (the edit is recorded as every edit of a claim is), and
        send its attribution back to "not checked" (speaker_changed). `how` says where, for the reason."""
        with transaction.atomic(), recording_speaker_changes():
            previous = Speaker.objects.get(pk=Claim.objects.filter(pk=self.pk).values("speaker_id")[:1])
            if previous.pk == speaker.pk:
                return None
            Claim.objects.filter(pk=self.pk).update(speaker=speaker)
            self.speaker = speaker
            return self.speaker_changed(previous, by=by, how=how)

    def speaker_changed(self, previous, *, by, how=""):
        """Record that the claim is now its speaker's, no longer `previous`'s: what was established of
        who said it (confirmed, relayed, denied...) was established for `previous`, so the attribution
        goes back to "not checked", with an event naming both and `by` (None when it already was).
        Every road of the app that gives a claim another speaker calls it in the same transaction (the
        admin's change form, change_speaker; the importer, for many claims, ClaimQuerySet.speakers_changed),
        inside revisions.recording_speaker_changes(); for any other (an update, a plain save, SQL) the
        database writes the event (migration 0050)."""
        if self.attribution == Attribution.NOT_CHECKED:
            return None
        reason = speaker_change_reason(previous.name, self.speaker.name, how)
        return self.set_attribution(Attribution.NOT_CHECKED, by=by, reason=reason, evidence=[])

    def _stale(self):
        """StaleVersion naming who changed the claim last, and when."""
        latest = self.events.select_related("by").order_by("-version").first()
        return StaleVersion(self, latest and latest.by, latest and latest.at)

    def _checked_status(self, new_status, *, reason, evidence=None):
        """The status set_status would record and the evidence it would cite, or TransitionRefused."""
        cited = self._cited(evidence, lambda item: cites(new_status, item.stance))
        current = self.status if self.version else None
        return check_verdict(current, new_status, reason=reason, stances={item.stance for item in cited}), cited

    def _checked_attribution(self, new_attribution, *, reason, evidence=None):
        """The attribution set_attribution would record and the evidence it would cite, or TransitionRefused."""
        if not self.version:
            raise TransitionRefused("not_recorded", "Record the claim before deciding who said it.")
        cited = self._cited(evidence, lambda item: item.primary_source)
        has_primary_source = any(item.primary_source for item in cited)
        return check_attribution(
            self.attribution, new_attribution, reason=reason, has_primary_source=has_primary_source
        ), cited

    def refusal(self, axis, new, *, reason):
        """Why the rules would refuse moving it to `new` on `axis` now, with the evidence cited by default
        (set_status, set_attribution), else None: said before an editor decides; the change is checked again."""
        try:
            if self.merged_into_id:
                raise merged_refusal(self)
            if axis == Axis.ATTRIBUTION:
                self._checked_attribution(new, reason=reason)
            else:
                self._checked_status(new, reason=reason)
        except TransitionRefused as refused:
            return refused.message
        return None

    def _cited(self, evidence, by_default):
        """The claim's evidence a decision cites: those of `evidence` attached to it, or those `by_default` picks."""
        attached = list(self.evidence.all())
        if evidence is None:
            return [item for item in attached if by_default(item)]
        attached_ids = {item.pk for item in attached}
        return [item for item in evidence if item.pk in attached_ids]

    def _decide(self, axis, by, reason, version, cited, *, status, attribution, **moved_from):
        """Write a checked decision: the event first, then the claim, in one transaction.

        `moved_from` is from_status or from_attribution, where the claim stood on the event's axis.
        """
        now = timezone.now()
        with transaction.atomic():
            # The event goes in before the claim moves: SQLite's trigger, which cannot wait for
            # the commit, lets a claim's state change only to that of its latest event. The
            # row lock (PostgreSQL; SQLite's write lock covers the whole transaction) keeps a
            # concurrent change out between the check and the update.
            locked = list(
                Claim.objects.select_for_update().filter(pk=self.pk, version=version).values_list("merged_into")
            )
            if not locked:
                raise self._stale()
            if locked[0][0]:
                # Merged since it was loaded (a merge leaves the version as it is).
                self.merged_into_id = locked[0][0]
                raise merged_refusal(self)
            if cited:
                # The rules were checked against the evidence as read above. Locked, it stays so
                # until the commit: an edit racing this verdict waits, then finds it cited and frozen.
                locked = Evidence.objects.select_for_update().filter(pk__in=[item.pk for item in cited])
                rows = locked.values_list("pk", "stance", "primary_source")
                stored = {pk: (stance, primary) for pk, stance, primary in rows}
                if any(stored.get(item.pk) != (item.stance, item.primary_source) for item in cited):
                    raise TransitionRefused(
                        "evidence_changed",
                        "The evidence cited was changed or removed meanwhile; reload the claim and decide again.",
                    )
            event = VerificationEvent.objects.create(
                claim=self,
                axis=axis,
                to_status=status,
                to_attribution=attribution,
                **moved_from,
                by=by,
                at=now,
                reason=reason.strip(),
                version=version + 1,
                decided_here=True,
            )
            event.evidence.set(cited)
            # status_changed_* say when the status last changed: an attribution leaves them.
            changed = {"status_changed_at": now, "status_changed_by": by} if axis == Axis.STATUS else {}
            if axis == Axis.STATUS and status == Status.UNCONFIRMED:
                changed |= {"recheck_on": recheck_date(now), "recheck_set_by": None}
            CorrectionCase.objects.open_for([event])
            Claim.objects.filter(pk=self.pk).update(
                status=status, attribution=attribution, version=version + 1, **changed
            )
        self.status, self.attribution, self.version = status, attribution, version + 1
        for name, value in changed.items():
            setattr(self, name, value)
        return event


def speaker_change_reason(previous, speaker, how=""):
    """The reason of the event sending a claim back to "attribution not checked" when its speaker
    (named) changed from `previous`; `how` says where."""
    where = f" {how}" if how else ""
    return f"Speaker changed from {previous} to {speaker}{where}: whether {speaker} said it is not checked."


RECHECK_MAX_YEARS = 5  # how far ahead an editor may move a re-check date


def recheck_date(now):
    """When a claim that became unconfirmed at `now` is due to be checked again (FACTCHECK_RECHECK_DAYS later)."""
    return timezone.localdate(now) + timedelta(days=settings.FACTCHECK_RECHECK_DAYS)


def merged_refusal(claim, *, instead="change that one instead", naming=False):
    """The refusal of a write to `claim`, merged into another and read-only: what to do `instead`;
    `naming` the claim (one among several) rather than "This claim"."""
    which = f"Claim #{claim.pk}" if naming else "This claim"
    return TransitionRefused(
        "merged", f"{which} was merged into claim #{claim.merged_into_id} and is read-only: {instead}."
    )


class Appearance(models.Model):
    """Where the speaker made the claim, or where it was reported or relayed."""

    Venue = Venue

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    venue_type = models.CharField(max_length=30, choices=Venue)
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appearances",
        db_index=False,  # appearance_outlet_idx (outlet, venue_type) serves lookups by outlet
    )
    url = models.URLField(max_length=1000, blank=True)
    date = models.DateField(null=True, blank=True)
    when = models.CharField(
        max_length=200,
        blank=True,
        help_text="As the story dates it, e.g. “late last month”.",
    )
    relayed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relays",
        help_text="The appearance this one reports or relays.",
        db_index=False,  # appearance_relay_idx, which leaves out the many appearances that relay nothing
    )
    # Null rather than "": SQLite then adds the column without rebuilding the table and its triggers.
    venue_text = models.CharField(  # noqa: DJ001
        "venue as given",
        max_length=300,
        null=True,
        blank=True,
        help_text="The venue in the words of the file it was imported from, e.g. “a TV ad”.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("venue_type", Venue.choices),
                name="appearance_venue_valid",
            ),
            models.CheckConstraint(
                condition=~Q(relayed_from=F("pk")),
                name="appearance_not_relayed_from_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["outlet", "venue_type"], name="appearance_outlet_idx"),
            models.Index(fields=["relayed_from"], condition=Q(relayed_from__isnull=False), name="appearance_relay_idx"),
        ]

    def __str__(self):
        where = f" ({self.outlet})" if self.outlet_id else ""
        return f"{self.get_venue_type_display()}{where}"

    @property
    def made_on(self):
        """(the venue's words, the word before its outlet): "Statement to Coastal News", "Interview on
        CNN", where "Statement to the newsroom on Coastal News" named the newsroom for another outlet."""
        return venue_on(self.venue_type, self.get_venue_type_display(), bool(self.outlet_id))

    @property
    def outlet_named(self):
        """The outlet's name in a chain's line: "an outlet not recorded" when it has none."""
        return self.outlet.name if self.outlet else "an outlet not recorded"

    @property
    def venue_stated(self):
        return self.venue_type != Venue.NOT_STATED

    @property
    def venue_text_differs(self):
        """Whether the venue as a file gave it says more than its type's label: "a tweet", not "Social-media post"."""
        return bool(self.venue_text) and normalize_name(self.venue_text) not in {
            normalize_name(self.venue_type),
            normalize_name(str(self.get_venue_type_display())),
        }


class ExternalReviewQuerySet(models.QuerySet):
    def ratings_by_publisher(self):
        """(publisher, label, count) rows, most frequent first: another checker's track record of these claims."""
        return (
            self.values_list("publisher", "label")
            .annotate(count=Count("id"))
            .order_by("-count", "publisher", "label")
            .values_list("publisher", "label", "count")
        )


class ExternalReview(models.Model):
    """Another fact-checker's verdict on a claim, as its ClaimReview gave it: theirs, never ours.

    Written by the importer only, one per claim, publisher and review URL (a re-import adds
    none); shown on the claim and speaker pages, never in the public feed, which lists only
    this newsroom's published verdicts. The claim's own status is mapped from `label` through
    the import's rating table (docs/importing.md).
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="external_reviews", db_index=False)
    publisher = models.CharField(max_length=200, help_text="Who rated it, e.g. PolitiFact.")
    label = models.CharField(max_length=200, blank=True, help_text="Their rating, as they word it: “Half True”.")
    rating_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    best_rating = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    worst_rating = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ExternalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["publisher", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "publisher", "url"], name="externalreview_once_per_claim"),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.label or self.scale}"

    @property
    def scale(self):
        """ "3 on 1 .. 5", or "" without a value."""
        if self.rating_value is None:
            return ""
        worst, best = self.worst_rating, self.best_rating
        value = f"{self.rating_value.normalize():f}"
        if worst is None or best is None:
            return value
        return f"{value} on {worst.normalize():f} .. {best.normalize():f}"


class OutletRole(models.TextChoices):
    """How an outlet took part in a claim (ClaimOutlet keeps them; factcheck.tallies counts by them).

    Made: an appearance on the outlet that relays nothing (a statement to it, an interview, a
    post on its platform). Published: the story that reports the claim is the outlet's.
    Relayed: an appearance on the outlet that passes on another one.
    """

    MADE = "made", "Made on it"
    PUBLISHED = "published", "Published it"
    RELAYED = "relayed", "Relayed it"


class ClaimOutlet(models.Model):
    """One part an outlet played in a claim: the claim was made on it, published in one of its
    stories, or relayed (reported from elsewhere) by it.

    Derived from articles and appearances and written by database triggers alone (migration
    0019), whatever road writes those (the ORM, bulk_create, COPY, raw SQL), so an index can
    answer "claims involving this outlet" without scanning every claim. Never written by the app.
    """

    Role = OutletRole

    pk = models.CompositePrimaryKey("claim", "outlet", "role")
    # The primary key, which starts with claim_id, serves look-ups by claim.
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="outlet_roles", db_index=False)
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="claim_roles", db_index=False)
    role = models.CharField(max_length=10, choices=Role)
    # The claim's, copied by the triggers (migration 0030): the index gives an outlet's claims newest first.
    created_at = models.DateTimeField()
    # The claim's too, copied and followed by the triggers (migration 0049): what the outlet's claims
    # are counted by, each claim once (OutletClaimTally), from these rows alone. Each row carries its
    # own copy, so a claim given a new verdict and moved to another story in one statement leaves the
    # old outlet at the verdict it was counted under, whichever trigger runs first.
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, editable=False)
    attribution = models.CharField(max_length=20, choices=ATTRIBUTION_CHOICES, editable=False)
    merged = models.BooleanField(editable=False, help_text="The claim is merged into another (counted there).")

    class Meta:
        indexes = [models.Index(fields=["outlet", "-created_at", "-claim"], name="claimoutlet_recent_idx")]
        constraints = [
            models.CheckConstraint(condition=in_choices("role", OutletRole.choices), name="claimoutlet_role_valid")
        ]

    def __str__(self):
        return f"{self.outlet_id} {self.role} {self.claim_id}"


def _is_cited():
    return Exists(VerificationEvent.evidence.through.objects.filter(evidence=OuterRef("pk")))


class EvidenceQuerySet(models.QuerySet):
    def cited(self):
        """Evidence a verification event cites: frozen, the database refuses to change or delete it."""
        return self.filter(_is_cited())

    def uncited(self):
        return self.exclude(_is_cited())

    def with_is_cited(self):
        return self.annotate(is_cited=_is_cited())


class Evidence(models.Model):
    """A source that bears on a claim. Once a verdict cites it, it is frozen (migration 0009):
    correcting it means adding new evidence."""

    Stance = Stance

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=1000, blank=True)
    citation = models.CharField(max_length=500, blank=True, help_text="When there is no URL: what and where.")
    summary = models.TextField()
    stance = models.CharField(max_length=10, choices=Stance)
    # A database default too: the importer's COPY, which files with no primary source, leaves it out.
    primary_source = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The original post, transcript or recording of the speaker's words: what confirms who said it.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # not indexed, like VerificationEvent.by
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=in_choices("stance", Stance.choices),
                name="evidence_stance_valid",
            ),
            models.CheckConstraint(condition=~Q(url="") | ~Q(citation=""), name="evidence_has_source"),
        ]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.url or self.citation}"


class Note(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The usernames its @mentions named that were notified (Note.write), linked where the note is shown.
    mentions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="note_not_blank")]

    def __str__(self):
        return self.body[:80]

    @classmethod
    def write(cls, claim, body, *, by):
        """Add a note to the claim, by `by` (see record)."""
        return cls(claim=claim, body=body).record(by=by)

    def record(self, *, by):
        """Save this new note, written by `by`; each person it mentions (@username) who may read
        claims is notified, once. The app's form and the admin's both come here."""
        from factcheck import notifying

        with transaction.atomic():
            people = notifying.mentioned_people(self.body)
            self.author = by
            self.mentions = sorted(person.get_username() for person in people)
            self.save()
            Notification.objects.notify(people, Notification.Kind.MENTIONED, [self.claim], actor=by, note=self)
        return self


class ClaimLink(models.Model):
    Kind = LinkKind

    SYMMETRIC = {Kind.SAME_CLAIM, Kind.CONTRADICTS}

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=20, choices=Kind)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", LinkKind.choices),
                name="claimlink_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(from_claim=F("to_claim")), name="claimlink_not_to_itself"),
            # Same-claim and contradicts read both ways, so they are stored once, lower id first.
            models.CheckConstraint(
                condition=Q(kind="updates") | Q(from_claim__lt=F("to_claim")),
                name="claimlink_symmetric_ordered",
            ),
            models.UniqueConstraint(fields=["from_claim", "to_claim", "kind"], name="claimlink_unique"),
        ]

    def __str__(self):
        return f"{self.from_claim_id} {self.get_kind_display().lower()} {self.to_claim_id}"

    @classmethod
    def link(cls, first, second, kind, *, by=None):
        """Link two claims (idempotent); symmetric kinds are stored lower id first."""
        first, second = cls._ordered(first, second, kind)
        link, _ = cls.objects.get_or_create(from_claim=first, to_claim=second, kind=kind, defaults={"created_by": by})
        return link

    @classmethod
    def link_all(cls, links, *, by=None):
        """Link each (first, second, kind) of `links` as link() does, in one INSERT: a story's figures
        may contradict each other pairwise, thousands of links."""
        rows = {}
        for first, second, kind in links:
            first, second = cls._ordered(first, second, kind)
            rows[first.pk, second.pk, kind] = cls(from_claim=first, to_claim=second, kind=kind, created_by=by)
        cls.objects.bulk_create(rows.values(), ignore_conflicts=True)

    @classmethod
    def _ordered(cls, first, second, kind):
        if first.pk == second.pk:
            raise ValueError("A claim cannot be linked to itself.")
        return (second, first) if kind in cls.SYMMETRIC and first.pk > second.pk else (first, second)


# The deferred triggers (migration 0007) that hold each claim's status and version to its latest
# event, and the one that sends a claim given another speaker back to "attribution not checked"
# (migration 0050), on PostgreSQL; by name, for `SET CONSTRAINTS`.
HISTORY_CONSTRAINTS = (
    "factcheck_claim_follows_history",
    "factcheck_event_moves_claim",
    "factcheck_claim_speaker_changed",
)


class Axis(models.TextChoices):
    STATUS = "status", "Status"
    ATTRIBUTION = "attribution", "Attribution"


class VerificationEvent(models.Model):
    """One decision on a claim, on one axis: its status (is it true?) or its attribution (did
    the speaker say it?). Append-only: the database refuses UPDATE and DELETE on this table.

    Each event holds the claim's state on both axes after it (`to_status`, `to_attribution`)
    and where it came from on its own axis (`from_status` or `from_attribution`; the other is
    NULL). The event that records a claim is a status event with no `from` at all.
    """

    Axis = Axis

    # Indexed by event_one_per_version and event_claim_idx, which both start with claim_id.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events", db_index=False)
    # NULL, not "", for the event that records a claim: it has no previous state.
    from_status = models.CharField(max_length=20, choices=STATUS_CHOICES, null=True, blank=True)  # noqa: DJ001
    to_status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    axis = models.CharField(max_length=20, choices=Axis, default=Axis.STATUS)
    from_attribution = models.CharField(  # noqa: DJ001
        max_length=20, choices=ATTRIBUTION_CHOICES, null=True, blank=True
    )
    # Events written before attribution was tracked say "not checked", as their claims were.
    to_attribution = models.CharField(max_length=20, choices=ATTRIBUTION_CHOICES, default=Attribution.NOT_CHECKED)
    # Not indexed: nothing lists events by person, and the index would cost every import one
    # entry per claim. Deleting a user (refused while they have events) scans the table instead.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    version = models.PositiveIntegerField(help_text="The claim's version after this change.")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="cited_by")
    # Set by set_status alone. An import's events (written in bulk) and anything else written
    # around set_status get the database's default, false: only a verdict decided here may be
    # published as this newsroom's (PublishedVerdict, whose trigger checks it).
    decided_here = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Decided by a person in this app (Claim.set_status), not written by an import.",
    )

    class Meta:
        ordering = ["at", "id"]
        get_latest_by = ["at", "id"]
        indexes = [models.Index(fields=["claim", "-at"], name="event_claim_idx")]
        constraints = [
            models.CheckConstraint(condition=in_choices("to_status", STATUS_CHOICES), name="event_to_valid"),
            models.CheckConstraint(
                condition=Q(from_status__isnull=True) | in_choices("from_status", STATUS_CHOICES),
                name="event_from_valid",
            ),
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="event_changes_status"),
            models.CheckConstraint(condition=in_choices("axis", Axis.choices), name="event_axis_valid"),
            models.CheckConstraint(
                condition=in_choices("to_attribution", ATTRIBUTION_CHOICES), name="event_to_attribution_valid"
            ),
            models.CheckConstraint(
                condition=Q(from_attribution__isnull=True) | in_choices("from_attribution", ATTRIBUTION_CHOICES),
                name="event_from_attribution_valid",
            ),
            # An event moves one axis: a status event has no attribution `from`, an attribution
            # event has one, no status `from`, and never records a claim (version 1).
            models.CheckConstraint(
                condition=Q(axis=Axis.STATUS, from_attribution__isnull=True)
                | Q(axis=Axis.ATTRIBUTION, from_status__isnull=True, from_attribution__isnull=False, version__gt=1),
                name="event_moves_one_axis",
            ),
            models.CheckConstraint(
                condition=~Q(from_attribution=F("to_attribution")), name="event_changes_attribution"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="event_reason_required"),
            models.UniqueConstraint(fields=["claim", "version"], name="event_one_per_version"),
        ]

    def __str__(self):
        if self.axis == Axis.ATTRIBUTION:
            return f"attribution {self.from_attribution} → {self.to_attribution}"
        return f"{self.from_status or 'recorded'} → {self.to_status}"

    @property
    def is_attribution(self):
        return self.axis == Axis.ATTRIBUTION

    @property
    def from_label(self):
        if self.is_attribution:
            return Attribution(self.from_attribution).label
        return Status(self.from_status).label if self.from_status else "Recorded"

    @property
    def to_label(self):
        return Attribution(self.to_attribution).label if self.is_attribution else Status(self.to_status).label

    @property
    def attribution_label(self):
        return Attribution(self.to_attribution).label


class ClaimMerge(models.Model):
    """A duplicate claim merged into the claim kept: who, when, why, and what moved (factcheck.merging).

    Append-only: the database refuses UPDATE and DELETE, and marks a claim merged only with its
    ClaimMerge (migration 0016). The versions place the merge in each claim's history.
    """

    merged = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="merge_record")
    into = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="merges_in")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    merged_version = models.PositiveIntegerField(help_text="The merged claim's status version when it was merged.")
    into_version = models.PositiveIntegerField(help_text="The kept claim's status version when the other was merged.")
    moved = models.JSONField(
        default=dict, help_text="How many appearances, evidence items, notes and links the kept claim gained."
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(merged=F("into")), name="claimmerge_not_into_itself"),
            models.CheckConstraint(condition=~Q(reason=""), name="claimmerge_reason_required"),
        ]

    def __str__(self):
        return f"Claim {self.merged_id} merged into claim {self.into_id}"

    def moved_summary(self):
        """“2 appearances, 1 evidence item, 1 note and 0 links” as people read it."""
        counts = [
            (self.moved.get("appearances", 0), "appearance", "appearances"),
            (self.moved.get("evidence", 0), "evidence item", "evidence items"),
            (self.moved.get("notes", 0), "note", "notes"),
            (self.moved.get("links", 0), "link", "links"),
        ]
        if "external_reviews" in self.moved:  # said only when some moved
            counts.append((self.moved["external_reviews"], "rating by another checker", "ratings by other checkers"))
        parts = [f"{count} {one if count == 1 else many}" for count, one, many in counts]
        if completed := self.moved.get("appearances_completed"):  # the same appearance (URL) filled in
            parts[0] += f" ({completed} completed)"
        return f"{', '.join(parts[:-1])} and {parts[-1]}"


class SignOff(models.Model):
    """An editor's sign-off of a draft story after its pre-publication check: who, when, the flags
    the check still showed, and a note. Append-only (UPDATE and DELETE refused, migration 0022);
    the story keeps its sign-offs once published."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="sign_offs")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    # The text signed off (Article.body_digest): publishing an edited text needs a new sign-off.
    body_digest = models.CharField(max_length=64)
    open_flags = models.JSONField(
        default=list, blank=True, help_text="The flags the check still showed when the story was signed off."
    )
    open_count = models.PositiveIntegerField(default=0, help_text="How many flags were still open.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [("sign_off_story", "Can sign off a draft story and publish it")]
        indexes = [models.Index(fields=["article", "-at", "-id"], name="signoff_article_idx")]
        constraints = [
            # Signing off over open flags says why.
            models.CheckConstraint(condition=Q(open_count=0) | ~Q(note=""), name="signoff_open_flags_need_note"),
        ]

    def __str__(self):
        return f"{self.article} signed off by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def flag_key(flag):
        """What makes a recorded flag the same flag in a later check: its kind, its sentence and the
        tracked claim it concerns (its message may word a date differently). The sentence's words as
        normalize_name compares them: a sign-off recorded before sentences kept their closing quote
        mark saw the same sentence."""
        return flag.get("code"), normalize_name(flag.get("sentence") or ""), flag.get("claim")

    def unseen(self, flags):
        """Those of `flags` (a check's, as recorded) this sign-off did not see."""
        seen = {self.flag_key(flag) for flag in self.open_flags}
        return [flag for flag in flags if self.flag_key(flag) not in seen]

    def stands_for(self, article, flags):
        """Whether this sign-off covers `article` as it stands, with the flags its check shows now (`flags`):
        the same text, and no flag it did not see. Publishing asks for one that does; another sign-off
        is asked for only when it does not."""
        return self.body_digest == article.body_digest and not self.unseen(flags)

    @property
    def signed_by(self):
        """ "Olena Koval 6 Dec 2026, 13:40": who signed it off, when (the newsroom's time)."""
        return f"{display_name(self.by)} {timezone.localtime(self.at):%-d %b %Y, %H:%M}"

    @staticmethod
    def needs_note(flags):
        """Whether a sign-off with these open flags must say why the story can go ahead (record refuses it without)."""
        return bool(flags)

    @classmethod
    def record(cls, article, *, by, flags, note=""):
        """Sign off `article` (a draft) with the flags its check shows now; note required when any are open.

        Refused when the latest sign-off stands for the story as it is (stands_for): signing off twice
        records nothing more, and a second click or a second editor must not bury the first one's note.
        """
        note = (note or "").strip()
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article.pk)
            if article.state != ArticleState.DRAFT:
                raise SignOffRefused("Only a draft is signed off: this story is already published.")
            latest = article.latest_sign_off()
            if latest is not None and latest.stands_for(article, flags):
                raise SignOffRefused(
                    f"Already signed off by {latest.signed_by}, of this text with every flag the check shows: "
                    "nothing to sign off again. Publish it, or edit its text and check it again.",
                    already_signed_off=True,
                )
            if cls.needs_note(flags) and not note:
                raise SignOffRefused(
                    f"{len(flags)} flag{'s are' if len(flags) != 1 else ' is'} still open: "
                    "say in the note why the story can go ahead.",
                    field="note",
                )
            return cls.objects.create(
                article=article,
                by=by,
                body_digest=article.body_digest,
                open_flags=list(flags),
                open_count=len(flags),
                note=note,
            )


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        """Tokens neither revoked nor expired: the only ones the API accepts, and the only ones to revoke."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the JSON API (POST /api/check/), acting as its user; only its SHA-256 is stored.

    The token itself is shown once, when created (`manage.py api_token create USERNAME`). It
    expires: LIFETIME after it was made unless its maker chose another date, at most
    MAX_LIFETIME away, so a token copied into a CMS and forgotten stops working by itself.
    """

    PREFIX = "fc_"
    LIFETIME = timedelta(days=90)
    MAX_LIFETIME = timedelta(days=365)

    class State(models.TextChoices):
        LIVE = "live", "Live"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it: “CMS plugin”.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The token's first characters, to tell it apart.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        editable=False, help_text="From then on the token is refused, as a revoked one is."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_made"),
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…, {self.user})"

    @staticmethod
    def digest(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def create_for(cls, user, name, *, lifetime=LIFETIME, expires_at=None):
        """(ApiToken, the token itself): the only time the token is seen. It expires `lifetime` from
        now, or at `expires_at`; the caller checks a chosen expiry against MAX_LIFETIME."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=cls.digest(raw),
            hint=raw[:10],
            created_at=now,
            expires_at=expires_at or now + lifetime,
        )
        return token, raw

    @classmethod
    def user_for(cls, raw):
        """The active user of a live token, or None (unknown, revoked, expired, or its user deactivated)."""
        if not raw or not raw.startswith(cls.PREFIX) or len(raw) > 200:
            return None
        token = cls.objects.live().select_related("user").filter(key_hash=cls.digest(raw), user__is_active=True).first()
        if token is None:
            return None
        # Written at most once a minute, not on every request.
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    @property
    def state(self):
        if self.revoked_at:
            return self.State.REVOKED
        return self.State.LIVE if self.expires_at > timezone.now() else self.State.EXPIRED

    def revoke(self):
        ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


class PublishedVerdictQuerySet(models.QuerySet):
    def live(self):
        """Publications neither withdrawn nor replaced by a newer verdict: what the public feed lists."""
        return self.filter(withdrawal__isnull=True, replaced_by__isnull=True)

    def for_public_page(self):
        """With everything a feed entry shows (a page adds the evidence cited), in a fixed number of queries."""
        return (
            self.with_judged_words()
            .select_related("event", "claim__speaker", "claim__article__outlet", "withdrawal", "replaced_by")
            .prefetch_related(
                Prefetch("claim__appearances", Appearance.objects.select_related("outlet").order_by("id"))
            )
        )

    def under_review(self):
        """The live publications whose claim moved on since they were published (under_review_since):
        a newer event, or its words read otherwise now. Those whose record changed at all are read,
        a few, and judged as their public pages judge them."""
        changed = Q(claim__version__gt=F("event__version"))
        for column in PublishedVerdict.WORDS:
            changed |= Q(**{f"judged_{column}__isnull": False})
        publications = self.live().with_judged_words().filter(changed).select_related("claim", "event")
        return [publication for publication in publications if publication.under_review_since]

    def with_judged_words(self):
        """Each with the claim's words as its verdict judged them, read in the same query.

        An edit made at status version v came after the event that made v: the first edit of a
        field at or after the verdict's version holds, in `before`, what the verdict read. As
        `judged_text` and `judged_quote` (None: not edited since) and `words_edited_at` (when the
        first edit of either came). Read by PublishedVerdict.words and under_review_since.
        """
        since = ClaimRevision.objects.filter(
            claim=OuterRef("claim"), claim_version__gte=OuterRef("event__version")
        ).order_by("claim_version", "at", "id")
        judged = {
            f"judged_{column}": Subquery(
                since.filter(before__has_key=column).values(value=KeyTextTransform(column, "before"))[:1]
            )
            for column in PublishedVerdict.WORDS
        }
        edited = since.filter(Q(before__has_key="text") | Q(before__has_key="quote")).values("at")[:1]
        return self.annotate(**judged, words_edited_at=Subquery(edited))


class PublishedVerdict(models.Model):
    """A verdict of this newsroom, published on purpose: which event, by whom, when, and what the public reads.

    Append-only (migration 0017): publishing, replacing and withdrawing each add a row, and the
    database refuses UPDATE and DELETE, and any publication of an event not decided here
    (an import's) or that is no verdict. A newer publication of the claim names the one it
    `replaces`; a withdrawal is a VerdictWithdrawal. The one that is neither is live.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="publications")
    event = models.ForeignKey(VerificationEvent, on_delete=models.PROTECT, related_name="publications")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    summary = models.TextField(
        blank=True, help_text="What the public page says of the verdict; empty: the verdict's reason as written."
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by", editable=False
    )

    objects = PublishedVerdictQuerySet.as_manager()

    WORDS = ("text", "quote")  # the claim's words a verdict judges: the public page shows them as judged

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [("publish_verdict", "Can publish and withdraw this newsroom's verdicts")]

    def __str__(self):
        return f"{Status(self.event.to_status).label}: {self.claim}"

    def get_absolute_url(self):
        return reverse("verdict_detail", args=[self.pk])

    @property
    def rating(self):
        return Status(self.event.to_status)

    @property
    def public_summary(self):
        return self.summary or self.event.reason

    @property
    def is_live(self):
        return not self.is_withdrawn and not self.is_replaced

    @property
    def is_withdrawn(self):
        return hasattr(self, "withdrawal")

    @property
    def is_replaced(self):
        return hasattr(self, "replaced_by")

    @classmethod
    def publish(cls, event, *, by, summary=""):
        """Publish `event`, the claim's latest verdict decided here, replacing the claim's live publication.

        Raises PublicationRefused: stale when a newer event or publication came meanwhile, or the claim
        was merged into another.
        """
        claim = event.claim
        with transaction.atomic():
            # One live publication a claim: the claim's row lock makes two publishers take turns.
            locked = Claim.objects.select_for_update().only("merged_into").get(pk=claim.pk)
            if locked.merged_into_id:
                # The feed leaves a merged claim out: its verdict is the kept claim's to publish.
                refusal = merged_refusal(locked, instead="publish that one's verdict")
                raise PublicationRefused(refusal.message, stale=True)
            latest = claim.events.order_by("-version").first()
            if latest.pk != event.pk:
                raise PublicationRefused(
                    "The claim's verdict changed since this page was loaded; reload it and decide again.", stale=True
                )
            if not event.decided_here:
                raise PublicationRefused("Only a verdict given here can be published; an import's never is.")
            if event.to_status not in PUBLISHABLE:
                raise PublicationRefused(f"“{Status(event.to_status).label}” is no verdict to publish.")
            if not claim.appearances.exists() and not (claim.article_id and claim.article.is_public):
                in_draft = claim.article_id and claim.article.is_draft
                draft = " (its story is a draft, which the public page does not name)" if in_draft else ""
                raise PublicationRefused(f"Record where the claim was made (an appearance) before publishing{draft}.")
            live = cls.objects.live().filter(claim=claim).first()
            if live is not None and live.event_id == event.pk:
                raise PublicationRefused("This verdict is already published.", stale=True)
            return cls.objects.create(claim=claim, event=event, by=by, summary=summary.strip(), replaces=live)

    def withdraw(self, *, by, reason):
        """Take this publication off the feed; its page then says it was withdrawn, when and why."""
        if not reason.strip():
            raise PublicationRefused("Say why the verdict is withdrawn: the public page shows it.")
        with transaction.atomic():
            Claim.objects.select_for_update().filter(pk=self.claim_id).exists()
            if not PublishedVerdict.objects.live().filter(pk=self.pk).exists():
                raise PublicationRefused(
                    "This verdict is no longer published: it was withdrawn or replaced.", stale=True
                )
            return VerdictWithdrawal.objects.create(publication=self, by=by, reason=reason.strip())

    @property
    def words(self):
        """{"text", "quote"}: the claim's words as the verdict judged them, whatever was edited since.

        Reads the annotations of PublishedVerdictQuerySet.with_judged_words(). A claim's text is
        read as every road in stores it (text.clean_claim): one stored before held a cell's line
        break, and putting it on one line since, recorded as a revision, was no edit of the words.
        """
        judged = {column: getattr(self, f"judged_{column}") for column in self.WORDS}
        if judged["text"] is not None:
            judged["text"] = clean_claim(judged["text"])
        return {
            column: getattr(self.claim, column) if judged[column] is None else judged[column] for column in self.WORDS
        }

    @property
    def words_changed(self):
        """Whether the claim's words read otherwise now than when the verdict judged them."""
        return any(self.words[column] != getattr(self.claim, column) for column in self.WORDS)

    @property
    def under_review_since(self):
        """When the claim's record moved on from the published verdict (a newer event, or its words edited), or None.

        Reads the annotations of PublishedVerdictQuerySet.with_judged_words().
        """
        moved = []
        if self.claim.version > self.event.version:
            moved.append(self.claim.status_changed_at)
        if self.words_changed:
            moved.append(self.words_edited_at)
        return min(moved, default=None)


class VerdictWithdrawal(models.Model):
    """A published verdict taken back, with the reason the public page gives. Append-only."""

    publication = models.OneToOneField(PublishedVerdict, on_delete=models.PROTECT, related_name="withdrawal")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(help_text="Shown on the public page.")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_reason_required")]

    def __str__(self):
        return f"Withdrawal of {self.publication_id}"


class CorrectionOutcome(models.TextChoices):
    OPEN = "", "Awaiting an editor"
    PUBLISHED = "published", "Correction published"
    NOT_NEEDED = "not_needed", "No correction needed"


class CorrectionRefused(Exception):
    """An outcome that cannot be recorded; `stale` when another editor recorded one meanwhile."""

    def __init__(self, message, *, stale=False):
        super().__init__(message)
        self.message, self.stale = message, stale


# How far "the same claim" is followed: same-claim links and merges, this many steps from the claim decided.
SAME_CLAIM_STEPS = 4
# Claim ids per IN (...) list.
ID_CHUNK = 1000


def _chunks(ids):
    ids = sorted(ids)
    return [ids[start : start + ID_CHUNK] for start in range(0, len(ids), ID_CHUNK)]


def same_claims(claim_ids):
    """{claim id: the claim ids it stands for}: each claim, and each linked to one of `claim_ids` as the
    same claim, or merged into one, up to SAME_CLAIM_STEPS steps away, mapped to those it reached from."""
    reached = {pk: {pk} for pk in claim_ids}
    frontier = set(claim_ids)
    for _ in range(SAME_CLAIM_STEPS):
        found = []
        for chunk in _chunks(frontier):
            links = ClaimLink.objects.filter(Q(from_claim__in=chunk) | Q(to_claim__in=chunk), kind=LinkKind.SAME_CLAIM)
            for first, second in links.values_list("from_claim", "to_claim"):
                found += [(first, second), (second, first)]
            found += Claim.objects.filter(merged_into__in=chunk).values_list("merged_into", "pk")
        frontier = set()
        for known, other in found:
            if known in reached and not reached[known] <= reached.get(other, set()):
                reached.setdefault(other, set()).update(reached[known])
                frontier.add(other)
        if not frontier:
            break
    return reached


def stories_carrying(claim_ids):
    """{claim id: ids of the published stories that carry it}: the story that reports the claim, or
    reports a claim standing for it (same_claims), or is one of their appearances (by its URL)."""
    family = same_claims(claim_ids)
    carried = {pk: set() for pk in claim_ids}
    stories_of = {}
    for chunk in _chunks(family):
        published = Article.objects.published()
        for pk, article in Claim.objects.filter(pk__in=chunk, article__in=published).values_list("pk", "article"):
            stories_of.setdefault(pk, set()).add(article)
        urls = {}
        for pk, url in Appearance.objects.filter(claim__in=chunk).exclude(url="").values_list("claim", "url"):
            urls.setdefault(url, set()).add(pk)
        for url_chunk in [sorted(urls)[start : start + ID_CHUNK] for start in range(0, len(urls), ID_CHUNK)]:
            for article, url in published.filter(url__in=url_chunk).values_list("pk", "url"):
                for pk in urls[url]:
                    stories_of.setdefault(pk, set()).add(article)
    for pk, origins in family.items():
        for origin in origins:
            carried[origin] |= stories_of.get(pk, set())
    return carried


class CorrectionCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=CorrectionOutcome.OPEN)

    def settled(self):
        return self.exclude(outcome=CorrectionOutcome.OPEN)

    def waiting_on(self, event):
        """The open cases a decision put its stories in, or added its turn to (open_for): the stories
        that now wait for an outcome because of it. Read among the open cases, which are few."""
        return self.open().filter(Q(event=event) | Q(later_turns__event=event)).distinct()

    def for_queue(self):
        return (
            self.select_related("article__outlet", "claim", "event__by", "decided_by")
            .defer("article__body")
            .with_later_turns()
        )

    def turned_claims(self):
        """The ids of the claims whose turns these cases list, each case's first and the later ones, in
        one query: asked of the claims as two subqueries joined by OR, PostgreSQL scanned every claim
        (0.5 to 1.4 s at a million claims), where a list of ids is read from the primary key."""
        later = CorrectionTurn.objects.filter(case__in=self).order_by().values_list("claim", flat=True)
        return list(self.order_by().values_list("claim", flat=True).union(later).order_by())

    def with_later_turns(self):
        """Each case with the turns decided while it was open (`later_turns`), in one more query."""
        turns = CorrectionTurn.objects.select_related("claim", "event__by").order_by("event")
        return self.prefetch_related(models.Prefetch("later_turns", queryset=turns))

    def open_for(self, events):
        """Put in the Corrections queue every published story carrying a claim these decisions turned
        (verification.calls_for_correction); return how many stories entered it.

        The one way in, for a decision (Claim._decide) and an import's decisions alike. One open
        case a story (the database's correctioncase_one_open_per_story): a turn of a story already
        waiting for an outcome, whichever claim turns, twice or concurrently, is added to its case
        as a CorrectionTurn instead.
        """
        turned = [
            event
            for event in events
            if calls_for_correction(event.axis, event.from_status, event.to_status, event.to_attribution)
        ]
        if not turned:
            return 0
        carried = stories_carrying({event.claim_id for event in turned})
        cases = [
            CorrectionCase(article_id=article, claim_id=event.claim_id, event_id=event.pk, opened_at=event.at)
            for event in sorted(turned, key=lambda event: event.pk)
            for article in sorted(carried[event.claim_id])
        ]
        # Locked, so that an outcome recorded meanwhile comes either before this turn (which then
        # opens a new case) or after it (and the case it settles lists this turn).
        open_cases = self.open().select_for_update().filter(article__in={case.article_id for case in cases})
        waiting = set(open_cases.order_by("pk").values_list("article", flat=True))
        fresh = []
        for case in cases:
            if case.article_id not in waiting:
                waiting.add(case.article_id)
                fresh.append(case)
        # ignore_conflicts: a case another transaction opened for the story since the look above wins,
        # and lists this turn as it lists the turns of the stories already waiting.
        self.bulk_create(fresh, ignore_conflicts=True)
        CorrectionTurn.objects.add_to_open(cases, open_cases)
        return len(fresh)


class CorrectionCase(models.Model):
    """A published story that carried a claim whose verdict turned, until an editor records the outcome.

    Opened by CorrectionCaseQuerySet.open_for, in the transaction of the decision; settled once
    by record_outcome: a correction published (its text, and its URL or where it ran: in print, on
    air) or none needed (the reason).
    History (migration 0022): the database refuses every DELETE and every UPDATE but the one
    that records the outcome of an open case; a settled case never changes again.
    """

    Outcome = CorrectionOutcome

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="correction_cases")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="correction_cases")
    event = models.ForeignKey(
        VerificationEvent, on_delete=models.PROTECT, related_name="+", db_index=False, help_text="The decision."
    )
    opened_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=CorrectionOutcome, blank=True, default=CorrectionOutcome.OPEN)
    correction_url = models.URLField("correction URL", max_length=1000, blank=True)
    correction_placement = models.CharField(
        "where it ran",
        max_length=200,
        blank=True,
        help_text="Where a correction with no URL ran: “in print, page 2”, “on air, 6 pm bulletin”.",
    )
    correction_text = models.TextField(blank=True, help_text="The correction as published.")
    reason = models.TextField(blank=True, help_text="Why no correction is needed.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectionCaseQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "id"]
        permissions = [("record_correction", "Can record whether a story needed a correction")]
        indexes = [
            # The queue: open cases, longest waiting first; then the settled ones, latest first.
            models.Index(fields=["opened_at", "id"], condition=Q(outcome=""), name="correctioncase_open_idx"),
            models.Index(fields=["-decided_at", "-id"], condition=~Q(outcome=""), name="correctioncase_settled_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=in_choices("outcome", CorrectionOutcome.choices), name="correction_valid"),
            models.UniqueConstraint(
                fields=["article"], condition=Q(outcome=""), name="correctioncase_one_open_per_story"
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome="",
                    correction_url="",
                    correction_placement="",
                    correction_text="",
                    reason="",
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                )
                | (
                    Q(outcome="published", reason="")
                    & ~Q(correction_text="")
                    & (~Q(correction_url="") | ~Q(correction_placement=""))
                    | Q(outcome="not_needed", correction_url="", correction_placement="", correction_text="")
                    & ~Q(reason="")
                )
                & Q(decided_by__isnull=False, decided_at__isnull=False),
                name="correction_outcome_complete",
            ),
        ]

    def __str__(self):
        return f"Correction case {self.pk}: story {self.article_id}, claim {self.claim_id}"

    @property
    def is_open(self):
        return self.outcome == CorrectionOutcome.OPEN

    def record_outcome(self, outcome, *, by, url="", placement="", text="", reason=""):
        """Settle the case: a correction published reading `text`, at `url` or where `placement` says (a
        print or on-air correction has no URL), or none needed for `reason`.

        Raises CorrectionRefused (stale if another editor settled it meanwhile); writes nothing then.
        """
        url, placement, text, reason = url.strip(), placement.strip(), text.strip(), reason.strip()
        if outcome == CorrectionOutcome.PUBLISHED:
            if not url and not placement:
                raise CorrectionRefused(
                    "Say where the correction ran: its URL, or where it ran without one (in print, on air)."
                )
            if not text:
                raise CorrectionRefused("Say what the correction said: give its text as published.")
            reason = ""
        elif outcome == CorrectionOutcome.NOT_NEEDED:
            if not reason:
                raise CorrectionRefused("Say why no correction is needed.")
            url = placement = text = ""
        else:
            raise CorrectionRefused("Choose: a correction was published, or none is needed.")
        now = timezone.now()
        values = {"correction_url": url, "correction_placement": placement, "correction_text": text, "reason": reason}
        settled = CorrectionCase.objects.open().filter(pk=self.pk)
        if not settled.update(outcome=outcome, decided_by=by, decided_at=now, **values):
            current = CorrectionCase.objects.select_related("decided_by").get(pk=self.pk)
            who = display_name(current.decided_by) if current.decided_by else "another editor"
            raise CorrectionRefused(
                f"{who} recorded this story's outcome at {timezone.localtime(current.decided_at):%Y-%m-%d %H:%M}: "
                f"“{current.get_outcome_display()}”. Nothing was changed.",
                stale=True,
            )
        self.outcome, self.decided_by, self.decided_at = outcome, by, now
        for name, value in values.items():
            setattr(self, name, value)


class CorrectionTurnQuerySet(models.QuerySet):
    def add_to_open(self, turns, open_cases):
        """Record on each story's open case (of `open_cases`) the turns of `turns` (unsaved
        CorrectionCases: story, claim, decision) other than the one that opened it."""
        opened = {article: (pk, event) for article, pk, event in open_cases.values_list("article", "pk", "event")}
        self.bulk_create(
            [
                CorrectionTurn(case_id=opened[turn.article_id][0], claim_id=turn.claim_id, event_id=turn.event_id)
                for turn in turns
                if turn.article_id in opened and opened[turn.article_id][1] != turn.event_id
            ],
            ignore_conflicts=True,
        )


class CorrectionTurn(models.Model):
    """A turn of a claim the story carries, decided while the story's case was open: the case lists
    it beside the turn that opened it, so that the correction can cover every claim that turned.

    Written by CorrectionCaseQuerySet.open_for, in the transaction of the decision. History
    (migration 0035): the database refuses every UPDATE and DELETE.
    """

    case = models.ForeignKey(CorrectionCase, on_delete=models.PROTECT, related_name="later_turns", db_index=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        VerificationEvent, on_delete=models.PROTECT, related_name="+", db_index=False, help_text="The decision."
    )

    objects = CorrectionTurnQuerySet.as_manager()

    class Meta:
        ordering = ["case", "event"]
        constraints = [models.UniqueConstraint(fields=["case", "event"], name="correctionturn_once_a_case")]

    def __str__(self):
        return f"Correction case {self.case_id}: claim {self.claim_id} turned (event {self.event_id})"


class RecheckDigest(models.Model):
    """A day's re-check digest sent to one person (send_recheck_digest): at most one a person a day."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    claims = models.JSONField(default=list, help_text="The ids of the claims the digest listed.")

    class Meta:
        ordering = ["-day", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="recheckdigest_once_a_day")]

    def __str__(self):
        return f"Re-check digest for {self.person_id} on {self.day}"


class RevisionQuerySet(models.QuerySet):
    def named(self):
        """Each revision with the names of the speakers and stories its ids point to.

        As `speaker_id_before_name`, `article_id_after_name` and so on: correlated subqueries, so
        that a page of revisions costs one query whatever it holds.
        """
        named = {}
        for column, model, label in NAMED_COLUMNS:
            if column not in self.model.FIELDS:
                continue
            for side in ("before", "after"):
                pk = Cast(KeyTextTransform(column, OuterRef(side)), models.BigIntegerField())
                named[f"{column}_{side}_name"] = Subquery(model.objects.filter(pk=pk).values(label)[:1])
        return self.annotate(**named)


# The ids a revision may hold that are shown by name: (column, model, the field that names it).
NAMED_COLUMNS = [("speaker_id", Speaker, "name"), ("article_id", Article, "headline"), ("outlet_id", Outlet, "name")]
NAMED = {column for column, *_ in NAMED_COLUMNS}


class Revision(models.Model):
    """One edit, recorded by a database trigger (migration 0009), whatever wrote it: who, when, what changed.

    `by` and `via` are what the app told the database about the writer (factcheck.revisions):
    the signed-in user and the request, or the import; "unknown" for the shell or raw SQL.
    `before` and `after` hold only the fields that changed, by column name. Append-only: the
    database refuses UPDATE and DELETE.
    """

    FIELDS = {}  # column -> label, in the order shown

    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    via = models.CharField(max_length=200, help_text="Where the edit came from: the request, the import, or “unknown”.")
    before = models.JSONField(help_text="The fields that changed, as they were.")
    after = models.JSONField(help_text="The same fields, as they became.")

    objects = RevisionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def where(self):
        """Where the edit was made, as people read it: "in the admin", "on the site", the import
        ("import #4 (claims.csv)"), or "not through the app (the shell or SQL)". `via` keeps the
        request ("POST /admin/factcheck/claim/19/change/") for whoever needs it."""
        if self.via == "unknown":
            return "not through the app (the shell or SQL)"
        method, _, path = self.via.partition(" ")
        if not method.isupper() or not path.startswith("/"):
            return self.via
        return "in the admin" if path.startswith(reverse("admin:index")) else "on the site"

    def changes(self):
        """[(label, before, after)] as people read them: ids named, choices labelled."""
        return [
            (label, self.shown(column, self.before[column]), self.shown(column, self.after[column]))
            for column, label in self.FIELDS.items()
            if column in self.before
        ]

    def names(self):
        """{(column, id): name} for the ids this revision holds, from named()."""
        found = {}
        for column in NAMED:
            for side in ("before", "after"):
                name = getattr(self, f"{column}_{side}_name", None)
                if name is not None:
                    found[column, getattr(self, side)[column]] = name
        return found

    def shown(self, column, value):
        return shown_value(column, value, self.names())


def stored_value(column, value):
    """A revised field's value in one form, whether it came from JSON (a float for a figure) or a model."""
    if column == "quantity_value" and value is not None:
        return Decimal(str(value)).normalize()
    return value


def shown_value(column, value, names):
    """A revised field's value as a person reads it; "" for none."""
    if value is None or value == "":
        return ""
    if column in NAMED:
        return names.get((column, value), f"#{value}")
    if column == "kind":
        return ClaimKind(value).label
    if column == "quantity_qualifier":
        return Qualifier(value).label
    if column == "quantity_value":
        return f"{stored_value(column, value):,f}"
    return str(value)


class ClaimRevision(Revision):
    FIELDS = {
        "text": "claim",
        "quote": "quote",
        "speaker_id": "speaker",
        "article_id": "story",
        "kind": "kind",
        "quantity_value": "figure",
        "quantity_unit": "unit",
        "quantity_qualifier": "qualifier",
        "span_exact": "span",
        "span_prefix": "text before the span",
        "span_suffix": "text after the span",
    }

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="revisions")
    claim_version = models.PositiveIntegerField(
        help_text="The claim's status version when it was edited: verdicts up to this one saw it as it was before."
    )

    def __str__(self):
        return f"Edit of claim {self.claim_id}: {', '.join(self.FIELDS[column] for column in self.before)}"


class ArticleRevision(Revision):
    FIELDS = {"headline": "headline", "body": "text"}

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")

    def __str__(self):
        return f"Edit of story {self.article_id}: {', '.join(self.FIELDS[column] for column in self.before)}"

    def body_diff(self):
        """[(sign, line)] for the lines of the text that changed ("-" removed, "+" added), or [] if it did not."""
        if "body" not in self.before:
            return []
        before, after = (self.before["body"] or "").splitlines(), (self.after["body"] or "").splitlines()
        return [(line[0], line[2:]) for line in difflib.ndiff(before, after) if line[0] in "-+"]


class AppearanceRevision(Revision):
    """An appearance of a claim changed or removed, recorded by a database trigger (migration 0037).

    Appearances are where a claim's attribution ("did they say it?") is read from, so each UPDATE
    that changes one, and each DELETE, leaves a record under its claim: `before` holds the fields
    that changed (every field when it was removed), `after` the same fields as they became ({}
    when removed). Inserts are not recorded, so an import that adds appearances pays nothing.
    Append-only, like the other revisions.
    """

    FIELDS = {
        "venue_type": "venue",
        "outlet_id": "outlet",
        "url": "URL",
        "date": "date",
        "when": "when",
        "relayed_from_id": "relays appearance",
        "venue_text": "venue as given",
        "claim_id": "claim",
    }

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="appearance_revisions")
    appearance_id = models.BigIntegerField(help_text="The appearance changed or removed (it may no longer exist).")
    removed = models.BooleanField(help_text="Whether the appearance was deleted, rather than changed.")
    claim_version = models.PositiveIntegerField(
        help_text="The claim's status version when its appearance changed, which places the change among the verdicts."
    )

    def __str__(self):
        return f"{'Removal' if self.removed else 'Edit'} of appearance {self.appearance_id} of claim {self.claim_id}"

    def summary(self):
        """The appearance as it was, as people read it: "Social-media post on Telegram (URL, date)"."""
        before = self.before
        venue = Venue(before["venue_type"]).label if before.get("venue_type") in Venue.values else ""
        outlet = self.shown("outlet_id", before.get("outlet_id"))
        where = " on ".join(part for part in (venue or before.get("venue_text") or "", outlet) if part)
        details = ", ".join(str(before[column]) for column in ("url", "date", "when") if before.get(column))
        return f"{where} ({details})" if details else where

    def shown(self, column, value):
        if column == "venue_type" and value in Venue.values:
            return Venue(value).label
        if column in ("relayed_from_id", "claim_id") and value is not None:
            return f"#{value}"
        return super().shown(column, value)


class TaskJob(models.Model):
    """What an import and an export share: who asked and when, and the life of the task working on it."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last sign of life of the task working on it, by the database's clock; "
        "empty until a worker takes the job.",
    )
    message = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ImportJob(TaskJob):
    Format = ImportFormat

    Mode = ImportMode

    State = ImportState

    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=20, choices=Format)
    mode = models.CharField(max_length=20, choices=Mode, default=Mode.ATOMIC)
    state = models.CharField(max_length=20, choices=State, default=State.CHECKING)
    file_size = models.PositiveBigIntegerField(default=0, help_text="The uploaded file's size, in bytes.")
    bytes_read = models.PositiveBigIntegerField(default=0, help_text="How much of the file the check has read.")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    new_speakers = models.PositiveIntegerField(default=0)
    new_outlets = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors, with line and column.")
    staged_path = models.CharField(max_length=500, blank=True, help_text="Validated rows waiting for confirmation.")
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="Preview details: the first new speaker and outlet names, ignored columns, staged rows.",
    )
    encoding = models.CharField(max_length=20, choices=ImportEncoding, default=ImportEncoding.AUTO, blank=True)
    date_order = models.CharField(max_length=20, choices=DateOrder, default=DateOrder.ISO, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("format", ImportFormat.choices),
                name="importjob_format_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("mode", ImportMode.choices),
                name="importjob_mode_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("state", ImportState.choices),
                name="importjob_state_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("encoding", ImportEncoding.choices), name="importjob_encoding_valid"
            ),
            models.CheckConstraint(
                condition=in_choices("date_order", DateOrder.choices), name="importjob_date_order_valid"
            ),
        ]

    def __str__(self):
        return f"Import of {self.filename} ({self.get_state_display()})"


class ExportJob(TaskJob):
    """An export too big for a request, written to a file by the task worker (factcheck.tasks.run_export).

    The claims are those selected when it was queued: their ids are kept in a file in the job's
    folder (factcheck.tasks.export_directory), out of reach of any public URL, beside the export.
    """

    Format = ExportFormat

    State = ExportState

    format = models.CharField(max_length=20, choices=Format)
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED)
    claim_count = models.PositiveIntegerField(help_text="How many claims were selected.")
    ordering = models.JSONField(default=list, blank=True, help_text="The claim list's order when selected.")
    written = models.PositiveIntegerField(default=0, help_text="Claims written (verdicts, for ClaimReview).")
    left_out = models.PositiveIntegerField(
        default=0, help_text="Selected claims a ClaimReview export leaves out: no verdict of ours is published."
    )
    filename = models.CharField(max_length=100)
    file_size = models.PositiveBigIntegerField(default=0, help_text="The written file's size, in bytes.")
    file_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker's sweep removed the file, FACTCHECK_EXPORT_KEEP_DAYS after."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=in_choices("format", ExportFormat.choices), name="exportjob_format_valid"),
            models.CheckConstraint(condition=in_choices("state", ExportState.choices), name="exportjob_state_valid"),
        ]

    def __str__(self):
        return f"Export of {self.claim_count:,} claims as {self.get_format_display()} ({self.get_state_display()})"

    @property
    def removal_message(self):
        """What the job's page and its download say once the sweep removed the file; "" before."""
        if not self.file_removed_at:
            return ""
        kept = (self.file_removed_at - self.finished_at).days
        return (
            f"The file was removed on {timezone.localtime(self.file_removed_at):%Y-%m-%d}, "
            f"{kept} day{pluralize(kept)} after it was written: export the claims again."
        )


class ExportSelection(models.Model):
    """One claim of an export job's selection, while its task writes the file (then deleted): the
    export reads the claims whose id is among the job's, one query however many were selected.

    The claim is an id, not a foreign key: a claim deleted meanwhile is simply not exported, and
    deleting a claim need not look here.
    """

    # exportselection_once_a_job indexes the job first: no index of its own.
    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="+", db_index=False)
    claim_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "claim_id"], name="exportselection_once_a_job")]

    def __str__(self):
        return f"Claim {self.claim_id} of export #{self.job_id}"


def header_key(cells):
    """The key a CSV header row is remembered under: its cells normalised (case, accents, spacing ignored)."""
    return hashlib.sha256("\x1f".join(normalize_name(cell) for cell in cells).encode()).hexdigest()


class ColumnMappingQuerySet(models.QuerySet):
    def for_header(self, cells):
        """The fields remembered for a CSV header (one a column, "" to ignore it), or None."""
        fields = self.filter(header_key=header_key(cells)).values_list("fields", flat=True).first()
        return fields if fields is not None and len(fields) == len(cells) else None

    def remember(self, cells, fields, *, by):
        """Remember what each column of this header holds, for the next file with the same header."""
        mapping, _ = self.update_or_create(
            header_key=header_key(cells),
            defaults={"header": list(cells), "fields": list(fields), "updated_by": by, "updated_at": timezone.now()},
        )
        return mapping

    def forget(self, cells):
        """Forget what was remembered for this header: the next file with it is read by its names."""
        self.filter(header_key=header_key(cells)).delete()


class ColumnMapping(models.Model):
    """What the columns of a CSV header mean, as an admin said when importing a file with it.

    Keyed by the header row normalised (case, accents, spacing ignored): the next file with the
    same header is read the same way, in the admin and on the command line.
    """

    header_key = models.CharField(max_length=64, unique=True, editable=False)
    header = models.JSONField(help_text="The header's cells, as the file had them.")
    fields = models.JSONField(help_text="The field each column is read as, in order; empty: ignored.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return " · ".join(self.header)[:200]


# What the story desk's pages ask of whoever uses them: Reviewers and Editors have both.
STORY_DESK = ("factcheck.add_storydraft", "factcheck.change_storydraft")


class StoryDraftQuerySet(models.QuerySet):
    def in_review(self):
        """Drafts not saved yet, newest first: a review left half-done, to be found again
        (storydraft_in_review_idx). With what a list of them shows and no more: not a story's text
        nor its proposals."""
        shown = ["headline", "created_at", "as_draft", "new_outlet", "created_by", "outlet__name"]
        shown += ["created_by__username", "created_by__first_name", "created_by__last_name"]
        drafts = self.filter(article__isnull=True).select_related("outlet", "created_by")
        return drafts.only(*shown).order_by("-id")


class StoryDraft(models.Model):
    """A story pasted into the story desk, and the claims proposed for it, until it is saved.

    `proposals` holds what the extraction engine proposed, as the desk has since edited it (one
    JSON object per proposal: its spans in `body`, and its fields as the review form shows them),
    so a review survives reloads and works without JavaScript. Saving writes the Article and its
    claims (factcheck.storydesk) and sets `article`: a second save finds it and writes nothing.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    headline = models.CharField(max_length=500)
    # The story's outlet: a tracked one, or the name of one that saving will create.
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_outlet = models.CharField(max_length=200, blank=True)
    new_outlet_kind = models.CharField(max_length=20, choices=OutletKind, default=OutletKind.NEWS)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    # Saved as a draft for publication (checked, signed off, then published) or as a published story.
    as_draft = models.BooleanField("save as a draft", default=False)
    body = models.TextField()
    body_digest = models.CharField(max_length=64, editable=False)
    proposals = models.JSONField(default=list, blank=True)
    # Counts the review form's posts that changed the draft: a form drawn at another revision is
    # stale (someone else posted meanwhile) and refused rather than overwriting their changes.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Set by saving; a second draft of a story saved meanwhile points at the same article.
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="drafts", editable=False
    )

    objects = StoryDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The stories in review, newest first: few among every story ever pasted.
            models.Index(fields=["-id"], condition=Q(article__isnull=True), name="storydraft_in_review_idx"),
            # A story pasted twice goes back to its draft while that is still in review.
            models.Index(fields=["body_digest"], condition=Q(article__isnull=True), name="storydraft_digest_idx"),
            models.Index(fields=["url"], condition=Q(article__isnull=True) & ~Q(url=""), name="storydraft_url_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outlet__isnull=False) | ~Q(new_outlet=""), name="storydraft_has_outlet"),
            models.CheckConstraint(
                condition=in_choices("new_outlet_kind", OutletKind.choices), name="storydraft_outlet_kind_valid"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body_digest = text_digest(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("story_review", args=[self.pk])

    @property
    def outlet_name(self):
        return self.outlet.name if self.outlet_id else self.new_outlet


SPAN_CONTEXT = 32


def span_context(body, start, end, size=SPAN_CONTEXT):
    """The prefix and suffix that let a span be found again after the text around it changes."""
    return body[max(0, start - size) : start], body[end : end + size]


def locate_span(body, exact, prefix="", suffix=""):
    """(start, end) of `exact` in `body`, using prefix and suffix to pick among repeats; None if gone."""
    if not exact:
        return None
    starts = []
    position = body.find(exact)
    while position != -1:
        starts.append(position)
        position = body.find(exact, position + 1)
    if not starts:
        return None

    def fit(start):
        before, after = span_context(body, start, start + len(exact), max(len(prefix), len(suffix)))
        return (bool(prefix) and before.endswith(prefix)) + (bool(suffix) and after.startswith(suffix))

    best = max(starts, key=fit)
    return best, best + len(exact)


class Tally(models.Model):
    """How many claims share these values: kept by database triggers (factcheck.tallies), never by the app.

    Every insert, update and delete of a claim, an appearance or a story moves the counts in the
    same statement, whatever road it takes (views, admin, import, shell, SQL). A count that
    falls to zero keeps its row.
    """

    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    attribution = models.CharField(max_length=20, choices=ATTRIBUTION_CHOICES)
    claims = models.IntegerField(default=0)

    class Meta:
        abstract = True


class SpeakerTally(Tally):
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(help_text="The first day of the month (UTC) in which the claims were recorded.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "status", "attribution", "month"], name="speakertally_unique")
        ]

    def __str__(self):
        return f"{self.speaker_id}: {self.claims} {self.status}, {self.attribution} in {self.month:%Y-%m}"


class OutletTally(Tally):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+", db_index=False)
    role = models.CharField(max_length=20, choices=OutletRole)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "role", "status", "attribution"], name="outlettally_unique")
        ]

    def __str__(self):
        return f"{self.outlet_id}: {self.claims} {self.status}, {self.attribution}, {self.role}"


class OutletClaimTally(Tally):
    """An outlet's claims by status and attribution, each claim once whatever parts the outlet played
    in it (OutletTally counts the parts, by role): what the outlets index draws, and what
    OutletTotal.claims sums. Kept by triggers on ClaimOutlet (factcheck.tallies)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "status", "attribution"], name="outletclaimtally_unique")
        ]

    def __str__(self):
        return f"{self.outlet_id}: {self.claims} {self.status}, {self.attribution}"


class StoryTally(Tally):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "status", "attribution"], name="storytally_unique")]

    def __str__(self):
        return f"{self.article_id}: {self.claims} {self.status}, {self.attribution}"


class Total(models.Model):
    """A speaker's, outlet's or story's number of claims and latest claim, for the index pages to sort by.

    Kept by the same triggers as the tallies; every speaker, outlet and story has one.
    An outlet's count is of its claims, each once, whatever parts it played in them (OutletClaimTally).
    """

    claims = models.IntegerField(default=0)
    latest_claim_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class SpeakerTotal(Total):
    speaker = models.OneToOneField(Speaker, on_delete=models.CASCADE, primary_key=True, related_name="total")

    class Meta:
        indexes = [
            models.Index(fields=["-claims", "-speaker"], name="speakertotal_claims_idx"),
            models.Index(fields=["-latest_claim_at", "-speaker"], name="speakertotal_latest_idx"),
        ]

    def __str__(self):
        return f"{self.speaker_id}: {self.claims} claims"


class OutletTotal(Total):
    outlet = models.OneToOneField(Outlet, on_delete=models.CASCADE, primary_key=True, related_name="total")

    class Meta:
        indexes = [
            models.Index(fields=["-claims", "-outlet"], name="outlettotal_claims_idx"),
            models.Index(fields=["-latest_claim_at", "-outlet"], name="outlettotal_latest_idx"),
        ]

    def __str__(self):
        return f"{self.outlet_id}: {self.claims} claims"


class StoryTotal(Total):
    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="total")

    class Meta:
        indexes = [
            models.Index(fields=["-claims", "-article"], name="storytotal_claims_idx"),
            models.Index(fields=["-latest_claim_at", "-article"], name="storytotal_latest_idx"),
        ]

    def __str__(self):
        return f"{self.article_id}: {self.claims} claims"


# Assignments, mentions and notifications (docs/workflow.md). Editors assign (factcheck.assign_work);
# anyone who may read claims can be assigned, mentioned and notified.


class AssignmentAction(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    UNASSIGNED = "unassigned", "Unassigned"


def subject_of(target):
    """{"claim": target} or {"article": target}: what an assignment or notification is about."""
    if isinstance(target, Claim):
        return {"claim": target}
    if isinstance(target, Article):
        return {"article": target}
    raise TypeError(f"Only claims and stories are assigned, not {type(target).__name__}")


def with_claims_locked(targets):
    """`targets` (claims and stories), their claims locked first, in id order, within the transaction.

    An assignment's trigger locks its claim to keep its facets (migration 0032) until the commit:
    two people assigning the same claims in different orders (the admin's changelist sorts them
    as each chose) would otherwise each hold one the other waits for.
    """
    targets = list(targets)
    claims = sorted(target.pk for target in targets if isinstance(target, Claim))
    list(Claim.objects.filter(pk__in=claims).order_by("pk").select_for_update(no_key=True).values_list("pk"))
    return targets


def one_subject():
    """A check that a row is about exactly one claim or one story."""
    return Q(claim__isnull=False, article__isnull=True) | Q(claim__isnull=True, article__isnull=False)


class AssignmentQuerySet(models.QuerySet):
    def assign(self, targets, person, *, by):
        """Assign `person` to each claim or story of `targets` not already theirs; each assignment
        is recorded and notifies them. Returns the assignments made. Refuses a person who may not
        read claims, and a claim merged into another, which is read-only (NotAssignable)."""
        if not assignable_people().filter(pk=person.pk).exists():
            raise NotAssignable(f"{person.get_username()} cannot be assigned: they may not read claims.")
        made = []
        with transaction.atomic():
            targets = with_claims_locked(targets)
            claims = [target.pk for target in targets if isinstance(target, Claim)]
            merged = Claim.objects.filter(pk__in=claims, merged_into__isnull=False).order_by("pk").first()
            if merged is not None:
                raise NotAssignable(merged_refusal(merged, instead="assign that one instead", naming=True).message)
            for target in targets:
                subject = subject_of(target)
                assignment, created = self.get_or_create(**subject, assignee=person, defaults={"assigned_by": by})
                if created:
                    AssignmentRecord.objects.create(
                        **subject, assignee=person, action=AssignmentAction.ASSIGNED, by=by, at=assignment.assigned_at
                    )
                    made.append(assignment)
            Notification.objects.notify(
                [person], Notification.Kind.ASSIGNED, [assignment.subject for assignment in made], actor=by
            )
        return made

    def unassign(self, targets, person, *, by):
        """Take `person` off each claim or story of `targets`; each removal is recorded. Returns how many."""
        removed = 0
        with transaction.atomic():
            for target in with_claims_locked(targets):
                subject = subject_of(target)
                if self.filter(**subject, assignee=person).delete()[0]:
                    AssignmentRecord.objects.create(
                        **subject, assignee=person, action=AssignmentAction.UNASSIGNED, by=by
                    )
                    removed += 1
        return removed


class NotAssignable(ValueError):
    pass


def assignable_people():
    """The active people who may read claims: those who can be assigned and mentioned."""
    return get_user_model().objects.with_perm("factcheck.view_claim", backend="factcheck.backends.OneQueryModelBackend")


class Assignment(models.Model):
    """A claim or a story given to a person to work on, now. Each change is an AssignmentRecord."""

    # No index of their own: the unique constraints lead with claim_id and article_id, and
    # assignment_assignee_idx with assignee_id.
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments", db_index=False
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name="story",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at", "-id"]
        permissions = [("assign_work", "Can assign claims and stories to people")]
        constraints = [
            models.CheckConstraint(condition=one_subject(), name="assignment_one_subject"),
            # Their claim_id and article_id lead: the claim and story pages, and "unassigned".
            models.UniqueConstraint(
                fields=["claim", "assignee"], condition=Q(claim__isnull=False), name="assignment_claim_unique"
            ),
            models.UniqueConstraint(
                fields=["article", "assignee"], condition=Q(article__isnull=False), name="assignment_article_unique"
            ),
        ]
        indexes = [
            # My work, and the queue's "assigned to me": a person's newest assignments.
            models.Index(fields=["assignee", "-assigned_at", "-id"], name="assignment_assignee_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.assignee}"

    @property
    def subject(self):
        return self.claim if self.claim_id else self.article


class AssignmentRecord(models.Model):
    """Who assigned or unassigned whom to what, and when. Append-only (migration 0022's triggers)."""

    # Indexed by the partial indexes below, which leave out the rows about the other kind.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="story", db_index=False
    )
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=AssignmentAction)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=one_subject(), name="assignmentrecord_one_subject"),
            models.CheckConstraint(
                condition=in_choices("action", AssignmentAction.choices), name="assignmentrecord_action_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "-at"], condition=Q(claim__isnull=False), name="assignmentrecord_claim_idx"),
            models.Index(
                fields=["article", "-at"], condition=Q(article__isnull=False), name="assignmentrecord_article_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.assignee} ({self.claim or self.article})"


class EmailChoice(models.TextChoices):
    EACH = "each", "An email for each notification"
    DAILY = "daily", "One email a day"
    NONE = "none", "No email"


class NotificationSettings(models.Model):
    """A person's choice of notification emails; without a row, EmailChoice.EACH."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    email = models.CharField("email", max_length=10, choices=EmailChoice, default=EmailChoice.EACH)

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=in_choices("email", EmailChoice.choices), name="notificationsettings_valid"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_email_display()}"


class NotificationKind(models.TextChoices):
    # Other workflows add their kinds here (and a line in NOTIFICATION_SENTENCES of notifying.py).
    ASSIGNED = "assigned", "Assigned to you"
    MENTIONED = "mentioned", "Mentioned you"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def notify(self, people, kind, subjects, *, actor=None, note=None):
        """One notification per person and claim or story (never for the person who acted), with
        their email sent now or kept for the digest, as each chose (factcheck.notifying)."""
        from factcheck import notifying

        made = [
            Notification(recipient=person, kind=kind, actor=actor, note=note, **subject_of(subject))
            for person in {person.pk: person for person in people}.values()
            if actor is None or person.pk != actor.pk
            for subject in subjects
        ]
        if not made:
            return []
        choices = dict(
            NotificationSettings.objects.filter(user__in=[item.recipient for item in made]).values_list("user", "email")
        )
        for item in made:
            item.email_due = choices.get(item.recipient_id, EmailChoice.EACH) != EmailChoice.NONE
        made = self.bulk_create(made)
        transaction.on_commit(lambda: notifying.email_now([item.pk for item in made]))
        return made


# The header shows at most this many unread ("99+" past it).
UNREAD_SHOWN = 99


class Notification(models.Model):
    Kind = NotificationKind

    # notification_recipient_idx leads with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=30, choices=Kind)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="story"
    )
    note = models.ForeignKey(Note, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # Still to be emailed: each one at once (or by the next send_notification_emails when that failed), or in
    # the daily digest.
    email_due = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=True) | Q(article__isnull=True), name="notification_one_subject"
            ),
            models.CheckConstraint(
                condition=in_choices("kind", NotificationKind.choices), name="notification_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"),
            # The header's unread count, read with the signed-in user (backends.py): only unread rows.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["recipient"], condition=Q(email_due=True), name="notification_email_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.recipient}"

    @property
    def subject(self):
        return self.claim if self.claim_id else self.article
