"""Names and claim text through every road in: invisible and bidi characters, NFKC forms, look-alike letters.

The roads: the admin's forms, the reviewer views' forms, the importer (CSV, JSON, ClaimReview,
preview and one pass) and `Speaker.objects.for_name`, the way in for the story intake.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factcheck import importing
from factcheck.exporting import CSV_COLUMNS
from factcheck.models import Claim, ImportMode, ImportState, LookalikeName, Note, Outlet, Speaker
from factcheck.tests.factories import make_claim, make_outlet, make_speaker
from factcheck.tests.test_admin import form_data, url
from factcheck.tests.test_import import csv_text, row, run_import, write_file
from factcheck.text import clean_name, clean_text, lookalike_key, normalize_name, skeleton

# "Zelenskyy" with Cyrillic е (U+0435), о is not in it, у (U+0443) for the first y.
CYRILLIC_ZELENSKYY = "Z\u0435l\u0435nsk\u0443y"
GREEK_ZELENSKYY = "\u0396elenskyy"  # Greek capital zeta for Z
ZERO_WIDTH_ZELENSKYY = "Zelen\u200bsk\u200dyy\ufeff"
BIDI_ZELENSKYY = "\u202eZelenskyy\u202c\u200f"
UKRAINIAN = "Володимир Зеленський"
FULL_WIDTH_ZELENSKYY = "Ｚｅｌｅｎｓｋｙｙ"


# The functions


@pytest.mark.parametrize(
    "typed",
    [
        ZERO_WIDTH_ZELENSKYY,
        BIDI_ZELENSKYY,
        FULL_WIDTH_ZELENSKYY,
        " Zelenskyy\u00ad ",
        "\u2066Zelenskyy\u2069",
        "Zelenskyy\ufe0f",
    ],
)
def test_invisible_bidi_and_compatibility_characters_leave_a_name(typed):
    assert clean_name(typed) == "Zelenskyy"
    assert normalize_name(typed) == normalize_name("Zelenskyy") == "zelenskyy"


def test_a_name_keeps_its_own_letters_and_loses_controls_and_extra_spaces():
    assert clean_name("  Володимир\u00a0 \u200bЗеленський\n") == UKRAINIAN
    assert clean_name("Kyiv\x1b Independent\t") == "Kyiv Independent"
    assert clean_name("Zélensky") == "Zélensky"  # NFKC composes the accent, it does not drop it
    assert clean_name("Ze\u0301lensky") == "Zélensky"


def test_claim_text_loses_bidi_controls_and_zero_width_characters_and_takes_its_nfkc_form():
    assert clean_text("Ukraine has \u202e000,1\u202c drones.") == "Ukraine has 000,1 drones."
    assert clean_text("The of\ufb01ce said 8\u200b000\u00a0troops.") == "The office said 8000 troops."
    assert clean_text("  plain ASCII stays as it is  ") == "plain ASCII stays as it is"
    assert clean_text("Він сказав «так».") == "Він сказав «так»."


def test_the_skeleton_is_the_uts39_one():
    assert skeleton(CYRILLIC_ZELENSKYY) == skeleton("Zelenskyy") == "Zelenskyy"
    assert skeleton("paypal") != skeleton("PayPaI") == "PayPal"  # case-sensitive: I looks like l
    assert skeleton("rn") == skeleton("m")


@pytest.mark.parametrize(
    "imitation",
    [CYRILLIC_ZELENSKYY, GREEK_ZELENSKYY, "ZЕLЕNSKYY", "ZeIenskyy", "Zelen\u0455kyy", "Ζеlеnѕkуу", "Zelenskyy\u0301"],
)
def test_names_written_with_look_alike_letters_share_the_key_of_the_name_they_imitate(imitation):
    assert lookalike_key(imitation) == lookalike_key("Zelenskyy") == lookalike_key("ZELENSKYY")


def test_names_that_only_look_different_keep_different_keys():
    assert lookalike_key(UKRAINIAN) != lookalike_key("Volodymyr Zelenskyy")
    assert lookalike_key("Зеленський") != lookalike_key("Zelenskyy")
    assert lookalike_key("Kyiv Independent") != lookalike_key("Kyiv Post")


# The ORM: what the story intake calls


def test_for_name_finds_a_tracked_speaker_whatever_invisible_characters_the_name_carries(db):
    tracked = make_speaker("Zelenskyy")
    for typed in [ZERO_WIDTH_ZELENSKYY, BIDI_ZELENSKYY, FULL_WIDTH_ZELENSKYY]:
        assert Speaker.objects.for_name(typed) == (tracked, False)
    assert Speaker.objects.count() == 1


def test_for_name_refuses_a_name_that_imitates_a_tracked_one_and_names_it(db):
    tracked = make_speaker("Zelenskyy")
    with pytest.raises(LookalikeName) as refused:
        Speaker.objects.for_name(CYRILLIC_ZELENSKYY, title="President")
    assert refused.value.twin == tracked
    assert f"the speaker #{tracked.pk} “Zelenskyy”" in str(refused.value)
    assert "Cyrillic small letter ie" in str(refused.value) and "mixes Cyrillic and Latin" in str(refused.value)
    assert Speaker.objects.count() == 1


def test_for_name_creates_a_look_alike_once_a_person_confirmed_it_is_another(db):
    make_speaker("Zelenskyy")
    speaker, created = Speaker.objects.for_name(CYRILLIC_ZELENSKYY, confirmed=True, title="Someone else")
    assert created and speaker.name == CYRILLIC_ZELENSKYY and speaker.title == "Someone else"


def test_for_name_accepts_a_name_wholly_in_another_script_and_stores_it_clean(db):
    make_speaker("Volodymyr Zelenskyy")
    speaker, created = Speaker.objects.for_name(f"\u200f{UKRAINIAN}\u200e")
    assert created and speaker.name == UKRAINIAN
    assert Speaker.objects.for_name("володимир ЗЕЛЕНСЬКИЙ") == (speaker, False)


def test_for_name_knows_a_speakers_aliases_and_their_look_alikes(db):
    tracked = make_speaker("Volodymyr Zelenskyy", aliases=["Zelensky"])
    assert Speaker.objects.for_name("zelen\u200bsky") == (tracked, False)
    with pytest.raises(LookalikeName) as refused:
        Speaker.objects.for_name("Zel\u0435nsky")
    assert refused.value.twin == tracked


def test_for_name_does_the_same_for_outlets(db):
    tracked = make_outlet("Kyiv Independent")
    assert Outlet.objects.for_name("Kyiv\u2060 Independent") == (tracked, False)
    with pytest.raises(LookalikeName):
        Outlet.objects.for_name("K\u0443iv Ind\u0435pendent")


def test_saving_a_speaker_or_outlet_stores_its_name_clean_with_its_keys(db):
    speaker = Speaker.objects.create(name=BIDI_ZELENSKYY)
    outlet = Outlet.objects.create(name=CYRILLIC_ZELENSKYY)
    assert (speaker.name, speaker.normalized_name, speaker.lookalike_key) == ("Zelenskyy", "zelenskyy", "zelenskyy")
    assert outlet.lookalike_key == "zelenskyy" and outlet.normalized_name != "zelenskyy"


# The admin's forms


def test_the_admin_refuses_a_second_speaker_whose_name_differs_only_by_invisible_characters(editor_client):
    make_speaker("Zelenskyy")
    data = form_data(editor_client.get(url(Speaker, "add")))
    response = editor_client.post(url(Speaker, "add"), data | {"name": ZERO_WIDTH_ZELENSKYY, "kind": "person"})
    assert response.status_code == 200
    assert "“Zelenskyy” already exists" in response.text
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize("model", [Speaker, Outlet], ids=["speaker", "outlet"])
def test_the_admin_warns_of_a_look_alike_name_with_a_link_and_adds_it_only_when_saved_again(editor_client, model):
    tracked = model.objects.create(name="Zelenskyy")
    data = form_data(editor_client.get(url(model, "add"))) | {"name": CYRILLIC_ZELENSKYY}
    warned = editor_client.post(url(model, "add"), data)
    assert warned.status_code == 200 and model.objects.count() == 1
    label = model._meta.verbose_name
    assert f'looks like the {label} <a href="{url(model, "change", tracked.pk)}">Zelenskyy</a> (#{tracked.pk})' in (
        warned.text
    )
    assert f"If it is another {label}, save again to add it." in warned.text
    # The page carries the confirmation; posting it back as a browser would adds the name.
    assert re.search(
        rf'<input type="hidden" name="lookalike_confirmed" value="{lookalike_key("Zelenskyy")}"', warned.text
    )
    confirmed = editor_client.post(url(model, "add"), form_data(warned))
    assert confirmed.status_code == 302
    assert model.objects.filter(name=CYRILLIC_ZELENSKYY).exists()


@pytest.mark.parametrize("name", ["<b>B-17</b>", "Kyiv Independent > B-17"])
def test_the_admin_refuses_an_outlet_name_holding_markup_or_a_relay(editor_client, name):
    """The story desk and imports refuse such a name; the admin added it, and an export's relay
    column ("A > B") then read it back as two outlets."""
    data = form_data(editor_client.get(url(Outlet, "add"))) | {"name": name}
    response = editor_client.post(url(Outlet, "add"), data)
    assert response.status_code == 200
    assert "cannot be an outlet&#x27;s name: it holds “&lt;” or “&gt;”. Write the names only." in response.text
    assert not Outlet.objects.exists()


def test_a_confirmation_is_for_the_name_it_was_given_for(editor_client):
    make_speaker("Zelenskyy")
    make_speaker("Kyiv Independent")
    data = form_data(editor_client.get(url(Speaker, "add"))) | {"name": CYRILLIC_ZELENSKYY, "kind": "person"}
    warned = editor_client.post(url(Speaker, "add"), data)
    other = editor_client.post(url(Speaker, "add"), form_data(warned) | {"name": "K\u0443iv Independent"})
    assert other.status_code == 200 and "looks like the speaker" in other.text
    assert Speaker.objects.count() == 2


def test_renaming_a_speaker_into_a_look_alike_is_warned_too(editor_client):
    tracked = make_speaker("Zelenskyy")
    other = make_speaker("Someone")
    data = form_data(editor_client.get(url(Speaker, "change", other.pk))) | {"name": GREEK_ZELENSKYY}
    response = editor_client.post(url(Speaker, "change", other.pk), data)
    assert response.status_code == 200 and url(Speaker, "change", tracked.pk) in response.text
    other.refresh_from_db()
    assert other.name == "Someone"


def test_the_admin_adds_a_name_wholly_in_another_script_without_a_warning(editor_client):
    make_speaker("Volodymyr Zelenskyy")
    data = form_data(editor_client.get(url(Speaker, "add"))) | {"name": f"\u202b{UKRAINIAN}\u202c", "kind": "person"}
    assert editor_client.post(url(Speaker, "add"), data).status_code == 302
    assert Speaker.objects.filter(name=UKRAINIAN).exists()


def test_the_admin_cleans_a_speakers_aliases(editor_client):
    speaker = make_speaker("Volodymyr Zelenskyy")
    page = url(Speaker, "change", speaker.pk)
    response = editor_client.post(
        page, form_data(editor_client.get(page)) | {"aliases": "Zelen\u200bsky\n\u200b\nＺｅｌｅｎｓｋｉｙ"}
    )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.aliases == ["Zelensky", "Zelenskiy"]


def test_the_admin_stores_claim_text_and_quote_clean(editor_client):
    claim = make_claim("Placeholder.")
    page = url(Claim, "change", claim.pk)
    data = form_data(editor_client.get(page)) | {
        "text": "Ukraine has \u202e000,1\u202c drones\u200b.",
        "quote": "“We have ﬁve\u00a0brigades.”\u2069",
    }
    assert editor_client.post(page, data).status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.quote) == ("Ukraine has 000,1 drones.", "“We have five brigades.”")


# The reviewer views' forms


def test_notes_and_evidence_lose_bidi_controls_and_searches_their_invisible_characters(reviewer_client):
    claim = make_claim("Russia fired 120 drones overnight.", speaker=make_speaker("Zelenskyy"))
    reviewer_client.post(reverse("claim_add_note", args=[claim.pk]), {"body": "Ask the \u202eyrtsinim\u202c."})
    assert Note.objects.get().body == "Ask the yrtsinim."
    reviewer_client.post(
        reverse("claim_add_evidence", args=[claim.pk]),
        {"url": "https://example.org/log", "summary": "\u200bThe launch log.", "stance": "context"},
    )
    assert claim.evidence.get().summary == "The launch log."
    found = reviewer_client.get(reverse("claim_list"), {"speaker": ZERO_WIDTH_ZELENSKYY, "q": "dro\u200bnes"})
    assert [c.pk for c in found.context["claims"]] == [claim.pk]


# The importer


def speaker_column():
    return CSV_COLUMNS.index("speaker") + 1


def test_an_import_resolves_names_with_invisible_characters_to_the_tracked_speaker(tmp_path, admin_user):
    tracked = make_speaker("Zelenskyy")
    content = csv_text(row(speaker=ZERO_WIDTH_ZELENSKYY), row("Another claim.", speaker=BIDI_ZELENSKYY))
    job = run_import(tmp_path, content, admin_user)
    assert job.state == ImportState.SUCCEEDED, job.errors
    assert Speaker.objects.get() == tracked
    assert set(Claim.objects.values_list("speaker", flat=True)) == {tracked.pk}


def test_an_import_cleans_claim_text_and_quotes(tmp_path, admin_user):
    content = csv_text(row("Ukraine has \u202e000,1\u202c drone\u200bs.", quote="“ﬁve\u00a0brigades”\u2066"))
    assert run_import(tmp_path, content, admin_user).state == ImportState.SUCCEEDED
    assert Claim.objects.values_list("text", "quote").get() == ("Ukraine has 000,1 drones.", "“five brigades”")


def test_the_preview_holds_a_look_alike_speaker_as_an_error_at_its_line_and_column(tmp_path, admin_user):
    tracked = make_speaker("Zelenskyy")
    content = csv_text(row(speaker="Zelenskyy"), row("Another claim.", speaker=CYRILLIC_ZELENSKYY))
    job = importing.validate(write_file(tmp_path, content), filename="claims.csv", user=admin_user)
    assert job.state == ImportState.INVALID and job.new_speakers == 0
    (error,) = job.errors
    assert (error["line"], error["column"], error["field"]) == (3, speaker_column(), "speaker")
    assert f"looks like the speaker #{tracked.pk} “Zelenskyy”: a possible duplicate" in error["message"]
    assert Speaker.objects.count() == 1


def test_skipping_invalid_rows_imports_the_others_and_never_creates_the_look_alike(tmp_path, admin_user):
    make_speaker("Zelenskyy")
    content = csv_text(row(speaker="Zelenskyy"), row("Another claim.", speaker=CYRILLIC_ZELENSKYY))
    job = importing.validate(
        write_file(tmp_path, content), filename="claims.csv", user=admin_user, mode=ImportMode.SKIP_INVALID
    )
    assert (job.state, job.created_count, job.rejected_count, job.new_speakers) == (ImportState.VALIDATED, 1, 1, 0)
    job = importing.apply(job)
    assert job.state == ImportState.SUCCEEDED
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Zelenskyy"]
    rejected = importing.rejected_rows_path(job).read_text(encoding="utf-8")
    assert "a possible duplicate" in rejected and CYRILLIC_ZELENSKYY in rejected


def test_a_look_alike_created_after_the_preview_is_still_refused_when_the_import_runs(tmp_path, admin_user):
    content = csv_text(row(speaker=CYRILLIC_ZELENSKYY))
    job = importing.validate(write_file(tmp_path, content), filename="claims.csv", user=admin_user)
    assert job.state == ImportState.VALIDATED and job.new_speakers == 1
    make_speaker("Zelenskyy")
    job = importing.apply(job)
    assert job.state == ImportState.FAILED
    assert job.errors[0]["field"] == "speaker" and job.errors[0]["column"] == speaker_column()
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Zelenskyy"]


def test_a_look_alike_of_a_name_new_in_the_same_file_is_refused_there(tmp_path, admin_user):
    content = csv_text(row(speaker="Zelenskyy"), row("Another claim.", speaker=GREEK_ZELENSKYY))
    job = run_import(tmp_path, content, admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.state, job.created_count, job.rejected_count) == (ImportState.SUCCEEDED, 1, 1)
    assert job.errors[0]["line"] == 3 and "the speaker new in this import “Zelenskyy”" in job.errors[0]["message"]
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Zelenskyy"]


@pytest.mark.parametrize("field", ["outlet", "relayed_by", "article_outlet"])
def test_a_look_alike_outlet_is_refused_at_its_column(tmp_path, admin_user, field):
    make_outlet("Kyiv Independent")
    imitation = "K\u0443iv Ind\u0435pendent"
    fields = {"venue": "public_remarks", "outlet": "B-17", field: imitation}
    if field == "article_outlet":
        fields["article_headline"] = "A story"
    job = run_import(tmp_path, csv_text(row(**fields)), admin_user)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["field"], error["column"]) == (field, CSV_COLUMNS.index(field) + 1)
    assert not Outlet.objects.filter(name=imitation).exists()


def test_an_import_accepts_a_name_wholly_in_another_script(tmp_path, admin_user):
    make_speaker("Volodymyr Zelenskyy")
    job = run_import(tmp_path, csv_text(row(speaker=UKRAINIAN)), admin_user)
    assert job.state == ImportState.SUCCEEDED and job.new_speakers == 1
    assert Speaker.objects.filter(name=UKRAINIAN).exists()


def test_json_and_claimreview_imports_hold_look_alikes_too(tmp_path, admin_user):
    make_speaker("Zelenskyy")
    lines = json.dumps({"claim": "A claim.", "speaker": CYRILLIC_ZELENSKYY})
    job = run_import(tmp_path, lines, admin_user, name="claims.jsonl")
    assert job.state == ImportState.INVALID and job.errors[0]["field"] == "speaker"
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "Ukraine has 1,000 drones\u200b.",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"\u200e{CYRILLIC_ZELENSKYY}"}},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "url": "https://factcheck.example/1",
    }
    job = run_import(tmp_path, json.dumps(review), admin_user, name="review.json")
    assert job.state == ImportState.INVALID and "a possible duplicate" in job.errors[0]["message"]
    assert Speaker.objects.count() == 1


# A repeated header


def test_a_header_repeated_in_the_middle_of_a_csv_is_an_error_at_its_line(tmp_path, admin_user):
    first = csv_text(row(speaker="Zelenskyy"))
    second = csv_text(row("Another claim.", speaker="Kovalenko"))
    job = run_import(tmp_path, first + second, admin_user)
    assert job.state == ImportState.INVALID
    (error,) = job.errors
    assert (error["line"], error["column"]) == (3, 1)
    assert "this line repeats the header (as on line 1)" in error["message"]
    assert not Claim.objects.exists()
    job = run_import(tmp_path, first + second, admin_user, mode=ImportMode.SKIP_INVALID)
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert not Claim.objects.filter(text="claim").exists() and not Speaker.objects.filter(name="speaker").exists()


def test_a_repeated_header_is_found_whatever_its_case_spacing_or_spelling(tmp_path, admin_user):
    content = "claim,speaker,status\nA claim.,Zelenskyy,\n Claim Text ,SPEAKER,Status.\nAnother.,Kovalenko,\n"
    job = run_import(tmp_path, content, admin_user)
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, 1)]


def test_a_second_header_with_other_columns_stops_the_reading_at_its_line(tmp_path, admin_user):
    content = "claim,speaker\nA claim.,Zelenskyy\nspeaker,claim\nKovalenko,Another claim.\n"
    job = run_import(tmp_path, content, admin_user, mode=ImportMode.SKIP_INVALID)
    assert job.state == ImportState.INVALID
    assert (job.errors[0]["line"], job.errors[0]["column"]) == (3, 1)
    assert "a second header line" in job.errors[0]["message"]
    assert not Claim.objects.exists()


def test_a_claim_that_merely_mentions_a_column_name_is_a_claim(tmp_path, admin_user):
    content = "claim,speaker\nClaim,Zelenskyy\nspeaker,Kovalenko\n"
    job = run_import(tmp_path, content, admin_user)
    assert job.state == ImportState.SUCCEEDED and job.created_count == 2


@pytest.mark.usefixtures("tasks_run_inline")  # the upload's check runs within the request, as the worker would
def test_the_admins_import_preview_shows_the_look_alike_at_its_line_and_column(client, admin_user):
    tracked = make_speaker("Zelenskyy")
    client.force_login(admin_user)
    content = csv_text(row(speaker="Zelenskyy"), row("Another claim.", speaker=CYRILLIC_ZELENSKYY)).encode()
    response = client.post(
        reverse("admin:factcheck_importjob_upload"),
        {"file": SimpleUploadedFile("claims.csv", content), "mode": ImportMode.SKIP_INVALID},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Preview: nothing is written until you confirm" in page
    assert f'<td class="line">3</td><td class="column">{speaker_column()}</td><td>speaker</td>' in page
    assert f"looks like the speaker #{tracked.pk} “Zelenskyy”: a possible duplicate" in page
    assert Speaker.objects.count() == 1
