"""Names and claim text as people see them, whatever characters they were typed or pasted with.

Every road into the database (the admin's and the reviewer views' forms, the importer, the
story intake through `Speaker.objects.for_name`) passes names through `clean_name` and claim
text through `clean_text`; `normalize_name` is the key that makes two spellings of one name one
speaker; `lookalike_key` is the key that makes a name written with look-alike letters (Cyrillic
е for Latin e) meet the name it imitates.
"""

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import filterfalse
from pathlib import Path

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, unchanged from 15.0 to
# 17.0): what renders as nothing. Zero-width spaces and joiners, the bidi controls (LRM, RLM,
# ALM, the embeddings, overrides and isolates), the soft hyphen, variation selectors, Hangul
# fillers and tags. In a name they make two identical-looking names differ; in a claim they
# hide words from search and duplicate checks, and bidi controls reorder what a reader sees.
# No Unicode normalization or case folding turns another character into one of these.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Control characters; those that are whitespace (tab, line breaks) are also matched by split().
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# Half of a UTF-16 pair (a lone surrogate): only a JSON escape ("\\ud83d", a character cut in
# two where the text was written) can put one in a string; no UTF-8 text, file or database holds it.
SURROGATE = re.compile("[\ud800-\udfff]")


def half_character(text):
    """What is wrong with `text` if it holds half a character (a lone surrogate), where and which
    ("holds half of a character (\\ud83d, a lone UTF-16 surrogate) at character 8"); else None."""
    found = None if text.isascii() else SURROGATE.search(text)
    if found:
        half = f"\\u{ord(found.group()):04x}"
        return f"holds half of a character ({half}, a lone UTF-16 surrogate) at character {found.start() + 1}"
    return None


def lf_line_breaks(text):
    """`text` with each line break a "\n": a browser posts a text box's line breaks as "\r\n" (whatever
    was typed), a Windows spreadsheet's cells hold "\r\n", old Mac text "\r"."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def clean_text(text):
    """`text` without invisible characters, in Unicode NFKC form, its line breaks "\n" (lf_line_breaks),
    trimmed: what a claim, a quote, a note, a reason or a description is stored as.

    NFKC turns compatibility forms into their plain letters (full-width "Ｚｅｌｅｎｓｋｙｙ",
    the "ﬁ" ligature, non-breaking spaces), so what looks the same is stored the same. Plain
    ASCII, most of what is typed and imported, has neither: it is only trimmed.
    """
    text = lf_line_breaks(text)
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text)).strip()


def clean_claim(text):
    """A claim's words as stored, on every road in: clean_text, on one line, each run of spaces and
    line breaks one space.

    A claim is one statement: a line break in it is a spreadsheet cell's or a text box's (which a
    browser posts as "\\r\\n"), never what was said, and would make the same words compare unequal.
    """
    return " ".join((text if text.isascii() else clean_text(text)).split())


# Between the outlets that passed a claim on, written in one line: an arrow (→ or ->), or a ">"
# with a space on each side, as exports write it. A ">" within a word is not one: "<b>B-17</b>"
# is one name (refused: `holds_markup`), not the outlets "<b" and "B-17</b".
RELAY_SPLIT = r"\s*(?:→|->)\s*|\s+>\s+"


# A number whose thousands are grouped by threes: "8,000", "12 000", "1,234.5".
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:[,\u00a0\u202f ][0-9]{3})+(?:\.[0-9]+)?\Z")
_GROUP_SEPARATORS = re.compile(r"[,\u00a0\u202f ]")
# 8.000 or 12.500: thousands grouped with a point, or a decimal? Files must say (importing.cleaning).
POINT_GROUPING = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}\Z")


def ungrouped(number):
    """A number's text without its thousands separators ("8,000", "12 000"), only where they group
    by threes: "2,5" (a decimal comma) stays as it is, no number, never read as 25."""
    return _GROUP_SEPARATORS.sub("", number) if _GROUPED_NUMBER.match(number) else number


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")


def shows_decimal_point(typed):
    """Whether a figure shows that its file writes a point as a decimal point, as no desk grouping
    thousands with one would: "2.5", "0.125", "1.12345", "1234.567", or commas grouping thousands
    ("1,000"). Then the file's "1.125" is one and an eighth, not 1,125 (importing). None: no figure."""
    if typed is None or ("." not in typed and "," not in typed) or POINT_GROUPING.match(typed):
        return False
    return bool(_PLAIN_NUMBER.match(ungrouped(typed)))


def point_grouping(typed):
    """Why `typed` is no one number if it is "8.000": a desk that groups thousands with a point
    (German, Spanish, Italian) means 8,000, and read as 8 it would be stored a thousand times too
    small; else None."""
    if not POINT_GROUPING.match(typed):
        return None
    whole, small = typed.partition(".")[0], format(Decimal(typed).normalize(), "f")
    return (
        f"“{typed}” could be {small} or {whole},{typed[-3:]} (a point grouping thousands, as in German or Spanish): "
        f"write {whole}{typed[-3:]} or {unambiguous(small)}"
    )


