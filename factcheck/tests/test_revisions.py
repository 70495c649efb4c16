"""Edits of claims and stories leave revisions, written by the database whatever road the edit took."""

import importlib
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck import importing
from factcheck.models import AppearanceRevision, Article, ArticleRevision, Claim, ClaimRevision
from factcheck.revisions import writing_as
from factcheck.tests.factories import make_appearance, make_article, make_claim, make_evidence, make_speaker
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_import import SAMPLE, csv_text, row, run_import

pytestmark = pytest.mark.django_db

triggers = importlib.import_module("factcheck.migrations.0012_revisions_and_frozen_evidence")
REASON = "The ministry's own figures settle it."


def revision_of(claim):
    return claim.revisions.get()


def test_the_revision_and_frozen_evidence_triggers_exist_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {f"{table}_append_only" for table in triggers.APPEND_ONLY}
            expected |= {f"{revised[1]}_record" for revised in triggers.REVISED}
            expected |= {"factcheck_cited_evidence_no_update", "factcheck_cited_evidence_no_delete"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = set(triggers.SQLITE_TRIGGERS)
        assert expected <= {name for (name,) in cursor.fetchall()}


# Every road an edit can take


def test_an_admin_edit_leaves_a_revision_signed_by_the_editor_with_the_page(editor, editor_client):
    claim = make_claim("Up to 8,000 North Korean troops were moved to Kursk.", quote="8,000")
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"text": "Up to 11,000 troops were moved.", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    revision = revision_of(claim)
    assert (revision.before, revision.after) == (
        {"text": "Up to 8,000 North Korean troops were moved to Kursk."},
        {"text": "Up to 11,000 troops were moved."},
    )
    assert (revision.by, revision.via, revision.claim_version) == (editor, f"POST {page}", 1)


def test_an_admin_save_that_changes_nothing_leaves_no_revision(editor_client):
    claim = make_claim()
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    assert editor_client.post(page, form_data(editor_client.get(page)) | {"_save": "Save"}).status_code == 302
    assert not claim.revisions.exists()


def test_a_save_in_the_shell_leaves_a_revision_by_nobody_the_app_knows():
    claim = make_claim("Russia lost 1,000 soldiers a day.")
    claim.text = "Russia lost 1,200 soldiers a day."
    claim.save()
    revision = revision_of(claim)
    assert (revision.by, revision.via) == (None, "unknown")
    assert revision.after == {"text": "Russia lost 1,200 soldiers a day."}


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda claim: Claim.objects.filter(pk=claim.pk).update(quote="new words"), id="queryset-update"),
        pytest.param(
            lambda claim: Claim.objects.bulk_update([Claim(pk=claim.pk, quote="new words")], ["quote"]),
            id="bulk-update",
        ),
        pytest.param(
            lambda claim: connection.cursor().execute(
                "UPDATE factcheck_claim SET quote = 'new words' WHERE id = %s", [claim.pk]
            ),
            id="raw-sql",
        ),
    ],
)
def test_a_bulk_or_raw_edit_leaves_a_revision_too(write):
    claim = make_claim(quote="old words")
    write(claim)
    assert (revision_of(claim).before, revision_of(claim).after) == ({"quote": "old words"}, {"quote": "new words"})


def test_a_reimport_that_changes_a_claim_leaves_a_revision_signed_by_the_import(admin_user, tmp_path):
    run_import(tmp_path, csv_text(row(id="c1", quote="old words", quantity_value="8000")), admin_user)
    job = run_import(tmp_path, csv_text(row(id="c1", quote="new words", quantity_value="11000")), admin_user)
    claim = Claim.objects.get()
    revision = revision_of(claim)
    assert (revision.by, revision.via) == (admin_user, f"import #{job.pk} (claims.csv)")
    assert revision.before == {"quote": "old words", "quantity_value": 8000}
    assert revision.after == {"quote": "new words", "quantity_value": 11000}


def test_an_import_that_creates_claims_or_changes_nothing_leaves_no_revision(admin_user):
    importing.import_file(SAMPLE, user=admin_user)
    importing.import_file(SAMPLE, user=admin_user)
    assert Claim.objects.exists()
    assert not ClaimRevision.objects.exists()


