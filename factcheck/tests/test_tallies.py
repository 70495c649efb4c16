"""The claim counts the database keeps (factcheck.tallies): right after every road a write takes."""

import datetime
import re
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from factcheck import importing, merging, tallies
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    ClaimOutlet,
    Decision,
    Outlet,
    OutletClaimTally,
    OutletTally,
    OutletTotal,
    Speaker,
    SpeakerTally,
    SpeakerTotal,
    StoryTally,
    StoryTotal,
    VerificationEvent,
)
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_claims,
    make_evidence,
    make_outlet,
    make_speaker,
    recorder,
)
from factcheck.tests.test_admin import form_data
from factcheck.tests.test_import import csv_text, row, run_import

pytestmark = pytest.mark.django_db

SAMPLE = settings.BASE_DIR / "fixtures" / "sample-claims.csv"


def kept():
    """What the triggers keep, zero counts left out; every key ends with the status and the attribution."""
    return {
        "speakers": {
            (row.speaker_id, row.month, row.status, row.attribution): row.claims
            for row in SpeakerTally.objects.exclude(claims=0)
        },
        "stories": {
            (row.article_id, row.status, row.attribution): row.claims for row in StoryTally.objects.exclude(claims=0)
        },
        "outlets": {
            (row.outlet_id, row.role, row.status, row.attribution): row.claims
            for row in OutletTally.objects.exclude(claims=0)
        },
        "outlet_claims": {
            (row.outlet_id, row.status, row.attribution): row.claims
            for row in OutletClaimTally.objects.exclude(claims=0)
        },
        "totals": {
            **{("speaker", row.speaker_id): (row.claims, row.latest_claim_at) for row in SpeakerTotal.objects.all()},
            **{("story", row.article_id): (row.claims, row.latest_claim_at) for row in StoryTotal.objects.all()},
            **{("outlet", row.outlet_id): (row.claims, row.latest_claim_at) for row in OutletTotal.objects.all()},
        },
    }


def by_status(counts):
    """The counts with the attribution left out of their keys (summed over it)."""
    summed = Counter()
    for (*key, _attribution), claims in counts.items():
        summed[tuple(key)] += claims
    return dict(summed)


def by_attribution(counts):
    """The counts with the status left out of their keys (summed over it)."""
    summed = Counter()
    for (*key, _status, attribution), claims in counts.items():
        summed[(*key, attribution)] += claims
    return dict(summed)


def counted():
    """The same counts, worked out from the claims with the ORM."""
    utc = datetime.UTC
    claims = Claim.objects.not_merged()
    months = claims.annotate(month=TruncMonth("created_at", tzinfo=utc))
    speakers = {
        (r["speaker"], r["month"].date(), r["status"], r["attribution"]): r["n"]
        for r in months.values("speaker", "month", "status", "attribution").annotate(n=Count("id"))
    }
    with_story = claims.filter(article__isnull=False)
    stories = {
        (r["article"], r["status"], r["attribution"]): r["n"]
        for r in with_story.values("article", "status", "attribution").annotate(n=Count("id"))
    }
    outlets = Counter()
    involved = {claim: set() for claim in claims}  # each claim's outlets, whatever their parts
    for claim in with_story.select_related("article"):
        outlets[claim.article.outlet_id, "published", claim.status, claim.attribution] += 1
        involved[claim].add(claim.article.outlet_id)
    for appearance in Appearance.objects.filter(outlet__isnull=False, claim__in=claims).select_related("claim"):
        role = "made" if appearance.relayed_from_id is None else "relayed"
        outlets[appearance.outlet_id, role, appearance.claim.status, appearance.claim.attribution] += 1
        involved[appearance.claim].add(appearance.outlet_id)
    outlet_claims, latest = Counter(), {}
    for claim, outlet_ids in involved.items():
        for outlet in outlet_ids:
            outlet_claims[outlet, claim.status, claim.attribution] += 1
            latest[outlet] = max(latest.get(outlet, claim.created_at), claim.created_at)
    totals = {}
    kept_claims = Q(claims__merged_into__isnull=True)
    for speaker in Speaker.objects.annotate(
        n=Count("claims", filter=kept_claims), latest=Max("claims__created_at", filter=kept_claims)
    ):
        totals["speaker", speaker.pk] = (speaker.n, speaker.latest)
    for article in Article.objects.annotate(
        n=Count("claims", filter=kept_claims), latest=Max("claims__created_at", filter=kept_claims)
    ):
        totals["story", article.pk] = (article.n, article.latest)
    for outlet in Outlet.objects.all():
        mine = sum(n for (pk, *_), n in outlet_claims.items() if pk == outlet.pk)  # each claim once
        totals["outlet", outlet.pk] = (mine, latest.get(outlet.pk))
    return {
        "speakers": speakers,
        "stories": stories,
        "outlets": dict(outlets),
        "outlet_claims": dict(outlet_claims),
        "totals": totals,
    }


