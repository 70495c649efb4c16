"""ClaimOutlet: the outlets that made, published or relayed each claim, kept exact by the database.

Every road that writes stories, claims or appearances (the ORM, bulk_create, QuerySet.update,
raw SQL, the importer, deletion) leaves the table equal to what the stories and appearances say.
"""

import importlib
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection

from factcheck import importing, merging
from factcheck.models import Appearance, Article, Claim, ClaimOutlet, Venue
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_evidence,
    make_outlet,
    make_speaker,
)

pytestmark = pytest.mark.django_db

# The triggers as migration 0049 left them (0019's, written anew to copy each claim's created_at, then its
# status, attribution and whether it is merged).
migration = importlib.import_module("factcheck.migrations.0049_outlets_count_each_claim_once")
SAMPLE = django_settings.BASE_DIR / "fixtures" / "sample-claims.csv"


def derived():
    """{(claim, outlet, role, and the claim's created_at, status, attribution, merged)} as the stories and
    appearances say, worked out in Python."""
    copied = {
        claim.pk: (claim.created_at, claim.status, claim.attribution, claim.merged_into_id is not None)
        for claim in Claim.objects.all()
    }
    rows = {
        (claim, outlet, "published", *copied[claim])
        for claim, outlet in Claim.objects.filter(article__isnull=False).values_list("pk", "article__outlet")
    }
    for claim, outlet, relays in Appearance.objects.filter(outlet__isnull=False).values_list(
        "claim", "outlet", "relayed_from"
    ):
        rows.add((claim, outlet, "made" if relays is None else "relayed", *copied[claim]))
    return rows


def stored():
    return set(
        ClaimOutlet.objects.values_list("claim", "outlet", "role", "created_at", "status", "attribution", "merged")
    )


def parts():
    """{(claim, outlet, role)} stored."""
    return {row[:3] for row in stored()}


@pytest.fixture
def chain():
    """A claim in a Kyiv Independent story, made on X, relayed by the Kyiv Independent then by B-17."""
    x, kyiv, b17 = make_outlet("X"), make_outlet("Kyiv Independent"), make_outlet("B-17")
    claim = make_claim(article=make_article(outlet=kyiv, headline="Drones"))
    origin = make_appearance(claim, Venue.SOCIAL_MEDIA_POST, outlet=x)
    relay = make_appearance(claim, Venue.RELAYED_REPORT, outlet=kyiv, relayed_from=origin)
    make_appearance(claim, Venue.RELAYED_REPORT, outlet=b17, relayed_from=relay)
    return claim, x, kyiv, b17


def test_the_triggers_exist_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = set(migration.POSTGRES_TRIGGERS)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = set(migration.SQLITE_TRIGGERS)
        assert expected <= {name for (name,) in cursor.fetchall()}


def test_a_claim_made_on_one_outlet_published_by_another_and_relayed_has_a_row_for_each_part(chain):
    claim, x, kyiv, b17 = chain
    assert parts() == {
        (claim.pk, x.pk, "made"),
        (claim.pk, kyiv.pk, "published"),
        (claim.pk, kyiv.pk, "relayed"),
        (claim.pk, b17.pk, "relayed"),
    }
    assert stored() == derived()


def test_bulk_created_appearances_are_counted_once_per_outlet_and_role(chain):
    claim, x, _, _ = chain
    Appearance.objects.bulk_create([Appearance(claim=claim, venue_type=Venue.INTERVIEW, outlet=x) for _ in range(3)])
    assert stored() == derived()
    assert ClaimOutlet.objects.filter(claim=claim, outlet=x).count() == 1


def test_an_outlet_keeps_its_part_until_the_last_appearance_giving_it_goes(chain):
    claim, x, _, _ = chain
    second = make_appearance(claim, Venue.INTERVIEW, outlet=x)
    second.delete()
    assert (claim.pk, x.pk, "made") in parts()
    Appearance.objects.filter(outlet=x).update(outlet=None)
    assert (claim.pk, x.pk, "made") not in parts()
    assert stored() == derived()


def test_an_appearance_moved_to_another_outlet_or_claim_moves_its_row(chain):
    _, x, _, b17 = chain
    other = make_claim()
    Appearance.objects.filter(outlet=b17).update(outlet=x)
    assert stored() == derived()
    Appearance.objects.filter(outlet=x, relayed_from__isnull=True).update(claim=other)
    assert (other.pk, x.pk, "made") in parts()
    assert stored() == derived()


