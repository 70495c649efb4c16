"""From attributions to proposals: speaker, venue, relay, quantity, hedges, links and a draft.

The finder (attribution.py) says where the source, cue and content are; this module says what
they mean for a newsroom, reading the story as a whole: who "he" is, that "he said" carries on
from a statement to the newsroom, that "per the Kyiv Independent" relays it, which hedge covers
it, and which proposals restate or contradict each other.
"""

import dataclasses
import re
from collections import Counter

from factcheck.extraction import drafting, hedges, links
from factcheck.extraction.attribution import VERB_TAGS, Finder, as_predicate, verb_lemma, yes_no_question
from factcheck.extraction.drafting import QUOTE_MARKS
from factcheck.extraction.lexicon import (
    BROADCASTER_BRANDS,
    FIGURE_VERBS,
    NEWS_OUTLETS,
    PRONOUNS,
    PUBLIC_AUDIENCES,
    ROLE_NOUNS,
    TIME_WORDS,
    UNNAMED_SOURCE_NOUNS,
)
from factcheck.extraction.proposal import (
    ANONYMOUS_BRIEFING,
    INSTITUTION,
    INTERVIEW,
    OFFICIAL_DOCUMENT,
    OUTLET_VOICE,
    PERSON,
    PREDICTION,
    PRESS_CONFERENCE,
    PUBLIC_REMARKS,
    RELAYED_REPORT,
    SOCIAL_MEDIA_POST,
    STATEMENT_TO_OUTLET,
    UNNAMED_GROUP,
    Proposal,
)
from factcheck.extraction.quantities import find_quantity
from factcheck.extraction.speakers import People, Speaker, capitalised, describe, kind_of_name, source_head
from factcheck.extraction.venues import (
    ANONYMITY,
    NAME_WORDS,
    PLATFORMS,
    classify_venue,
    described_outlet,
    is_news_outlet,
    names_outlet,
    outlet_name,
    platform,
    strip_article,
)

RELATIVE_PRONOUNS = {"that", "which", "who"}
# A name as written, its words capitalised but for small joining words: "Kyiv Independent", "B-17",
# "Reuters", "Times of India".
NAME = re.compile(NAME_WORDS)
VERB_OR_MODAL_TAGS = VERB_TAGS | {"MD"}  # a clause's verb: "will", "would" count

# Cues that ask, and the words that open what they ask: "asked whether", "wondered why".
# A bare answer to a question asked, drafted as what it answers.
YES = {"yes", "yes absolutely", "absolutely", "of course"}
NO = {"no", "no never", "never", "absolutely not", "certainly not", "not at all"}
QUESTION_CUES = {"ask", "wonder", "question", "inquire", "enquire", "query"}
QUESTION_WORDS = {"whether", "if", "why", "how", "what", "who", "whom", "which", "when", "where"}
# What someone declines to do when they say nothing: "declined to comment", "refused to say".
NO_COMMENT_VERBS = {"comment", "say", "speak", "discuss", "elaborate", "respond", "answer", "confirm", "specify"}
# What someone does not tell when they leave a question unanswered: "did not say when …".
UNTOLD_VERBS = NO_COMMENT_VERBS | {"tell", "disclose", "reveal", "explain", "indicate", "give"}
CLAUSES_ON_A_NOUN = ("acl", "relcl", "ccomp")
NOUN_TAGS = ("NN", "NNS", "NNP", "NNPS")
# A programme an outlet airs, told something: "BBC Radio 4's Today programme".
PROGRAMME = re.compile(r"^(?:the )?(?P<outlet>.+?)(?:'s|’s) .*\b(?:programme|program|show|podcast)$", re.IGNORECASE)
# What the story says of a statement it has quoted, keeping to it: "Kovalenko's remarks", "his statements".
ABOUT_THE_REMARKS = re.compile(
    r"(?:\b(?P<owner>[\w-]+)(?:'s|’s)|\b(?P<pronoun>(?i:his|her|their))) (?:remarks|comments|statements?|interview)\b"
)
# What a business reports of itself: "reported a net profit of …" is its own profit.
RESULT_NOUNS = {"profit", "profits", "loss", "losses", "revenue", "revenues", "sales", "earnings", "income", "turnover"}
RESULT_NOUNS |= {"deficit", "surplus", "growth"}
# Bodies sitting in public, whatever their name: "told Nottingham Crown Court", "told a Senate committee".
PUBLIC_FORUMS = {"court", "tribunal", "inquiry", "hearing", "committee", "commons", "assembly", "parliament"}
PUBLIC_FORUMS |= {"senate", "congress", "council", "jury", "jurors", "lawmakers", "legislature", "bundestag"}
# Cues of answering, which say nothing when not done ("did not respond", "has not commented") or
# when what they answer is the newsroom's request ("responded to a request for comment").
ANSWER_CUES = {"respond", "reply", "comment", "answer"}
REQUEST_NOUNS = {"request", "requests", "question", "questions", "call", "calls", "email", "emails", "message"}
REQUEST_NOUNS |= {"messages", "inquiry", "inquiries", "enquiry", "enquiries", "query", "queries"}
# Prepositions whose phrase, hung from a cue, may say where it was said.
# An unnamed source described by its access to what it tells: "a person close to the talks".
UNNAMED_WITH_ACCESS = re.compile(
    r"\b(sources?|officials?|persons?|people|aides?|insiders?|diplomats?|advisers?|advisors?|executives?)"
    r"( \w+)? (briefed on|close to|privy to|involved in|aware of|knowledgeable about|with access to)\b",
    re.IGNORECASE,
)
# Cues whose object and complement say what the speaker holds the object to be.
COMPLEMENT_CUES = {
    "call",
    "dismiss",
    "describe",
    "label",
    "brand",
    "dub",
    "characterize",
    "portray",
    "reject",
    "find",
    "declare",
}
# The pronouns that may stand for a speaker of each kind at the head of what it said.
SPEAKERS_PRONOUNS = {PERSON: ("He", "She"), INSTITUTION: ("It",), OUTLET_VOICE: ("It",), UNNAMED_GROUP: ("They",)}
# Their possessives: "said its review would finish in May" is the speaker's review.
POSSESSIVES = {"His": "He", "Her": "She", "Its": "It", "Their": "They"}
COPULAS = {"is", "was", "are", "were", "be", "been", "being", "'s", "’s", "seems", "seemed", "appears", "appeared"}
COPULAS |= {"remains", "remained", "looks", "looked", "feels", "felt", "sounds", "sounded"}
# Participles that say to whom a speaker spoke: "Ana Ruiz, speaking to the BBC, said".
SPEAKING = {"speaking", "talking", "writing"}
# Cues that judge the thing they take as object: "praised the deal", "slammed the decision".
JUDGING_CUES = {"praise", "criticize", "criticise", "slam", "blast", "condemn", "denounce", "decry", "deride"}
JUDGING_CUES |= {"mock", "ridicule", "attack", "defend", "tout", "endorse", "lament", "welcome", "hail", "applaud"}
# Cues that blame their object for what "for" names: "criticised the minister for hiding the figures".
BLAMING_CUES = {"blame", "criticize", "criticise", "condemn", "slam", "blast", "attack", "denounce", "decry"}
# A ruling is the court's written decision; a plea is made in open court, as "told jurors" is.
COURT_VENUES = {"rule": OFFICIAL_DOCUMENT, "plead": PUBLIC_REMARKS}
# "a statement carried by TASS", "remarks broadcast by Rossiya 24": the outlet passed it on.
CARRYING_VERBS = {"carried", "published", "broadcast", "aired", "relayed", "distributed", "televised", "posted"}
CARRYING_VERBS |= {"reported"}  # "in comments reported by the Guardian"
VENUE_PREPOSITIONS = {"in", "at", "on", "during", "via", "through", "to", "with", "from", "over", "before"}
DOCUMENT_SOURCES = re.compile(
    r"\b(document|documents|report|filing|memo|letter|email|e-mail|statement|release|records?|data|study|paper|"
    r"survey|poll|figures|statistics|transcript|indictment|lawsuit|complaint|order|assessment|website)\b",
    re.IGNORECASE,
)

# A document and who issued it: "a statement from the mayor's office", "a release issued by Tesco".
ISSUED_DOCUMENT = re.compile(
    r"(?i:an?|the)\s+(?:(?i:joint|brief|short|written|new|separate)\s+)?"
    r"(?i:statement|press release|news release|release|letter|email|e-mail|memo|message)\s+"
    r"(?i:from|by|issued by|released by|published by)\s+(?:(?i:the)\s+)?(?P<issuer>\S.*)"
)


def document(mention, cue_lemma):
    """Whether a source is a document: "according to a report", "per court records", and for
    any cue "a study published in the journal …", "the peer-reviewed paper" (its head noun, so
    "the author of the study" is a person)."""
    if cue_lemma in ("according to", "per"):
        return bool(DOCUMENT_SOURCES.search(mention or ""))
    head = re.split(r"\s(?:of|by|from|in|on|published|released|that|which|who)\s", f" {mention or ''} ")[0].split()
    return bool(head) and bool(DOCUMENT_SOURCES.fullmatch(head[-1]))


