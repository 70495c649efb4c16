"""Claims out of the database: spreadsheet-safe CSV and ClaimReview JSON-LD, streamed.

The CSV has the columns the importer reads, so an export imports back as the same claims,
speakers, appearances and statuses. The ClaimReview feed follows Google's structured data
for fact checks; what it cannot carry is listed in docs/importing.md ("Export").

    write_csv(claims, file)              claims is any Claim queryset
    write_claimreview(claims, file)      a schema.org DataFeed of ClaimReviews
    claimreview_document(claims)         the same, as a dict (for small sets)
    left_out_of_claimreview(claims)      how many of `claims` a ClaimReview export leaves out

A ClaimReview export publishes this newsroom's reviews only: a claim whose status an import gave
(another checker's rating, a spreadsheet's column) is left out, as the public feed leaves it out.
    export_response(claims, "csv")       a StreamingHttpResponse to download, e.g. from an admin action
"""

import csv
import json
import re

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone

from factcheck.models import Appearance, Axis, Evidence, PublishedVerdict, SpeakerKind, Venue, VerificationEvent
from factcheck.templatetags.links import is_web_url
from factcheck.text import unambiguous
from factcheck.verification import Attribution, Status, cites

FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")

ATTRIBUTION_PROPERTY = "factcheck:attribution"
CSV_COLUMNS = [
    *("id", "claim", "quote", "kind", "quantity_value", "quantity_unit", "quantity_qualifier"),
    *("speaker", "speaker_kind", "speaker_title", "speaker_affiliation"),
    *("venue", "outlet", "relayed_by", "appearance_url", "appearance_date", "appearance_when"),
    *("article_url", "article_headline", "article_outlet", "article_date"),
    *(
        "status",
        "attribution",
        "status_reason",
        "evidence_url",
        "evidence_citation",
        "evidence_summary",
        "evidence_stance",
    ),
    # Added after the others, last: scripts that read the columns by place still find them.
    "venue_text",
    "status_source",  # "ours" or "imported": an imported rating is never passed off as our verdict
]
ADDED_COLUMNS = {"attribution", "venue_text", "status_source"}  # added since the first exports, which lack them


def is_export_header(names, delimiter):
    """Whether a CSV file's header (its column names) and delimiter are those our CSV export writes,
    or wrote before ADDED_COLUMNS: its figures then write a point as a decimal point (1.125 was written
    so before exports wrote 1.1250)."""
    ours = [name for name in CSV_COLUMNS if name in names]
    return delimiter == "," and names == ours and set(CSV_COLUMNS) - set(ours) <= ADDED_COLUMNS


RELAY_SEPARATOR = " > "

# reviewRating for each status, on a 1 (worst) .. 5 (best) scale. "Unable to independently
# confirm" is no judgement of truth, so it carries no ratingValue, only its alternateName.
RATINGS = {
    Status.VERIFIED: 5,
    Status.DISPUTED: 3,
    Status.FALSE: 1,
    Status.UNCONFIRMED: None,
}
EXPORT_CHUNK = 2000


def spreadsheet_safe(value):
    """`value` as a cell a spreadsheet shows as text instead of running it as a formula.

    A cell starting with = + - @, a tab or a carriage return gets a leading apostrophe. Plain
    numbers such as "-5" are left alone, so a negative quantity stays a number. A cell that
    already starts with an apostrophe before one of those characters (or before another
    apostrophe) gets one more, so `spreadsheet_value` always undoes exactly what this adds.
    """
    first = value[:1]
    if (first in FORMULA_STARTS and not _PLAIN_NUMBER.match(value)) or (
        first == "'" and (value[1:2] in FORMULA_STARTS or value[1:2] == "'")
    ):
        return "'" + value
    return value


def spreadsheet_value(cell):
    """The value `spreadsheet_safe` was given: one protective apostrophe removed."""
    if cell[:1] == "'" and (cell[1:2] in FORMULA_STARTS or cell[1:2] == "'"):
        return cell[1:]
    return cell


def for_export(claims):
    """`claims` with everything an export reads, in a fixed number of queries per chunk."""
    # The reason of the status as it stands: an attribution change since has its own, which is no verdict's.
    latest = VerificationEvent.objects.filter(claim=OuterRef("pk"), axis=Axis.STATUS).order_by("-version")
    return (
        claims.select_related("speaker", "article__outlet")
        .annotate(
            latest_reason=Subquery(latest.values("reason")[:1]),
            status_decided_here=Subquery(latest.values("decided_here")[:1]),
        )
        .prefetch_related(
            Prefetch("appearances", queryset=Appearance.objects.select_related("outlet").order_by("id")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("-added_at", "-id")),
        )
    )


def _claims(claims):
    return for_export(claims).iterator(chunk_size=EXPORT_CHUNK)


def _evidence_for_csv(claim):
    """The one evidence item a CSV row carries: the latest the status rests on, else the latest."""
    items = list(claim.evidence.all())
    return next((item for item in items if cites(claim.status, item.stance)), items[0] if items else None)


