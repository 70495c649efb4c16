"""The pre-publication check: each flag on a draft made for it, the seed story as a draft against the
demo's claims, sign-off and publishing rules, who may do what, and what a page costs."""

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import empty_caches
from factcheck import exporting, prepublication, views
from factcheck.models import (
    ApiToken,
    Article,
    Claim,
    ClaimLink,
    LinkKind,
    Outlet,
    SignOff,
    SignOffRefused,
    Speaker,
    StoryDraft,
)
from factcheck.prepublication import Figure
from factcheck.tests.factories import make_article, make_claim, make_claims, make_evidence, make_speaker
from factcheck.tests.test_story_desk import accept_everything
from factcheck.tests.test_views_queue import count_queries
from factcheck.text import claim_key


def seed_text():
    from django.conf import settings

    return (settings.BASE_DIR / "fixtures" / "seed-article.txt").read_text(encoding="utf-8").strip()


def demo_claim(text_start):
    return Claim.objects.get(text__startswith=text_start)


def draft_of(body, *, outlet_name="B-17", headline="A draft"):
    outlet = Outlet.objects.filter(name=outlet_name).first() or Outlet.objects.create(name=outlet_name)
    return make_article(outlet, headline=headline, body=body, state=Article.State.DRAFT)


def flags_of(report, code):
    return [flag for flag in report.flags if flag.code == code]


# Each flag on a draft made for it


def test_a_claim_tracked_as_disputed_is_flagged_in_other_words_with_its_claim(demo, editor):
    tracked = demo_claim("Russia is training North Korean soldiers")
    tracked.set_status("disputed", by=editor, reason="Two sources contradict it.")
    draft = draft_of(
        "Andrii Kovalenko told B-17 that Russia was training soldiers from North Korea to fly strike UAVs and "
        "reconnaissance drones."
    )
    report = prepublication.check_article(draft)
    [flag] = flags_of(report, "verdict")
    assert flag.claim == tracked
    assert "disputed" in flag.message
    assert flag.sentence.startswith("Andrii Kovalenko told B-17")
    assert report.claims[0].status == "disputed"


def test_a_false_claim_repeated_word_for_word_under_another_speaker_is_flagged_with_its_speaker(
    demo, editor, editor_client
):
    """Only the speaker's own look-alikes were read: Eric Schmidt's false claim, told by "a retired US
    general", was not flagged at all."""
    tracked = demo_claim("The US military should do away with tanks")
    make_evidence(tracked, "refutes")
    tracked.set_status("false", by=editor, reason="The Army's figures say otherwise.")
    draft = draft_of("A retired US general told B-17 the US military should do away with tanks, which are useless.")
    report = prepublication.check_article(draft)
    [item] = report.claims
    assert item.speaker == "A retired US general" and item.match is None
    [flag] = flags_of(report, "verdict")
    assert flag.claim == tracked
    assert flag.message == f"The same words are tracked as false under Eric Schmidt: #{tracked.pk} “{tracked.text}”"
    row = html.unescape(editor_client.get(f"/articles/{draft.pk}/check/").text).split('id="check-1"')[1]
    assert "Tracked as disputed or false" in row and "under Eric Schmidt" in row
    assert f'<a href="/claims/{tracked.pk}/">#{tracked.pk}</a> “{tracked.text}”' in row
    assert "Open claim" not in row


def test_the_same_words_are_found_whatever_their_case_punctuation_quotes_and_accents(demo, editor):
    tracked = make_claim("The café’s owner said: “Tanks are useless.”", speaker=make_speaker("Someone"))
    tracked.set_attribution("denied", by=editor, reason="His office says he never said it.")
    draft = draft_of("A draft.")
    make_claim('THE CAFE\'S OWNER SAID "TANKS ARE USELESS"', speaker=make_speaker("Someone else"), article=draft)
    make_claim("The cafe owner said tanks are useless.", speaker=make_speaker("A third"), article=draft)
    report = prepublication.check_article(draft)
    flagged = {flag.item: flag for flag in flags_of(report, "attribution")}
    [item] = [item for item in report.claims if item.number in flagged]
    assert item.text.startswith("THE CAFE'S OWNER")  # not the one whose words differ ("cafe owner")
    assert flagged[item.number].claim == tracked
    assert "“Denied by the speaker” under Someone:" in flagged[item.number].message


def test_the_same_words_are_flagged_only_while_their_verdict_is_one_the_check_warns_about(demo, editor):
    tracked = demo_claim("North Korean troops in Kursk will enter the fighting shortly")
    draft = draft_of("Andrii Kovalenko told B-17 that North Korean troops in Kursk will enter the fighting shortly.")
    assert not flags_of(prepublication.check_article(draft), "verdict")
    tracked.set_status("disputed", by=editor, reason="Contradicted by two officials.")
    [flag] = flags_of(prepublication.check_article(draft), "verdict")
    assert (flag.claim, "under Antony Blinken") == (tracked, flag.message.split(":")[0][-20:])
    tracked.set_status("unconfirmed", by=editor, reason="Both officials withdrew their accounts.")
    assert not flags_of(prepublication.check_article(draft), "verdict")


SAME_WORDS = [
    ("Tanks are useless.", "tanks are USELESS"),
    ("The café’s owner said “no”.", "The cafe's owner said 'no'"),
    ("Zelenskyy: 11,000 troops — in Kursk!", "zelenskyy 11 000 troops in kursk"),
    ("Ｆｕｌｌ-width ﬁgures", "full width figures"),
    ("Київ, Dnipro and Łódź", "киів dnipro and łodz"),
    ("A zero\u200bwidth space\u00a0here", "a zerowidth space here"),
]


@pytest.mark.parametrize(("text", "same"), SAME_WORDS)
def test_the_database_keys_the_words_as_normalize_name_compares_them(db, text, same):
    with connection.cursor() as cursor:
        cursor.execute("SELECT factcheck_claim_key(%s), factcheck_claim_key(%s)", [text, same])
        keys = cursor.fetchone()
    assert keys[0] == keys[1] == claim_key(text) == claim_key(same)


def test_the_words_of_a_story_are_looked_up_by_an_index_probe_not_a_scan(db):
    queryset = Claim.objects.warned_with_the_words_of(["Tanks are useless.", "Another claim."], each=3).order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: whether the index can serve it
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "claim_warned_words_idx" in plan


def test_the_same_words_are_read_at_most_a_few_each_newest_first(db, editor):
    """A falsehood repeated under many speakers: the check shows MATCHES_SHOWN of it, and reads no more."""
    repeated = [make_claim("Tanks are useless.", status="disputed", by=editor) for _ in range(6)]
    once = make_claim("Drones are useless.", status="disputed", by=editor)
    found = Claim.objects.warned_with_the_words_of(["tanks are USELESS", "Drones are useless"], each=2)
    by_words = {}
    for claim in found.order_by("-created_at", "-pk"):
        by_words.setdefault(claim.words_of, []).append(claim)
    assert by_words == {0: repeated[:-3:-1], 1: [once]}

    draft = draft_of("A draft.")
    own = make_claim("TANKS are useless", article=draft, status="disputed", by=editor)
    report = prepublication.check_article(draft)
    [item] = [item for item in report.claims if item.own == own]
    assert item.same_words == repeated[:-4:-1]  # the three newest (MATCHES_SHOWN), the draft's own left out


