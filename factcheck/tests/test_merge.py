"""Merging a duplicate claim into another, and the possible duplicates shown on the claim page."""

import html

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from factcheck import merging
from factcheck.models import (
    Appearance,
    AppearanceRevision,
    Claim,
    ClaimLink,
    ClaimMerge,
    Evidence,
    Note,
    PublishedVerdict,
)
from factcheck.revisions import writing_as
from factcheck.tests.factories import (
    make_appearance,
    make_claim,
    make_evidence,
    make_outlet,
    make_speaker,
    recorder,
)
from factcheck.verification import StaleVersion

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DUPLICATE = "Up to 8,000 North Korean troops have been moved to Kursk."
KEPT = "Up to 8,000 North Korean troops were moved to Kursk."


@pytest.fixture
def pair():
    """(duplicate, kept): one speaker's claim recorded twice, worded a little differently."""
    speaker = make_speaker("Antony Blinken")
    return make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)


def merge(duplicate, kept, by, reason="The same statement, recorded twice."):
    return merging.merge(
        duplicate, kept, by=by, reason=reason, merged_version=duplicate.version, into_version=kept.version
    )


def merge_post(client, duplicate, kept, reason="The same statement, recorded twice.", headers=None, **fields):
    data = {
        "into": kept.pk,
        "reason": reason,
        "merged_version": duplicate.version,
        "into_version": kept.version,
        **fields,
    }
    return client.post(f"/claims/{duplicate.pk}/merge/", data, **(headers or {}))


def refused_by_database():
    return pytest.raises((IntegrityError, InternalError, DatabaseError))


# What moves


def test_the_kept_claim_gains_appearances_evidence_notes_and_links(editor, pair):
    duplicate, kept = pair
    outlet = make_outlet("Kyiv Independent")
    said = make_appearance(duplicate, "public_remarks")
    make_appearance(duplicate, "relayed_report", outlet=outlet, relayed_from=said)
    evidence = make_evidence(duplicate, "context")
    note = Note.objects.create(claim=duplicate, body="Check the transcript.", author=editor)
    other = make_claim("Pyongyang denies sending troops.")
    link = ClaimLink.link(duplicate, other, ClaimLink.Kind.CONTRADICTS)

    record = merge(duplicate, kept, editor)

    assert kept.appearances.count() == 2
    assert [chain[-1].outlet for chain in Claim.objects.get(pk=kept.pk).attribution_chains()] == [outlet]
    assert list(kept.evidence.all()) == [evidence]
    assert list(kept.notes.all()) == [note]
    link.refresh_from_db()
    assert {link.from_claim_id, link.to_claim_id} == {kept.pk, other.pk}
    assert record.moved == {"appearances": 2, "evidence": 1, "notes": 1, "links": 1}
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert not duplicate.appearances.exists() and not duplicate.notes.exists()


def test_links_are_never_made_to_itself_nor_twice(editor, pair):
    duplicate, kept = pair
    other = make_claim("Pyongyang denies sending troops.")
    ClaimLink.link(duplicate, kept, ClaimLink.Kind.SAME_CLAIM)
    ClaimLink.link(duplicate, other, ClaimLink.Kind.CONTRADICTS)
    ClaimLink.link(kept, other, ClaimLink.Kind.CONTRADICTS)
    ClaimLink.objects.create(from_claim=other, to_claim=duplicate, kind=ClaimLink.Kind.UPDATES)

    record = merge(duplicate, kept, editor)

    links = set(ClaimLink.objects.values_list("from_claim_id", "to_claim_id", "kind"))
    low, high = sorted([kept.pk, other.pk])
    assert links == {(low, high, "contradicts"), (other.pk, kept.pk, "updates")}
    assert record.moved["links"] == 1


def test_an_attribution_chain_the_kept_claim_records_already_is_not_copied_twice(editor, pair):
    duplicate, kept = pair
    outlet = make_outlet("B-17")
    for claim in pair:
        make_appearance(claim, "statement_to_outlet", outlet=outlet)
    make_appearance(duplicate, "social_media_post")

    merge(duplicate, kept, editor)

    assert sorted(kept.appearances.values_list("venue_type", flat=True)) == ["social_media_post", "statement_to_outlet"]


def test_evidence_a_verdict_cites_stays_with_that_verdict_and_the_kept_claim_gets_a_copy(editor):
    speaker = make_speaker()
    duplicate = make_claim(DUPLICATE, speaker=speaker)
    cited = make_evidence(duplicate, "supports", url="https://example.org/transcript")
    duplicate.set_status("verified", by=editor, reason="The transcript.")
    kept = make_claim(KEPT, speaker=speaker)
    make_evidence(kept, "supports", url="https://example.org/transcript")
    kept.set_status("verified", by=editor, reason="The transcript.")
    uncited = make_evidence(duplicate, "context", url="https://example.org/map")

    record = merge(duplicate, kept, editor)

    assert cited.claim_id == duplicate.pk and Evidence.objects.get(pk=cited.pk).claim_id == duplicate.pk
    assert Evidence.objects.get(pk=uncited.pk).claim_id == kept.pk
    assert sorted(kept.evidence.values_list("url", flat=True)) == [
        "https://example.org/map",
        "https://example.org/transcript",
    ]
    assert record.moved["evidence"] == 1


