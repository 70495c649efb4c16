"""A first draft of each claim for the editor: the verbatim quote, a standalone sentence, a kind."""

import re

from factcheck.extraction.lexicon import FIGURE_NOUNS, singular
from factcheck.extraction.proposal import FACTUAL, OPINION, PREDICTION

QUOTE_MARKS = "\"“”«»‘’`'"
PREDICTION_CUES = {"predict", "forecast", "warn", "expect", "vow", "pledge", "promise", "threaten", "project"}
OPINION_CUES = {
    "argue",
    "believe",
    "think",
    "feel",
    "urge",
    "appeal",
    "call",
    "criticize",
    "criticise",
    "praise",
    "blast",
    "slam",
    "condemn",
    "denounce",
    "decry",
    "mock",
    "deride",
    "dismiss",
    "describe",
    "label",
    "brand",
    "dub",
    "suggest",
    "recommend",
    "demand",
    "endorse",
    "defend",
    "attack",
    "accuse",
    "blame",
    "tout",
    "lament",
    "complain",
}
# Words that make a statement an evaluation rather than a checkable fact.
OPINION_WORDS = {
    "should",
    "must",
    "ought",
    # "Taxpayers deserve the truth": a judgement of what is owed, no fact
    "deserve",
    "deserves",
    "deserved",
    "boon",
    "threat",
    "threatens",
    "significant",
    "useless",
    "important",
    "terrible",
    "great",
    "best",
    "worst",
    "good",
    "bad",
    "wrong",
    "right",
    "unacceptable",
    "outrageous",
    "disgraceful",
    "dangerous",
    "massive",
    "huge",
    "crucial",
    "vital",
    "pivotal",
    "failure",
    "disaster",
    "shameful",
    "ridiculous",
    "absurd",
    "incredible",
    "amazing",
    "help",
}
# Cues whose content is what the speaker says is NOT so: "denied that its troops were in Kursk".
DENIAL_CUES = {"deny", "refute", "rebut", "contest"}
# Cues that deny only what they dismiss as a report: "rejected claims that the army was retreating".
DISMISSAL_CUES = {"reject", "dismiss", "dispute", "repudiate"}
REPORT_WORDS = (
    r"(?:the |these |those |any |a |an )?(?:(?:media|press|news|newspaper|recent|earlier) )?"
    r"(?:reports?|claims?|allegations?|suggestions?|accusations?|rumou?rs?|assertions?|speculation)"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“\"'])")
ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Jr", "Sr", "No", "U.S"}
SUBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they", "us": "we", "me": "I"}
FUTURE_WORDS = {"will", "'ll", "’ll", "would", "shall", "going", "gon", "could", "might", "may"}


# Events a story reports by a noun, and what happened to the one "of" names: "reported the deaths
# of three workers" is "Three workers died.", "the arrest of the mayor" "The mayor was arrested."
EVENT_VERBS = {
    "death": "died",
    "collapse": "collapsed",
    "closure": "closed",
    "resignation": "resigned",
    "disappearance": "disappeared",
    "escape": "escaped",
    "sinking": "sank",
    "crash": "crashed",
    "outbreak": "broke out",
    "arrival": "arrived",
    "departure": "left",
    "return": "returned",
}
EVENT_PARTICIPLES = {
    "arrest": "arrested",
    "killing": "killed",
    "murder": "murdered",
    "injury": "injured",
    "wounding": "wounded",
    "detention": "detained",
    "release": "released",
    "rescue": "rescued",
    "evacuation": "evacuated",
    "recovery": "recovered",
    "discovery": "discovered",
    "capture": "captured",
    "abduction": "abducted",
    "kidnapping": "kidnapped",
    "execution": "executed",
    "dismissal": "dismissed",
    "sacking": "sacked",
    "seizure": "seized",
    "destruction": "destroyed",
    "deportation": "deported",
    "expulsion": "expelled",
    "conviction": "convicted",
    "acquittal": "acquitted",
    "election": "elected",
    "appointment": "appointed",
    "suspension": "suspended",
    "launch": "launched",
    "approval": "approved",
}
# A single quotation mark opening a word and the one closing the quotation: "'wasting' money".
# An apostrophe inside or after a word ("employer's", "taxpayers' money") is no quotation mark.
SINGLE_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(]))[‘'](?=\w)(.+?)(?<=[\w.,!?])[’'](?=[\s.,;:!?)]|$)")


