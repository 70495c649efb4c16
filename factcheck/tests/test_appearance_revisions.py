"""Changes and removals of a claim's appearances leave revisions of the claim, whatever road they took."""

import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.models import Appearance, AppearanceRevision, PublishedVerdict, Venue
from factcheck.tests.factories import make_appearance, make_claim, make_evidence, make_outlet
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_publishing import decide

pytestmark = pytest.mark.django_db

triggers = importlib.import_module("factcheck.migrations.0037_appearance_revisions")
URL = "https://t.me/ministry/4411"


@pytest.fixture
def claim():
    return make_claim("Up to 8,000 North Korean troops were moved to Kursk.")


@pytest.fixture
def appearance(claim):
    outlet = make_outlet("Telegram")
    return make_appearance(
        claim, Venue.SOCIAL_MEDIA_POST, outlet=outlet, url=URL, date=datetime.date(2024, 11, 3), when="on Sunday"
    )


def history(client, claim):
    """The claim page's history panel, as text."""
    page = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    return page[page.index('<ol class="history">') :]


def test_the_appearance_triggers_exist_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {f"{triggers.REVISIONS}_{name}" for name in ("record", "removed", "append_only")}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = set(triggers.SQLITE_TRIGGERS)
        assert expected <= {name for (name,) in cursor.fetchall()}


def test_removing_the_only_appearance_in_the_admin_leaves_a_signed_record_on_the_claim_page(
    editor, editor_client, claim, appearance
):
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"appearances-0-DELETE": "on", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    assert not claim.appearances.exists()
    record = AppearanceRevision.objects.get(claim=claim)
    assert (record.removed, record.appearance_id, record.by, record.via) == (
        True,
        appearance.pk,
        editor,
        f"POST {page}",
    )
    assert record.before["url"] == URL and record.after == {}
    shown = history(editor_client, claim)
    assert f"Appearance removed:</strong> Social-media post on Telegram ({URL}, 2024-11-03, on Sunday)" in shown
    assert "alice (in the admin)" in shown


def test_changing_an_appearance_in_the_admin_leaves_a_record_of_what_changed(editor, editor_client, claim, appearance):
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"appearances-0-url": "https://t.me/ministry/9999", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    record = AppearanceRevision.objects.get(claim=claim)
    assert (record.removed, record.before, record.after, record.by) == (
        False,
        {"url": URL},
        {"url": "https://t.me/ministry/9999"},
        editor,
    )
    shown = history(editor_client, claim)
    assert "Appearance changed" in shown and f"<del>{URL}</del> → <ins>https://t.me/ministry/9999</ins>" in shown


def test_a_save_that_changes_no_appearance_leaves_no_record(editor_client, claim, appearance):
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    assert editor_client.post(page, form_data(editor_client.get(page)) | {"_save": "Save"}).status_code == 302
    # The admin writes no unchanged inline; these do write the row, with the values it has.
    appearance.save()
    Appearance.objects.filter(pk=appearance.pk).update(url=appearance.url, outlet=appearance.outlet)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE factcheck_appearance SET venue_type = venue_type WHERE id = %s", [appearance.pk])
    assert not AppearanceRevision.objects.exists()


@pytest.mark.parametrize(
    "remove",
    [
        pytest.param(lambda appearance: appearance.delete(), id="model-delete"),
        pytest.param(lambda appearance: Appearance.objects.filter(pk=appearance.pk).delete(), id="queryset-delete"),
        pytest.param(
            lambda appearance: connection.cursor().execute(
                "DELETE FROM factcheck_appearance WHERE id = %s", [appearance.pk]
            ),
            id="sql",
        ),
    ],
)
def test_a_removal_by_the_orm_or_sql_leaves_a_record_by_nobody_the_app_knows(editor_client, claim, appearance, remove):
    remove(appearance)
    record = AppearanceRevision.objects.get(claim=claim)
    assert (record.removed, record.by, record.via, record.claim_version) == (True, None, "unknown", claim.version)
    assert (record.before["venue_type"], record.before["date"]) == (Venue.SOCIAL_MEDIA_POST, "2024-11-03")
    assert "Appearance removed:</strong> Social-media post on Telegram" in history(editor_client, claim)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda appearance, outlet: Appearance.objects.filter(pk=appearance.pk).update(outlet=outlet)),
        pytest.param(
            lambda appearance, outlet: connection.cursor().execute(
                "UPDATE factcheck_appearance SET outlet_id = %s WHERE id = %s", [outlet.pk, appearance.pk]
            ),
            id="sql",
        ),
    ],
)
def test_a_change_by_the_orm_or_sql_leaves_a_record_naming_the_outlets(editor_client, claim, appearance, change):
    outlet = make_outlet("X")
    change(appearance, outlet)
    record = AppearanceRevision.objects.get(claim=claim)
    assert (record.removed, record.before, record.after) == (
        False,
        {"outlet_id": appearance.outlet_id},
        {"outlet_id": outlet.pk},
    )
    assert "<del>Telegram</del> → <ins>X</ins>" in history(editor_client, claim)


