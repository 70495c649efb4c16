"""A claim's facets (migrations 0031-0033, PostgreSQL): venues, relay state, assignees, outlets, kept on its row.

Every road that writes appearances, assignments, stories or claims (the ORM, bulk_create,
QuerySet.update, raw SQL, deletion, the importer, a merge) leaves each claim's facets equal to what
they say; the queue's venue, relay, assignee and outlet filters read them and answer as those
tables would; the search index intersects them with the words.
"""

import importlib
import threading
import time

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db import connections as django_connections
from django.db.models import Exists, OuterRef

from factcheck import importing, merging
from factcheck.forms import MERGED_SPEAKERS, ClaimFilterForm
from factcheck.models import Appearance, Article, Assignment, AssignmentRecord, Claim, ClaimKind, ClaimOutlet, Venue
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_evidence,
    make_outlet,
    make_speaker,
)
from factcheck.verification import relayed_by_another

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="facets are PostgreSQL's (migration 0031)"),
]

NEW_CLAIM = {"status:unconfirmed", "kind:factual"}  # a claim's status and kind as make_claim records them
SAMPLE = django_settings.BASE_DIR / "fixtures" / "sample-claims.csv"
migration = importlib.import_module("factcheck.migrations.0031_claim_facets")
assignees_migration = importlib.import_module("factcheck.migrations.0032_claim_assignee_facets")
outlets_migration = importlib.import_module("factcheck.migrations.0033_claim_outlet_facets")
own_migration = importlib.import_module("factcheck.migrations.0034_claim_status_and_kind_facets")
speaker_migration = importlib.import_module("factcheck.migrations.0053_claim_speaker_facets")
attribution_migration = importlib.import_module("factcheck.migrations.0054_claim_attribution_facets")


def own_of(claim):
    """A claim's own facets as make_claim records it: its status, kind, speaker and attribution."""
    attribution = Claim.objects.values_list("attribution", flat=True).get(pk=claim.pk)
    return {*NEW_CLAIM, f"speaker:{claim.speaker_id}", f"attribution:{attribution}"}


def derived():
    """{claim: its facets} as its appearances, assignments, outlets and own columns say, worked out in Python."""
    facets = {
        pk: {f"status:{status}", f"kind:{kind}", f"speaker:{speaker}", f"attribution:{attribution}"}
        for pk, status, kind, speaker, attribution in Claim.objects.values_list(
            "pk", "status", "kind", "speaker", "attribution"
        )
    }
    links = {pk: [] for pk in facets}
    for claim, venue, outlet, relays in Appearance.objects.values_list("claim", "venue_type", "outlet", "relayed_from"):
        facets[claim].add(f"venue:{venue}")
        links[claim].append((venue, outlet, relays))
    newsrooms = dict(Claim.objects.values_list("pk", "article__outlet"))
    relayed = {pk for pk, chain in links.items() if relayed_by_another(chain, newsrooms[pk])}
    for claim, person in Assignment.objects.filter(claim__isnull=False).values_list("claim", "assignee"):
        facets[claim].add(f"assignee:{person}")
    for claim, outlet in ClaimOutlet.objects.values_list("claim", "outlet"):
        facets[claim].add(f"outlet:{outlet}")
    return {pk: {*others, "relay:relayed" if pk in relayed else "relay:direct"} for pk, others in facets.items()}


def stored():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, facets FROM factcheck_claim")
        return {pk: set(facets) for pk, facets in cursor.fetchall()}


@pytest.fixture
def chain():
    """A claim said in an interview and relayed by a report, and a claim with no appearance."""
    claim = make_claim("The bridge was closed.")
    origin = make_appearance(claim, Venue.INTERVIEW)
    make_appearance(claim, Venue.RELAYED_REPORT, relayed_from=origin)
    return claim, origin, make_claim("The port reopened.")


