"""Figures in a claim: "up to 8,000 North Korean troops" is 8000, "North Korean troops", up to."""

import re
from decimal import Decimal, InvalidOperation

from factcheck.extraction.attribution import VERB_TAGS
from factcheck.extraction.proposal import ABOUT, AT_LEAST, EXACT, FEWER_THAN, MORE_THAN, UP_TO, Quantity
from factcheck.text import ungrouped

QUALIFIERS = [  # the first phrase the words before a figure end with: a bound denied before the bound
    (("no", "more", "than"), UP_TO),
    (("not", "more", "than"), UP_TO),
    (("up", "to"), UP_TO),
    (("as", "many", "as"), UP_TO),
    (("as", "much", "as"), UP_TO),
    (("at", "least"), AT_LEAST),
    (("no", "fewer", "than"), AT_LEAST),
    (("no", "less", "than"), AT_LEAST),
    (("not", "fewer", "than"), AT_LEAST),
    (("not", "less", "than"), AT_LEAST),
    (("more", "than"), MORE_THAN),
    (("over",), MORE_THAN),
    (("upwards", "of"), MORE_THAN),
    (("fewer", "than"), FEWER_THAN),
    (("less", "than"), FEWER_THAN),
    (("under",), FEWER_THAN),
    (("about",), ABOUT),
    (("around",), ABOUT),
    (("roughly",), ABOUT),
    (("approximately",), ABOUT),
    (("nearly",), ABOUT),
    (("almost",), ABOUT),
    (("some",), ABOUT),
    (("an", "estimated"), ABOUT),
    (("estimated",), ABOUT),
]
SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
# Words that refer back to a figure given earlier: "upped that number to 11,000".
FIGURE_WORDS = {"number", "figure", "toll", "estimate", "count", "tally", "total"}
NOT_FIGURES = {"DATE", "TIME", "ORDINAL"}


def number_value(token):
    """The value of a number token and a scale word after it ("1.5 million"), or None."""
    text = ungrouped(token.text.lower().lstrip("$€£"))  # "8,000"; "2,5" is no figure, never 25
    if text in WORD_NUMBERS:
        value = Decimal(WORD_NUMBERS[text])
    else:
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ in SCALES:
        value *= SCALES[following.lower_]
    return value


CURRENCIES = {"$": "US dollars", "us$": "US dollars", "€": "euros", "£": "pounds"}
CURRENCY_SIGNS = set(CURRENCIES)


def qualifier_before(token):
    """ "up to 8,000", "up to $8 million": the words before the figure, its currency sign skipped."""
    start = token.i
    while start > 0 and token.doc[start - 1].lower_ in CURRENCY_SIGNS:
        start -= 1
    words = [t.lower_ for t in token.doc[max(0, start - 3) : start]]
    for phrase, qualifier in QUALIFIERS:
        if tuple(words[-len(phrase) :]) == phrase:
            return qualifier
    return EXACT


def unit_of(number):
    """What a number counts: its head noun with the modifiers between them."""
    doc = number.doc
    sign = number.text[:1] if number.text[:1] in "$£€" else doc[number.i - 1].text.lower() if number.i > 0 else ""
    if sign in CURRENCIES:
        return CURRENCIES[sign]
    following = doc[number.i + 1] if number.i + 1 < len(doc) else None
    if following is not None and following.lower_ in ("percent", "%", "per"):
        return "percent"
    head = number.head
    while head.lower_ in SCALES and head.head.i != head.i:
        head = head.head
    if number.dep_ in ("nummod", "quantmod", "compound") and head.tag_ in ("NN", "NNS", "NNP", "NNPS"):
        words = [
            t
            for t in doc[number.i + 1 : head.i + 1]
            if (t.lower_ not in SCALES and t.dep_ in ("amod", "compound", "nmod", "nummod")) or t.i == head.i
        ]
        return " ".join(t.text for t in words)
    return subject_counted(number)


