"""Links between proposals: restatements of one claim (headline, lede, quote) and conflicting
figures for the same thing from different speakers (8,000 and 11,000 troops)."""

import re
from decimal import Decimal

from factcheck.extraction.drafting import DENIAL_CUES, DISMISSAL_CUES, REPORT_WORDS
from factcheck.extraction.lexicon import ROLE_NOUNS, UNNAMED_SOURCE_NOUNS
from factcheck.extraction.proposal import (
    ABOUT,
    AT_LEAST,
    CONTRADICTS,
    EXACT,
    FEWER_THAN,
    MORE_THAN,
    PERSON,
    SAME_CLAIM,
    UNNAMED_GROUP,
    UP_TO,
)
from factcheck.extraction.quantities import FIGURE_WORDS, SCALES, WORD_NUMBERS
from factcheck.extraction.speakers import described

STOPWORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "them",
    "him",
    "us",
    "me",
    "not",
    "no",
    "also",
    "now",
    "then",
    "than",
    "there",
    "here",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "shall",
    "said",
    "says",
    "say",
    "told",
    "tell",
    "about",
    "into",
    "over",
    "after",
    "before",
    "while",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "what",
    "how",
    "why",
    "all",
    "any",
    "some",
    "such",
    "other",
    "more",
    "most",
    "very",
    "just",
    "so",
    "if",
    "because",
}
# Cues whose words the speaker does not assert: "declined to comment on the plan", "denied that …".
UNSTATED_CUES = {"decline", "refuse", "reject", *DENIAL_CUES, *DISMISSAL_CUES}
# One role under the names a story may give it.
ROLE_SYNONYMS = {
    **dict.fromkeys(("justice", "magistrate"), "judge"),
    **dict.fromkeys(("rep", "representative", "congresswoman"), "congressman"),
    **dict.fromkeys(("sen",), "senator"),
    **dict.fromkeys(("gov",), "governor"),
    **dict.fromkeys(("chairwoman", "chair", "chairperson"), "chairman"),
}
TOP_LINES = 3  # the headline, a standfirst and the lede: where a story states its claim first
TOP_MATCH = 0.45  # share of the shorter statement's words a headline or lede shares with the claim
BODY_MATCH = 0.75  # the same, for two statements of the body


def words(text, spans):
    """The content's words, each cut to five letters so that "Korea" and "Koreans" are one."""
    found = set()
    for start, end in spans:
        for word in re.findall(r"[A-Za-z]+", text[start:end]):
            word = word.lower()
            if word not in STOPWORDS and len(word) > 1:
                found.add(word[:5])
    return found


def similarity(first, second):
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def restates(first, second, threshold):
    """Whether two contents' words (`words`, then `figures`) are one claim: at least `threshold`
    of the shorter's words shared, and more than the topic. A short content sharing three words
    with a longer one ("every postal vote received by Tuesday had been counted" and a lede on the
    vote counted on Tuesday) shares the story's subject, not its claim: four words in common, or
    all but one of the shorter's. Two contents that both give figures restate each other only if
    they share one ("14 million euros" is no restatement of "ready by March and 20 million")."""
    (first_words, first_figures), (second_words, second_figures) = first, second
    if similarity(first_words, second_words) < threshold:
        return False
    shared = len(first_words & second_words)
    if shared < 4 and min(len(first_words), len(second_words)) - shared > 1:
        return False
    return not (first_figures and second_figures and not first_figures & second_figures)


def figures(text, spans):
    """The numbers a content gives, as written without separators: {"14", "2"} for "14 million
    euros … two tests"."""
    found = set()
    for start, end in spans:
        for number in re.findall(r"\d[\d,.]*\d|\d|\b(?:" + "|".join(WORD_NUMBERS) + r")\b", text[start:end].lower()):
            found.add(str(WORD_NUMBERS.get(number, number.replace(",", ""))))
    return found