def test_the_triggers_exist_on_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%tally%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%tally%'")
        assert sorted(name for (name,) in cursor.fetchall()) == sorted(tallies.TRIGGER_NAMES)


def test_a_status_change_moves_the_claim_from_one_count_to_another(editor):
    outlet = make_outlet()
    claim = make_claim(article=make_article(outlet=outlet))
    make_appearance(claim, outlet=outlet)
    month = claim.created_at.astimezone(datetime.UTC).date().replace(day=1)
    assert by_status(kept()["speakers"]) == {(claim.speaker_id, month, "unconfirmed"): 1}

    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Transcript found.")

    assert by_status(kept()["speakers"]) == {(claim.speaker_id, month, "verified"): 1}
    assert by_status(kept()["stories"]) == {(claim.article_id, "verified"): 1}
    assert by_status(kept()["outlets"]) == {(outlet.pk, "published", "verified"): 1, (outlet.pk, "made", "verified"): 1}
    assert SpeakerTotal.objects.get(speaker=claim.speaker).claims == 1
    assert OutletTotal.objects.get(outlet=outlet).claims == 1  # published and made on it: one claim
    assert kept()["outlet_claims"] == {(outlet.pk, "verified", claim.attribution): 1}
    assert kept() == counted()


def test_an_attribution_decision_moves_the_claim_from_one_count_to_another(editor):
    outlet = make_outlet()
    claim = make_claim(article=make_article(outlet=outlet))
    said = make_appearance(claim, Appearance.Venue.PUBLIC_REMARKS, outlet=make_outlet("Kyiv Independent"))
    make_appearance(claim, Appearance.Venue.RELAYED_REPORT, outlet=outlet, relayed_from=said)
    month = claim.created_at.astimezone(datetime.UTC).date().replace(day=1)
    before = claim.attribution

    claim.set_attribution("denied", by=editor, reason="His office says he never said it.")

    assert before != "denied"
    assert by_attribution(kept()["speakers"]) == {(claim.speaker_id, month, "denied"): 1}
    assert by_attribution(kept()["stories"]) == {(claim.article_id, "denied"): 1}
    assert by_attribution(kept()["outlets"]) == {
        (outlet.pk, "published", "denied"): 1,
        (outlet.pk, "relayed", "denied"): 1,
        (said.outlet_id, "made", "denied"): 1,
    }
    assert kept() == counted()


