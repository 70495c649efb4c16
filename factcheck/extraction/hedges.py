"""The story's own hedges ("B-17 was unable to independently confirm his statements") and the
claims they cover."""

import re

from factcheck.extraction.links import words
from factcheck.extraction.proposal import INSTITUTION, PERSON, UNNAMED_GROUP

HEDGE = re.compile(
    r"\b((was|were|is|are|been|be) (unable|not able) to (independently )?(confirm|verify|corroborate|authenticate)"
    r"|(could|can|did|does|do|has|have|had)( not|n[o’']t) (yet )?(independently )?"
    r"(confirm|verify|corroborate|authenticate)"
    r"|cannot (independently )?(confirm|verify|corroborate|authenticate)"
    r"|(could|can|has|have|had|was|were|is|are)( not|n[o’']t) (yet )?(been |be )?(independently )?"
    r"(confirmed|verified|corroborated|authenticated)"
    r"|without (providing|offering|giving|citing|presenting) (any )?evidence"
    r"|(provided|offered|gave|presented) no evidence"
    r"|no independent (confirmation|verification)"
    r"|not independently (confirmed|verified))\b",
    re.IGNORECASE,
)
# "…, a figure the Courier could not verify", "…, which we could not confirm": a hedge set beside the
# claim it covers, in the claim's own sentence.
BESIDE = re.compile(rf"[,—–]\s*(?:a|an|which|something)\s[^,;]{{0,80}}?(?:{HEDGE.pattern})", re.IGNORECASE)
PARAGRAPHS_BACK = 3  # how far back a hedge on "the claims" reaches
PARAGRAPH = re.compile(r"^(?=[^\S\n]*\S)", re.MULTILINE)  # where a line with words on it starts
WITHIN_SENTENCE = re.compile(r"\bwithout (providing|offering|giving|citing|presenting)|no evidence", re.IGNORECASE)
# Words that name a claim without saying what it is about: "the claim", "the figures", "his account".
CLAIM_NOUNS = (
    "claim claims statement statements remark remarks comment comments allegation allegations figure figures "
    "number numbers report reports account accounts assertion assertions details information independently "
    "immediately yet"
)
CLAIM_WORDS = words(CLAIM_NOUNS, [(0, len(CLAIM_NOUNS))])
PLURAL_OBJECTS = re.compile(
    r"\b(claims|statements|remarks|comments|allegations|figures|reports|accounts|assertions)\b", re.I
)


def hedge_sentences(doc):
    return [sentence for sentence in doc.sents if HEDGE.search(sentence.text)]


def attach(doc, proposals, people):
    """Mark the proposals each hedge covers: hedged, and the hedge's sentence as its text."""
    for sentence in hedge_sentences(doc):
        for proposal in covered(doc, sentence, proposals, people):
            proposal.hedged = True
            proposal.hedge = " ".join(sentence.text.split())


def beside(doc, start, end):
    """Where a hedge set beside a claim starts (its comma) between the characters `start` and `end`, or None."""
    found = BESIDE.search(doc.text, start, end)
    return found.start() if found else None


def covered(doc, sentence, proposals, people):
    text = sentence.text
    inside = [p for p in proposals if sentence.start_char <= p.start < sentence.end_char]
    if WITHIN_SENTENCE.search(text) and inside:
        return inside  # "he said, without providing evidence"
    cut = beside(doc, sentence.start_char, sentence.end_char)
    if cut is not None and (claims := [p for p in inside if p.start < cut]):
        return claims[-1:]  # "…, a figure the Courier could not verify": the claim it is set beside
    before = [p for p in proposals if p.start < sentence.start_char]
    # "his statements", "her claims", "their account": the speaker the pronoun stands for.
    owner = re.search(r"\b(his|her|their|its)\b", text, re.IGNORECASE)
    # "The Herald was unable to verify …": the newsroom hedging, whatever the tagger took it for.
    named = [e for e in sentence.ents if e.label_ == "PERSON" and e.root.dep_ not in ("nsubj", "nsubjpass")]
    if named:
        name = people.fullest(people.name_of(named[0]))
        return [p for p in proposals if p.speaker == name]
    if by_role := role_hedged(text, before):
        return by_role
    if named_claim := claim_named(doc, sentence, proposals):
        return [named_claim]
    if owner:
        pronoun = owner.group(1).lower()
        if pronoun in ("his", "her"):
            name = people.person_before(sentence.start)
            spoken = [p for p in proposals if p.speaker == name and p.speaker_kind == PERSON]
            if not spoken and before:
                # "The minister said ...": the last speaker who is one person, named or not.
                last = next(
                    (p for p in reversed(before) if p.speaker_kind == PERSON or one_unnamed_person(p.speaker)), None
                )
                spoken = [p for p in proposals if last and p.speaker == last.speaker]
            return spoken
        kinds = (UNNAMED_GROUP, INSTITUTION) if pronoun in ("their", "its") else (PERSON,)
        last = next((p for p in reversed(before) if p.speaker_kind in kinds), None)
        return [p for p in proposals if last is not None and p.speaker == last.speaker]
    if not before:
        return []
    if PLURAL_OBJECTS.search(text):
        # "the claims could not be verified": the claims of the paragraphs just before the hedge,
        # a blank line between them being no paragraph of its own.
        paragraphs = [line.start() for line in PARAGRAPH.finditer(doc.text, 0, sentence.start_char)]
        start = paragraphs[-PARAGRAPHS_BACK] if len(paragraphs) >= PARAGRAPHS_BACK else 0
        return [p for p in before if p.start >= start]
    last = before[-1]
    return [p for p in before if doc.text.rfind("\n", 0, p.start) == doc.text.rfind("\n", 0, last.start)][-1:]


# "the engineer's account", "the official's claims": a source the story names by a word for it.
ROLE_OWNED = re.compile(rf"\bthe ([\w-]+)(?:'s|’s|s'|s’) (?:{'|'.join(CLAIM_NOUNS.split())})\b", re.IGNORECASE)


def role_hedged(text, before):
    """For "the engineer's account", the claims of the last speaker before the hedge whose
    description holds the word ("An engineer at Telvana"), all of them; [] when there is none."""
    if not (owned := ROLE_OWNED.search(text)):
        return []
    role = owned.group(1).lower()
    last = next((p for p in reversed(before) if role in p.speaker.lower().split()), None)
    return [p for p in before if last is not None and p.speaker == last.speaker]


def claim_named(doc, sentence, proposals):
    """ "We could not independently confirm the number of drones launched": the proposal whose
    content shares most of the words naming what could not be confirmed (the nearest before the
    hedge on a tie), or None when the hedge names only "the claim" or "his statements"."""
    hedge = HEDGE.search(sentence.text)
    if hedge.group().lower().endswith("ed"):  # "… could not be verified": what comes before
        named = words(sentence.text, [(0, hedge.start())])
    else:  # "… was unable to verify …": what comes after
        named = words(sentence.text, [(hedge.end(), len(sentence.text))])
    named -= CLAIM_WORDS
    if not named:
        return None

    def score(proposal):
        shared = len(named & words(doc.text, proposal.content))
        before = proposal.start < sentence.start_char
        return shared, before, proposal.start if before else -proposal.start

    best = max(proposals, key=score, default=None)
    return best if best is not None and score(best)[0] else None


def one_unnamed_person(description):
    """ "The minister", "A senior official": one unnamed person, not "Officials" or "Experts"."""
    words = description.split()
    return bool(words) and words[0].lower() in ("the", "a", "an", "one") and not words[-1].lower().endswith("s")
