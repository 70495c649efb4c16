"""A claim's facets (migration 0031, PostgreSQL): its venues and relay state, kept on its row.

Every road that writes appearances (the ORM, bulk_create, QuerySet.update, raw SQL, deletion,
the importer, a merge) leaves each claim's facets equal to what its appearances say; the queue's
venue and relay filters read them and answer as the appearances would; the search index
intersects them with the words.
"""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Exists, OuterRef

from factcheck import importing
from factcheck.models import Appearance, Claim, Venue
from factcheck.tests.factories import make_appearance, make_claim

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="facets are PostgreSQL's (migration 0031)"),
]

SAMPLE = django_settings.BASE_DIR / "fixtures" / "sample-claims.csv"


def derived():
    """{claim: its facets} as its appearances say, worked out in Python."""
    facets = {pk: set() for pk in Claim.objects.values_list("pk", flat=True)}
    relayed = set()
    for claim, venue, relays in Appearance.objects.values_list("claim", "venue_type", "relayed_from"):
        facets[claim].add(f"venue:{venue}")
        if relays is not None:
            relayed.add(claim)
    return {pk: {*venues, "relay:relayed" if pk in relayed else "relay:direct"} for pk, venues in facets.items()}


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
    assert stored()[claim.pk] == {"venue:interview", "venue:relayed_report", "relay:relayed"}
    assert stored()[bare.pk] == {"relay:direct"}
    assert stored() == derived()


def test_facets_follow_appearances_changed_moved_and_deleted(chain):
    claim, origin, bare = chain
    Appearance.objects.filter(claim=claim, relayed_from__isnull=False).update(relayed_from=None)
    assert stored()[claim.pk] == {"venue:interview", "venue:relayed_report", "relay:direct"}
    Appearance.objects.filter(pk=origin.pk).update(venue_type=Venue.PRESS_CONFERENCE)
    assert "venue:press_conference" in stored()[claim.pk]
    Appearance.objects.filter(pk=origin.pk).update(claim=bare)  # moved: both claims change
    assert stored() == derived()
    assert stored()[bare.pk] == {"venue:press_conference", "relay:direct"}
    Appearance.objects.filter(claim=claim).delete()
    assert stored()[claim.pk] == {"relay:direct"}
    assert stored() == derived()


def test_bulk_created_and_raw_sql_appearances_are_followed(chain):
    _, _, bare = chain
    Appearance.objects.bulk_create([Appearance(claim=bare, venue_type=Venue.STATEMENT_TO_OUTLET) for _ in range(3)])
    assert stored()[bare.pk] == {"venue:statement_to_outlet", "relay:direct"}
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO factcheck_appearance (claim_id, venue_type, relayed_from_id, url, "when") '
            "SELECT %s, 'relayed_report', id, '', '' FROM factcheck_appearance WHERE claim_id = %s LIMIT 1",
            [bare.pk, bare.pk],
        )
        cursor.execute(
            "DELETE FROM factcheck_appearance WHERE claim_id = %s AND venue_type = 'relayed_report'", [bare.pk]
        )
    assert stored()[bare.pk] == {"venue:statement_to_outlet", "relay:direct"}
    assert stored() == derived()


def test_an_import_writes_each_claims_facets_with_it_and_the_triggers_leave_them(admin_user):
    def claim_rows_rewritten():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'factcheck_claim'")
            return cursor.fetchone()[0]

    before = claim_rows_rewritten()
    job = importing.import_file(SAMPLE, user=admin_user)
    assert job.created_count == Claim.objects.count() > 5
    assert stored() == derived()
    assert {"relay:relayed", "relay:direct"} <= set().union(*stored().values())
    # The claims' facets came with them: the triggers found nothing to rewrite.
    assert claim_rows_rewritten() == before


def test_the_venue_and_relay_filters_answer_as_the_appearances_do(chain):
    claim, _, bare = chain
    make_appearance(bare, Venue.PRESS_CONFERENCE)
    for venue in (Venue.INTERVIEW, Venue.PRESS_CONFERENCE, Venue.RELAYED_REPORT, Venue.SOCIAL_MEDIA_POST):
        expected = Claim.objects.filter(Exists(Appearance.objects.filter(claim=OuterRef("pk"), venue_type=venue)))
        assert set(Claim.objects.at_venue(venue)) == set(expected), venue
    relays = Exists(Appearance.objects.filter(claim=OuterRef("pk"), relayed_from__isnull=False))
    assert set(Claim.objects.relayed()) == set(Claim.objects.filter(relays)) == {claim}
    assert set(Claim.objects.direct()) == set(Claim.objects.exclude(relays)) == {bare}


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