def test_a_claim_has_its_venues_and_relay_state_and_one_without_appearances_is_direct(chain):
    claim, _, bare = chain
    assert stored()[claim.pk] == {"venue:interview", "venue:relayed_report", "relay:relayed"} | own_of(claim)
    assert stored()[bare.pk] == {"relay:direct"} | own_of(bare)
    assert stored() == derived()


def outlets_of(claim):
    return {facet for facet in stored()[claim.pk] if facet.startswith("outlet:")}


def test_facets_follow_the_outlets_of_stories_and_appearances(chain):
    claim, origin, bare = chain
    kyiv, b17 = make_outlet("Kyiv Independent"), make_outlet("B-17")
    story = make_article(outlet=kyiv)
    Claim.objects.filter(pk__in=[claim.pk, bare.pk]).update(article=story)  # published in the story
    assert outlets_of(claim) == outlets_of(bare) == {f"outlet:{kyiv.pk}"}
    Appearance.objects.filter(pk=origin.pk).update(outlet=b17)  # made on another outlet
    assert outlets_of(claim) == {f"outlet:{kyiv.pk}", f"outlet:{b17.pk}"}
    Article.objects.filter(pk=story.pk).update(outlet=b17)  # the story's outlet corrected
    assert outlets_of(claim) == {f"outlet:{b17.pk}"} and outlets_of(bare) == {f"outlet:{b17.pk}"}
    Claim.objects.filter(pk=bare.pk).update(article=None)
    Appearance.objects.filter(pk=origin.pk).update(outlet=None)
    assert outlets_of(bare) == set() and outlets_of(claim) == {f"outlet:{b17.pk}"}
    assert stored() == derived()
    for outlet in (kyiv, b17):
        expected = Claim.objects.filter(Exists(ClaimOutlet.objects.filter(claim=OuterRef("pk"), outlet=outlet)))
        assert set(Claim.objects.involving_outlet(outlet, by_facet=True)) == set(expected), outlet
    assert set(Claim.objects.search("bridge").involving_outlet(b17, by_facet=True)) == {claim}
    Claim.objects.filter(pk=claim.pk).update(article=None)
    assert outlets_of(claim) == set()


def test_the_outlets_backfill_gives_every_claim_its_outlets_merged_claims_too(chain, editor):
    claim, origin, _ = chain
    _, merged = merged_pair(editor, outlet=make_outlet("Ukrainska Pravda"))  # its row is read-only
    Claim.objects.filter(pk=claim.pk).update(article=make_article(outlet=make_outlet("Kyiv Independent")))
    Appearance.objects.filter(pk=origin.pk).update(outlet=make_outlet("B-17"))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in outlets_migration.backfill(outlets_migration.UNDO_BACKFILL):  # as before 0033
            cursor.execute(statement)
        assert outlets_of(claim) == outlets_of(merged) == set()
        for statement in outlets_migration.backfill(outlets_migration.BACKFILL):
            cursor.execute(statement)
    assert len(outlets_of(claim)) == 2 and len(outlets_of(merged)) == 1
    assert stored() == derived()


def calls_of(function):
    """The calls of `function` PostgreSQL has counted on this connection and not yet reported (with
    track_functions on). A test takes the difference before and after what it checks: from PostgreSQL
    15 the count also holds the calls of the connection's earlier transactions not yet reported, and
    none is reported in the middle of a transaction, so the difference within one is its own."""
    with connection.cursor() as cursor:
        calls = "SELECT coalesce(sum(calls), 0)::int FROM pg_stat_xact_user_functions WHERE funcname = %s"
        cursor.execute(calls, [function])
        return cursor.fetchone()[0]


