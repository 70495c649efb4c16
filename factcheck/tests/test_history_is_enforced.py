"""A claim's status has one writer, set_status, and the database refuses every other road.

On PostgreSQL the check waits for the commit (claims are inserted before their events), so
these tests ask for it early with SET CONSTRAINTS ... IMMEDIATE, which runs the same check
inside the test's transaction; one transactional test shows a plain commit refused.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.urls import reverse

from factcheck.models import HISTORY_CONSTRAINTS, Claim, VerificationEvent
from factcheck.revisions import writing_as
from factcheck.sqlite.base import DatabaseWrapper
from factcheck.tests.factories import make_article, make_claim, make_evidence, make_outlet, make_speaker, recorder
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_import import csv_text, row, run_import

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred triggers are PostgreSQL's")


def check_history_now():
    """Run the deferred history check now (PostgreSQL); SQLite's triggers already ran."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            names = ", ".join(HISTORY_CONSTRAINTS)
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")  # checks what is pending
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")  # as declared, for what comes next


def refused(write):
    """Whether the database refuses `write` (with the check run before leaving)."""
    try:
        with transaction.atomic():
            write()
            check_history_now()
    except IntegrityError as error:
        assert "status changes only through its verification history" in str(error)
        return True
    return False


def test_the_history_triggers_exist_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [list(HISTORY_CONSTRAINTS)])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert set(HISTORY_CONSTRAINTS) <= names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it; PostgreSQL alters it")
def test_migrating_back_past_a_rebuilt_table_and_forward_again_leaves_every_trigger_and_check(tmp_path):
    """Going back past 0039 drops a foreign key, which Django's SQLite backend did by rebuilding the
    article table: its triggers went with it, and renaming the new table failed on another table's
    trigger naming it. A copy of the test database is migrated back and forward by manage.py."""
    copy = copy_of_the_test_database(tmp_path)

    def migrate(*target):
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}"}
        command = [sys.executable, "manage.py", "migrate", *target, "-v0"]
        result = subprocess.run(  # noqa: S603 (our own manage.py, with the test's interpreter)
            command, cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-2000:]

    migrated = schema(copy)
    assert {"factcheck_claim_tally_insert", *HISTORY_CONSTRAINTS} <= {name for kind, name, _ in migrated}
    migrate("factcheck", "0038")
    migrate()
    assert schema(copy) == migrated


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it; PostgreSQL alters it")
def test_a_table_rebuilt_to_alter_it_keeps_its_triggers_and_those_naming_it(tmp_path):
    """SQLite alters most of a table by building it anew (Django's _remake_table, as for a check
    added to the claims): the history's triggers on it, and those of other tables naming it (the
    tallies), are written again."""
    copy = copy_of_the_test_database(tmp_path)
    before = schema(copy)
    database = DatabaseWrapper({**connection.settings_dict, "NAME": str(copy)}, alias="copy")
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT rootpage FROM sqlite_master WHERE name = 'factcheck_claim'")
            (table,) = cursor.fetchone()
            with database.schema_editor(atomic=False) as editor:
                editor._remake_table(Claim)
            cursor.execute("SELECT rootpage FROM sqlite_master WHERE name = 'factcheck_claim'")
            assert cursor.fetchone() != (table,)  # a new table
    finally:
        database.close()
    triggers = [entry for entry in before if entry[0] == "trigger"]
    assert set(HISTORY_CONSTRAINTS) <= {name for _, name, _ in triggers}
    assert [entry for entry in schema(copy) if entry[0] == "trigger"] == triggers


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it; PostgreSQL alters it")
def test_a_rebuild_that_fails_outside_a_transaction_leaves_every_trigger(tmp_path):
    """The triggers are set aside for a rebuild: one that fails (here a second column of the same
    name) in a migration that is not atomic, so that nothing rolls back, writes them again too."""
    copy = copy_of_the_test_database(tmp_path)
    before = [entry for entry in schema(copy) if entry[0] == "trigger"]
    clash = models.TextField(default="", db_column="text")
    clash.set_attributes_from_name("text_again")
    clash.model = Claim
    database = DatabaseWrapper({**connection.settings_dict, "NAME": str(copy)}, alias="copy")
    try:
        with pytest.raises(OperationalError, match="duplicate column"), database.schema_editor(atomic=False) as editor:
            editor._remake_table(Claim, create_field=clash)
    finally:
        database.close()
    assert [entry for entry in schema(copy) if entry[0] == "trigger"] == before


