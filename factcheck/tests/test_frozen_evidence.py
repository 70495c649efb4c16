"""Evidence a verdict cites is frozen: the admin, the ORM and SQL can neither change nor delete it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from factcheck.models import Evidence, VerificationEvent
from factcheck.tests.factories import make_claim, make_evidence
from factcheck.tests.test_admin import form_data, messages_in
from factcheck.verification import TransitionRefused

pytestmark = pytest.mark.django_db

REASON = "The ministry's own figures settle it."
CITATIONS = VerificationEvent.evidence.through


@pytest.fixture
def cited(editor):
    """Refuting evidence that a verdict (False) cites."""
    claim = make_claim("Up to 8,000 North Korean troops were moved to Kursk.")
    evidence = make_evidence(claim, "refutes", summary="The ministry counts 1,500.")
    claim.set_status("false", by=editor, reason=REASON)
    assert claim.events.latest().evidence.get() == evidence
    return evidence


def refused(write, match="cited evidence is frozen"):
    try:
        with transaction.atomic():
            write()
    except IntegrityError as error:
        assert match in str(error)
        return True
    return False


def unchanged(evidence):
    stored = Evidence.objects.get(pk=evidence.pk)
    return (stored.stance, stored.url, stored.summary, stored.claim_id) == (
        evidence.stance,
        evidence.url,
        evidence.summary,
        evidence.claim_id,
    )


# The ORM and SQL


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda item: Evidence.objects.filter(pk=item.pk).update(stance="supports"), id="update"),
        pytest.param(lambda item: Evidence(**{**vars_of(item), "summary": "Edited."}).save(), id="save"),
        pytest.param(lambda item: Evidence.objects.filter(pk=item.pk).update(claim=make_claim()), id="move"),
        pytest.param(
            lambda item: connection.cursor().execute(
                "UPDATE factcheck_evidence SET url = 'https://example.org/other' WHERE id = %s", [item.pk]
            ),
            id="raw-update",
        ),
        pytest.param(
            lambda item: connection.cursor().execute("DELETE FROM factcheck_evidence WHERE id = %s", [item.pk]),
            id="raw-delete",
        ),
        pytest.param(lambda item: Evidence.objects.get(pk=item.pk).delete(), id="orm-delete"),
    ],
)
def test_cited_evidence_cannot_be_changed_or_deleted(cited, write):
    assert refused(lambda: write(cited))
    assert unchanged(cited)


def vars_of(item):
    return {field.attname: getattr(item, field.attname) for field in Evidence._meta.concrete_fields}


def test_the_refusal_names_the_evidence_and_the_verdict_on_postgresql(cited):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's RAISE takes a fixed message")
    event = cited.cited_by.get()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Evidence.objects.filter(pk=cited.pk).update(stance="supports")
    assert f"evidence {cited.pk} is cited by verification event {event.pk}" in str(error.value)
    assert "add new evidence instead" in str(error.value)


def test_saving_cited_evidence_unchanged_is_allowed(cited):
    Evidence.objects.get(pk=cited.pk).save()
    assert unchanged(cited)


def test_evidence_no_verdict_cites_can_still_be_edited_and_deleted(cited):
    other = make_evidence(cited.claim, "context")
    Evidence.objects.filter(pk=other.pk).update(summary="Corrected.")
    assert Evidence.objects.get(pk=other.pk).summary == "Corrected."
    other.delete()
    assert not Evidence.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda event, item: event.evidence.remove(item), id="remove"),
        pytest.param(lambda event, item: event.evidence.clear(), id="clear"),
        pytest.param(
            lambda event, item: CITATIONS.objects.filter(evidence=item).update(evidence=make_evidence(item.claim)),
            id="update",
        ),
        pytest.param(
            lambda event, item: connection.cursor().execute(
                "DELETE FROM factcheck_verificationevent_evidence WHERE evidence_id = %s", [item.pk]
            ),
            id="raw-delete",
        ),
    ],
)
def test_what_a_verdict_cites_is_append_only(cited, write):
    event = cited.cited_by.get()
    assert refused(lambda: write(event, cited), match="what a verification event cites cannot be removed or changed")
    assert list(event.evidence.all()) == [cited]


def test_a_verdict_refuses_evidence_changed_since_it_was_read(editor):
    claim = make_claim()
    evidence = make_evidence(claim, "supports")
    as_read = Evidence.objects.get(pk=evidence.pk)
    Evidence.objects.filter(pk=evidence.pk).update(stance="refutes")  # by someone else, meanwhile
    with pytest.raises(TransitionRefused) as refusal:
        claim.set_status("verified", by=editor, reason=REASON, evidence=[as_read])
    assert refusal.value.code == "evidence_changed"
    assert (claim.events.count(), Evidence.objects.get(pk=evidence.pk).cited_by.count()) == (1, 0)


# The admin


def test_the_evidence_admin_shows_cited_evidence_read_only_and_offers_no_delete(cited, admin_client):
    page = admin_client.get(reverse("admin:factcheck_evidence_change", args=[cited.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="summary"' not in page.text
    assert "The ministry counts 1,500." in page.text
    assert reverse("admin:factcheck_evidence_delete", args=[cited.pk]) not in page.text
    assert admin_client.get(reverse("admin:factcheck_evidence_delete", args=[cited.pk])).status_code == 403
    assert Evidence.objects.filter(pk=cited.pk).exists()


def test_a_stale_evidence_form_posted_after_a_verdict_cited_it_changes_nothing_and_says_why(editor, editor_client):
    claim = make_claim()
    evidence = make_evidence(claim, "supports")
    page = reverse("admin:factcheck_evidence_change", args=[evidence.pk])
    stale_form = form_data(editor_client.get(page))
    claim.set_status("verified", by=editor, reason=REASON)

    response = editor_client.post(page, stale_form | {"stance": "refutes", "_save": "Save"}, follow=True)

    assert response.status_code == 200
    assert any("cited by a verdict, so it is frozen" in message for message in messages_in(response))
    assert unchanged(evidence)


def test_deleting_selected_evidence_is_refused_while_one_is_cited(cited, admin_client):
    other = make_evidence(cited.claim, "context")
    response = admin_client.post(
        reverse("admin:factcheck_evidence_changelist"),
        {"action": "delete_selected", "_selected_action": [cited.pk, other.pk], "post": "yes"},
    )
    assert "cited by a verdict, so frozen: add new evidence instead" in response.text
    assert Evidence.objects.count() == 2


def test_the_claim_page_in_the_admin_shows_cited_evidence_read_only(cited, editor_client):
    other = make_evidence(cited.claim, "context", summary="Background on the count.")
    page = editor_client.get(reverse("admin:factcheck_claim_change", args=[cited.claim_id])).text
    assert "evidence cited by a verdict (frozen: to correct it, add new evidence)" in page.lower()
    assert 'name="evidence-0-summary"' in page  # the uncited item is editable
    assert f'name="evidence-0-id" value="{other.pk}"' in page
    assert 'name="evidence-2-0-summary"' not in page  # the cited one is not
    assert "The ministry counts 1,500." in page


@pytest.mark.parametrize(
    "edit",
    [{"evidence-0-summary": "Rewritten."}, {"text": "Up to 8,000 North Korean troops."}],
    ids=["editing-that-evidence", "leaving-it-alone"],
)
def test_a_claim_form_loaded_before_its_evidence_was_cited_saves_nothing_and_shows_it_frozen(
    editor, editor_client, edit
):
    claim = make_claim("Up to 8,000 troops.")
    evidence = make_evidence(claim, "supports", summary="The transcript.")
    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    stale_form = form_data(editor_client.get(page))
    claim.set_status("verified", by=editor, reason=REASON)

    response = editor_client.post(page, stale_form | edit | {"_save": "Save"})

    # The row left the editable evidence: the save is refused as stale (factcheck.admin_locking).
    assert response.status_code == 409
    assert any(message.startswith("Nothing was saved") for message in messages_in(response))
    assert 'name="evidence-0-summary"' not in response.text  # shown again among the cited, read-only
    assert "The transcript." in response.text
    claim.refresh_from_db()
    assert claim.text == "Up to 8,000 troops."
    assert unchanged(evidence)
