"""Imports that keep what the source said (issue 12, items 1-3): another fact-checker's rating as
theirs, the venue in the file's words, and speakers of the right kind.

Item 1: an imported ClaimReview's rating is an ExternalReview (publisher, label, value and scale,
URL, date), shown on the claim and speaker pages, never in our feed; the claim's own status is
mapped through the rating table, which the preview shows with counts and lets the admin change.
Item 2: a venue that is none of our types is kept as given and classified by the story desk's
classifier; what it cannot place is listed in the preview with counts.
Item 3: a ClaimReview author's kind comes from its type and name; a re-import fills a tracked
speaker's blank title and affiliation, never what an editor set.
"""

import json
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from factcheck import importing
from factcheck.models import Appearance, Claim, ExternalReview, ImportMode, ImportState, Speaker, Venue
from factcheck.tests.factories import make_claim, make_evidence, make_speaker
from factcheck.tests.test_admin_import import html, job_url, uploaded_job
from factcheck.tests.test_import import csv_text, row, run_import, write_file
from factcheck.text import display_name

pytestmark = pytest.mark.django_db

FEED_URL = "/feeds/claimreview.json"


def review(n, publisher, label, *, author="Barack Obama", author_type="Person", rating=None, appearance=None, **more):
    """A ClaimReview by `publisher` rating claim `n` `label`, said by `author`."""
    claim = {"@type": "Claim", "author": {"@type": author_type, "name": author, **more}}
    if appearance is not None:
        claim["appearance"] = appearance
    domain = publisher.lower().replace(" ", "")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://www.{domain}.example/checks/{n}/",
        "claimReviewed": f"Statement number {n} about the economy.",
        "datePublished": f"2012-03-0{n % 9 + 1}",
        "author": {"@type": "Organization", "name": publisher},
        "reviewRating": {"@type": "Rating", "alternateName": label, **(rating or {})},
        "itemReviewed": claim,
    }