# What Claim.quantity_value holds: 20 digits, 4 of them after the point.
FIGURE_DIGITS = 16
FIGURE_STEP = Decimal("0.0001")


def read_figure(typed, *, decimal_point=False):
    """(the number `typed` writes, as people write it: "8,000", "2.5", "-12"; None) or (None, why it is
    no figure a claim can hold): the one reading of a claim's figure, for the desk, the admin and imports.
    `decimal_point`: its source writes a point as a decimal point (shows_decimal_point), so "1.125" is one."""
    if not decimal_point and (problem := point_grouping(typed)):
        return None, problem
    try:
        value = Decimal(ungrouped(typed))
    except InvalidOperation:
        return None, not_a_number(typed)
    if not value.is_finite():
        return None, not_a_number(typed)
    if value and value.adjusted() >= FIGURE_DIGITS:
        return None, f"{typed[:40]} is too large (at most {FIGURE_DIGITS} digits before the point)"
    if value != value.quantize(FIGURE_STEP):
        return None, f"{typed[:40]} has more than 4 digits after the point"
    return value, None


def figure_shown(value):
    """A figure as a reader writes it: 14000000 as "14,000,000", 5.2500 as "5.25"."""
    value = value.normalize()
    return f"{value:,f}" if value == value.to_integral() else f"{value:,}"


def figure_typed(value):
    """A figure as a form gives it to a person to edit: as a reader writes it (figure_shown, "112,000,000"),
    and as read_figure reads it back ("1.2340": "1.234" could be 1 or 1,234). `value` is a Decimal or the
    extraction engine's text of one ("112000000", a point a decimal point); any other text stays as it is."""
    if isinstance(value, str):
        figure, problem = read_figure(value.strip(), decimal_point=True)
        if problem:
            return value
        value = figure
    return unambiguous(figure_shown(value))


def unambiguous(number):
    """A number's text that no reader takes for thousands grouped with a point: "1.234" as "1.2340"
    (the importer refuses "1.234" in a file, which could be 1234 as German or Spanish sheets write it)."""
    return f"{number}0" if POINT_GROUPING.match(number) else number


def not_a_number(typed):
    """Why `typed` is no number, for an error: with a comma, how to write a decimal ("2,5" is not 25)."""
    problem = f"“{typed[:40]}” is not a number"
    if "," in typed:
        typed = typed[:40]
        # "1.234,5", written with points grouping thousands, is 1234.5 (not 1.234.5)
        pointed = typed.replace(".", "").replace(",", ".") if typed.rfind(",") > typed.rfind(".") > -1 else None
        pointed = pointed or typed.replace(",", ".")
        problem += f". Write a decimal with a point ({pointed}); commas only group thousands (8,000)"
    return problem


def holds_markup(name):
    """Whether an outlet's name holds "<" or ">": markup pasted with it, or a separator with no spaces."""
    return "<" in name or ">" in name


def clean_name(name):
    """A speaker's or outlet's name as stored: clean_text, no control characters, single spaces, trimmed."""
    if name.isascii() and name.isprintable():  # most names: the only whitespace is the space
        return name.strip() if "  " not in name else " ".join(name.split())
    return " ".join(CONTROL.sub(" ", clean_text(name)).split())


_NOT_A_WORD = re.compile(r"[\W_]+")
# A bytes.translate table: each ASCII byte that is not a letter or digit (what [\W_] matches in
# ASCII) becomes a space. On ASCII text it does what _NOT_A_WORD.sub(" ", ...) does, several times faster.
_ASCII_NOT_A_WORD_TO_SPACE = bytes(byte if byte < 128 and chr(byte).isalnum() else ord(" ") for byte in range(256))


def normalize_name(name):
    """The key two spellings of one name share: case, diacritics, punctuation, spacing and invisible characters ignored.

    "Volodymyr Zelenskyy", "volodymyr  zelenskyy", "Volodymyr Zelenskyy." and the same with a
    zero-width space inside all give "volodymyr zelenskyy"; so do "Zélensky" and "Zelensky".
    Import keys are hashes of these: the result for a given name must not change (it did once,
    for names holding invisible characters, which used to count as a space).
    """
    if name.isascii():
        # Most names and claims: casefold() is lower() on ASCII, and NFKD has nothing to decompose.
        words = name.lower().encode().translate(_ASCII_NOT_A_WORD_TO_SPACE).decode()
    else:
        decomposed = unicodedata.normalize("NFKD", INVISIBLE.sub("", name).casefold())
        # filterfalse keeps the characters whose combining class is 0: all but the marks.
        without_marks = "".join(filterfalse(unicodedata.combining, decomposed))
        words = _NOT_A_WORD.sub(" ", without_marks)
    return " ".join(words.split())