def test_a_cited_item_the_kept_claim_lacks_is_copied(editor):
    speaker = make_speaker()
    duplicate, kept = make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)
    for claim in (duplicate, kept):
        make_evidence(claim, "refutes", url=f"https://example.org/{claim.pk}")
        claim.set_status("false", by=editor, reason="The ministry's count is 1,500.")

    merge(duplicate, kept, editor)

    copied = kept.evidence.get(url=f"https://example.org/{duplicate.pk}")
    original = Evidence.objects.get(claim=duplicate)
    assert (copied.summary, copied.stance, copied.added_at) == (original.summary, original.stance, original.added_at)


# The merged claim: read-only, redirected, its history kept


def test_the_merged_claim_redirects_to_the_kept_one_with_a_notice(editor_client, editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor, reason="Recorded twice from the wire.")

    response = editor_client.get(f"/claims/{duplicate.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{kept.pk}/?merged_from={duplicate.pk}"
    page = editor_client.get(response["Location"]).text
    assert f"Claim {duplicate.pk}, which you opened, was merged into this one by alice" in page
    assert "Recorded twice from the wire." in page
    assert f'href="/claims/{duplicate.pk}/?merged=1"' in page


def test_the_merged_claim_can_still_be_read_with_its_own_history(editor_client, editor, pair):
    duplicate, kept = pair
    make_evidence(duplicate, "refutes")
    duplicate.set_status("disputed", by=editor, reason="The ministry says 1,500.")
    make_evidence(kept, "refutes")
    kept.set_status("disputed", by=editor, reason="Another count.")
    merge(duplicate, kept, editor, reason="Recorded twice from the wire.")

    page = editor_client.get(f"/claims/{duplicate.pk}/?merged=1").text
    assert f'Merged into <a href="/claims/{kept.pk}/">claim {kept.pk}</a>' in page
    assert "The ministry says 1,500." in page  # its own verdict
    assert f'Merged into claim <a href="/claims/{kept.pk}/">{kept.pk}</a>' in page  # the merge, in its history
    assert "This claim is read-only." in page
    # No decision, evidence or note forms on a read-only claim.
    for action in ("status", "evidence", "notes"):
        assert f'action="/claims/{duplicate.pk}/{action}/"' not in page


def test_the_merge_is_an_event_in_both_histories(editor_client, editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor, reason="Recorded twice from the wire.")

    kept_page = editor_client.get(f"/claims/{kept.pk}/").text
    assert (
        f'<strong>Claim <a href="/claims/{duplicate.pk}/?merged=1">{duplicate.pk}</a> merged into this one</strong>'
        in (kept_page)
    )
    assert "Moved: 0 appearances, 0 evidence items, 0 notes and 0 links." in kept_page
    timeline = Claim.objects.get(pk=kept.pk).timeline()
    assert timeline[0]["merge"].merged_id == duplicate.pk and timeline[0]["kept"]
    merged_timeline = Claim.objects.get(pk=duplicate.pk).timeline()
    assert merged_timeline[0]["merge"].into_id == kept.pk and not merged_timeline[0]["kept"]
    assert merged_timeline[1]["event"].to_status == "unconfirmed"


def test_a_merged_claim_refuses_status_changes_evidence_and_notes(editor_client, editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    duplicate.refresh_from_db()

    with pytest.raises(Exception, match="merged into claim"):
        duplicate.set_status("disputed", by=editor, reason="Doubts.")
    response = editor_client.post(
        f"/claims/{duplicate.pk}/status/", {"status": "disputed", "version": duplicate.version, "reason": "Doubts."}
    )
    assert response.status_code == 422
    assert f"merged into claim #{kept.pk} and is read-only" in response.text
    response = editor_client.post(
        f"/claims/{duplicate.pk}/evidence/", {"url": "https://example.org/x", "summary": "s", "stance": "context"}
    )
    assert response.status_code == 302 and response["Location"] == f"/claims/{duplicate.pk}/?merged=1"
    response = editor_client.post(f"/claims/{duplicate.pk}/notes/", {"body": "A note."}, **HTMX)
    assert response.status_code == 409
    assert not Evidence.objects.filter(claim=duplicate).exists() and not Note.objects.filter(claim=duplicate).exists()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.version) == ("unconfirmed", 1)


def test_a_status_change_on_a_claim_merged_since_it_was_loaded_is_refused(editor, pair):
    duplicate, kept = pair
    loaded = Claim.objects.get(pk=duplicate.pk)
    merge(duplicate, kept, editor)
    with pytest.raises(Exception, match="merged into claim"):
        loaded.set_status("disputed", by=editor, reason="Doubts.")
    assert Claim.objects.get(pk=duplicate.pk).version == 1


def test_the_database_keeps_a_merged_claim_read_only(editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    with refused_by_database(), transaction.atomic():
        Claim.objects.filter(pk=duplicate.pk).update(text="Rewritten after the merge.")
    with refused_by_database(), transaction.atomic():
        Claim.objects.filter(pk=duplicate.pk).update(merged_into=None)
    with refused_by_database(), transaction.atomic():
        ClaimMerge.objects.filter(merged=duplicate).update(reason="Another reason.")
    with refused_by_database(), transaction.atomic():
        ClaimMerge.objects.filter(merged=duplicate).delete()
    assert Claim.objects.get(pk=duplicate.pk).text == DUPLICATE


def test_the_database_marks_a_claim_merged_only_with_its_recorded_merge(pair):
    duplicate, kept = pair
    with refused_by_database(), transaction.atomic():
        Claim.objects.filter(pk=duplicate.pk).update(merged_into=kept)
    assert Claim.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guards on a merged claim's parts are PostgreSQL's")
def test_the_database_refuses_new_evidence_notes_appearances_and_links_on_a_merged_claim(editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    with refused_by_database(), transaction.atomic():
        make_evidence(duplicate)
    with refused_by_database(), transaction.atomic():
        Note.objects.create(claim=duplicate, body="A note.", author=editor)
    with refused_by_database(), transaction.atomic():
        make_appearance(duplicate)
    with refused_by_database(), transaction.atomic():
        ClaimLink.link(duplicate, make_claim(), ClaimLink.Kind.SAME_CLAIM)


def test_merged_claims_drop_out_of_the_queue_and_the_counts(reviewer_client, editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    page = reviewer_client.get("/claims/?status=all").text
    assert f'href="/claims/{kept.pk}/"' in page
    assert f'href="/claims/{duplicate.pk}/"' not in page
    assert dict(Claim.objects.status_counts())["unconfirmed"] == 1
    speaker_page = reviewer_client.get(f"/speakers/{kept.speaker_id}/").text
    assert f'href="/claims/{duplicate.pk}/"' not in speaker_page


# Refused merges


def test_a_merge_whose_verdicts_conflict_asks_to_settle_the_status_first(editor_client, editor, pair):
    duplicate, kept = pair
    make_evidence(kept, "refutes")
    kept.set_status("disputed", by=editor, reason="The ministry says 1,500.")

    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}").text
    assert "The verdicts differ" in page
    # A merge that will be refused offers no Merge button.
    assert 'id="merge-form"' not in page and f"Merge claim {duplicate.pk} into claim {kept.pk}</button>" not in page
    response = merge_post(editor_client, duplicate, kept)
    assert response.status_code == 422
    assert (
        f"claim #{duplicate.pk} is “Unable to independently confirm” and claim #{kept.pk} is “Disputed”. "
        "Settle the status first" in response.text
    )
    assert response.text.count("The verdicts differ") == 1 and 'id="merge-form"' not in response.text
    assert not ClaimMerge.objects.exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "A claim cannot be merged into itself."),
        ("into_merged", "was itself merged into claim"),
        ("already_merged", "was already merged into claim"),
        ("no_reason", "Give a reason for the merge"),
    ],
)
def test_refused_merges_write_nothing(editor_client, editor, pair, case, message):
    duplicate, kept = pair
    third = make_claim("Up to 8,000 troops moved to Kursk.", speaker=kept.speaker)
    if case == "itself":
        kept = duplicate
    elif case == "into_merged":
        merge(kept, third, editor)
        kept.refresh_from_db()
    elif case == "already_merged":
        merge(duplicate, third, editor)
        duplicate.refresh_from_db()
    merges = ClaimMerge.objects.count()
    response = merge_post(editor_client, duplicate, kept, reason="" if case == "no_reason" else "Recorded twice.")
    assert response.status_code == 422
    assert message in response.text
    assert ClaimMerge.objects.count() == merges


