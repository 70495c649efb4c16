"""Least privilege on PostgreSQL: the application's role runs the app but cannot bypass, alter or empty the history.

The role is made, given its privileges by `grant_app_role` (run by the owner, as after a
migrate) and taken with SET ROLE inside the test's transaction, which undoes all of it. With SET
ROLE the database checks every privilege against the application role, as it would on the
role's own connection.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from factcheck import importing, merging
from factcheck.models import Appearance, Article, Claim, ClaimRevision, CorrectionCase, Evidence
from factcheck.tests.factories import make_article, make_claim, make_evidence, make_speaker
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_history_is_enforced import check_history_now, decided, moved_by_sql
from factcheck.tests.test_import import SAMPLE, csv_text, row, run_import

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]

REASON = "The ministry's own figures settle it."
# Refused for want of a privilege or of ownership, or (the one DELETE the role may run) by the trigger.
REFUSED = r"permission denied|must be owner|cited evidence is frozen"


def execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


@pytest.fixture
def app_role(db):
    """A new role with the privileges grant_app_role gives: its name (one per test database, so runs do not collide)."""
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    execute(f"CREATE ROLE {connection.ops.quote_name(role)} NOLOGIN")
    call_command("grant_app_role", role, stdout=io.StringIO())
    return role


@pytest.fixture
def as_app_role(app_role, editor, admin_user):
    """The connection acting as the application role (the personas are made first, as the owner would not need to)."""
    execute(f"SET ROLE {connection.ops.quote_name(app_role)}")
    assert execute("SELECT current_user") == (app_role,)
    yield app_role
    execute("RESET ROLE")


def test_the_application_role_runs_the_apps_writes(as_app_role, editor, editor_client, admin_user, tmp_path):
    claim = make_claim("Up to 8,000 North Korean troops were moved to Kursk.")
    make_evidence(claim, "refutes", by=editor)
    claim.set_status("false", by=editor, reason=REASON)
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page)) | {"text": "Up to 8,000 troops were moved to Kursk.", "_save": "Save"}
    assert editor_client.post(page, data).status_code == 302  # the revision is written by the owner's trigger
    uncited = make_evidence(claim, "context", by=editor)
    uncited.summary = "Corrected."
    uncited.save()
    uncited.delete()
    first = importing.import_file(SAMPLE, user=admin_user)
    run_import(tmp_path, csv_text(row(id="c1", quote="old words")), admin_user)
    again = run_import(tmp_path, csv_text(row(id="c1", quote="new words")), admin_user)
    kept = make_claim("Troops were moved to Kursk.")
    duplicate = make_claim("Troops moved to Kursk.", speaker=kept.speaker)
    make_evidence(duplicate, "context", by=editor)
    merging.merge(duplicate, kept, by=editor, reason=REASON, merged_version=1, into_version=1)
    carried = make_claim("The dam held.", article=make_article())
    carried.set_status("disputed", by=editor, reason=REASON)
    # ClaimOutlet's rows, which the app's role may not write, follow through the owner's triggers.
    moved = Claim.objects.filter(import_key="b17-2024-11-c1").get()
    Article.objects.filter(pk=moved.article_id).update(outlet=carried.article.outlet)
    Claim.objects.filter(pk=moved.pk).update(article=carried.article)
    Appearance.objects.filter(claim=moved).update(outlet=carried.article.outlet)
    CorrectionCase.objects.get().record_outcome("not_needed", by=editor, reason="The story said it was unconfirmed.")
    check_history_now()

    assert (first.state, again.state, again.updated_count) == ("succeeded", "succeeded", 1)
    assert Claim.objects.get(pk=claim.pk).status == "false"
    revision = ClaimRevision.objects.filter(claim=claim).get()
    assert (revision.by, revision.after) == (editor, {"text": "Up to 8,000 troops were moved to Kursk."})
    assert ClaimRevision.objects.filter(claim__import_key="c1").get().after == {"quote": "new words"}
    assert (Claim.objects.get(pk=duplicate.pk).merged_into, kept.evidence.count()) == (kept, 1)
    assert set(moved.outlet_roles.values_list("outlet", "role", "status")) == {
        (carried.article.outlet_id, "published", "unconfirmed"),
        (carried.article.outlet_id, "made", "unconfirmed"),
    }


def test_an_import_by_the_application_role_brings_the_claims_statistics_up_to_date(app_role, admin_user, tmp_path):
    """The role owns no table, so may not ANALYZE one: the import asks a function that runs as the owner
    (migration 0056), else its triggers would keep plans made for the claims table it found."""
    execute("TRUNCATE factcheck_claim CASCADE")  # a new database's claims, undone with the test's transaction
    execute("ANALYZE factcheck_claim")
    execute(f"SET ROLE {connection.ops.quote_name(app_role)}")
    job = run_import(tmp_path, csv_text(*(row(f"Claim number {n}.") for n in range(30))), admin_user)
    execute("RESET ROLE")
    assert job.created_count == 30
    assert execute("SELECT reltuples FROM pg_class WHERE oid = 'factcheck_claim'::regclass") == (30,)


def test_a_speaker_changed_by_the_application_roles_sql_is_sent_back_to_not_checked(as_app_role, editor):
    claim = decided("confirmed", editor)
    moved_by_sql(claim, make_speaker("Lloyd Austin"))
    check_history_now()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.attribution, stored.events.latest().by.username) == ("not_checked", "unknown-writer")


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE factcheck_verificationevent",
        "TRUNCATE factcheck_claim CASCADE",
        "TRUNCATE factcheck_claimrevision",
        "ALTER TABLE factcheck_claim DISABLE TRIGGER factcheck_claim_follows_history",
        "ALTER TABLE factcheck_verificationevent DISABLE TRIGGER ALL",
        "ALTER TABLE factcheck_claim DISABLE TRIGGER factcheck_claimrevision_record",
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
        "DROP TRIGGER factcheck_verificationevent_append_only ON factcheck_verificationevent",
        "DROP TRIGGER factcheck_cited_evidence_no_update ON factcheck_evidence",
        "DROP FUNCTION factcheck_check_claim_history() CASCADE",
        "CREATE OR REPLACE FUNCTION factcheck_refuse_event_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
        "LANGUAGE plpgsql",
        "DROP TABLE factcheck_claimrevision",
        "UPDATE factcheck_verificationevent SET reason = 'Rewritten.'",
        "DELETE FROM factcheck_verificationevent",
        "DELETE FROM factcheck_verificationevent_evidence",
        "UPDATE factcheck_publishedverdict SET summary = 'Rewritten.'",
        "DELETE FROM factcheck_publishedverdict",
        "UPDATE factcheck_verdictwithdrawal SET reason = 'Rewritten.'",
        "DELETE FROM factcheck_verdictwithdrawal",
        "UPDATE factcheck_claimrevision SET after = '{}'",
        "DELETE FROM factcheck_claimrevision",
        "UPDATE factcheck_claimmerge SET reason = 'Rewritten.'",
        "DELETE FROM factcheck_claimmerge",
        "TRUNCATE factcheck_claimmerge",
        "DELETE FROM factcheck_correctioncase",
        "TRUNCATE factcheck_correctioncase",
        "ALTER TABLE factcheck_claim DISABLE TRIGGER factcheck_claim_merged_read_only",
        "INSERT INTO factcheck_claimrevision (claim_id, claim_version, at, via, before, after) "
        "SELECT id, version, now(), 'forged', '{}', '{}' FROM factcheck_claim",
        "UPDATE factcheck_speakertally SET claims = claims + 1",
        "INSERT INTO factcheck_speakertotal (speaker_id, claims) SELECT id, 99 FROM factcheck_speaker",
        "UPDATE factcheck_outletclaimtally SET claims = claims + 1",
        "UPDATE factcheck_outlettotal SET claims = claims + 1",
        "UPDATE factcheck_claimoutlet SET status = 'false'",
        "INSERT INTO factcheck_claimoutlet (claim_id, outlet_id, role, created_at, status, attribution, merged)"
        " SELECT id, (SELECT min(id) FROM factcheck_outlet), 'made', created_at, status, attribution, false"
        " FROM factcheck_claim",
        "CREATE TABLE factcheck_shadow (id bigint)",
        "CREATE TEMPORARY TABLE factcheck_verificationevent_evidence (evidence_id bigint)",
        "CREATE SCHEMA factcheck_shadow",
        "CREATE TRIGGER factcheck_mute BEFORE UPDATE ON factcheck_claim "
        "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
    ],
)
def test_the_application_role_cannot_bypass_alter_or_empty_the_history(as_app_role, editor, statement):
    claim = make_claim()
    make_evidence(claim, "supports", by=editor)
    claim.set_status("verified", by=editor, reason=REASON)
    Claim.objects.filter(pk=claim.pk).update(text="Edited, so that a revision exists.")
    counts = [model.objects.count() for model in (Claim, ClaimRevision, Evidence)]

    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        execute(statement)

    assert [model.objects.count() for model in (Claim, ClaimRevision, Evidence)] == counts
    assert claim.events.count() == 2
    assert execute("SHOW session_replication_role") == ("origin",)


def test_grant_app_role_refuses_a_role_that_could_undo_it(app_role):
    with pytest.raises(CommandError, match="the role running this command, the owner"):
        call_command("grant_app_role", connection.settings_dict["USER"], stdout=io.StringIO())
    execute("CREATE TABLE factcheck_owned (id bigint)")
    execute(f"ALTER TABLE factcheck_owned OWNER TO {connection.ops.quote_name(app_role)}")
    with pytest.raises(CommandError, match="it owns objects in this database"):
        call_command("grant_app_role", app_role, stdout=io.StringIO())
    with pytest.raises(CommandError, match="there is no role"):
        call_command("grant_app_role", "factcheck_nobody", stdout=io.StringIO())