def copy_of_the_test_database(tmp_path):
    """A file holding what the test database holds (migrated), for a test to change the schema of."""
    copy = tmp_path / "db.sqlite3"
    with sqlite3.connect(connection.settings_dict["NAME"]) as test_database, sqlite3.connect(copy) as target:
        test_database.backup(target)
    return copy


def schema(path):
    """(type, name, SQL) of each table, index and trigger of the SQLite database at `path`."""
    with sqlite3.connect(path) as database:
        return database.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_an_admin_save_from_a_form_loaded_before_a_status_change_keeps_the_new_status(editor, editor_client):
    claim = make_claim("Up to 8,000 North Korean troops have been moved to Kursk.")
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    stale_form = form_data(editor_client.get(page))
    make_evidence(claim, "refutes")
    Claim.objects.get(pk=claim.pk).set_status("false", by=editor, reason="The ministry's count is 1,500.")

    response = editor_client.post(page, stale_form | {"quote": "up to 8,000", "_save": "Save"})

    assert response.status_code == 302
    claim.refresh_from_db()
    latest = claim.events.latest()
    assert (claim.quote, claim.status, claim.version) == ("up to 8,000", "false", 2)
    assert (latest.to_status, latest.version) == (claim.status, claim.version)
    check_history_now()
    # And the next change goes through, which a reverted version made fail with a 500.
    claim.set_status("disputed", by=editor, reason="A second count disagrees.")
    assert claim.events.count() == 3


def test_save_never_writes_the_status_of_a_stale_object(editor):
    stale = make_claim()
    Claim.objects.get(pk=stale.pk).set_status("disputed", by=editor, reason="Two sources disagree.")
    stale.text = "The claim, reworded."
    stale.save()
    stored = Claim.objects.get(pk=stale.pk)
    assert (stored.text, stored.status, stored.version) == ("The claim, reworded.", "disputed", 2)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda claim: Claim.objects.filter(pk=claim.pk).update(status="false"), id="queryset-update"),
        pytest.param(lambda claim: Claim.objects.filter(pk=claim.pk).update(version=7), id="version-update"),
        pytest.param(
            lambda claim: connection.cursor().execute(
                "UPDATE factcheck_claim SET status = 'verified' WHERE id = %s", [claim.pk]
            ),
            id="raw-sql",
        ),
        pytest.param(
            lambda claim: Claim(pk=claim.pk, status="verified", version=1).save(update_fields=["status"]),
            id="save-update-fields",
        ),
    ],
)
def test_a_status_written_around_set_status_is_refused(write):
    claim = make_claim()
    assert refused(lambda: write(claim))
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("unconfirmed", 1)


def test_going_back_to_an_earlier_version_and_status_is_refused(editor):
    claim = make_claim()
    claim.set_status("disputed", by=editor, reason="Two sources disagree.")
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(status="unconfirmed", version=1))


def test_an_event_that_does_not_start_where_the_claim_stands_is_refused(editor):
    claim = make_claim()

    def write():
        VerificationEvent.objects.create(
            claim=claim, from_status="disputed", to_status="false", by=editor, reason="Invented.", version=2
        )

    assert refused(write)


@on_postgresql
def test_an_event_that_never_moves_its_claim_is_refused_at_commit(editor):
    claim = make_claim()

    def write():
        VerificationEvent.objects.create(
            claim=claim, from_status="unconfirmed", to_status="disputed", by=editor, reason="Orphan.", version=2
        )

    assert refused(write)


