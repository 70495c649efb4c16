"""Did the speaker really say it? The attribution axis: its write path, the database's check,
the state each road in gives a claim, the queue, the claim page, the admin, import and export."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factcheck import importing, merging, prepublication
from factcheck.models import Appearance, Claim, Evidence, Outlet, PublishedVerdict, VerificationEvent
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_evidence,
    make_outlet,
    make_speaker,
    recorder,
)
from factcheck.tests.test_admin import confirm, form_data
from factcheck.tests.test_export import empty_the_database
from factcheck.tests.test_history_is_enforced import check_history_now, refused
from factcheck.tests.test_import import csv_text, row, run_import
from factcheck.tests.test_publishing import decide as decide_status
from factcheck.tests.test_story_desk import accept_everything, seed_draft
from factcheck.tests.test_views_queue import count_queries
from factcheck.verification import StaleVersion, TransitionRefused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TRANSCRIPT = "https://www.state.gov/transcript"


def primary_source(claim, **fields):
    return make_evidence(claim, "context", primary_source=True, url=TRANSCRIPT, **fields)


@pytest.fixture
def claim():
    return make_claim("Up to 8,000 North Korean troops have been moved to Kursk.")


# The write path


def test_confirming_who_said_it_writes_an_attribution_event_that_cites_the_primary_source(claim, editor):
    source = primary_source(claim)
    event = claim.set_attribution("confirmed", by=editor, reason="The transcript has his words.")

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.attribution, stored.status, stored.version) == ("confirmed", "unconfirmed", 2)
    assert (event.axis, event.from_attribution, event.to_attribution, event.from_status, event.to_status) == (
        "attribution",
        "not_checked",
        "confirmed",
        None,
        "unconfirmed",
    )
    assert (event.by, event.reason, event.version) == (editor, "The transcript has his words.", 2)
    assert list(event.evidence.all()) == [source]
    assert Evidence.objects.cited().filter(pk=source.pk).exists()  # frozen from now on
    check_history_now()


def test_the_status_then_moves_on_its_own_axis_and_keeps_the_attribution(claim, editor):
    primary_source(claim)
    claim.set_attribution("confirmed", by=editor, reason="The transcript has his words.")
    event = claim.set_status("disputed", by=editor, reason="The Pentagon counts fewer troops.")

    assert (event.axis, event.from_status, event.to_status, event.from_attribution, event.to_attribution) == (
        "status",
        "unconfirmed",
        "disputed",
        None,
        "confirmed",
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.attribution, stored.version) == ("disputed", "confirmed", 3)
    assert [(e.axis, e.version) for e in stored.events.order_by("version")] == [
        ("status", 1),
        ("attribution", 2),
        ("status", 3),
    ]
    check_history_now()


@pytest.mark.parametrize("state", ["confirmed", "misattributed"])
def test_confirmed_and_misattributed_are_refused_without_a_primary_source(claim, editor, state):
    make_evidence(claim, "supports")  # supports the content: not a source for who said it
    with pytest.raises(TransitionRefused) as refusal:
        claim.set_attribution(state, by=editor, reason="Sure of it.")
    assert refusal.value.code == "evidence_required"
    assert (Claim.objects.get(pk=claim.pk).attribution, claim.events.count()) == ("not_checked", 1)


def test_a_reason_is_required_and_nothing_is_written_without_one(claim, editor):
    with pytest.raises(TransitionRefused):
        claim.set_attribution("denied", by=editor, reason="  ")
    assert claim.events.count() == 1


def test_a_stale_version_is_refused_and_names_who_changed_the_claim(claim, editor, reviewer):
    loaded = Claim.objects.get(pk=claim.pk)
    claim.set_status("disputed", by=reviewer, reason="Another count.")
    with pytest.raises(StaleVersion) as stale:
        loaded.set_attribution("denied", by=editor, reason="His office denies it.")
    assert "bob" in str(stale.value)
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_a_claim_is_recorded_by_set_status_never_by_set_attribution(editor):
    unrecorded = Claim(text="Not yet recorded.", speaker=make_speaker())
    with pytest.raises(TransitionRefused) as refusal:
        unrecorded.set_attribution("denied", by=editor, reason="Denied.")
    assert refusal.value.code == "not_recorded"


def test_save_never_writes_the_attribution(claim, editor):
    stale = Claim.objects.get(pk=claim.pk)
    claim.set_attribution("denied", by=editor, reason="His office denies it.")
    stale.text = "Up to 8,000 troops were moved to Kursk."
    stale.save()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.text, stored.attribution, stored.version) == ("Up to 8,000 troops were moved to Kursk.", "denied", 2)


# The database's check, on both databases


def test_the_database_refuses_an_attribution_written_around_the_history(claim):
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(attribution="confirmed"))
    with connection.cursor() as cursor:
        sql = "UPDATE factcheck_claim SET attribution = 'misattributed' WHERE id = %s"
        assert refused(lambda: cursor.execute(sql, [claim.pk]))
    # Nor may an attribution event leave the claim elsewhere than it says.
    event = VerificationEvent(
        claim=claim,
        axis="attribution",
        from_attribution="relayed",
        to_attribution="denied",
        to_status="unconfirmed",
        by=recorder(),
        reason="Forged.",
        version=2,
    )
    assert refused(event.save)
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_the_history_check_holds_the_attribution_after_a_status_change(claim, editor):
    claim.set_attribution("denied", by=editor, reason="His office denies it.")
    claim.set_status("disputed", by=editor, reason="Another count.")
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(attribution="not_checked"))


# Where a claim starts


def test_the_demo_blinken_claim_is_confirmed_as_said_and_the_zelenskyy_claim_relayed(demo):
    blinken = Claim.objects.get(speaker__name="Antony Blinken", quantity_value=8000)
    zelenskyy = Claim.objects.filter(speaker__name="Volodymyr Zelenskyy").first()
    assert (blinken.attribution, blinken.status) == ("confirmed", "unconfirmed")
    assert zelenskyy.attribution == "relayed"
    first = zelenskyy.events.get()
    assert (first.axis, first.from_status, first.to_attribution) == ("status", None, "relayed")
    # Every seed claim reaches B-17 first-hand or through the Kyiv Independent.
    assert set(Claim.objects.values_list("attribution", flat=True)) == {"confirmed", "relayed"}
    check_history_now()


def test_the_story_desk_records_claims_with_the_state_their_chains_imply(editor_client):
    accept_everything(editor_client, seed_draft())
    states = {(claim.speaker.name, claim.attribution) for claim in Claim.objects.select_related("speaker")}
    assert ("Volodymyr Zelenskyy", "relayed") in states
    assert ("Antony Blinken", "confirmed") in states
    assert ("Andrii Kovalenko", "confirmed") in states  # in a statement to B-17, and in a post on X
    assert {state for _, state in states} == {"confirmed", "relayed"}
    check_history_now()


def test_a_claim_added_in_the_admin_with_a_statement_to_the_newsroom_starts_confirmed(editor_client):
    newsroom = make_outlet("B-17")
    story = make_article(newsroom, headline="Troops in Kursk")
    speaker = make_speaker("Andrii Kovalenko")
    page = editor_client.get(reverse("admin:factcheck_claim_add"))
    data = form_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model.__name__ == "Appearance"
    )
    data |= {
        "text": "Russia is training North Korean soldiers.",
        "speaker": speaker.pk,
        "article": story.pk,
        "kind": "factual",
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-0-venue_type": "statement_to_outlet",
        f"{prefix}-0-outlet": newsroom.pk,
        "_save": "Save",
    }
    response = editor_client.post(reverse("admin:factcheck_claim_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert (claim.attribution, claim.version) == ("confirmed", 1)
    assert claim.events.get().to_attribution == "confirmed"


def test_the_importer_records_each_claim_as_its_chain_implies(tmp_path, admin_user, media_in_tmp):
    said = {"article_headline": "Troops in Kursk", "article_outlet": "B-17"}
    rows = [
        row("Told to us.", venue="statement_to_outlet", outlet="B-17", **said),
        row("Seen on X.", venue="social_media_post", outlet="X", relayed_by="B-17", **said),
        row("Per the Kyiv Independent.", venue="public_remarks", relayed_by="Kyiv Independent > B-17", **said),
        row("No chain.", **said),
        row("Denied, the file says.", venue="public_remarks", attribution="denied", **said),
    ]
    job = run_import(tmp_path, csv_text(*rows), admin_user)
    assert job.state == "succeeded", job.errors
    states = dict(Claim.objects.values_list("text", "attribution"))
    assert states == {
        "Told to us.": "confirmed",
        "Seen on X.": "confirmed",
        "Per the Kyiv Independent.": "relayed",
        "No chain.": "not_checked",
        "Denied, the file says.": "denied",
    }
    assert set(VerificationEvent.objects.values_list("to_attribution", flat=True)) == set(states.values())
    check_history_now()


def test_a_reimport_that_changes_who_said_a_claim_is_refused(tmp_path, admin_user, media_in_tmp):
    run_import(tmp_path, csv_text(row(id="k1", venue="public_remarks")), admin_user)
    job = run_import(tmp_path, csv_text(row(id="k1", venue="public_remarks", attribution="misattributed")), admin_user)
    assert job.state == "invalid"
    assert "does not change who said" in job.errors[0]["message"]
    assert Claim.objects.get().attribution == "confirmed"


def test_the_migration_gives_existing_claims_the_state_their_appearances_imply_with_an_event(claim):
    migration = importlib.import_module("factcheck.migrations.0015_attribution_axis")
    make_appearance(claim, "public_remarks")  # added after the claim was recorded "not checked"
    untouched = make_claim("Nothing says where this was said.")

    migration.derive_attribution(apps, None)

    stored = Claim.objects.get(pk=claim.pk)
    event = stored.events.latest()
    assert (stored.attribution, stored.version) == ("confirmed", 2)
    assert (event.axis, event.from_attribution, event.to_attribution, event.by) == (
        "attribution",
        "not_checked",
        "confirmed",
        recorder(),
    )
    assert "migration 0015" in event.reason
    assert Claim.objects.get(pk=untouched.pk).version == 1
    check_history_now()


# The queue, the claim page and the record pages


def test_the_queue_filters_by_attribution_and_counts_each_state(demo, reviewer_client):
    page = reviewer_client.get("/claims/?attribution=relayed").content.decode()
    relayed = Claim.objects.filter(attribution="relayed", status="unconfirmed")
    assert page.count('class="claim-row"') == relayed.count() > 0
    assert "Relayed: only another outlet&#x27;s word" in page
    # The counts, loaded by the page once shown.
    counts = reviewer_client.get("/claims/counts/?attribution=relayed", **HTMX).content.decode()
    assert f'data-attribution="relayed">{relayed.count()}<' in counts
    confirmed = Claim.objects.filter(attribution="confirmed").count()
    assert f'data-attribution="confirmed">{confirmed}<' in counts
    assert 'data-attribution="misattributed">0<' in counts


def test_the_counts_partial_keeps_the_attribution_filter(demo, reviewer_client):
    response = reviewer_client.get("/claims/counts/?attribution=confirmed&status=unconfirmed", **HTMX)
    page = response.content.decode()
    assert "attribution=confirmed" in page
    assert 'aria-current="page" ' not in page or 'class="attribution-confirmed" aria-current="page"' in page


def test_speaker_and_outlet_pages_chart_claims_by_attribution(demo, reviewer_client):
    blinken = Claim.objects.filter(speaker__name="Antony Blinken").first().speaker
    page = reviewer_client.get(blinken.get_absolute_url()).content.decode()
    confirmed = blinken.claims.filter(attribution="confirmed").count()
    assert confirmed
    assert f'data-attribution="confirmed">{confirmed}<' in page
    assert "?status=all&amp;attribution=confirmed&amp;speaker=Antony%20Blinken" in page
    assert 'rect class="attribution-confirmed"' in page
    kyiv = Claim.objects.filter(attribution="relayed").first().appearances.exclude(outlet=None).first().outlet
    page = reviewer_client.get(kyiv.get_absolute_url()).content.decode()
    assert f"?status=all&amp;attribution=relayed&amp;outlet={kyiv.pk}" in page
    for role, relayed in (("made", True), ("relayed", False)):
        appearances = Appearance.objects.filter(
            outlet=kyiv, relayed_from__isnull=relayed, claim__attribution="relayed", claim__merged_into=None
        )
        assert f'data-role="{role}" data-attribution="relayed">{appearances.count()}<' in page


def decide(client, claim, state, reason="The transcript has his words.", evidence=(), **extra):
    url = reverse("claim_change_attribution", args=[claim.pk])
    data = {"attribution": state, "version": claim.version, "reason": reason, "evidence": list(evidence)}
    return client.post(url, data, **extra)


def test_an_editor_sees_the_attribution_buttons_and_a_reviewer_does_not(claim, editor_client, client, reviewer):
    page = editor_client.get(claim.get_absolute_url()).content.decode()
    assert "Did they say it?" in page and "Confirm who said it" in page and "Denied by the speaker" in page
    client.force_login(reviewer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Did they say it?" in page and "Confirm who said it" not in page


def test_an_editor_confirms_who_said_it_without_javascript(claim, editor_client):
    source = primary_source(claim)
    page = editor_client.get(claim.get_absolute_url()).content.decode()
    assert f'name="evidence" value="{source.pk}" checked' in page  # the confirm form cites it by default
    response = decide(editor_client, claim, "confirmed", evidence=[source.pk])
    assert response.status_code == 302
    page = editor_client.get(response.url).content.decode()
    assert "Attribution: “Confirmed at the source”." in page
    assert "Attribution: Attribution not checked → Confirmed at the source" in page
    assert Claim.objects.get(pk=claim.pk).attribution == "confirmed"


def test_an_editor_records_a_denial_with_htmx_and_the_queue_hears_of_it(claim, editor_client):
    response = decide(editor_client, claim, "denied", reason="His office denies it.", **HTMX)
    assert response.status_code == 200
    assert "claims-changed" in response["HX-Trigger"]
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="review"')
    assert 'id="claim-attribution">Denied by the speaker<' in page


def test_a_refused_attribution_answers_422_with_the_reason_in_the_form(claim, editor_client):
    response = decide(editor_client, claim, "confirmed", **HTMX)
    assert response.status_code == 422
    assert "Cite the primary source" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_a_stale_attribution_post_answers_409_and_writes_nothing(claim, editor_client, reviewer):
    loaded = Claim.objects.get(pk=claim.pk)
    claim.set_status("disputed", by=reviewer, reason="Another count.")
    response = decide(editor_client, loaded, "denied", reason="His office denies it.")
    assert response.status_code == 409
    assert "changed by bob" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_a_reviewer_cannot_decide_who_said_it(claim, reviewer_client):
    assert decide(reviewer_client, claim, "denied", reason="No.").status_code == 403
    assert decide(reviewer_client, claim, "denied", reason="No.", **HTMX).status_code == 403
    assert Claim.objects.get(pk=claim.pk).attribution == "not_checked"


def test_the_claim_page_costs_the_same_queries_with_attribution_events(claim, editor, editor_client):
    before, _ = count_queries(editor_client, claim.get_absolute_url())
    for n in range(3):
        claim.set_attribution("denied" if n % 2 == 0 else "not_checked", by=editor, reason=f"Round {n}.")
    after, _ = count_queries(editor_client, claim.get_absolute_url())
    assert before == after


# The admin


def test_the_admin_action_confirms_the_claims_with_a_primary_source_and_names_the_others(editor_client):
    sourced, unsourced = make_claim("With a transcript."), make_claim("Without one.")
    primary_source(sourced)
    response = confirm(editor_client, "confirm_attribution", [sourced, unsourced], reason="Transcripts checked.")
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0] == "Marked 1 of 2 claims “Confirmed at the source”."
    assert "Without one." in messages[1] and "primary source" in messages[1]
    assert Claim.objects.get(pk=sourced.pk).attribution == "confirmed"
    assert Claim.objects.get(pk=sourced.pk).events.latest().reason == "Transcripts checked."


def test_the_admin_action_first_asks_for_the_reason_and_shows_the_current_attribution(editor_client, claim):
    response = editor_client.post(
        reverse("admin:factcheck_claim_changelist"), {"action": "mark_denied", "_selected_action": [claim.pk]}
    )
    page = response.content.decode()
    assert "Current attribution" in page and "Attribution not checked" in page
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_the_admin_filters_claims_by_attribution(demo, editor_client):
    response = editor_client.get(reverse("admin:factcheck_claim_changelist"), {"attribution": "relayed"})
    assert len(response.context["cl"].result_list) == Claim.objects.filter(attribution="relayed").count()


# Import and export


def test_the_csv_export_carries_the_attribution_and_imports_back(demo, tmp_path, admin_user, editor, media_in_tmp):
    claim = Claim.objects.filter(attribution="relayed").first()
    claim.set_attribution("denied", by=editor, reason="His office denies it.")
    out = io.StringIO()
    call_command("export_claims", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {row["attribution"] for row in rows} == {"confirmed", "relayed", "denied"}
    before = dict(Claim.objects.values_list("text", "attribution"))

    empty_the_database()
    job = run_import(tmp_path, out.getvalue(), admin_user)
    assert job.state == "succeeded", job.errors
    assert dict(Claim.objects.values_list("text", "attribution")) == before


def test_the_claimreview_export_states_the_attribution_as_a_property_value(demo, editor):
    from factcheck.exporting import claimreview_document

    claim = Claim.objects.get(speaker__name="Antony Blinken", quantity_value=8000)
    PublishedVerdict.publish(decide_status(claim, "disputed", editor), by=editor)
    review = claimreview_document(Claim.objects.filter(pk=claim.pk))["dataFeedElement"][0]["item"]
    assert review["itemReviewed"]["additionalProperty"] == [
        {
            "@type": "PropertyValue",
            "propertyID": "factcheck:attribution",
            "name": "Confirmed at the source",
            "value": "confirmed",
        }
    ]
    assert importing.Row  # the importer reads it back: see the round trip in test_export


# A claim heard first-hand that another outlet also relayed


def told_us_and_relayed(text, *, told_us):
    """A claim of B-17's story, relayed by the Kyiv Independent from public remarks; also told to B-17
    itself when `told_us`, in a chain of its own recorded after the relayed one."""
    newsroom = Outlet.objects.get_or_create(name="B-17")[0]
    wire = Outlet.objects.get_or_create(name="Kyiv Independent")[0]
    claim = make_claim(text, article=make_article(newsroom))
    remarks = make_appearance(claim, "public_remarks")
    make_appearance(claim, "relayed_report", outlet=wire, relayed_from=remarks)
    if told_us:
        make_appearance(claim, "statement_to_outlet", outlet=newsroom)
    return claim


def queue_row(client, claim):
    page = " ".join(client.get("/claims/").text.split())
    return page[page.find(f'id="claim-{claim.pk}-text"') :].split("</article>")[0]


def test_a_claim_told_to_us_and_also_relayed_reads_first_hand_where_only_relayed_ones_read_relayed(
    reviewer_client,
):
    heard = told_us_and_relayed("The dam held through the night.", told_us=True)
    relayed = told_us_and_relayed("The bridge was shelled at dawn.", told_us=False)
    assert heard.implied_attribution() == "confirmed" and relayed.implied_attribution() == "relayed"

    # The queue's row: not "Relayed", which is only another outlet's word; the chain it leads with is ours.
    row = queue_row(reviewer_client, heard)
    assert '<span class="sep">·</span> First-hand, also relayed' in row
    assert "· Relayed" not in row
    assert '<p class="meta venue">Statement to B-17 · and 1 more</p>' in row
    row = queue_row(reviewer_client, relayed)
    assert '<span class="sep">·</span> Relayed' in row
    assert "Public remarks · relayed by Kyiv Independent</p>" in row

    # The claim page: the relayed chain is another outlet's, but the newsroom did hear the speaker.
    page = " ".join(reviewer_client.get(heard.get_absolute_url()).text.split())
    assert '<span class="badge direct">Direct</span>' in page
    assert "The newsroom did not hear it from the speaker" not in page
    assert "Another outlet passed it on here; the newsroom also heard it first-hand." in page
    page = " ".join(reviewer_client.get(relayed.get_absolute_url()).text.split())
    assert '<span class="badge relayed">Relayed</span> The newsroom did not hear it from the speaker.' in page

    # The pre-publication check reads the same chains the same way: only the relayed one is flagged.
    reread = Claim.objects.for_queue().in_bulk([heard.pk, relayed.pk])
    newsroom = heard.article.outlet_id
    assert not prepublication._reached_us_relayed(reread[heard.pk], newsroom)
    assert prepublication._reached_us_relayed(reread[relayed.pk], newsroom)


def test_a_statement_to_another_outlet_is_a_statement_to_it_not_to_the_newsroom(reviewer_client):
    """ "Statement to the newsroom on Coastal News" named our newsroom for another outlet."""
    story = make_article(make_outlet("B-17"))
    claim = make_claim("The pier will close in May.", article=story)
    make_appearance(claim, "statement_to_outlet", outlet=make_outlet("Coastal News"))
    interviewed = make_claim("The harbour is safe.", article=story)
    make_appearance(interviewed, "interview", outlet=make_outlet("CNN"))

    assert '<p class="meta venue">Statement to Coastal News</p>' in queue_row(reviewer_client, claim)
    assert '<p class="meta venue">Interview on CNN</p>' in queue_row(reviewer_client, interviewed)
    page = " ".join(reviewer_client.get(f"/claims/{claim.pk}/").text.split())
    assert '<strong>Statement</strong> to <a href="/outlets/' in page
    assert "Statement to the newsroom" not in page.split('id="chain-heading"')[1].split("</section>")[0]


# Another speaker: whether they said it is not what was established for the first one


def confirmed_for(claim, editor):
    primary_source(claim)
    claim.set_attribution("confirmed", by=editor, reason="The transcript has his words.")
    return claim


def test_a_new_speaker_sends_the_attribution_back_to_not_checked_with_an_event_saying_why(claim, editor):
    confirmed_for(claim, editor)
    blinken, austin = claim.speaker, make_speaker("Lloyd Austin")
    claim.change_speaker(austin, by=editor)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.speaker, stored.attribution, stored.version) == (austin, "not_checked", 3)
    event = stored.events.latest()
    assert (event.axis, event.from_attribution, event.to_attribution, event.by) == (
        "attribution",
        "confirmed",
        "not_checked",
        editor,
    )
    assert event.reason == (
        f"Speaker changed from {blinken.name} to Lloyd Austin: whether Lloyd Austin said it is not checked."
    )
    assert stored.revisions.get().before == {"speaker_id": blinken.pk}  # the edit itself, as every edit is
    check_history_now()


def test_a_new_speaker_of_a_claim_not_checked_writes_no_event(claim, editor):
    claim.change_speaker(make_speaker("Lloyd Austin"), by=editor)
    assert claim.events.count() == 1
    assert Claim.objects.get(pk=claim.pk).speaker.name == "Lloyd Austin"


def test_changing_the_speaker_in_the_admin_sends_the_attribution_back_to_not_checked(claim, editor, editor_client):
    confirmed_for(claim, editor)
    first = claim.speaker.name
    austin = make_speaker("Lloyd Austin")
    change = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = form_data(editor_client.get(change)) | {"speaker": austin.pk, "_save": "Save"}
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.speaker, stored.attribution) == (austin, "not_checked")
    event = stored.events.latest()
    assert (event.from_attribution, event.by) == ("confirmed", editor)
    assert event.reason.startswith(f"Speaker changed from {first} to Lloyd Austin in the admin:")


def test_a_reimport_that_names_another_speaker_sends_the_attribution_back_to_not_checked(
    tmp_path, admin_user, media_in_tmp
):
    run_import(tmp_path, csv_text(row(id="k1", venue="public_remarks")), admin_user)
    claim = Claim.objects.get()
    assert claim.attribution == "confirmed"
    first = claim.speaker.name
    job = run_import(tmp_path, csv_text(row(id="k1", venue="public_remarks", speaker="Lloyd Austin")), admin_user)
    assert job.state == "succeeded", job.errors
    claim = Claim.objects.get()
    assert (claim.speaker.name, claim.attribution) == ("Lloyd Austin", "not_checked")
    event = claim.events.latest("version")
    assert event.by == admin_user and event.reason.startswith(
        f"Speaker changed from {first} to Lloyd Austin in import #{job.pk} ("
    )


def test_a_reimport_naming_new_speakers_records_each_claims_change_as_change_speaker_would(
    tmp_path, admin_user, editor, media_in_tmp
):
    """Ten claims imported, then decided in several ways, then imported again from a file naming another
    speaker for most: each claim not "not checked" goes back to it with one attribution event, after its
    status event when the file also moves its status; the others are left as they were. The database's
    own event for a speaker changed (migration 0050) is not written besides."""
    venues = {"k0": "public_remarks", "k1": "public_remarks", "k2": "relayed_report", "k5": "public_remarks"}
    venues |= {"k6": "public_remarks", "k7": "public_remarks", "k8": "public_remarks"}
    keys = [f"k{n}" for n in range(10)]
    run_import(
        tmp_path, csv_text(*(row(f"Claim {key}.", id=key, venue=venues.get(key, "")) for key in keys)), admin_user
    )
    claims = {claim.import_key: claim for claim in Claim.objects.all()}
    decide_status(claims["k5"], "disputed", editor)  # an editor's verdict, which the file leaves alone
    claims["k6"].set_attribution("denied", by=editor, reason="His office denies he said it.")
    before = {claim.import_key: (claim.status, claim.attribution, claim.version) for claim in Claim.objects.all()}
    assert before == {
        **dict.fromkeys(["k0", "k1", "k7", "k8"], ("unconfirmed", "confirmed", 1)),
        "k2": ("unconfirmed", "relayed", 1),
        **dict.fromkeys(["k3", "k4", "k9"], ("unconfirmed", "not_checked", 1)),
        "k5": ("disputed", "confirmed", 2),
        "k6": ("unconfirmed", "denied", 2),
    }
    first = Claim.objects.get(import_key="k0").speaker.name
    speakers = {key: f"Speaker of {key}" for key in keys if key != "k8"}  # k8 keeps its speaker
    statuses = {"k7": "disputed", "k9": "disputed"}
    sheet = [
        row(f"Claim {key}.", speakers.get(key, first), id=key, venue=venues.get(key, ""), status=statuses.get(key, ""))
        for key in keys
    ]
    started = timezone.now()
    job = run_import(tmp_path, csv_text(*sheet), admin_user, name="renamed.csv")
    assert job.state == "succeeded", job.errors
    check_history_now()  # on PostgreSQL, the speaker-change trigger runs here: it must find nothing to do

    def after(key):
        claim = Claim.objects.get(import_key=key)
        return claim.speaker.name, claim.status, claim.attribution, claim.version

    assert {key: after(key) for key in keys} == {
        **{key: (speakers[key], "unconfirmed", "not_checked", 2) for key in ["k0", "k1", "k2"]},
        **{key: (speakers[key], "unconfirmed", "not_checked", 1) for key in ["k3", "k4"]},
        "k5": (speakers["k5"], "disputed", "not_checked", 3),
        "k6": (speakers["k6"], "unconfirmed", "not_checked", 3),
        "k7": (speakers["k7"], "disputed", "not_checked", 3),
        "k8": (first, "unconfirmed", "confirmed", 1),
        "k9": (speakers["k9"], "disputed", "not_checked", 2),
    }
    where = f"in import #{job.pk} (renamed.csv)"

    def reset(key, version, from_attribution, status="unconfirmed"):
        reason = (
            f"Speaker changed from {first} to {speakers[key]} {where}: whether {speakers[key]} said it is not checked."
        )
        return (version, "attribution", None, status, from_attribution, "not_checked", admin_user.pk, reason, True)

    def imported(version, status, attribution):
        reason = f"Imported from renamed.csv (import #{job.pk})"
        return (version, "status", "unconfirmed", status, None, attribution, admin_user.pk, reason, False)

    columns = ("version", "axis", "from_status", "to_status", "from_attribution", "to_attribution", "by_id")
    columns += ("reason", "decided_here")
    written = VerificationEvent.objects.filter(at__gte=started).order_by("version")
    by_claim = {}
    for event in written.select_related("claim"):
        by_claim.setdefault(event.claim.import_key, []).append(tuple(getattr(event, name) for name in columns))
    assert by_claim == {
        "k0": [reset("k0", 2, "confirmed")],
        "k1": [reset("k1", 2, "confirmed")],
        "k2": [reset("k2", 2, "relayed")],
        "k5": [reset("k5", 3, "confirmed", "disputed")],
        "k6": [reset("k6", 3, "denied")],
        "k7": [imported(2, "disputed", "confirmed"), reset("k7", 3, "confirmed", "disputed")],
        "k9": [imported(2, "disputed", "not_checked")],
    }
    assert all(started <= event.at <= timezone.now() for event in written)
    assert not VerificationEvent.objects.filter(at__gte=started, evidence__isnull=False).exists()


def test_a_reimport_sends_many_claims_back_to_not_checked_in_as_many_queries_as_a_few(
    tmp_path, admin_user, media_in_tmp
):
    def queries_to_rename(count, prefix):
        rows = [row(f"Claim {prefix}{n}.", id=f"{prefix}{n}", venue="public_remarks") for n in range(count)]
        run_import(tmp_path, csv_text(*rows), admin_user)
        renamed = [{**line, "speaker": f"Speaker {prefix}{n}"} for n, line in enumerate(rows)]
        with CaptureQueriesContext(connection) as queries:
            job = run_import(tmp_path, csv_text(*renamed), admin_user)
        assert (job.state, job.updated_count) == ("succeeded", count), job.errors
        assert Claim.objects.filter(import_key__startswith=prefix, attribution="not_checked").count() == count
        return len(queries)

    assert queries_to_rename(2, "a") == queries_to_rename(12, "b")


def test_many_claims_sent_back_to_not_checked_at_once_refuses_a_merged_one_and_writes_nothing(editor):
    kept, duplicate = (
        confirmed_for(make_claim(text), editor) for text in ["Pier closes in May.", "The pier shuts in May."]
    )
    merging.merge(duplicate, kept, by=editor, reason="Twice.", merged_version=2, into_version=2, speakers_differ=True)
    previous = make_speaker("Antony Blinken").pk
    with pytest.raises(TransitionRefused, match=f"Claim #{duplicate.pk} was merged into claim #{kept.pk}"):
        Claim.objects.speakers_changed({kept.pk: previous, duplicate.pk: previous}, by=editor)
    assert [claim.attribution for claim in Claim.objects.order_by("pk")] == ["confirmed", "confirmed"]
    assert VerificationEvent.objects.filter(axis="attribution", to_attribution="not_checked").count() == 0


def chain_kinds(client, claim):
    page = " ".join(client.get(claim.get_absolute_url()).text.split())
    return [part.split("</p>")[0].strip() for part in page.split('<p class="chain-kind">')[1:]]


def test_a_claim_said_to_another_outlet_says_so_where_no_outlet_passed_it_on(reviewer_client):
    """Jane Doe's CNN interview, imported with no story: the page said "The newsroom did not hear it
    from the speaker" under a Relayed badge, and listed no relay."""
    claim = make_claim("Raising the minimum wage would cost 1.3 million jobs.")
    make_appearance(claim, "interview", outlet=make_outlet("CNN"))
    assert chain_kinds(reviewer_client, claim) == [
        '<span class="badge relayed">Relayed</span> Said to CNN, not to the newsroom: only CNN\'s word that '
        "the speaker said it."
    ]


def test_a_claim_said_to_another_outlet_and_in_public_does_not_say_an_outlet_passed_it_on(reviewer_client):
    """Two direct appearances at Ukrainska Pravda, no relay: the page said "Another outlet passed it on here"."""
    pravda = make_outlet("Ukrainska Pravda")
    claim = make_claim("Unemployment fell to 8.5% last year.", article=make_article(make_outlet("B-17")))
    make_appearance(claim, "interview", outlet=pravda)
    make_appearance(claim, "press_conference", outlet=pravda)
    kinds = chain_kinds(reviewer_client, claim)
    assert kinds[0] == (
        '<span class="badge relayed">Relayed</span> Said to Ukrainska Pravda, not to the newsroom; '
        "the newsroom also heard it first-hand."
    )
    assert kinds[1] == '<span class="badge direct">Direct</span>'
    assert "passed it on" not in " ".join(kinds)