def test_claims_of_the_same_words_written_on_any_road_are_found(demo, editor, admin_user, tmp_path):
    """The words' key is the database's (an index on an expression): an import, an update in the shell
    and a verdict keep it right without calling anything."""
    from factcheck.tests.test_import import csv_text, row, run_import

    job = run_import(
        tmp_path,
        csv_text(
            row(
                "Imported claims are found by their words.",
                speaker="An importer",
                status="false",
                evidence_url="https://example.org/refuted",
                evidence_stance="refutes",
                evidence_summary="The record shows otherwise.",
            )
        ),
        admin_user,
    )
    assert not job.errors
    imported = Claim.objects.get(text="Imported claims are found by their words.")
    assert imported.status == "false"
    changed = make_claim("Old words.", speaker=make_speaker("A changer"))
    make_evidence(changed, "refutes")
    changed.set_status("false", by=editor, reason="Refuted.")
    Claim.objects.filter(pk=changed.pk).update(text="New words of the claim.")
    body = (
        "Alice Example said that imported claims are found by their words.\n"
        "Bob Example said that new words of the claim.\n"
        "Carol Example said that old words."
    )
    found = {flag.claim for flag in flags_of(prepublication.check_article(draft_of(body)), "verdict")}
    assert found == {imported, changed}


def test_a_claim_tracked_as_denied_by_its_speaker_is_flagged(demo, editor):
    tracked = demo_claim("Future wars will be fought")
    tracked.set_attribution("denied", by=editor, reason="His office says he never said it.")
    report = prepublication.check_article(draft_of("Eric Schmidt said future wars would be fought with AI drones."))
    [flag] = flags_of(report, "attribution")
    assert flag.claim == tracked
    assert "Denied by the speaker" in flag.message
    assert report.claims[0].attribution == "denied"


def test_an_unrelated_claim_by_the_same_speaker_is_not_taken_for_a_tracked_one(demo, editor):
    demo_claim("Future wars will be fought").set_status("disputed", by=editor, reason="Contradicted.")
    report = prepublication.check_article(draft_of("Eric Schmidt said Google would open an office in Lisbon."))
    assert not flags_of(report, "verdict")


BILLED = "Bayline Marine had billed the authority for 14,000 hours of overtime that were never worked."
REPORTED = (
    "Dana Reyes told the Coastal News that Bayline Marine had billed the port authority for 14,000 hours of "
    "overtime nobody worked."
)


def test_a_tie_between_equally_alike_tracked_claims_goes_to_the_decided_one(editor):
    """A story pasted twice: its claim was tracked twice, in the same words, one of them disputed."""
    reyes = make_speaker("Dana Reyes")
    disputed = make_claim(BILLED, speaker=reyes)
    disputed.set_status("disputed", by=editor, reason="The port's timesheets show the hours were worked.")
    again = make_claim(BILLED, speaker=reyes)
    ClaimLink.link(again, disputed, LinkKind.SAME_CLAIM)
    report = prepublication.check_article(draft_of(REPORTED, outlet_name="Riverton Courier"))
    [item] = report.claims
    assert [claim for claim, _ in item.matches] == [disputed, again]
    assert (item.match, item.status) == (disputed, "disputed")
    [flag] = flags_of(report, "verdict")
    assert flag.claim == disputed