def token_spans(doc, indices):
    """Character spans of token indices, one per run of adjacent tokens."""
    spans = []
    for index in sorted(indices):
        token = doc[index]
        if token.is_space:
            continue
        start, end = token.idx, token.idx + len(token.text)
        if spans and spans[-1][2] == index - 1:
            spans[-1] = (spans[-1][0], end, index)
        else:
            spans.append((start, end, index))
    return [(start, end) for start, end, _ in spans]


class Story:
    """One story being read: its parse, attributions, people and outlet."""

    def __init__(self, doc, outlet, printed=None):
        self.doc = doc
        self.text = doc.text
        # The story as given, where the parse read a line in capitals in the story's casing: quotes are as printed.
        self.printed = printed or doc.text
        self.finder = Finder(doc)
        self.attributions = self.finder.find()
        self.outlet = outlet or self.guess_outlet()
        self.people = People(doc, self.is_outlet)

    # -- the story's own outlet ------------------------------------------------------------

    def guess_outlet(self):
        """Without an outlet given: the newsroom that "was unable to confirm", or the one the
        story's sources most often "told"."""

        def named(token):  # "B-17", "the Daily Planet": a name, whatever the tagger made of it
            return token.text[:1].isupper() and token.ent_type_ != "PERSON" and token.lower_ not in PRONOUNS

        for sentence in hedges.hedge_sentences(self.doc):
            subjects = [t for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and named(t)]
            if subjects:
                return strip_article(self.doc[subjects[0].left_edge.i : subjects[0].i + 1].text)
        told = Counter()
        for token in self.doc:
            if token.tag_ in VERB_TAGS and verb_lemma(token) == "tell":
                for child in token.children:
                    if child.dep_ in ("dobj", "dative") and named(child):
                        told[strip_article(self.doc[child.left_edge.i : child.i + 1].text)] += 1
        if told:
            name, count = told.most_common(1)[0]
            if count >= 2:
                return name
        return None

    def is_outlet(self, name):
        return is_news_outlet(name, self.outlet)

    def airs(self, name):
        """Whether `name` is an outlet, a station of one named first ("BBC Radio 4"), or a
        broadcaster whose brand alone names no outlet ("ITV", which speaks as a company)."""
        words = name.split()
        return name.lower() in BROADCASTER_BRANDS or any(
            self.is_outlet(" ".join(words[:count])) for count in range(len(words), 0, -1)
        )

    def is_story_outlet(self, name):
        return names_outlet(name, self.outlet)

    # -- proposals -------------------------------------------------------------------------

    def proposals(self):
        relays = self.relaying_attributions()
        self.documents = self.documents_quoted()
        proposals, speakers, units = [], [], []
        for attribution in self.attributions:
            if id(attribution) in relays:
                continue  # "per the Kyiv Independent" is the relay of the claims it covers
            if any(document is attribution for document, _ in self.documents):
                continue  # "according to a statement", around "X said …": where X said it
            if self.no_comment(attribution):
                continue  # "declined to comment" says nothing
            if self.named_then_said(attribution):
                continue  # "confirmed the plan in an email, saying …": what is said is the "saying" clause's
            attribution = self.without_hedge(attribution)
            # "the company and the regulator said": one statement, each of them its speaker.
            for number, one in enumerate(self.each_speaker(attribution)):
                self.propose(one, relays, proposals, speakers, units)
                # Each keeps the whole source the story names; the second on is the first's statement.
                proposals[-1].source, proposals[-1].joint = token_spans(self.doc, attribution.source), number > 0
        order = sorted(range(len(proposals)), key=lambda i: proposals[i].start)
        proposals = [proposals[i] for i in order]
        hedges.attach(self.doc, proposals, self.people)
        links.propose(self.text, proposals, [speakers[i][0].lemma for i in order])
        return proposals

    def propose(self, attribution, relays, proposals, speakers, units):
        """Adds the proposal of one attribution to `proposals`, its speaker to `speakers`."""
        speaker = self.speaker(attribution, speakers)
        # "claimed responsibility for the strike in a televised statement": the venue, not drafted
        drafted = self.without_object_venue(attribution)
        proposal = Proposal(
            content=attribution.content_chars,
            cue=token_spans(self.doc, attribution.cue),
            source=token_spans(self.doc, attribution.source),
            speaker=speaker.name,
            speaker_kind=speaker.kind,
            title=speaker.title,
            affiliation=speaker.affiliation,
        )
        proposal.venue, proposal.outlet = self.venue(attribution, speaker, proposals, speakers)
        proposal.relayed_by = self.relay_chain(attribution, relays, proposal.outlet)
        content_tokens = self.content_tokens(proposal)
        proposal.quantity = find_quantity(self.doc, content_tokens, units)
        if proposal.quantity and proposal.quantity.unit:
            units.append(proposal.quantity.unit)
        proposal.quote = drafting.quote(self.printed, proposal.content, self.finder.quotes)
        # "urged the US military to scrap …": an object and the infinitive hung from the cue.
        infinitive = any(self.infinitive(self.doc[i], attribution.head) for i in content_tokens)
        clause = any(self.doc[i].dep_ in ("nsubj", "nsubjpass", "expl") for i in content_tokens)
        infinitive = infinitive or bool(self.passive_subject(attribution))
        # "Ferry fares to rise, council says": a headline's plan, what will happen.
        planned = content_tokens and content_tokens == self.finder.headline_infinitive(self.doc[attribution.head])
        infinitive = infinitive or bool(planned)
        # "Bus lanes approved, council says": what was done, "Bus lanes were approved".
        participle = self.finder.headline_participle(self.doc[attribution.head])
        done_to = {i for i in self.finder.subtree(participle.head) if not self.doc[i].is_space} if participle else ()
        if participle is not None and content_tokens != done_to:
            participle = None
        # "upped that number to 11,000", not "estimated that coverage had fallen to 84 per cent"
        figure = attribution.lemma in FIGURE_VERBS and not clause
        # "warn of long winter", "called for a recount": words with no verb drafted as they stand
        # ("Long winter.") are no claim a desk can track; left empty, a person writes it. Not words
        # set before their cue, a statement whatever the parser reads ("Grain corridor ships double, port says").
        # A verb in a relative clause on a noun says nothing of it: "oppose the new road that
        # officials claim will ease congestion" is the road alone.
        described = {
            t.i
            for i in content_tokens
            if self.doc[i].dep_ == "relcl" and self.doc[i].head.i in content_tokens
            for t in self.doc[i].subtree
        }
        verbless = not (figure or infinitive or proposal.quote) and not any(
            self.doc[i].tag_ in VERB_OR_MODAL_TAGS for i in content_tokens - described
        )
        verbless = verbless and bool(content_tokens) and min(content_tokens) > max(attribution.cue)
        question = self.question(attribution)
        answer = self.answered(drafted, question)
        if not answer and question is not None:
            # An answer the draft cannot say ("Time will tell.") keeps its words; the desk asks
            # a person to write what it claims of the question.
            proposal.answers = self.question_words(question)
        proposal.claim = (
            answer
            or self.asked(drafted)
            or self.object_complement(drafted)
            or self.accusation(drafted)
            or self.responsibility(drafted, speaker)
            or self.reported_thing(drafted, speaker)
            or self.judged_thing(drafted, speaker)
            or self.relative_subject(drafted)
            or drafting.denial_sentence(
                self.text, drafted.content_chars, attribution.lemma, speaker.name, clause=clause
            )
            or drafting.plea_sentence(self.text, drafted.content_chars, attribution.lemma, speaker.name)
            or (
                ""
                if verbless
                else drafting.claim_sentence(
                    self.text,
                    self.with_passive_subject(drafted, self.without_second_that(drafted.content_chars, content_tokens)),
                    proposal.quantity,
                    figure,
                    infinitive,
                    attribution.lemma,
                    backshifted=self.past_condition(content_tokens),
                    planned=bool(planned),
                    done=self.passive_auxiliary(participle),
                )
            )
        )
        proposal.claim = self.named_subject(proposal.claim, attribution, speaker)
        proposal.kind = PREDICTION if planned else drafting.claim_kind(self.doc, content_tokens, attribution.lemma)
        proposals.append(proposal)
        speakers.append((attribution, speaker))

    def each_speaker(self, attribution):
        """The attribution once for each of the coordinated subjects it names, "the company and the
        product safety regulator said", "Ana Ruiz and Tom Reyes said", each with its own source; as
        it is otherwise, and where the words joined are one name ("Marks and Spencer")."""
        head = source_head(self.doc, attribution.source) if attribution.source else None
        joined = [
            child
            for child in (head.children if head is not None else ())
            if child.dep_ == "conj" and child.tag_ in NOUN_TAGS and child.i in attribution.source
        ]
        if not joined or not any(child.dep_ == "cc" and child.lower_ == "and" for child in head.children):
            return [attribution]
        if self.one_name(head, joined, attribution):
            return [attribution]
        nouns = [head, *joined]
        subtrees = {noun.i: {t.i for t in noun.subtree} for noun in nouns}
        sources = []
        for noun in nouns:
            # The noun's words, less those of the nouns joined after it (which hang from it).
            others = set().union(*(subtrees[other.i] for other in nouns if other.i > noun.i))
            words = [i for i in attribution.source if i in subtrees[noun.i] and i not in others]
            while words and self.doc[words[-1]].dep_ in ("cc", "punct"):
                words.pop()
            sources.append(words)
        return [dataclasses.replace(attribution, source=words) for words in sources if words]

    def one_name(self, head, joined, attribution):
        """Whether "X and Y" is one name: one the tagger finds whole ("Competition and Markets
        Authority", "Procter & Gamble") or a firm's two-word name (firm_of_two_names). "Keir Walton
        and Rachel Hart", each a name the tagger finds, stay two."""
        entity = next((e for e in self.doc.ents if e.start <= head.i < e.end), None)
        if entity is not None and any(entity.start <= child.i < entity.end for child in joined):
            return True
        return self.firm_of_two_names(attribution) is not None

    def firm_of_two_names(self, attribution):
        """ "Johnson and Johnson", "Marks & Spencer": two capitalised words joined as a cue's subject that are
        one name, the same word twice or joined by "&" (which news prose writes in a firm's name, not
        between two firms); None otherwise. "Marks and Spencer" stays two: nothing in the words tells it
        from "Tesco and Asda" or "Biden and Putin", and an "it" the content opens with is as often a
        plan as the pair ("said it would cost £2bn")."""
        if not attribution.source:
            return None
        pair = self.doc[min(attribution.source) : max(attribution.source) + 1]
        if len(pair) != 3 or not all(t.text.istitle() for t in (pair[0], pair[2])):
            return None
        if pair[1].text == "&" or (pair[1].lower_ == "and" and pair[0].text == pair[2].text):
            return pair
        return None

    def named_subject(self, claim, attribution, speaker):
        """ "Ana Ruiz said she would resign": "Ana Ruiz would resign.", where "She would resign." names
        no one once saved; "Tesco said it would cut prices": "Tesco would cut prices.". Only for the
        pronoun opening what was said, in reported words (in a quotation it is someone else: “He
        lied,” she said), of the speaker's gender or of none the story gives, with no one else named
        before it in the sentence; "it" or "they" only as the subject of something done, not of "was"
        ("said it was unclear how many died")."""
        pronoun, _, rest = claim.partition(" ")
        content = sorted(attribution.content)
        personal = POSSESSIVES.get(pronoun, pronoun)
        if personal not in SPEAKERS_PRONOUNS.get(speaker.kind, ()) or not rest or not speaker.name or not content:
            return claim
        said = self.doc[content[0]]
        if said.lower_ != pronoun.lower() or self.finder.in_quote(said.i):
            return claim
        gender = {"He": "male", "She": "female"}.get(personal)
        if gender and self.people.gender(speaker.name) not in (None, gender):
            return claim
        if pronoun in ("It", "They") and said.head.lower_ in COPULAS:
            return claim  # "said it was unclear how many died", "said they were scared": no doing of theirs
        named = {"PERSON"} if gender else {"PERSON", "ORG", "NORP", "GPE"}
        # Names in a clause on the speaker ("The Electoral Commission, which oversees elections in
        # the UK, said it …") are no one else the pronoun could be.
        source = set(attribution.source)
        others = [
            token
            for token in self.doc[said.sent.start : said.i]
            if token.ent_type_ in named and token.i not in source and not any(a.i in source for a in token.ancestors)
        ]
        if others:
            return claim
        # "Ana Ruiz said she would resign": read as hers, so a later "Ruiz said he …" is someone else.
        self.people.learn(speaker.name, gender)
        # "The council said it …": the council as the story words it, not the name "Council".
        subject = capitalised(self.subject(attribution, speaker))
        if pronoun in POSSESSIVES:  # "Ana Ruiz's office"; a name ending in s as AP writes it: "Lakeside Lines' ferries"
            subject += "'" if subject.endswith("s") else "'s"
        return f"{subject} {rest}"

    def documents_quoted(self):
        """(attribution, the attributions inside it) for each "according to a statement …" whose
        words hold another cue: "X said …, according to a statement translated by the ministry"
        says where X said it, an official document, and is no claim of the statement's."""
        found = []
        for outer in self.attributions:
            if outer.lemma not in ("according to", "per") or not document(self.mention(outer), outer.lemma):
                continue
            if inner := self.inside(outer):
                found.append((outer, inner))
        return found

    def inside(self, outer):
        """The attributions whose cue lies in what `outer` says."""
        return [
            other
            for other in self.attributions
            if other is not outer and any(start <= self.doc[other.head].idx < end for start, end in outer.content_chars)
        ]

    def mention(self, attribution):
        return self.doc[attribution.source[0] : attribution.source[-1] + 1].text if attribution.source else ""

    def objects(self, attribution):
        """The cue's direct objects within what was said: "the deal" in "praised the deal"."""
        cue = self.doc[attribution.head]
        return [child for child in cue.children if child.dep_ == "dobj" and child.i in attribution.content]

    def words(self, first, last):
        """The story's words from token `first` to token `last`, both included, as written."""
        return self.doc[first.i : last.i + 1].text

    def object_subject(self, thing, words):
        """An object as a draft's subject: `words` as written, "him" or "her" the person the story
        named last (as a plea names its defendant), else "He" or "She" ("found him guilty": "He is …")."""
        if thing.lower_ in ("him", "her") and (
            named := self.people.person_before(thing.i, gender=PRONOUNS[thing.lower_])
        ):
            return named
        return drafting.SUBJECT_PRONOUNS.get(thing.lower_, words)

    def subject(self, attribution, speaker):
        """The speaker as a draft's subject: a person by name ("Ines Costa", not "Ines Costa, the
        mayor,"), anyone else as the story words them ("The council", "Critics", "The Ministry of
        Defence"), by name where that is a pronoun or a long phrase; "" for neither."""
        mention = " ".join(self.mention(attribution).split())
        worded = mention and mention.lower() not in PRONOUNS and "," not in mention and len(mention.split()) <= 6
        # "Pressure group Greenpeace", "The charity Shelter Cymru": the name, not the description before it.
        described = speaker.name and mention.endswith(f" {speaker.name}") and mention.split()[0].lower() != "the"
        described = described or (speaker.name and re.fullmatch(rf"The [a-z][\w-]* {re.escape(speaker.name)}", mention))
        return speaker.name if speaker.kind == PERSON or not worded or described else mention

    def object_complement(self, attribution):
        """ "dismissed the report as fiction" -> "The report is fiction.", "called the plan a
        disaster" -> "The plan is a disaster.": what the speaker says the object is; "" for a
        cue with no object and complement."""
        cue = self.doc[attribution.head]
        objects = self.objects(attribution)
        complements = [child for child in cue.children if child.dep_ == "oprd" and child.i in attribution.content]
        for child in cue.children:
            if child.dep_ == "prep" and child.lower_ == "as" and child.i in attribution.content:
                # "described the strikers as lazy": the parser hangs "lazy" from "as" as an amod too.
                complements += [
                    grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "acomp", "amod")
                ]
            if as_predicate(child) and child.i in attribution.content:
                complements.append(child)
            if child.dep_ == "ccomp" and child.tag_ in ("JJ", "NN") and child.i in attribution.content:
                # "found him guilty of fraud": a small clause, its subject the object found guilty.
                subjects = [grandchild for grandchild in child.children if grandchild.dep_ == "nsubj"]
                objects += subjects[:1]
                complements += [child] if subjects else []
        if objects and not complements:
            # "called the mayor's plan a disaster", "dismissed the minister's claim as nonsense":
            # the parser hung the complement on the object, as an apposition with no comma or its "as".
            for child in objects[0].children:
                if child.i > objects[0].i and child.dep_ == "appos" and self.doc[child.left_edge.i - 1].text != ",":
                    complements.append(child)
                if child.dep_ == "prep" and child.lower_ == "as":
                    complements += [grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "acomp")]
        relative = self.called_relatively(cue)
        if relative:
            # "a recount that her rival called 'a farce'": the recount; "the budget, which critics
            # called a disaster", "a disaster" parsed as the object beside "which".
            objects = [cue.head]
            complements = complements or [
                child
                for child in cue.children
                if child.dep_ == "dobj" and child.lower_ not in ("that", "which") and child.i in attribution.content
            ]
        if not objects or not complements or attribution.lemma not in COMPLEMENT_CUES:
            return ""
        thing, what = objects[0], complements[0]
        subject = self.object_subject(thing, self.words(self.doc[thing.left_edge.i], thing))
        if relative:
            subject = re.sub(r"^(?:a|an|A|An)\s+", "the ", subject)
        # The object's last word, not the complement's when the parser hung that on the object.
        branch = next((child for child in thing.children if what in child.subtree), None)
        thing_end = max(t.i for t in thing.subtree if branch is None or t not in branch.subtree)
        start = max(what.left_edge.i, thing_end + 1) if thing.i < what.i else what.left_edge.i
        start += self.doc[start].dep_ == "mark"  # "as understaffed"
        end = what.right_edge.i
        for child in reversed([child for child in what.children if child.i > what.i]):
            # "declared the vote invalid on Monday": when it was declared, hung from the complement
            timed = child.dep_ == "npadvmod" or (
                child.dep_ == "prep" and child.lower_ == "on"
            )  # not "of fraud in 2019"
            dated = timed and any(t.ent_type_ in ("DATE", "TIME") for t in child.subtree)
            if child.right_edge.i != end or not dated:
                break
            end = child.left_edge.i - 1
        predicate = drafting.unquoted(self.doc[start : end + 1].text).strip(QUOTE_MARKS + " ")
        verb = "are" if thing.tag_ in ("NNS", "NNPS") else "is"
        return f"{capitalised(subject)} {verb} {predicate}."

    @staticmethod
    def called_relatively(cue):
        """Whether the cue is a relative clause whose "that" or "which" is what it judges: "a recount
        that her rival called a farce", "the budget, which critics called a disaster"; not one the
        parser hangs on a date, whose "which" is the whole clause before ("… waited over 12 hours in
        September, which it called a scandal")."""
        return (
            cue.dep_ in ("relcl", "acl")
            and cue.head.ent_type_ not in ("DATE", "TIME")
            and any(
                child.lower_ in ("that", "which") and child.dep_ in ("mark", "dobj", "nsubj") for child in cue.children
            )
        )

    def accusation(self, attribution):
        """ "accused the group of using civilians as human shields" -> "The group is guilty of using
        civilians as human shields.", "blamed the storm for the outage" -> "The storm is to blame
        for the outage." (and "criticised the minister for hiding the figures"): what the speaker
        says of the one accused; "" for any other cue."""
        preposition = "of" if attribution.lemma == "accuse" else "for" if attribution.lemma in BLAMING_CUES else None
        if preposition is None:
            return ""
        cue = self.doc[attribution.head]
        objects = self.objects(attribution)
        phrases = [
            child
            for child in cue.children
            if child.dep_ == "prep" and child.lower_ == preposition and child.i in attribution.content
        ]
        if objects and not phrases:  # "accused the rebels of a massacre": the parser hung it from the object
            phrases = [child for child in objects[0].children if child.dep_ == "prep" and child.lower_ == preposition]
        if not objects or not phrases or objects[0].i > phrases[0].i:
            return ""
        thing = objects[0]
        # The object's words, without the phrase when the parser hung it there, nor "on Tuesday" after it.
        last = self.doc[max(token.i for token in thing.subtree if token.i < phrases[0].i)]
        subject = self.object_subject(thing, self.words(self.doc[thing.left_edge.i], last))
        end = self.doc[max(i for i in attribution.content if not self.doc[i].is_punct)]
        what = self.words(self.doc[phrases[0].i + 1], end)
        what = drafting.unquoted(what).strip()
        plural = thing.tag_ in ("NNS", "NNPS") or thing.lower_ in ("them", "us")
        verb = {"of": "are guilty of", "for": "are to blame for"}[preposition]
        if not plural:
            verb = verb.replace("are", "is", 1)
        return f"{capitalised(subject)} {verb} {what}."

    def responsibility(self, attribution, speaker):
        """ "The Houthi movement claimed responsibility for the strike" -> "The Houthi movement is
        responsible for the strike."; "" for any other content."""
        if attribution.lemma not in ("claim", "accept", "admit", "acknowledge") or not attribution.content:
            return ""
        words = [self.doc[i] for i in sorted(attribution.content) if not self.doc[i].is_punct]
        if len(words) < 3 or words[0].lower_ != "responsibility" or words[1].lower_ != "for":
            return ""
        subject = self.subject(attribution, speaker)
        if not subject:
            return ""
        what = self.words(words[2], words[-1])
        plural = speaker.kind == UNNAMED_GROUP and subject.lower().endswith("s")
        return f"{capitalised(subject)} {'are' if plural else 'is'} responsible for {what}."

    def reported_thing(self, attribution, speaker):
        """ "Acme Corp reported a net profit of $2.3 billion" -> "Acme Corp had a net profit of $2.3
        billion.", "police reported three arrests on Monday" -> "There were three arrests.", "reported
        the deaths of three workers" -> "Three workers died.", and a thing named before as what the
        speaker reports ("The agency reports the findings of its survey."); "" for a clause. A
        confirmation of a count or an event is its report ("officials confirmed three deaths" ->
        "There were three deaths."), though not of a thing named before ("confirmed the plan")."""
        if attribution.lemma not in ("report", "confirm") or not attribution.content:
            return ""
        objects = self.objects(attribution)
        words = [self.doc[i] for i in sorted(attribution.content) if not self.doc[i].is_punct]
        if not objects or not words:
            return ""
        thing = objects[0]
        if event := self.reported_event(thing, attribution):
            return event
        if any(token.tag_ in VERB_TAGS for token in words):
            return ""
        first = self.doc[thing.left_edge.i]
        indefinite = first.lower_ in ("a", "an") or first.dep_ in ("nummod", "amod", "compound", "quantmod")
        what = drafting.unquoted(self.words(words[0], words[-1])).strip()
        subject = self.subject(attribution, speaker)
        if not indefinite and (first.i != thing.i or thing.tag_ not in ("NNS", "NN")):
            # "reported the findings of its survey", a thing named before: what the speaker reports.
            return self.speakers_own(attribution, speaker, what) if attribution.lemma == "report" else ""
        if thing.lower_ in RESULT_NOUNS and subject:
            return f"{capitalised(subject)} had {what}."
        return f"There {'were' if thing.tag_ in ('NNS', 'NNPS') else 'was'} {what}."

    def judged_thing(self, attribution, speaker):
        """ "The union praised the deal" -> "The union praises the deal.", "critics slammed the
        decision" -> "Critics slam the decision.": a judgement of a thing is the speaker's, as a
        denial of one is ("The deal." says nothing); "" for any other cue or content."""
        if attribution.lemma not in JUDGING_CUES or not attribution.content:
            return ""
        objects = self.objects(attribution)
        words = [i for i in sorted(attribution.content) if not self.doc[i].is_punct]
        if not objects or not words or set(words) - {t.i for t in objects[0].subtree}:
            return ""  # only the thing judged, nothing said of it
        what = self.words(self.doc[words[0]], self.doc[words[-1]])
        return self.speakers_own(attribution, speaker, drafting.unquoted(what).strip())

    def relative_subject(self, attribution):
        """ "a plan that the mayor says will cut waits", "the drug, which doctors say could save
        lives": what was said has no subject of its own but the noun the relative clause hangs
        from -> "The plan will cut waits.", "The drug could save lives."; "" otherwise."""
        cue = self.doc[attribution.head]
        clauses = [child for child in cue.children if child.dep_ == "ccomp" and child.i > cue.i]
        if cue.dep_ != "relcl" or len(clauses) != 1 or cue.head.tag_ not in ("NN", "NNS", "NNP", "NNPS"):
            return ""
        clause, noun = clauses[0], cue.head
        if clause.tag_ not in VERB_TAGS or any(self.finder.in_quote(i) for i in attribution.content):
            return ""  # a quotation stays as said; "polls that showed him victorious" says no clause
        subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass", "expl")]
        own = any(subject.i > cue.i or subject.lower_ not in RELATIVE_PRONOUNS for subject in subjects)
        said = [i for i in sorted(attribution.content) if i > cue.i and not self.doc[i].is_punct]
        if not said or said[0] != min(t.i for t in clause.subtree if t.i > cue.i) or said[-1] < clause.i:
            return ""
        phrase = self.doc[noun.left_edge.i : noun.i + 1]
        if any(token.is_punct for token in phrase):
            return ""
        # "a plan" -> "the plan"
        taken = phrase.text if phrase[0].dep_ != "det" else "the" + phrase.text[len(phrase[0].text) :]
        if own:
            # "a plan the mayor says voters will reject": the clause's own subject, the noun its object.
            gap = self.object_gap(clause, cue, noun)
            if gap is None or not said[0] <= gap <= said[-1]:
                return ""
            words = [self.words(self.doc[said[0]], self.doc[gap]), taken]
            if gap < said[-1]:
                words.append(self.words(self.doc[gap + 1], self.doc[said[-1]]))
            return f"{capitalised(drafting.unquoted(' '.join(words)).strip())}."
        predicate = drafting.unquoted(self.words(self.doc[said[0]], self.doc[said[-1]])).strip()
        return f"{capitalised(taken)} {predicate}."

    def object_gap(self, clause, cue, noun):
        """Where the noun a relative clause hangs from goes in what is said of it, as the object
        the clause lacks: after the verb ("voters will reject" the plan), its particle ("will turn
        down" the deal) or a preposition with no object ("nobody can build on" the site); None
        when it lacks none, or the noun says when, where or why ("the day the mayor says the
        port will reopen")."""
        circumstance = noun.lower_ in TIME_WORDS | {"day", "time", "moment", "place", "reason", "way"}
        if circumstance or clause.tag_ not in VERB_TAGS or clause.lower_ in COPULAS:
            return None
        after = [child for child in clause.children if child.i > cue.i]
        stranded = [child for child in after if child.dep_ == "prep" and not list(child.children)]
        if stranded:
            return stranded[-1].i if len(stranded) == 1 and stranded[0].i == clause.right_edge.i else None
        taken = ("dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative", "prep", "agent", "advcl", "conj")
        if any(child.dep_ in taken and child.i > clause.i for child in after):
            return None
        particles = [child for child in after if child.dep_ == "prt" and child.i == clause.i + 1]
        return particles[0].i if particles else clause.i

    def speakers_own(self, attribution, speaker, what):
        """ "The agency reports the findings …", "Police condemn the attack …": the cue in the
        present, its subject the person the speaker is ("Ines Costa", not "Ines Costa, the mayor")
        or the source as the story words it ("The company", "Critics"); "" with no subject."""
        subject = self.subject(attribution, speaker)
        if not subject:
            return ""
        source = [self.doc[i] for i in attribution.source]
        head = next((t for t in source if t.head not in source or t.head == t), None)
        many = head is not None and (head.tag_ in ("NNS", "NNPS") or head.lower_ in ("police", "they", "we"))
        verb = attribution.lemma if many else drafting.third_person(attribution.lemma)
        return f"{capitalised(subject)} {verb} {what}."

    def reported_event(self, thing, attribution):
        """ "reported the deaths of three workers" -> "Three workers died.", "the arrest of the
        mayor" -> "The mayor was arrested.": an event named by its noun, with "the" alone before it
        ("the first deaths of the season" is no such sentence), as what happened to the one "of"
        names; "" for any other object."""
        before = [child for child in thing.children if child.i < thing.i]
        if [child.lower_ for child in before] != ["the"]:
            return ""
        phrases = [child for child in thing.children if child.dep_ == "prep" and child.lower_ == "of"]
        objects = [child for child in phrases[0].children if child.dep_ == "pobj"] if phrases else []
        if not objects or objects[0].i not in attribution.content:
            return ""
        who = objects[0]
        plural = (
            who.tag_ in ("NNS", "NNPS")
            or (who.tag_ == "CD" and who.lower_ not in ("one", "1"))
            or any(child.dep_ == "conj" for child in who.children)
        )
        what = self.words(who.left_edge, who.right_edge)
        after = [i for i in sorted(attribution.content) if i > phrases[0].right_edge.i and not self.doc[i].is_punct]
        rest = self.words(self.doc[after[0]], self.doc[after[-1]]) if after else ""
        return drafting.event_sentence(thing.text, drafting.unquoted(what), plural, drafting.unquoted(rest)) or ""

    def past_condition(self, indices):
        """Whether the content holds a condition told in the past: "to resign if she lost"."""
        return any(
            self.doc[i].dep_ == "advcl"
            and self.doc[i].tag_ == "VBD"
            and any(child.dep_ == "mark" and child.lower_ in ("if", "unless") for child in self.doc[i].children)
            for i in indices
        )

    @staticmethod
    def passive_auxiliary(participle):
        """ "Bus lanes approved": ("were", "approved"), the auxiliary agreeing with the noun the
        participle describes; None without a participle."""
        if participle is None:
            return None
        noun = participle.head
        plural = noun.tag_ in ("NNS", "NNPS") or (noun.tag_ == "CD" and noun.lower_ not in ("one", "1"))
        return ("were" if plural else "was", participle.text)

    @staticmethod
    def infinitive(token, cue):
        """An infinitive hung from the cue: "urged them to leave", "expect rates to stay low"."""
        if token.head.i != cue or token.i == cue:
            return False
        return token.dep_ == "xcomp" or (
            token.dep_ in ("ccomp", "advcl")  # "called for the minister to resign"
            and any(child.dep_ == "aux" and child.tag_ == "TO" for child in token.children)
        )

    def no_comment(self, attribution):
        """ "Mercer declined to comment", "a spokesperson refused to say whether …", "the company
        did not respond to a request for comment", "the ministry has not commented"."""
        if attribution.lemma in ANSWER_CUES:
            cue = self.doc[attribution.head]
            if any(child.dep_ == "neg" for child in cue.children):
                return True
            heads = [self.doc[i] for i in attribution.content if self.doc[i].head.i not in attribution.content]
            said = any(self.doc[i].tag_ in VERB_TAGS for i in attribution.content)  # "… with a statement saying …"
            return bool(heads) and not said and all(head.lower_ in REQUEST_NOUNS for head in heads)
        if self.question_left_unanswered(attribution):
            return True
        if attribution.lemma not in ("decline", "refuse") or not attribution.content:
            return False
        verbs = [self.doc[i] for i in sorted(attribution.content) if self.doc[i].tag_ in VERB_TAGS]
        return bool(verbs) and verb_lemma(verbs[0]) in NO_COMMENT_VERBS

    def question_left_unanswered(self, attribution):
        """ "She did not say when the review would be complete", "would not disclose how many":
        not telling what a question asks says nothing (it was drafted "When the review would be
        complete.")."""
        cue = self.doc[attribution.head]
        if attribution.lemma not in UNTOLD_VERBS or not any(child.dep_ == "neg" for child in cue.children):
            return False
        words = [self.doc[i] for i in sorted(attribution.content) if not self.doc[i].is_punct]
        if not words or words[0].i <= cue.i:
            return False
        # The content may start after its "whether", a complementiser left out of what was said.
        return words[0].lower_ in QUESTION_WORDS or self.doc[words[0].i - 1].lower_ in ("whether", "if")

    def object_venue(self, attribution):
        """The tokens of a phrase ending a cue's object that says where it was said ("claimed
        responsibility for the strike in a televised statement"), or an empty set."""
        if not attribution.content or attribution.lemma in ("according to", "per", ":"):
            return set()
        if not self.objects(attribution):
            return set()
        return self.finder.venue_after_object(attribution.content)

    def without_hedge(self, attribution):
        """The attribution without a hedge set beside what was said ("…, a figure the Courier could
        not verify"): the newsroom's words, not the speaker's (hedges.attach marks the claim)."""
        if not attribution.content_chars:
            return attribution
        end = attribution.content_chars[-1][1]
        cut = hedges.beside(self.doc, attribution.content_chars[0][0], end)
        return attribution if cut is None else self.without_chars(attribution, cut, end)

    def without_object_venue(self, attribution):
        """The attribution as drafted: without the venue phrase ending its object."""
        venue = self.object_venue(attribution)
        if not venue:
            return attribution
        return self.without_chars(
            attribution, self.doc[min(venue)].idx, self.doc[max(venue)].idx + len(self.doc[max(venue)].text)
        )

    def without_chars(self, attribution, start, end):
        """The attribution without the words of its content between the characters `start` and `end`."""
        chars = [
            piece
            for a, b in attribution.content_chars
            for piece in ((a, min(b, start)), (max(a, end), b))
            if piece[0] < piece[1] and self.text[piece[0] : piece[1]].strip()
        ]
        content = {i for i in attribution.content if not start <= self.doc[i].idx < end}
        return dataclasses.replace(attribution, content=content, content_chars=chars)

    def named_then_said(self, attribution):
        """ "Moss confirmed the plan in an email, saying the school would close": a cue whose object
        only names what it is about ("the plan", "its decision"), with a "saying" or "adding" clause
        of its own that says it. Denials, accusations and judgements keep their object: it is what
        they claim."""
        if attribution.lemma in drafting.DENIAL_CUES | drafting.DISMISSAL_CUES | drafting.OPINION_CUES:
            return False
        content = [self.doc[i] for i in sorted(attribution.content) if not self.doc[i].is_punct]
        if not content or any(token.tag_ in VERB_TAGS or token.like_num for token in content):
            return False
        if any(self.finder.in_quote(token.i) for token in content):
            return False
        if content[0].lower_ not in ("the", "this", "that", "these", "those", "its", "his", "her", "their", "our"):
            return False
        cue = self.doc[attribution.head]
        return any(
            child.dep_ in ("advcl", "xcomp", "conj")
            and child.tag_ == "VBG"
            and verb_lemma(child) in ("say", "add", "write", "note", "explain")
            and any(other.head == child.i for other in self.attributions)
            for child in cue.children
        )

    def answered(self, attribution, question):
        """ "Asked whether her client would appeal, Nair said: 'No.'": what a bare yes or no
        answers ("It is not true that her client would appeal."), since "No." says nothing
        checkable, and an answer on what was asked about as said of it ("Asked whether the deal
        was enough, …: 'It's a start.'" -> "The deal is a start."); "" for any other statement.
        `question` is the one it answers, as `question` finds it."""
        if question is None:
            return ""
        said = " ".join(self.text[start:end] for start, end in attribution.content_chars)
        answer = re.sub(r"[^\w\s]", "", said).strip().lower()
        words = self.question_words(question)
        if answer in NO:
            return f"It is not true that {words}."
        if answer in YES:
            return capitalised(words) + "."
        # "It's a start.": "it" is what was asked about when that is one thing the question names.
        on_it = re.match(r"^\W*it(?:'s|’s| is| was)\s+(.+?)\W*$", said, re.IGNORECASE)
        subject = next((child for child in question.children if child.dep_ == "nsubj"), None)
        if on_it and subject is not None and subject.tag_ in ("NN", "NNP") and subject.i < question.i:
            topic = " ".join(self.words(subject.left_edge, subject).split())
            verb = "was" if re.match(r"^\W*it was\b", said, re.IGNORECASE) else "is"
            return f"{capitalised(topic)} {verb} {on_it.group(1)}."
        return ""

    def question(self, attribution):
        """The yes-or-no question an answer was given to ("Asked whether the deal was enough, she
        said …"), as the clause's verb, or None."""
        cue = self.doc[attribution.head]
        return next(filter(None, (yes_no_question(asked) for asked in cue.children)), None)

    def question_words(self, question):
        """ "whether her client would appeal" -> "her client would appeal"."""
        mark = next(child for child in question.children if child.dep_ == "mark")
        return " ".join(self.words(self.doc[mark.i + 1], question.right_edge).split()).rstrip(" ,;:.?")

    def asked(self, attribution):
        """ "The mayor asked whether the bridge was safe": the question as the story reports it,
        as the draft, since the words asked about ("the bridge was safe") are nobody's claim; ""
        for an attribution that asks nothing."""
        if not self.indirect_question(attribution):
            return ""
        start = min(start for start, _ in token_spans(self.doc, attribution.source + attribution.cue))
        words = " ".join(self.text[start : attribution.content_chars[-1][1]].split()).rstrip(" ,;:.")
        return capitalised(words) + "."

    def indirect_question(self, attribution):
        if attribution.lemma not in QUESTION_CUES or not attribution.content:
            return False
        first = min(attribution.content)  # "whether" itself is left out of the content
        return bool({self.doc[i].lower_ for i in (first - 1, first) if i >= 0} & QUESTION_WORDS)

    def passive_subject(self, attribution):
        """ "The bank is expected to cut rates": the subject of a passive cue whose content is an
        infinitive, as a character span, or None."""
        cue = self.doc[attribution.head]
        first = min(attribution.content) if attribution.content else None
        if first is None or self.doc[first].lower_ != "to":
            return None
        for child in cue.children:
            if child.dep_ == "nsubjpass" and child.i not in attribution.content and child.lower_ not in ("it", "that"):
                last = self.doc[child.right_edge.i]  # "The Bank of England", not "The Bank"
                return (self.doc[child.left_edge.i].idx, last.idx + len(last.text))
        # "The minister promised to cut waits", "He refused to resign": the speaker will (not) do it.
        verb = self.doc[first].head
        promised = attribution.lemma in drafting.PREDICTION_CUES | {"refuse"}
        if promised and attribution.source and verb.dep_ == "xcomp" and verb.head.i == cue.i:
            source = [self.doc[i] for i in attribution.source]
            if source[0].tag_ in ("WDT", "WP"):
                return None  # "a man who vowed to …": the draft keeps to what was said
            return (source[0].idx, source[-1].idx + len(source[-1].text))
        return None

    def with_passive_subject(self, attribution, spans):
        """The draft's spans with the passive cue's subject before the infinitive: "The bank is
        expected to cut rates" is drafted "The bank will cut rates.", not "To cut rates."."""
        subject = self.passive_subject(attribution)
        return [subject, *spans] if subject else spans

    def without_second_that(self, spans, indices):
        """ "said demand remained strong and that Acme expected …": the content's spans without the
        "that" opening a clause after "and", "but" or "or", for the draft ("… strong and Acme
        expected …"); a "that" that is a pronoun ("and that was the end of it") stays."""
        for i in sorted(indices):
            token = self.doc[i]
            if (
                token.lower_ != "that"
                or token.dep_ != "mark"
                or i == 0
                or self.doc[i - 1].lower_ not in ("and", "but", "or")
            ):
                continue
            start, end = token.idx, token.idx + len(token.text_with_ws)
            spans = [piece for a, b in spans for piece in ((a, min(b, start)), (max(a, end), b)) if piece[0] < piece[1]]
        return spans

    def content_tokens(self, proposal):
        indices = set()
        for start, end in proposal.content:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                indices |= {token.i for token in span}
        return indices

    # -- speakers --------------------------------------------------------------------------

    def speaker(self, attribution, earlier):
        if attribution.lemma == ":":
            return self.label_speaker(attribution)
        if attribution.lemma == "according to" and (named := self.named_after_role(attribution.source)):
            return named
        if (firm := self.firm_of_two_names(attribution)) is not None:
            return Speaker(firm.text, INSTITUTION, mention=firm.text)
        speaker = self.as_outlet(describe(self.doc, attribution.source, self.people, self.finder.in_quote))
        if document(speaker.mention, attribution.lemma):
            return self.issuer(speaker.mention) or Speaker(
                capitalised(speaker.mention), INSTITUTION, mention=speaker.mention
            )
        if speaker.mention.lower() in ("he", "she") and (speaking := self.speaker_about(attribution, earlier)):
            return speaking
        if speaker.name.lower() in ("he", "she", "him", "her"):
            # "She said" where the story's names were not recognised as people: the person quoted last.
            for _, previous in reversed(earlier):
                if previous.kind == PERSON:
                    return previous
        if speaker.kind in (UNNAMED_GROUP, INSTITUTION) and speaker.mention.lower() in ("they", "it", "them"):
            # "they said": the group or institution the story quoted last; "it" the institution,
            # not "Campaigners" quoted since, unless the story quoted none.
            groups = [previous for _, previous in earlier if previous.kind in (UNNAMED_GROUP, INSTITUTION)]
            if speaker.mention.lower() == "it":
                groups = [previous for previous in groups if previous.kind == INSTITUTION] or groups
            if groups:
                return groups[-1]
        return speaker

    def named_after_role(self, source):
        """ "according to the city comptroller, Samuel Okafor", "according to figures released by the
        state auditor, Ana Ruiz": the person named after the comma, the role before it the title; None
        when the source names no person so."""
        commas = [i for i in source if self.doc[i].text == ","]
        if not commas:
            return None
        name = [i for i in source if i > commas[-1]]
        speaker = describe(self.doc, name, self.people, self.finder.in_quote)
        if speaker.kind != PERSON or not name:
            return None
        role = [self.doc[i] for i in source if i < commas[-1]]
        issued = [token.i for token in role if token.lower_ in ("by", "from")]
        role = [token for token in role if not issued or token.i > issued[-1]]
        if role and role[0].lower_ in ("the", "a", "an"):
            role = role[1:]
        if not role or any(token.is_title or token.is_punct for token in role):
            return None  # "the mayor's office, Ana Ruiz" or a list: not a role before a name
        words = " ".join(token.text for token in role)
        return Speaker(speaker.name, PERSON, title=capitalised(words), mention=speaker.mention)

    def issuer(self, mention):
        """ "A statement from the mayor's office said", "a letter from Ana Ruiz": the one who issued
        it speaks through it; None for a document that names no one so, or a report or a study,
        whose author is not always its speaker ("a report from Reuters" relays)."""
        issued = ISSUED_DOCUMENT.fullmatch(" ".join(mention.split()))
        if not issued:
            return None
        name = issued.group("issuer")
        if name.split()[-1].lower() in self.people.by_part:
            return Speaker(self.people.fullest(name), PERSON, mention=mention)
        words = name.split()
        if 2 <= len(words) <= 3 and all(word.istitle() for word in words) and kind_of_name(name) == PERSON:
            return Speaker(name, PERSON, mention=mention)  # "a letter from Ana Ruiz", the tagger seeing no one
        return Speaker(capitalised(name), INSTITUTION, mention=mention)

    def as_outlet(self, speaker):
        """ "Reuters reported", "according to the Kyiv Independent": a news outlet speaks in its own
        voice; "Facebook said": the company behind a platform is an institution. A person the story
        names ("Michael Bloomberg") stays a person."""
        name = strip_article(speaker.mention)  # as written: "the regional health agency" names no outlet
        if described := described_outlet(speaker.mention):  # "the state news agency TASS"
            return Speaker(outlet_name(described), OUTLET_VOICE, mention=speaker.mention)
        person = self.people.by_part.get(speaker.name.split()[-1].lower() if speaker.name else "")
        known = speaker.kind == UNNAMED_GROUP and name.lower() in NEWS_OUTLETS and name[:1].isupper()  # "Axios"
        if (speaker.kind not in (PERSON, INSTITUTION) and not known) or person or not NAME.fullmatch(name):
            return speaker
        if name.lower() in PLATFORMS:
            return Speaker(PLATFORMS[name.lower()], INSTITUTION, mention=speaker.mention)
        if self.is_outlet(speaker.mention):  # with its article: "the Guardian" is a paper, "Guardian" alone may not be
            outlet = outlet_name(self.outlet) if self.is_story_outlet(name) else outlet_name(speaker.mention)
            return Speaker(outlet, OUTLET_VOICE, mention=speaker.mention)
        return speaker

    def speaker_about(self, attribution, earlier):
        """ "Fowler said Clinton had deleted the emails. …, he said": when the person named last
        is only named in what the statement before said, "he" is the one who said it (the
        story's last speaker), not the person spoken about. None when that is not so."""
        start, name = self.people.last_named(attribution.head)
        if start is None or any(start in previous.source for previous, _ in earlier):
            return None
        position = self.doc[start].idx
        for previous, speaker in reversed(earlier):
            spans = previous.content_chars
            if speaker.kind != PERSON or not any(begin <= position < end for begin, end in spans):
                continue
            other_pronoun = {"he": "she", "she": "he"}[self.doc[attribution.source[0]].lower_]
            if any(
                other.name == speaker.name and said.source and self.doc[said.source[0]].lower_ == other_pronoun
                for said, other in earlier
            ):
                return None  # "she" before: not the one this "he" means
            # "Reyes denied it. He said …": named again, by a surname the tagger missed, after the statement.
            after = max(end for _, end in spans)
            named_again = any(
                token.idx >= after and self.people.by_part.get(token.lower_) == self.people.fullest(name)
                for token in self.doc[start : attribution.head]
                if token.is_title
            )
            return None if named_again else speaker
        return None

    def label_speaker(self, attribution):
        """Who a line's label names: "A:" the interviewee, "Minister:" the minister the story
        goes on to quote or name, "Kasich:" John Kasich."""
        doc, source = self.doc, attribution.source
        words = doc[source[0] : source[-1] + 1].text.strip(" .:")
        if words in ("A", "Answer"):
            return Speaker(self.interviewee() or "The interviewee", PERSON, mention=words)
        if (name := self.people.fullest(words.title())) != words.title():
            return Speaker(name, PERSON, mention=words)  # "HOLT:" in a transcript is Lena Holt
        label = [doc[i] for i in source if doc[i].is_alpha]
        role = " ".join(token.lower_ for token in label)
        if (
            label
            and label[-1].lower_ in ROLE_NOUNS | UNNAMED_SOURCE_NOUNS
            and not any(token.ent_type_ == "PERSON" or token.lower_ in self.people.by_part for token in label)
        ):
            if name := self.people.holder(role, source[0]):
                return Speaker(name, PERSON, mention=role)
            for later in self.attributions:  # "10:05 Minister: …", then "The transport minister told reporters"
                head = [doc[i] for i in later.source if doc[i].head.i not in later.source or doc[i].head.i == i]
                if later.head > attribution.head and head and head[0].lower_ == label[-1].lower_:
                    speaker = describe(doc, later.source, self.people, self.finder.in_quote)
                    if speaker.kind == PERSON:
                        return speaker
            return Speaker(f"The {role}", PERSON, capitalised(role), mention=role)
        speaker = describe(doc, source, self.people, self.finder.in_quote)
        if speaker.name not in words and speaker.name not in self.people.by_part.values():
            # The parse hangs the line from the label: its words are the name, not its phrase's.
            speaker.name = capitalised(words.strip(" .:"))
        return speaker

    def interviewee(self):
        """The person an interview's introduction names most often (the first on a tie)."""
        first_answer = min(
            (
                a.head
                for a in self.attributions
                if a.lemma == ":" and self.doc[a.source[0]].text in ("A", "A.", "Answer")
            ),
            default=len(self.doc),
        )
        named = [self.people.fullest(name) for start, name in self.people.full_names if start < first_answer]
        counts = Counter(named)
        return max(named, key=lambda name: (counts[name], -named.index(name))) if named else None

    # -- venue -----------------------------------------------------------------------------

    def venue(self, attribution, speaker, proposals, earlier):
        """(venue, outlet): from the words around the cue, else from a date (public remarks), else
        carried on from the speaker's statement before ("he said" after "in a statement to B-17")."""
        cue = self.doc[attribution.head]
        words = self.venue_words(cue)
        if venue_phrase := self.object_venue(attribution):  # "claimed responsibility … in a televised statement"
            phrase = self.doc[min(venue_phrase) : max(venue_phrase) + 1].text
            words = f"{words} ; {phrase}" if words else phrase
        if words and self.outlet:  # "in a statement to us", "in an interview with us": the story's newsroom
            words = re.sub(r"\b(to|with) us\b", lambda said: f"{said.group(1)} {self.outlet}", words)
        venue, outlet = classify_venue(words, self.outlet) if words else (None, None)
        lemma = attribution.lemma
        if lemma in ("tweet", "retweet") or (lemma == "post" and platform(words or "")):
            venue, outlet = SOCIAL_MEDIA_POST, platform(words or "") or "X"
        recipient = self.recipient(cue) if lemma in ("tell", "say", "write", "add", "explain", "confirm") else None
        if recipient == "us" and self.outlet:
            recipient = self.outlet  # "told us": the story's own newsroom
        if recipient:
            if venue in (None, PUBLIC_REMARKS) and classify_venue(recipient, self.outlet)[0] == PRESS_CONFERENCE:
                venue, outlet = PRESS_CONFERENCE, None  # "told a news conference in Brussels"
            elif (
                recipient.lower() in PUBLIC_AUDIENCES
                or re.sub(r"^(the|a|an) ", "", recipient.lower()) in PUBLIC_AUDIENCES
                or recipient.lower().split()[-1] in PUBLIC_FORUMS  # "told Nottingham Crown Court"
            ):
                venue, outlet = venue or PUBLIC_REMARKS, outlet
            elif (show := PROGRAMME.match(recipient)) and self.airs(show["outlet"]):
                venue, outlet = INTERVIEW, outlet_name(show["outlet"])  # "told BBC Radio 4's Today programme"
            elif self.is_outlet(recipient) or self.is_story_outlet(recipient):
                venue = venue if venue in (INTERVIEW, ANONYMOUS_BRIEFING) else STATEMENT_TO_OUTLET
                outlet = outlet_name(recipient)
        if venue == STATEMENT_TO_OUTLET and outlet:
            outlet = outlet_name(outlet)
        if self.is_story_outlet(outlet):
            outlet = outlet_name(self.outlet)  # "told the Courier": the Riverton Courier, the newsroom
        # "Officials with knowledge of the talks told reporters on Monday": a date or an audience
        # does not make an unnamed source's briefing public remarks.
        public = venue == PUBLIC_REMARKS and speaker.kind == UNNAMED_GROUP
        if (venue in (None, STATEMENT_TO_OUTLET, INTERVIEW) or public) and self.anonymous(attribution, speaker):
            venue = ANONYMOUS_BRIEFING
        if document(speaker.mention, lemma) and venue in (None, PUBLIC_REMARKS):
            venue = OFFICIAL_DOCUMENT  # "a study published on Thursday found": the date says when, not how
        if venue in (None, PUBLIC_REMARKS) and any(attribution in inner for _, inner in self.documents):
            venue = OFFICIAL_DOCUMENT  # "X said …, according to a statement translated by the ministry"
        if lemma in COURT_VENUES and venue in (None, PUBLIC_REMARKS):  # "ruled on Friday" is no remark
            venue = COURT_VENUES[lemma]
        if speaker.kind == OUTLET_VOICE and venue in (None, PUBLIC_REMARKS) and not self.is_story_outlet(speaker.name):
            return RELAYED_REPORT, speaker.name  # its report, which the story carries
        if venue in (None, PUBLIC_REMARKS) and cue.dep_ == "conj" and not recipient and not self.placed(cue):
            # "told Reuters on Monday that …, and she said …": the date read from the first cue names
            # no venue of the second's; the same speaker's second cue was said where the first was,
            # however the parser joined them ("said on X that the breach was … and called for …",
            # "called" joined to "was", inside what was said).
            joined = {cue.head.i, cue.head.head.i if cue.head.dep_ == "ccomp" else cue.head.i}
            for (before, previous_speaker), previous in zip(earlier, proposals, strict=True):
                if before.head in joined and previous_speaker.name == speaker.name and previous.venue:
                    return previous.venue, previous.outlet
        if venue is None and self.dated(cue):
            venue = PUBLIC_REMARKS
        # "Novak has denied any wrongdoing": the perfect sums up what was said, on no one occasion.
        perfect = any(child.dep_ == "aux" and child.lower_ in ("has", "have", "had") for child in cue.children)
        if venue is None and speaker.name and not perfect:
            for (before, previous_speaker), previous in zip(reversed(earlier), reversed(proposals), strict=True):
                if previous_speaker.name == speaker.name:
                    if previous.venue and self.goes_on_with(attribution, before, earlier, speaker):
                        return previous.venue, previous.outlet
                    break
        if venue == PUBLIC_REMARKS and outlet and not self.is_outlet(outlet):
            outlet = None
        return venue, outlet

    def goes_on_with(self, attribution, before, earlier, speaker):
        """Whether a statement goes on with the same speaker's statement `before`, so was made where
        it was: in its sentence or the next one, or "she added", with no one else quoted between, or
        after words on those remarks (the speaker's); else the story says nothing of where it was made."""
        sentence, previous = self.doc[attribution.head].sent, self.doc[before.head].sent
        if sentence.start == previous.start:
            return True
        said_last = max([previous.end_char] + [end for _, end in before.content_chars])
        # Up to what is said now: a quotation of two sentences starts before its cue's sentence.
        between = self.text[said_last : min([sentence.start_char] + [start for start, _ in attribution.content_chars])]
        if any(self.remarks_of(speaker, said_last + on.start(), on) for on in ABOUT_THE_REMARKS.finditer(between)):
            return True  # "Kovalenko's remarks come as …": the story stays on them
        if earlier[-1][0] is not before:
            return False
        # Nothing between but the end of what was said and a line break: the next sentence.
        return attribution.lemma == "add" or not re.sub(r"[\s”\"’'.,;:!?)]", "", between)

    def remarks_of(self, speaker, at, on):
        """Whether the remarks the story speaks of at character `at` ("Kovalenko's remarks", "her
        comments", matched by ABOUT_THE_REMARKS as `on`) are `speaker`'s, not "Tom Hale's remarks"."""
        if on["owner"]:
            return on["owner"].lower() in speaker.name.lower().split()
        pronoun = on["pronoun"].lower()
        if pronoun == "their":
            return speaker.kind in (UNNAMED_GROUP, INSTITUTION)
        token = self.doc.char_span(at, at + len(pronoun), alignment_mode="expand")[0]
        gender = "male" if pronoun == "his" else "female"
        if speaker.kind != PERSON:
            return False
        named = self.people.person_before(token.i, gender=gender)  # None: the tagger saw no one, "Ms Ruiz"
        return named == speaker.name if named else self.people.gender(speaker.name) in (None, gender)

    def venue_words(self, cue):
        """The phrases hung from the cue (and from the verb it is coordinated with) that may name
        its venue: "in a statement to B-17", "in a post earlier this week on X", "at a briefing"."""
        phrases = []
        nodes = [cue]
        if cue.dep_ in ("conj", "advcl", "xcomp") and cue.head.tag_ in VERB_TAGS:
            nodes.append(cue.head)
        for node in nodes:
            for child in node.children:
                if child.dep_ == "prep" and child.lower_ in VENUE_PREPOSITIONS:
                    phrases.append(self.doc[child.left_edge.i : child.right_edge.i + 1].text)
                elif child.dep_ in ("advcl", "npadvmod") and child.i < node.i and child.lower_ != "according":
                    span = self.doc[child.left_edge.i : child.right_edge.i + 1]
                    if len(span) <= 12:
                        phrases.append(span.text)
        phrases += [self.doc[phrase.left_edge.i : phrase.right_edge.i + 1].text for phrase in self.set_off_venues(cue)]
        # "Ana Ruiz, speaking to the BBC, said": the participle set beside the speaker.
        for subject in (child for child in cue.children if child.dep_ == "nsubj"):
            # "said Tomas Lindqvist, the chief executive, in an interview with the Courier"
            phrases += [self.doc[venue.i : venue.right_edge.i + 1].text for venue in self.finder.venues_beside(subject)]
            phrases += [
                self.doc[child.left_edge.i : child.right_edge.i + 1].text
                for child in subject.children
                if child.dep_ == "acl" and child.tag_ == "VBG" and child.i > subject.i and child.lower_ in SPEAKING
            ]
        return " ; ".join(phrases)

    def set_off_venues(self, cue):
        """ "said the border was closed, in a statement": the phrase the finder left out of what was
        said, hung inside the clause by the parser."""
        attribution = next((a for a in self.attributions if a.head == cue.i), None)
        if attribution is None:
            return []
        return [
            token
            for token in cue.subtree
            if token.dep_ == "prep"
            and token.head.i in attribution.content
            and token.i not in attribution.content
            and token.lower_ in VENUE_PREPOSITIONS
        ]

    def carried_by(self, attribution):
        """ "in a statement carried by TASS", "in remarks broadcast by Rossiya 24": the outlets that
        carried the statement, found in the phrases that say where it was made."""
        cue = self.doc[attribution.head]
        phrases = [child for child in cue.children if child.dep_ == "prep"] + self.set_off_venues(cue)
        for phrase in phrases:
            for token in phrase.subtree:
                if token.lower_ not in CARRYING_VERBS or token.i in attribution.content:
                    continue
                for agent in (child for child in token.children if child.dep_ == "agent"):
                    for name in agent.children:
                        # Up to the name's head: the parser may set the speaker beside it as an apposition.
                        words = self.doc[name.left_edge.i : name.i + 1].text
                        if name.dep_ == "pobj" and self.is_outlet(words):
                            yield outlet_name(words)

    def recipient(self, cue):
        """Whom the cue was addressed to: "told B-17", "told reporters", "said to CNN"."""
        for child in cue.children:
            if child.dep_ in ("dobj", "dative") and child.tag_ not in ("WDT", "WP", "DT") and child.lower_ != "it":
                if child.dep_ == "dative" and child.lower_ == "to":
                    objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
                    if not objects:
                        continue
                    child = objects[0]
                # Not a clause on the recipient: "told the BBC's Newsnight programme that …" is what was told.
                clauses = [c.left_edge.i - 1 for c in child.children if c.dep_ in CLAUSES_ON_A_NOUN and c.i > child.i]
                end = min([child.right_edge.i, *clauses])
                owned = self.doc[end].tag_ == "POS" and end + 2 < len(self.doc)
                if owned and (show := self.doc[end + 1].head).dep_ == "dobj" and show.head == cue:
                    end = show.i  # "told BBC Radio 4's Today programme", the owner parsed as the dative
                return self.doc[child.left_edge.i : end + 1].text
            if child.dep_ == "prep" and child.lower_ == "to" and verb_lemma(cue) in ("say", "write", "explain"):
                objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
                if objects:
                    return self.doc[objects[0].left_edge.i : objects[0].right_edge.i + 1].text
        return None

    def anonymous(self, attribution, speaker):
        """Words of anonymity in the sentence ("on condition of anonymity", "familiar with the
        matter"), or an unnamed source described by its access ("a person close to the talks",
        "officials briefed on the plans")."""
        sentence = self.doc[attribution.head].sent
        words = list(self.text[sentence.start_char : sentence.end_char])
        for start, end in attribution.content_chars:  # "said people familiar with the plan were wrong"
            for i in range(max(start, sentence.start_char), min(end, sentence.end_char)):
                words[i - sentence.start_char] = " "
        return bool(
            ANONYMITY.search("".join(words))
            or (speaker.kind == UNNAMED_GROUP and UNNAMED_WITH_ACCESS.search(speaker.mention))
        )

    def placed(self, cue):
        """Whether the cue itself, not the verb it is coordinated with, says when or where."""
        return any(
            (child.dep_ == "prep" and child.lower_ in VENUE_PREPOSITIONS)
            or child.dep_ in ("npadvmod", "tmod")
            or child.ent_type_ in ("DATE", "TIME")
            for child in cue.children
        )

    def dated(self, cue):
        """A cue with a time of its own ("said on Monday", "recently said", "Late last month, ...")."""
        nodes = [cue]
        if cue.dep_ in ("conj", "advcl") and cue.head.tag_ in VERB_TAGS:
            nodes.append(cue.head)
        for node in nodes:
            for child in node.children:
                if child.dep_ in ("npadvmod", "advmod", "prep", "tmod") or child.ent_type_ in ("DATE", "TIME"):
                    words = {token.lower_ for token in child.subtree}
                    timed = child.ent_type_ in ("DATE", "TIME") or words & TIME_WORDS
                    if timed and (child.dep_ != "prep" or child.lower_ in ("on", "in", "during", "at")):
                        return True
        return False

    # -- relays ----------------------------------------------------------------------------

    def relaying_attributions(self):
        """Attributions whose source is a news outlet and whose content holds another cue: "per
        the Kyiv Independent", "Reuters reported", "according to the AP"."""
        relays = {}
        for citing in self.attributions:
            # "Reuters reported, citing the Kyiv Independent": the citation is part of the chain.
            content = self.text[citing.content_chars[0][0] : citing.content_chars[-1][1]]
            if citing.lemma in ("cite", "quote") and self.is_outlet(content):
                relays[id(citing)] = (citing, [])
        for relay in self.attributions:
            if not relay.source or not self.is_outlet(self.mention(relay)):
                continue
            if inner := self.inside(relay):
                relays[id(relay)] = (relay, inner)
        return relays

    def relay_chain(self, attribution, relays, made_on=None):
        """The outlets that passed the claim on, origin first, the story's own outlet left out, and
        the outlet it was made on (`made_on`: "in an interview with Coastal News, …, Coastal News
        reported" is one appearance on Coastal News)."""
        chain = [(0, name) for name in self.carried_by(attribution)]
        for relay, inner in relays.values():
            if attribution in inner:
                name = outlet_name(self.doc[relay.source[0] : relay.source[-1] + 1].text)
                size = sum(end - start for start, end in relay.content_chars)
                for cited in self.cited_outlets(relay):
                    chain.append((size - 1, cited))
                chain.append((size, name))
        names = []
        for _, name in sorted(chain):
            name = self.fuller_outlet(name)  # "according to WRVT" in a story naming "WRVT Radio"
            if name not in [*names, made_on] and not self.is_story_outlet(name) and name not in PLATFORMS.values():
                names.append(name)
        return names

    def fuller_outlet(self, name):
        """The story's fuller name of an outlet it also names by the words that open it ("WRVT
        Radio" for "WRVT"), else the name as given."""
        for fuller in re.finditer(rf"\b{re.escape(name)}(?: [A-Z][\w'-]*)+", self.text):
            if self.is_outlet(fuller.group()):
                return outlet_name(fuller.group())
        return name

    def cited_outlets(self, relay):
        """ "Reuters reported, citing the Kyiv Independent": the outlet the relay cites."""
        cue = self.doc[relay.head]
        for child in cue.children:
            if child.lower_ in ("citing", "quoting") or (
                child.dep_ == "advcl" and child.lower_ in ("citing", "quoting")
            ):
                for grandchild in child.children:
                    if grandchild.dep_ in ("dobj", "pobj"):
                        name = self.doc[grandchild.left_edge.i : grandchild.right_edge.i + 1].text
                        if self.is_outlet(name):
                            yield outlet_name(name)


def extract_from_doc(doc, *, outlet=None, printed=None):
    return Story(doc, outlet, printed).proposals()