def unquoted(words):
    """Words without their quotation marks, the apostrophes of "his employer's money" kept."""
    words = re.sub(r"[“”«»\"]|''|``", "", words)
    return SINGLE_QUOTED.sub(r"\1", words)


def third_person(verb):
    """ "praise" -> "praises", "decry" -> "decries", "slam" -> "slams"."""
    if re.search(r"[^aeiou]y$", verb):
        return f"{verb[:-1]}ies"
    return f"{verb}es" if re.search(r"(s|sh|ch|x|z)$", verb) else f"{verb}s"


def event_sentence(noun, what, plural, rest=""):
    """ "deaths", "three workers" -> "Three workers died."; None for a noun naming no event we know."""
    event = singular(noun.lower())
    rest = f" {rest}" if rest else ""
    if verb := EVENT_VERBS.get(event):
        return f"{what[0].upper()}{what[1:]} {verb}{rest}."
    if participle := EVENT_PARTICIPLES.get(event):
        return f"{what[0].upper()}{what[1:]} {'were' if plural else 'was'} {participle}{rest}."
    return None


def quote(text, content, quotations):
    """The verbatim words when the content is quoted: the quoted parts, without their marks."""
    parts = []
    for start, end in content:
        for quote_start, quote_end in quotations:
            low, high = max(start, quote_start), min(end, quote_end)
            if low < high:
                words = text[low:high].strip().strip(QUOTE_MARKS + " ,").strip()
                if words:
                    parts.append(words)
    return " … ".join(parts)


# A figure put on a thing: "the cost of the delays at $25 million", "that number to 11,000".
FIGURE_PUT = re.compile(r"^(?P<thing>\S.*?)\s+(?:at|to)\s+(?P<figure>\S.*\d.*)$")


def claim_sentence(
    text,
    content,
    quantity=None,
    figure=False,
    infinitive=False,
    cue_lemma="",
    backshifted=False,
    planned=False,
    done=None,
):
    """The content as a standalone sentence: "that the troops were ..." -> "The troops were ...";
    an urged action (`infinitive`: "urged the US military to do away with ...") -> "The US
    military should do away with ...", an expected one ("expect rates to stay low") -> "Rates
    will stay low"; a figure given by a verb ("upped that number to 11,000")
    -> "The number of ... is 11,000."; a promise on a condition told in the past (`backshifted`:
    "pledged to resign if she lost") -> "She would resign if she lost."; a headline's plan (`planned`:
    "Ferry fares to rise, council says") -> "Ferry fares will rise."; a headline's deed (`done`, the
    auxiliary and the participle: "Bus lanes approved, council says") -> "Bus lanes were approved."; a question among
    statements is left out, since it asserts nothing ("Who will pay? The taxpayers will." -> "The taxpayers will.")."""
    put = figure and FIGURE_PUT.match(" ".join(_fragments(text, content)).strip(" ,;:.—–"))
    if put and put["thing"].lower().split()[-1] not in FIGURE_NOUNS:  # "the cost of the delays at $25 million"
        thing, head = put["thing"], put["thing"].split(" of ")[0].split()[-1].lower()
        verb = "are" if head.endswith("s") and not head.endswith("ss") else "is"
        return f"{thing[0].upper()}{thing[1:]} {verb} {put['figure']}."
    if figure and quantity is not None and quantity.unit:
        qualifier = {"": "", "up_to": "up to ", "at_least": "at least ", "about": "about ", "more_than": "more than "}
        value = f"{int(float(quantity.value)):,}" if float(quantity.value).is_integer() else quantity.value
        return f"The number of {quantity.unit} is {qualifier.get(quantity.qualifier, '')}{value}."
    words = " ".join(_fragments(text, content))
    words = "".join(char for char in words if char not in '“”«»"')
    words = re.sub(r"''|``", "", words)
    # "said that …" and "asked whether …" in lower case; "That story is false" opens what was said.
    words = re.sub(r"^(that|whether)\s+", "", words.strip())
    words = words.strip(" ,;:-—–‘’'")
    if not words:
        return ""
    statements = [sentence for sentence in sentences(words) if not sentence.rstrip(QUOTE_MARKS).endswith("?")]
    if statements:
        words = " ".join(statements).strip(" ,;:-—–‘’'")
    if infinitive:
        modal = "will" if cue_lemma in PREDICTION_CUES or planned else "will not" if cue_lemma == "refuse" else "should"
        if backshifted and modal.startswith("will"):
            modal = modal.replace("will", "would")  # "pledged to resign if she lost": "She would resign if she lost."
        words = re.sub(r"^([\w.]+(?: [\w’'.-]+){0,5}?) to (\w+)", lambda match: _modal(match, modal), words, count=1)
    if done:
        auxiliary, participle = done
        words = re.sub(rf"\b{re.escape(participle)}\b", f"{auxiliary} {participle}", words, count=1)
    words = words[0].upper() + words[1:]
    if words[-1] not in ".!?":
        words += "."
    return words