def test_a_status_change_leaves_no_revision(editor):
    claim = make_claim()
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason=REASON)
    assert not claim.revisions.exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("text", "Reworded."),
        ("quote", "verbatim"),
        ("kind", "opinion"),
        ("quantity_value", Decimal("12.5")),
        ("quantity_unit", "troops"),
        ("span_exact", "the words"),
        ("span_prefix", "before "),
        ("span_suffix", " after"),
    ],
)
def test_each_field_of_a_claim_is_recorded(column, value):
    claim = make_claim(quantity_value=Decimal("8000"))
    Claim.objects.filter(pk=claim.pk).update(**{column: value})
    assert list(revision_of(claim).after) == [column]


def test_a_change_of_speaker_or_story_is_recorded_by_id_and_shown_by_name():
    old, new = make_speaker("Andrii Kovalenko"), make_speaker("Rustem Umerov")
    first, second = make_article(headline="Kursk, day one"), make_article(headline="Kursk, day two")
    claim = make_claim(speaker=old, article=first)
    Claim.objects.filter(pk=claim.pk).update(speaker=new, article=second)
    revision = ClaimRevision.objects.named().get(claim=claim)
    assert revision.before == {"speaker_id": old.pk, "article_id": first.pk}
    assert revision.changes() == [
        ("speaker", "Andrii Kovalenko", "Rustem Umerov"),
        ("story", "Kursk, day one", "Kursk, day two"),
    ]


def test_a_writer_named_for_a_block_signs_only_what_is_written_inside_it(editor):
    claim = make_claim()
    with writing_as(editor, "a test"):
        Claim.objects.filter(pk=claim.pk).update(text="Inside the block.")
    Claim.objects.filter(pk=claim.pk).update(text="After the block.")
    assert [(revision.by, revision.via) for revision in claim.revisions.order_by("id")] == [
        (editor, "a test"),
        (None, "unknown"),
    ]


def test_an_error_inside_a_named_block_comes_out_as_it_was_and_the_writer_goes_with_the_rollback(editor):
    claim = make_claim()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), writing_as(editor, "a test"):
        Claim.objects.filter(pk=claim.pk).update(text="Rolled back.")
        claim.events.update(reason="Rewritten.")
    Claim.objects.filter(pk=claim.pk).update(text="Written after.")
    assert [(revision.by, revision.via) for revision in claim.revisions.all()] == [(None, "unknown")]


def test_an_edit_of_a_story_leaves_a_revision_of_its_headline_and_text(editor, editor_client):
    article = make_article(headline="Kursk", body="Line one.\nLine two.")
    page = reverse("admin:factcheck_article_change", args=[article.pk])
    data = form_data(editor_client.get(page)) | {
        "headline": "Kursk, updated",
        "body": "Line one.\nLine 2.",
        "_save": "Save",
    }
    assert editor_client.post(page, data).status_code == 302
    revision = article.revisions.get()
    assert revision.before == {"headline": "Kursk", "body": "Line one.\nLine two."}
    assert revision.body_diff() == [("-", "Line two."), ("+", "Line 2.")]
    assert revision.by == editor
    Article.objects.filter(pk=article.pk).update(url="https://example.org/kursk", published=None)
    assert article.revisions.count() == 1  # the URL and the date are not what revisions keep


# Append-only


@pytest.mark.parametrize(
    "model", [ClaimRevision, ArticleRevision, AppearanceRevision], ids=lambda model: model.__name__
)
def test_revisions_cannot_be_changed_or_deleted_by_the_orm_or_sql(model):
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(text="Changed.")
    make_appearance(claim).delete()
    article = make_article(body="Old text.")
    article.body = "New text."
    article.save()
    table = model._meta.db_table
    writes = [
        lambda: model.objects.update(via="admin"),
        lambda: model.objects.all().delete(),
        lambda: connection.cursor().execute(f"UPDATE {table} SET before = '{{}}'"),  # noqa: S608 our table
        lambda: connection.cursor().execute(f"DELETE FROM {table}"),  # noqa: S608 our table
    ]
    for write in writes:
        with pytest.raises(IntegrityError, match="revisions are append-only"), transaction.atomic():
            write()
    assert model.objects.count() == 1


