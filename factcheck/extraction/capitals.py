"""Lines set in capitals ("BANK OF ENGLAND WARNS RATES WILL STAY HIGH"), read in the story's own casing.

The tagger and the parser read a line in capitals as a run of names or abbreviations: such a
headline proposed nothing. Each of its words is parsed as the rest of the story writes it
("Bank of England", "NHS"), else in lower case, and the line opens with a capital. Only the
letters' case changes, so every offset into the text parsed is an offset into the story as given.
"""

import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+")
# A line in capitals is a headline or a standfirst, not an abbreviation or a name alone ("UPDATE", "NHS").
WORDS_IN_A_LINE = 3


def in_story_case(text):
    """`text` with each line in capitals in the casing the rest of the story gives its words; a
    string of the same length."""
    lines = text.splitlines(keepends=True)
    shouting = [in_capitals(line) for line in lines]
    if not any(shouting):
        return text
    casing = story_casing(line for line, capitals in zip(lines, shouting, strict=True) if not capitals)
    return "".join(recased(line, casing) if capitals else line for line, capitals in zip(lines, shouting, strict=True))


def in_capitals(line):
    words = WORD.findall(line)
    return sum(len(word) > 1 for word in words) >= WORDS_IN_A_LINE and all(word.isupper() for word in words)


def story_casing(lines):
    """{word in lower case: the form the story writes it in most often, where no sentence opens with
    it}: "bank" → "Bank" in a story about the Bank of England, "nhs" → "NHS"."""
    seen = {}
    for line in lines:
        for word in WORD.finditer(line):
            before = line[: word.start()].rstrip(" \t\"'“‘(")
            if before and before[-1] not in ".!?:":
                seen.setdefault(word.group().lower(), Counter())[word.group()] += 1
    return {lower: forms.most_common(1)[0][0] for lower, forms in seen.items()}


def recased(line, casing):
    """A line in capitals in the story's casing, its first word capitalised; its length unchanged."""
    first = True
    pieces, at = [], 0
    for word in WORD.finditer(line):
        written = word.group() if word.group() == "I" else casing.get(word.group().lower(), lowered(word.group()))
        if first and len(written[0].upper()) == 1:
            written = written[0].upper() + written[1:]
        first = False
        pieces += [line[at : word.start()], written]
        at = word.end()
    return "".join([*pieces, line[at:]])


def lowered(word):
    """The word in lower case, letter by letter, so its length stays ("İ" lowers to two characters)."""
    return "".join(letter.lower() if len(letter.lower()) == 1 else letter for letter in word)