def test_counts_follow_every_kind_of_edit(editor):
    kyiv, b17 = make_outlet("Kyiv Independent"), make_outlet("B-17")
    zelenskyy, blinken = make_speaker("Zelenskyy"), make_speaker("Blinken")
    story = make_article(outlet=b17)
    first = make_claim(speaker=zelenskyy, article=story)
    second = make_claim(speaker=zelenskyy, article=story)
    third = make_claim(speaker=blinken)
    said = make_appearance(first, Appearance.Venue.PUBLIC_REMARKS, outlet=kyiv)
    relay = make_appearance(first, Appearance.Venue.RELAYED_REPORT, outlet=b17, relayed_from=said)
    make_appearance(third, outlet=kyiv)
    assert kept() == counted()

    make_evidence(second, "refutes")
    second.set_status("false", by=editor, reason="Shown wrong.")  # status
    third.speaker = zelenskyy
    third.save()  # a claim moved to another speaker, through save()
    Claim.objects.filter(pk=first.pk).update(article=None)  # a claim taken out of its story, by update()
    Article.objects.filter(pk=story.pk).update(outlet=kyiv)  # a story moved to another outlet
    relay.relayed_from = None
    relay.save()  # an appearance that no longer relays
    Appearance.objects.filter(pk=said.pk).update(outlet=b17)
    assert kept() == counted()

    relay.delete()
    Appearance.objects.filter(claim=third).delete()
    assert kept() == counted()
    assert SpeakerTotal.objects.get(speaker=blinken).claims == 0
    assert SpeakerTotal.objects.get(speaker=blinken).latest_claim_at is None


def test_an_outlet_counts_a_claim_once_whatever_parts_it_played_in_it():
    """B-17 published the claim, which was made to it, and relayed it too: three parts, one claim."""
    b17, kyiv = make_outlet("B-17"), make_outlet("Kyiv Independent")
    claim = make_claim(article=make_article(outlet=b17))
    make_appearance(claim, Appearance.Venue.STATEMENT_TO_OUTLET, outlet=b17)
    said = make_appearance(claim, Appearance.Venue.PUBLIC_REMARKS, outlet=kyiv)
    make_appearance(claim, Appearance.Venue.RELAYED_REPORT, outlet=b17, relayed_from=said)

    assert sum(claims for (outlet, *_), claims in kept()["outlets"].items() if outlet == b17.pk) == 3
    assert by_status(kept()["outlet_claims"]) == {(b17.pk, "unconfirmed"): 1, (kyiv.pk, "unconfirmed"): 1}
    assert OutletTotal.objects.get(outlet=b17).claims == 1
    assert kept() == counted()


def test_an_outlets_claims_follow_every_road_a_write_takes(editor):
    """Each outlet's claims, each once, compared with the ones worked out from the claims after each change."""
    b17, kyiv, x = make_outlet("B-17"), make_outlet("Kyiv Independent"), make_outlet("X")
    story, other_story = make_article(outlet=b17), make_article(outlet=kyiv)
    first = make_claim(article=story)
    second = make_claim(article=story)
    duplicate = make_claim(speaker=second.speaker, article=other_story)
    told = make_appearance(
        first, Appearance.Venue.STATEMENT_TO_OUTLET, outlet=b17
    )  # made to the outlet that published it
    said = make_appearance(second, Appearance.Venue.PUBLIC_REMARKS, outlet=x)
    make_appearance(duplicate, Appearance.Venue.STATEMENT_TO_OUTLET, outlet=b17)
    assert kept() == counted()

    def status_changed():
        make_evidence(first, "refutes")
        first.set_status("false", by=editor, reason="Shown wrong.")

    def re_pointed_by_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE factcheck_appearance SET outlet_id = %s WHERE id = %s", [b17.pk, told.pk])

    def merged():
        merging.merge(duplicate, second, by=editor, reason="Recorded twice.", merged_version=1, into_version=1)

    changes = {
        "a relay added": lambda: make_appearance(
            second, Appearance.Venue.RELAYED_REPORT, outlet=b17, relayed_from=said
        ),
        "a status change": status_changed,
        "an appearance re-pointed": lambda: Appearance.objects.filter(pk=told.pk).update(outlet=kyiv),
        "an appearance re-pointed by SQL": re_pointed_by_sql,
        "a claim moved to another story": lambda: Claim.objects.filter(pk=first.pk).update(article=other_story),
        "a story moved to another outlet": lambda: Article.objects.filter(pk=story.pk).update(outlet=x),
        "a claim merged into another": merged,
        "an appearance removed": told.delete,
        "a claim taken out of its story": lambda: Claim.objects.filter(pk=second.pk).update(article=None),
    }
    for change, write in changes.items():
        write()
        assert kept() == counted(), change
    for outlet in (b17, kyiv, x):  # as the queue filtered by the outlet lists them
        assert (
            OutletTotal.objects.get(outlet=outlet).claims == Claim.objects.not_merged().involving_outlet(outlet).count()
        )