def test_each_claim_written_has_its_facets_worked_out_a_few_times_whatever_the_statistics_say(analysed):
    """A new database, whose claims migration 0044 analysed while there were none: the triggers'
    plans worked out every claim's facets for each claim written (32,300 times for 100 claims)."""
    outlet = make_outlet()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE factcheck_claim, factcheck_appearance, factcheck_claimoutlet, factcheck_assignment")
        cursor.execute("SET LOCAL track_functions = 'all'")
    before = calls_of("factcheck_claim_facets")
    for n in range(40):
        claim = make_claim(f"Claim {n}.", article=make_article(outlet=outlet))
        origin = make_appearance(claim, Venue.PUBLIC_REMARKS)
        make_appearance(claim, Venue.RELAYED_REPORT, outlet=make_outlet(), relayed_from=origin)
    assert calls_of("factcheck_claim_facets") - before <= 3 * 40
    assert stored() == derived()


def test_facets_follow_appearances_changed_moved_and_deleted(chain):
    claim, origin, bare = chain
    Appearance.objects.filter(claim=claim, relayed_from__isnull=False).update(relayed_from=None)
    # A report relaying nothing: the words start at another outlet's report.
    assert stored()[claim.pk] == {"venue:interview", "venue:relayed_report", "relay:relayed"} | own_of(claim)
    Appearance.objects.filter(claim=claim, venue_type=Venue.RELAYED_REPORT).delete()
    assert stored()[claim.pk] == {"venue:interview", "relay:direct"} | own_of(claim)
    Appearance.objects.filter(pk=origin.pk).update(venue_type=Venue.PRESS_CONFERENCE)
    assert "venue:press_conference" in stored()[claim.pk]
    Appearance.objects.filter(pk=origin.pk).update(claim=bare)  # moved: both claims change
    assert stored() == derived()
    assert stored()[bare.pk] == {"venue:press_conference", "relay:direct"} | own_of(bare)
    Appearance.objects.filter(claim=claim).delete()
    assert stored()[claim.pk] == {"relay:direct"} | own_of(claim)
    assert stored() == derived()


def test_only_another_outlet_passing_it_on_makes_a_claim_relayed_and_a_story_moved_to_that_outlet_direct():
    newsroom, wire = make_outlet("B-17"), make_outlet("Kyiv Independent")
    reported = make_claim("Troops moved to Kursk.", article=make_article(outlet=newsroom))
    relay = make_appearance(reported, Venue.RELAYED_REPORT, outlet=newsroom, relayed_from=make_appearance(reported))
    told = make_claim("The bridge is closed.", article=make_article(outlet=newsroom))
    make_appearance(told, Venue.STATEMENT_TO_OUTLET, outlet=wire)
    assert "relay:direct" in stored()[reported.pk]  # public remarks the newsroom reported itself
    assert "relay:relayed" in stored()[told.pk]  # said to another outlet
    Appearance.objects.filter(pk=relay.pk).update(outlet=wire)
    assert "relay:relayed" in stored()[reported.pk]
    Article.objects.filter(pk=reported.article_id).update(outlet=wire)  # the story is the wire's now
    Article.objects.filter(pk=told.article_id).update(outlet=wire)
    assert "relay:direct" in stored()[reported.pk] and "relay:direct" in stored()[told.pk]
    assert stored() == derived()
    assert set(Claim.objects.direct()) == {reported, told}


def test_bulk_created_and_raw_sql_appearances_are_followed(chain):
    _, _, bare = chain
    Appearance.objects.bulk_create([Appearance(claim=bare, venue_type=Venue.STATEMENT_TO_OUTLET) for _ in range(3)])
    assert stored()[bare.pk] == {"venue:statement_to_outlet", "relay:direct"} | own_of(bare)
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO factcheck_appearance (claim_id, venue_type, relayed_from_id, url, "when") '
            "SELECT %s, 'relayed_report', id, '', '' FROM factcheck_appearance WHERE claim_id = %s LIMIT 1",
            [bare.pk, bare.pk],
        )
        assert stored()[bare.pk] == {"venue:statement_to_outlet", "venue:relayed_report", "relay:relayed"} | own_of(
            bare
        )
        cursor.execute(
            "DELETE FROM factcheck_appearance WHERE claim_id = %s AND venue_type = 'relayed_report'", [bare.pk]
        )
    assert stored()[bare.pk] == {"venue:statement_to_outlet", "relay:direct"} | own_of(bare)
    assert stored() == derived()


