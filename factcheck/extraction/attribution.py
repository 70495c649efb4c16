"""Finding attributions in a parsed story: who (source), the cue, and what (content), as tokens.

The rules read spaCy's dependency parse: a cue verb's subject is the source and its clause,
object or infinitive the content, as its entry in the lexicon allows; "according to X" and
"per X" attribute the clause they hang from; a quotation that runs over several sentences is
content as a whole; "X said:" at a paragraph's end attributes what follows.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from factcheck.extraction.drafting import DENIAL_CUES, DISMISSAL_CUES
from factcheck.extraction.lexicon import (
    CUE_NOUNS,
    CUE_PREPOSITIONS,
    CUE_VERBS,
    FIGURE_NOUNS,
    FIGURE_VERBS,
    INSTITUTION_NOUNS,
    IRREGULAR_VERBS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    TIME_WORDS,
    UNNAMED_SOURCE_NOUNS,
    singular,
)
from factcheck.extraction.speakers import TITLE_WORDS
from factcheck.extraction.venues import ANONYMITY, classify_venue, is_news_outlet

# Cues whose object is whom they accuse, coordinated with "said": "said X and accused the group of Y".
ACCUSING_VERBS = {"accuse", "blame", "criticize", "criticise", "condemn"}
# Verbs with which a source asks how to be quoted: "asked not to be named", "declined to be identified".
# Cues whose object is whom they were addressed to, and a clause after it what they were told:
# "told the BBC's Newsnight programme that …", where the parser hangs the clause on the programme.
ADDRESSING_VERBS = {"tell", "inform", "assure", "warn", "remind", "notify", "advise"}
ASKING_VERBS = {"ask", "decline", "request", "want", "wish", "agree", "insist", "demand", "refuse", "prefer"}
# Cues whose infinitive is never an object's: "refused to resign", but "refused two requests … to
# repair the network" refuses the requests, and the infinitive is theirs, whatever the parser hung.
NO_OBJECT_INFINITIVE = {"refuse", "decline", "vow", "pledge", "agree", "seek", "plan", "decide", "threaten", "hope"}
# What opens a condition on what is promised or refused: "vowed to resign if she lost".
CONDITIONS = {"if", "unless"}
# What a statement was made in, set off after what was said: ", in a statement", ", in remarks carried by TASS".
STATEMENT_NOUNS = {
    *("statement", "statements", "remarks", "comments", "interview", "speech", "address", "post", "tweet"),
    *("video", "briefing", "letter", "email", "message", "broadcast", "appearance", "testimony", "op-ed"),
}
# Verbs whose "in a statement" says where their own statement was made: "said he made the remarks in a speech".
STATEMENT_MAKING_VERBS = {"make", "give", "deliver", "say", "post", "issue", "publish", "write", "tell", "repeat"}
# Verbs whose object a venue is: "the letter that he wrote", "the statement that she sent".
VENUE_MAKING_VERBS = STATEMENT_MAKING_VERBS | {"send", "sign", "release", "read", "share", "circulate", "file"}
VENUE_MAKING_VERBS |= {"submit", "see", "obtain", "receive", "email", "record", "draft", "leak", "hold", "attend"}
VENUE_MAKING_VERBS |= {"air", "broadcast", "upload", "host", "pen", "tweet", "put", "address", "distribute"}
VENUE_MAKING_VERBS |= {"delete", "remove", "edit", "update", "forward", "pin", "retweet", "film", "tape", "stream"}
# What a dismissal rejects when it rejects something said ("rejected the claims", "dismissed the
# figures"); rejecting anything else ("voters rejected the plan") is an act, not a statement.
SAID_THINGS = {*CUE_NOUNS, *STATEMENT_NOUNS, "report", "rumour", "rumor", "speculation", "idea", "notion"}
SAID_THINGS |= {"figure", "finding", "account", "version", "story", "theory", "suggestion", "characterisation"}
SAID_THINGS |= {"characterization", "narrative", "conclusion", "estimate", "number", "data", "premise", "reporting"}
PLEAS = {"guilty", "innocent"}  # "pleaded not guilty to …"; "no contest" admits and denies nothing
VERB_TAGS = {"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
# Children of a cue that are never part of its content: they say when, where or how it was said.
NOT_CONTENT = {"punct", "cc", "conj", "nsubj", "nsubjpass", "aux", "auxpass", "neg", "mark", "advmod", "npadvmod"}
OPENING_QUOTES = "“«"
NESTABLE = {"say", "add"}  # cues that stay attributions of their own inside another one's content
CLOSING_QUOTES = "”»"
SINGLE_QUOTES = "'‘’"
PERSONAL_PRONOUNS = {"he", "she", "they", "it"}
# Cues that close a sentence after an outlet's name: "…, the state news agency TASS reported."
QUOTE_MARKS = {'"', "”", "“", "''", "``", "’", "»"}
TRAILING_OUTLET_CUES = {"reported": "report", "reports": "report", "said": "say", "says": "say"}
# Words that lead up to a time after such a cue: "late on Monday", "earlier this week".
WHEN_WORDS = {"on", "late", "early", "last", "this"}
# The words at the end of what was said that say when it was said: "on Monday", "late on Tuesday", "overnight".
SAYS_WHEN = TIME_WORDS | {"overnight"} | WHEN_WORDS
# A live blog's time stamp ("10:05", "9.40am", "14:30 GMT") opens an entry; it names nobody.
TIME_STAMP = r"(?:\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?|\d{1,2}\s?[ap]\.?m\.?)(?:\s+[A-Z]{2,4}\b)?"
STARTS_WITH_TIME_STAMP = re.compile(rf"\s*{TIME_STAMP}(?=[\s:,–—-])")
# A line's label: "Minister: …", "10:05 Minister: …", "Q: …", "A. …".
LINE_LABEL = re.compile(
    rf"\s*(?:{TIME_STAMP}\s*[–—-]?\s*)?(?:(?P<qa>[QA])(?P<qamark>[.:])|(?P<name>[^\W\d_][^:\n]{{0,59}}?)\s*(?P<mark>:))\s"
)
LABEL_ENTITIES = {"PERSON", "ORG", "GPE", "NORP"}
# Nouns a speaker's label may be ("Minister:", "Police:") or end with ("Health Secretary:").
LABEL_ROLES = ROLE_NOUNS | UNNAMED_SOURCE_NOUNS | INSTITUTION_NOUNS


@dataclass
class Attribution:
    """One attribution, as token indices into the doc; the engine turns it into a Proposal."""

    cue: list[int]  # the cue's tokens ("said"; "according", "to")
    content: set[int]
    source: list[int]  # the source's tokens, [] when the attribution names none
    lemma: str  # the cue verb's base form, "according to" or "per"
    speech: bool  # a speech cue (said, told, wrote) rather than a thought or evaluation
    content_chars: list[tuple[int, int]] = field(default_factory=list)  # set once quotes are extended

    @property
    def head(self):
        return self.cue[0]


# The figure verbs that estimate a figure of whatever they name ("put the cost at …"), not only a "figure".
# What a noun is to its clause when it is part of it, not set beside it.
ARGUMENTS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "attr", "dative", "oprd"})
# The tagger's entities for figures: a word it takes into one belongs to the figure.
FIGURE_ENTITIES = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
FIGURES_OF_ANYTHING = frozenset({"estimate", "put", "place"})
# The verbs whose forms verb_lemma knows unless told others.
LEMMA_VERBS = frozenset(CUE_VERBS) | FIGURE_VERBS


def question_asked(token):
    """The "asked" of "Asked whether her client would appeal …, Nair said" (or "… said when asked
    if …") whose question holds `token`, or None; not "Asked to describe the device", whose
    infinitive PolNeAR's annotators count as a cue."""
    for ancestor in token.ancestors:
        if ancestor.tag_ == "VBN" and ancestor.dep_ == "advcl" and verb_lemma(ancestor) == "ask":
            unsaid = not any(child.dep_ in ("nsubj", "nsubjpass") for child in ancestor.children)
            question = yes_no_question(ancestor)
            inside = question is not None and (question == token or question in token.ancestors)
            return ancestor if unsaid and inside else None
    return None


def yes_no_question(asked):
    """The question an "asked" puts ("Asked whether the deal was enough", "when asked if the plant
    was safe"): its clause a yes or no answers, as the clause's verb, or None."""
    if asked.tag_ != "VBN" or verb_lemma(asked) != "ask":
        return None
    return next(
        (clause for clause in asked.children if clause.dep_ in ("ccomp", "advcl") and is_yes_no_question(clause)), None
    )


def is_yes_no_question(clause):
    """ "whether her client would appeal", "if the plant was safe": a clause a yes or no answers."""
    return any(child.dep_ == "mark" and child.lower_ in ("whether", "if") for child in clause.children)


def verb_lemma(token, known=LEMMA_VERBS):
    """The base form of a verb, guessed from its spelling, for the verbs `known` (the lexicon's cues)."""
    word = token.lower_
    if word in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[word]
    if word in known:
        return word
    candidates = []
    if word.endswith("ing"):
        stem = word[:-3]
        candidates += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
    if word.endswith("ed"):
        stem = word[:-2]
        candidates += [stem, word[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
        if stem.endswith("i"):
            candidates.append(stem[:-1] + "y")
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s"):
        candidates.append(word[:-1])
    for candidate in candidates:
        if candidate in known:
            return candidate
    return word


def is_question(words):
    """Whether words are a question and nothing else: "When did you first hear about it?"."""
    sentences = [part for part in re.split(r"(?<=[.!?])[\s”\"’']+", words.strip(" \"“”‘’'")) if part.strip(" \"“”‘’'")]
    return bool(sentences) and all(sentence.rstrip(" \"”’'").endswith("?") for sentence in sentences)


def quotations(text):
    """The quotations in a text as (start, end) character spans, quote marks included.

    Curly quotes pair by direction; straight double quotes and two-apostrophe quotes ('' and ``)
    pair in turn. A quotation left open ends at the end of its paragraph, as a newspaper's do when
    the next paragraph opens a new quote. Single quotes, as British papers quote ('We followed
    every recommendation,' he said), open before a word and close after one, so an apostrophe
    within a word (don't, residents' homes) is neither.
    """
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start = single = None
        para, offset = paragraph.group(), paragraph.start()
        index = 0
        while index < len(para):
            char = para[index]
            two = para[index : index + 2]
            if char in SINGLE_QUOTES and two != "''":
                before = para[index - 1] if index else " "
                after = para[index + 1] if index + 1 < len(para) else " "
                if single is None and start is None and char != "’" and not before.isalnum() and after.isalpha():
                    single = offset + index
                elif single is not None and char != "‘" and not before.isspace() and not after.isalnum():
                    spans.append((single, offset + index + 1))
                    single = None
                index += 1
                continue
            if two in ("''", "``"):
                width = 2
            elif char in OPENING_QUOTES or char in CLOSING_QUOTES or char == '"':
                width = 1
            else:
                index += 1
                continue
            opening = char in OPENING_QUOTES or two == "``"
            closing = char in CLOSING_QUOTES
            if start is None and not closing:
                start = offset + index
            elif start is not None and not opening:
                spans.append((start, offset + index + width))
                start = None
            elif opening:
                start = offset + index
            index += width
        if start is not None:
            spans.append((start, paragraph.end()))
        if single is not None:
            spans.append((single, paragraph.end()))
    return sorted(spans)


class Finder:
    """Finds the attributions of one parsed story."""

    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token each time it is read
        # The words of the names the tagger found: "Holt:" in a transcript names Lena Holt.
        self.named_words = {token.lower_ for entity in doc.ents if entity.label_ in LABEL_ENTITIES for token in entity}
        self.quotes = quotations(self.text)
        self.quoted_chars = bytearray(len(self.text) + 1)  # 1 where a character is inside a quotation
        for start, end in self.quotes:
            self.quoted_chars[start:end] = b"\x01" * (end - start)

    def find(self):
        found = []
        for token in self.doc:
            attribution = None
            if self.in_quote(token.i):
                continue  # words inside a quotation are the speaker's, not the story's attribution
            if token.lower_ == "according" and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
                attribution = self.according_to(token)
            elif token.lower_ == "per" and token.dep_ == "prep":
                attribution = self.per(token)
            elif token.tag_ in VERB_TAGS or self.cue_read_as_a_noun(token):
                attribution = self.verb_cue(token)
            elif token.tag_ in ("NN", "NNS") and token.lower_ in CUE_NOUNS:
                attribution = self.noun_cue(token)
            if attribution and attribution.content:
                found.append(attribution)
        found += self.colon_lines()
        self.trailing_outlets(found)
        self.cut_nested_relative_cues(found)
        self.cut_relay_phrases(found)
        self.cut_continuations(found)
        for attribution in found:
            self.set_content_chars(attribution)
        found = [attribution for attribution in found if attribution.content_chars]
        self.join_split_quotes(found)
        self.attach_following_quotes(found)
        return self.without_denied_statements(self.without_nested_thoughts(self.without_duplicates(found)))

    @staticmethod
    def cue_read_as_a_noun(token):
        """ "The bank forecast that growth would slow": a cue verb spelt as its noun, which the
        tagger read as one, heading the sentence with a subject and a clause of its own."""
        if token.tag_ != "NN" or token.dep_ != "ROOT" or token.lower_ not in CUE_VERBS:
            return False
        children = {child.dep_ for child in token.children}
        return "nsubj" in children and "ccomp" in children

    def without_denied_statements(self, found):
        """ "The minister denied saying the drivers were lazy": what the denial says was never said
        is part of the denial, not a statement of the speaker's."""
        denials = {attribution.head: attribution for attribution in found if attribution.lemma in DENIAL_CUES}
        return [
            attribution
            for attribution in found
            if not (
                (denial := denials.get(self.doc[attribution.head].head.i))
                and denial is not attribution
                and attribution.head in denial.content
            )
        ]

    def without_nested_thoughts(self, found):
        """ "Trump said he thinks the polls are rigged", "she said he called it a hoax": a thought,
        an evaluation or a request within what someone said is part of their statement, not an
        attribution of its own; only a plain "X said" inside it is another attribution, and any
        statement inside what a news outlet reports ("The ministry claimed …, TASS reported"): the
        outlet relays it."""
        starts = {attribution.head: self.doc[attribution.head].idx for attribution in found}
        # "according to X" and "per X" attribute whole clauses: they swallow nothing.
        speech = [a for a in found if a.speech and a.lemma not in ("according to", "per")]

        by_outlet = {id(outer): self.reported_by_outlet(outer) for outer in speech}

        def swallows(outer, inner):
            if outer is inner or not any(start <= starts[inner.head] < end for start, end in outer.content_chars):
                return False
            return not (inner.speech and by_outlet[id(outer)] and self.states_a_clause(inner.head))

        return [
            attribution
            for attribution in found
            if attribution.lemma in NESTABLE
            or attribution.lemma in FIGURE_VERBS
            or not any(swallows(outer, attribution) for outer in speech)
        ]

    def reported_by_outlet(self, attribution):
        """Whether the attribution's source is a news outlet ("…, Reuters reported")."""
        source = attribution.source
        return bool(source) and is_news_outlet(self.doc[source[0] : source[-1] + 1].text)

    def states_a_clause(self, index):
        """Whether the cue at `index` says a clause of its own ("claimed its forces had …"), not a
        thing ("claimed a loss of $916 million" on a tax return, "the loopholes he cited")."""
        cue = self.doc[index]
        return cue.dep_ not in ("relcl", "acl") and any(child.dep_ == "ccomp" for child in cue.children)

    def trailing_outlets(self, found):
        """ "…, the state news agency TASS reported." and "…, according to the German news agency
        dpa.": an outlet named after a sentence's last comma reports the words before it, however
        the parser hung the outlet's description (it made "dpa" a verb, and "the state news agency"
        a speaker of its own)."""
        for sentence in self.doc.sents:
            words = [token for token in sentence if not token.is_space]
            while words and words[-1].is_punct:
                words.pop()
            # The comma may close a quotation: '…on the ground," the state news agency TASS reported.'
            commas = [
                token.i
                for token in words
                if token.text == "," and (not self.in_quote(token.i) or self.closes_quote(token.i))
            ]
            if not commas:
                continue
            tail = [t for t in words if t.i > commas[-1] and not self.in_quote(t.i) and t.text not in QUOTE_MARKS]
            told = len(tail) - len(self.without_time_after(tail))  # "TASS reported on Monday"
            if len(tail) > 2 and tail[0].lower_ == "according" and tail[1].lower_ == "to":
                cue, phrase, lemma = tail[:2], tail[2:], "according to"
            elif len(tail) - told > 1 and (said := tail[-1 - told]).lower_ in TRAILING_OUTLET_CUES:
                cue, phrase, lemma = [said], tail[: -1 - told], TRAILING_OUTLET_CUES[said.lower_]
            else:
                continue
            source = [token.i for token in phrase]
            if any(self.in_quote(i) for i in source) or not is_news_outlet(self.doc[source[0] : source[-1] + 1].text):
                continue
            content = {token.i for token in words if token.i < commas[-1]}
            if not content:
                continue
            tail_indices = {token.i for token in tail} | {commas[-1]}
            read = [a for a in found if a.head == cue[0].i and a.source == source]  # as the parser read it
            found[:] = [a for a in found if a.head not in tail_indices or a in read]
            for other in found:
                if other not in read:
                    other.content -= tail_indices
            for attribution in read:
                attribution.content = content  # "Peskov said X, TASS reported": TASS reports all of it
            if not read:
                found.append(Attribution([token.i for token in cue], content, source, lemma, speech=True))

    @staticmethod
    def without_time_after(tail):
        """`tail` less the words at its end that say when it was said ("on Monday", "late on
        Tuesday", "overnight"), when they do; else `tail` whole."""
        kept = list(tail)
        timed = False
        while kept and (kept[-1].ent_type_ in ("DATE", "TIME") or kept[-1].lower_ in SAYS_WHEN):
            timed = timed or kept[-1].lower_ not in WHEN_WORDS
            kept.pop()
        return kept if timed else list(tail)

    def closes_quote(self, index):
        """Whether a quotation closes right after the token at `index` ('ground,"')."""
        after = index + 1
        return after + 1 < len(self.doc) and self.doc[after].text in QUOTE_MARKS and not self.in_quote(after + 1)

    def cut_nested_relative_cues(self, found):
        """ "it was mulling sending weapons to Ukraine, a move that experts told B-17 could be a
        significant help": the apposition with its own attribution is not the outer content."""
        for inner in found:
            cue = self.doc[inner.head]
            if cue.dep_ != "relcl" or not inner.speech:
                continue
            noun = cue.head
            nested = inner.content | set(inner.cue) | set(inner.source) | self.subtree(noun)
            if noun.dep_ in ARGUMENTS and self.doc[cue.left_edge.i - 1].text == ",":
                # "had offered a 2 per cent rise, which he called an insult": the noun is part of
                # what was said, the clause set off on it is the other cue's.
                nested = self.subtree(cue) | {cue.left_edge.i - 1}
            elif noun.dep_ in ARGUMENTS:
                # "had provided no samples of the meat she said she had eaten": the noun is part of
                # what was said, the clause on it the other cue's.
                for outer in found:
                    if outer is not inner and inner.head in outer.content and min(outer.content) < min(nested):
                        outer.content -= self.subtree(cue)
                continue
            for outer in found:
                if outer is not inner and inner.head in outer.content and min(outer.content) < min(nested):
                    # What follows the apposition belongs to it, however the parser hung it.
                    outer.content = {i for i in outer.content if i < min(nested)}

    def cut_relay_phrases(self, found):
        """ "..., per the Kyiv Independent": the phrase is the relay, not part of what was said."""
        for relay in found:
            if relay.lemma not in ("per", "according to"):
                continue
            phrase = self.subtree(self.doc[relay.head]) | set(relay.cue) | set(relay.source)
            for other in found:
                if other is not relay:
                    other.content -= phrase

    def cut_continuations(self, found):
        """ "“A,” he said, adding that “B.”", "X, officials said, would Y, and they added that Z": the
        speaker goes on with a cue of their own, hung beside what they said first rather than
        inside it, so the words from that cue on are the second statement's, not also the first's.
        Another speaker's cue inside what someone said ("said that Kyiv had added …") stays nested."""
        for outer in found:
            for inner in found:
                cue = self.doc[inner.head]
                if inner is outer or not inner.speech or inner.head not in outer.content:
                    continue
                # Hung from the first cue ("said, adding"), or from the clause the first cue is set
                # off in ("X, officials said, would Y, and they added"): not from a clause within.
                beside = cue.head.i == outer.head or self.doc[outer.head].head.i == cue.head.i
                same_speaker = inner.source == outer.source or (
                    len(inner.source) == 1 and self.doc[inner.source[0]].lower_ in PERSONAL_PRONOUNS
                )
                if cue.dep_ not in ("conj", "advcl") or not beside or not inner.source or not same_speaker:
                    continue
                cut = self.subtree(cue) | inner.content | set(inner.cue)
                # The quotation the speaker adds, whatever part of it the parser hung on the first cue.
                for start, end in self.quotes:
                    if any(start <= self.doc[i].idx < end for i in inner.content):
                        cut |= {i for i in outer.content if start <= self.doc[i].idx < end}
                before = min(cut) - 1
                while before >= 0 and (self.doc[before].is_punct or self.doc[before].dep_ == "cc"):
                    cut.add(before)  # the ", and" that joined them
                    before -= 1
                outer.content -= cut

    def without_duplicates(self, found):
        """One attribution per content: where two cues claim the same words ("promising" and
        "said"), the speech cue nearest to them is kept."""

        def letters(attribution):
            return {i for start, end in attribution.content_chars for i in range(start, end) if self.text[i].isalnum()}

        def distance(attribution):
            cue = self.doc[attribution.head].idx
            return min(abs(cue - start) if cue < start else abs(cue - end) for start, end in attribution.content_chars)

        def relays(outer, inner):
            """ "Peskov said …, Reuters reported": the outlet reports the statement, cue and all."""
            return inner.head in outer.content and self.reported_by_outlet(outer)

        kept = []
        for attribution in sorted(found, key=lambda a: (not a.speech, distance(a))):
            chars = letters(attribution)
            if any(
                len(chars & other) >= 0.8 * max(len(chars), len(other))
                and not relays(attribution, kept_one)
                and not relays(kept_one, attribution)
                for kept_one, other in kept
            ):
                continue
            kept.append((attribution, chars))
        return sorted((attribution for attribution, _ in kept), key=lambda a: a.head)

    def join_split_quotes(self, found):
        """'“The deal,” said Sarah Lind, a spokeswoman for Norvik Bank, “is good news.”': a
        quotation ending in a comma just before the attribution and one just after it are both
        what was said, however the parser hung either half."""
        for attribution in found:
            if not attribution.speech or not attribution.source or attribution.lemma in ("according to", "per"):
                continue
            tokens = [*attribution.cue, *attribution.source]
            start = min(self.doc[i].idx for i in tokens)
            end = max(self.doc[i].idx + len(self.doc[i].text) for i in tokens)
            before = next((q for q in self.quotes if q[1] <= start and not self.text[q[1] : start].strip()), None)
            after = next((q for q in self.quotes if q[0] >= end and self.text[end : q[0]].strip() in (",", ":")), None)
            if not before or not after or not self.text[before[0] : before[1]].rstrip("”\"'’ ").endswith(","):
                continue
            if any(a is not attribution and (a.head in range(*self.token_range(*after))) for a in found):
                continue  # the second quotation has a cue of its own
            spans = [span for span in attribution.content_chars if span[1] <= before[0] or span[0] >= after[1]]
            attribution.content_chars = sorted([*spans, before, after])

    def token_range(self, start, end):
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return (span.start, span.end) if span is not None else (0, 0)

    def attach_following_quotes(self, found):
        """“A,” she said. “B.”: sentences that are mostly quotation and have no cue of their own
        continue the attribution before them, in the same paragraph or the next."""
        text = self.text
        taken = {start for attribution in found for start, _ in attribution.content_chars}
        cue_starts = {self.doc[attribution.head].idx for attribution in found}
        sentences = list(self.doc.sents)
        sentence_of = {}
        for number, sentence in enumerate(sentences):
            sentence_of[sentence.start] = number
        for attribution in sorted(found, key=lambda a: a.head):
            if not attribution.speech:
                continue
            number = sentence_of[self.doc[attribution.head].sent.start]
            end = max([end for _, end in attribution.content_chars] + [sentences[number].end_char])
            for sentence in sentences[number + 1 :]:
                start, stop = self.trim(sentence.start_char, sentence.end_char)
                gap = text[end:start]
                if start >= stop or stop <= end:
                    continue
                if any(char.isalnum() for char in gap) or gap.count("\n") > 2:
                    break
                letters = [i for i in range(start, stop) if text[i].isalnum()]
                quoted = sum(1 for i in letters if self.quoted_chars[i])
                if not letters or quoted * 2 < len(letters):
                    break
                if any(start <= position < stop for position in cue_starts | taken):
                    break
                if text[start - 1 : start] in ("\n", "") and STARTS_WITH_TIME_STAMP.match(text, start):
                    break  # a live blog's next entry
                attribution.content_chars.append((start, stop))
                taken.add(start)
                end = stop

    def colon_lines(self):
        """ "Kasich: ‘We Are Going To Go All The Way’" in a headline, "FALLIN:" in a transcript,
        "10:05 Minister: “…”" in a live blog, "A: …" in a question-and-answer interview: a speaker,
        a colon, and what they said, on the rest of the line or in the next paragraph.

        What comes before the colon must be a speaker (a person's or an institution's name, a
        role, a transcript's name in capitals): "Storm Orla: live updates" is a heading. A question
        is no claim, and the interviewer, whose lines are mostly questions ("Q:", "Gazette:"),
        says nothing to propose; "A:" is the interviewee, whom the engine names."""
        lines = []
        for line in re.finditer(r"[^\n]+", self.text):
            label = LINE_LABEL.match(line.group())
            if label is None:
                continue
            group = "qa" if label.group("qa") else "name"
            words = label.group(group)
            name = self.tokens_between(line.start() + label.start(group), line.start() + label.end(group))
            mark = self.tokens_between(
                line.start() + label.start("qamark" if group == "qa" else "mark"), line.start() + label.end()
            )
            if not name or not mark or len(name) > 7 or (group == "name" and not self.speaker_label(name)):
                continue
            content = self.tokens_between(line.start() + label.end(), line.end())
            colon = min(mark)
            if not any(self.doc[i].is_alpha for i in content):
                content = self.following_content(self.doc[colon])
            said = any(self.doc[i].tag_ in VERB_TAGS | {"MD"} or self.in_quote(i) for i in content)
            said = said or sum(self.doc[i].is_alpha for i in content) >= 4  # a headline in title case
            if content and (said or group == "qa"):  # "Source: NATO.", "Correction: October 2" say nothing
                last = self.doc[max(content)]
                question = is_question(self.text[self.doc[min(content)].idx : last.idx + len(last)])
                lines.append((words.upper(), sorted(name - mark) or sorted(name), colon, content, question))
        asked = Counter(words for words, *_, question in lines if question)
        interviewers = {words for words, count in asked.items() if 2 * count >= sum(w == words for w, *_ in lines)}
        return [
            Attribution([colon], content, name, ":", speech=True)
            for words, name, colon, content, question in lines
            if words not in interviewers | {"Q"} and not question
        ]

    def speaker_label(self, name):
        """Whether the words before a line's colon name someone: a name the tagger, or the story
        elsewhere, gives a person or an institution, with a title before it ("Sen. Ted Cruz"); a
        role ("Minister", "Health Secretary"); or a name in capitals ("FALLIN")."""
        letters = [token for token in (self.doc[i] for i in sorted(name)) if token.is_alpha]
        if not letters:
            return False
        if all(token.is_upper for token in letters) and sum(len(token) for token in letters) > 1:
            return True
        if letters[-1].lower_ in LABEL_ROLES and all(token.tag_ in ("NNP", "NNPS", "NN", "JJ") for token in letters):
            return True  # "Minister", "Transport Minister", "Police"
        return all(
            token.text in TITLE_WORDS
            or (
                token.tag_ in ("NNP", "NNPS")
                and (token.ent_type_ in LABEL_ENTITIES or token.lower_ in self.named_words)
            )
            for token in letters
        )

    # -- cues ------------------------------------------------------------------------------

    def verb_cue(self, verb):
        lemma = verb_lemma(verb)
        if lemma in FIGURE_VERBS and (figure := self.figure(verb)):
            content, source = figure
            return Attribution([verb.i], content, source, lemma, speech=True)
        if lemma == "plead":
            plea = self.plea(verb)
            return Attribution([verb.i], plea, self.source_of(verb), lemma, speech=True) if plea else None
        frames = CUE_VERBS.get(lemma)
        if not frames or verb.dep_ == "amod" or self.is_hedge(verb):
            return None
        participle = verb.tag_ == "VBN" and verb.dep_ == "advcl" and verb.i < verb.head.i
        if participle and all(left.lower_ == "when" for left in verb.lefts):
            return None  # "(When) asked whether …, she said": she was asked; what she said is her statement
        if lemma == "add" and self.adds_to_a_thing(verb):
            return None  # "the study added to a growing body of evidence": it increased it
        if question_asked(verb) is not None:
            return None  # "Asked whether her client would appeal …": a question, which nobody claims
        content = set()
        if "C" in frames:
            content = self.clause_content(verb)
        elif "Q" in frames and not any(child.dep_ in ("xcomp", "ccomp", "dobj") for child in verb.children):
            content = self.quoted_children(verb)
        if not content and "D" in frames:
            content = self.object_content(verb)
        if not content and "X" in frames:
            content = self.infinitive_content(verb)
        if not content and "P" in frames:
            content = self.preposition_content(verb, CUE_PREPOSITIONS.get(lemma, ()))
        source = self.source_of(verb)
        if content and source and self.doc[max(content)].dep_ == "prep" and min(source) == max(content) + 1:
            # "… for Saturday's derby, manager Joan Ferrer said": the words before the comma end what was said.
            comma = next((i for i in source if self.doc[i].text == ","), None)
            if comma is not None:
                content |= {i for i in source if i < comma}
                source = [i for i in source if i > comma]
        if lemma in SPEECH_VERBS and (not content or not source or self.in_quote(source[0])):
            if quoted := self.quote_before(verb):
                content, source = quoted
            elif not source and (named := self.name_after(verb)):
                content, source = named
            elif not content:
                content = self.following_content(verb) or self.adjacent_quote(verb, source)
        if not content or self.about_anonymity(verb, content) or self.rejects_a_thing(verb, lemma):
            return None
        if not source and verb.tag_ != "VBN" and not any(child.dep_ == "nsubjpass" for child in verb.children):
            return None  # an attribution without a source is passive: "it was reported that"
        cue = [verb.i]
        cue += [child.i for child in verb.children if child.dep_ == "prt" and child.lower_ == "out"]
        return Attribution(sorted(cue), content - set(cue), source, lemma, speech=lemma in SPEECH_VERBS)

    def rejects_a_thing(self, verb, lemma):
        """ "Voters rejected a plan", "the board dismissed a bid": a dismissal of a thing nobody said,
        with nothing said of it ("dismissed the bid as too low" is), is an act; its draft was the
        thing alone ("A plan.")."""
        if lemma not in DISMISSAL_CUES or any(child.dep_ in ("ccomp", "xcomp") for child in verb.children):
            return False
        objects = [child for child in verb.children if child.dep_ == "dobj"]
        said_of_it = any(
            as_predicate(child) or (child.dep_ == "prep" and child.lower_ == "as") for child in verb.children
        )
        return bool(objects) and not said_of_it and singular(objects[0].lower_) not in SAID_THINGS

    def noun_cue(self, noun):
        """ "Trump's call to ban Muslims", "the claim by officials that ...": a cue noun with a
        that-clause, an infinitive or its preposition, and an owner or a "by" phrase as source."""
        content = set()
        for child in noun.children:
            if child.i < noun.i:
                continue
            marks = {(t.dep_, t.lower_) for t in child.children}
            that_clause = child.dep_ in ("acl", "ccomp") and ("mark", "that") in marks
            infinitive = child.dep_ in ("acl", "relcl", "xcomp") and ("aux", "to") in marks
            if that_clause or infinitive:
                content = self.subtree(child)
            elif child.dep_ == "prep" and child.lower_ in CUE_NOUNS[noun.lower_]:
                objects = [grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "pcomp")]
                if objects:
                    content = self.subtree(objects[0])
            if content:
                break
        if not content:
            return None
        content = self.without_complementiser(content)
        source = []
        for child in noun.children:
            if child.dep_ == "poss":
                source = sorted(self.subtree(child) - {i for i in self.subtree(child) if self.doc[i].tag_ == "POS"})
            elif child.dep_ == "prep" and child.lower_ in ("by", "from") and child.i < min(content):
                objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
                if objects:
                    source = sorted(self.source_tokens(objects[0]))
        if not source:
            return None
        return Attribution([noun.i], content, source, noun.lower_, speech=False)

    def according_to(self, according):
        to = self.doc[according.i + 1]
        objects = [child for child in to.children if child.dep_ == "pobj"]
        if not objects:
            return None
        source = self.subtree(objects[0])
        if according.i == according.sent.start:
            # "According to the German news agency dpa, …": the source runs to the comma, however
            # the parser hung its last word ("dpa" read as a verb).
            comma = next((t.i for t in self.doc[to.i + 1 : according.sent.end] if t.text == ","), None)
            if comma is not None and comma - to.i <= 8 and max(source) < comma:
                source = set(range(to.i + 1, comma))
        named = self.name_beside_source(max(source))
        content = self.around_phrase(according) - named
        if subject := self.subject_set_beside_source(according, source):
            source -= subject | {min(subject) - 1}
            content |= subject
        if not content:
            return None
        source |= named
        return Attribution([according.i, to.i], content, sorted(source), "according to", speech=True)

    def subject_set_beside_source(self, according, source):
        """ "According to a charge sheet filed at Leeds Magistrates' Court, the man, Daniel Pryce, is
        accused of …": opening the sentence, a clause with no subject of its own has it in the
        source, set beside a word there after a comma; the tokens of that subject, or an empty set."""
        clause = according.head
        if according.i != according.sent.start or any(child.dep_ in SUBJECTS for child in clause.children):
            return set()
        for i in sorted(source):
            token = self.doc[i]
            if token.dep_ == "appos" and self.doc[token.left_edge.i - 1].text == "," and token.right_edge.i < clause.i:
                return set(range(token.left_edge.i, token.right_edge.i + 1))
        return set()

    def name_beside_source(self, last):
        """ "…, according to the city comptroller, Samuel Okafor.": the name set beside the source at
        the end of the sentence, with its comma, which the parser hangs on the clause; empty when
        none follows."""
        comma = last + 1
        if comma >= len(self.doc) or self.doc[comma].text != ",":
            return set()
        end = comma + 1
        while end < len(self.doc) and self.doc[end].tag_ in ("NNP", "NNPS") and self.doc[end].is_title:
            end += 1
        ends_sentence = end == len(self.doc) or self.doc[end].text in (".", "!", "?")
        if end == comma + 1 or end - comma > 4 or not ends_sentence:
            return set()
        return set(range(comma, end))

    def around_phrase(self, phrase):
        """What "according to X" or "per X" attributes: the sentence before the phrase when it ends
        the sentence, after it when it opens the sentence, else the clause it hangs from."""
        sentence = phrase.sent
        words = [token for token in sentence if not token.is_punct and not token.is_space]
        inside = self.subtree(phrase)
        before = [token.i for token in words if token.i < phrase.left_edge.i]
        after = [token.i for token in words if token.i > phrase.right_edge.i]
        if before and not after:
            return set(range(before[0], before[-1] + 1))
        if after and not before:
            return set(range(after[0], after[-1] + 1))
        clause = self.clause_head(phrase)
        if clause is None:
            return set()
        return self.subtree(clause) - inside - {phrase.i}

    def per(self, per):
        objects = [child for child in per.children if child.dep_ == "pobj"]
        if not objects or (objects[0].tag_ not in ("NNP", "NNPS") and objects[0].ent_type_ not in ("ORG", "PERSON")):
            return None  # "per year", "per cent"
        content = self.around_phrase(per)
        if not content:
            return None
        return Attribution([per.i], content, sorted(self.subtree(objects[0])), "per", speech=True)

    def plea(self, verb):
        """ "pleaded not guilty to six counts of fraud": the plea and the charges it answers; no
        content for "pleaded for mercy" or "pleaded with the jury"."""
        for child in verb.children:
            if child.dep_ in ("acomp", "oprd", "dobj") and child.lower_ in PLEAS:
                # "pleaded guilty on Monday to fraud", "not guilty at Leeds Crown Court to …": the
                # charges the parser hung on the verb, and none of where or when it was pleaded.
                plea = self.subtree(child) - {
                    token.i
                    for prep in child.children
                    if prep.dep_ == "prep" and prep.lower_ not in ("to", "of")
                    for token in prep.subtree
                }
                for charges in verb.children:
                    if charges.dep_ == "prep" and charges.lower_ == "to" and charges.i > child.i:
                        plea |= self.subtree(charges)
                return plea
        return set()

    def figure(self, verb):
        """ "upped that number to 11,000", "estimated the cost of the delays at $25 million": the figure
        the speaker gives, as content. Of anything the story names only when estimated (put, placed):
        "cut interest rates to 4%" is something done, not said."""
        named = verb_lemma(verb) in FIGURES_OF_ANYTHING
        objects = [
            child
            for child in verb.children
            if child.dep_ == "dobj" and (child.lower_ in FIGURE_NOUNS or (named and child.tag_ in ("NN", "NNS")))
        ]
        if not objects:
            return None
        numbers = [
            child
            for child in verb.children
            if child.dep_ == "prep"
            and child.lower_ in ("to", "at")
            and any(grandchild.like_num for grandchild in child.subtree)
        ]
        if not numbers:
            return None
        content = self.subtree(objects[0]) | self.subtree(numbers[0])
        return content, self.source_of(verb)

    # -- content ---------------------------------------------------------------------------

    @staticmethod
    def clause_read_as_complement(child):
        """ "said about half of its services would run": the parser read "about" as talking about
        something and the clause as a complement; one with a subject of its own and a finite or
        modal verb (no "to") is what was said."""
        marks = [grandchild for grandchild in child.children if grandchild.dep_ == "mark"]
        # Or as a clause of when or why, "about" its conjunction ("A spokeswoman for the company said about …").
        figure_mark = child.dep_ == "advcl" and any(mark.ent_type_ in FIGURE_ENTITIES for mark in marks)
        return (
            (child.dep_ == "xcomp" or figure_mark)
            and any(grandchild.dep_ in ("nsubj", "nsubjpass") for grandchild in child.children)
            and not any(grandchild.dep_ == "aux" and grandchild.lower_ == "to" for grandchild in child.children)
        )

    def figure_word_hung_on_cue(self, verb, clause):
        """ "said around a third of the homes …": a word of the figure opening the clause ("around",
        "about", "nearly"), which the parser hung on the cue, opens the clause."""
        start = clause.left_edge.i
        if start < 1 or start - 1 <= verb.i:
            return set()
        word = self.doc[start - 1]
        in_figure = word.ent_type_ in FIGURE_ENTITIES and clause.left_edge.ent_type_ == word.ent_type_
        if word.head == verb and word.dep_ in ("prep", "advmod") and not list(word.children) and in_figure:
            return {word.i}
        return set()

    def clause_content(self, verb):
        """A cue's clause: its clausal complements, or the clause it interrupts or follows."""
        if set_off := self.set_off(verb):
            return set_off[1]
        clauses = [
            child
            for child in verb.children
            if (child.dep_ in ("ccomp", "csubj") or self.clause_read_as_complement(child))
            and child.i != verb.i
            and not self.ends_before_semicolon(child, verb)
        ]
        content = set()
        for clause in clauses:
            content |= self.subtree(clause) - self.date_of_saying(verb, clause)
            content |= self.subject_hung_on_cue(verb, clause)
            content |= self.figure_word_hung_on_cue(verb, clause)
        if not content and verb.dep_ in ("parataxis", "ccomp", "advcl"):
            content = self.interrupted_clause(verb)
        if not content and verb.dep_ == "conj" and verb.head.i < verb.i and self.inverted(verb):
            content = self.interrupted_clause(verb)  # "..., but it is under pressure, said the chief executive"
        if not content and self.follows_unjoined(verb):
            content = self.interrupted_clause(verb)  # "The striker will sign, a source told the Daily Planet."
        if not content:
            content = self.misattached_that_clause(verb)
        if not content:
            content = self.headline_infinitive(verb)
        if not content and (participle := self.headline_participle(verb)) is not None:
            content = self.subtree(participle.head)  # "Bus lanes approved, council says"
        if not content and verb.dep_ == "relcl":
            content = self.raised_clause(verb)
        if not content or self.in_quote(min(content)):
            content |= self.quoted_children(verb)  # '“A,” Robinson said, “B?”': both halves
        content -= self.coordinated_cues(content) | self.trailing_venue(content, verb)
        # "said the bill was dead and warned …", the "and" hung on the first clause: not said.
        while content and self.doc[max(content)].dep_ == "cc":
            content.discard(max(content))
        return self.without_complementiser(content)

    def subject_hung_on_cue(self, verb, clause):
        """ "It said more would follow": the one word between the cue and a clause with no subject,
        which the parser hangs on the cue ("said more"), is the clause's subject."""
        first = clause.left_edge.i - 1
        if first <= verb.i or any(child.dep_ in SUBJECTS for child in clause.children):
            return set()
        word = self.doc[first]
        alone = word.head.i == verb.i and word.left_edge.i == word.right_edge.i == first == verb.i + 1
        return {first} if alone and word.dep_ in ("advmod", "dobj", "npadvmod") else set()

    def ends_before_semicolon(self, clause, verb):
        """ "Ana Ruiz told B-17 the plan was flawed; she said it would cost jobs": a clause closed by a
        semicolon before the cue is a sentence of its own (with its own cue, if any), not what the
        cue after it says, though the parser hangs it there."""
        return clause.i < verb.i and any(token.text == ";" for token in self.doc[clause.right_edge.i + 1 : verb.i])

    def date_of_saying(self, verb, clause):
        """ "said last month it was monitoring prices", "said on Monday the port would reopen": a
        date right after the cue, before the clause's subject, says when it was said, though the
        parser hangs it on the clause; not "said that last year sales fell"."""
        first = self.doc[verb.i + 1] if verb.i + 1 < len(self.doc) else None
        if first is None or first.i not in self.subtree(clause) or self.in_quote(first.i):
            return set()
        for child in clause.children:
            if child.i > verb.i and child.left_edge.i == first.i and child.dep_ in ("npadvmod", "prep", "advmod"):
                words = [token for token in child.subtree if not token.is_punct]
                dated = [token for token in words if token.ent_type_ in ("DATE", "TIME")]
                subject = [c for c in clause.children if c.dep_ in SUBJECTS and c.i > child.right_edge.i]
                if dated and subject and all(t.ent_type_ in ("DATE", "TIME") or t.dep_ == "prep" for t in words):
                    return self.subtree(child)
        return set()

    def trailing_venue(self, content, verb):
        """ "said the border was closed, in a statement on its website": the phrase set off at the
        end says where it was said (the venue), not what; the parser hangs it inside the clause.
        Without the comma ("said the meeting was useful in comments to reporters") only when it
        hangs from the verb of the clause the cue says, and that verb is no making of statements
        ("said he had made the remarks in a speech")."""
        words = [i for i in sorted(content) if not self.doc[i].is_punct]
        for i in words:
            phrase = self.doc[i]
            if phrase.dep_ != "prep" or phrase.lower_ not in ("in", "at", "during", "via") or not i:
                continue
            objects = [child for child in phrase.children if child.dep_ == "pobj"]
            clause = phrase.head.head if phrase.head.dep_ in ("acomp", "attr", "oprd") else phrase.head
            set_off = self.doc[i - 1].text == "," or (
                clause.head.i == verb.i and clause.dep_ == "ccomp" and verb_lemma(clause) not in STATEMENT_MAKING_VERBS
            )
            if (
                set_off
                and objects
                and objects[0].lower_ in STATEMENT_NOUNS
                and phrase.head.i in content
                and phrase.right_edge.i >= words[-1]
                and not self.in_quote(i)
            ):
                return self.subtree(phrase) | ({i - 1} if self.doc[i - 1].is_punct else set())
        return set()

    def without_complementiser(self, content):
        """A leading "that" is the complementiser, not what was said; a "that", "if" or "because"
        further in is ("… prices would fall because costs had dropped"), and so is one the tagger
        finds inside a figure ("said about half of its services would run")."""
        words = sorted(i for i in content if not self.doc[i].is_punct and not self.doc[i].is_space)
        first = self.doc[words[0]] if words else None
        if first is None or first.dep_ != "mark" or first.ent_type_ in FIGURE_ENTITIES:
            return content
        if first.head.i in content:
            return content - {words[0]}
        return content

    def coordinated_cues(self, content):
        """ "He said X and predicted Y", parsed with "predicted" inside X: the second cue and what
        it says are not part of X (they become an attribution of their own)."""
        cut = set()
        for i in content:
            token = self.doc[i]
            if self.is_coordinated_cue(token):
                cut |= self.subtree(token)
                cut |= {child.i for child in token.head.children if child.dep_ == "cc" and child.i < token.i}
                previous = token.left_edge.i - 1
                if previous in content and self.doc[previous].dep_ == "cc":  # "… and warned that"
                    cut.add(previous)
                    previous -= 1
                if previous in content and self.doc[previous].is_punct:
                    cut.add(previous)
        return cut

    def is_coordinated_cue(self, token):
        lemma = verb_lemma(token)
        if token.tag_ not in VERB_TAGS or any(child.dep_ in SUBJECTS for child in token.children):
            return False
        # said, predicted, urged, accused, called for: reporting verbs, not "called a donor"
        asked_for = any(
            child.dep_ == "prep" and child.lower_ in CUE_PREPOSITIONS.get(lemma, ()) for child in token.children
        )
        if not (set(SPEECH_VERBS.get(lemma, "")) & {"C", "X"} or lemma in ACCUSING_VERBS or asked_for):
            return False
        if token.dep_ in ("conj", "advcl"):
            # "said X and accused Y", in the cue's tense: not "… rather than criticize him" inside X.
            cue = token.head.head
            return (
                token.head.dep_ == "ccomp"
                and verb_lemma(cue) in SPEECH_VERBS
                and (lemma not in ACCUSING_VERBS or token.tag_ == cue.tag_)
            )
        # "said the bill was dead and warned that …", parsed as a second clause of "said"; "said X
        # but said 'Y'" stays one statement, as PolNeAR's annotators count it.
        return (
            token.dep_ == "ccomp"
            and lemma != verb_lemma(token.head)
            and token.i > 0
            and self.doc[token.left_edge.i - 1].dep_ == "cc"
            and verb_lemma(token.head) in SPEECH_VERBS
            and token.head.i < token.i
        )

    def set_off(self, verb):
        """ "The port of Mara, city officials said Tuesday, will reopen to ships": a cue set off by
        commas inside the clause it attributes, parsed with the clause's first words hung beside
        the source (from the cue, or from the clause's verb). (The source, what was said): the
        words before the source's comma and the predicate after the cue's, which has no subject
        of its own; None when the cue is not set off so."""
        if verb.dep_ == "parataxis" and verb.head.i > verb.i:
            predicate = verb.head  # "The ceasefire, Maria Lopez, the minister, said, will hold"
            said = {i for i in self.subtree(predicate) if i > verb.right_edge.i}
        else:
            after = [child for child in verb.children if child.dep_ in ("ccomp", "conj") and child.i > verb.i]
            predicate = after[0] if after else None
            said = self.subtree(predicate) if after else set()
        if predicate is None or not said or any(child.dep_ in SUBJECTS for child in predicate.children):
            return None
        owner = verb if any(child.dep_ in SUBJECTS for child in verb.children) else predicate
        subjects = [child for child in owner.children if child.dep_ == "nsubj" and child.i < min(said)]
        inverted = [subject for subject in subjects if subject.i > verb.i]  # "The port, said officials, will …"
        if inverted:
            source, first = inverted[0], verb.i
        elif subjects:
            source, first = subjects[-1], subjects[-1].left_edge.i
        else:
            return None
        leading = [child for child in owner.children if child.i < first and child.dep_ != "punct"]
        if not leading or self.doc[first - 1].text != "," or self.doc[min(said) - 1].text != ",":
            return None
        return source, set(range(leading[0].left_edge.i, first)) | said

    def interrupted_clause(self, verb):
        """ "Acts of protest, Mr. Obama said, are acts of patriotism", "..., he said.": the clause
        the cue interrupts or follows. One that opens a quotation after the cue is the quotation."""
        head = verb.head
        if head.tag_ not in VERB_TAGS and head.dep_ != "ROOT":
            return set()
        if verb.dep_ == "ccomp" and head.i > verb.i and verb_lemma(head) in CUE_VERBS:
            return set()  # "X said …, Reuters reported": the cue is what the later cue reports
        # A set-off cue's object is whom it was told: "The port, officials told Reuters, will reopen".
        set_off = verb.dep_ == "parataxis" or self.follows_unjoined(verb)
        objects = ("xcomp", "ccomp") if set_off else ("dobj", "xcomp", "ccomp", "dative")
        if any(child.dep_ in objects for child in verb.children):
            return set()  # "after the department asked Mills to search ...": a clause of its own
        if any(child.dep_ == "mark" and child.lower_ != "as" for child in verb.children):
            return set()  # but "as The Times reported, ..." attributes the clause
        marks = [child for child in verb.children if child.dep_ == "mark"]
        if marks and verb.i > head.i and self.doc[verb.left_edge.i - 1].text != ",":
            return set()  # "Greve wins the race as rival concedes": when, not who said it
        content = self.subtree(head) - self.subtree(verb)
        after = [i for i in content if i > verb.right_edge.i]
        if after and self.doc[min(after)].text in ("“", '"', "``", "''") and head.i > verb.i:
            # '“The port,” officials said, “will reopen.”': a quotation before the cue is its first half.
            before = [i for i in content if i < verb.left_edge.i]
            quoted = before and all(self.in_quote(i) or self.doc[i].is_punct for i in before)
            return set(after) | set(before if quoted else ())
        return content

    def follows_unjoined(self, verb):
        """ "The striker will sign on Friday, a source close to the club told the Daily Planet.": a
        cue with its subject ending the sentence after a comma, which the parser coordinated with
        the clause before as if "and" stood between them."""
        head = verb.head
        if verb.dep_ != "conj" or head.i >= verb.i or self.in_quote(verb.i):
            return False
        subjects = [child for child in verb.children if child.dep_ in SUBJECTS and child.i < verb.i]
        if not subjects or self.doc[subjects[0].left_edge.i - 1].text != ",":
            return False
        joined = [child for child in head.children if child.dep_ in ("cc", "preconj") and head.i < child.i < verb.i]
        rest = self.doc[verb.right_edge.i + 1 : verb.sent.end]
        return not joined and all(token.is_punct or token.is_space for token in rest)

    def headline_infinitive(self, verb):
        """ "Ferry fares to rise, council says": a headline's infinitive before the comma, which the
        parser hangs on the cue as no clause; empty for anything else."""
        if verb.dep_ != "ROOT" or verb.lower_ not in ("says", "say"):
            return set()
        for child in verb.children:
            words = self.subtree(child)
            infinitive = any(self.doc[i].tag_ == "TO" and self.doc[i].head.tag_ == "VB" for i in words)
            comma = child.right_edge.i + 1 < verb.i and self.doc[child.right_edge.i + 1].text == ","
            hung = child.dep_ in ("dep", "npadvmod", "nsubj", "ccomp", "advcl")  # "advcl": "Port to close for …"
            if hung and child.i < verb.i and infinitive and comma:
                return words
        return set()

    def headline_participle(self, verb):
        """ "Bus lanes approved, council says": a headline's noun and the past participle describing
        it before the comma, which the parser hangs on the cue as its subject; the participle, or None."""
        if verb.dep_ != "ROOT" or verb.lower_ not in ("says", "say"):
            return None
        for child in verb.children:
            comma = child.right_edge.i + 1 < verb.i and self.doc[child.right_edge.i + 1].text == ","
            if child.dep_ not in ("dep", "nsubj", "npadvmod") or child.i > verb.i or not comma:
                continue
            participles = [word for word in child.rights if word.dep_ == "acl" and word.tag_ == "VBN"]
            if participles and child.left_edge.i == verb.sent.start:
                return participles[0]
        # "Police say two men arrested after stabbing": the noun after the cue, parsed as its object
        # (or anything else: "punct" after a line below).
        words = [token for token in verb.sent if not token.is_space]
        if words[-1].text in (".", "!", "?"):
            return None  # a headline's: a sentence may say "say what happened"
        for child in verb.children:
            participles = [word for word in child.rights if word.dep_ == "acl" and word.tag_ == "VBN"]
            noun = child.tag_ in ("NN", "NNS", "NNP", "NNPS", "CD")
            if noun and child.i > verb.i and participles and child.right_edge.i >= words[-1].i:
                return participles[0]
        return None

    def inverted(self, verb):
        """ "said the company's chief executive": the subject after the cue, nothing else after."""
        subjects = [child for child in verb.children if child.dep_ in SUBJECTS]
        others = [child for child in verb.children if child.dep_ in ("dobj", "ccomp", "xcomp", "dative")]
        return bool(subjects) and all(subject.i > verb.i for subject in subjects) and not others

    def misattached_that_clause(self, verb):
        """ "said for the first time that ...", parsed with the clause hung from "time", "said in a
        letter that the plant would close", parsed as the letter's relative clause with "that" its
        object, and "told the BBC's Newsnight programme that …", as the programme's."""
        for child in verb.children:
            # "said on X, formerly Twitter, that …": the clause hung from the aside, not a preposition.
            aside = child.dep_ == "npadvmod" and child.tag_ in ("NNP", "NNPS")
            addressed = child.dep_ in ("dobj", "dative") and verb_lemma(verb) in ADDRESSING_VERBS
            if (child.dep_ != "prep" and not aside and not addressed) or child.i < verb.i:
                continue
            for token in child.subtree:
                if token.dep_ not in ("relcl", "acl") and not (addressed and token.dep_ == "ccomp"):
                    continue
                if self.makes_the_venue(token):
                    # "in a letter that he wrote to staff that the plant would close": the clause after.
                    said = [c for c in token.children if c.dep_ == "ccomp" and c.left_edge.lower_ == "that"]
                    if said:
                        return self.subtree(said[0])
                    continue
                if any(grandchild.dep_ == "mark" and grandchild.lower_ == "that" for grandchild in token.children):
                    return self.subtree(token)
                if (token.dep_ == "relcl" or addressed) and self.complement_taken_for_relative(token):
                    return self.subtree(token)  # "told the BBC's Today programme that patients were dying"
        return set()

    def complement_taken_for_relative(self, clause):
        """ "a letter that the plant would close": a clause opening with "that" and a subject of its
        own, where "that" is not the subject, as in "a statement that was posted online"."""
        that = self.doc[clause.left_edge.i]
        if that.lower_ != "that" or that.dep_ in SUBJECTS or that.head.i != clause.i:
            return False
        return any(child.dep_ in SUBJECTS and child.i != that.i for child in clause.children)

    def makes_the_venue(self, clause):
        """ "in a letter that he sent to staff", "in an interview that the BBC aired": the clause
        says what was done with the venue, its verb one that makes or handles one, with "that" its
        object or no object of its own."""
        if verb_lemma(clause, VENUE_MAKING_VERBS) not in VENUE_MAKING_VERBS:
            return False
        objects = [child for child in clause.children if child.dep_ in ("dobj", "xcomp", "attr")]
        return all(child.lower_ == "that" for child in objects)

    def raised_clause(self, verb):
        """ "a move that experts told B-17 could be a significant help": the noun the relative
        clause hangs from, and the clause that follows the cue."""
        after = verb.right_edge.i + 1
        if after >= len(self.doc) or self.doc[after].tag_ not in VERB_TAGS | {"MD"}:
            return set()
        if not any(child.dep_ == "nsubj" for child in verb.children):
            return set()
        clause = (
            self.doc[after].head if self.doc[after].tag_ == "MD" or self.doc[after].dep_ == "aux" else self.doc[after]
        )
        end = clause.i
        for token in self.doc[clause.i :]:
            if token.text in ("—", "–", ";", ":") or token.dep_ == "cc" or token.sent != verb.sent:
                break
            end = token.i
        noun = verb.head
        return set(range(noun.left_edge.i, noun.i + 1)) | set(range(after, end + 1))

    def quoted_children(self, verb):
        """'"Standing in the rain," Johnson said': whatever hangs from the cue inside quotation marks."""
        content = set()
        for child in verb.children:
            if child.dep_ in SUBJECTS or child.dep_ == "punct":
                continue
            tokens = self.subtree(child)
            inside = sum(1 for i in tokens if self.in_quote(i))
            if inside * 2 > len(tokens):
                content |= tokens
        return content

    def quote_before(self, verb):
        """'“Yes,” Brent Bozell III, founder of the Media Research Center, tells Breitbart', however
        parsed: a quotation, then a noun phrase and the cue. Returns (content, source) or None."""
        sentence = verb.sent
        for quote_start, quote_end in reversed(self.quotes):
            if quote_end > verb.idx:
                continue
            if quote_end < sentence.start_char:
                return None
            between = [token for token in sentence if quote_end <= token.idx < verb.idx]
            words = [token for token in between if not token.is_punct and not token.is_space]
            if not words or len(words) > 25 or any(token.tag_ in VERB_TAGS | {"MD"} for token in words):
                return None
            if words[0].tag_ not in ("NNP", "NNPS", "NN", "NNS", "DT", "PRP", "JJ", "CD"):
                return None
            return self.tokens_between(quote_start, quote_end), [token.i for token in words]
        return None

    def name_after(self, verb):
        """'"…," said engineer Tomas Reid.', with the role parsed as a verb and the name as its
        object: a quotation just before the cue, and after it, to the end of the sentence, words
        that end in a name. Returns (content, source) or None."""
        quote = next((q for q in reversed(self.quotes) if q[1] <= verb.idx), None)
        if quote is None or any(char.isalnum() for char in self.text[quote[1] : verb.idx]):
            return None
        words = []
        for token in self.doc[verb.i + 1 : verb.sent.end]:
            if token.is_punct or token.is_space:
                break
            words.append(token)
        after = self.doc[words[-1].i + 1] if words and words[-1].i + 1 < verb.sent.end else None
        if not words or len(words) > 6 or (after is not None and after.text not in (".", "\n")):
            return None
        if words[-1].tag_ not in ("NNP", "NNPS") or any(
            token.tag_ in ("VBD", "VBZ", "VBG", "MD")
            or token.ent_type_ in ("DATE", "TIME")  # '"…," said Tuesday': when, not who
            or (token.tag_ in ("IN", "TO") and (token.lower_ != "of" or token is words[0]))
            for token in words
        ):
            return None
        return self.tokens_between(*quote), [token.i for token in words]

    def adjacent_quote(self, verb, source):
        """ "Cruz said." after a quotation, or 'he said, “...”': the quotation next to the cue."""
        text = self.text
        first = min([verb.i, *source])
        before = self.doc[first].idx
        after = verb.idx + len(verb.text)
        for quote_start, quote_end in self.quotes:
            gap = text[quote_end:before] if quote_end <= before else text[after:quote_start]
            beside = quote_end <= before or quote_start >= after
            if beside and not any(char.isalnum() for char in gap) and gap.count("\n") <= 2:
                return self.tokens_between(quote_start, quote_end)
        return set()

    def tokens_between(self, start, end):
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return {token.i for token in span if not token.is_space} if span is not None else set()

    def object_content(self, verb):
        """ "accused him of lying": from the object to the end of the verb's phrase."""
        objects = [child for child in verb.children if child.dep_ in ("dobj", "ccomp", "xcomp") and child.i > verb.i]
        relative = verb.dep_ == "relcl" or (  # "a plan that the mayor called …", parsed as a "that" clause
            verb.dep_ == "acl"
            and any(child.dep_ == "nsubj" for child in verb.children)
            and any(child.lower_ in ("that", "which") and child.i < verb.i for child in verb.children)
        )
        if not objects and relative:
            # "a deal that opponents called a betrayal": the object is the relative pronoun, and what
            # it is called the parser's predicate after the verb.
            objects = [child for child in verb.children if child.dep_ == "oprd" and child.i > verb.i]
        if not objects:
            return set()
        if objects[0].dep_ == "dobj" and objects[0].lower_ in ("it", "this", "that", "so", "what", "which"):
            return set()
        start = objects[0].left_edge.i
        if objects[0].dep_ == "xcomp" and (addressee := self.addressee(verb, objects[0])):
            start = addressee.left_edge.i  # "called on the government to raise pay": whom it asks, and what
        end = verb.i
        for child in verb.children:
            if child.i > verb.i and (
                child.dep_ not in ("punct", "cc", "conj", "advcl", "npadvmod") or as_predicate(child)
            ):
                if child.dep_ == "prep" and child.lower_ in ("according", "per", "in", "on", "at", "during"):
                    continue
                end = max(end, child.right_edge.i)
        return {i for i in range(start, end + 1) if not self.doc[i].is_punct or self.in_quote(i)}

    def venue_after_object(self, content):
        """ "claimed responsibility for the strike in a televised statement", "denied the report in
        an interview": a phrase ending the object that says where it was said (the venue), which
        the parser hangs from the object; "the remarks in the interview" name which remarks. The
        content keeps it, as annotators do; the engine leaves it out of the draft."""
        words = sorted(i for i in content if not self.doc[i].is_punct)
        for i in words:
            phrase = self.doc[i]
            if phrase.dep_ != "prep" or phrase.lower_ not in ("in", "at", "during", "via") or self.in_quote(i):
                continue
            objects = [child for child in phrase.children if child.dep_ == "pobj"]
            indefinite = objects and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in objects[0].children)
            if indefinite and objects[0].lower_ in STATEMENT_NOUNS and phrase.right_edge.i >= words[-1]:
                return self.subtree(phrase)
        return set()

    def addressee(self, verb, clause):
        """ "called on the government to …", "appealed to residents to …": the object of the
        phrase between the cue and its infinitive, the one asked to act; None when there is none."""
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ("on", "upon", "to") and verb.i < child.i < clause.i:
                objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
                if objects:
                    return objects[0]
        return None

    def infinitive_content(self, verb):
        clauses = [child for child in verb.children if child.dep_ == "xcomp" and child.i > verb.i]
        objects = [child for child in verb.children if child.dep_ == "dobj" and child.i > verb.i]
        if objects and clauses and verb_lemma(verb) in NO_OBJECT_INFINITIVE and objects[0].i < clauses[0].i:
            return set()  # "refused two requests from Portmere for funding to repair the network": no statement
        content = set()
        for clause in clauses:
            content |= self.subtree(clause)
        if content and objects:
            content |= self.subtree(objects[0])
        if content:  # "pledged to resign if she lost": the condition, hung from the cue, is part of the pledge
            for child in verb.children:
                marks = {grandchild.lower_ for grandchild in child.children if grandchild.dep_ == "mark"}
                if child.dep_ == "advcl" and child.i > max(content) and marks & CONDITIONS:
                    content |= self.subtree(child)
        return content

    def preposition_content(self, verb, prepositions):
        for child in verb.children:
            if child.dep_ == "advcl" and "for" in prepositions and child.i > verb.i:
                marks = {grandchild.i for grandchild in child.children if grandchild.dep_ == "mark"}
                if {self.doc[i].lower_ for i in marks} == {"for"}:  # "called for the minister to resign"
                    return self.subtree(child) - marks
            if child.dep_ in ("prep", "prt") and child.lower_ in prepositions and child.i > verb.i:
                objects = [grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "pcomp")]
                if objects:
                    return self.subtree(objects[0])
                if child.dep_ == "prt":  # "pointed out that ..."
                    return self.clause_content(verb)
        return set()

    def following_content(self, verb):
        """ "Limbaugh added:" ending its sentence: the quote or paragraph that follows."""
        sentence = verb.sent
        tail = [token for token in sentence if token.i > verb.i and not token.is_space]
        if verb.text == ":" and not tail:
            tail = [verb]
        if not tail or tail[-1].text != ":" or any(not t.is_punct for t in tail[:-1] if t.dep_ not in ("npadvmod",)):
            return set()
        start = tail[-1].i + 1
        while start < len(self.doc) and self.doc[start].is_space:
            start += 1
        if start >= len(self.doc):
            return set()
        end_char = self.text.find("\n", self.doc[start].idx)
        end_char = len(self.text) if end_char == -1 else end_char
        return {token.i for token in self.doc[start:] if token.idx < end_char and not token.is_space}

    # -- source ----------------------------------------------------------------------------

    def source_of(self, verb):
        """The subject of the cue, of the verb it is coordinated with, or the agent of a passive."""
        if set_off := self.set_off(verb):
            return sorted(self.source_tokens(set_off[0]))  # not the clause's subject hung beside it
        node = verb
        said = self.headline_participle(verb)  # "Bus lanes approved, council says": not "Bus lanes"
        for _ in range(4):
            for child in node.children:
                if said is not None and child.i == said.head.i:
                    continue
                if child.dep_ in ("nsubj", "csubj") or (child.dep_ == "nsubjpass" and node.i != verb.i):
                    return sorted(self.source_tokens(child))
            for child in node.children:
                if child.dep_ == "agent":
                    objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
                    if objects:
                        return sorted(self.source_tokens(objects[0]))
            if node.dep_ == "relcl":
                return sorted(self.source_tokens(node.head, skip=node))
            if self.is_coordinated_cue(node):
                node = node.head if node.dep_ == "ccomp" else node.head.head  # the cue it is coordinated with
                continue
            if node.dep_ in ("conj", "advcl", "xcomp") and node.head.i != node.i:
                node = node.head
                continue
            break
        return self.subject_taken_for_apposition(verb) or self.subject_taken_for_the_second_half(verb)

    def subject_taken_for_the_second_half(self, verb):
        """'"We warned them," said Kate Moss, a Unison official, "and nobody listened."': the parser
        made the name after the cue the subject of the quotation after it; it is the cue's source."""
        if verb.i + 1 >= len(self.doc) or not self.in_quote(verb.i - 2) or self.in_quote(verb.i + 1):
            return []
        noun = self.doc[verb.i + 1]
        while noun.dep_ in ("compound", "det", "amod") and noun.head.i > noun.i:
            noun = noun.head  # "Kate" -> "Moss"
        clause = noun.head
        if noun.dep_ != "nsubj" or clause.i == verb.i or not self.in_quote(clause.i) or clause.i < noun.i:
            return []
        tokens = self.source_tokens(noun)
        return sorted(tokens) if not any(self.in_quote(i) for i in tokens) else []

    def subject_taken_for_apposition(self, verb):
        """ "In a statement to the Daily Planet, a spokesperson for the State Department said …":
        the parser hung the subject on the phrase before it, as an apposition set off by a comma;
        it is the source when it ends right before the cue."""
        if verb.i == 0 or verb.tag_ not in ("VBD", "VBZ", "VBP"):
            return []
        node = self.doc[verb.i - 1]
        while node.head.i != node.i and node.dep_ != "appos" and node.head.right_edge.i < verb.i:
            node = node.head
        first = node.left_edge.i
        if node.dep_ != "appos" or node.right_edge.i != verb.i - 1 or first == 0 or self.doc[first - 1].text != ",":
            return []
        return sorted(self.source_tokens(node))

    def source_tokens(self, noun, skip=None):
        """The noun phrase naming a source, without a relative clause or trailing punctuation."""
        tokens = set(self.subtree(noun))
        if skip is not None:
            tokens -= self.subtree(skip)
        for child in noun.children:
            if child.dep_ == "relcl":
                tokens -= self.subtree(child)
        for venue in self.venues_beside(noun):
            tokens -= self.subtree(venue)
        # '"Prices will fall," said Clive Black, an analyst, "but not this year."': the quotation
        # after the name, hung from it, is the second half of what was said.
        reopened = [i for i in tokens if i > noun.i + 1 and self.doc[i - 1].text == "," and self.opens_quote(i)]
        if reopened:
            tokens = {i for i in tokens if i < reopened[0]}
        while tokens and (self.doc[max(tokens)].is_punct or self.doc[max(tokens)].dep_ == "cc"):
            tokens.discard(max(tokens))
        # "Ben-David", which the parser split into three subjects: the whole word as written.
        end = max(tokens, default=None)
        while end is not None and end + 2 < len(self.doc) and not self.doc[end].whitespace_:
            if self.doc[end + 1].text != "-" or self.doc[end + 1].whitespace_ or not self.doc[end + 2].is_alpha:
                break
            tokens |= {end + 1, end + 2}
            end += 2
        return tokens

    def venues_beside(self, noun):
        """ "said Tomas Lindqvist, the chief executive, in an interview with the Courier": a venue set
        off after the speaker's name or its apposition, which the parser hangs there; its phrases."""
        nouns = [noun, *(child for child in noun.children if child.dep_ == "appos")]
        return [
            child
            for node in nouns
            for child in node.children
            if child.dep_ == "prep"
            and child.i > node.i
            and self.doc[child.i - 1].text == ","
            and classify_venue(self.doc[child.i : child.right_edge.i + 1].text)[0] is not None
        ]

    # -- helpers ---------------------------------------------------------------------------

    def about_anonymity(self, verb, content):
        """ "A diplomat, who asked not to be named, said …": how the source asked to be quoted is
        no statement of theirs, nor is what they were not authorised to do ("officials, who were not
        authorized to discuss the talks, said …")."""
        before = self.doc[max(0, verb.i - 4) : verb.i + 1].text
        if re.search(r"\bnot (authori[sz]ed|allowed|permitted|cleared) to \w+$", before, re.IGNORECASE):
            return True
        if re.search(r"\banonymity (in order )?to \w+$", before, re.IGNORECASE):
            return True  # "who spoke on condition of anonymity to discuss intelligence matters"
        if len(content) > 12 or verb_lemma(verb) not in ASKING_VERBS:
            return False  # "He said people familiar with the plan were wrong" is a statement
        words = self.doc[min(verb.i, min(content)) : max(verb.i, max(content)) + 1].text
        return bool(ANONYMITY.search(words))

    def adds_to_a_thing(self, verb):
        """ "added to a growing body of evidence", "added to pressure on the minister": "to" right
        after "added" and no clause or object of its own."""
        follows = verb.i + 1 < len(self.doc) and self.doc[verb.i + 1].lower_ == "to"
        return follows and not any(child.dep_ in ("ccomp", "dobj") for child in verb.children)

    def is_hedge(self, verb):
        """ "B-17 was unable to independently confirm": the newsroom's hedge, not an attribution."""
        if verb.lower_ not in ("confirm", "verify", "verified", "confirmed"):
            return False
        window = self.doc[max(0, verb.i - 5) : verb.i].text.lower()
        return bool(re.search(r"\b(unable|not|could n't|cannot|can't|couldn't|no way)\b", window))

    def clause_head(self, token):
        """The verb of the clause a prepositional phrase hangs from."""
        node = token.head
        for _ in range(6):
            if node.tag_ in VERB_TAGS or node.dep_ == "ROOT":
                return node
            if node.head.i == node.i:
                return node
            node = node.head
        return None

    def subtree(self, token):
        return set(range(token.left_edge.i, token.right_edge.i + 1))

    def starts_quote(self, token):
        first = token.left_edge
        return first.i > 0 and self.doc[first.i - 1].text in ('"', "“", "``", "''")

    def opens_quote(self, index):
        """Whether token `index` is a quotation mark opening one of the story's quotations."""
        return any(start == self.doc[index].idx for start, _ in self.quotes)

    def in_quote(self, index):
        return bool(self.quoted_chars[self.doc[index].idx])

    def set_content_chars(self, attribution):
        """Character spans of the content, joined across punctuation, quotes extended."""
        doc = self.doc
        indices = sorted(i for i in attribution.content if not doc[i].is_space)
        # The cue and the source are never content ("X, he said, is Y" leaves two fragments).
        indices = [i for i in indices if i not in attribution.cue and i not in attribution.source]
        spans = []
        for index in indices:
            token = doc[index]
            start, end = token.idx, token.idx + len(token.text)
            if spans and all(doc[j].is_punct or doc[j].is_space for j in range(spans[-1][2] + 1, index)):
                spans[-1] = (spans[-1][0], end, index)
            else:
                spans.append((start, end, index))
        spans = [(start, end) for start, end, _ in spans]
        spans = [self.trim(start, end) for start, end in spans]
        # A sentence's full stop left alone ("…, prosecutors alleged on Tuesday.") is nothing said.
        spans = [span for span in spans if span[0] < span[1] and self.text[span[0] : span[1]].strip(".!?…")]
        attribution.content_chars = self.extend_quotes(spans, attribution)

    def trim(self, start, end):
        text = self.text
        while start < end and (text[start].isspace() or text[start] in ",;:-—–"):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-—–"):
            end -= 1
        return start, end

    def extend_quotes(self, spans, attribution):
        """A content that starts or ends inside a quotation takes in the whole quotation."""
        if not spans:
            return spans
        cue_start = self.doc[attribution.cue[0]].idx
        out = []
        for start, end in spans:
            for quote_start, quote_end in self.quotes:
                if quote_start <= start < quote_end or quote_start < end <= quote_end:
                    if quote_start <= cue_start < quote_end:
                        continue  # the cue is inside the quote: an attribution within the quotation
                    start, end = min(start, quote_start), max(end, quote_end)
            out.append((start, end))
        out.sort()
        merged = []
        for start, end in out:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


def as_predicate(token):
    """ "described the crews as understaffed", parsed as a clause of "as" with no subject: what the
    object is said to be, not when or why ("said so as he left" has a subject of its own)."""
    children = list(token.children)
    return (
        token.dep_ == "advcl"
        and token.tag_ in ("JJ", "NN", "NNS", "VBN")
        and any(child.dep_ == "mark" and child.lower_ == "as" for child in children)
        and not any(child.dep_ in ("nsubj", "nsubjpass") for child in children)
    )