def _accent_folds():
    """{base letter: the letters with accents that fold to it}: Latin letters, as PostgreSQL's unaccent
    folds them ("é", "É" to "e"; "ł" to "l"), and "ё" to "е"; no other script's letters ("й" is no "и")."""
    folds = {"o": "øØ", "l": "łŁ", "d": "đĐ", "е": "ёЁ"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        base = unicodedata.normalize("NFKD", letter)[0].lower()
        if base != letter.lower() and base.isascii() and base.isalpha():
            folds[base] = folds.get(base, "") + letter
    return folds


ACCENT_FOLDS = _accent_folds()
_FOLDED = {letter: base for base, letters in ACCENT_FOLDS.items() for letter in letters}


def accent_blind(word):
    """A regular expression finding `word` whatever its letters' accents, in text and in `word` alike
    ("alvarez" and "Álvarez" find both): for SQLite's search, which has no unaccent."""
    pattern = []
    for letter in word:
        base = _FOLDED.get(letter, letter.lower())
        pattern.append(f"[{re.escape(base + ACCENT_FOLDS[base])}]" if base in ACCENT_FOLDS else re.escape(letter))
    return "".join(pattern)


def claim_key(text):
    """The key of a claim's words, as normalize_name compares them (case, accents, punctuation, quotes and
    spacing ignored): their MD5, in hex. SQLite computes it with this function (factcheck.sqlite), PostgreSQL
    with its own rendering of normalize_name (migration 0044); an index keeps the key of the claims the
    pre-publication check warns about, so a story repeating their words under another speaker is caught."""
    if text is None:
        return None
    return hashlib.md5(normalize_name(text).encode(), usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------------------------------
# Look-alike names: Unicode Technical Standard #39, section 4 (confusable detection)

CONFUSABLES = Path(__file__).resolve().parent / "data" / "confusables.txt"
_MAPPING = re.compile(r"^([0-9A-F]+) ;\t([0-9A-F ]+) ;\tMA\b", re.MULTILINE)
LOOKALIKE_KEY_LENGTH = 200


@cache
def _prototypes():
    """Character -> the prototype it is confusable with, from Unicode's confusables.txt (read once, 10 ms)."""
    text = CONFUSABLES.read_text(encoding="utf-8")
    return {
        chr(int(source, 16)): "".join(chr(int(point, 16)) for point in prototype.split())
        for source, prototype in _MAPPING.findall(text)
    }


def skeleton(text):
    """UTS #39's skeleton: two strings that look alike have the same one ("Zеlеnskyy" with Cyrillic е, "Zelenskyy").

    NFD, default-ignorable characters removed, each character replaced by its prototype from
    confusables.txt, NFD again. It is case-sensitive: "I" has the prototype "l", "i" its own.
    """
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", INVISIBLE.sub("", text))
    return unicodedata.normalize("NFD", "".join([prototypes.get(char, char) for char in decomposed]))


def lookalike_key(name):
    """The key a name shares with the names that look like it, compared as normalize_name compares them.

    The skeleton first, case-sensitive as what a reader sees is (Greek "ΗΑΜΑS" is "HAMAS");
    then normalize_name, since names that differ in case, accents or punctuation are one name;
    then the skeleton again, because case folding meets prototypes the first pass could not
    ("KIM" folds to "kim", whose "m" looks like "rn", as in "Kim"). Last, "i" is "l": "I" is
    both the capital of "i" and the look-alike of "l", so comparing without case must merge
    them ("PauI" imitates "Paul", "іvan" with Cyrillic і imitates "Ivan"). The first 200
    characters are kept: names that long sharing them are flagged too, which only asks a person.
    """
    folded = normalize_name(skeleton(normalize_name(skeleton(name))))
    return folded.replace("i", "l")[:LOOKALIKE_KEY_LENGTH]


def _script(char):
    """The script a letter belongs to, as the first word of its Unicode name ("CYRILLIC"); None for the rest."""
    return unicodedata.name(char, "").split(" ", 1)[0] if char.isalpha() else None


def lookalike_difference(name, other):
    """What sets `name` apart from `other`, which it looks like: “е (Cyrillic small letter ie), о (…)”."""
    own = set(other)
    foreign = sorted({char for char in name if char not in own and not char.isspace()}, key=name.index)
    described = ", ".join(f"{char} ({unicodedata.name(char, 'unnamed').capitalize()})" for char in foreign[:6])
    scripts = sorted({script.capitalize() for script in map(_script, name) if script})
    mixed = f"it mixes {' and '.join(scripts)} letters" if len(scripts) > 1 else ""
    return "; ".join(part for part in [mixed, f"it has {described}" if described else ""] if part)


def display_name(user):
    """How a person is named to others: their full name when there is one, else their username."""
    return user.get_full_name() or user.get_username()