def _fragments(text, content):
    """The content's fragments, the comma ending one before the attribution (a split quote) made
    what the sentence needs: a full stop where the story ends a sentence after it ('"A," she said.
    "B."') or the next fragment opens one ('"A," she said, "B."'): "A. B.", not "A, B."; nothing
    where the next goes on with the sentence ('"The port," officials said, "will reopen."': "The
    port will reopen.")."""
    pieces = []
    for i, (start, end) in enumerate(content):
        piece = " ".join(text[start:end].split())
        if i + 1 < len(content):
            following = text[content[i + 1][0] : content[i + 1][1]].lstrip(QUOTE_MARKS + " ")
            if re.search(rf"[.!?][\s{QUOTE_MARKS}]*$", text[end : content[i + 1][0]]) or re.match(
                r"[A-Z](?!\s)", following
            ):
                piece = re.sub(rf",(\s*[{QUOTE_MARKS}]*)$", r".\1", piece)
            elif following[:1].islower():
                piece = re.sub(rf",(\s*[{QUOTE_MARKS}]*)$", r"\1", piece)
        pieces.append(piece)
    return pieces


def sentences(words):
    """The sentences of a content; "Mr. President, will you …?" is one."""
    found = []
    for piece in SENTENCE_END.split(words):
        last = found[-1].split()[-1].rstrip(".") if found else ""
        if found and (last in ABBREVIATIONS or re.fullmatch(r"[A-Z]", last)):
            found[-1] = f"{found[-1]} {piece}"
        else:
            found.append(piece)
    return found


def denial_sentence(text, content, cue_lemma, speaker, *, clause=False):
    """What a denial claims, or None when the cue denies nothing: "denied that its troops were in
    Kursk" -> "It is not true that its troops were in Kursk."; "denied any involvement" -> "The
    Kremlin denies any involvement." The words denied are not the speaker's claim: their denial is.
    `clause` says the content has a subject of its own ("denied its troops were there")."""
    if cue_lemma not in DENIAL_CUES | DISMISSAL_CUES:
        return None
    words = " ".join(" ".join(text[start:end].split()) for start, end in content)
    words = "".join(char for char in words if char not in '“”«»"').strip(" ,;:-—–").rstrip(".!?")
    subject = speaker or "The speaker"
    subject = f"{subject[0].upper()}{subject[1:]}"
    if unsaid := re.match(r"^(?:ever )?(?:saying|having said|to have said)\s+(?:that\s+)?(.+)$", words, re.IGNORECASE):
        return f"{subject} did not say {unsaid.group(1)}."  # "denied saying the drivers were lazy"
    reported = re.match(rf"^(?:{REPORT_WORDS}\s+)?that\s+(.+)$", words, flags=re.IGNORECASE)
    if reported:
        return f"It is not true that {reported.group(1)}."
    if not words or cue_lemma in DISMISSAL_CUES:
        return None  # "dismissed the plan as useless" judges the plan; it denies nothing
    if clause:
        return f"It is not true that {words}."
    return f"{subject} denies {words}."


