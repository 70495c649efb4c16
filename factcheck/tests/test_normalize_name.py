"""The fast paths of the import give what the plain definitions give: keys of imported rows must not change."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.importing.cleaning import content_key
from factcheck.models import normalize_name
from factcheck.text import INVISIBLE

EQUIVALENCE = settings(deadline=None, max_examples=1000)


def normalize_name_as_defined(name):
    """normalize_name as first written, without fast paths: what existing keys were made with.

    Since then invisible characters (zero-width, bidi controls) are dropped where they used to
    count as a space, so that "Zelen\u200bskyy" is "Zelenskyy"; other keys did not change.
    """
    decomposed = unicodedata.normalize("NFKD", INVISIBLE.sub("", name).casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", " ", without_marks)
    return " ".join(words.split())


@EQUIVALENCE
@given(st.text())
def test_normalize_name_is_its_definition_on_any_text(name):
    assert normalize_name(name) == normalize_name_as_defined(name)


@EQUIVALENCE
@given(st.text(st.characters(max_codepoint=127)))
def test_normalize_name_is_its_definition_on_ascii(name):
    assert normalize_name(name) == normalize_name_as_defined(name)


@EQUIVALENCE
@given(st.text(st.sampled_from("aZé e\u0301\u0308ßİﬁ™℃ⅫǄΣ½_-.,'\t\n\x1f\u00a0\u200b١")))
def test_normalize_name_is_its_definition_on_case_marks_and_compatibility_forms(name):
    assert normalize_name(name) == normalize_name_as_defined(name)


def test_content_keys_are_those_of_existing_imports():
    """Keys computed before the fast paths, as rows already imported have them."""
    assert content_key("Volodymyr Zelenskyy", "Ukraine has 1,000 drones.") == (
        "sha256:fb91e8a11d3c4d4a32494d0725b4f491c8adc699fe14d1f740be1a16a470f621"
    )
    # Compatibility forms decompose after case folding, so "™" and "℃" keep capitals.
    assert normalize_name("Ⅻ ™ ℃ ﬁx — ΣΑΣ_İstanbul") == "xii TM C fix σασ istanbul"
    assert content_key("Zélensky", "Ⅻ ™ ℃ ﬁx — ΣΑΣ_İstanbul") == (
        "sha256:fb4585c95e49b33a7c884b145efcb744d65222cd489f8de67e6c897f99a73c56"
    )
