"""The demo story loads as the hand annotation describes it."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from conftest import DEMO_ROWS, every_row, is_superuser, load_demo
from factcheck.models import Article, Claim, ClaimLink, Speaker, Venue, locate_span

pytestmark = pytest.mark.django_db

UNCONFIRMED_SENTENCE = "B-17 was unable to independently confirm his statements."


def claim_saying(fragment):
    return Claim.objects.get(span_exact__contains=fragment)


def test_the_demo_has_the_18_annotated_claims_all_unconfirmed_with_a_first_event(demo):
    claims = Claim.objects.all()
    assert claims.count() == 18
    assert set(claims.values_list("status", flat=True)) == {"unconfirmed"}
    for claim in claims:
        event = claim.events.get()
        assert (event.from_status, event.to_status) == (None, "unconfirmed")
    assert claim_saying("operate strike UAVs").events.get().reason == UNCONFIRMED_SENTENCE


def test_the_demo_has_claims_overdue_due_today_this_week_and_later_whatever_the_day(demo):
    today = timezone.localdate()
    days = sorted((day - today).days for day in Claim.objects.due_for_recheck().values_list("recheck_on", flat=True))
    assert days[0] < 0 and 0 in days  # the queue's Overdue and Due this week both list some
    assert any(0 < day <= 6 for day in days)
    assert days[-1] == 7  # most are due FACTCHECK_RECHECK_DAYS after they were recorded, today
    assert len(days) == 18


def test_speakers_have_kinds_and_titles(demo):
    blinken = Speaker.objects.get(name="Antony Blinken")
    assert blinken.title == "US Secretary of State"
    assert Speaker.objects.get(name="South Korea").kind == "institution"
    assert Speaker.objects.get(name="Experts").kind == "unnamed_group"
    assert Speaker.objects.filter(name="Andrii Kovalenko").count() == 1


def test_zelenskyy_is_relayed_through_the_kyiv_independent_to_b17(demo):
    claim = claim_saying("upped that number to 11,000")
    relay = claim.appearances.get(outlet__name="B-17")
    assert relay.venue_type == Venue.RELAYED_REPORT
    reported = relay.relayed_from
    assert (reported.venue_type, reported.outlet.name) == (Venue.RELAYED_REPORT, "Kyiv Independent")
    assert (reported.relayed_from.venue_type, reported.relayed_from.relayed_from) == (Venue.PUBLIC_REMARKS, None)
    assert claim in Claim.objects.relayed()


def test_the_lancet_claim_was_a_post_on_x_relayed_by_b17(demo):
    claim = claim_saying("Lancet drones")
    post = claim.appearances.get(venue_type=Venue.SOCIAL_MEDIA_POST)
    assert post.outlet.name == "X"
    assert post.relays.get().outlet.name == "B-17"


def test_statements_to_b17_are_direct(demo):
    claim = claim_saying("operate strike UAVs")
    assert list(claim.appearances.values_list("venue_type", "outlet__name")) == [(Venue.STATEMENT_TO_OUTLET, "B-17")]
    assert claim in Claim.objects.direct()
    # Two reached B-17 through the Kyiv Independent; the others were said to B-17, or said in public
    # or posted and reported by B-17 itself.
    assert Claim.objects.relayed().count() == 2
    assert Claim.objects.direct().count() == 16


def test_headline_and_lede_are_the_same_claim_as_c1(demo):
    c1 = claim_saying("operate strike UAVs")
    same = ClaimLink.objects.filter(kind="same_claim")
    assert same.count() == 2
    linked = {link.from_claim if link.to_claim == c1 else link.to_claim for link in same}
    assert {claim.span_exact[:30] for claim in linked} == {
        "Russia is passing on deadly dr",
        "Russia is now training North K",
    }


def test_the_8000_and_11000_figures_conflict(demo):
    link = ClaimLink.objects.get(kind="contradicts")
    figures = sorted([link.from_claim, link.to_claim], key=lambda claim: claim.quantity_value)
    assert [claim.quantity_value for claim in figures] == [8000, 11000]
    assert figures[0].quantity_display == "up to 8,000 North Korean troops in Kursk"
    assert figures[1].quantity_display == "11,000 North Korean troops in Kursk"


def test_every_span_is_found_again_in_the_story(demo):
    for claim in Claim.objects.all():
        start, end = locate_span(demo.body, claim.span_exact, claim.span_prefix, claim.span_suffix)
        assert demo.body[start:end] == claim.span_exact


def test_loading_twice_changes_nothing(demo):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Claim.objects.count() == 18
    assert Article.objects.count() == 1


def test_the_demo_the_tests_put_back_in_bulk_is_every_row_the_command_wrote(db, settings):
    """conftest.load_demo puts back the rows its first run of the command added."""
    if connection.vendor == "postgresql" and not is_superuser(connection):
        pytest.skip("put back in bulk on PostgreSQL only by a superuser")
    settings.DEBUG = True  # for the accounts
    for accounts in (False, True):
        DEMO_ROWS.pop((accounts, timezone.localdate()), None)
        added = []
        for _ in ("the command", "put back"):
            with transaction.atomic():
                before = every_row()
                load_demo(accounts=accounts)
                added.append({table: rows - before[table] for table, rows in every_row().items()})
                transaction.set_rollback(True)
        written, put_back = added
        assert sum(map(len, written.values())) > 100, "the demo wrote its story, claims, events and counts"
        assert put_back == written  # the same rows, ids and times included: not loaded again


def test_demo_accounts_get_their_roles(demo, settings):
    settings.DEBUG = True  # as `make run` serves the demo
    call_command("load_demo", "--accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    editor = User.objects.get(username="editor")
    assert editor.has_perm("factcheck.change_claim_status")
    assert not User.objects.get(username="reviewer").has_perm("factcheck.change_claim_status")
    assert User.objects.get(username="admin").is_superuser


def test_production_refuses_the_demo_accounts_and_their_known_passwords(db, settings):
    settings.DEBUG = False
    User.objects.create_user("admin", password="the-real-admins-long-password")
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", "--accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = User.objects.get(username="admin")
    assert admin.check_password("the-real-admins-long-password") and not admin.is_superuser
    assert not User.objects.filter(username__in=["editor", "reviewer"]).exists()