def test_a_claim_moved_to_another_story_with_a_new_verdict_in_one_statement_leaves_its_outlet_at_the_old_one(editor):
    """The old outlet loses the claim at the verdict it counted it under, whichever trigger runs first."""
    b17, kyiv = make_outlet("B-17"), make_outlet("Kyiv Independent")
    claim = make_claim(article=make_article(outlet=b17))
    make_appearance(claim, Appearance.Venue.STATEMENT_TO_OUTLET, outlet=kyiv)
    elsewhere = make_article(outlet=kyiv)
    VerificationEvent.objects.create(
        claim=claim, from_status="unconfirmed", to_status="disputed", by=editor, reason="Sources disagree.", version=2
    )

    Claim.objects.filter(pk=claim.pk).update(article=elsewhere, status="disputed", version=2)

    assert by_status(kept()["outlet_claims"]) == {(kyiv.pk, "disputed"): 1}
    assert OutletTotal.objects.get(outlet=b17).claims == 0
    assert kept() == counted()


def test_an_edit_in_the_admin_is_counted(editor_client):
    b17, kyiv = make_outlet("B-17"), make_outlet("Kyiv Independent")
    claim = make_claim(article=make_article(outlet=b17))
    make_appearance(claim, Appearance.Venue.STATEMENT_TO_OUTLET, outlet=b17)
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(page))
    data |= {"article": make_article(outlet=kyiv).pk, "appearances-0-outlet": kyiv.pk, "_save": "Save"}

    assert editor_client.post(page, data).status_code == 302

    assert set(ClaimOutlet.objects.filter(claim=claim).values_list("outlet", "role")) == {
        (kyiv.pk, "published"),
        (kyiv.pk, "made"),
    }
    assert kept()["outlet_claims"] == {(kyiv.pk, "unconfirmed", claim.attribution): 1}
    assert kept() == counted()


def test_a_claim_merged_into_another_is_counted_once(editor):
    outlet = make_outlet()
    story = make_article(outlet=outlet)
    kept_claim = make_claim("Troops were moved to Kursk.", article=story)
    duplicate = make_claim("Troops were moved to Kursk region.", speaker=kept_claim.speaker, article=story)
    make_appearance(duplicate, outlet=outlet)
    assert SpeakerTotal.objects.get(speaker=kept_claim.speaker).claims == 2

    merging.merge(duplicate, kept_claim, by=editor, reason="Recorded twice.", merged_version=1, into_version=1)

    assert SpeakerTotal.objects.get(speaker=kept_claim.speaker).claims == 1
    assert StoryTotal.objects.get(article=story).claims == 1
    assert by_status(kept()["outlets"]) == {
        (outlet.pk, "published", "unconfirmed"): 1,
        (outlet.pk, "made", "unconfirmed"): 1,
    }
    assert kept() == counted()


def test_every_speaker_outlet_and_story_has_a_total_from_the_start():
    speaker, outlet = make_speaker(), make_outlet()
    story = make_article(outlet=outlet)
    assert SpeakerTotal.objects.get(speaker=speaker).claims == 0
    assert OutletTotal.objects.get(outlet=outlet).claims == 0
    assert StoryTotal.objects.get(article=story).claims == 0


def test_the_latest_claim_is_looked_up_again_when_the_latest_leaves():
    speaker, other = make_speaker(), make_speaker()
    older = make_claim(speaker=speaker)
    newer = make_claim(speaker=speaker)
    assert SpeakerTotal.objects.get(speaker=speaker).latest_claim_at == newer.created_at
    Claim.objects.filter(pk=newer.pk).update(speaker=other)
    assert SpeakerTotal.objects.get(speaker=speaker).latest_claim_at == older.created_at
    assert SpeakerTotal.objects.get(speaker=other).latest_claim_at == newer.created_at