def test_a_claim_moved_to_another_story_or_a_story_to_another_outlet_moves_the_published_row(chain):
    claim, x, _, b17 = chain
    Claim.objects.filter(pk=claim.pk).update(article=make_article(outlet=b17))
    assert (claim.pk, b17.pk, "published") in parts()
    Article.objects.filter(claims=claim).update(outlet=x)
    assert (claim.pk, x.pk, "published") in parts()
    Claim.objects.filter(pk=claim.pk).update(article=None)
    assert stored() == derived()
    assert not ClaimOutlet.objects.filter(claim=claim, role="published").exists()


def test_a_deleted_claim_takes_its_rows_whether_the_orm_or_sql_deletes_it(chain):
    _, x, kyiv, _ = chain
    # Claims without history (version 0): those with history are never deleted.
    first, second = (
        Claim.objects.create(text=text, speaker=make_speaker(), article=make_article(outlet=kyiv))
        for text in ("One.", "Two.")
    )
    for claim in (first, second):
        make_appearance(claim, Venue.INTERVIEW, outlet=x)
    first.delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM factcheck_appearance WHERE claim_id = %s", [second.pk])
        cursor.execute("DELETE FROM factcheck_claim WHERE id = %s", [second.pk])
    assert not ClaimOutlet.objects.filter(claim__in=[first.pk, second.pk]).exists()
    assert stored() == derived()


def test_rows_written_by_raw_sql_are_followed(chain):
    claim, _, kyiv, _ = chain
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO factcheck_appearance (claim_id, venue_type, outlet_id, url, "when") '
            "VALUES (%s, 'interview', %s, '', '')",
            [claim.pk, kyiv.pk],
        )
    assert (claim.pk, kyiv.pk, "made") in parts()
    assert stored() == derived()


def test_an_import_leaves_a_row_for_every_story_and_appearance(admin_user):
    importing.import_file(SAMPLE, user=admin_user)
    assert ClaimOutlet.objects.count() > Claim.objects.count() / 2
    assert stored() == derived()


def test_each_row_keeps_its_claims_recording_time_when_sql_changes_it(chain):
    claim, *_ = chain
    later = claim.created_at + timedelta(days=3)
    Claim.objects.filter(pk=claim.pk).update(created_at=later)
    assert set(ClaimOutlet.objects.filter(claim=claim).values_list("created_at", flat=True)) == {later}
    assert stored() == derived()


def test_each_row_follows_its_claims_verdict_attribution_and_merge_whatever_road_changes_them(chain, editor):
    claim, _, kyiv, _ = chain
    make_evidence(claim, "refutes")
    claim.set_status("false", by=editor, reason="Shown wrong.")
    assert stored() == derived()
    claim.set_attribution("denied", by=editor, reason="His office says he never said it.")
    assert stored() == derived()
    duplicate = make_claim(claim.text, speaker=claim.speaker, article=make_article(outlet=kyiv))
    make_evidence(duplicate, "refutes")
    duplicate.set_status("false", by=editor, reason="Shown wrong.")
    duplicate.set_attribution("denied", by=editor, reason="His office says he never said it.")
    merging.merge(duplicate, claim, by=editor, reason="Recorded twice.", merged_version=3, into_version=3)
    assert ClaimOutlet.objects.get(claim=duplicate, role="published").merged
    assert stored() == derived()


def test_an_outlets_claims_come_newest_first_from_its_rows(chain):
    claim, _, kyiv, _ = chain
    older = make_claim(article=make_article(outlet=kyiv))
    make_appearance(older, Venue.INTERVIEW, outlet=kyiv)  # published and made: met twice, as the chain's claim is
    Claim.objects.filter(pk=older.pk).update(created_at=claim.created_at - timedelta(hours=1))
    make_claim(article=make_article())  # another outlet's
    newest_first = [claim, claim, older, older]
    for sort, expected in [(["-created_at", "-id"], newest_first), (["created_at", "id"], newest_first[::-1])]:
        rows, ordering = Claim.objects.through_outlet(kyiv, sort)
        assert list(rows.order_by(*ordering).values_list("pk", flat=True)) == [each.pk for each in expected]