def test_an_import_writes_each_claims_facets_with_it_and_the_triggers_leave_them(admin_user):
    def claim_rows_rewritten():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'factcheck_claim'")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'all'")
    before = claim_rows_rewritten(), calls_of("factcheck_claim_own_facets")
    job = importing.import_file(SAMPLE, user=admin_user)
    assert job.created_count == Claim.objects.count() > 5
    assert stored() == derived()
    assert {"relay:relayed", "relay:direct"} <= set().union(*stored().values())
    # The claims' facets came with them: the triggers found nothing to rewrite, nor to add to a claim's own.
    assert (claim_rows_rewritten(), calls_of("factcheck_claim_own_facets")) == before


def test_a_reimport_giving_a_claim_another_speaker_moves_its_speaker_facet(admin_user, tmp_path):
    importing.import_file(SAMPLE, user=admin_user)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("speaker")] = "Olena Kovalenko"
    moved = tmp_path / "moved.csv"
    moved.write_text(lines[0] + ",".join(first) + "".join(lines[2:]), encoding="utf-8")
    importing.import_file(moved, user=admin_user)
    claim = Claim.objects.get(import_key=first[header.index("id")])
    assert claim.speaker.name == "Olena Kovalenko"
    assert {facet for facet in stored()[claim.pk] if facet.startswith("speaker:")} == {f"speaker:{claim.speaker_id}"}
    assert stored() == derived()


def test_the_venue_and_relay_filters_answer_as_the_appearances_do(chain):
    claim, _, bare = chain
    make_appearance(bare, Venue.PRESS_CONFERENCE)
    for venue in (Venue.INTERVIEW, Venue.PRESS_CONFERENCE, Venue.RELAYED_REPORT, Venue.SOCIAL_MEDIA_POST):
        expected = Claim.objects.filter(Exists(Appearance.objects.filter(claim=OuterRef("pk"), venue_type=venue)))
        assert set(Claim.objects.at_venue(venue)) == set(expected), venue
    unrecorded = make_claim("The dam held.")  # no appearance: neither direct nor relayed
    relays = Exists(Appearance.objects.filter(claim=OuterRef("pk"), relayed_from__isnull=False))
    recorded = Exists(Appearance.objects.filter(claim=OuterRef("pk")))
    assert set(Claim.objects.relayed()) == set(Claim.objects.filter(relays)) == {claim}
    assert set(Claim.objects.direct()) == set(Claim.objects.filter(recorded).exclude(relays)) == {bare}
    assert unrecorded not in Claim.objects.direct() | Claim.objects.relayed()


def test_the_search_index_intersects_the_words_with_the_facets(chain):
    claims = Claim.objects.search("bridge").at_venue(Venue.INTERVIEW).relayed()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # a bitmap scan: the index's own conditions show
        sql, params = claims.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    index_scan = next(line for line in plan.splitlines() if "Bitmap Index Scan" in line)
    assert "claim_search_idx" in index_scan, plan
    conditions = plan.split(index_scan, 1)[1].splitlines()[1]
    assert "search_document @@" in conditions and "facets @>" in conditions, plan
    assert list(claims) == [chain[0]]


def merged_pair(editor, outlet=None):
    """A claim merged into another: it keeps the appearance the claim kept already records (on `outlet`)."""
    kept = make_claim("The dam was hit.")
    merged = make_claim("The dam was struck.", speaker=kept.speaker)
    make_appearance(kept, Venue.INTERVIEW, outlet=outlet)
    make_appearance(merged, Venue.INTERVIEW, outlet=outlet)
    make_appearance(merged, Venue.PRESS_CONFERENCE)
    merging.merge(merged, kept, by=editor, reason="The same claim.", merged_version=1, into_version=1)
    return kept, merged