def _quantity(value):
    return "" if value is None else unambiguous(format(value.normalize(), "f"))


def csv_row(claim, site=None):
    """One claim as the values of CSV_COLUMNS (not yet made spreadsheet-safe).

    Its `id` is the key it was imported under, else its page's URL, which the importer knows
    as this claim: an export imported back into the same database changes nothing.
    """
    speaker, article = claim.speaker, claim.article
    found = claim.attribution_chains()
    links = found[0] if found else []
    origin = links[0] if links else None
    evidence = _evidence_for_csv(claim)
    return [
        claim.import_key or f"{site or site_url()}{claim.get_absolute_url()}",
        claim.text,
        claim.quote,
        claim.kind,
        _quantity(claim.quantity_value),
        claim.quantity_unit,
        claim.quantity_qualifier,
        speaker.name,
        speaker.kind,
        speaker.title,
        speaker.affiliation,
        origin.venue_type if origin else "",
        origin.outlet.name if origin and origin.outlet else "",
        RELAY_SEPARATOR.join(link.outlet.name for link in links[1:] if link.outlet),
        origin.url if origin else "",
        origin.date.isoformat() if origin and origin.date else "",
        origin.when if origin else "",
        article.url if article else "",
        article.headline if article else "",
        article.outlet.name if article else "",
        article.published.isoformat() if article and article.published else "",
        claim.status,
        claim.attribution,
        claim.latest_reason or "",
        evidence.url if evidence else "",
        evidence.citation if evidence else "",
        evidence.summary if evidence else "",
        evidence.stance if evidence else "",
        (origin.venue_text or "") if origin else "",
        "ours" if claim.status_decided_here else "imported",
    ]


class _Line:
    """A file-like object whose write() hands back what it was given, to stream csv.writer output."""

    def write(self, value):
        return value


def csv_lines(claims, *, bom=True):
    """The CSV export of `claims`, line by line. The UTF-8 BOM makes Excel read it as UTF-8."""
    writer = csv.writer(_Line())
    header = writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + header if bom else header
    site = site_url()
    for claim in _claims(claims):
        yield writer.writerow([spreadsheet_safe(str(cell)) for cell in csv_row(claim, site)])


def write_csv(claims, file, *, bom=True):
    """Write the CSV export of `claims` to a text file opened with newline=""."""
    for line in csv_lines(claims, bom=bom):
        file.write(line)


