"""The one write path for a claim's status, and the history it leaves."""

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.utils import IntegrityError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.models import Claim, Decision, VerificationEvent
from factcheck.tests.factories import make_article, make_claim, make_claims, make_evidence
from factcheck.verification import StaleVersion, TransitionRefused

pytestmark = pytest.mark.django_db


def test_a_new_claim_is_recorded_with_its_first_event(editor):
    claim = make_claim(by=editor, reason="B-17 was unable to independently confirm his statements.")
    event = claim.events.get()
    assert (event.from_status, event.to_status, event.version) == (None, "unconfirmed", 1)
    assert event.reason == "B-17 was unable to independently confirm his statements."
    assert claim.version == 1


def test_claims_made_in_bulk_for_a_test_are_recorded_as_make_claim_records_one(editor):
    """The tests' bulk factory (factories.make_claims) leaves what the one-by-one factory leaves."""
    story = make_article()
    one = make_claim("One by one.", article=story, by=editor)
    many = make_claims([{"text": "In bulk.", "article": story}, {"text": "Its own speaker."}], by=editor)
    fields = ["status", "attribution", "version", "recheck_on", "status_changed_by", "merged_into"]
    recorded = [Claim.objects.values(*fields).get(pk=claim.pk) for claim in (one, *many)]
    assert recorded[1] == recorded[2] == recorded[0]
    assert len({claim.speaker_id for claim in (one, *many)}) == 3
    events = [claim.events.values_list("from_status", "to_status", "version", "by", "axis").get() for claim in many]
    assert events == [one.events.values_list("from_status", "to_status", "version", "by", "axis").get()] * 2
    assert [claim.version for claim in many] == [1, 1]


def test_a_change_writes_the_claim_and_an_event_with_who_when_from_to_and_why(editor):
    claim = make_claim()
    event = claim.set_status("disputed", by=editor, reason="Zelenskyy's figure contradicts Blinken's.")
    claim.refresh_from_db()
    assert claim.status == "disputed"
    assert claim.version == 2
    assert claim.status_changed_by == editor
    assert (event.by, event.from_status, event.to_status) == (editor, "unconfirmed", "disputed")
    assert event.reason == "Zelenskyy's figure contradicts Blinken's."
    assert event.at == claim.status_changed_at
    assert list(claim.events.values_list("to_status", flat=True)) == ["unconfirmed", "disputed"]


def test_without_a_reason_nothing_changes(editor):
    claim = make_claim()
    with pytest.raises(TransitionRefused, match="reason"):
        claim.set_status("disputed", by=editor, reason="  ")
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.events.count()) == ("unconfirmed", 1, 1)


def test_verified_needs_supporting_evidence_on_the_claim(editor):
    claim = make_claim()
    make_evidence(claim, "refutes")
    make_evidence(claim, "context")
    with pytest.raises(TransitionRefused, match="supporting"):
        claim.set_status("verified", by=editor, reason="Confirmed.")
    support = make_evidence(claim, "supports")
    event = claim.set_status("verified", by=editor, reason="Confirmed by the ministry's own data.")
    assert list(event.evidence.all()) == [support]


def test_false_needs_refuting_evidence_on_the_claim(editor):
    claim = make_claim()
    make_evidence(claim, "supports")
    with pytest.raises(TransitionRefused, match="refuting"):
        claim.set_status("false", by=editor, reason="Wrong.")
    refutation = make_evidence(claim, "refutes")
    event = claim.set_status("false", by=editor, reason="Satellite images show no troops there.")
    assert list(event.evidence.all()) == [refutation]


def test_evidence_from_another_claim_does_not_count(editor):
    claim, other = make_claim(), make_claim()
    foreign = make_evidence(other, "supports")
    with pytest.raises(TransitionRefused, match="supporting"):
        claim.set_status("verified", by=editor, reason="Confirmed.", evidence=[foreign])