def test_a_claim_number_that_is_no_number_asks_for_one(editor_client, pair):
    duplicate, kept = pair
    for number in ["²", "99999999999999999999"]:  # "²" is a digit that int() refuses
        assert editor_client.get(f"/claims/{duplicate.pk}/merge/", {"into": number}).status_code == 200
        assert merge_post(editor_client, duplicate, kept, into=number).status_code == 422
    assert not ClaimMerge.objects.exists()


def test_a_reviewer_cannot_merge_nor_see_the_merge_buttons(reviewer_client, pair):
    duplicate, kept = pair
    assert reviewer_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}").status_code == 403
    assert merge_post(reviewer_client, duplicate, kept).status_code == 403
    page = reviewer_client.get(f"/claims/{kept.pk}/").text
    assert "Possible duplicates" in page and "Merge into this claim" not in page
    assert not ClaimMerge.objects.exists()


def test_a_merge_racing_a_status_change_is_refused_as_stale(editor_client, editor, pair):
    duplicate, kept = pair
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}")
    assert 'name="into_version" value="1"' in page.text
    make_evidence(kept, "refutes")
    Claim.objects.get(pk=kept.pk).set_status("disputed", by=editor, reason="Meanwhile, a doubt.")

    response = merge_post(editor_client, duplicate, kept)  # the versions the page carried

    assert response.status_code == 409
    assert (
        f"Nothing was merged: claim #{kept.pk} changed since this page was drawn. This claim was changed by alice"
        in (response.text)
    )
    assert not ClaimMerge.objects.exists()
    assert Claim.objects.get(pk=duplicate.pk).merged_into_id is None
    with pytest.raises(StaleVersion):
        merging.merge(duplicate, kept, by=editor, reason="Twice.", merged_version=1, into_version=1)


# The confirmation and the merge, with and without htmx