@on_postgresql
def test_a_claim_recorded_without_any_event_is_refused_at_commit():
    assert refused(lambda: Claim.objects.create(text="Nobody recorded this.", speaker=make_speaker()))


def test_set_status_and_an_import_pass_the_check(editor, admin_user, tmp_path):
    claim = make_claim()
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="The transcript.")
    # An import records new claims and moves stored ones (the importer's own bulk path).
    first = run_import(
        tmp_path, csv_text(row("Drones hit Odesa.", id="k1"), row("Ports are shut.", id="k2")), admin_user
    )
    moved = run_import(
        tmp_path, csv_text(row("Drones hit Odesa.", id="k1", status="disputed")), admin_user, name="b.csv"
    )
    check_history_now()
    assert (first.state, first.created_count, moved.state, moved.updated_count) == ("succeeded", 2, "succeeded", 1)
    stored = Claim.objects.get(import_key="k1")
    assert (stored.status, stored.version, claim.events.count()) == ("disputed", 2, 2)


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leaves the tables as it found them
def test_a_commit_with_a_status_changed_by_update_is_rolled_back():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="false")
    claim.refresh_from_db()
    assert claim.status == "unconfirmed"
    assert claim.events.get().by == recorder()


# Another speaker by any road: what was established of who said it was established for the first
# one, so the attribution goes back to "not checked", with an event naming both speakers. The app's
# roads write that event themselves (Claim.speaker_changed); the database writes it for every other.


def decided(attribution, editor):
    """A claim recorded, then decided on the attribution axis: "confirmed" cites a primary source."""
    claim = make_claim("Up to 8,000 North Korean troops have been moved to Kursk.", speaker=make_speaker("Blinken"))
    make_evidence(claim, "context", primary_source=True)
    claim.set_attribution(attribution, by=editor, reason="Checked against the transcript.")
    return claim


def moved_by_sql(claim, speaker, **also):
    columns = ", ".join(f"{column} = %s" for column in ["speaker_id", *also])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE factcheck_claim SET {columns} WHERE id = %s", [speaker.pk, *also.values(), claim.pk])  # noqa: S608


def attribution_events(claim):
    return list(claim.events.filter(axis="attribution").order_by("version"))


@pytest.mark.parametrize("attribution", ["confirmed", "denied"])
def test_a_speaker_changed_by_sql_sends_the_attribution_back_to_not_checked_with_an_event(attribution, editor):
    claim = decided(attribution, editor)
    austin = make_speaker("Lloyd Austin")

    moved_by_sql(claim, austin)
    check_history_now()

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.speaker, stored.attribution, stored.status, stored.version) == (
        austin,
        "not_checked",
        "unconfirmed",
        3,
    )
    event = stored.events.latest()
    assert (event.axis, event.from_attribution, event.to_attribution, event.to_status, event.version) == (
        "attribution",
        attribution,
        "not_checked",
        "unconfirmed",
        3,
    )
    assert (event.by.username, event.by.is_active, event.by.has_usable_password()) == ("unknown-writer", False, False)
    assert event.reason == (
        "Speaker changed from Blinken to Lloyd Austin directly in the database (unknown): "
        "whether Lloyd Austin said it is not checked."
    )
    assert not event.decided_here
    # The edit itself is recorded as every edit is, before the event it led to.
    revision = stored.revisions.get()
    assert (revision.before, revision.claim_version) == ({"speaker_id": claim.speaker_id}, 2)


def test_a_speaker_changed_by_update_signs_the_event_with_the_writer_the_app_named(editor):
    claim = decided("confirmed", editor)
    with writing_as(editor, "a clean-up script"):
        Claim.objects.filter(pk=claim.pk).update(speaker=make_speaker("Lloyd Austin"))
        check_history_now()
    event = Claim.objects.get(pk=claim.pk).events.latest()
    assert (event.by, event.to_attribution) == (editor, "not_checked")
    assert "directly in the database (a clean-up script):" in event.reason


