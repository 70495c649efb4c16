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
# the agency or the date, or is a place as a sentence writes it ("Kyiv — ", "Kyiv, Ukraine — ")
# whose dash no later dash in the paragraph pairs; and a sentence starts after the dash:
# "Volodymyr Zelenskyy — who…", "NATO — the alliance…" and "Tom Reyes — Caldera's minister —
# said…" open no dateline. Nor does a line in lower case ("kyiv — "): more often a hard-wrapped
# line of a paragraph ("he said — “We…”") than a dateline.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ \t]+[0-9]{1,2}"
_CAPITALS = r"[A-Z][A-Z.'’-]+(?:[ \t]+[A-Z][A-Z.'’-]+){0,3}"
_PLACE = r"[A-Z][A-Za-z.'’-]+(?:[ \t]+[A-Z][A-Za-z.'’-]+){0,3}"
_AGENCY = r"\([A-Z][A-Za-z .&]{0,30}\)"  # not "(R-Texas)" after a senator's name
_DASH = r"[ \t]*(?:—|–|--?)[ \t]+(?=[A-Z0-9\"“‘'])"  # then a sentence starts
_UNPAIRED = r"(?![^\n]*[ \t](?:—|–|--?)[ \t])"  # a second dash makes the first open an aside
DATELINE = re.compile(
    rf"^[ \t]*(?:(?:{_CAPITALS}(?:,[ \t]+{_PLACE})?(?:,[ \t]+{_MONTH})?(?:[ \t]*{_AGENCY})?"
    rf"|{_PLACE}(?:,[ \t]+{_PLACE})?(?:,[ \t]+{_MONTH}(?:[ \t]*{_AGENCY})?|[ \t]*{_AGENCY})){_DASH}"
    rf"|{_PLACE}(?:,[ \t]+{_PLACE})?{_DASH}{_UNPAIRED})",
    re.MULTILINE,
)


def taken_out(text):
    """(`text` without the datelines opening its paragraphs, where they were): each place is
    (offset in the text returned, characters taken out up to there)."""
    kept, places, removed, start = [], [], 0, 0
    for dateline in DATELINE.finditer(text):
        kept.append(text[start : dateline.start()])
        removed += dateline.end() - dateline.start()
        start = dateline.end()
        places.append((start - removed, removed))
    kept.append(text[start:])
    return "".join(kept), places


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