def test_a_merge_moves_the_facets_with_the_appearances(editor):
    kept, merged = merged_pair(editor)
    assert Claim.objects.get(pk=merged.pk).merged_into_id == kept.pk
    assert "venue:press_conference" in stored()[kept.pk]
    assert stored() == derived()


def test_the_backfill_gives_every_claim_its_facets_merged_claims_too(chain, editor):
    _, merged = merged_pair(editor)
    assert Appearance.objects.filter(claim=merged).exists()  # a merged claim keeps appearances: its row is read-only
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the claims' history checks, due at the commit, run now
        cursor.execute("ALTER TABLE factcheck_claim DISABLE TRIGGER USER")
        cursor.execute("UPDATE factcheck_claim SET facets = DEFAULT")  # as the new column leaves them
        cursor.execute("ALTER TABLE factcheck_claim ENABLE TRIGGER USER")
        start = migration.POSTGRES_FORWARD.index(migration.BACKFILL) - len(migration.BACKFILL_TRIGGERS)
        for statement in migration.POSTGRES_FORWARD[start : start + 2 * len(migration.BACKFILL_TRIGGERS) + 1]:
            cursor.execute(statement)
        for statement in outlets_migration.backfill(own_migration.BACKFILL):  # the status and kind, 0034's
            cursor.execute(statement)
        for statement in outlets_migration.backfill(speaker_migration.BACKFILL):  # and the speaker, 0053's
            cursor.execute(statement)
        for statement in outlets_migration.backfill(attribution_migration.BACKFILL):  # and the attribution, 0054's
            cursor.execute(statement)
    assert stored() == derived()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_adding_appearances_to_one_claim_keep_both_venues():
    """Each trigger locks the claim before reading its appearances: the second waits for the first's
    commit and reads its appearance too, where it would otherwise write its own view over it."""
    claim = make_claim("The power plant was shelled.")
    make_appearance(claim, Venue.INTERVIEW)
    settings = connection.settings_dict
    params = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
    insert = 'INSERT INTO factcheck_appearance (claim_id, venue_type, url, "when") VALUES (%s, %s, %s, %s)'
    with psycopg.connect(**params) as first, psycopg.connect(**params) as second:
        first.execute(insert, [claim.pk, Venue.PRESS_CONFERENCE, "", ""])
        waiting = threading.Thread(
            target=lambda: (second.execute(insert, [claim.pk, Venue.SOCIAL_MEDIA_POST, "", ""]), second.commit())
        )
        waiting.start()
        time.sleep(0.5)  # the second insert's trigger waits for the claim's lock
        first.commit()
        waiting.join(timeout=30)
    assert stored()[claim.pk] == {
        "venue:interview",
        "venue:press_conference",
        "venue:social_media_post",
        "relay:direct",
        *own_of(claim),
    }
    assert stored() == derived()


def test_facets_follow_assignments_made_moved_and_removed(chain, reviewer, editor):
    claim, _, bare = chain
    Assignment.objects.assign([claim, bare], reviewer, by=editor)
    Assignment.objects.assign([claim, make_article()], editor, by=editor)  # a story's assignment: no claim
    assert stored()[claim.pk] >= {f"assignee:{reviewer.pk}", f"assignee:{editor.pk}", "venue:interview"}
    assert stored() == derived()
    Assignment.objects.filter(claim=bare).update(assignee=editor)
    assert f"assignee:{editor.pk}" in stored()[bare.pk] and f"assignee:{reviewer.pk}" not in stored()[bare.pk]
    Assignment.objects.filter(claim=claim, assignee=reviewer).delete()
    assert f"assignee:{reviewer.pk}" not in stored()[claim.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO factcheck_assignment (claim_id, assignee_id, assigned_by_id, assigned_at)"
            " VALUES (%s, %s, %s, now())",
            [bare.pk, reviewer.pk, editor.pk],
        )
        assert f"assignee:{reviewer.pk}" in stored()[bare.pk]
    assert stored() == derived()