# What people see


def test_the_claim_page_shows_what_the_claim_read_when_each_verdict_was_given(editor, reviewer_client):
    claim = make_claim("Up to 8,000 North Korean troops were moved to Kursk.", quantity_value=8000)
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason=REASON)
    with writing_as(editor, "a test"):
        Claim.objects.filter(pk=claim.pk).update(text="Up to 11,000 troops were moved.", quantity_value=11000)

    page = reviewer_client.get(claim.get_absolute_url()).text
    history = page[page.index('id="history-heading"') :]
    edit, verdict = history.index('class="revision"'), history.index("Unable to independently confirm → Verified")
    assert edit < verdict  # newest first: the edit came after the verdict
    assert "<del>Up to 8,000 North Korean troops were moved to Kursk.</del> → <ins>Up to 11,000 troops" in history
    assert "<del>8,000</del> → <ins>11,000</ins>" in history
    assert "alice (a test)" in history
    read_then = history[verdict:]
    assert "When this was decided, the claim read differently:" in read_then
    assert "<dt>Claim</dt><dd>Up to 8,000 North Korean troops were moved to Kursk.</dd>" in read_then
    assert "<dt>Figure</dt><dd>8,000</dd>" in read_then


def test_a_verdict_given_after_the_last_edit_reads_like_now(editor, reviewer_client):
    claim = make_claim("First wording.")
    Claim.objects.filter(pk=claim.pk).update(text="Second wording.")
    claim.refresh_from_db()
    claim.set_status("disputed", by=editor, reason=REASON)
    timeline = Claim.objects.get(pk=claim.pk).timeline()
    assert [("event" if "event" in entry else "revision") for entry in timeline] == ["event", "revision", "event"]
    assert timeline[0]["then"] == []
    assert timeline[2]["then"] == [("claim", "First wording.")]


def test_the_claim_page_costs_the_same_queries_with_1_or_20_edits(reviewer_client):
    counts = []
    for edits in (1, 20):
        claim = make_claim()
        for number in range(edits):
            Claim.objects.filter(pk=claim.pk).update(text=f"Wording {number}.", speaker=make_speaker())
        with CaptureQueriesContext(connection) as queries:
            response = reviewer_client.get(claim.get_absolute_url())
        assert response.text.count('class="revision"') == edits
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_story_page_lists_its_edits(editor, reviewer_client):
    article = make_article(headline="Kursk", body="Line one.\nLine two.")
    with writing_as(editor, "a test"):
        article.body = "Line one.\nLine <2>."
        article.save()
    page = reviewer_client.get(article.get_absolute_url()).text
    edits = page[page.index('id="revisions-heading"') :]
    assert "alice (a test)" in edits
    assert "<del>− Line two.</del>" in edits
    assert "<ins>+ Line &lt;2&gt;.</ins>" in edits


@pytest.mark.parametrize("persona", ["editor_client", "reviewer_client"])
def test_the_admin_shows_a_claims_and_a_storys_edits_read_only(request, persona):
    client = request.getfixturevalue(persona)
    claim = make_claim(text="Old wording.")
    Claim.objects.filter(pk=claim.pk).update(text="New wording.")
    page = client.get(reverse("admin:factcheck_claim_change", args=[claim.pk])).text
    assert "Claim: Old wording. → New wording." in page
    assert "revisions-TOTAL_FORMS" in page
    assert 'name="revisions-0-via"' not in page  # shown, not editable
    article = make_article(body="One.")
    article.body = "Two."
    article.save()
    page = client.get(reverse("admin:factcheck_article_change", args=[article.pk])).text
    assert "− One.<br>+ Two." in page


def test_a_revision_by_nobody_says_it_came_from_outside_the_app(reviewer_client):
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(quote="said")
    page = reviewer_client.get(claim.get_absolute_url()).text
    edit = page[page.index('class="revision"') :].split("</li>")[0]
    assert "Unknown, not through the app (the shell or SQL)" in edit