def test_the_confirmation_shows_both_claims_and_merges_without_javascript(editor_client, pair):
    duplicate, kept = pair
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}").text
    assert '<table class="compare" id="merge-compare">' in page
    assert DUPLICATE in page and KEPT in page

    response = merge_post(editor_client, duplicate, kept, reason="The same <b>statement</b>.")

    assert response.status_code == 302 and response["Location"] == f"/claims/{kept.pk}/"
    page = editor_client.get(response["Location"]).text
    assert f"Claim #{duplicate.pk} merged into this one: it gained 0 appearances" in page
    assert "The same &lt;b&gt;statement&lt;/b&gt;." in page
    merge_record = ClaimMerge.objects.get()
    assert (merge_record.merged_id, merge_record.into_id, merge_record.by.username) == (duplicate.pk, kept.pk, "alice")


def test_with_htmx_the_confirmation_is_a_fragment_and_the_merge_navigates_to_the_kept_claim(editor_client, pair):
    duplicate, kept = pair
    fragment = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}", **HTMX)
    assert fragment.text.lstrip().startswith('<section id="merge"')
    assert "Vary" in fragment and "HX-Request" in fragment["Vary"]

    response = merge_post(editor_client, duplicate, kept, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/claims/{kept.pk}/"
    assert "claims-changed" in response["HX-Trigger"]
    assert Claim.objects.get(pk=duplicate.pk).merged_into_id == kept.pk


def test_without_a_claim_number_the_page_asks_for_one(editor_client, pair):
    duplicate, _ = pair
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/").text
    assert 'id="merge-pick"' in page
    assert "There is no claim with that number." in editor_client.get(f"/claims/{duplicate.pk}/merge/?into=999999").text


# Possible duplicates


def test_the_claim_page_lists_the_speakers_look_alike_claims_with_a_merge_button(editor_client, pair):
    duplicate, kept = pair
    make_claim("Up to 8,000 North Korean troops have been moved to Kursk.")  # another speaker
    make_claim("The weather in Seoul is mild this week.", speaker=kept.speaker)  # not alike

    page = editor_client.get(f"/claims/{kept.pk}/").text
    assert f'hx-get="/claims/{kept.pk}/?duplicates=1" hx-trigger="load"' in page  # looked up once shown
    panel = editor_client.get(f"/claims/{kept.pk}/?duplicates=1", HTTP_HX_REQUEST="true").text
    assert panel.lstrip().startswith('<section class="panel" id="duplicates-panel"')
    assert f'href="/claims/{duplicate.pk}/merge/?into={kept.pk}"' in panel
    without_javascript = editor_client.get(f"/claims/{kept.pk}/?duplicates=1").text
    assert f'href="/claims/{duplicate.pk}/merge/?into={kept.pk}"' in without_javascript
    duplicates = [other.pk for other, _ in merging.possible_duplicates(kept)]
    assert duplicates == [duplicate.pk]


def test_merged_claims_are_not_offered_as_duplicates(editor, pair):
    duplicate, kept = pair
    third = make_claim("Up to 8,000 North Korean troops have moved to Kursk.", speaker=kept.speaker)
    merge(duplicate, kept, editor)
    assert [other.pk for other, _ in merging.possible_duplicates(third)] == [kept.pk]


def test_duplicates_are_found_by_similar_text_best_first(pair):
    duplicate, kept = pair
    closer = make_claim("Up to 8,000 North Korean troops were moved to Kursk region.", speaker=kept.speaker)
    found = merging.possible_duplicates(kept)
    assert [other.pk for other, _ in found] == [closer.pk, duplicate.pk]
    assert all(0.3 <= similarity <= 1 for _, similarity in found)
    assert found[0][1] > found[1][1]


def test_the_claim_page_costs_the_same_queries_with_few_or_many_look_alikes(editor_client, pair):
    _, kept = pair
    counts = []
    for extra in (0, 20):
        for number in range(extra):
            make_claim(f"Up to {number},000 North Korean troops were moved to Kursk.", speaker=kept.speaker)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(f"/claims/{kept.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_on_postgresql_the_lookup_reads_only_the_speakers_newest_claims(pair):
    _, kept = pair
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN {merging._LOOK_ALIKES_SQL}",
            [[kept.pk], [kept.speaker_id], [kept.text], [kept.pk], [None], 500, 0.3, 5],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_speaker_recent_idx" in plan
    assert "Seq Scan on factcheck_claim" not in plan


def test_the_import_preview_rows_are_compared_with_tracked_claims(pair):
    from factcheck.importing.cleaning import Row, Speaker

    duplicate, kept = pair

    def row(line, text, speaker="antony blinken", key="row"):
        return Row(
            line, 1, f"{key}-{line}", text, None, None, None, Speaker(speaker, "", "", ""), None, [], [], None, ""
        )

    rows = [
        row(2, "Up to 8,000 North Korean troops had been moved to Kursk."),
        row(3, "The weather in Seoul is mild."),
        row(4, DUPLICATE, speaker="Someone Else"),
    ]
    with CaptureQueriesContext(connection) as queries:
        found = merging.duplicates_of_rows(rows)
    assert len(queries) == 2
    assert [(item["line"], item["claim"]) for item in found] == [(2, duplicate.pk), (2, kept.pk)]
    assert found[0]["speaker"] == "antony blinken" and found[0]["claim_text"] == DUPLICATE


def test_a_row_is_not_its_own_duplicate(pair):
    from factcheck.importing.cleaning import Row, Speaker

    duplicate, _ = pair
    Claim.objects.filter(pk=duplicate.pk).update(import_key="wire-1")
    row = Row(
        2, 1, "wire-1", DUPLICATE, None, None, None, Speaker("Antony Blinken", "", "", ""), None, [], [], None, ""
    )
    assert duplicate.pk not in [item["claim"] for item in merging.duplicates_of_rows([row])]


# The admin

ADMIN_CLAIMS = "/admin/factcheck/claim/"


def admin_merge(client, claims, **fields):
    data = {"action": "merge_duplicates", "_selected_action": [claim.pk for claim in claims], **fields}
    return client.post(ADMIN_CLAIMS, data, follow=True)


def test_the_admin_action_shows_both_claims_then_merges_the_one_not_kept(editor_client, pair):
    duplicate, kept = pair
    page = admin_merge(editor_client, pair)
    assert page.status_code == 200
    assert 'id="claims-to-merge"' in page.text and DUPLICATE in page.text and KEPT in page.text
    assert not ClaimMerge.objects.exists()

    versions = {f"version-{claim.pk}": claim.version for claim in pair}
    response = admin_merge(editor_client, pair, apply="yes", keep=kept.pk, reason="Recorded twice.", **versions)

    assert f"Merged claim #{duplicate.pk} into claim #{kept.pk}" in response.text
    record = ClaimMerge.objects.get()
    assert (record.merged_id, record.into_id, record.reason) == (duplicate.pk, kept.pk, "Recorded twice.")


def test_the_admin_refuses_a_merge_of_conflicting_verdicts_or_from_a_stale_page(editor_client, editor, pair):
    _, kept = pair
    versions = {f"version-{claim.pk}": claim.version for claim in pair}
    make_evidence(kept, "refutes")
    kept.set_status("disputed", by=editor, reason="Doubts.")
    stale = admin_merge(editor_client, pair, apply="yes", keep=kept.pk, reason="Twice.", **versions)
    assert stale.status_code == 409
    assert (
        f"Nothing was merged: claim #{kept.pk} changed since this page was drawn. This claim was changed by alice"
        in (stale.text)
    )
    versions[f"version-{kept.pk}"] = 2
    conflict = admin_merge(editor_client, pair, apply="yes", keep=kept.pk, reason="Twice.", **versions)
    assert conflict.status_code == 409 and "Settle the status first" in conflict.text
    assert not ClaimMerge.objects.exists()


def test_the_admin_merges_exactly_two_claims(editor_client, pair):
    response = admin_merge(editor_client, [*pair, make_claim()])
    assert "Select exactly two claims" in response.text


def test_a_reviewer_has_no_merge_action(reviewer_client, pair):
    assert "merge_duplicates" not in reviewer_client.get(ADMIN_CLAIMS).text
    admin_merge(reviewer_client, pair, apply="yes", reason="Twice.")
    assert not ClaimMerge.objects.exists()


def test_a_merged_claim_is_read_only_in_the_admin(editor_client, editor, pair):
    duplicate, kept = pair
    merge(duplicate, kept, editor, reason="Recorded twice.")
    page = editor_client.get(f"{ADMIN_CLAIMS}{duplicate.pk}/change/")
    assert page.status_code == 200
    assert 'name="text"' not in page.text
    assert f"Claim #{kept.pk}</a>, by alice" in page.text
    assert editor_client.post(f"{ADMIN_CLAIMS}{duplicate.pk}/change/", {"text": "Rewritten."}).status_code == 403
    kept_page = editor_client.get(f"{ADMIN_CLAIMS}{kept.pk}/change/").text
    assert "Claims merged into this one" in kept_page and "Recorded twice." in kept_page
    refused = editor_client.post(
        ADMIN_CLAIMS,
        {"action": "mark_disputed", "_selected_action": [duplicate.pk], "apply": "yes", "reason": "Doubts."},
        follow=True,
    )
    assert "merged into claim" in refused.text
    assert Claim.objects.get(pk=duplicate.pk).text == DUPLICATE


@pytest.mark.parametrize(
    ("path", "fields", "model"),
    [
        ("evidence", {"stance": "supports", "url": "https://example.org/report", "summary": "It shows it."}, Evidence),
        ("note", {"body": "Look at this one."}, Note),
    ],
)
def test_the_admin_adds_no_evidence_or_note_to_a_merged_claim(reviewer_client, editor, pair, path, fields, model):
    """The standalone Evidence and Note forms accepted a merged claim (on SQLite, which does not
    guard them): the part went to a read-only claim whose page leads elsewhere, never seen again."""
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    response = reviewer_client.post(f"/admin/factcheck/{path}/add/", {"claim": duplicate.pk, **fields})
    assert response.status_code == 200
    assert f"This claim was merged into claim #{kept.pk} and is read-only" in html.unescape(response.text)
    assert not model.objects.filter(claim=duplicate).exists()
    assert reviewer_client.post(f"/admin/factcheck/{path}/add/", {"claim": kept.pk, **fields}).status_code == 302
    assert model.objects.filter(claim=kept).exists()


@pytest.mark.parametrize("end", ["from_claim", "to_claim"])
def test_the_admin_links_no_claim_to_or_from_a_merged_claim(editor_client, editor, pair, end):
    duplicate, kept = pair
    merge(duplicate, kept, editor)
    other = make_claim("Up to 8,000 troops are in Kursk.")
    ends = {"from_claim": other.pk, "to_claim": other.pk, end: duplicate.pk}
    response = editor_client.post("/admin/factcheck/claimlink/add/", {**ends, "kind": "contradicts"})
    assert response.status_code == 200
    assert f"This claim was merged into claim #{kept.pk} and is read-only" in html.unescape(response.text)
    assert not ClaimLink.objects.exists()
    ends[end] = kept.pk
    assert editor_client.post("/admin/factcheck/claimlink/add/", {**ends, "kind": "contradicts"}).status_code == 302
    assert ClaimLink.objects.count() == 1


# The import preview


def test_the_import_preview_lists_rows_that_look_like_tracked_claims(admin_user, client, tmp_path, settings):
    from factcheck import importing
    from factcheck.tests.test_import import csv_text, row

    settings.MEDIA_ROOT = tmp_path / "media"
    tracked = make_claim("Russia is training North Korean soldiers.", speaker=make_speaker("Andrii Kovalenko"))
    source = tmp_path / "claims.csv"
    source.write_text(
        csv_text(
            row("Russia is training the North Korean soldiers."),
            row("The bridge at Kherson reopened."),
            row("Russia is training North Korean soldiers.", speaker="Somebody Else"),
        )
    )

    job = importing.validate(source, filename="claims.csv", user=admin_user)

    assert job.state == "validated"
    assert [(item["line"], item["claim"]) for item in job.summary["possible_duplicates"]] == [(2, tracked.pk)]
    client.force_login(admin_user)
    page = client.get(f"/admin/factcheck/importjob/{job.pk}/import/").text
    assert 'id="import-duplicates"' in page
    assert f'<a href="/claims/{tracked.pk}/">#{tracked.pk}</a> Russia is training North Korean soldiers.' in page


def test_merged_claims_leave_the_public_feed_and_the_export(client, editor):
    import io
    import json

    from django.core.management import call_command

    speaker = make_speaker()
    duplicate, kept = make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)
    for claim in (duplicate, kept):
        make_appearance(claim)
        make_evidence(claim, "refutes")
        PublishedVerdict.publish(claim.set_status("disputed", by=editor, reason="The ministry says 1,500."), by=editor)
    merge(duplicate, kept, editor)

    feed = json.loads(client.get("/feeds/claimreview.json").content)
    assert DUPLICATE not in json.dumps(feed) and KEPT in json.dumps(feed)
    out = io.StringIO()
    call_command("export_claims", stdout=out)
    assert KEPT in out.getvalue() and DUPLICATE not in out.getvalue()


def test_merging_a_claim_whose_verdict_is_published_says_it_stays_online_and_it_can_be_withdrawn(
    editor_client, editor, pair
):
    """Its page stays on the web, out of the feed, and the kept claim's page does not show it: the
    editor merging had not been told."""
    duplicate, kept = pair
    other = make_claim("Up to 8,000 troops, North Korea's, moved to Kursk.", speaker=kept.speaker)
    for claim in (duplicate, kept, other):  # one verdict, that a merge needs
        make_evidence(claim, "refutes")
        claim.set_status("false", by=editor, reason="Shown wrong.")
    make_appearance(duplicate)
    publication = PublishedVerdict.publish(duplicate.events.latest("version"), by=editor)
    kept.refresh_from_db()
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}")
    assert f'href="{publication.get_absolute_url()}">published</a>' in page.text
    assert "Merged, it stays online but leaves the feed" in page.text
    duplicate.refresh_from_db()
    response = editor_client.get(merge_post(editor_client, duplicate, kept)["Location"])
    assert f"Claim #{duplicate.pk}&#x27;s published verdict stays online, out of the feed" in response.text
    withdrawn = editor_client.post(
        f"/claims/{duplicate.pk}/withdraw/", {"publication": publication.pk, "reason": "Merged into its twin."}
    )
    assert withdrawn.status_code == 302
    assert not PublishedVerdict.objects.live().exists()
    # A claim with no verdict published is merged without the warning.
    other.refresh_from_db()
    kept.refresh_from_db()
    assert "stays online" not in editor_client.get(f"/claims/{other.pk}/merge/?into={kept.pk}").text
    assert "stays online" not in editor_client.get(merge_post(editor_client, other, kept)["Location"]).text


