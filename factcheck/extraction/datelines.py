"""Wire datelines ("KYIV, Ukraine (AP) — "), taken out of a story before it is parsed.

Parsed, "KYIV, Ukraine (AP) — Ukraine's defence minister said" made "KYIV" the speaker. Blanked
with spaces, the paragraph's first words were read differently for the spaces' number (the
parser sees a whitespace token of that length). Taken out, the paragraph reads as a story
without a dateline, and the proposals' offsets are moved back into the story as given.
"""

import re
from bisect import bisect_right
from dataclasses import replace

# The dateline opening a paragraph, up to the dash: "KYIV, Ukraine (AP) — ", "Seoul, Nov. 5
# (Yonhap) -- ", "WASHINGTON — ", "London (Reuters) - ". The place is in capitals, or followed by
# the agency or the date; a sentence starts after the dash.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ \t]+[0-9]{1,2}"
_CAPITALS = r"[A-Z][A-Z.'’-]+(?:[ \t]+[A-Z][A-Z.'’-]+){0,3}"
_PLACE = r"[A-Z][A-Za-z.'’-]+(?:[ \t]+[A-Z][A-Za-z.'’-]+){0,3}"
_AGENCY = r"\([A-Z][A-Za-z .&]{0,30}\)"  # not "(R-Texas)" after a senator's name
_DASH = r"[ \t]*(?:—|–|--?)[ \t]+(?=[A-Z0-9\"“‘'])"  # then a sentence starts
_UNPAIRED = r"(?![^\n]*[ \t](?:—|–|--?)[ \t])"  # a second dash makes the first open an aside
DATELINE = re.compile(
    rf"^[ \t]*(?:{_CAPITALS}(?:,[ \t]+{_PLACE})?(?:,[ \t]+{_MONTH})?(?:[ \t]*{_AGENCY})?"
    rf"|{_PLACE}(?:,[ \t]+{_PLACE})?(?:,[ \t]+{_MONTH}(?:[ \t]*{_AGENCY})?|[ \t]*{_AGENCY})){_DASH}",
    re.MULTILINE,
)
# A place as a sentence writes it ("Kyiv — ", "Kyiv, Ukraine — ") has no such mark: as many
# words open a line with a person's or an organisation's name ("Olga Petrenko — 200 workers…")
# or a label ("Update — "). It is a dateline only where a story puts one, at its very start
# (the first line, or the first after the headline); when no later dash on its line pairs its
# dash ("Tom Reyes — Caldera's minister — said" is an aside); and when the tagger, reading the
# line, names no person or organisation in it. A line in lower case ("kyiv — ") is none: more
# often a hard-wrapped line of a paragraph ("he said — “We…”").
SENTENCE_CASE_DATELINE = re.compile(rf"^[ \t]*({_PLACE}(?:,[ \t]+{_PLACE})?){_DASH}{_UNPAIRED}")
OPENING_LINES = 2
NOT_PLACES = {"PERSON", "ORG", "NORP"}


def taken_out(text, nlp=None):
    """(`text` without the datelines opening its paragraphs, where they were): each place is
    (offset in the text returned, characters taken out up to there). `nlp`, the spaCy pipeline,
    tells a place in sentence case from a name; without it only the marked datelines go."""
    found = [(dateline.start(), dateline.end()) for dateline in DATELINE.finditer(text)]
    if nlp is not None:
        found = sorted(set(found) | set(sentence_case_datelines(text, nlp)))
    kept, places, removed, start = [], [], 0, 0
    for dateline_start, dateline_end in found:
        kept.append(text[start:dateline_start])
        removed += dateline_end - dateline_start
        start = dateline_end
        places.append((start - removed, removed))
    kept.append(text[start:])
    return "".join(kept), places


def without_dateline(line):
    """A line without the wire dateline that opens it ("KYIV, Ukraine (AP) — "): the story's first
    line proposed as its headline."""
    dateline = DATELINE.match(line)
    return line[dateline.end() :] if dateline else line


def sentence_case_datelines(text, nlp):
    """(start, end) of each dateline in sentence case opening one of the story's first lines."""
    found, at, opening = [], 0, 0
    for line in text.splitlines(keepends=True):
        if opening == OPENING_LINES:
            break
        if line.strip():
            opening += 1
            dateline = SENTENCE_CASE_DATELINE.match(line)
            if dateline and not DATELINE.match(line) and not names_someone(nlp, line, dateline.end(1)):
                found.append((at + dateline.start(), at + dateline.end()))
        at += len(line)
    return found


def names_someone(nlp, line, end):
    """Whether the tagger reads a person's or an organisation's name in the line's first `end` characters."""
    return any(entity.label_ in NOT_PLACES and entity.start_char < end for entity in nlp(line.rstrip("\r\n")).ents)


def put_back(proposals, places):
    """`proposals` read from the text `taken_out` returned, their offsets moved into the story."""
    if not places:
        return proposals
    at = [offset for offset, _ in places]

    def moved(offset):
        index = bisect_right(at, offset)
        return offset + (places[index - 1][1] if index else 0)

    def spans(pieces):
        return [(moved(start), moved(end)) for start, end in pieces]

    return [
        replace(proposal, content=spans(proposal.content), cue=spans(proposal.cue), source=spans(proposal.source))
        for proposal in proposals
    ]