def test_a_refused_transition_writes_nothing(editor):
    claim = make_claim()
    make_evidence(claim, "supports")
    claim.set_status("verified", by=editor, reason="Confirmed.")
    with pytest.raises(TransitionRefused, match="cannot go straight"):
        claim.set_status("false", by=editor, reason="Actually wrong.")
    claim.refresh_from_db()
    assert (claim.status, claim.events.count()) == ("verified", 2)


def test_a_stale_version_is_refused_and_overwrites_nothing(editor, reviewer):
    claim = make_claim()
    seen_by_alice = Claim.objects.get(pk=claim.pk)
    claim.set_status("disputed", by=reviewer, reason="Conflicting figures.")
    with pytest.raises(StaleVersion) as stale:
        seen_by_alice.set_status("disputed", by=editor, reason="I think it is disputed too.")
    assert stale.value.changed_by == reviewer
    assert "changed by bob" in str(stale.value)
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.events.count()) == ("disputed", 2, 2)


def test_an_explicit_old_version_is_refused(editor):
    claim = make_claim()
    claim.set_status("disputed", by=editor, reason="Conflicting figures.")
    with pytest.raises(StaleVersion):
        claim.set_status("unconfirmed", by=editor, reason="Reopen.", version=1)


def test_events_cannot_be_updated_in_the_database(editor):
    event = make_claim().events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        VerificationEvent.objects.filter(pk=event.pk).update(reason="Rewritten history.")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE factcheck_verificationevent SET to_status = 'verified'")
    event.refresh_from_db()
    assert event.reason == "Recorded for a test."


def test_events_cannot_be_deleted_in_the_database(editor):
    event = make_claim().events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        VerificationEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM factcheck_verificationevent")
    assert VerificationEvent.objects.filter(pk=event.pk).exists()