# Real concurrency (PostgreSQL: SQLite serialises writers)


def run_while_held(held, *work):
    """Run each of `work` in its own thread while this thread holds `held` (a callable run in a transaction),
    once all of them wait on a lock; return what each returned or raised."""
    import threading

    from factcheck.tests.test_admin_locking import wait_for_waiters

    results = [None] * len(work)

    def run(index):
        try:
            results[index] = work[index]()
        except Exception as error:  # the test reads it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    with transaction.atomic():
        held()
        for thread in threads:
            thread.start()
        wait_for_waiters(len(work), "The merges never waited on the rows.")
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_merge_racing_a_status_change_waits_for_it_then_is_refused_as_stale(editor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    speaker = make_speaker()
    duplicate, kept = make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)
    make_evidence(kept, "refutes")

    def status_change_in_progress():
        Claim.objects.get(pk=kept.pk).set_status("disputed", by=editor, reason="Meanwhile, a doubt.")

    [result] = run_while_held(status_change_in_progress, lambda: merge(duplicate, kept, editor))

    assert isinstance(result, StaleVersion)
    assert not ClaimMerge.objects.exists()
    assert Claim.objects.get(pk=kept.pk).status == "disputed"
    assert Claim.objects.get(pk=duplicate.pk).merged_into_id is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "path, data",
    [
        ("notes", {"body": "Ask the ministry."}),
        ("evidence", {"url": "https://example.org/a", "summary": "It says so.", "stance": "supports"}),
        ("assignees", {"username": "alice", "action": "assign"}),
    ],
)
def test_an_addition_racing_a_merge_of_its_claim_waits_for_it_then_is_refused(editor, path, data):
    """The claim page's additions had read the claim unmerged, then written when the merge had
    committed: the database refused the row, and the editor got a server error."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from django.test import Client

    speaker = make_speaker()
    duplicate, kept = make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)
    client = Client()
    client.force_login(editor)

    def add():
        return client.post(f"/claims/{duplicate.pk}/{path}/", data)

    [response] = run_while_held(lambda: merge(duplicate, kept, editor), add)

    assert not isinstance(response, Exception), response
    assert response.status_code == 302 and response["Location"].endswith("?merged=1")
    assert not duplicate.notes.exists() and not duplicate.evidence.exists() and not duplicate.assignments.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_merges_of_one_pair_either_way_round_one_wins_and_neither_deadlocks(editor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    speaker = make_speaker()
    first, second = make_claim(DUPLICATE, speaker=speaker), make_claim(KEPT, speaker=speaker)

    def hold_both():
        list(Claim.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk"))

    results = run_while_held(hold_both, lambda: merge(first, second, editor), lambda: merge(second, first, editor))

    assert sum(isinstance(result, ClaimMerge) for result in results) == 1
    [refused] = [result for result in results if not isinstance(result, ClaimMerge)]
    assert isinstance(refused, merging.MergeRefused) and refused.code in {"already_merged", "into_merged"}
    assert ClaimMerge.objects.count() == 1


def test_the_story_desk_offers_no_merged_claim_as_a_look_alike(editor, pair):
    from factcheck import storydesk

    duplicate, kept = pair
    merge(duplicate, kept, editor)
    compare = storydesk._similar_postgresql if connection.vendor == "postgresql" else storydesk._similar_python
    found = [claim_id for _, claim_id, _ in compare([(1, kept.speaker_id, DUPLICATE)])]
    assert found == [kept.pk]


def test_a_merge_of_claims_whose_attribution_differs_is_refused(editor, pair):
    duplicate, kept = pair
    make_evidence(kept, "context", primary_source=True)
    kept.set_attribution("confirmed", by=editor, reason="The video has it.")
    duplicate.set_attribution("relayed", by=editor, reason="Only Reuters carried it.")
    with pytest.raises(merging.MergeRefused, match="Settle the attribution first"):
        merging.merge(duplicate, kept, by=editor, reason="Same.", merged_version=duplicate.version,
                      into_version=kept.version)  # fmt: skip
    assert not ClaimMerge.objects.exists()


def test_a_claim_whose_attribution_nobody_checked_merges_under_the_kept_claims(editor, pair):
    duplicate, kept = pair
    make_evidence(kept, "context", primary_source=True)
    kept.set_attribution("confirmed", by=editor, reason="The video has it.")
    merge(duplicate, kept, editor)
    kept.refresh_from_db()
    assert kept.attribution == "confirmed"


# Claims of different speakers, and merges that will be refused


def test_claims_of_different_speakers_merge_only_when_the_editor_confirms_it(editor_client, pair):
    duplicate, _ = pair
    other = make_claim(KEPT, speaker=make_speaker("Lloyd Austin"))
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={other.pk}").text
    assert "The speakers differ" in page and merging.SPEAKERS_DIFFER_CONFIRMATION in page
    assert f"Merge claim {duplicate.pk} into claim {other.pk}</button>" in page

    refused = merge_post(editor_client, duplicate, other)
    assert refused.status_code == 422
    assert (
        f"The speakers differ: claim #{duplicate.pk} is Antony Blinken's and claim #{other.pk} is Lloyd Austin's."
        in html.unescape(refused.text)
    )
    assert not ClaimMerge.objects.exists()

    merged = merge_post(editor_client, duplicate, other, speakers_differ="on")
    assert merged.status_code == 302
    assert ClaimMerge.objects.get().into_id == other.pk


def test_claims_of_one_speaker_ask_for_no_confirmation(editor_client, pair):
    duplicate, kept = pair
    page = editor_client.get(f"/claims/{duplicate.pk}/merge/?into={kept.pk}").text
    assert merging.SPEAKERS_DIFFER_CONFIRMATION not in page


def test_the_admin_merges_claims_of_different_speakers_only_when_confirmed(editor_client, pair):
    duplicate, _ = pair
    other = make_claim(KEPT, speaker=make_speaker("Lloyd Austin"))
    claims = [duplicate, other]
    assert merging.SPEAKERS_DIFFER_CONFIRMATION in admin_merge(editor_client, claims).text
    versions = {f"version-{claim.pk}": claim.version for claim in claims}
    refused = admin_merge(editor_client, claims, apply="yes", keep=other.pk, reason="Twice.", **versions)
    assert refused.status_code == 409 and "The speakers differ" in refused.text
    assert not ClaimMerge.objects.exists()
    admin_merge(editor_client, claims, apply="yes", keep=other.pk, reason="Twice.", speakers_differ="on", **versions)
    assert ClaimMerge.objects.get().merged_id == duplicate.pk


def relayed_and_not_checked(pair):
    """(relayed, not checked): the first relayed by another outlet, the second with no appearance."""
    duplicate, kept = pair
    make_appearance(duplicate, "relayed_report", outlet=make_outlet("Kyiv Independent"))
    duplicate = Claim.objects.get(pk=duplicate.pk)
    assert duplicate.implied_attribution() == "relayed"
    duplicate.set_attribution("relayed", by=recorder(), reason="Only the Kyiv Independent's word.")
    return duplicate, kept


def test_the_admin_merge_form_says_which_claim_cannot_be_kept_before_asking_why(editor_client, pair):
    """The form listed the status only; the refusal (attribution) came after the reason was typed."""
    relayed, not_checked = relayed_and_not_checked(pair)
    page = admin_merge(editor_client, pair)
    assert page.status_code == 200
    text = html.unescape(" ".join(page.text.split()))
    assert '<th scope="col">Attribution</th>' in text and "Relayed: only another outlet's word" in text
    assert (
        f"Keeping #{not_checked.pk} is refused: Whether the speaker said it differs: claim #{relayed.pk} is "
        f"“Relayed: only another outlet's word” and claim #{not_checked.pk} is “Attribution not checked”." in text
    )
    # The claim that can be kept is the one chosen.
    assert f'value="{relayed.pk}" id="keep-{relayed.pk}" checked' in text
    versions = {f"version-{claim.pk}": claim.version for claim in (relayed, not_checked)}
    done = admin_merge(editor_client, pair, apply="yes", keep=relayed.pk, reason="Recorded twice.", **versions)
    assert f"Merged claim #{not_checked.pk} into claim #{relayed.pk}" in done.text


def test_the_admin_merge_form_offers_no_merge_when_neither_claim_can_be_kept(editor_client, editor, pair):
    _, other = relayed_and_not_checked(pair)
    make_evidence(other, "context", primary_source=True)
    other.set_attribution("confirmed", by=editor, reason="The transcript.")
    page = admin_merge(editor_client, pair)
    assert "Nothing can be merged until then" in page.text
    assert "Merge the other claim into the one kept" not in page.text
    assert 'name="reason"' not in page.text


def test_the_site_merge_page_leads_back_to_the_claim_the_editor_came_from(editor_client, pair):
    """From claim 25's page, "Keep claim 25 instead" led to a page offering "Back to claim 23"."""
    relayed, not_checked = relayed_and_not_checked(pair)
    first = editor_client.get(f"/claims/{not_checked.pk}/merge/?into={relayed.pk}").text
    swap = f"/claims/{relayed.pk}/merge/?into={not_checked.pk}&amp;back={not_checked.pk}"
    assert swap in first
    page = editor_client.get(html.unescape(swap)).text
    assert f'<a href="/claims/{not_checked.pk}/">Back to claim {not_checked.pk}</a>' in page
    assert f"Back to claim {relayed.pk}" not in page