def plea_sentence(text, content, cue_lemma, speaker):
    """What a plea claims: "pleaded not guilty to six counts of fraud" -> "Daniel Mercer is not
    guilty of six counts of fraud."; None for any other cue."""
    if cue_lemma != "plead":
        return None
    words = " ".join(" ".join(text[start:end].split()) for start, end in content).rstrip(" .")
    words = re.sub(r"^((?:not )?(?:guilty|innocent)) to\b", r"\1 of", words, flags=re.IGNORECASE)
    return f"{speaker or 'The defendant'} is {words}."


def _modal(match, modal):
    """ "the US military to do away with" -> "the US military should do away with", not "plans to"."""
    subject, verb = match.group(1), match.group(2)
    negation = ""
    if subject.split()[-1].lower() in ("not", "never"):  # "urged him not to recommend charges"
        *rest, negation = subject.split()
        subject, negation = " ".join(rest), f" {negation.lower()}"
        if not subject:
            return match.group(0)
    subject = SUBJECT_PRONOUNS.get(subject.lower(), subject)  # "him" -> "he", but "her party" stays
    # A subject with a verb of its own ("the port will reopen to ships") is a clause, not an infinitive's.
    if re.search(
        r"\b(is|are|was|were|plans?|wants?|needs?|has|have|had|going|able|likely|used|set"
        r"|will|would|can|could|may|might|must|shall|should)\b",
        subject,
    ):
        return match.group(0)
    return f"{subject} {modal}{negation} {verb}"


def claim_kind(doc, indices, cue_lemma):
    """Prediction for what will happen, opinion for an evaluation, else factual."""
    words = {doc[i].lower_ for i in indices}
    if cue_lemma in ("rule", "plead"):  # a court's decision, a defendant's answer: what is so, not will be
        return FACTUAL
    # "warned that coverage had fallen" or "that cases are rising" is no forecast; a warning of what
    # may come ("warned of a long winter", "that cases could rise") is.
    told = past(doc, indices) or (cue_lemma == "warn" and present(doc, indices))
    if cue_lemma in PREDICTION_CUES and not told:
        return PREDICTION
    if words & FUTURE_WORDS and not words & {"should", "must"} and not words & OPINION_WORDS and not past(doc, indices):
        return PREDICTION
    if cue_lemma in OPINION_CUES or words & OPINION_WORDS:
        return OPINION
    return FACTUAL


def present(doc, indices):
    """Whether what was said is told in the present ("cases are rising", "cases rise") with no
    word of the future in it."""
    roots = [doc[i] for i in indices if doc[i].head.i not in indices or doc[i].head.i == i]
    verbs = [root for root in roots if root.tag_.startswith("VB")]
    present_tense = any(
        verb.tag_ in ("VBZ", "VBP")
        or any(child.tag_ in ("VBZ", "VBP") and child.dep_ == "aux" for child in verb.children)
        for verb in verbs
    )
    return present_tense and not {doc[i].lower_ for i in indices} & FUTURE_WORDS


def past(doc, indices):
    """Whether what was said is told in the past: its main verb in the past tense or the perfect
    ("We have spent 14 million euros on a barrier that will hold"), whatever a clause inside it
    says of the future."""
    roots = [doc[i] for i in indices if doc[i].head.i not in indices or doc[i].head.i == i]
    verbs = [root for root in roots if root.tag_ in ("VBD", "VBN")]
    return (
        bool(verbs)
        and all(
            root.tag_ == "VBD"
            or any(child.dep_ == "aux" and child.lower_ in ("have", "has", "had", "'ve") for child in root.children)
            for root in verbs
        )
        and not any(child.lower_ in FUTURE_WORDS for root in verbs for child in root.children if child.dep_ == "aux")
    )