def test_adding_appearances_records_nothing_and_sets_off_no_recording_trigger(claim):
    with CaptureQueriesContext(connection) as queries:
        Appearance.objects.bulk_create([Appearance(claim=claim, venue_type=Venue.INTERVIEW) for _ in range(3)])
    assert len(queries) == 1
    assert not AppearanceRevision.objects.exists()
    # Work a trigger does is no query the app sends: no trigger of this migration runs on an insert.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'factcheck_appearance'::regclass"
                " AND NOT tgisinternal AND tgtype & 4 = 4"  # TRIGGER_TYPE_INSERT
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'factcheck_appearance'"
                " AND sql LIKE '%INSERT ON factcheck_appearance%'"
            )
        on_insert = {name for (name,) in cursor.fetchall()}
    assert not {name for name in on_insert if name.startswith(triggers.REVISIONS)}


def test_the_claim_page_reads_appearance_records_in_the_claims_own_query(editor_client, claim, appearance):
    """They had taken a query more for a claim that had some (views.rare_lists)."""

    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("claim_detail", args=[claim.pk])).status_code == 200
        return len(queries)

    without = queries_for_page()
    Appearance.objects.filter(pk=appearance.pk).update(url="https://t.me/ministry/1")
    make_appearance(claim, Venue.INTERVIEW, outlet=make_outlet("Ukrainska Pravda")).delete()
    assert queries_for_page() == without  # the records, their outlets named, as JSON with the claim
    page = editor_client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    assert "Interview on Ukrainska Pravda" in page


def test_the_admin_keeps_the_last_appearance_of_a_claim_whose_verdict_is_published(
    editor, editor_client, claim, appearance
):
    make_evidence(claim, "refutes")
    PublishedVerdict.publish(decide(claim, "false", editor), by=editor)
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"appearances-0-DELETE": "on", "_save": "Save"}
    response = editor_client.post(page, data)
    assert response.status_code == 200
    assert "This claim&#x27;s verdict is published" in response.text
    assert claim.appearances.get() == appearance and not AppearanceRevision.objects.exists()
    # Another appearance in its place: the old one may go.
    data |= {
        "appearances-TOTAL_FORMS": "2",
        "appearances-1-venue_type": Venue.INTERVIEW,
        "appearances-1-url": "https://example.org/interview",
    }
    response = editor_client.post(page, data)
    assert response.status_code == 302
    assert claim.appearances.get().url == "https://example.org/interview"
    assert AppearanceRevision.objects.get(claim=claim).removed


def test_a_venue_changed_by_hand_drops_the_files_words_for_the_old_venue(editor, editor_client, claim):
    """An editor corrected an imported press conference to an interview: the page said
    `Interview ("press briefing")`, the file's words describing the venue no longer recorded."""
    make_appearance(claim, Venue.PRESS_CONFERENCE, outlet=make_outlet("Ukrainska Pravda"), venue_text="press briefing")
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    shown = editor_client.get(reverse("claim_detail", args=[claim.pk])).text
    assert "(“press briefing”)" in shown
    data = form_data(editor_client.get(page)) | {"appearances-0-venue_type": Venue.INTERVIEW, "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    assert Appearance.objects.get(claim=claim).venue_text is None
    shown = editor_client.get(reverse("claim_detail", args=[claim.pk])).text
    assert "Interview" in shown and "press briefing" not in shown.split('<ol class="history">')[0]
    record = AppearanceRevision.objects.get(claim=claim)  # the words are kept in the record of the edit
    assert record.before == {"venue_type": Venue.PRESS_CONFERENCE, "venue_text": "press briefing"}
    assert record.after == {"venue_type": Venue.INTERVIEW, "venue_text": None}


def test_an_edit_that_keeps_the_venue_keeps_the_files_words(editor_client, claim):
    make_appearance(claim, Venue.PRESS_CONFERENCE, venue_text="press briefing")
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"appearances-0-url": "https://example.org/b", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    assert Appearance.objects.get(claim=claim).venue_text == "press briefing"


def test_the_history_says_where_an_edit_was_made_in_words_not_the_request(editor, editor_client, claim, appearance):
    """The site's history read "Olena Koval (POST /admin/factcheck/claim/19/change/)"."""
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"appearances-0-url": "https://t.me/ministry/9999", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302
    shown = history(editor_client, claim)
    assert "alice (in the admin)" in shown
    assert "POST /admin" not in shown


def test_the_admins_edits_list_the_appearance_edits_the_site_history_shows(editor, editor_client, claim, appearance):
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {
        "text": "Up to 8,000 North Korean troops have been moved to Kursk.",
        "appearances-0-venue_type": Venue.PUBLIC_REMARKS,
        "_save": "Save",
    }
    assert editor_client.post(page, data).status_code == 302
    admin_page = " ".join(editor_client.get(page).text.split())
    assert "Claim: Up to 8,000 North Korean troops were moved to Kursk. → Up to 8,000" in admin_page
    assert "Appearance changed: Venue: Social-media post → Public remarks" in admin_page
    assert "POST /admin" not in admin_page