def test_a_tracked_claim_recorded_as_the_same_claim_as_a_decided_one_carries_its_verdict(
    editor, reviewer, editor_client
):
    """The check matched the restatement (unconfirmed) and raised no flag, where the queue says of it
    “Same claim as #25: Disputed”."""
    disputed = make_claim(BILLED, speaker=make_speaker("Coastal News"))
    disputed.set_status("disputed", by=editor, reason="The port's timesheets show the hours were worked.")
    again = make_claim(BILLED, speaker=make_speaker("Dana Reyes"))
    ClaimLink.link(again, disputed, LinkKind.SAME_CLAIM)
    draft = draft_of(REPORTED, outlet_name="Riverton Courier")
    report = prepublication.check_article(draft)
    [item] = report.claims
    assert (item.match, item.status, item.status_from) == (again, "disputed", disputed)
    [flag] = flags_of(report, "verdict")
    assert flag.claim == disputed
    assert flag.message == (
        f"It repeats tracked claim #{again.pk}, the same claim as one tracked as disputed: "
        f"#{disputed.pk} “{disputed.text}”"
    )
    # The check page names whose verdict it is, and the CMS's check says the same.
    row = html.unescape(editor_client.get(f"/articles/{draft.pk}/check/").text).split('id="check-1"')[1]
    assert (
        f'Disputed</span> <span class="whose muted">as <a href="/claims/{disputed.pk}/">#{disputed.pk}</a>, the same '
        f'claim as <a href="/claims/{again.pk}/">#{again.pk}</a> (a look-alike, '
    ) in re.sub(r"\s+", " ", row)
    assert "Tracked as disputed or false" in row
    token = ApiToken.create_for(reviewer, "CMS plugin")[1]
    answer = (
        Client()
        .post(
            "/api/check/",
            {"text": REPORTED, "outlet": "Riverton Courier"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    assert answer["claims"][0]["status"] == "disputed"
    [flag] = [flag for flag in answer["flags"] if flag["code"] == "verdict"]
    assert flag["tracked_claim"] == disputed.pk


def test_an_unnamed_source_is_not_taken_for_another_storys(editor):
    """ "The official" of one story is not another's (the story desk keeps each to its story): the
    speakers saved before that rule, named "The official" alone, lent their claims' verdicts."""
    official = make_speaker("The official", kind="unnamed_group")
    make_claim("The board had no other choice.", speaker=official).set_status(
        "disputed", by=editor, reason="The board's minutes show a second offer."
    )
    report = prepublication.check_article(draft_of("The official said the board had been left with no other choice."))
    [item] = report.claims
    assert (item.speaker, item.speaker_id, item.match) == ("The official", None, None)
    assert not flags_of(report, "verdict")


def test_a_relayed_claim_written_as_if_the_newsroom_heard_it_is_flagged(demo):
    # The tracked claim came through the Kyiv Independent; this copy says Zelenskyy told B-17.
    report = prepublication.check_article(
        draft_of("President Volodymyr Zelenskyy told B-17 that there are 11,000 North Korean troops in Kursk.")
    )
    [flag] = flags_of(report, "relayed")
    assert flag.claim == demo_claim("There are 11,000 North Korean troops")
    assert "Kyiv Independent" in flag.message
    assert "B-17" not in flag.message.split("through", 1)[1]


def test_a_statement_to_us_of_another_figure_is_no_relayed_claim_written_as_heard(demo):
    """It looks like the claim that reached us through the Kyiv Independent, but its figure differs: another
    claim, told to us. The figures' conflict is flagged; "we have it only through the Kyiv Independent" was
    flagged too, and told the writer to credit the wrong outlet."""
    report = prepublication.check_article(
        draft_of("President Volodymyr Zelenskyy told B-17 that there are 15,000 North Korean troops in Kursk.")
    )
    [item] = report.claims
    assert item.alike == [demo_claim("There are 11,000 North Korean troops")] and item.match is None
    assert item.attribution == "confirmed" and item.copy_says == "as the copy tells it"
    assert item.alike[0] in {flag.claim for flag in flags_of(report, "figure")}
    assert not flags_of(report, "relayed")


def test_no_evidence_names_the_storys_own_claim_and_the_one_it_repeats(demo, editor_client):
    body = "Ukrainian President Volodymyr Zelenskyy said that up to 11,000 North Korean troops are in Kursk."
    editor_client.post("/stories/new/", {"outlet": "B-17", "body": body, "headline": "Kursk", "as_draft": "on"})
    accept_everything(editor_client, StoryDraft.objects.get(headline="Kursk"))
    report = prepublication.check_article(Article.objects.get(headline="Kursk"))
    [item] = report.claims
    [flag] = flags_of(report, "evidence")
    assert flag.claim == item.own
    assert flag.message == (
        f"No evidence is tracked for it (claim #{item.own.pk}) nor for the tracked claim it repeats (#{item.match.pk})."
    )


def test_a_relayed_claim_that_names_its_relay_is_not_flagged(demo):
    report = prepublication.check_article(
        draft_of(
            "Ukrainian President Volodymyr Zelenskyy said there are 11,000 North Korean troops in Kursk, "
            "per the Kyiv Independent."
        )
    )
    assert report.claims and not flags_of(report, "relayed")


@pytest.mark.parametrize(
    "body",
    [
        "President Volodymyr Zelenskyy said that there are 11,000 North Korean troops in Kursk.",
        "There are 11,000 North Korean troops in Kursk, President Volodymyr Zelenskyy said.",
    ],
)
def test_a_relayed_claim_whose_copy_names_no_venue_is_not_flagged_as_written_as_heard(demo, body):
    """The copy does not say the newsroom or the public heard it: its attribution reads "not checked, the
    copy does not say where it was said", and the flag said the opposite beside it."""
    report = prepublication.check_article(draft_of(body))
    [item] = report.claims
    assert item.match == demo_claim("There are 11,000 North Korean troops")
    assert item.copy_says == "the copy does not say where it was said"
    assert not flags_of(report, "relayed")


def test_a_relayed_claim_added_by_hand_is_not_flagged_as_written_as_heard(demo, editor):
    """No proposal covers its words, so the copy says nothing of where it was said."""
    words = "There are 11,000 North Korean troops in the Kursk region."
    draft = draft_of(f"Troops are on the move. {words}")
    own = make_claim(words, speaker=make_speaker("Someone in Kyiv"), article=draft, span_exact=words)
    own.set_attribution("relayed", by=editor, reason="Only the Kyiv Independent reported it.")
    report = prepublication.check_article(draft)
    [item] = [item for item in report.claims if item.own == own]
    assert item.start < item.end and item.copy_says == "the copy does not say where it was said"
    assert not flags_of(report, "relayed")


def test_confirmation_words_around_an_unconfirmed_claim_are_flagged_where_they_are(demo):
    body = (
        "Andrii Kovalenko confirmed that Russia is training North Korean soldiers to operate strike UAVs.\n"
        "B-17 was unable to independently confirm his statements."
    )
    report = prepublication.check_article(draft_of(body))
    [flag] = flags_of(report, "confirmation")
    assert body[flag.start : flag.end] == "confirmed"
    assert "Unable to independently confirm" in flag.message
    assert flag.claim == demo_claim("Russia is training North Korean soldiers")


def test_confirmation_words_around_the_drafts_own_claim_name_that_claim_as_its_link(demo, editor_client):
    """With no tracked look-alike, the flag is about the draft's own claim: its message names it, and
    the check page links those words, naming it nowhere else in the flag."""
    words = "a new bridge over the Dnipro will open in May"
    draft = draft_of(f"The mayor of Zaporizhzhia confirmed that {words}.")
    own = make_claim(f"{words.capitalize()}.", speaker=make_speaker("Ivan Fedorov"), article=draft, span_exact=words)
    [flag] = flags_of(prepublication.check_article(draft), "confirmation")
    assert flag.claim == own
    assert (
        flag.message
        == f"“confirmed” presents it as established, but it is “Unable to independently confirm” (claim #{own.pk})."
    )
    row = check_row(editor_client, draft, own)
    item = row.split('<li class="flag-item"><span class="flag flag-confirmation">', 1)[1].split("</li>", 1)[0]
    assert f'(<a href="/claims/{own.pk}/">claim #{own.pk}</a>).' in item
    assert item.count(f"#{own.pk}") == 1


def test_confirmation_words_are_not_flagged_around_a_verified_claim_nor_in_a_hedge(demo, editor):
    tracked = demo_claim("Russia is training North Korean soldiers")
    make_evidence(tracked, "supports")
    tracked.set_status("verified", by=editor, reason="Satellite images.")
    confirmed = prepublication.check_article(
        draft_of("Andrii Kovalenko confirmed that Russia is training North Korean soldiers to operate strike UAVs.")
    )
    assert not flags_of(confirmed, "confirmation")
    hedged = prepublication.check_article(
        draft_of("Eric Schmidt said future wars would be fought using AI drones, which has not been confirmed.")
    )
    assert not flags_of(hedged, "confirmation")


def test_a_verdict_borrowed_from_a_look_alike_says_whose_it_is_beside_the_claims_own(demo, editor, editor_client):
    tracked = demo_claim("Russia is training North Korean soldiers")
    make_evidence(tracked, "supports")
    tracked.set_status("verified", by=editor, reason="Satellite images.")
    words = "Russia is training North Korean soldiers to operate strike UAVs"
    draft = draft_of(f"Andrii Kovalenko said that {words}. B-17 was unable to independently confirm it.")
    own = make_claim(f"{words}.", speaker=tracked.speaker, article=draft, span_exact=words)
    item = next(item for item in prepublication.check_article(draft).claims if item.own == own)
    row = check_row(editor_client, draft, own)
    alike = round(item.similarity * 100)
    assert (
        f'<span class="badge status-verified">Verified</span> <span class="badge attribution-confirmed">Confirmed at '
        f'the source</span> <span class="whose muted">as <a href="/claims/{tracked.pk}/">#{tracked.pk}</a> '
        f"(a look-alike, {alike}% alike)</span>"
    ) in row
    assert (
        f'This draft\'s claim: <a href="/claims/{own.pk}/">#{own.pk}</a>, itself Unable to independently confirm' in row
    )

    # The sign-off's flags read a repeat of a verified claim as verified; the API says whose verdict it is.
    assert (item.match, item.status, item.status_from) == (tracked, "verified", tracked)
    assert not flags_of(prepublication.check_article(draft), "confirmation")
    assert item.to_json()["status_from"] == "tracked_claim"

    draft.state = Article.State.PUBLISHED
    draft.save()
    row = check_row(editor_client, draft, own)
    assert f'This story\'s claim: <a href="/claims/{own.pk}/">#{own.pk}</a>' in row and "draft" not in row


def test_a_copy_that_names_no_venue_confirms_nothing(demo, editor_client):
    """“Analysts say ...” was read as confirmed at the source, shown beside the draft's own claim's
    “Attribution not checked”: a copy that says not where a claim was said confirms nothing, and the
    draft's own claim, saved with no venue, is not checked as that claim's."""
    words = "South Korea is considering sending weapons to Ukraine"
    draft = draft_of(f"Analysts say {words}.\nAndrii Kovalenko told B-17 that Russia is passing drone techniques on.")
    own = make_claim(f"{words}.", speaker=make_speaker("Analysts"), article=draft, span_exact=words)
    untold, told = prepublication.check_article(draft).claims
    assert (untold.own, untold.venue, untold.relayed_by) == (own, None, [])
    assert (untold.attribution, untold.attribution_from) == ("not_checked", own)
    assert told.attribution == "confirmed"  # told to the newsroom: the copy says so
    row = " ".join(html.unescape(check_row(editor_client, draft, own)).split())
    assert "Confirmed at the source" not in row
    assert f"Attribution not checked as this draft's claim #{own.pk} · Told as: no venue named" in " ".join(
        re.sub(r"<[^>]+>", " ", row).split()
    )
    api = prepublication.check_story(draft.body, outlet_name="B-17").to_json()["claims"]
    assert [claim["attribution"] for claim in api] == ["not_checked", "confirmed"]


def test_the_tracked_claims_like_it_say_how_alike_as_the_badge_does_and_messages_end_once(demo, editor, editor_client):
    """The look-alikes read "(1.00, ...)" and "(0.34, ...)" beside a badge saying "100% alike": a bare
    number an editor had to guess at. And a flag quoting a claim ended “... useless.”."""
    tracked = demo_claim("The US military should do away with tanks")
    make_evidence(tracked, "refutes")
    tracked.set_status("false", by=editor, reason="The Army's figures say otherwise.")
    words = "the US military should do away with tanks, which are useless."
    draft = draft_of(f"Eric Schmidt said that {words}\nA retired US general told B-17 that {words}")
    page = " ".join(
        re.sub(r"<[^>]+>", " ", html.unescape(editor_client.get(f"/articles/{draft.pk}/check/").text)).split()
    )
    assert f"Tracked claims like it: #{tracked.pk} “{tracked.text}” (100% alike, False )" in page
    messages = [flag.message for flag in flags_of(prepublication.check_article(draft), "verdict")]
    assert len(messages) == 2 and not [message for message in messages if ".”." in message]


def test_a_drafts_own_claim_is_told_as_the_desk_saved_it_and_other_words_as_the_copy_reads(editor_client):
    """Saved with the venues and relays a reviewer corrected, the check page described the draft's own
    claims by the engine's reading of the copy: "Confirmed at the source as this draft's claim · Told as:
    no venue named" for a claim saved as an interview on the Riverton Courier, "via WRVT" for one whose
    relay the reviewer removed, and "Relayed ... as the copy tells it" beside one saved as an anonymous
    briefing, which the desk records as not checked."""
    body = (
        "Mayor Jane Doe said the bridge will reopen in May.\n"
        "An official told WRVT Radio that the council had known since March.\n"
        "Police Chief Tom Lee said the budget was cut, WRVT reported."
    )
    story = {"outlet": "Riverton Courier", "body": body, "headline": "Bridge", "as_draft": "on"}
    editor_client.post("/stories/new/", story)
    draft = StoryDraft.objects.get(headline="Bridge")
    bridge, council, budget = (f"p{record['key']}-" for record in draft.proposals)
    accept_everything(
        editor_client,
        draft,
        {
            f"{bridge}venue": "interview",
            f"{bridge}outlet": "Riverton Courier",
            f"{council}venue": "anonymous_briefing",
            f"{council}outlet": "",
            f"{budget}venue": "public_remarks",
            f"{budget}relayed_by": "",
        },
    )
    article = Article.objects.get(headline="Bridge")
    rows = {
        claim.text: " ".join(re.sub(r"<[^>]+>", " ", html.unescape(check_row(editor_client, article, claim))).split())
        for claim in article.claims.all()
    }
    assert "Confirmed at the source as this draft's claim" in rows["The bridge will reopen in May."]
    assert "· Told as: interview on Riverton Courier" in rows["The bridge will reopen in May."]
    council_row = rows["The council had known since March."]
    assert "Attribution not checked as this draft's claim" in council_row and "Relayed" not in council_row
    assert "· Told as: anonymous briefing" in council_row
    told = rows["The budget was cut."].split("· Told as: ")[1].split(" Police Chief")[0]
    assert told == "public remarks"


def test_words_that_are_no_claim_of_the_story_are_told_as_the_copy_reads_them_statement_to_its_outlet(editor_client):
    """ "Told as: statement to the newsroom (WRVT Radio)" read as if told to us: a statement to an outlet
    is "Statement to WRVT Radio", as everywhere else (models.venue_on)."""
    draft = draft_of("An official told WRVT Radio that the council had known since March.", outlet_name="Courier")
    [item] = prepublication.check_article(draft).claims
    assert item.own is None and item.how_told == "statement to WRVT Radio"
    page = " ".join(html.unescape(editor_client.get(f"/articles/{draft.pk}/check/").text).split())
    assert "Told as: statement to WRVT Radio" in page and "the newsroom (WRVT" not in page
    assert prepublication.check_story(draft.body, outlet_name="Courier").to_json()["claims"][0]["told_as"] == (
        "statement to WRVT Radio"
    )


def check_row(client, article, own):
    """The check page's row of the story's own claim `own`, as HTML."""
    page = client.get(f"/articles/{article.pk}/check/").content.decode()
    rows = [row for row in page.split('<li id="check-')[1:] if f'href="/claims/{own.pk}/"' in row]
    assert len(rows) == 1
    return rows[0].split("</li>\n        \n")[0]


def test_a_claims_sentence_keeps_its_closing_quote_mark_and_bracket(editor_client, editor):
    """The sentence ended at its full stop, before the quote mark that closes it: the check page showed
    “… eighteen months. with no closing quote."""
    body = "The mayor said: “The bridge will be done in eighteen months.” (The council disagreed.) Traffic grew."
    assert [body[start:end] for start, end in prepublication.sentence_spans(body)] == [
        "The mayor said: “The bridge will be done in eighteen months.”",
        "(The council disagreed.)",
        "Traffic grew.",
    ]
    draft = draft_of(body)
    [item] = [item for item in prepublication.check_article(draft).claims if "eighteen" in item.text]
    assert item.sentence == "The mayor said: “The bridge will be done in eighteen months.”"
    page = html.unescape(editor_client.get(f"/articles/{draft.pk}/check/").text)
    assert "eighteen months.”</blockquote>" in page

    # A draft signed off before sentences kept their closing quote is not reopened by it.
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    as_recorded = [{**flag, "sentence": flag["sentence"].removesuffix("”")} for flag in flags]
    signed = SignOff.record(draft, by=editor, flags=as_recorded, note="Evidence to come.")
    assert signed.unseen(flags) == []


def test_a_figure_that_conflicts_with_a_tracked_figure_is_flagged(demo):
    report = prepublication.check_article(
        draft_of("President Volodymyr Zelenskyy said there are 12,000 North Korean troops in the Kursk region.")
    )
    flags = flags_of(report, "figure")
    assert {flag.claim for flag in flags} == {
        demo_claim("There are 11,000 North Korean troops"),
        demo_claim("Up to 8,000 North Korean troops"),  # linked to the 11,000 as contradicting it
    }
    assert any("“12,000 North Korean troops” conflicts with the tracked figure “11,000" in f.message for f in flags)


def test_the_same_figure_does_not_conflict_and_ranges_are_read_with_their_qualifier():
    assert not Figure(Decimal(8000), qualifier="up_to").conflicts_with(Figure(Decimal(7500)))
    assert Figure(Decimal(8000), qualifier="up_to").conflicts_with(Figure(Decimal(11000)))
    assert not Figure(Decimal(10000), qualifier="about").conflicts_with(Figure(Decimal(10500)))
    assert Figure(Decimal(10000), qualifier="at_least").conflicts_with(Figure(Decimal(9000), qualifier="fewer_than"))
    assert not Figure(Decimal(10000), qualifier="more_than").conflicts_with(Figure(Decimal(10001)))
    assert Figure(Decimal(10000), qualifier="more_than").conflicts_with(Figure(Decimal(10000)))


def test_a_claim_with_no_evidence_is_flagged_and_one_with_evidence_is_not(demo):
    body = (
        "Eric Schmidt said future wars would be fought using AI drones.\n"
        "Andrii Kovalenko told B-17 that the first North Korean troops had already come under fire in Kursk."
    )
    make_evidence(demo_claim("Future wars will be fought"), "context")
    report = prepublication.check_article(draft_of(body))
    [flag] = flags_of(report, "evidence")
    assert flag.claim == demo_claim("The first North Korean troops")
    assert [claim.speaker for claim in report.claims] == ["Eric Schmidt", "Andrii Kovalenko"]


def test_a_claim_nobody_tracks_yet_is_listed_with_both_axes_and_no_evidence(db):
    report = prepublication.check_story("The mayor told the Daily Planet that the bridge will reopen.", outlet_name="x")
    [claim] = report.claims
    assert claim.match is None
    assert (claim.status, claim.status_label) == ("unconfirmed", "Unable to independently confirm")
    assert claim.attribution_label
    assert [flag.code for flag in claim.flags] == ["evidence"]


# The seed story as a draft, against the demo's claims


def test_the_seed_story_as_a_draft_shows_the_expected_flags(demo):
    make_evidence(demo_claim("Russia is training North Korean soldiers"), "supports")
    draft = draft_of(seed_text(), headline="Seed story, again")
    report = prepublication.check_article(draft)
    speakers = [claim.speaker for claim in report.claims]
    assert len(report.claims) >= 18
    assert speakers[:2] == ["Andrii Kovalenko", "Andrii Kovalenko"]  # in story order: the headline first
    assert [claim.start for claim in report.claims] == sorted(claim.start for claim in report.claims)
    # Each claim of the seed is found among the demo's, in other words too (the lede, the headline).
    matched = {claim.match.pk for claim in report.claims if claim.match}
    assert len(matched) >= 15
    # The two conflicting troop numbers, each against the other.
    figures = flags_of(report, "figure")
    assert {flag.claim.text for flag in figures} == {
        "Up to 8,000 North Korean troops have been moved to the Russian region of Kursk.",
        "There are 11,000 North Korean troops in the Kursk region.",
    }
    # Nothing is disputed, false or misattributed; Zelenskyy's words name the Kyiv Independent; the
    # story confirms nothing it could not confirm.
    assert not flags_of(report, "verdict") + flags_of(report, "attribution")
    assert not flags_of(report, "relayed") + flags_of(report, "confirmation")
    # Evidence is tracked only for Kovalenko's first claim.
    without = {flag.item for flag in flags_of(report, "evidence")}
    first = demo_claim("Russia is training North Korean soldiers")
    with_evidence = [claim for claim in report.claims if claim.match == first]
    assert with_evidence and all(claim.number not in without for claim in with_evidence)
    assert len(without) >= len(report.claims) - len(with_evidence) - 1


def test_the_seed_story_saved_through_the_desk_as_a_draft_lists_its_own_claims(demo, editor_client):
    body = seed_text().replace("Late last month", "Last month")  # a new version of the story
    page = editor_client.post(
        "/stories/new/",
        # It reads like the demo's story: the desk asks before reading it again (story-desk.md).
        {"outlet": "B-17", "body": body, "headline": "Seed story, revised", "as_draft": "on", "another_story": "on"},
    )
    assert page.status_code == 302
    saved = accept_everything(editor_client, StoryDraft.objects.get(headline="Seed story, revised"))
    article = Article.objects.get(headline="Seed story, revised")
    assert article.state == Article.State.DRAFT
    assert saved["Location"] == f"/articles/{article.pk}/check/"
    report = prepublication.check_article(article)
    own = [claim for claim in report.claims if claim.own is not None]
    assert len(own) == article.claims.count() > 0
    # Its own claims are never its own matches: they are matched with the demo's.
    assert all(claim.match is None or claim.match.article_id == demo.pk for claim in report.claims)
    assert flags_of(report, "figure")


def test_a_proposal_rejected_at_the_desk_is_no_claim_in_the_check(editor_client):
    """ "The matter." rejected on the desk came back in the check as "a claim not tracked yet", a
    flag to sign off over: the check proposed the story's attributions again, the rejected ones too."""
    body = (
        "The mayor said the reservoir was at 20 per cent.\n"
        "An official, who was not authorised to discuss the matter, said the council had known since May."
    )
    editor_client.post("/stories/new/", {"outlet": "Daily Planet", "body": body, "headline": "Dry", "as_draft": "on"})
    draft = StoryDraft.objects.get(headline="Dry")
    proposals = {record["fields"]["claim"]: record["key"] for record in draft.proposals}
    assert len(proposals) >= 2
    rejected = next(key for claim, key in proposals.items() if "reservoir" not in claim)
    accept_everything(editor_client, draft, {f"p{rejected}-decision": "reject"})
    article = Article.objects.get(headline="Dry")
    report = prepublication.check_article(article)
    assert len(report.claims) == article.claims.count() == len(proposals) - 1
    assert all(claim.own is not None for claim in report.claims)
    page = editor_client.get(f"/articles/{article.pk}/check/").text
    assert "not tracked yet" not in page


# Signing off and publishing


def test_signing_off_records_who_when_the_open_flags_and_the_note(demo, editor_client, editor):
    draft = draft_of("Eric Schmidt said future wars would be fought using AI drones.")
    page = editor_client.get(f"/articles/{draft.pk}/check/")
    assert page.status_code == 200
    assert "No evidence" in page.text
    digest = page.context["form"]["body_digest"].value()
    refused = editor_client.post(f"/articles/{draft.pk}/sign-off/", {"body_digest": digest, "note": ""})
    assert refused.status_code == 422
    assert "still open" in refused.text
    assert not SignOff.objects.exists()
    done = editor_client.post(f"/articles/{draft.pk}/sign-off/", {"body_digest": digest, "note": "Evidence to come."})
    assert done.status_code == 302
    sign_off = SignOff.objects.get()
    assert (sign_off.by, sign_off.note, sign_off.open_count) == (editor, "Evidence to come.", 1)
    assert sign_off.open_flags[0]["code"] == "evidence"
    assert sign_off.open_flags[0]["sentence"] == "Eric Schmidt said future wars would be fought using AI drones."
    page = editor_client.get(f"/articles/{draft.pk}/check/").text
    # When, in the newsroom's zone and saying which, as every other time in the app.
    assert re.search(r"Signed off by [^<]+\s+<time datetime=\"[^\"]+\">\d+ \w+ \d{4}, \d\d:\d\d UTC</time>", page)


def test_a_signed_off_draft_says_who_signed_it_off_instead_of_offering_the_form_again(demo, editor_client, editor):
    """The sign-off form was offered again under the sign-off, and a second POST added a second sign-off
    of the same text and flags."""
    draft = draft_of("Eric Schmidt said future wars would be fought using AI drones.")
    digest = editor_client.get(f"/articles/{draft.pk}/check/").context["form"]["body_digest"].value()
    signed = {"body_digest": digest, "note": "Evidence to come."}
    assert editor_client.post(f"/articles/{draft.pk}/sign-off/", signed).status_code == 302
    sign_off = SignOff.objects.get()
    page = editor_client.get(f"/articles/{draft.pk}/check/")
    section = part_of(page, 'id="sign-off-heading"', "</section>")
    assert 'name="note"' not in page.text and "Sign off with" not in section
    when = timezone.localtime(sign_off.at).strftime("%-d %b %Y, %H:%M")
    assert f"Signed off by {editor.get_full_name() or editor.username} {when}: ready to publish." in section
    assert "Editing its text, or a flag the sign-off did not see" in section and "reopens it" in section
    assert "Publish this story" in section

    again = editor_client.post(f"/articles/{draft.pk}/sign-off/", {**signed, "note": "Again."})
    assert again.status_code == 409
    assert "Already signed off by" in html.unescape(again.text) and "nothing to sign off again" in again.text
    assert SignOff.objects.count() == 1
    with pytest.raises(SignOffRefused, match="Already signed off"):
        SignOff.record(draft, by=editor, flags=[flag.to_record() for flag in prepublication.check_article(draft).flags])


def test_a_flag_the_sign_off_did_not_see_reopens_it(demo, editor_client, editor):
    tracked = demo_claim("Russia is training North Korean soldiers")
    draft = draft_of(
        "Andrii Kovalenko told B-17 that Russia was training soldiers from North Korea to fly strike UAVs and "
        "reconnaissance drones."
    )
    SignOff.record(
        draft, by=editor, flags=[flag.to_record() for flag in prepublication.check_article(draft).flags], note="Ok."
    )
    assert 'name="note"' not in editor_client.get(f"/articles/{draft.pk}/check/").text
    tracked.set_status("disputed", by=editor, reason="Two sources contradict it.")
    page = editor_client.get(f"/articles/{draft.pk}/check/")
    assert 'name="note"' in page.text
    assert "1 new flag since" in part_of(page, 'id="sign-off-heading"', "</section>")
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    SignOff.record(draft, by=editor, flags=flags, note="Disputed since: the story says so.")
    assert SignOff.objects.count() == 2


def test_a_sign_off_is_refused_when_the_text_changed_since_the_check_was_read(editor_client):
    draft = draft_of("The mayor said the bridge will reopen.")
    digest = editor_client.get(f"/articles/{draft.pk}/check/").context["form"]["body_digest"].value()
    Article.objects.filter(pk=draft.pk).update(body="The mayor said the bridge will stay closed.", body_digest="x")
    response = editor_client.post(f"/articles/{draft.pk}/sign-off/", {"body_digest": digest, "note": "Fine."})
    assert response.status_code == 409
    assert not SignOff.objects.exists()


def test_publishing_needs_a_sign_off_of_the_text_as_it_stands_and_keeps_it(editor_client, editor):
    draft = draft_of("The mayor said the bridge will reopen.")
    refused = editor_client.post(f"/articles/{draft.pk}/publish/")
    assert refused.status_code == 409
    assert "Sign the draft off first" in refused.text
    SignOff.record(draft, by=editor, flags=[], note="")
    draft.body = "The mayor said the bridge will reopen on Monday."
    draft.save()
    assert editor_client.post(f"/articles/{draft.pk}/publish/").status_code == 409
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    assert [flag["code"] for flag in flags] == ["evidence"]
    SignOff.record(draft, by=editor, flags=flags, note="Checked by phone.")
    assert editor_client.post(f"/articles/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.state == Article.State.PUBLISHED
    assert draft.latest_sign_off().note == "Checked by phone."
    page = editor_client.get(f"/articles/{draft.pk}/check/")
    assert "Checked by phone." in page.text
    assert "Publish this story" not in page.text and "Sign off" not in page.text.split("Sign-off</h2>", 1)[1][:200]
    with pytest.raises(SignOffRefused):
        SignOff.record(draft, by=editor, flags=[], note="Again.")


def test_publishing_records_who_published_the_story_and_when(editor_client, editor, reviewer):
    """A story signed off by one person and published by another said only who signed it off:
    nothing recorded who published it, or when it went out."""
    draft = draft_of("The mayor said the bridge will reopen.")
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    SignOff.record(draft, by=reviewer, flags=flags, note="Evidence to come.")
    before = timezone.now()
    assert editor_client.post(f"/articles/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.published_by == editor
    assert before <= draft.published_at <= timezone.now()
    page = editor_client.get(f"/articles/{draft.pk}/check/")
    assert f"Published by {editor.get_full_name() or editor.username}" in page.text
    assert not Article.objects.exclude(pk=draft.pk).filter(published_by__isnull=False).exists()
    # The database keeps who and when together, and to published stories.
    other = draft_of("The mayor said the tunnel will reopen.")
    for fields in [{"published_by": editor}, {"published_by": editor, "published_at": timezone.now()}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=other.pk).update(**fields)


def test_publishing_from_the_app_dates_the_story_for_the_export_and_the_stories_index(editor_client, editor):
    """Published from its check, a story kept its publication date empty: its claims were exported with no
    article_date, and /stories/ showed two stories of one headline alike. A date given at the desk stays."""
    undated = draft_of("The mayor said the bridge will reopen.", headline="Bridge")
    claim = make_claim("The bridge will reopen.", speaker=make_speaker("The mayor"), article=undated)
    dated = draft_of("The mayor said the tunnel will reopen.", headline="Tunnel")
    Article.objects.filter(pk=dated.pk).update(published=date(2026, 11, 30))
    for story in (undated, dated):
        SignOff.record(
            story, by=editor, flags=[f.to_record() for f in prepublication.check_article(story).flags], note="Ok."
        )
        assert editor_client.post(f"/articles/{story.pk}/publish/").status_code == 302
    today = timezone.localdate()
    assert Article.objects.get(pk=undated.pk).published == today
    assert Article.objects.get(pk=dated.pk).published == date(2026, 11, 30)
    [row] = csv.DictReader(io.StringIO("".join(exporting.csv_lines(Claim.objects.filter(pk=claim.pk), bom=False))))
    assert row["article_date"] == today.isoformat()
    index = " ".join(editor_client.get("/stories/?q=Bridge").text.split())
    assert f"{undated.outlet.name} · {today.day} {today:%b %Y}" in index


def test_a_drafts_address_is_not_called_the_story_as_published(editor_client, editor):
    draft = draft_of("The mayor said the bridge will reopen.")
    Article.objects.filter(pk=draft.pk).update(url="https://cms.example.org/preview/1")
    page = editor_client.get(f"/articles/{draft.pk}/")
    assert "The story as published" not in page.text
    assert "Its page (a draft, not yet published)" in page.text
    Article.objects.filter(pk=draft.pk).update(state=Article.State.PUBLISHED)
    assert "The story as published" in editor_client.get(f"/articles/{draft.pk}/").text


def test_a_flag_the_sign_off_did_not_see_stops_publishing_until_it_is_signed_off_again(demo, editor_client, editor):
    tracked = demo_claim("Russia is training North Korean soldiers")
    draft = draft_of(
        "Andrii Kovalenko told B-17 that Russia was training soldiers from North Korea to fly strike UAVs and "
        "reconnaissance drones."
    )
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    assert "verdict" not in [flag["code"] for flag in flags]
    SignOff.record(draft, by=editor, flags=flags, note="Evidence to come.")
    tracked.set_status("disputed", by=editor, reason="Two sources contradict it.")
    refused = editor_client.post(f"/articles/{draft.pk}/publish/")
    assert refused.status_code == 409
    assert "Since it was signed off, the check shows 1 new flag (“Tracked as disputed or false”" in html.unescape(
        refused.text
    )
    assert Article.objects.get(pk=draft.pk).state == Article.State.DRAFT
    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    SignOff.record(draft, by=editor, flags=flags, note="Disputed since: the story says so.")
    assert editor_client.post(f"/articles/{draft.pk}/publish/").status_code == 302
    assert Article.objects.get(pk=draft.pk).state == Article.State.PUBLISHED


def part_of(page, start, end):
    """The page's text from the first `start` to the next `end`, spaces collapsed."""
    text = html.unescape(page.text)
    return " ".join(text[text.index(start) :].split(end, 1)[0].split())


def test_a_refused_sign_off_or_publication_is_shown_where_the_problem_is(demo, editor_client, editor):
    # Each refusal was shown only at the top of the page, far from the note, flag or button at fault.
    tracked = demo_claim("Russia is training North Korean soldiers")
    draft = draft_of(
        "Andrii Kovalenko told B-17 that Russia was training soldiers from North Korea to fly strike UAVs and "
        "reconnaissance drones."
    )
    unsigned = editor_client.post(f"/articles/{draft.pk}/publish/")
    assert "Sign the draft off first" in part_of(unsigned, 'id="sign-off-heading"', "</section>")

    digest = editor_client.get(f"/articles/{draft.pk}/check/").context["form"]["body_digest"].value()
    no_note = editor_client.post(f"/articles/{draft.pk}/sign-off/", {"body_digest": digest, "note": ""})
    assert no_note.status_code == 422
    beside_note = part_of(no_note, 'name="note"', "</p>")
    assert 'class="errorlist' in beside_note and "flag is still open: say in the note why" in beside_note

    flags = [flag.to_record() for flag in prepublication.check_article(draft).flags]
    SignOff.record(draft, by=editor, flags=flags, note="Evidence to come.")
    tracked.set_status("disputed", by=editor, reason="Two sources contradict it.")
    refused = editor_client.post(f"/articles/{draft.pk}/publish/")
    assert refused.status_code == 409
    claim = part_of(refused, 'id="check-1"', "</ol>")  # the story's one claim
    flagged = claim.split("Tracked as disputed or false", 1)[1]
    assert "New since the sign-off: publishing waits" in flagged
    assert "No evidence" in claim and claim.count("New since the sign-off") == 1  # seen at sign-off: not at fault
    assert 'href="#check-1"' in refused.text


def test_a_reviewer_reads_the_check_but_cannot_sign_off_or_publish(reviewer_client):
    draft = draft_of("The mayor said the bridge will reopen.")
    page = reviewer_client.get(f"/articles/{draft.pk}/check/")
    assert page.status_code == 200
    assert "An editor signs off" in page.text
    assert 'action="/articles/' not in page.text
    digest = page.context["form"]["body_digest"].value()
    assert reviewer_client.post(f"/articles/{draft.pk}/sign-off/", {"body_digest": digest}).status_code == 403
    assert reviewer_client.post(f"/articles/{draft.pk}/publish/").status_code == 403
    assert not SignOff.objects.exists()
    assert Article.objects.get(pk=draft.pk).state == Article.State.DRAFT


def test_sign_offs_are_append_only(editor):
    sign_off = SignOff.record(draft_of("The mayor said so."), by=editor, flags=[{"code": "evidence"}], note="Ok.")
    for statement in (
        lambda: SignOff.objects.filter(pk=sign_off.pk).update(note="Changed."),
        lambda: SignOff.objects.filter(pk=sign_off.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    assert SignOff.objects.get().note == "Ok."


def test_the_database_refuses_a_sign_off_over_open_flags_without_a_note(editor):
    draft = draft_of("The mayor said so.")
    with pytest.raises(DatabaseError), transaction.atomic():
        SignOff.objects.create(article=draft, by=editor, body_digest=draft.body_digest, open_count=2, note="")


# What pages cost


def test_the_check_page_costs_the_same_queries_for_a_short_or_a_long_draft(demo, editor_client):
    counts = []
    lines = seed_text().split("\n")
    for body in ("\n".join(lines[:12]), "\n".join(lines)):
        draft = draft_of(body, headline=f"Draft {len(counts)}")
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(f"/articles/{draft.pk}/check/").status_code == 200
        counts.append(len(queries))
    # The user, the story, its claims, the tracked speakers (2), their look-alikes, those claims (2), the
    # claims of the same words tracked as disputed, false, misattributed or denied, the look-alikes' links,
    # the sign-offs: the check reads the draft against the tracked claims.
    assert counts[0] == counts[1] <= 11


def a_story_of(count):
    """A draft of `count` attributed claims, each repeating a claim of the demo (some under another speaker),
    recorded as its own claims as the desk records them."""
    speakers = ["Andrii Kovalenko", "Antony Blinken", "Eric Schmidt", "A retired US general"]
    words = [claim.text.rstrip(".") for claim in Claim.objects.filter(article__isnull=False).order_by("pk")]
    said = [(speakers[n % 4], words[n % len(words)]) for n in range(count)]
    draft = draft_of("\n".join(f"{speaker} told B-17 that {text.lower()}." for speaker, text in said))
    for speaker, text in said:
        speaker = Speaker.objects.filter(name=speaker).first() or make_speaker(speaker)
        make_claim(f"{text}.", speaker=speaker, article=draft, span_exact=text.lower())
    return draft


def test_the_check_of_a_20_claim_story_reads_9_queries_as_one_of_40_does(demo, editor):
    """The words of each claim are looked up among every speaker's disputed and false claims in the
    one query for the whole story (an index probe a claim), not one query a claim."""
    tracked = demo_claim("The US military should do away with tanks")
    make_evidence(tracked, "refutes")
    tracked.set_status("false", by=editor, reason="The Army says otherwise.")
    counts, reports = [], []
    for count in (20, 40):
        draft = views.checked_article(a_story_of(count).pk)  # as the check's pages read it
        with CaptureQueriesContext(connection) as queries:
            reports.append(prepublication.check_article(draft))
        counts.append(len(queries))
    assert sum(item.own is not None for item in reports[0].claims) == 20
    assert any("The same words are tracked as false under Eric Schmidt" in f.message for f in reports[0].flags)
    # Its claims and their appearances (2); the tracked speakers (2); their look-alikes; those claims and their
    # appearances (2); the claims of the same words tracked as disputed, false, misattributed or denied; the
    # links of the look-alikes.
    assert counts == [9, 9]


def test_the_queue_filters_claims_of_drafts_and_of_published_stories(reviewer_client, demo):
    draft = draft_of("A draft.")
    in_draft = make_claim("The bridge will reopen.", speaker=make_speaker("The mayor"), article=draft)
    later = make_claim("The bridge will reopen in May.", speaker=in_draft.speaker, article=draft)
    no_story = make_claim("Recorded with no story.", article=None)
    drafts = reviewer_client.get("/claims/?status=all&story=draft")
    assert [claim.pk for claim in drafts.context["claims"]] == [later.pk, in_draft.pk]
    assert "In the draft" in drafts.text
    oldest = reviewer_client.get("/claims/?status=all&story=draft&sort=oldest")
    assert [claim.pk for claim in oldest.context["claims"]] == [in_draft.pk, later.pk]
    if connection.vendor == "postgresql":  # gathered by id and sorted, never looked for along the queue
        assert '"factcheck_claim"."id" = ANY(ARRAY(SELECT' in str(Claim.objects.in_drafts().query)
    published = reviewer_client.get("/claims/?status=all&story=published&limit=100")
    ids = {claim.pk for claim in published.context["claims"]}
    assert ids.isdisjoint({in_draft.pk, later.pk}) and no_story.pk in ids and len(ids) == demo.claims.count() + 1


def test_the_queue_with_the_story_filter_costs_the_same_queries_for_10_or_100_rows(reviewer_client, subtests):
    """Each story filter is a subtest of one set of claims: the pages only read them."""
    draft = draft_of("A draft.")
    published = make_article(headline="Published")
    make_claims(
        {"text": f"Claim {number} of the {name}.", "article": story}
        for number in range(100)
        for name, story in [("draft", draft), ("story", published)]
    )
    for story in ("draft", "published"):
        with subtests.test(story=story):
            empty_caches()
            counts = []
            for limit in (10, 100):
                queries, response = count_queries(reviewer_client, f"/claims/?status=all&story={story}&limit={limit}")
                assert len(response.context["claims"]) == limit
                counts.append(queries)
            assert counts[0] == counts[1] <= 6


def test_the_drafts_index_lists_only_draft_stories_each_with_its_check(reviewer_client, demo):
    draft = draft_of("The mayor said the bridge will reopen.", headline="Bridge draft")
    page = reviewer_client.get("/stories/?state=draft")
    assert page.status_code == 200
    assert "Bridge draft" in page.text and demo.headline not in page.text
    assert f'href="/articles/{draft.pk}/check/"' in page.text
    assert demo.headline in reviewer_client.get("/stories/").text


def test_the_header_marks_drafts_as_the_current_page_on_the_drafts_index_and_stories_elsewhere(reviewer_client, demo):
    def current_in_header(address):
        header = reviewer_client.get(address).text.split('<nav class="site-nav"')[1].split("</nav>")[0]
        return [line for line in header.splitlines() if 'aria-current="page"' in line]

    on_drafts = current_in_header("/stories/?state=draft")
    assert len(on_drafts) == 1 and ">Drafts</a>" in on_drafts[0]
    on_stories = current_in_header("/stories/")
    assert len(on_stories) == 1 and ">Stories</a>" in on_stories[0]


def test_a_published_storys_check_is_named_for_what_it_is_and_the_header_marks_stories(editor_client, editor):
    """A published story's check was headed "Pre-publication check · Published", and the header marked
    Drafts as the current page."""

    def heading_and_current(article):
        page = editor_client.get(f"/articles/{article.pk}/check/")
        eyebrow = re.sub(r"<[^>]+>", " ", part_of(page, '<p class="eyebrow">', "</p>"))
        header = page.text.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
        current = [
            re.sub(r"<[^>]+>", "", line).strip() for line in header.splitlines() if 'aria-current="page"' in line
        ]
        return " ".join(eyebrow.split()), current

    story = draft_of("The mayor said the bridge will reopen.")
    assert heading_and_current(story) == (f"Pre-publication check · {story.outlet.name} · Draft", ["Drafts"])
    flags = [flag.to_record() for flag in prepublication.check_article(story).flags]
    SignOff.record(story, by=editor, flags=flags, note="Evidence to come.")
    story.publish(by=editor, flags=flags)
    assert heading_and_current(story) == (f"Check of a published story · {story.outlet.name}", ["Stories"])


def test_the_database_refuses_a_story_state_that_does_not_exist(db):
    article = make_article()
    with pytest.raises(DatabaseError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(state="embargoed")


def test_the_note_box_is_required_exactly_when_the_server_requires_a_note(demo, editor_client):
    """Not marked, an empty note was posted and refused; marked, the browser asks for it before posting."""
    flagged = draft_of("Eric Schmidt said future wars would be fought using AI drones.")
    note = part_of(editor_client.get(f"/articles/{flagged.pk}/check/"), "<textarea", ">")
    assert 'name="note"' in note and "required" in note
    quiet = draft_of("The bridge reopened on Monday.")
    page = editor_client.get(f"/articles/{quiet.pk}/check/")
    assert "Optional." in part_of(page, 'id="sign-off-heading"', "</section>")  # no flag open
    assert "required" not in part_of(page, "<textarea", ">")