def test_an_import_is_counted(admin_user):
    make_claim(speaker=make_speaker("Andrii Kovalenko"))
    job = importing.import_file(SAMPLE, user=admin_user)
    assert job.created_count > 0
    assert sum(kept()["speakers"].values()) == Claim.objects.count()
    # The sample's outlets played more than one part in some claims: parts and claims differ.
    assert sum(kept()["outlet_claims"].values()) < sum(kept()["outlets"].values())
    assert kept() == counted()


def test_an_import_that_moves_stored_claims_is_counted(admin_user, tmp_path):
    """The importer moves stored claims with one UPDATE for each verdict: their outlets' counts follow."""
    importing.import_file(SAMPLE, user=admin_user)
    moved = tmp_path / "moved.csv"
    moved.write_text(SAMPLE.read_text(encoding="utf-8").replace(",unconfirmed,", ",disputed,"), encoding="utf-8")

    job = importing.import_file(moved, user=admin_user)

    assert job.updated_count > 0
    assert {status for _, status, _ in kept()["outlet_claims"]} >= {"disputed"}
    assert kept() == counted()


def test_counting_again_from_the_claims_gives_what_the_triggers_kept(editor):
    outlet = make_outlet()
    for _ in range(3):
        claim = make_claim(article=make_article(outlet=outlet))
        make_appearance(claim, outlet=make_outlet(), relayed_from=make_appearance(claim, outlet=outlet))
    before = kept()
    tallies.rebuild(connection)
    assert kept() == before == counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_triggers_probe_the_claims_by_index_whatever_the_statistics_say():
    """An import into a new database: the triggers' plans, made on the first statement and kept for the
    session, must not scan every claim for each statement's rows once the table has grown."""
    speaker, outlet = make_speaker(), make_outlet()
    with connection.cursor() as cursor:  # never analysed, as in a new database (autovacuum may have run here)
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1, relpages = 0"
            " WHERE relname IN ('factcheck_claim', 'factcheck_appearance')"
        )
    make_appearance(make_claim(speaker=speaker), outlet=outlet)  # the plan is made while the tables are small
    # At version 1, as an import inserts a claim before the event that records it (below).
    claims = Claim.objects.bulk_create(
        Claim(speaker=speaker, text=f"Claim {n} of an import", version=1) for n in range(2000)
    )
    plans = []

    def keep(notice):
        plans.append(notice.message_primary)

    connection.connection.add_notice_handler(keep)
    try:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            cursor.execute("SET auto_explain.log_min_duration = 0")
            cursor.execute("SET auto_explain.log_nested_statements = on")
            cursor.execute("SET auto_explain.log_level = notice")
            Appearance.objects.bulk_create(
                Appearance(claim=claim, outlet=outlet, venue_type=Appearance.Venue.STATEMENT_TO_OUTLET)
                for claim in claims
            )
            cursor.execute("SET auto_explain.log_min_duration = -1")
    finally:
        connection.connection.remove_notice_handler(keep)
    # The appearances' insert trigger: not the claims' update trigger, which their new facets fire (migration 0031).
    trigger = [plan for plan in plans if "factcheck_outlettally" in plan and "old_rows" not in plan]
    assert trigger, plans
    joined = r"on factcheck_claim c(_\d+)? "  # the claims joined to the new rows (alias c)
    assert not re.search(f"Seq Scan {joined}", trigger[0])
    assert re.search(f"Index Scan using factcheck_claim_pkey {joined}", trigger[0])
    assert kept() == counted()
    # A claim with no event may not stay: each gets the event that records it, as an import writes them.
    # Deleting them instead, each appearance's triggers planned for the tables never analysed, took 23 s.
    recorded = [Decision(claim.pk, None, claim.status, claim.attribution, 1, "Imported.", []) for claim in claims]
    Claim.objects.set_statuses(recorded, by=recorder(), at=timezone.now())