def test_a_merge_completes_the_kept_claims_appearance_at_the_same_url_instead_of_adding_a_second(editor, pair):
    """Claim 25 kept "Venue not stated" and gained claim 23's "Interview on CNN", both of one video."""
    duplicate, kept = pair
    video = "https://www.youtube.com/watch?v=abc"
    cnn = make_outlet("CNN")
    make_appearance(duplicate, "interview", outlet=cnn, url=video, venue_text="an interview on CNN")
    unstated = make_appearance(kept, "not_stated", url=video)
    with writing_as(editor, "a merge"):  # as a request names its writer
        record = merge(duplicate, kept, editor)
    (appearance,) = Appearance.objects.filter(claim=kept)
    assert appearance.pk == unstated.pk
    assert (appearance.venue_type, appearance.outlet, appearance.url, appearance.venue_text) == (
        "interview",
        cnn,
        video,
        "an interview on CNN",
    )
    assert duplicate.appearances.count() == 1  # the merged claim keeps its own, read-only
    assert record.moved["appearances"] == 0 and record.moved["appearances_completed"] == 1
    assert record.moved_summary() == "0 appearances (1 completed), 0 evidence items, 0 notes and 0 links"
    change = AppearanceRevision.objects.get(appearance_id=unstated.pk)  # the completion is in the history
    assert change.before == {"venue_type": "not_stated", "outlet_id": None, "venue_text": None}
    assert change.by == editor


def test_a_merge_never_overwrites_what_the_kept_claims_appearance_says(editor, pair):
    duplicate, kept = pair
    make_appearance(duplicate, "interview", outlet=make_outlet("CNN"), url="https://example.org/v")
    press = make_appearance(kept, "press_conference", url="https://example.org/v")
    record = merge(duplicate, kept, editor)
    assert list(Appearance.objects.filter(claim=kept).values_list("pk", "venue_type", "outlet")) == [
        (press.pk, "press_conference", None)
    ]
    assert record.moved == {"appearances": 0, "evidence": 0, "notes": 0, "links": 0}