def test_the_assignee_filter_answers_as_the_assignments_do(chain, reviewer, editor):
    claim, _, bare = chain
    Assignment.objects.assign([claim], reviewer, by=editor)
    Assignment.objects.assign([claim, bare], editor, by=editor)
    for person in (reviewer, editor, reviewer.username.upper(), "nobody"):
        by = {"assignee": person} if hasattr(person, "pk") else {"assignee__username__iexact": person}
        expected = Claim.objects.filter(pk__in=Assignment.objects.filter(**by).values("claim"))
        assert set(Claim.objects.assigned_to(person, by_facet=True)) == set(expected), person
    assert set(Claim.objects.assigned_to(reviewer, by_facet=True)) == {claim}
    assert set(Claim.objects.search("bridge").assigned_to(reviewer, by_facet=True)) == {claim}


def test_a_merged_claims_assignment_is_removed_and_its_row_left_as_it_was(editor, reviewer):
    _, merged = merged_pair(editor)
    Assignment.objects.create(claim=merged, assignee=reviewer, assigned_by=editor)  # left on the merged claim
    before = stored()[merged.pk]
    Assignment.objects.filter(claim=merged).delete()  # the row is read-only: not rewritten, and no error
    assert stored()[merged.pk] == before


def test_the_assignees_backfill_gives_assigned_claims_theirs(chain, reviewer, editor):
    claim, _, _ = chain
    Assignment.objects.assign([claim], reviewer, by=editor)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE factcheck_claim DISABLE TRIGGER USER")
        cursor.execute("UPDATE factcheck_claim SET facets = array_remove(facets, %s)", [f"assignee:{reviewer.pk}"])
        cursor.execute("ALTER TABLE factcheck_claim ENABLE TRIGGER USER")
        assert f"assignee:{reviewer.pk}" not in stored()[claim.pk]
        cursor.execute(assignees_migration.BACKFILL)
    assert stored() == derived()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_assigning_the_same_claims_in_opposite_orders_both_succeed(monkeypatch, reviewer, editor):
    """Each assignment's trigger locks its claim until the commit: assign() locks the claims first,
    in id order, so two of them wait for each other rather than deadlock."""
    first, second = make_claim("The dam was hit."), make_claim("The port reopened.")
    real_create = AssignmentRecord.objects.create

    def slow_create(**fields):  # each assignment's record written slowly: the two runs interleave
        record = real_create(**fields)
        time.sleep(0.3)
        return record

    monkeypatch.setattr(AssignmentRecord.objects, "create", slow_create)
    failures = []

    def assign(claims, person):
        try:
            Assignment.objects.assign(claims, person, by=editor)
        except Exception as error:
            failures.append(error)
        finally:
            django_connections.close_all()

    runs = [
        threading.Thread(target=assign, args=([first, second], reviewer)),
        threading.Thread(target=assign, args=([second, first], editor)),
    ]
    for run in runs:
        run.start()
        time.sleep(0.1)
    for run in runs:
        run.join(timeout=30)
    assert failures == []
    assert Assignment.objects.filter(claim__in=[first, second]).count() == 4
    assert stored() == derived()


def own_facets(claim):
    return {facet for facet in stored()[claim.pk] if facet.startswith(("status:", "kind:"))}