def claims_read():
    """(whole-table reads, rows read by them and through indexes) of the claims in this transaction
    (pg_stat_xact_user_tables): a test takes the difference before and after what it checks, as
    test_claim_facets.calls_of does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(seq_scan), 0)::int, coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::int"
            " FROM pg_stat_xact_user_tables WHERE relname = 'factcheck_claim'"
        )
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_plan_made_while_the_claims_were_none_never_reads_them_whole_once_they_grow():
    """A new database, whose claims migration 0053 analysed while there were none, then an import in one
    transaction: each chunk's stories are written before its claims, so the stories' trigger planned its
    look-up of their claims for an empty table (a whole-table read), kept the plan for the session and
    read every claim for each story of every later chunk. A million claims were not in after 30 minutes."""
    outlet = make_outlet()
    with connection.cursor() as cursor:
        # Both undone with the test's transaction: ANALYZE writes the sizes into the table's new pg_class row.
        cursor.execute("TRUNCATE factcheck_claim CASCADE")
        cursor.execute("ANALYZE factcheck_claim")
    make_article(outlet=outlet)  # the first statement plans for no claims
    speaker = make_speaker()
    stories = Article.objects.bulk_create(Article(outlet=outlet, headline=f"Story {n}") for n in range(20))
    make_claims([{"speaker": speaker, "article": story} for story in stories for _ in range(100)])
    scans_before, _ = claims_read()
    Article.objects.bulk_create(Article(outlet=outlet, headline=f"Later story {n}") for n in range(20))
    Appearance.objects.bulk_create(
        Appearance(claim=claim, outlet=outlet, venue_type=Appearance.Venue.STATEMENT_TO_OUTLET)
        for claim in Claim.objects.all()[:50]
    )
    Claim.objects.filter(article=stories[0]).update(article=stories[1])
    assert claims_read()[0] - scans_before == 0
    assert kept() == counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_an_import_into_an_empty_database_reads_each_claim_a_few_times_whatever_its_size(
    admin_user, tmp_path, monkeypatch
):
    """The triggers plan their look-ups of each statement's claims once a session. Planned by an import's
    first chunk, for a claims table that looked nearly empty, the look-up read every claim for every
    chunk after it, however big the table grew (60,000 rows took 289 s): the claims read grew as the
    square of the rows."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 40)
    with connection.cursor() as cursor:  # a new database's statistics, undone with the test's transaction
        cursor.execute("TRUNCATE factcheck_claim CASCADE")
        cursor.execute("ANALYZE factcheck_claim")
    reads = []
    for rows in (400, 1200):
        _, before = claims_read()
        lines = [
            row(
                f"Claim {n} of {rows}.",
                f"Speaker {n % 30}",
                venue="interview",
                outlet=f"Outlet {n % 7}",
                article_url=f"https://example.org/{rows}/{n // 4}",
                article_headline=f"Story {n // 4}",
                article_outlet="Daily",
            )
            for n in range(rows)
        ]
        job = run_import(tmp_path, csv_text(*lines), admin_user, name=f"claims-{rows}.csv")
        assert job.created_count == rows, job.errors
        reads.append((claims_read()[1] - before) / rows)
    assert reads[1] < 1.5 * reads[0], reads  # a few reads a claim, not a read of every claim a chunk
    assert kept() == counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers' settings are PostgreSQL's")
def test_every_statement_trigger_looks_rows_up_by_index():
    """Each statement trigger joins its statement's rows to the tables they touch; planned once a
    session, a plan made while a table was small must not read it whole, or join it by hash."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT p.proname, coalesce(p.proconfig, '{}') FROM pg_trigger t"
            " JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgtype & 1 = 0 AND c.relnamespace = current_schema()::regnamespace"
        )
        functions = dict(cursor.fetchall())
        cursor.execute("SELECT coalesce(proconfig, '{}') FROM pg_proc WHERE proname = 'factcheck_claim_facets'")
        functions["factcheck_claim_facets"] = cursor.fetchone()[0]  # which they call, as row triggers do
    assert "factcheck_article_tally_insert" in functions and "factcheck_claim_facets_recorded" in functions
    planned = {"enable_seqscan=off", "enable_hashjoin=off", "enable_mergejoin=off"}
    assert {name: planned - set(config) for name, config in functions.items() if planned - set(config)} == {}