def test_a_claim_with_history_cannot_be_deleted():
    claim = make_claim()
    with pytest.raises(Exception, match=r"protected|append-only"), transaction.atomic():
        claim.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_database_refuses_an_unknown_status():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="probably")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_changing_one_claim_lose_nothing(editor, reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    claim = make_claim()
    copies = {user: Claim.objects.get(pk=claim.pk) for user in (editor, reviewer)}
    barrier = threading.Barrier(2)
    outcomes = {}

    def change(user, status):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                outcomes[user] = copies[user].set_status(status, by=user, reason=f"{user} decided {status}.")
        except StaleVersion as error:
            outcomes[user] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=(editor, "disputed")),
        threading.Thread(target=change, args=(reviewer, "disputed")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [user for user, outcome in outcomes.items() if isinstance(outcome, VerificationEvent)]
    losers = [user for user, outcome in outcomes.items() if isinstance(outcome, StaleVersion)]
    assert len(outcomes) == 2 and len(winners) == 1 and len(losers) == 1
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.events.count() == 2
    assert claim.events.latest().by == winners[0]
    assert claim.status == claim.events.latest().to_status


def test_many_changes_at_once_follow_the_same_rules_and_cite_the_same_evidence(editor):
    refuted, opened = make_claim(), make_claim()
    refuting, supporting = make_evidence(refuted, "refutes"), make_evidence(refuted, "supports")
    evidence = [(refuting.pk, "refutes"), (supporting.pk, "supports")]
    changes = [
        Decision(refuted.pk, "unconfirmed", "false", "not_checked", 2, "Shown wrong.", evidence),
        Decision(opened.pk, "unconfirmed", "disputed", "not_checked", 2, "Contradicted.", []),
    ]
    Claim.objects.set_statuses(changes, by=editor, at=timezone.now())
    refuted.refresh_from_db()
    assert (refuted.status, refuted.version, refuted.status_changed_by) == ("false", 2, editor)
    assert list(refuted.events.latest().evidence.all()) == [refuting]
    assert Claim.objects.get(pk=opened.pk).status == "disputed"

    unsupported = Decision(opened.pk, "disputed", "verified", "not_checked", 3, "Confirmed.", [])
    with pytest.raises(TransitionRefused, match="supporting evidence"):
        Claim.objects.set_statuses([unsupported], by=editor, at=timezone.now())
    assert Claim.objects.get(pk=opened.pk).events.count() == 2


def test_a_claim_many_changes_send_back_to_unconfirmed_is_due_again_as_set_status_makes_it(editor):
    from factcheck.models import recheck_date

    claim = make_claim()
    claim.set_recheck_date(timezone.localdate() + timedelta(days=300), by=editor)
    at = timezone.now()
    Claim.objects.set_statuses(
        [Decision(claim.pk, "unconfirmed", "disputed", "not_checked", 2, "Contradicted.", [])], by=editor, at=at
    )
    Claim.objects.set_statuses(
        [Decision(claim.pk, "disputed", "unconfirmed", "not_checked", 3, "Reopened.", [])], by=editor, at=at
    )
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("unconfirmed", 3)
    assert (claim.recheck_on, claim.recheck_set_by) == (recheck_date(at), None)


def imported(claim, to_status, *, by):
    """One change to `claim` written as an import writes it (decided_here false)."""
    claim.refresh_from_db()
    decision = Decision(claim.pk, claim.status, to_status, claim.attribution, claim.version + 1, "Imported.", [])
    Claim.objects.set_statuses([decision], by=by, at=timezone.now())


def test_a_claim_whose_latest_status_an_editor_decided_holds_an_editors_verdict(editor):
    recorded, decided, attributed = make_claim(), make_claim(), make_claim()
    for claim in (decided, attributed):
        claim.set_status("disputed", by=editor, reason="Two officials disagree.")
    imported(make_claim(), "disputed", by=editor)  # an import's verdict is no editor's
    attributed.set_attribution("relayed", by=editor, reason="Only the Kyiv Independent heard it.")
    assert set(Claim.objects.editors_verdicts()) == {decided, attributed}
    assert not Claim.objects.filter(pk=recorded.pk).editors_verdicts().exists()


def test_many_changes_at_once_never_undo_an_editors_verdict(editor):
    decided, other = make_claim(), make_claim()
    decided.set_status("disputed", by=editor, reason="Two officials disagree.")
    decisions = [
        Decision(other.pk, "unconfirmed", "disputed", "not_checked", 2, "Imported.", []),
        Decision(decided.pk, "disputed", "unconfirmed", "not_checked", 3, "Imported.", []),
    ]
    with pytest.raises(TransitionRefused, match="an editor decided this claim is “Disputed”; an import does not"):
        Claim.objects.set_statuses(decisions, by=editor, at=timezone.now())
    assert [Claim.objects.get(pk=claim.pk).status for claim in (decided, other)] == ["disputed", "unconfirmed"]
    assert VerificationEvent.objects.count() == 3


def test_a_status_an_import_wrote_a_later_import_may_change(editor):
    claim = make_claim()
    imported(claim, "disputed", by=editor)
    imported(claim, "unconfirmed", by=editor)
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("unconfirmed", 3)


def test_many_changes_at_once_cost_the_same_queries_however_many_claims_they_move(editor):
    def queries_for(count):
        claims = [make_claim() for _ in range(count)]
        for claim in claims[::2]:
            imported(claim, "disputed", by=editor)
        claims = Claim.objects.filter(pk__in=[claim.pk for claim in claims])
        opposite = {"unconfirmed": "disputed", "disputed": "unconfirmed"}
        decisions = [
            Decision(c.pk, c.status, opposite[c.status], c.attribution, c.version + 1, "Imported.", []) for c in claims
        ]
        with CaptureQueriesContext(connection) as queries:
            Claim.objects.set_statuses(decisions, by=editor, at=timezone.now())
        return len(queries)

    assert queries_for(2) == queries_for(20)