def propose(text, proposals, cues=None):
    """Add the links to the proposals (each listed once, on the later of the two) and give a
    restated claim's unnamed speaker ("a Ukrainian official") the name the story gives later.
    `cues` are the proposals' cue lemmas ("say", "decline"), when known."""
    cues = cues or [""] * len(proposals)
    described = descriptions(text, proposals)
    top_end = top_of_story(text)
    vocabulary = [words(text, proposal.content) for proposal in proposals]
    said = [(vocabulary[i], figures(text, proposal.content)) for i, proposal in enumerate(proposals)]
    denials = [denial(text, proposal, cue) for proposal, cue in zip(proposals, cues, strict=True)]
    # A denial is a statement of its own about what it denies: it contradicts it, never restates it.
    top = [i for i, proposal in enumerate(proposals) if proposal.start < top_end and not denials[i]]
    body = [i for i in range(len(proposals)) if i not in top and not denials[i]]
    pairs = []
    for i in top:
        candidates = [
            (similarity(vocabulary[i], vocabulary[j]), -j, j)
            for j in body
            if compatible(proposals[i], proposals[j])
            and len(vocabulary[i]) >= 3
            and restates(said[i], said[j], TOP_MATCH)
        ]
        if candidates:
            pairs.append((i, max(candidates)[2]))
        for j in top:
            if i < j and restates(said[i], said[j], TOP_MATCH + 0.05) and compatible(proposals[i], proposals[j]):
                pairs.append((i, j))
    for position, i in enumerate(body):
        for j in body[position + 1 :]:
            if (
                proposals[i].speaker == proposals[j].speaker
                and min(len(vocabulary[i]), len(vocabulary[j])) >= 5
                and restates(said[i], said[j], BODY_MATCH)
            ):
                pairs.append((i, j))
    for group in clusters(pairs):
        canonical = max(group, key=lambda i: rank(proposals[i], i in top))
        for i in sorted(group):
            if i != canonical:
                link(proposals, i, canonical, SAME_CLAIM)
                if stated(cues[canonical], cues[i]) and same_kind(
                    proposals[i], described[proposals[canonical].speaker]
                ):
                    lend_name(proposals[canonical], proposals[i])
    for j in (j for j, denies in enumerate(denials) if denies):
        if (denied := denied_claim(text, proposals, vocabulary, denials, j)) is not None:
            link(proposals, denied, j, CONTRADICTS)
    for i, first in enumerate(proposals):
        for j in range(i + 1, len(proposals)):
            second = proposals[j]
            if conflicting(text, first, second):
                link(proposals, i, j, CONTRADICTS)


# "denied the claim", "rejected the allegations", "denied it": a denial naming no words of its own.
DENIED_BY_NAME = re.compile(rf"^(?:{REPORT_WORDS}|it|them|this|that|the story)$", re.IGNORECASE)


def denial(text, proposal, cue):
    """Whether a proposal denies what someone else claimed: "denied that …", "denied saying …",
    "rejected claims that …", "denied the report"; not "dismissed the plan as useless"."""
    if cue in DENIAL_CUES:
        return True
    said = " ".join(text[start:end] for start, end in proposal.content).strip(" .")
    return cue in DISMISSAL_CUES and bool(re.match(rf"^{REPORT_WORDS}\b", said, re.IGNORECASE))


def denied_claim(text, proposals, vocabulary, denials, j):
    """The earlier proposal a denial contradicts: the one sharing most of its words (as a headline
    restates a claim), else, for "denied the claim", the nearest by another speaker; or None."""
    earlier = [i for i in range(j) if not denials[i]]
    scored = [(similarity(vocabulary[i], vocabulary[j]), i) for i in earlier]
    if scored and len(vocabulary[j]) >= 2 and (best := max(scored))[0] >= TOP_MATCH:
        return best[1]
    said = " ".join(text[start:end] for start, end in proposals[j].content).strip(" .")
    said = re.sub(r"\s+as\s+.*$", "", said)  # "dismissed the report as fiction"
    if DENIED_BY_NAME.match(said):
        return next((i for i in reversed(earlier) if proposals[i].speaker != proposals[j].speaker), None)
    return None


def top_of_story(text):
    """Where the story's first lines (headline, standfirst, lede) end: three lines, or in a story
    written as one paragraph its first sentence.

    The top never takes the whole story: a story of three lines or fewer keeps its last line as
    the body. When every line was the top, a statement was linked to any other in the story and
    an unnamed speaker ("an official said") took the name of whoever said the like elsewhere.
    """
    line_starts = [match.end() for match in re.finditer(r"\n\s*", text.rstrip())]
    if not line_starts:
        sentence_end = re.search(r"[.!?][”\"’']?\s", text)
        return sentence_end.end() if sentence_end else len(text)
    return line_starts[min(TOP_LINES, len(line_starts)) - 1]


def compatible(first, second):
    """Two statements that could be one claim: the same speaker, or one left unnamed, and no
    venue that rules it out."""
    if first.speaker != second.speaker and not (unnamed(first) or unnamed(second)):
        return False
    return not (first.venue and second.venue and first.venue != second.venue)


def rank(proposal, in_top):
    """The statement the others restate: from the body, by a named speaker, quoted, longest."""
    return (not in_top, proposal.speaker_kind == PERSON, bool(proposal.quote), -proposal.start)


def clusters(pairs):
    parent = {}

    def find(i):
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[find(i)] = find(j)
    groups = {}
    for i in list(parent):
        groups.setdefault(find(i), []).append(i)
    return [group for group in groups.values() if len(group) > 1]


def link(proposals, i, j, kind):
    first, second = min(i, j), max(i, j)
    if (kind, first) not in proposals[second].links:
        proposals[second].links.append((kind, first))