def test_a_speaker_changed_by_save_in_the_shell_sends_the_attribution_back_too(editor):
    claim = decided("confirmed", editor)
    claim.speaker = make_speaker("Lloyd Austin")
    claim.save()
    check_history_now()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.attribution, [event.to_attribution for event in attribution_events(stored)]) == (
        "not_checked",
        ["confirmed", "not_checked"],
    )


def test_a_speaker_changed_by_sql_on_a_claim_not_checked_writes_no_event(editor):
    claim = make_claim()
    moved_by_sql(claim, make_speaker("Lloyd Austin"))
    check_history_now()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.attribution, stored.version, stored.events.count()) == ("not_checked", 1, 1)


def test_sql_that_sets_the_new_speakers_attribution_itself_is_held_to_the_history(editor):
    """Naming another state with the speaker is a decision: without its event it is refused, as any
    attribution written around set_attribution is, and nothing is reset or written behind it."""
    claim = decided("confirmed", editor)
    austin = make_speaker("Lloyd Austin")
    assert refused(lambda: moved_by_sql(claim, austin, attribution="denied"))
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.speaker_id, stored.attribution, stored.version) == (claim.speaker_id, "confirmed", 2)


def test_sql_that_keeps_the_attribution_it_names_with_the_new_speaker_still_sends_it_back(editor):
    """ "confirmed" said again is no decision about the new speaker: it was established for the old one."""
    claim = decided("confirmed", editor)
    moved_by_sql(claim, make_speaker("Lloyd Austin"), attribution="confirmed")
    check_history_now()
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_the_counts_follow_a_speaker_and_story_changed_by_sql_in_one_statement(editor):
    from factcheck.tests.test_tallies import counted, kept

    claim = decided("confirmed", editor)
    story = make_article(make_outlet("B-17"))
    moved_by_sql(claim, make_speaker("Lloyd Austin"), article_id=story.pk)
    check_history_now()
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"
    assert kept() == counted()


def by_change_speaker(claim, austin, editor, **_):
    claim.change_speaker(austin, by=editor)


def by_the_admin(claim, austin, editor, editor_client, **_):
    change = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(change)) | {"speaker": austin.pk, "_save": "Save"}
    assert editor_client.post(change, data).status_code == 302


def by_an_import(claim, austin, admin_user, tmp_path, **_):
    job = run_import(tmp_path, csv_text(row(claim.text, id="k1", speaker=austin.name)), admin_user)
    assert job.state == "succeeded", job.errors


@pytest.mark.parametrize("road", [by_change_speaker, by_the_admin, by_an_import])
def test_a_speaker_change_the_app_records_leaves_its_one_event_and_no_second(
    road, editor, editor_client, admin_user, tmp_path
):
    claim = decided("confirmed", editor)
    Claim.objects.filter(pk=claim.pk).update(import_key="k1")
    austin = make_speaker("Lloyd Austin")

    road(claim, austin, editor=editor, editor_client=editor_client, admin_user=admin_user, tmp_path=tmp_path)
    check_history_now()

    stored = Claim.objects.get(pk=claim.pk)
    events = attribution_events(stored)
    assert (stored.speaker, stored.attribution) == (austin, "not_checked")
    assert [event.to_attribution for event in events] == ["confirmed", "not_checked"]
    assert events[-1].by in (editor, admin_user)
    assert "directly in the database" not in events[-1].reason


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leaves the tables as it found them
def test_a_speaker_changed_by_sql_and_committed_is_sent_back_at_the_commit(editor):
    claim = decided("confirmed", editor)
    moved_by_sql(claim, make_speaker("Lloyd Austin"))  # autocommit: its own transaction
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.attribution, stored.version, stored.events.latest().by.username) == (
        "not_checked",
        3,
        "unknown-writer",
    )