def test_a_claims_status_and_kind_follow_every_road_that_writes_them(chain, editor):
    claim, _, bare = chain
    assert own_facets(claim) == NEW_CLAIM
    make_evidence(claim, by=editor)
    claim.set_status("verified", by=editor, reason="The ministry's data confirms it.")
    assert own_facets(claim) == {"status:verified", "kind:factual"}
    Claim.objects.filter(pk=claim.pk).update(kind=ClaimKind.PREDICTION)
    assert own_facets(claim) == {"status:verified", "kind:prediction"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE factcheck_claim SET kind = 'opinion' WHERE id = %s", [bare.pk])
        assert own_facets(bare) == {"status:unconfirmed", "kind:opinion"}
        written_without_them = "UPDATE factcheck_claim SET facets = '{relay:direct}' WHERE id = %s"
        cursor.execute(written_without_them, [bare.pk])
        assert own_facets(bare) == {"status:unconfirmed", "kind:opinion"}
        cursor.execute("UPDATE factcheck_claim SET facets = facets || '{status:verified}' WHERE id = %s", [bare.pk])
    assert own_facets(bare) == {"status:unconfirmed", "kind:opinion"}  # the row's, and no other
    make_appearance(claim, Venue.PRESS_CONFERENCE)  # the other facets recomputed: the claim's own kept
    assert stored() == derived()


def test_the_status_and_kind_filters_answer_from_the_facets_as_from_the_row(chain, editor):
    _, _, bare = chain
    prediction = make_claim("The bridge will reopen by spring.", kind=ClaimKind.PREDICTION)
    make_evidence(prediction, by=editor)
    prediction.set_status("verified", by=editor, reason="Confirmed.")
    Claim.objects.filter(pk=bare.pk).update(kind=ClaimKind.OPINION)
    for field, values in (("status", ["unconfirmed", "verified", "false"]), ("kind", ClaimKind.values)):
        for value in values:
            expected = set(Claim.objects.filter(**{field: value}))
            assert set(Claim.objects.with_own(field, value, by_facet=True)) == expected, value
    searched = Claim.objects.search("bridge").with_own("status", "verified", by_facet=True)
    assert list(searched.with_own("kind", ClaimKind.PREDICTION, by_facet=True)) == [prediction]
    assert "facets @>" in str(searched.query) and "facets @>" not in str(
        Claim.objects.with_own("status", "unconfirmed", by_facet=True).query
    )  # the value that keeps most claims is read from the row


def where(claims):
    """The conditions of the query of `claims`' ids (their columns left out of it)."""
    return str(claims.values("pk").query).split(" WHERE ", 1)[1]


def speaker_facets(claim):
    return {facet for facet in stored()[claim.pk] if facet.startswith("speaker:")}


def test_a_claims_speaker_follows_every_road_that_writes_it(chain, editor):
    claim, _, bare = chain
    first, second, third = claim.speaker, make_speaker("Olena Kovalenko"), make_speaker("Ihor Petrenko")
    assert speaker_facets(claim) == {f"speaker:{first.pk}"}
    claim.change_speaker(second, by=editor)
    assert speaker_facets(claim) == {f"speaker:{second.pk}"}
    Claim.objects.filter(pk=claim.pk).update(speaker=third)
    assert speaker_facets(claim) == {f"speaker:{third.pk}"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE factcheck_claim SET speaker_id = %s WHERE id = %s", [second.pk, bare.pk])
        assert speaker_facets(bare) == {f"speaker:{second.pk}"}
        cursor.execute(
            "UPDATE factcheck_claim SET facets = facets || %s WHERE id = %s", [[f"speaker:{first.pk}"], bare.pk]
        )
    assert speaker_facets(bare) == {f"speaker:{second.pk}"}  # the row's, and no other
    assert stored() == derived()


def test_the_speaker_filter_answers_from_the_facets_as_from_the_row(chain):
    claim, _, bare = chain
    other = make_claim("The bridge was reopened.", speaker=bare.speaker)
    for speakers in ([claim.speaker_id], [bare.speaker_id], [claim.speaker_id, bare.speaker_id], []):
        expected = set(Claim.objects.filter(speaker__in=speakers))
        assert set(Claim.objects.said_by(speakers, by_facet=True)) == expected, speakers
    searched = Claim.objects.search("bridge").said_by([bare.speaker_id], by_facet=True)
    assert list(searched) == [other]
    condition = where(searched)
    assert "facets &&" in condition and "speaker_id" not in condition
    assert "facets" not in str(Claim.objects.said_by([bare.speaker_id]).values("pk").query)


def test_a_claims_attribution_follows_every_road_that_writes_it_and_its_filter_answers_from_the_facets(chain, editor):
    claim, _, bare = chain

    def attribution_facets(of):
        return {facet for facet in stored()[of.pk] if facet.startswith("attribution:")}

    claim.set_attribution("relayed", by=editor, reason="Only the agency's word for it.")
    assert attribution_facets(claim) == {"attribution:relayed"}
    bare.set_attribution("denied", by=editor, reason="The ministry says he never said it.")
    assert attribution_facets(bare) == {"attribution:denied"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE factcheck_claim SET facets = facets || '{attribution:relayed}' WHERE id = %s", [bare.pk])
    assert attribution_facets(bare) == {"attribution:denied"}  # the row's, and no other
    assert stored() == derived()
    for value in ("relayed", "confirmed", "not_checked", "denied"):
        searched = Claim.objects.search("bridge port").with_own("attribution", value, by_facet=True)
        assert "facets @>" in where(searched) and '."attribution"' not in where(searched), value
        assert set(Claim.objects.with_own("attribution", value, by_facet=True)) == set(
            Claim.objects.filter(attribution=value)
        ), value


@pytest.mark.parametrize("named", [1, MERGED_SPEAKERS, MERGED_SPEAKERS + 1])
def test_the_queue_searches_within_a_few_speakers_through_the_facets_and_many_through_the_row(named, reviewer):
    speakers = [make_speaker(f"Kovalenko {number}") for number in range(named)]
    bridges = [
        make_claim(f"The bridge {number} was closed.", speaker=speaker) for number, speaker in enumerate(speakers)
    ]
    make_claim("The bridge was closed.", speaker=make_speaker("Petrenko"))
    form = ClaimFilterForm({"q": "bridge", "speaker": "Kovalenko", "status": "all"}, user=reviewer)
    assert form.is_valid(), form.errors
    condition = where(form.claims())
    by_facet = named <= MERGED_SPEAKERS
    assert ("facets &&" in condition) == by_facet and ("speaker_id" in condition) == (not by_facet), condition
    assert set(form.claims()) == set(bridges)
    assert "facets" not in str(form.claims(searched=False).values("pk").query)  # a walk reads the row


def test_the_speakers_backfill_gives_every_claim_its_speaker_merged_claims_too(chain, editor):
    _, merged = merged_pair(editor)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE factcheck_claim DISABLE TRIGGER USER")
        cursor.execute(speaker_migration.SPEAKER_FACETS.backfill(own_migration.OWN))  # as before 0053
        cursor.execute("ALTER TABLE factcheck_claim ENABLE TRIGGER USER")
        assert speaker_facets(merged) == set()
        for statement in outlets_migration.backfill(speaker_migration.BACKFILL):
            cursor.execute(statement)
    assert speaker_facets(merged) == {f"speaker:{merged.speaker_id}"}
    assert stored() == derived()


def test_the_status_and_kind_backfill_gives_every_claim_theirs_merged_claims_too(chain, editor):
    claim, _, _ = chain
    _, merged = merged_pair(editor)
    Claim.objects.filter(pk=claim.pk).update(kind=ClaimKind.PREDICTION)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE factcheck_claim DISABLE TRIGGER USER")
        cursor.execute(own_migration.UNDO_BACKFILL)  # as before 0034
        # A claim imported by this version into a database not yet migrated, its kind changed since.
        cursor.execute("UPDATE factcheck_claim SET facets = facets || '{kind:opinion}' WHERE id = %s", [claim.pk])
        cursor.execute("ALTER TABLE factcheck_claim ENABLE TRIGGER USER")
        assert own_facets(claim) == {"kind:opinion"} and own_facets(merged) == set()
        for statement in outlets_migration.backfill(own_migration.BACKFILL):
            cursor.execute(statement)
    assert own_facets(claim) == {"status:unconfirmed", "kind:prediction"} and own_facets(merged) == NEW_CLAIM
    assert stored() == derived()