def unnamed(proposal):
    """An unnamed source ("experts", "a senior official") or a person the story does not name ("the mayor")."""
    return proposal.speaker_kind == UNNAMED_GROUP or (proposal.speaker_kind == PERSON and described(proposal.speaker))


def descriptions(text, proposals):
    """The words the story uses for each speaker where it quotes them: "Rep. Adam Schiff, the top
    Democrat on the House Intelligence Committee", "the California congressman", their titles."""
    found = {}
    for proposal in proposals:
        spans = " ".join(text[start:end] for start, end in proposal.source)
        words = f"{spans} {proposal.title} {proposal.affiliation}".lower()
        found.setdefault(proposal.speaker, set()).update(re.findall(r"[a-z]+", words))
    return found


def stated(named_cue, unnamed_cue):
    """Whether the named speaker's words are a statement an unnamed one's may restate: not what
    they declined, refused or denied to do or say ("declined to keep the ferries running")."""
    return named_cue == unnamed_cue or named_cue not in UNSTATED_CUES


def same_kind(unnamed_one, named_words):
    """Whether an unnamed speaker may be the named one: a role it gives ("a former union
    chairman") must be one the story gives the named person ("Justice Frank Nervo" is a judge,
    "Rep. Adam Schiff" a congressman); a word for anyone ("an official", "a member of the House
    panel") may be anyone."""
    roles = {ROLE_SYNONYMS.get(word, word) for word in re.findall(r"[a-z]+", unnamed_one.speaker.lower())}
    roles &= ROLE_NOUNS - UNNAMED_SOURCE_NOUNS
    return roles <= {ROLE_SYNONYMS.get(word, word) for word in named_words}


def lend_name(named, unnamed_one):
    """ "a Ukrainian official told B-17" in the lede is the person the body names."""
    if not unnamed(unnamed_one) or named.speaker_kind != PERSON or described(named.speaker):
        return
    if re.match(r"^(a|an|one)\b", unnamed_one.speaker, re.IGNORECASE) or not unnamed_one.speaker.endswith("s"):
        unnamed_one.speaker, unnamed_one.speaker_kind = named.speaker, named.speaker_kind
        unnamed_one.title, unnamed_one.affiliation = named.title, named.affiliation


def conflicting(text, first, second):
    """Two figures for the same thing from different speakers that cannot both be right."""
    if not first.quantity or not second.quantity or first.speaker == second.speaker:
        return False
    if not first.quantity.unit or first.quantity.unit.lower() != second.quantity.unit.lower():
        return False
    return same_thing(text, first, second) and disagree(first.quantity, second.quantity)


# Words (cut as `words` cuts them) that name or bound a figure, not what it counts: "that number",
# "a figure the paper could not verify", "$3 million", "at least".
NOT_COUNTED = {word[:5] for word in (*FIGURE_WORDS, *SCALES, "up", "least", "fewer", "less", "about")}


def same_thing(text, first, second):
    """Whether two figures of one unit count the same thing: besides the unit and the figure, their
    words share more than half of the shorter's, or one gives no words of its own ("upped that
    number to 11,000"). Dollars of an overrun are not dollars of a liability."""
    unit = {word.lower()[:5] for word in re.findall(r"[A-Za-z]+", first.quantity.unit)}
    own = [words(text, proposal.content) - unit - NOT_COUNTED for proposal in (first, second)]
    return not all(own) or len(own[0] & own[1]) > min(map(len, own)) / 2


# What each qualifier says of the true figure, against the one given: (lowest, highest), each with
# whether it is reached. "About" takes a tenth either way.
BOUNDS = {
    EXACT: lambda v: ((v, True), (v, True)),
    UP_TO: lambda v: ((None, True), (v, True)),
    FEWER_THAN: lambda v: ((None, True), (v, False)),
    AT_LEAST: lambda v: ((v, True), (None, True)),
    MORE_THAN: lambda v: ((v, False), (None, True)),
    ABOUT: lambda v: ((v * Decimal("0.9"), True), (v * Decimal("1.1"), True)),
}


def disagree(first, second):
    """Whether two figures cannot both be right: no number is within both ("up to 8,000" and
    11,000; "fewer than 300" and "more than 400"), or two bounds the same way differ ("up to 8,000"
    and "up to 11,000": two estimates of one ceiling). "At least 300" and 450 agree."""
    if first.qualifier == second.qualifier != EXACT and first.qualifier != ABOUT:
        return first.value != second.value
    (low, high), (other_low, other_high) = (BOUNDS[q.qualifier](Decimal(q.value)) for q in (first, second))
    return below(high, other_low) or below(other_high, low)


def below(high, low):
    """Whether every number up to `high` is under every number from `low` (None: no bound)."""
    (top, top_reached), (bottom, bottom_reached) = high, low
    if top is None or bottom is None:
        return False
    return top < bottom or (top == bottom and not (top_reached and bottom_reached))