def subject_counted(number):
    """ "Confirmed measles cases have risen to 214": what rose to the number, the verb's subject."""
    preposition = number.head
    if number.dep_ != "pobj" or preposition.lower_ not in ("to", "at") or preposition.head.tag_ not in VERB_TAGS:
        return ""
    subjects = [child for child in preposition.head.children if child.dep_ in ("nsubj", "nsubjpass")]
    if not subjects or subjects[0].tag_ not in ("NN", "NNS"):
        return ""
    if any(child.dep_ == "dobj" and child.lower_ in FIGURE_WORDS for child in preposition.head.children):
        return ""  # "Police put the figure at 35,000": the figure counts, not the police
    noun = subjects[0]
    words = [child for child in noun.children if child.i < noun.i and child.dep_ in ("amod", "compound")]
    return " ".join(token.text for token in [*words, noun])


def part_of_whole(number):
    """ "23 of 31 regions": the part is the figure, the whole is part of its unit ("of 31 regions")."""
    doc = number.doc
    if number.i + 2 < len(doc) and doc[number.i + 1].lower_ == "of":
        # "two of its five pressure tests", "three of the 12 members": the count is the figure.
        at = number.i + 2
        while at + 1 < len(doc) and doc[at].tag_ in ("DT", "PRP$"):
            at += 1
        whole = doc[at]
        if (whole.like_num or whole.tag_ == "CD") and (unit := unit_of(whole)):
            return f"of {doc[number.i + 2 : whole.i + 1].text} {unit}"
    return ""


def ratio(number):
    """ "one litre in three", "one in five children", "two out of three voters": a share, not a count
    of litres or children; its unit is the rest of the ratio as written ("litre in three"), or ""."""
    doc = number.doc
    at = number.i + 1
    while at < len(doc) and at - number.i <= 2 and doc[at].tag_ in ("NN", "NNS"):
        at += 1  # "litre" in "one litre in three"
    if at + 1 < len(doc) and doc[at].lower_ == "out" and doc[at + 1].lower_ == "of":
        at += 1
    if at + 1 >= len(doc) or doc[at].lower_ not in ("in", "of") or not doc[at + 1].like_num:
        return ""
    if doc[at + 1].ent_type_ in NOT_FIGURES or re.fullmatch(r"(1[89]|20)\d\d", doc[at + 1].text):
        return ""  # "two in 2019": a year
    if doc[at].lower_ == "of" and doc[at - 1].lower_ != "out":
        return ""  # "23 of 31 regions" is a part of a whole
    end = at + 1
    if end + 1 < len(doc) and doc[end + 1].tag_ in ("NN", "NNS"):
        end += 1  # "in five children"
    return doc[number.i + 1 : end + 1].text


def find_quantity(doc, indices, previous_units):
    """The first figure among the content's tokens, or None. A figure with no unit of its own
    that refers back ("that number") takes the unit of the figure given before it. A figure in
    words set off between commas ("The project, approved at a cost of $112 million, has run $40
    million over budget") is said in passing: the claim's own figure comes first."""
    aside = set_off(doc, indices)
    for index in sorted(indices - aside) + sorted(aside):
        token = doc[index]
        if not (token.like_num or token.tag_ == "CD") or token.ent_type_ in NOT_FIGURES:
            continue
        value = number_value(token)
        if value is not None and (share := ratio(token)):
            return Quantity(format(value.normalize(), "f"), share, qualifier_before(token))
        if re.fullmatch(r"(1[89]|20)\d\d", token.text) or (token.lower_ == "one" and token.dep_ != "nummod"):
            continue  # a year, or "one" as a pronoun
        if value is None:
            continue
        unit = unit_of(token) or part_of_whole(token)
        if not unit:
            refers_back = any(doc[i].lower_ in FIGURE_WORDS for i in indices)
            if refers_back and previous_units:
                unit = previous_units[-1]
            elif not refers_back:
                continue
        return Quantity(format(value.normalize(), "f"), unit, qualifier_before(token))
    return None


def set_off(doc, indices):
    """The tokens of a clause or apposition set off between commas on a noun of the content."""
    aside = set()
    for index in indices:
        token = doc[index]
        before, after = token.left_edge.i - 1, token.right_edge.i + 1
        between_commas = before >= 0 and after < len(doc) and doc[before].text == doc[after].text == ","
        if token.dep_ in ("acl", "relcl", "appos") and between_commas:
            aside |= {t.i for t in token.subtree}
    return aside