def site_url():
    return getattr(settings, "FACTCHECK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _author(site):
    return {
        "@type": "Organization",
        "name": getattr(settings, "FACTCHECK_CLAIMREVIEW_AUTHOR", "factcheck"),
        "url": site,
    }


def _creative_work(link, source=None):
    work = {"@type": "SocialMediaPosting" if link.venue_type == Venue.SOCIAL_MEDIA_POST else "CreativeWork"}
    if link.venue_type != Venue.NOT_STATED:  # a genre for what the source never said would state it
        work["genre"] = link.get_venue_type_display()
    if link.venue_text:  # the source's own words, beside our type: the importer reads them back
        work["name"] = link.venue_text
    if link.url:
        work["url"] = link.url
    if link.date:
        work["datePublished"] = link.date.isoformat()
    if link.outlet:
        work["publisher"] = {"@type": "Organization", "name": link.outlet.name}
    if source:
        work["isBasedOn"] = source
    return work


def _chain_work(links):
    work = None
    for link in links:
        work = _creative_work(link, work)
    return work


def claimreview(claim, site, *, url, status=None, attribution=None, reviewed_at=None):
    """One claim as a ClaimReview at `url`, the page where the public reads it: Google's required
    properties and the recommended ones.

    By default the claim's current status and attribution and the time of its last change; a
    published verdict (published_claimreview) gives its own.
    """
    status = status or claim.status
    attribution = Attribution(attribution or claim.attribution)
    speaker = claim.speaker
    author = {"@type": "Person" if speaker.kind == SpeakerKind.PERSON else "Organization", "name": speaker.name}
    if speaker.title and speaker.kind == SpeakerKind.PERSON:
        author["jobTitle"] = speaker.title
    if speaker.affiliation and speaker.kind == SpeakerKind.PERSON:
        author["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
    item = {"@type": "Claim", "author": author}
    if claim.quote:
        item["text"] = claim.quote
    found = claim.attribution_chains()
    if found:
        origin = found[0][0]
        if origin.date:
            item["datePublished"] = origin.date.isoformat()
        item["firstAppearance"] = _creative_work(origin)
        item["appearance"] = [_chain_work(links) for links in found]
    # Whether the speaker really said it: ClaimReview rates only the content, so our convention
    # is a PropertyValue on the Claim (docs/importing.md), which consumers that do not know it skip.
    item["additionalProperty"] = [
        {
            "@type": "PropertyValue",
            "propertyID": ATTRIBUTION_PROPERTY,
            "name": attribution.label,
            "value": attribution.value,
        }
    ]
    rating = {"@type": "Rating", "alternateName": Status(status).label}
    if RATINGS[status] is not None:
        rating.update(ratingValue=RATINGS[status], bestRating=5, worstRating=1)
    reviewed = reviewed_at or claim.status_changed_at or claim.created_at
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": timezone.localdate(reviewed).isoformat(),
        "author": _author(site),
        "reviewRating": rating,
        "itemReviewed": item,
    }


def published_claimreview(publication, site):
    """A published verdict as a ClaimReview: the verdict as published, its public page as `url`.

    A claim with no recorded appearance appears where its story was published (publishing asks
    for one or the other); a story still in draft is named nowhere; a URL that is no web address
    is left out.
    """
    claim, event = publication.claim, publication.event
    url = f"{site}{publication.get_absolute_url()}"
    # Both axes as the verdict published them: a decision on either since is the desk's until published.
    states = {"status": event.to_status, "attribution": event.to_attribution}
    review = claimreview(claim, site, **states, url=url, reviewed_at=publication.at)
    review["reviewBody"] = publication.public_summary
    item, article = review["itemReviewed"], claim.article
    # The words the verdict judged, not the claim's as edited since.
    words = publication.words
    review["claimReviewed"] = words["text"]
    if words["quote"]:
        item["text"] = words["quote"]
    else:
        item.pop("text", None)
    if "appearance" not in item and article is not None and article.is_public:
        story = {
            "@type": "CreativeWork",
            "url": article.url,
            "publisher": {"@type": "Organization", "name": article.outlet.name},
        }
        if article.published:
            story["datePublished"] = article.published.isoformat()
        item["appearance"] = [story]
    return web_urls_only(review)


def web_urls_only(value):
    """JSON-LD `value` without the "url"s that are not http or https addresses. The public reads
    these, and a stored URL may be anything the shell or SQL wrote (factcheck/templatetags/links.py)."""
    if isinstance(value, dict):
        return {key: web_urls_only(item) for key, item in value.items() if key != "url" or is_web_url(item)}
    if isinstance(value, list):
        return [web_urls_only(item) for item in value]
    return value


def published_feed_item(publication, site):
    return {
        "@type": "DataFeedItem",
        "dateModified": publication.at.isoformat(),
        "item": published_claimreview(publication, site),
    }


def feed_document(items):
    return {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items}


def published_verdicts(claims):
    """The live publications of those of `claims` the public feed lists (not merged), oldest claim first."""
    live = PublishedVerdict.objects.live().filter(claim__in=claims.filter(merged_into__isnull=True))
    return live.order_by("claim_id").for_public_page()


def left_out_of_claimreview(claims):
    """How many of `claims` a ClaimReview export leaves out: those without a verdict published."""
    return claims.count() - published_verdicts(claims).count()


def claimreview_document(claims, *, site=None):
    """A schema.org DataFeed of the published verdicts of `claims` (published_verdicts), as a dict (for small sets)."""
    site = site or site_url()
    return feed_document([published_feed_item(publication, site) for publication in published_verdicts(claims)])


def claimreview_chunks(claims, *, site=None):
    """The DataFeed of `claims` as JSON text, a piece at a time: their verdicts as published, each at its
    public page (/verdicts/<id>/), as the public feed has them.

    A ClaimReview tells the world where to read our verdict: a verdict nobody published has no page the
    public can open (the claim's page is the desk's, behind the login), and is no review of ours yet.
    Another checker's verdict, imported, is theirs to publish (and published, at their URL), and the
    database refuses to publish it as ours. Under our name and at our address it would be a review
    we never made, and under theirs a copy in our feed that says nothing of their later changes and
    that Google's guidelines refuse (a site marks up its own fact checks only). Their ratings stay on
    the claim's page and in the CSV export, marked `imported` in `status_source`.
    """
    site = site or site_url()
    opening = json.dumps(feed_document([]), ensure_ascii=False)
    yield opening[:-2] + "\n"
    separator = ""
    for publication in published_verdicts(claims).iterator(chunk_size=EXPORT_CHUNK):
        yield separator + json.dumps(published_feed_item(publication, site), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def write_claimreview(claims, file, *, site=None):
    for chunk in claimreview_chunks(claims, site=site):
        file.write(chunk)


EXPORTERS = {
    "csv": (csv_lines, "text/csv; charset=utf-8", "csv"),
    "claimreview": (claimreview_chunks, "application/ld+json; charset=utf-8", "jsonld"),
}


def download_name(format):
    """The name an export in `format` is downloaded under: claims-2024-11-02.csv."""
    return f"claims-{timezone.localdate():%Y-%m-%d}.{EXPORTERS[format][2]}"


def export_response(claims, format="csv", *, filename=None):
    """A download of `claims` in `format` ("csv" or "claimreview"), streamed as it is written."""
    lines, content_type, _ = EXPORTERS[format]
    filename = filename or download_name(format)
    response = StreamingHttpResponse((line.encode() for line in lines(claims)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