def feed(*reviews):
    return json.dumps({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": list(reviews)})


SIX_POINTS = {
    "1": "True",
    "2": "Mostly True",
    "3": "Half True",
    "4": "Mostly False",
    "5": "False",
    "6": "Pants on Fire",
}


def several_publishers():
    """PolitiFact's six-point scale, with its values, and two other checkers' own words."""
    politifact = [
        review(int(n), "PolitiFact", label, rating={"ratingValue": 7 - int(n), "bestRating": 6, "worstRating": 1})
        for n, label in SIX_POINTS.items()
    ]
    return [
        *politifact,
        review(7, "PolitiFact", "Half True", rating={"ratingValue": 4, "bestRating": 6, "worstRating": 1}),
        review(8, "The Washington Post", "Four Pinocchios", rating={"ratingValue": 1, "bestRating": 5}),
        review(9, "FactCheck.org", "Misleading", author="Paul Ryan"),
    ]


def signed_in(client, user):
    client.force_login(user)
    return client


def imported(job):
    assert job.state == ImportState.SUCCEEDED, job.errors
    return job


# Item 1: other fact-checkers' verdicts, kept as theirs


def test_each_publishers_rating_is_kept_as_theirs_with_its_scale_url_and_date(admin_user, tmp_path):
    imported(run_import(tmp_path, feed(*several_publishers()), admin_user, name="feed.json"))
    assert ExternalReview.objects.count() == 9
    half_true = ExternalReview.objects.get(claim__text="Statement number 3 about the economy.")
    assert (half_true.publisher, half_true.label) == ("PolitiFact", "Half True")
    assert (half_true.rating_value, half_true.best_rating, half_true.worst_rating) == (4, 6, 1)
    assert (half_true.url, str(half_true.published)) == ("https://www.politifact.example/checks/3/", "2012-03-04")
    assert str(half_true) == "PolitiFact: Half True"
    pinocchios = ExternalReview.objects.get(publisher="The Washington Post")
    assert (pinocchios.label, pinocchios.scale) == ("Four Pinocchios", "1 on 1 .. 5")
    by_label = dict(ExternalReview.objects.values_list("label", "claim__status"))
    # The claim's own status still comes from the documented table (the label, else the value on its scale).
    assert by_label == {
        "True": "verified",
        "Mostly True": "disputed",
        "Half True": "disputed",
        "Mostly False": "disputed",
        "False": "false",
        "Pants on Fire": "false",
        "Four Pinocchios": "false",
        "Misleading": "disputed",
    }


def test_reimporting_the_feed_adds_no_second_external_review(admin_user, tmp_path):
    content = feed(*several_publishers())
    imported(run_import(tmp_path, content, admin_user, name="feed.json"))
    again = imported(run_import(tmp_path, content, admin_user, name="feed.json"))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 9)
    assert ExternalReview.objects.count() == 9


def test_a_second_publishers_review_of_a_known_claim_is_added_beside_the_first(admin_user, tmp_path):
    first = review(1, "PolitiFact", "Half True")
    imported(run_import(tmp_path, feed(first), admin_user, name="feed.json"))
    # The same page URL keys the same claim; another checker's rating of it is theirs too.
    second = first | {"author": {"@type": "Organization", "name": "Snopes"}}
    second["reviewRating"] = {"@type": "Rating", "alternateName": "Mixture"}
    job = imported(run_import(tmp_path, feed(second), admin_user, name="feed.json"))
    assert job.updated_count == 1
    claim = Claim.objects.get()
    assert sorted(claim.external_reviews.values_list("publisher", "label")) == [
        ("PolitiFact", "Half True"),
        ("Snopes", "Mixture"),
    ]


def test_the_claim_page_shows_the_other_checkers_rating(client, reviewer, admin_user, tmp_path):
    imported(run_import(tmp_path, feed(*several_publishers()), admin_user, name="feed.json"))
    claim = Claim.objects.get(text="Statement number 3 about the economy.")
    client.force_login(reviewer)
    page = html(client.get(claim.get_absolute_url()))
    assert "Rated by other fact-checkers" in page
    assert "PolitiFact: Half True" in page
    assert "(4 on 1 .. 6)" in page
    assert 'href="https://www.politifact.example/checks/3/"' in page
    plain = make_claim("Nobody else rated this.")
    assert "Rated by other fact-checkers" not in html(client.get(plain.get_absolute_url()))


def test_the_status_an_import_gave_says_it_came_from_the_file(client, reviewer, editor, admin_user, tmp_path):
    """The panel said "Since 7 Dec 2026, by admin", as if the admin had decided another checker's rating."""
    job = imported(run_import(tmp_path, feed(*several_publishers()), admin_user, name="feed.json"))
    claim = Claim.objects.get(text="Statement number 3 about the economy.")
    client.force_login(reviewer)
    status = html(client.get(claim.get_absolute_url())).split('id="status-heading"')[1].split("</section>")[0]
    importer = display_name(admin_user)
    assert f"imported by {importer} from feed.json (import #{job.pk})" in " ".join(status.split())
    assert f", by {importer}</p>" not in status
    # Decided here, it is the editor's again.
    make_evidence(claim, "supports")
    claim.refresh_from_db()
    claim.set_status("verified", by=editor, reason="Checked the figures.")
    status = html(client.get(claim.get_absolute_url())).split('id="status-heading"')[1].split("</section>")[0]
    assert f", by {display_name(editor)}</p>" in status and "imported by" not in status


def test_other_checkers_ratings_cost_the_claim_page_no_query(client, reviewer, admin_user, tmp_path):
    imported(run_import(tmp_path, feed(review(1, "PolitiFact", "Half True")), admin_user, name="feed.json"))
    rated = Claim.objects.get()
    plain = make_claim("Nobody else rated this.", speaker=rated.speaker)
    client.force_login(reviewer)
    page_queries(client, plain)  # the session and the permissions read once
    plain_page, rated_page = page_queries(client, plain), page_queries(client, rated)
    # They come with the claim's own query.
    assert len(rated_page) == len(plain_page) <= 8
    assert sum("factcheck_externalreview" in query["sql"] for query in rated_page) == 1


def test_the_speaker_page_counts_other_checkers_ratings_by_publisher_and_label(client, reviewer, admin_user, tmp_path):
    imported(run_import(tmp_path, feed(*several_publishers()), admin_user, name="feed.json"))
    obama = Speaker.objects.get(name="Barack Obama")
    client.force_login(reviewer)
    page = html(client.get(obama.get_absolute_url()))
    assert 'id="external-ratings"' in page
    assert '<th scope="row">PolitiFact</th><td>Half True</td><td class="number">2</td>' in page
    assert '<th scope="row">The Washington Post</th><td>Four Pinocchios</td><td class="number">1</td>' in page
    assert "Misleading" not in page  # Paul Ryan's
    # One query for the table, whatever the number of publishers and labels. The claims' rows are
    # drawn anew each time (the import adds claims, whose rows are not drawn yet: one query more).
    caches["fragments"].clear()
    before = len(page_queries(client, obama))
    more = [review(n, f"Checker {n}", f"Label {n}") for n in range(20, 32)]
    settings_ratings = {f"Label {n}": "false" for n in range(20, 32)}
    with override_settings(FACTCHECK_CLAIMREVIEW_RATINGS=settings_ratings):
        imported(run_import(tmp_path, feed(*more), admin_user, name="more.json"))
    assert ExternalReview.objects.filter(claim__speaker=obama).count() == 20
    caches["fragments"].clear()
    assert len(page_queries(client, obama)) == before


def page_queries(client, page_of):
    with CaptureQueriesContext(connection) as page:
        assert client.get(page_of.get_absolute_url()).status_code == 200
    return page.captured_queries


def test_external_reviews_never_reach_our_public_feed(client, admin_user, tmp_path):
    imported(run_import(tmp_path, feed(*several_publishers()), admin_user, name="feed.json"))
    response = client.get(FEED_URL)
    assert response.status_code == 200
    assert response.json()["dataFeedElement"] == []
    assert "PolitiFact" not in response.content.decode()


# The preview: the mapping with counts, changed before confirming


def test_the_preview_counts_each_rating_label_with_the_status_it_gives(admin_user, tmp_path):
    path = write_file(tmp_path, feed(*several_publishers()), "feed.json")
    job = importing.validate(path, filename="feed.json", user=admin_user)
    ratings = {
        entry["label"]: (entry["count"], entry["status"], entry["publishers"]) for entry in job.summary["ratings"]
    }
    assert ratings["Half True"] == (2, "disputed", ["PolitiFact"])
    assert ratings["Mostly True"] == (1, "disputed", ["PolitiFact"])
    assert ratings["Four Pinocchios"] == (1, "false", ["The Washington Post"])
    assert job.summary["ratings"][0]["label"] == "Half True"  # the commonest first
    assert next(e for e in job.summary["ratings"] if e["label"] == "Four Pinocchios")["by_value"]


@pytest.mark.usefixtures("tasks_run_inline")
def test_the_admin_changes_the_mapping_in_the_preview_and_the_import_follows_it(client, admin_user):
    importer_client = signed_in(client, admin_user)
    job = uploaded_job(importer_client, feed(*several_publishers()), "feed.json")
    page = html(importer_client.get(job_url("import", job)))
    assert 'id="import-ratings"' in page
    assert "<td>Half True</td><td>PolitiFact</td><td>2</td>" in page
    form = importer_client.get(job_url("import", job)).context["rating_form"]
    fields = {form.fields[name].label: name for name, _, _ in form.labels}
    response = importer_client.post(
        job_url("ratings", job),
        dict.fromkeys(fields.values(), "")
        | {fields["Mostly True"]: "verified", fields["Half True"]: "disputed", fields["True"]: "verified"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.summary["rating_overrides"] == {"mostly true": "verified"}
    page = html(importer_client.get(job_url("import", job)))
    assert (
        "<td>Mostly True</td><td>PolitiFact</td><td>1</td>\n            <td>Verified <strong>(your choice)</strong>"
        in page
    )
    importer_client.post(job_url("confirm", job))
    job.refresh_from_db()
    assert job.state == ImportState.SUCCEEDED, job.errors
    mostly_true = Claim.objects.get(external_reviews__label="Mostly True")
    assert mostly_true.status == "verified"
    assert mostly_true.evidence.get().stance == "supports"  # the review, now bearing on the verdict it gives
    assert Claim.objects.get(external_reviews__label="Half True", text__contains="number 3").status == "disputed"


@pytest.mark.usefixtures("tasks_run_inline")
def test_the_mapping_cannot_change_once_the_import_is_confirmed(client, admin_user):
    importer_client = signed_in(client, admin_user)
    job = uploaded_job(importer_client, feed(review(1, "PolitiFact", "Half True")), "feed.json")
    importer_client.post(job_url("confirm", job))
    response = importer_client.post(job_url("ratings", job), {"label_0": "false"}, follow=True)
    assert "is not waiting for confirmation" in html(response)
    assert Claim.objects.get().status == "disputed"


# Item 2: venues kept and understood

VENUES = [
    ("a tweet", Venue.SOCIAL_MEDIA_POST, "X"),
    ("a press release", Venue.OFFICIAL_DOCUMENT, None),
    ("an interview on CNN", Venue.INTERVIEW, "CNN"),
    ("a TV ad", Venue.ADVERTISEMENT, None),
    ("a campaign mailer", Venue.ADVERTISEMENT, None),
    ("the State of the Union address", Venue.PUBLIC_REMARKS, None),
    ("a news conference", Venue.PRESS_CONFERENCE, None),
    ("Interview", Venue.INTERVIEW, None),  # one of ours, by its label: nothing to keep
    ("social_media_post", Venue.SOCIAL_MEDIA_POST, None),
]


def test_a_csv_venue_in_words_is_kept_and_classified_as_the_story_desk_does(admin_user, tmp_path):
    rows = [row(f"Claim {n}.", "Barack Obama", venue=text) for n, (text, _, _) in enumerate(VENUES)]
    imported(run_import(tmp_path, csv_text(*rows), admin_user))
    for n, (text, venue, outlet) in enumerate(VENUES):
        appearance = Appearance.objects.select_related("outlet").get(claim__text=f"Claim {n}.")
        kept = None if text in ("Interview", "social_media_post") else text
        assert (appearance.venue_type, appearance.outlet and appearance.outlet.name, appearance.venue_text) == (
            venue,
            outlet,
            kept,
        ), text


def test_a_venue_text_column_keeps_its_words_beside_the_venue_type_or_alone(admin_user, tmp_path):
    rows = [
        row("Typed.", venue="press_conference", venue_text="a briefing at the ministry"),
        row("Words alone.", venue_text="a tweet"),
        row("Words twice.", venue="a TV ad", venue_text="a 30-second spot on Channel 5"),
        row("Too long.", venue="interview", venue_text="x" * 301),
        row("Invisible words.", venue_text="\u200b\u200d"),
    ]
    job = run_import(tmp_path, csv_text(*rows), admin_user, mode=ImportMode.SKIP_INVALID)
    assert [(error["line"], error["field"]) for error in job.errors] == [(5, "venue_text"), (6, "venue")]
    found = {
        appearance.claim.text: (
            appearance.venue_type,
            appearance.outlet and appearance.outlet.name,
            appearance.venue_text,
        )
        for appearance in Appearance.objects.select_related("claim", "outlet")
    }
    assert found == {
        "Typed.": (Venue.PRESS_CONFERENCE, None, "a briefing at the ministry"),
        "Words alone.": (Venue.SOCIAL_MEDIA_POST, "X", "a tweet"),
        "Words twice.": (Venue.ADVERTISEMENT, None, "a 30-second spot on Channel 5"),
    }


def test_an_outlet_the_file_names_wins_over_the_one_in_the_venue_words(admin_user, tmp_path):
    imported(run_import(tmp_path, csv_text(row(venue="an interview on CNN", outlet="CNN International")), admin_user))
    assert Appearance.objects.get().outlet.name == "CNN International"


def test_venue_words_the_classifier_cannot_place_are_public_remarks_and_listed_in_the_preview(admin_user, tmp_path):
    rows = [
        row("One.", venue="telepathy"),
        row("Two.", venue="telepathy"),
        row("Three.", venue="a smoke signal"),
        row("Four.", venue="a tweet"),
    ]
    job = importing.validate(write_file(tmp_path, csv_text(*rows)), filename="claims.csv", user=admin_user)
    assert [list(pair) for pair in job.summary["unclassified_venues"]] == [["telepathy", 2], ["a smoke signal", 1]]
    assert (job.summary["venue_texts"], job.summary["classified_venue_texts"]) == (4, 1)
    imported(importing.apply(job))
    said = Appearance.objects.get(claim__text="One.")
    assert (said.venue_type, said.venue_text) == (Venue.PUBLIC_REMARKS, "telepathy")


def test_venue_words_beside_a_venue_type_are_not_listed_as_recorded_as_public_remarks(admin_user, tmp_path):
    """An export writes its venue words beside the venue type: the preview listed words the
    classifier cannot place as "recorded as public remarks", where the type given was kept."""
    rows = [
        row("Typed.", venue="press_conference", venue_text="telepathy"),
        row("Alone.", venue_text="telepathy"),
    ]
    job = importing.validate(write_file(tmp_path, csv_text(*rows)), filename="claims.csv", user=admin_user)
    assert [list(pair) for pair in job.summary["unclassified_venues"]] == [["telepathy", 1]]
    assert (job.summary["venue_texts"], job.summary["classified_venue_texts"]) == (2, 1)
    imported(importing.apply(job))
    assert Appearance.objects.get(claim__text="Typed.").venue_type == Venue.PRESS_CONFERENCE


@pytest.mark.usefixtures("tasks_run_inline")
def test_the_preview_page_lists_the_unclassified_venue_texts(client, admin_user):
    importer_client = signed_in(client, admin_user)
    job = uploaded_job(importer_client, csv_text(row("One.", venue="telepathy"), row("Two.", venue="a TV ad")))
    page = html(importer_client.get(job_url("import", job)))
    assert "2 appearances give their venue in words, kept as given; 1 was classified" in page
    assert "<tr><td>telepathy</td><td>1</td></tr>" in page


def test_a_claimreview_appearance_in_words_is_classified(admin_user, tmp_path):
    reviews = [
        review(1, "PolitiFact", "False", appearance=[{"@type": "CreativeWork", "name": "a tweet"}]),
        review(2, "PolitiFact", "False", appearance="a press release"),
        review(3, "PolitiFact", "False", appearance=[{"@type": "CreativeWork", "genre": "an interview on CNN"}]),
        review(4, "PolitiFact", "False", appearance=[{"@type": "CreativeWork", "description": "a TV ad"}]),
        review(5, "PolitiFact", "False", appearance=[{"@type": "CreativeWork", "genre": "press_conference"}]),
    ]
    imported(run_import(tmp_path, feed(*reviews), admin_user, name="feed.json"))
    found = {
        claim_text[len("Statement number ") :][0]: (venue, outlet, text)
        for claim_text, venue, outlet, text in Appearance.objects.values_list(
            "claim__text", "venue_type", "outlet__name", "venue_text"
        )
    }
    assert found == {
        "1": (Venue.SOCIAL_MEDIA_POST, "X", "a tweet"),
        "2": (Venue.OFFICIAL_DOCUMENT, None, "a press release"),
        "3": (Venue.INTERVIEW, "CNN", "an interview on CNN"),
        "4": (Venue.ADVERTISEMENT, None, "a TV ad"),
        "5": (Venue.PRESS_CONFERENCE, None, None),
    }


def test_the_claim_page_shows_the_venue_as_given_where_it_says_more_than_its_type(
    client, reviewer, admin_user, tmp_path
):
    rows = [row("Tweeted.", venue="a tweet"), row("Remarks.", venue="Public remarks")]
    imported(run_import(tmp_path, csv_text(*rows), admin_user))
    client.force_login(reviewer)
    page = html(client.get(Claim.objects.get(text="Tweeted.").get_absolute_url()))
    assert "<strong>Social-media post</strong> <span" in page and "(“a tweet”)" in page
    page = html(client.get(Claim.objects.get(text="Remarks.").get_absolute_url()))
    assert 'class="venue-text' not in page


def test_reimporting_venue_words_adds_no_second_appearance(admin_user, tmp_path):
    content = csv_text(row(id="k1", venue="an interview on CNN"))
    imported(run_import(tmp_path, content, admin_user))
    again = imported(run_import(tmp_path, content, admin_user))
    assert again.unchanged_count == 1 and Appearance.objects.count() == 1


# Item 3: speakers of the right kind, completed without overwriting an editor


@pytest.mark.parametrize(
    ("author", "author_type", "kind"),
    [
        ("Barack Obama", "Person", "person"),
        ("Americans for Prosperity", "Organization", "institution"),
        ("National Republican Congressional Committee", "Organization", "institution"),
        ("Viral image", "Person", "unnamed_group"),
        ("Facebook posts", "Person", "unnamed_group"),
        ("Chain email", "Person", "unnamed_group"),
        ("Bloggers", "Person", "unnamed_group"),
        ("Tweets", "Organization", "unnamed_group"),
    ],
)
def test_a_claimreview_authors_kind_comes_from_its_type_and_its_name(author, author_type, kind, admin_user, tmp_path):
    document = feed(review(1, "PolitiFact", "False", author=author, author_type=author_type))
    imported(run_import(tmp_path, document, admin_user, name="feed.json"))
    assert Speaker.objects.get(name=author).kind == kind


def test_a_csv_speaker_without_a_kind_gets_the_kind_its_name_implies(admin_user, tmp_path):
    rows = [row("One.", "Facebook posts"), row("Two.", "AFL-CIO"), row("Three.", "Viral image", speaker_kind="person")]
    imported(run_import(tmp_path, csv_text(*rows), admin_user))
    kinds = dict(Speaker.objects.values_list("name", "kind"))
    assert kinds == {"Facebook posts": "unnamed_group", "AFL-CIO": "institution", "Viral image": "person"}


def test_a_reimport_fills_a_tracked_speakers_blank_title_and_affiliation_only(admin_user, tmp_path):
    blank = make_speaker("Barack Obama", title="", affiliation="")
    edited = make_speaker("Paul Ryan", title="Speaker of the House", affiliation="")
    details = {"jobTitle": "President", "affiliation": {"@type": "Organization", "name": "Democratic Party"}}
    reviews = [
        review(1, "PolitiFact", "False", **details),
        review(
            2,
            "PolitiFact",
            "False",
            author="Paul Ryan",
            jobTitle="Congressman",
            affiliation={"@type": "Organization", "name": "Republican Party"},
        ),
    ]
    path = write_file(tmp_path, feed(*reviews), "feed.json")
    preview = importing.validate(path, filename="feed.json", user=admin_user)
    assert preview.summary["completed_speaker_names"] == ["Barack Obama", "Paul Ryan"]
    blank.refresh_from_db()
    assert blank.title == ""  # a preview writes nothing
    imported(importing.apply(preview))
    blank.refresh_from_db()
    edited.refresh_from_db()
    assert (blank.title, blank.affiliation) == ("President", "Democratic Party")
    # What an editor set stays; only the blank affiliation is filled.
    assert (edited.title, edited.affiliation) == ("Speaker of the House", "Republican Party")
    assert edited.kind == "person"


def test_a_reimport_never_overwrites_an_editors_title(admin_user, tmp_path):
    content = feed(review(1, "PolitiFact", "False", jobTitle="Senator"))
    imported(run_import(tmp_path, content, admin_user, name="feed.json"))
    obama = Speaker.objects.get(name="Barack Obama")
    assert obama.title == "Senator"
    obama.title = "44th President of the United States"
    obama.save()
    imported(
        run_import(
            tmp_path, feed(review(1, "PolitiFact", "False", jobTitle="President-elect")), admin_user, name="feed.json"
        )
    )
    obama.refresh_from_db()
    assert obama.title == "44th President of the United States"


def test_rating_numbers_that_do_not_fit_are_left_out_not_refused(admin_user, tmp_path):
    big = review(1, "Scale Checks", "", rating={"ratingValue": "5e9", "bestRating": "1e10", "worstRating": 0})
    imported(run_import(tmp_path, feed(big), admin_user, name="feed.json"))
    kept = ExternalReview.objects.get()
    assert (kept.label, kept.rating_value, kept.best_rating, kept.worst_rating) == ("", None, None, Decimal(0))
    assert kept.claim.status == "disputed"  # its value, in the middle of its scale


def test_a_merge_moves_other_checkers_ratings_to_the_kept_claim_but_never_twice(editor, admin_user, tmp_path):
    from factcheck import merging

    politifact = review(1, "PolitiFact", "Half True")
    snopes = review(2, "Snopes", "Mixture") | {"claimReviewed": "Statement number 1 about the economy, again."}
    twice = snopes | {"url": politifact["url"], "author": {"@type": "Organization", "name": "PolitiFact"}}
    imported(run_import(tmp_path, feed(politifact, snopes), admin_user, name="feed.json"))
    kept = Claim.objects.get(text=politifact["claimReviewed"])
    duplicate = Claim.objects.get(text=snopes["claimReviewed"])
    ExternalReview.objects.create(claim=duplicate, publisher="PolitiFact", label="Half True", url=twice["url"])
    record = merging.merge(
        duplicate, kept, by=editor, reason="Same claim.", merged_version=duplicate.version, into_version=kept.version
    )
    assert record.moved["external_reviews"] == 1
    assert sorted(kept.external_reviews.values_list("publisher", "label")) == [
        ("PolitiFact", "Half True"),
        ("Snopes", "Mixture"),
    ]
    assert list(duplicate.external_reviews.values_list("publisher", flat=True)) == ["PolitiFact"]


def test_the_command_reports_the_rating_labels_and_the_venue_texts_not_classified(admin_user, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    reviews = [
        *several_publishers(),
        review(10, "PolitiFact", "False", appearance=[{"@type": "CreativeWork", "name": "a smoke signal"}]),
    ]
    out = StringIO()
    call_command("import_claims", str(write_file(tmp_path, feed(*reviews), "feed.json")), "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "  Half True (PolitiFact): 2 → Disputed\n" in printed
    assert "  Four Pinocchios (The Washington Post): 1 → False (by its value)\n" in printed
    assert "Venues in words: 1 kept, 0 classified." in printed
    assert "Not classified (recorded as public remarks): “a smoke signal” (1)" in printed


@pytest.mark.parametrize(
    ("changes", "publisher"),
    [
        ({"author": {"@type": "Person", "name": "Jon Greenberg"}, "publisher": {"name": "PolitiFact"}}, "PolitiFact"),
        ({"author": {"@type": "Person", "name": "Jon Greenberg"}}, "Jon Greenberg"),
        ({"author": None, "publisher": {"@type": "Organization", "name": "Full Fact"}}, "Full Fact"),
        ({"author": None}, "fullfact.example"),
    ],
    ids=["a person's review published by an organisation", "a person's", "a publisher's", "the site's"],
)
def test_the_publisher_of_a_review_is_its_organisation_else_its_author_else_its_site(
    changes, publisher, admin_user, tmp_path
):
    document = review(1, "Full Fact", "False") | changes
    imported(
        run_import(
            tmp_path, feed({key: value for key, value in document.items() if value}), admin_user, name="feed.json"
        )
    )
    assert ExternalReview.objects.get().publisher == publisher


def two_checkers_of_one_claim():
    """Example Checks' and Other Check's reviews, at their own URLs, of one claim Jane Doe made on CNN."""
    appearance = [
        {"@type": "CreativeWork", "url": "https://www.youtube.com/watch?v=abc", "name": "an interview on CNN"}
    ]
    first = review(1, "Example Checks", "Half True", author="Jane Doe", appearance=appearance)
    second = review(
        1,
        "Other Check",
        "Four Pinocchios",
        rating={"ratingValue": 2, "bestRating": 5, "worstRating": 1},
        author="Jane Doe",
        appearance="https://www.youtube.com/watch?v=abc",
    )
    return first, second


def test_two_checkers_reviews_of_one_claim_in_one_file_are_one_claim_with_both_reviews(admin_user, tmp_path):
    first, second = two_checkers_of_one_claim()
    preview = importing.validate(
        write_file(tmp_path, feed(first, second), "feed.json"), filename="feed.json", user=admin_user
    )
    assert (preview.created_count, preview.updated_count, preview.rejected_count) == (1, 1, 0), preview.errors
    job = imported(run_import(tmp_path, feed(first, second), admin_user, name="feed.json"))
    assert (job.created_count, job.updated_count) == (1, 1)
    claim = Claim.objects.get()
    assert sorted(claim.external_reviews.values_list("publisher", "label")) == [
        ("Example Checks", "Half True"),
        ("Other Check", "Four Pinocchios"),
    ]
    assert (claim.status, claim.appearances.count(), claim.evidence.count()) == ("disputed", 1, 2)
    again = imported(run_import(tmp_path, feed(first, second), admin_user, name="feed.json"))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_a_second_checkers_review_at_its_own_url_imported_later_is_added_beside_the_first(admin_user, tmp_path):
    first, second = two_checkers_of_one_claim()
    imported(run_import(tmp_path, feed(first), admin_user, name="feed.json"))
    job = imported(run_import(tmp_path, feed(second), admin_user, name="other.json"))
    assert (job.created_count, job.updated_count) == (0, 1)
    claim = Claim.objects.get()
    assert claim.external_reviews.count() == 2
    assert claim.status == "disputed"  # the first checker's rating set it; another's is theirs, beside it


def test_reviews_of_two_claims_in_one_file_are_two_claims_whatever_their_hashes(admin_user, tmp_path, monkeypatch):
    """Two reviews are of one claim when their speaker and words are the same: compared exactly, so
    that two claims whose hashes collide are never taken for one (the second row was dropped)."""
    monkeypatch.setattr(importing.writing, "hash", lambda value: 0, raising=False)  # every hash alike
    first = review(1, "Example Checks", "Half True", author="Jane Doe")
    second = review(2, "Other Check", "False", author="Jane Doe")
    job = imported(run_import(tmp_path, feed(first, second), admin_user, name="feed.json"))
    assert (job.created_count, job.updated_count) == (2, 0)
    assert sorted(Claim.objects.values_list("text", flat=True)) == [
        "Statement number 1 about the economy.",
        "Statement number 2 about the economy.",
    ]
