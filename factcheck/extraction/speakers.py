"""Who a source is: the fullest mention of a person in the story, an institution or an unnamed
source, with the title and affiliation an apposition or a title before the name gives."""

import bisect
import re
from dataclasses import dataclass

from factcheck.extraction.lexicon import (
    ANONYMOUS_NOUNS,
    CIRCULATING_NOUNS,
    FEMALE_WORDS,
    INSTITUTION_NOUNS,
    MALE_WORDS,
    PRONOUNS,
    RANKS,
    ROLE_ABBREVIATIONS,
    ROLE_NOUNS,
    UNNAMED_SOURCE_NOUNS,
    singular,
)
from factcheck.extraction.proposal import INSTITUTION, PERSON, UNNAMED_GROUP

INSTITUTION_ENTITIES = {"ORG", "GPE", "NORP", "FAC"}
# "The company said" refers back to the last business the story named, "the group" to any body
# but a public one: names with these words are neither.
BUSINESS_NOUNS = {"company", "firm", "group", "bank"}
PUBLIC_BODY_NOUNS = {
    *("administration", "government", "police", "military", "ministry", "department", "agency", "authority"),
    *("authorities", "court", "committee", "commission", "council", "parliament", "congress", "senate"),
    *("office", "embassy", "army", "navy", "bureau", "pentagon", "kremlin"),
}
NOT_A_BUSINESS = PUBLIC_BODY_NOUNS | {"party", "campaign", "union", "university", "institute", "foundation"}
# "The club said": the last club named, whose name says it is one ("Riverton United", "Leeds FC").
CLUB_NOUNS = {"club", "team"}
# "The regulator said", the story naming no regulator: the public body that spoke before.
OVERSEERS = {"regulator", "watchdog"}
CLUB_WORDS = {"club", "fc", "afc", "cf", "united", "athletic", "rovers", "wanderers"}
PLACES = {"GPE", "NORP", "LOC", "FAC"}
OWNER_DEPS = ("compound", "nmod", "poss")
# Posts in an organisation, whose owner before them names one: "Bluewater chief executive", "Cal Fire spokesman".
ORGANISATION_POSTS = {
    *("executive", "chief", "spokesman", "spokeswoman", "spokesperson", "director", "head", "chair"),
    *("chairman", "chairwoman", "official", "officials", "founder", "ceo", "economist", "analyst"),
    *("researcher", "scientist", "officer", "commander", "engineer", "employee", "employees", "worker", "workers"),
}
# Posts held over a place or a body, whose "of" names it: "the mayor of Riverton" (not "the wife of").
OFFICES = ORGANISATION_POSTS - {"economist", "analyst", "researcher", "scientist", "employee", "employees"}
OFFICES |= {"mayor", "governor", "president", "premier", "minister", "chancellor", "secretary", "ambassador"}
OFFICES |= {"chairperson", "owner", "boss", "coach", "captain", "sheriff", "commissioner", "superintendent"}
OFFICES |= {"principal", "treasurer", "leader", "manager", "king", "queen", "bishop", "archbishop", "mp"}
# Words before a name that are not part of it: "US Secretary of State Antony Blinken" has the
# title "US Secretary of State"; "former Google CEO Eric Schmidt" the title "former Google CEO".
# "Secretary of State": an organisation after one of these is part of a title, not an affiliation.
TITLE_HEADS = {"Secretary", "Minister", "Director", "Chief", "Head", "Chairman", "Chair", "President", "Commissioner"}
# Posts whose words before them name a portfolio, not an organisation: "Transport Secretary",
# "Education Minister", "the health secretary", whatever the tagger makes of the department's word.
PORTFOLIO_HEADS = {"secretary", "minister"}
# Words in organisations' names, never in a person's.
ORGANISATION_WORDS = {
    "center",
    "centre",
    "ministry",
    "department",
    "party",
    "council",
    "committee",
    "agency",
    "institute",
    "university",
    "bank",
    "company",
    "group",
    "corp",
    "inc",
    "news",
    "times",
    "post",
    "office",
    "force",
    "forces",
    "army",
    "navy",
    "union",
    "association",
    "foundation",
    "commission",
    "court",
    "house",
    "senate",
    "congress",
    "parliament",
    "government",
    "service",
    "bureau",
    "organization",
    "organisation",
    "fund",
    "trust",
    "board",
    "authority",
    "police",
    "guard",
    "network",
    "media",
    "press",
    "radio",
    "tv",
    "club",
    "league",
    "school",
    "hospital",
    "airlines",
    "motors",
    "technologies",
    "systems",
    "labs",
    "capital",
    "partners",
    "holdings",
    "street",
    "avenue",
    "square",
    "city",
    "county",
    "state",
    "republic",
    "kingdom",
    "united",
    "north",
    "south",
    "east",
    "west",
    "new",
    # What an agency or a business does: "Cal Fire", "Metro Transit", "Yorkshire Water".
    *("fire", "water", "transit", "aid", "rescue", "rail", "railway", "railways", "energy", "electric"),
    *("gas", "health", "healthcare", "transport", "transportation", "housing", "relief", "emergency"),
    *("ambulance", "airport", "airways", "utilities", "utility", "insurance", "shipping", "telecom"),
    *("marine", "maritime", "lines", "ferries", "logistics", "industries", "enterprises", "ltd", "plc", "llc"),
    *("fc", "athletic", "rovers", "wanderers"),
    # What a business makes or sells: "Norvik Foods", "Halvard Pharmaceuticals" (not "Mills" or "Steel").
    *("foods", "pharmaceuticals", "pharma", "brewing", "brewery", "bakeries", "farms", "stores", "supermarkets"),
    *("retail", "mining", "construction", "chemicals", "hotels", "resorts"),
}
# Organisation words that are surnames too ("Cornel West", "Emily Post", "Margaret Court"): no sign
# on their own that a name the tagger took for a person's is an organisation's.
NAME_LIKE_WORDS = {"post", "house", "street", "avenue", "square", "city", "county", "state", "republic"}
NAME_LIKE_WORDS |= {"kingdom", "united", "north", "south", "east", "west", "new", "court", "press"}
# Words inside a name before the surname: "Ursula von der Leyen", "Luiz Inácio Lula da Silva".
NAME_PARTICLES = {
    "von",
    "van",
    "der",
    "den",
    "de",
    "da",
    "del",
    "della",
    "di",
    "du",
    "la",
    "le",
    "bin",
    "ter",
    "dos",
    "das",
    "zu",
}
# Words before a name that are a title, never a first name.
TITLE_WORDS = {
    "President",
    "Secretary",
    "Minister",
    "Senator",
    "Sen.",
    "Rep.",
    "Gov.",
    "Governor",
    "General",
    "Gen.",
    "Mayor",
    "Judge",
    "Justice",
    "Chancellor",
    "Prime",
    "Premier",
    "King",
    "Queen",
    "Prince",
    "Pope",
    "Ambassador",
    "Commander",
    "Colonel",
    "Captain",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    # As British papers write them, without a full stop: "Dr Emeka Obi", "Prof Halima Bello".
    *("Dr", "Mr", "Mrs", "Ms", "Prof"),
    "CEO",
    "Chairman",
    "Director",
    "Spokesman",
    "Spokeswoman",
    # Titles a tagger often takes into the name ("Councillor Maria Delgado", "Alderman Joe Brill").
    *("Councillor", "Cllr", "Councilman", "Councilwoman", "Alderman", "Alderwoman", "Assemblyman"),
    *("Assemblywoman", "Congressman", "Congresswoman", "Sheriff", "Inspector", "Detective", "Sergeant"),
    *RANKS,
    *("Lieutenant", "Professor", "Prof.", "Reverend", "Rev.", "Bishop", "Archbishop", "Rabbi"),
    *("Superintendent", "Constable", "Commissioner", "Prosecutor", "Magistrate", "Admiral", "Sir", "Dame"),
    # Peers' and rulers' titles: "Baroness Helena Kennedy", "Sheikh Tamim bin Hamad".
    *("Lord", "Lady", "Baron", "Baroness", "Earl", "Duke", "Duchess", "Sheikh", "Emir", "Sultan", "Imam"),
}
# How a paper addresses someone, which is no title ("Dr Emeka Obi, a hospital director," is titled
# "Hospital director"); a rank, "Lt. Gen.", is one.
ADDRESS_FORMS = {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"}
HONORIFICS = ADDRESS_FORMS | {
    "sen.",
    "rep.",
    "gov.",
    "gen.",
    "lt.",
    "col.",
    "sgt.",
}


@dataclass
class Speaker:
    name: str
    kind: str
    title: str = ""
    affiliation: str = ""
    mention: str = ""  # the words of the source as the story has them


def kind_of_name(name, types=()):
    """The kind of speaker a name given with no story around it stands for: an imported author.

    "Viral image", "Facebook posts", "Chain email", "Bloggers", "Multiple sources" and
    "Democrats" are unnamed sources or groups whatever type a feed gives them; a schema.org
    Organization (or one of its kinds), a name with an organisation's word ("Democratic National
    Committee", "League of Women Voters"), an acronym ("AFL-CIO", "Crossroads GPS") or a cause
    ("Americans for Prosperity") is an institution, unless a feed says a two-word name is a
    person's ("Emily Post"); the rest are people. A slug ("chain-email", "barack_obama") reads as
    its words.
    """
    words = _words(name)
    if not words:
        return UNNAMED_GROUP
    organisation = set(words) & (ORGANISATION_WORDS | INSTITUTION_NOUNS)
    circulating = words[-1] in CIRCULATING_NOUNS or words[-1].removesuffix("s") in CIRCULATING_NOUNS
    described = words[0] in UNNAMED_DESCRIPTORS or words[:2] == ["social", "media"]
    if (circulating or described or not organisation) and _stands_for_no_one(words):
        return UNNAMED_GROUP
    if any(kind.endswith(("Organization", "Party", "Corporation", "NGO")) for kind in types):
        return INSTITUTION
    a_persons_name = "Person" in types and len(words) == 2 and organisation == {words[-1]}
    if a_persons_name:
        return PERSON
    acronym = any(_ACRONYM.fullmatch(part) and part not in _NOT_ACRONYMS for part in name.split())
    cause = len(words) >= 3 and "for" in words[1:-1]
    return INSTITUTION if organisation or acronym or cause else PERSON


_ACRONYM = re.compile(r"[A-Z][A-Z&.-]*[A-Z]\.?")  # "GPS", "AFL-CIO", "U.S."; never one capital, "J."
_NOT_ACRONYMS = {"II", "III", "IV", "VI", "JR", "SR"}  # after a person's name


# Unnamed sources' nouns that say how someone is related to another, never a title before a name.
RELATIONS = {"person", "people", "source", "friend", "relative", "parent", "colleague", "neighbor", "neighbour"}
# Roles and the unnamed sources' nouns that can title a name ("Councillor", "Nurse").
PROFESSIONS = ROLE_NOUNS | (UNNAMED_SOURCE_NOUNS - RELATIONS)
# Professions by their ending: "Epidemiologist", "Pharmacist", "Statistician", "Psychiatrist".
PROFESSION_ENDING = re.compile(r"\w{3,}(?:ist|ician)")


def titles_a_name(word):
    """Whether a word before a person's name, or taken into it by the tagger, is the title: "Councillor"
    in "Councillor Maria Delgado", "Nurse" in "Nurse Jane Okoro", "Epidemiologist" in "Epidemiologist
    Emeka Obi" (a role or a profession capitalised before a name)."""
    if word in TITLE_WORDS:
        return True
    lower = word.lower()
    return word.istitle() and (lower in PROFESSIONS or bool(PROFESSION_ENDING.fullmatch(lower)))


def organisation_shaped(name):
    """Whether a name the tagger may take for a person's is an organisation's by its own words: a
    word of organisations' names no one's name holds ("Cal Fire", "Metro Transit") or an acronym
    ending it ("Cal OES"; "JD Vance" is a person's), or one of three letters or more opening it ("NHS England",
    "BBC Scotland")."""
    words = name.split()
    if {word.lower() for word in words} & (ORGANISATION_WORDS - NAME_LIKE_WORDS):
        return True
    if len(words) > 1 and words[-1] == "United":
        return True  # "Riverton United": a club, where "United" opens no one's name
    if len(words) > 1 and len(words[0]) > 2 and _ACRONYM.fullmatch(words[0]) and words[0] not in _NOT_ACRONYMS:
        return True
    return len(words) > 1 and bool(_ACRONYM.fullmatch(words[-1])) and words[-1] not in _NOT_ACRONYMS


def _words(name):
    """A name's words in lower case; hyphens and underscores of a slug ("chain-email") part them,
    a hyphenated word of the nouns above ("e-mail") stays whole."""
    words = []
    for word in re.findall(r"[\w'’-]+", name.lower().replace("_", " ")):
        if "-" in word and word not in CIRCULATING_NOUNS:
            words += [part for part in word.split("-") if part]
        else:
            words.append(word)
    return words


# Parties' and movements' people, named as a whole: "Democrats", "Republicans".
# Words that say what kind of organisation the name after them is: "Charity Shelter Cymru",
# "Patients' group Healthwatch Leeds", "Watchdog Ofwat".
ORGANISATION_DESCRIPTORS = {"group", "charity", "watchdog", "regulator", "union", "association", "campaign"}
ORGANISATION_DESCRIPTORS |= {"organisation", "organization", "coalition", "alliance", "society", "foundation"}
ORGANISATION_DESCRIPTORS |= {"think-tank", "thinktank", "lobby", "trust", "body", "firm", "company", "club"}

# One person speaking for an organisation, and the sex the word gives them ("she" after "a
# spokeswoman for Tesco" is her).
SPOKESPEOPLE = {"spokesman": "male", "spokeswoman": "female", "spokesperson": None}

GROUP_NOUNS = {
    *("democrat", "republican", "liberal", "conservative", "progressive", "libertarian", "independent"),
    *("american", "citizen", "taxpayer", "immigrant", "protester", "protestor", "lobbyist", "politician"),
    *("candidate", "pundit", "celebrity", "democrats", "republicans"),
}


# Words before a noun that make "image" or "user" nobody in particular: "Viral image", "Facebook user".
UNNAMED_DESCRIPTORS = {
    "campaign",
    "text",
    "blog",
    "news",
    "email",
    "e-mail",
    "political",
    "fake",
    "a",
    "an",
    "one",
    "some",
    "multiple",
    "various",
    "several",
    "many",
    "viral",
    "chain",
    "social",
    "online",
    "internet",
    "web",
    "anonymous",
    "unnamed",
    "unidentified",
    "facebook",
    "instagram",
    "twitter",
    "tiktok",
    "youtube",
    "reddit",
    "telegram",
    "whatsapp",
    "x",
}


def _stands_for_no_one(words):
    """ "Bloggers", "Facebook posts", "Experts", "Viral image", "A senior official"; not "Emily Post"."""
    last = words[-1]
    one = singular(last)
    if last != one and (last in CIRCULATING_NOUNS or one in CIRCULATING_NOUNS | UNNAMED_SOURCE_NOUNS | GROUP_NOUNS):
        return len(words) == 1 or words[0] in UNNAMED_DESCRIPTORS or one not in GROUP_NOUNS
    if words[:2] == ["social", "media"]:  # "Social media", "Social media posts"
        return True
    described = len(words) == 1 or words[0] in UNNAMED_DESCRIPTORS
    return described and (last in CIRCULATING_NOUNS | UNNAMED_SOURCE_NOUNS | {"user"})


def clean(text):
    """One line of text, without a leading "the" or a possessive ending."""
    text = " ".join(text.split()).strip(" ,;:-—–“”\"'‘’")
    text = re.sub(r"(?:'s|’s)$", "", text)
    return text


def capitalised(text):
    return text[:1].upper() + text[1:]


class People:
    """The people a story names, for resolving "Kovalenko" and "he" to "Andrii Kovalenko"."""

    def __init__(self, doc, is_outlet=lambda name: False):
        self.doc = doc
        self.is_outlet = is_outlet
        self.full_names = []  # (token index of the mention's start, full name)
        self.by_part = {}  # each word of a name -> the longest name containing it
        # "harbour master" tagged a person is a role, not a name: a name has a capital.
        persons = [entity for entity in doc.ents if entity.label_ == "PERSON" and not entity.text.islower()]
        named = self.without_words_before(self.person_entity(entity) for entity in persons)
        # The tagger takes many outlets for people ("told Bloomberg", "the Herald"): such a name is
        # nobody's "he" or "she", unless the story names a person so ("Michael Bloomberg").
        in_names = {
            word.lower() for _, name in named if len(name.split()) > 1 and not is_outlet(name) for word in name.split()
        }
        for entity, (start, name) in zip(persons, named, strict=True):
            # "the Herald": a paper named by one word is one only with its article.
            written = f"the {name}" if entity.start and doc[entity.start - 1].lower_ == "the" else name
            outlet = is_outlet(name) or is_outlet(written)
            if not name or (outlet and name.lower() not in in_names) or organisation_shaped(name):
                continue  # "Cal Fire", taken for a person, is nobody's "he" or "she"
            if _office_of(entity.root):
                continue  # "the mayor of Riverton", Riverton taken for a person: a place
            self.remember(name)
            self.full_names.append((start, name))
        self.add_names_the_tagger_missed()
        self.roles = self.roles_given()
        self.kept_apart = set()
        self.kept_apart = self.titled_apart()
        self.genders = self.genders_given()
        self.organisations = self.named_as_organisations()
        self.unnamed = set()  # one unnamed source ("A senior official"), whom a "he" or "she" may mean
        self.institutions_meant = {}  # where "the bank" stands -> the body it means (_institution_named_before)

    def without_words_before(self, named):
        """The names, each without a first word the story gives the name without elsewhere:
        "Sprinter Kemi Adeyola" in a headline is Kemi Adeyola, whom the body names so. The
        word is a description, whatever the tagger made of it."""
        named = list(named)
        names = {name for _, name in named}
        self.described = {}  # "Sprinter Kemi Adeyola" -> "Kemi Adeyola", for `fullest`
        shorter = []
        for start, name in named:
            words = name.split()
            if len(words) > 2 and " ".join(words[1:]) in names and not self.doc[start].is_lower:
                self.described[name] = " ".join(words[1:])
                start, name = start + 1, self.described[name]
            shorter.append((start, name))
        return shorter

    def person_entity(self, entity):
        """(where it starts, the name) of a person the tagger found: "Eszter Varga" where it saw
        "Varga", "Lior Ben-David" where it saw "Ben-David"."""
        # one word as written, "Varga" or "Ben-David" (three tokens)
        one_word = not any(token.whitespace_ for token in entity[:-1])
        before = self.doc[entity.start - 1] if entity.start and one_word else None
        if before is not None and not before.ent_type_ and _given_name(before, [before]) and self.name_of(entity):
            return before.i, f"{before.text} {self.name_of(entity)}"
        # "Dr Emeka Obi" where it saw "Dr Emeka": the capitalised word the name's words lead up to,
        # a name's last (no name follows it).
        after = self.doc[entity.end] if entity.end < len(self.doc) else None
        if (
            after is not None
            and not after.ent_type_
            and after.tag_ == "NNP"
            and after.is_title
            and entity[-1].dep_ == "compound"
            and entity[-1].head == after
            and (after.i + 1 == len(self.doc) or self.doc[after.i + 1].tag_ not in ("NNP", "NNPS"))
            and after.lower_ not in ORGANISATION_WORDS
            and self.name_of(entity)
        ):
            return entity.start, f"{self.name_of(entity)} {after.text}"
        return entity.start, self.name_of(entity)

    def add_names_the_tagger_missed(self):
        """ "Andrii Kovalenko" tagged as an organisation in one sentence and as a person in the
        next: a run of capitalised words ending with a known surname is that person's name. So is
        a First Last run with no organisation's word in it whose last word the story uses alone."""
        doc = self.doc
        alone = {
            token.lower_
            for token in doc
            if proper(token)
            and (token.i == 0 or doc[token.i - 1].tag_ != "NNP")
            and (token.i + 1 == len(doc) or doc[token.i + 1].tag_ not in ("NNP", "NNPS"))
        }
        # A pair the tagger took for a place is a person's name when the story uses its last word
        # alone as no place ("Thabo Mbeki" a place, "Mbeki said" an organisation); "South Korea"
        # then "Korea" stays a place.
        alone_not_a_place = {
            token.lower_
            for token in doc
            if token.lower_ in alone and token.ent_type_ in ("ORG", "PERSON") and doc[token.i - 1].tag_ != "NNP"
        }
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if (
                token.lower_ in alone
                and token.lower_ not in self.by_part
                and token.tag_ == "NNP"
                # "Ines Costa": the tagger reads some given names as plural proper nouns.
                and previous.tag_ in ("NNP", "NNPS")
                and token.is_title
                and previous.is_title
                and (token.i < 2 or doc[token.i - 2].tag_ != "NNP")
                and (token.i + 1 == len(doc) or doc[token.i + 1].tag_ != "NNP")
                and (
                    token.ent_type_ not in PLACES | {"DATE"}
                    or (token.ent_iob_ == "I" and token.ent_type_ in PLACES and token.lower_ in alone_not_a_place)
                )
                and not {previous.lower_, token.lower_} & ORGANISATION_WORDS
                and previous.text not in TITLE_WORDS
            ):
                name = f"{previous.text} {token.text}"
                self.by_part[token.lower_] = self.by_part[previous.lower_] = name
                self.full_names.append((previous.i, name))
        for entity in doc.ents:
            if entity.label_ in ("ORG", "PRODUCT", "WORK_OF_ART") and (span := self.persons_name(entity)):
                name = clean(span.text)
                self.remember(name)
                self.full_names.append((span.start, name))
        for token in doc:
            # "Ana Ruiz is the mayor", "Ana Ruiz, the mayor of Riverton,": a name the tagger did not
            # see, given a person's role.
            run = [t for t in token.lefts if t.dep_ == "compound" and t.tag_ == "NNP"] + [token]
            if token.ent_type_ or token.tag_ != "NNP" or any(t.ent_type_ for t in run) or len(run) < 2:
                continue
            span = doc[run[0].i : token.i + 1]
            if len(span) == len(run) and self.persons_name(span, by_role_only=True):
                name = clean(span.text)
                self.remember(name)
                self.full_names.append((span.start, name))
        for title in doc[:-2]:
            # "Mayor Ines Costa closed the bridge": a title, then a name the tagger did not see.
            if not titles_a_name(title.text):
                continue
            end = title.i + 1
            while end < len(doc) and end - title.i <= 3 and doc[end].tag_ in ("NNP", "NNPS") and doc[end].is_title:
                end += 1
            run = doc[title.i + 1 : end]
            # "Prof Halima Bello" tagged an organisation whole: a title and a name all the same.
            titled_entity = title.ent_iob_ == "B" and (end == len(doc) or doc[end].ent_iob_ != "I")
            if title.ent_type_ in INSTITUTION_ENTITIES | PLACES and not titled_entity:
                continue
            if (
                2 <= len(run) <= 3
                and not any(token.ent_type_ == "PERSON" or token.text in TITLE_WORDS for token in run)
                and not {token.lower_ for token in run} & ORGANISATION_WORDS
                and (end == len(doc) or doc[end].tag_ not in ("NNP", "NNPS"))
            ):
                name = clean(run.text)
                self.remember(name)
                self.full_names.append((run.start, name))
        for token in doc:
            if not proper(token) or token.lower_ not in self.by_part or token.ent_type_ == "PERSON":
                continue
            start = token.i
            while (
                start > 0
                and token.i - start < 2
                and doc[start - 1].tag_ == "NNP"
                and doc[start - 1].is_title
                and doc[start - 1].ent_type_ not in ("GPE", "NORP", "FAC")
                and not titles_a_name(doc[start - 1].text)
                and doc[start - 1].lower_ not in ROLE_NOUNS | UNNAMED_SOURCE_NOUNS
            ):
                start -= 1
            name = clean(doc[start : token.i + 1].text)
            self.remember(name)
            self.full_names.append((start, name))
        self.full_names.sort()

    def persons_name(self, entity, by_role_only=False):
        """The span of a person's name the tagger took for an organisation's or a product's, or None.

        "Nadia Kravets, who chairs the union", "Ines Costa, the mayor", "economist Eszter Varga",
        "Ines Costa said … She added …": the name is a person's when the story treats it as one,
        with a "who" clause or a person's role beside it, or "he" or "she" next, before anyone
        else is named. A company's name of the same shape ("Kaleva Lines said") has none of these."""
        doc = self.doc
        tokens = [token for token in entity if token.tag_ != "POS"]
        if len(tokens) == 1 and entity.start > 0 and _given_name(doc[entity.start - 1], [doc[entity.start - 1]]):
            tokens.insert(0, doc[entity.start - 1])  # "Eszter Varga" with only "Varga" tagged
        if not 2 <= len(tokens) <= 3 or not all(
            token.tag_ in ("NNP", "NNPS") and token.is_title and token.is_alpha for token in tokens
        ):
            return None
        span = doc[tokens[0].i : tokens[-1].i + 1]
        words = {token.lower_ for token in tokens}
        if (
            words & (ORGANISATION_WORDS | INSTITUTION_NOUNS)
            or tokens[0].text in TITLE_WORDS
            or self.is_outlet(span.text)
        ):
            return None
        people_nouns = ROLE_NOUNS | UNNAMED_SOURCE_NOUNS
        root = span.root
        for child in root.children:
            relative = [t for t in child.subtree if t.i < child.i and t.lower_ in ("who", "whom", "whose")]
            if (child.dep_ == "relcl" and relative) or (child.dep_ == "appos" and child.lower_ in people_nouns):
                return span
            if child.dep_ in ("compound", "amod", "nmod") and child.i < span.start and child.lower_ in people_nouns:
                return span
        if root.dep_ == "appos" and root.head.lower_ in people_nouns:
            return span  # "the economist, Eszter Varga,"
        if root.dep_ == "nsubj" and any(
            child.dep_ == "attr" and child.lower_ in people_nouns | ORGANISATION_POSTS for child in root.head.children
        ):
            return span  # "Nadia Kravets is the mayor", "… became the chief executive"
        if by_role_only:
            return None
        # "Ines Costa said the strike would go on. She added …": "he" or "she" next is that person.
        sentence = span.sent
        end = doc[sentence.end].sent.end if sentence.end < len(doc) else sentence.end
        for token in doc[span.end : end]:
            if token.ent_type_ == "PERSON":
                return None
            if token.lower_ in ("he", "she") and token.dep_ in ("nsubj", "nsubjpass"):
                return span
        return None

    def roles_given(self):
        """(token index, name, words of the role) for each mention of a person with a role beside
        it: "Mayor Ines Costa", "Health Minister Dana Whitlock", "Roberto Silva, the city engineer"."""
        doc, roles = self.doc, []
        for start, name in self.full_names:
            span = doc.char_span(doc[start].idx, doc[start].idx + len(name), alignment_mode="expand")
            if span is None:
                continue
            words = set()
            before = span.start - 1
            while (
                before >= 0
                # "… and Finance Minister Serhiy Marchenko": the parser may join the title to the name before.
                and doc[before].dep_ in ("compound", "amod", "nmod", "conj")
                and doc[before].is_alpha
                and doc[before].lower_ not in self.by_part  # "Ines" before "Costa": the name, not a role
            ):
                words.add(doc[before].lower_)
                before -= 1
            for child in span.root.children:
                if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                    words |= {token.lower_ for token in doc[child.left_edge.i : child.i + 1] if token.is_alpha}
            if span.root.dep_ == "appos" and span.root.head.i < span.start:  # "Her husband, Tom Garza,"
                role = span.root.head
                words |= {token.lower_ for token in doc[role.left_edge.i : role.i + 1] if token.is_alpha}
            if words:
                roles.append((start, name, words))
        return roles

    def sexes_marked(self):
        """{name as written: the sexes its own mentions mark}: a title before it ("Mrs Clarke") or
        a role beside it ("her husband, Peter Clarke")."""
        marked = {}
        roles = {(start, name): words for start, name, words in self.roles}
        for start, name in self.full_names:
            words = {self.doc[i].lower_ for i in (start - 1, start) if i >= 0} | roles.get((start, name), set())
            for gender, gendered in (("male", MALE_WORDS), ("female", FEMALE_WORDS)):
                if words & gendered:
                    marked.setdefault(name, set()).add(gender)
        return marked

    def titled_apart(self):
        """Surnames that are not the fuller name holding them, because the story marks the two of
        different sexes: "Mrs Clarke" is not "her husband, Peter Clarke"."""
        marked = self.sexes_marked()
        apart = set()
        for name, sexes in marked.items():
            fuller = self.fullest(name)
            if fuller != name and len(sexes) == 1 and marked.get(fuller, sexes) | sexes != sexes:
                apart.add(name)
        return apart

    def genders_given(self):
        """{name: {"male"} or {"female"}} for the people the story itself says are men or women: a
        title before the name ("Ms Garza", "Mr Holloway"), or a role beside it ("her husband, Tom
        Garza", "the spokeswoman, Jane Doe"). No list of given names: "Anna" says nothing. Later
        a "he" or "she" the engine resolves tells it too (`learn`). A name given both (two people
        the story calls by one surname) is nobody's."""
        genders = {}
        for name, sexes in self.sexes_marked().items():
            genders.setdefault(self.fullest(name), set()).update(sexes)
        return genders

    def named_as_organisations(self):
        """Names the story uses as an organisation's, whatever the tagger made of them: the owner of
        a post in it ("Bluewater chief executive Sara Lind", "Cal Fire spokesman Ed Brown",
        "Bluewater's chief executive"), where no person's fuller name holds the name ("Clinton
        spokesman" where the story names Hillary Clinton is hers)."""
        names = set()
        for noun in self.doc:
            if noun.tag_ not in ("NN", "NNS") or noun.lower_ not in ORGANISATION_POSTS - PORTFOLIO_HEADS:
                continue  # "Transport secretary": a portfolio, no organisation
            # "chief executive", "battalion chief": the owner hangs from any common noun before the post
            owners = [
                token
                for token in noun.subtree
                if token.i < noun.i
                and token.dep_ in OWNER_DEPS
                and token.tag_ in ("NNP", "NNPS")
                and token.head.tag_ in ("NN", "NNS", "JJ")
                and token.head.lower_ not in INSTITUTION_NOUNS  # "Trump campaign spokesman": his campaign's
            ]
            for owner in owners:
                run = [t for t in owner.subtree if t.tag_ in ("NNP", "NNPS") and t.is_title and t.i <= owner.i]
                if not run or run[-1].i != owner.i or any(t.text in TITLE_WORDS for t in run):
                    continue
                name = clean(self.doc[run[0].i : owner.i + 1].text)
                if self.fullest(name) == name and not self.gender(name):
                    names.add(name)
        return names

    def organisation(self, name, index):
        """Whether `name`, a person's to the tagger, speaking at token `index`, is an organisation's:
        one the story uses as one (`named_as_organisations`), one its words make one ("Cal Fire",
        `organisation_shaped`) that no fuller name holds, or one word that no fuller name
        holds, no title or honorific comes before anywhere, and no "he" or "she" follows in its
        sentence or the next ("Bluewater said in a statement", where "Novak said" in a story naming
        Tomas Novak is his)."""
        if name in self.organisations:
            return True
        if organisation_shaped(name) and self.fullest(name) == name and not self.gender(name):
            return True  # "Cal Fire said", "Metro Transit said"
        if len(name.split()) != 1 or self.fullest(name) != name or self.gender(name) or name.lower() in HONORIFICS:
            return False
        doc = self.doc
        for token in doc:
            if (
                token.text == name
                and token.i
                and (doc[token.i - 1].text in TITLE_WORDS or doc[token.i - 1].lower_ in HONORIFICS)
            ):
                return False
            if token.text == name and _who(token):
                return False  # "Okafor, who led the study,": someone's name, where "Bluewater, which …" is not
        sentence = doc[index].sent
        end = doc[sentence.end].sent.end if sentence.end < len(doc) else sentence.end
        return not any(token.lower_ in ("he", "she", "his", "her") for token in doc[index:end])

    def gender(self, name):
        """ "male", "female", or None when the story does not say."""
        known = self.genders.get(self.fullest(name), set())
        return next(iter(known)) if len(known) == 1 else None

    def learn(self, name, gender):
        """ "She said …" resolved to `name`: a later "he" is someone else."""
        if gender in ("male", "female") and name:
            self.genders.setdefault(self.fullest(name), {gender})

    def holder(self, role, index, later=True):
        """The person the story gives `role` ("mayor", or "health minister": all its words) to:
        the one named last before token `index`, else (if `later`) the only one the story names with it."""
        wanted = set(role.lower().split())
        holders = [(start, name) for start, name, words in self.roles if wanted <= words]
        before = [name for start, name in holders if start < index]
        if before:
            return self.fullest(before[-1])
        if later and len({self.fullest(name) for _, name in holders}) == 1:
            return self.fullest(holders[0][1])
        return None

    def title_given(self, name):
        """ "Agriculture Minister" for Taras Vysotskyi: the words of a role the story sets right before
        the person's name; "" when it gives the role only beside it ("Roberto Silva, the city engineer")."""
        for start, named, words in self.roles:
            before = start
            while before > 0 and self.doc[before - 1].lower_ in words:
                before -= 1
            if before < start and self.fullest(named) == name:
                return capitalised(self.doc[before:start].text)
        return ""

    def mention(self, start, name):
        """ "The mayor" said something: "she" after it is the mayor, though no name was given."""
        bisect.insort(self.full_names, (start, name))

    def mention_unnamed(self, start, name):
        """ "One senior nurse said": "she" after it is the nurse, an unnamed source still."""
        self.mention(start, name)
        self.unnamed.add(name)

    def unnamed_before(self, start, noun):
        """ "The official said" after "A senior official at the authority said": the unnamed source
        quoted last before `start` whose words hold the noun; None when the story quoted none."""
        for at, name in reversed(self.full_names):
            if at < start and name in self.unnamed and noun in name.lower().split():
                return name
        return None

    def remember(self, name):
        """Each word of `name` stands for it, unless a longer name holds the word."""
        for word in name.split():
            known = self.by_part.get(word.lower())
            if known is None or len(name) > len(known):
                self.by_part[word.lower()] = name

    def add(self, start, name):
        """A person's name settled from a source the tagger did not see as a person: later mentions find it."""
        self.remember(name)
        bisect.insort(self.full_names, (start, name))

    @staticmethod
    def name_of(entity):
        """The entity's words as written ("Ban Ki-moon"), without "Mr." before or "'s" after."""
        tokens = [token for token in entity.doc[entity.start : particle_end(entity)] if token.tag_ != "POS"]
        while tokens and (tokens[0].lower_ in HONORIFICS or (titles_a_name(tokens[0].text) and len(tokens) > 2)):
            tokens.pop(0)  # "Councillor Maria Delgado" is Maria Delgado
        if not tokens:
            return ""
        return clean(entity.doc[tokens[0].i : tokens[-1].i + 1].text)

    def fullest(self, name):
        """ "Kovalenko" -> "Andrii Kovalenko": the longest name that ends with or contains it."""
        name = self.described.get(name, name)
        words = name.split()
        if not words or name in self.kept_apart:
            return name
        candidate = self.by_part.get(words[-1].lower())
        if candidate and len(candidate) > len(name) and all(word.lower() in candidate.lower() for word in words):
            return candidate
        return name

    def person_before(self, index, sentences_back=6, gender=None):
        """The person the story last named before token `index`, not inside a quotation; with a
        `gender` ("she"), not one the story says is of the other."""
        _, name = self.last_named(index, sentences_back, gender)
        return self.fullest(name) if name else None

    def last_named(self, index, sentences_back=6, gender=None):
        """(token index, name) of the story's last mention of a person before token `index`,
        within `sentences_back` sentences, of `gender` or of one the story does not say; (None,
        None) when there is none."""
        sentence_start = self.doc[index].sent.start
        limit = sentence_start
        for _ in range(sentences_back):
            if limit == 0:
                break
            limit = self.doc[limit - 1].sent.start
        best = (None, None)
        for start, name in self.full_names:
            if limit <= start < index and self.gender(name) in (None, gender or self.gender(name)):
                best = (start, name)
        return best


def describe(doc, source, people, quoted):
    """The Speaker for a source given as token indices ([] when the attribution names none): a
    person's name the story uses as an organisation's ("Bluewater said in a statement", "Cal Fire
    said" where it also has "Cal Fire spokesman Ed Brown") is an institution."""
    speaker = _describe(doc, source, people, quoted)
    if named := _NAMED_WITH_ITS_ARTICLE.match(_with_name_after(doc, source, speaker.mention or "")):
        # "Fans' group the 1958": the name, which keeps its "the" when it is a number.
        name = named["name"] if named["name"][:1].isalpha() else f"The {named['name']}"
        return Speaker(name, INSTITUTION, mention=speaker.mention)
    if source and (named := _beside_organisation_word(doc, source)):
        return Speaker(named, INSTITUTION, mention=speaker.mention)  # "Ofwat, the water regulator, said"
    if source and (described_as := _organisation_beside_description(doc, source)):
        return Speaker(*described_as, mention=speaker.mention)  # "The ferry operator, Lakeside Lines, said"
    if speaker.kind == PERSON and (named := _described_organisation(speaker)):
        return Speaker(named, INSTITUTION, mention=speaker.mention)
    if speaker.kind == PERSON and not speaker.title and source and people.organisation(speaker.name, source[0]):
        return Speaker(speaker.name, INSTITUTION, mention=speaker.mention)
    return speaker


def _who(token):
    """Whether a relative clause on `token` opens with "who", "whom" or "whose"."""
    return any(child.dep_ == "relcl" and child.left_edge.lower_ in ("who", "whom", "whose") for child in token.children)


def source_head(doc, source):
    """The token of a source's span that heads it (its own head is outside the span, or itself)."""
    return next((doc[i] for i in source if doc[i].head.i not in source or doc[i].head.i == i), doc[source[0]])


def _named_for_its_country(entity, source):
    """ "Diabetes UK", "Alzheimer's Research UK", "Amnesty International UK": an organisation's name
    ending in the country the tagger took for the whole; None when no name runs up to the place."""
    if entity.label_ not in ("GPE", "LOC"):
        return None
    doc, start = entity.doc, entity.start
    while start > 0 and start - 1 in source and doc[start - 1].ent_type_ not in ("GPE", "NORP", "LOC"):
        before = doc[start - 1]
        owned = before.tag_ == "POS" and start > 1 and doc[start - 2].tag_ == "NNP"
        if not (before.tag_ in ("NNP", "NNPS", "NN", "NNS") and before.is_title) and not owned:
            break
        start -= 1
    return clean(doc[start : entity.end].text) if start < entity.start else None


# "Fans' group the 1958", "Pressure group the Taxpayers' Alliance": a word for an organisation, "the"
# and a name (a capitalised run, or one opening with a number).
_NAMED_WITH_ITS_ARTICLE = re.compile(
    rf"^(?:[\w'’-]+ ){{0,3}}(?i:{'|'.join(sorted(ORGANISATION_DESCRIPTORS))}) the "
    r"(?P<name>[A-Z0-9][\w'’.&-]*(?: (?:of |for |and )?[A-Z0-9][\w'’.&-]*)*)$"
)


def _with_name_after(doc, source, mention):
    """The mention with "the" and a name after it that the parser left out of the source
    ("Supporters' group the Red Army said", with "Army" made a subject of its own)."""
    end = source[-1] + 1 if source else 0
    if not source or end >= len(doc) or doc[end].lower_ != "the":
        return mention
    name = end + 1
    while name < len(doc) and doc[name].tag_ in ("NNP", "NNPS", "CD", "POS"):
        name += 1
    return f"{mention} {doc[end:name].text}" if name > end + 1 else mention


def _beside_organisation_word(doc, source):
    """ "Ofwat, the water regulator,", "the energy regulator Ofgem": a name the parser hangs a word
    for an organisation on, beside it or before it, which the tagger may take for a person's or
    miss; None for a source with no such name."""
    head = source_head(doc, source)
    if head.tag_ == "NN" and head.lower_ in ORGANISATION_DESCRIPTORS:  # "the regulator, Ofwat,", "… regulator Ofgem"
        head = next((child for child in head.children if child.dep_ == "appos" and child.tag_ == "NNP"), head)
    if head.tag_ != "NNP":
        return None
    if head.dep_ == "appos" and head.head.lower_ in ORGANISATION_DESCRIPTORS and head.head.i in source:
        return clean(doc[head.left_edge.i : head.i + 1].text)
    for child in head.children:
        beside = child.dep_ == "appos" and child.i > head.i and child.tag_ == "NN"
        before = child.dep_ == "compound" and child.i < head.i and child.tag_ == "NN"
        if (beside or before) and child.lower_ in ORGANISATION_DESCRIPTORS:
            return _name_ending_at(doc, head, after=-1 if beside else child.i)
    return None


def _name_ending_at(doc, head, after=-1):
    """The name `head` ends, with its capitalised words before it after index `after`, an owner's
    included ("Information Commissioner's Office", which was "Office")."""
    words = [t for t in head.lefts if t.dep_ in ("compound", "poss") and t.tag_ in ("NNP", "NNPS") and t.i > after]
    start = min((t.left_edge.i for t in words), default=head.i)
    while start < head.i and doc[start].dep_ == "det":
        start += 1
    return clean(doc[start : head.i + 1].text)


def _organisation_beside_description(doc, source):
    """ "The Riverton ferry operator, Lakeside Lines,": the organisation's name set beside a common
    noun describing it, as (name, kind, the description as its title); None for any other source,
    "the mayor, Ana Ruiz," included."""
    head = source_head(doc, source)
    if head.tag_ != "NN":
        return None
    for child in head.children:
        if child.dep_ == "appos" and child.tag_ in ("NNP", "NNPS") and child.i in source:
            name = clean(doc[child.left_edge.i : child.i + 1].text)
            if organisation_shaped(name):
                words = [token for token in doc[head.left_edge.i : head.i + 1] if token.dep_ != "det"]
                return name, INSTITUTION, capitalised(" ".join(token.text for token in words))
    return None


def _described_organisation(speaker):
    """ "Patients' group Healthwatch Leeds", "Charity Shelter Cymru", "Watchdog Ofwat": the name after
    a word for an organisation, which the tagger took for a person's; None for anyone else."""
    words = speaker.name.split()
    if len(words) >= 2 and words[0].lower() in ORGANISATION_DESCRIPTORS:
        return " ".join(words[1:])
    before = speaker.mention[: speaker.mention.find(speaker.name)].split() if speaker.name in speaker.mention else []
    return speaker.name if before and before[-1].lower() in ORGANISATION_DESCRIPTORS else None


def _describe(doc, source, people, quoted):
    if not source:
        return Speaker("", UNNAMED_GROUP)
    tokens = [doc[i] for i in source]
    mention = clean(doc[source[0] : source[-1] + 1].text)
    head = source_head(doc, source)

    # A word the story uses in a person's name ("Kovalenko") is that person, however NER tags it.
    if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl" and head.head.head.i != head.head.i:
        # "the council, which said ...": the source span is "which", the speaker the council.
        clause = head.head
        antecedent = clause.head
        relative = {token.i for token in clause.subtree}
        indices = [token.i for token in antecedent.subtree if token.i not in relative and not token.is_punct]
        if indices and head.i not in indices:
            return _describe(doc, indices, people, quoted)
    person = [
        token
        for token in tokens
        if (named_person(token) or (proper(token) and token.lower_ in people.by_part)) and not quoted(token.i)
    ]
    if head.lower_ in PRONOUNS:
        return pronoun_speaker(doc, head, people, mention)
    apposed = [t for t in person for child in head.children if child.dep_ == "appos" and t in child.subtree]
    beside_organisation = []
    if not apposed and _someone_of(head) and all(t.i > head.i for t in person):
        # "a spokesman for the Eastern Group of Forces, Colonel Serhiy Lysak,": the parser set the
        # name beside the organisation, which no person is; it names the spokesman. So it does
        # beside a body the tagger sees no name in: "the chair of the traders' association".
        apposed = beside_organisation = [
            t
            for t in person
            for node in tokens
            if node.dep_ == "appos"
            and node.ent_type_ == "PERSON"
            and (node.head.ent_type_ in ("ORG", "GPE", "NORP") or node.head.lower_ in ORGANISATION_WORDS)
            and node.head.i > head.i
            and t in node.subtree
        ]
    if apposed:
        person = apposed  # "Olenko's spokeswoman, Irina Vask, said": Vask, not Olenko
    elif _someone_of(head) and person and all(_owns(head, token) for token in person):
        person = []  # "Pritchard's lawyer said": the lawyer, not Pritchard ("Trump's tweet" is his)
    # "Ursula von der Leyen", the tagger's person ending at "der", "Leyen" taken for a place.
    after_particle = head.i > 0 and doc[head.i - 1].lower_ in NAME_PARTICLES and doc[head.i - 1].ent_type_ == "PERSON"
    if person and (
        head in person
        or head.dep_ in ("appos",)
        or beside_organisation
        or after_particle
        or _name_near_head(head, person)
    ):
        return person_speaker(doc, tokens, head, person, people, mention)
    if _surname_after_given_name(doc, head, tokens):
        # "Andrii Kovalenko said" with "Kovalenko" tagged an organisation, "Andrii" nothing: a person.
        speaker = person_speaker(doc, tokens, head, [doc[head.i - 1], head], people, mention)
        people.add(head.i - 1, speaker.name)
        return speaker
    if _bare_common_noun(head) and head.lower_ not in INSTITUTION_NOUNS | ROLE_NOUNS | SPOKESPEOPLE.keys():
        return _unnamed(head, source, people, mention)  # "…, harbour says": no name, however the tagger reads it
    if _plural_opening_sentence(head, source) and head.lower_ not in INSTITUTION_NOUNS:
        return _unnamed(head, source, people, mention)  # "Neighbours said …", tagged an organisation
    one = _counted_one(head)
    named_like = head.ent_type_ in INSTITUTION_ENTITIES or head.tag_ == "NNP"
    if one and named_like and head.tag_ in ("NN", "NNP") and head.lower_ not in INSTITUTION_NOUNS | SPOKESPEOPLE.keys():
        return _unnamed(head, source, people, mention)  # "a local GP", "a Labour MP": one of many, not a body's name
    headline_role = _in_headline(head) and _role(head)  # "Coach says", whatever the tagger took it for
    if not headline_role and (
        head.ent_type_ in INSTITUTION_ENTITIES or (head.lower_ in INSTITUTION_NOUNS and head.tag_ in ("NN", "NNP"))
    ):
        entity = next((e for e in doc.ents if e.start <= head.i < e.end), None)
        if entity is not None and _one_of_many(entity, head):
            entity = None  # "Russia's defence ministry": every country has one, the possessor says whose
        name = clean(entity.text if entity is not None else _noun_phrase(head))
        if entity is not None and (named := _named_for_its_country(entity, source)):
            name = named
        if entity is None:
            named = _institution_named_before(doc, head, people) or _named_after_headline(doc, head, people)
            bare = head.tag_ == "NN" and not any(child.dep_ in ("det", "poss") for child in head.children)
            # "…, council says" the story names nowhere: the council, as its body's "the council said" is.
            name = named or (f"the {name}" if bare and name.islower() and _in_headline(head) else name)
        # "The central bank" the story names nowhere stays a description, not a body called "Central bank".
        if not all(word.islower() for word in name.split()[1:]):
            name = without_the(name)
        return Speaker(capitalised(name), INSTITUTION, mention=mention)
    if role := _role(head):
        # "The mayor said": one person, the one the story gives the role to if it names them.
        words = [token for token in head.subtree if token.i <= head.i and token.dep_ in ("amod", "compound")]
        title = " ".join(token.text for token in sorted([*words, head], key=lambda token: token.i))
        # A role one person holds may be given further down ("The mayor said" in the lede); a
        # word for many ("the analyst") only refers back.
        later = head.lower_ in ROLE_NOUNS or head.lower_ in ROLE_ABBREVIATIONS
        name = people.holder(role, source[0], later) or people.holder(head.lower_, source[0], later)
        if name:
            people.mention(source[0], name)
            return Speaker(name, PERSON, people.title_given(name), mention=mention)
        if (quoted := _the_one_quoted(head, source, people)) is not None:
            return Speaker(quoted, UNNAMED_GROUP, mention=mention)
        described_as = _noun_phrase(head)
        if spelt := ROLE_ABBREVIATIONS.get(head.lower_):  # "PM says": "The prime minister"
            described_as, title = described_as[: -len(head.text)] + spelt, title[: -len(head.text)] + spelt
        if described_as.split()[0].lower() != "the" and not any(child.dep_ == "poss" for child in head.children):
            # "minister says" in a headline; "Minister says" opening it is "the minister" too.
            opening = head.doc[0]
            if head.left_edge.i == 0 and opening.lower_ in ROLE_NOUNS:
                described_as = opening.lower_ + described_as[len(opening.text) :]
            described_as = f"the {described_as}"
        people.mention(source[0], capitalised(described_as))
        for sex, words in (("male", MALE_WORDS), ("female", FEMALE_WORDS)):
            if head.lower_ in words:
                people.learn(capitalised(described_as), sex)  # "Her husband said she …": she is someone else
        return Speaker(capitalised(described_as), PERSON, capitalised(title), mention=mention)
    if head.lower_ in SPOKESPEOPLE and head.tag_ in ("NN", "NNP"):
        # "A spokeswoman for Tesco", "a Tesco spokeswoman": one person speaking for it, as "Reed's
        # spokesman" and "Tesco spokeswoman Ana Ruiz" are, whom a later "she" means.
        name = capitalised(_noun_phrase(head))
        people.mention(source[0], name)
        people.learn(name, SPOKESPEOPLE[head.lower_])
        return Speaker(name, PERSON, capitalised(head.lower_), _spoken_for(head, people), mention)
    if head.lower_ in UNNAMED_SOURCE_NOUNS or head.lower_[:-1] in UNNAMED_SOURCE_NOUNS or head.tag_ == "NNS":
        return _unnamed(head, source, people, mention)
    if head.tag_ in ("NNP", "NNPS"):
        # No person tagged: "Mayor Ines Costa" and "harbour master Ines Costa" are Ines Costa, her
        # title before her name; so is "Ines Costa, the harbour master".
        words = _noun_phrase(head).split()
        # A role capitalised before a name is a title when two words or more of the name follow it:
        # "Pastor Femi Adeyemi", not "Lady Gaga".
        title = [word in TITLE_WORDS or (titles_a_name(word) and len(words) - i > 2) for i, word in enumerate(words)]
        named_at = next((i for i, word in enumerate(words) if word.istitle() and not title[i]), 0)
        titles = words[:named_at]
        ranked = all(title[i] or word.islower() for i, word in enumerate(titles))
        if not ranked or not {*titles} - {"the", "a", "an"}:
            named_at, titles = 0, []
        words = words[named_at:]
        name = people.fullest(" ".join(words))
        if titles and 2 <= len(words) <= 3 and all(word.istitle() for word in words):
            people.add(source[0] + named_at, name)  # a title and a person's name: "Costa" later is her
        title = re.sub(r"^(the|a|an)\s+", "", " ".join(titles) or _apposed_role(head))
        return Speaker(name, PERSON, capitalised(title), mention=mention)
    return _unnamed(head, source, people, mention)


def _unnamed(head, source, people, mention):
    """An unnamed source; one person ("A senior official", "One senior nurse") is whom a "he" or
    "she" after it means, not the person named before (a body, "a disciplinary panel", is no one's),
    and whom "the official" means after it."""
    if (quoted := _the_one_quoted(head, source, people)) is not None:
        return Speaker(quoted, UNNAMED_GROUP, mention=mention)
    # "The operator said" after "the ferry operator, Lakeside Lines"; "Ferry operator says" above it.
    if head.tag_ == "NN" and not _counted_one(head) and (named := _named_as(head.doc, head, ahead=_in_headline(head))):
        person = {word.lower() for word in named.split()} <= people.by_part.keys()
        return Speaker(people.fullest(named) if person else named, PERSON if person else INSTITUTION, mention=mention)
    if (named := _organisation_headed_by(head, people)) is not None:
        return Speaker(named, INSTITUTION, mention=mention)  # "The unit said" after "The Athletics Integrity Unit"
    name = capitalised(_noun_phrase(head))
    if _bare_common_noun(head):
        name = capitalised(f"the {_noun_phrase(head)}")  # "…, port says" in a headline: the port, no one named Port
    if _counted_one(head) and head.tag_ == "NN" and head.lower_ in UNNAMED_SOURCE_NOUNS | ROLE_NOUNS:
        people.mention_unnamed(source[0], name)
    return Speaker(name, UNNAMED_GROUP, mention=mention)


def _organisation_headed_by(head, people):
    """ "The unit", "the integrity unit": the organisation the story named before whose name's head
    is that noun ("Athletics Integrity Unit", "Athletics Federation of Nigeria"), the last that
    did something in the story, else the last; None when "the" refers to none."""
    children = list(head.children)
    if head.tag_ != "NN" or [child.lower_ for child in children if child.dep_ in ("det", "poss")] != ["the"]:
        return None
    described_as = {child.lower_ for child in children if child.i < head.i and child.dep_ in ("amod", "compound")}
    meant = [
        (name, entity)
        for name, words, entity in _organisations_named(head.doc, people, lambda entity: entity.end <= head.i)
        if entity.root.lower_ == head.lower_ and described_as <= words
    ]
    return without_the(_last_acting(meant)) if meant else None


def without_the(name):
    """The name without an article opening it: "the Athletics Integrity Unit" -> "Athletics Integrity Unit"."""
    return re.sub(r"^(the|The)\s+", "", name)


def _in_headline(token):
    """Whether `token` is in the story's first line, with no full stop: its headline."""
    sentence = token.sent
    words = [word for word in sentence if not word.is_space]
    return sentence.start == 0 and bool(words) and words[-1].text not in (".", "!", "?")


def _the_one_quoted(head, source, people):
    """ "The official said", "the engineer said": the one unnamed source the story quoted before
    with that noun ("A senior official at the authority"), or None."""
    bare = [child for child in head.children if child.i < head.i]
    if head.tag_ != "NN" or [child.lower_ for child in bare] != ["the"]:
        return None
    return people.unnamed_before(source[0], head.lower_)


def _office_of(token):
    """Whether `token` is what "of" names after a post held over a place or a body ("the mayor of
    Riverton", "chief executive of Dunmore"), never a person, whatever the tagger says."""
    of = token.head
    return token.dep_ == "pobj" and of.lower_ == "of" and of.head.lower_ in OFFICES


def _bare_common_noun(head):
    """ "port" in "…, port says": one word in lower case with nothing before it, as a headline
    words a source; the tagger reads some as proper nouns ("harbour")."""
    return head.tag_ in ("NN", "NNP") and head.is_lower and not any(child.i < head.i for child in head.children)


def _plural_opening_sentence(head, source):
    """ "Neighbours said they had heard shouting": a plural common noun alone, capitalised only
    because it opens the sentence, which the tagger may take for an organisation's name, or for a
    proper noun where the story writes it in lower case too ("One neighbour")."""
    if not head.is_sent_start or list(source) != [head.i] or head.is_upper or not head.lower_.endswith("s"):
        return False
    if head.tag_ == "NNS":
        return True
    # Read as a name ("NNP"), it is none where the story writes it, or one of it, in lower case.
    lower = {token.text for token in head.doc if token.is_lower}
    return head.tag_ in ("NNP", "NNPS") and bool({head.lower_, head.lower_[:-1]} & lower)


def _counted_one(head):
    """ "a local GP", "One senior nurse", "another official": one, counted by the word before it."""
    return any(
        child.i < head.i and child.dep_ in ("det", "nummod") and child.lower_ in ("a", "an", "one", "another")
        for child in head.children
    )


def _spoken_for(head, people):
    """The organisation a spokesperson speaks for ("Tesco" in "a spokeswoman for Tesco" and "a
    Tesco spokeswoman", "Ministry of Health"), or "" when it is a person's ("for the mayor")."""
    doc = head.doc
    for entity in doc.ents:
        if (
            entity.label_ in INSTITUTION_ENTITIES
            and head.left_edge.i <= entity.start
            and entity.end <= head.right_edge.i + 1
        ):
            return without_the(clean(entity.text))
    for preposition in head.children:
        for organisation in preposition.children:
            if preposition.lower_ != "for" or organisation.dep_ != "pobj":
                continue
            if organisation.lower_ in INSTITUTION_NOUNS:
                named = _institution_named_before(doc, organisation, people)
                return named or capitalised(without_the(_noun_phrase(organisation)))
            if named := _organisation_headed_by(organisation, people):
                return named  # "a spokesman for the federation" after "the Athletics Federation of Nigeria"
    return ""


def named_person(token):
    """A word of a person's name, as the tagger saw it: not "harbour master", which it took for one."""
    return token.ent_type_ == "PERSON" and not token.is_lower


def _apposed_role(head):
    """ "Ines Costa, the harbour master,": the role set beside a name, or ""."""
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i and child.tag_ in ("NN", "NNS") and child.ent_type_ != "PERSON":
            return _role_words(child)
    return ""


def _role_words(apposition):
    """The words of a role set beside a name, without a relative clause on it: "an epidemiologist
    at the University of Lagos who led the study" is "an epidemiologist at the University of Lagos"."""
    clauses = [t.left_edge.i for t in apposition.subtree if t.dep_ == "relcl" and t.left_edge.i > apposition.i]
    return clean(apposition.doc[apposition.left_edge.i : min([*clauses, apposition.right_edge.i + 1])].text)


def proper(token):
    """A word standing as a name: a proper noun, or a capitalised plural the tagger took for a
    common noun ("Kravets told reporters") that is no word for people or things in general."""
    if token.tag_ == "NNP":
        return True
    word = token.lower_
    return (
        token.tag_ in ("NNS", "NNPS")
        and token.is_title
        and not {word, word.removesuffix("s")} & (UNNAMED_SOURCE_NOUNS | CIRCULATING_NOUNS | INSTITUTION_NOUNS)
        and not {word, word.removesuffix("s")} & GROUP_NOUNS
    )


def _role(head):
    """ "the mayor", "the health minister", "the company's chief executive": the role's words
    ("health minister") when the source is the one person holding a role; else ""."""
    noun = head.lower_
    if head.tag_ not in ("NN", "NNP") or noun in ANONYMOUS_NOUNS:
        return ""
    if noun not in ROLE_NOUNS and noun not in UNNAMED_SOURCE_NOUNS and noun not in ROLE_ABBREVIATIONS:
        return ""
    before = [token for token in head.subtree if token.i < head.i]
    determiners = [token for token in before if token.dep_ in ("det", "poss", "predet")]
    # "the mayor", "the company's chief executive", and "minister says" as a headline words it,
    # the tagger reading "Minister says" as a name or not; not "a spokesman" or "every minister".
    definite = all(token.dep_ == "poss" or token.lower_ == "the" for token in determiners)
    bare_in_headline = not determiners and (noun in ROLE_NOUNS or noun in ROLE_ABBREVIATIONS) and _in_headline(head)
    if head.tag_ == "NNP" and not any(token.lower_ == "the" for token in determiners) and not bare_in_headline:
        return ""
    if not definite or any(child.dep_ in ("nummod", "conj") for child in head.children):
        return ""
    words = [child for child in head.children if child.i < head.i and child.dep_ in ("amod", "compound")]
    return " ".join([*(token.lower_ for token in words if token.is_alpha), ROLE_ABBREVIATIONS.get(noun, noun)])


def described(name):
    """ "The mayor", "The company's chief executive": a person the story describes but does not name."""
    words = name.split()
    return len(words) > 1 and words[0] in ("The", "His", "Her", "Their", "Its") and words[-1].islower()


def _named_as(doc, head, ahead=False):
    """ "Ofgem, the energy regulator," "the energy regulator Ofgem", "the watchdog, Ofwat,": the
    name the story last gave with the noun of "the regulator said", which the tagger may not see
    as a name, or see as a person's; with `ahead` (a headline's "Ferry operator says"), else the
    first it gives after; None when it gives none."""
    nouns = [*reversed(doc[: head.i]), *(doc[head.i + 1 :] if ahead else ())]
    for noun in nouns:
        if noun.lower_ != head.lower_ or noun.tag_ != "NN":
            continue
        if noun.dep_ in ("appos", "compound") and noun.head.tag_ in ("NNP", "NNPS"):
            named = noun.head
        else:
            named = next((c for c in noun.children if c.dep_ == "appos" and c.tag_ in ("NNP", "NNPS")), None)
        if named is not None:
            return _name_ending_at(doc, named, after=noun.i if noun.i < named.i else -1)
        names = [child for child in noun.lefts if child.dep_ == "compound" and child.tag_ in ("NNP", "NNPS")]
        if names and names[-1].i == noun.i - 1 and head.i < noun.i:
            return clean(doc[names[0].i : noun.i + 1].text)  # "…, union says" above "The RMT union said"
    return None


def _surname_after_given_name(doc, head, tokens):
    """A capitalised word the tagger took for an organisation's name on its own, right after a given name."""
    entity = next((e for e in doc.ents if e.start <= head.i < e.end), None)
    return (
        head.tag_ == "NNP"
        and head.is_title
        and head.i > 0
        and entity is not None
        and len(entity) == 1
        and head.lower_ not in ORGANISATION_WORDS
        and _given_name(doc[head.i - 1], tokens)
        and not doc[head.i - 1].ent_type_
    )


def _institution_named_before(doc, head, people):
    """_institution_meant, found once for each noun: each "The bank held …" before `head` is asked what
    it means in turn (_described_acting), and asked anew, a story of twelve took seconds, twice as
    long for each more."""
    if head.i not in people.institutions_meant:
        people.institutions_meant[head.i] = _institution_meant(doc, head, people)
    return people.institutions_meant[head.i]


def _institution_meant(doc, head, people):
    """ "The company said", "the health ministry said": the organisation the story named before
    with that noun in its name ("Norvik Bank", "Ministry of Health"), or, for a business, the last
    business it named ("Caldera Shipping"); None when "the" refers to none, or the phrase says
    whose ("Russia's defence ministry")."""
    children = list(head.children)
    if not any(child.dep_ == "det" and child.lower_ == "the" for child in children) or any(
        child.dep_ == "poss" for child in children
    ):
        return None
    described_as = {child.lower_ for child in children if child.i < head.i and child.dep_ in ("amod", "compound")}
    named = list(_organisations_named(doc, people, lambda entity: entity.end <= head.i))
    meant = [(name, entity) for name, words, entity in named if head.lower_ in words and described_as <= words]
    # The last body with that noun that did something: one named in full, one whose name lacks the
    # description's words ("the central bank" after "The Bank of England held rates"), or one the
    # story described ("The central bank held rates", "Norway's central bank held rates").
    loosely = [(name, entity) for name, words, entity in named if head.lower_ in words and _acts(entity)]
    acting = sorted(
        {(name, entity.start) for name, entity in loosely} | set(_described_acting(doc, head, described_as, people)),
        key=lambda named_at: named_at[1],
    )
    if acting:
        return acting[-1][0]
    if meant:
        return meant[-1][0]
    if called := _named_as(doc, head):
        return called
    if head.lower_ in BUSINESS_NOUNS:
        not_it = PUBLIC_BODY_NOUNS if head.lower_ == "group" else NOT_A_BUSINESS
        business = next((name for name, words, _ in reversed(named) if not words & not_it), None)
        return business or _described_before(doc, head, people)
    if head.lower_ in OVERSEERS:  # "the regulator said" after "The Office for Product Safety and Standards said"
        return next(
            (name for name, words, entity in reversed(named) if words & PUBLIC_BODY_NOUNS and _acts(entity)), None
        )
    if head.lower_ in CLUB_NOUNS:  # whatever the tagger made of the name ("Leeds FC" a person's)
        clubs = [clean(e.text) for e in doc.ents if e.end <= head.i and {t.lower_ for t in e} & CLUB_WORDS]
        return clubs[-1] if clubs else None
    return None


def _described_acting(doc, head, described_as, people):
    """(name, where) of each body the story described before `head` with its noun and words, as a
    clause's subject: "Norway's central bank held rates" is Norway's; "The central bank held rates"
    the body that refers back to, else "The central bank"."""
    for noun in doc[: head.i]:
        if noun.lower_ != head.lower_ or noun.tag_ != "NN" or noun.dep_ not in ("nsubj", "nsubjpass"):
            continue
        words = {child.lower_ for child in noun.children if child.i < noun.i and child.dep_ in ("amod", "compound")}
        owners = [child for child in noun.children if child.dep_ == "poss"]
        if not described_as <= words or noun.ent_type_:
            continue
        if owners and all(owner.ent_type_ in ("GPE", "NORP") for owner in owners):
            yield _noun_phrase(noun), noun.i
        elif not owners and any(child.dep_ == "det" and child.lower_ == "the" for child in noun.children):
            yield _institution_named_before(doc, noun, people) or capitalised(_noun_phrase(noun)), noun.i


def _organisations_named(doc, people, where):
    """(name, its words in lower case, the entity) of each organisation the story names `where` (a
    test of the entity: before a word, after it), news outlets left out: those the tagger found,
    and names it took for a person's that the story uses as an organisation's ("Brightwave said
    in a statement", `People.organisation`)."""
    for entity in doc.ents:
        if entity.label_ not in ("ORG", "PERSON") or not where(entity):
            continue
        name = clean(entity.text)
        words = {word.lower() for word in re.findall(r"\w+", name)}
        # "Trump" tagged an organisation in one sentence is still the person the story names.
        if (entity.label_ == "PERSON" or words <= people.by_part.keys()) and not people.organisation(
            name, entity.start
        ):
            continue
        if words and not people.is_outlet(name):
            yield name, words, entity


def _acts(entity):
    """Whether the organisation is a clause's subject where it is named: it did something in the story."""
    return entity.root.dep_ in ("nsubj", "nsubjpass")


def _last_acting(named):
    """Of (name, entity) in story order, the last that did something in the story ("The Bank of
    England held rates"), over one named only in a phrase since ("analysts at Hansa Bank said");
    else the last named."""
    return next((name for name, entity in reversed(named) if _acts(entity)), named[-1][0])


def _described_before(doc, head, people):
    """ "Telvana, the mobile operator, said …. The company said": the last name before `head` the
    story set a description beside, when it is nobody's name and no place the tagger is sure of
    (it read "Telvana" as a place, so no business was named); None when there is none."""
    for name in reversed(doc[: head.i]):
        if name.tag_ != "NNP" or name.ent_type_ in ("PERSON", "NORP", "LOC"):
            continue
        description = next((c for c in name.children if c.dep_ == "appos" and c.tag_ == "NN"), None)
        if description is None or description.lower_ in ROLE_NOUNS | SPOKESPEOPLE.keys() or _role(description):
            continue
        if description.lower_ in NOT_A_BUSINESS | ORGANISATION_DESCRIPTORS | CLUB_NOUNS:
            continue  # "the Information Commissioner's Office, the UK data regulator": no company
        words = [t for t in name.lefts if t.dep_ == "compound" and t.tag_ == "NNP"] + [name]
        text = clean(doc[words[0].i : name.i + 1].text)
        named = {word.lower() for word in re.findall(r"\w+", text)}
        if not named <= people.by_part.keys() and not named & NOT_A_BUSINESS:
            return text
    return None


def _named_after_headline(doc, head, people):
    """ "Measles cases rise, agency says": a body a headline names by its noun alone is the
    organisation the story goes on to name with that noun in its name ("National Health Agency"),
    or, for a business, the first business it names; None elsewhere, or when it names none."""
    in_headline = not any("\n" in token.text or "\n" in token.whitespace_ for token in doc[: head.i])
    if not in_headline or any(child.dep_ in ("det", "poss") for child in head.children):
        return None
    named = list(_organisations_named(doc, people, lambda entity: entity.start > head.i))
    if called := next((name for name, words, _ in named if head.lower_ in words), None):
        return called
    if called := _named_as(doc, head, ahead=True):
        return called  # "…, union says" above "the drivers' union Aslef"
    if head.lower_ in BUSINESS_NOUNS:
        return next((name for name, words, _ in named if not words & NOT_A_BUSINESS), None)
    return None


def _one_of_many(entity, head):
    """Whether `entity` names a kind of institution a place before it owns ("Russia's defence
    ministry") rather than one with a name of its own ("Ukraine's Center
    for Countering Disinformation"): a short name ending in an institution's noun, with a place as
    the head's possessor."""
    owned = any(
        child.dep_ == "poss" and child.i < entity.start and child.ent_type_ in ("GPE", "NORP")
        for child in head.children
    )
    return (
        owned
        and len(entity) <= 3
        and entity[-1].i == head.i
        and head.lower_ in INSTITUTION_NOUNS
        and not any(token.pos_ in ("ADP", "CCONJ") for token in entity)
    )


def _someone_of(head):
    """ "lawyer", "wife", "aides", "campaign": a common noun for people or a body, whose possessor
    is someone else; not "tweet" or "plan", which are the possessor's words."""
    noun = head.lower_
    people_nouns = ROLE_NOUNS | UNNAMED_SOURCE_NOUNS | INSTITUTION_NOUNS | {"family", "allies"}
    return head.tag_ in ("NN", "NNS") and (noun in people_nouns or noun[:-1] in people_nouns)


def particle_end(entity):
    """Where a person's name ends: past the surname after a particle the tagger left out
    ("Ursula von der" + "Leyen"), before an "of" the tagger took in after two words or more
    ("Rachel Hume of Cumbria Police": whose she is, not her name)."""
    doc, end = entity.doc, entity.end
    of = next((t.i for t in entity[2:-1] if t.lower_ == "of" and doc[t.i + 1].text[:1].isupper()), None)
    if of is not None:
        return of
    while end < len(doc) and doc[end - 1].lower_ in NAME_PARTICLES and doc[end].is_title and doc[end].tag_ == "NNP":
        end += 1
    return end


def _owns(head, token):
    """Whether `token` is in the possessor of `head` ("Pritchard" in "Pritchard's lawyer")."""
    return any(
        child.dep_ == "poss" and token.i in range(child.left_edge.i, child.right_edge.i + 1) for child in head.children
    )


def _name_near_head(head, person):
    return any(token.head.i == head.i or token.i == head.i for token in person)


def _noun_phrase(head):
    """The head noun with its modifiers before it and "familiar with the matter"-like phrases; not
    a clause set off by a comma ("an official, speaking on condition of anonymity, said"), which
    says how the source spoke, not who they are."""
    keep = set()
    for child in head.children:
        if child.i < head.i and child.dep_ in (
            "det",
            "amod",
            "compound",
            "nummod",
            "quantmod",
            "nmod",
            "advmod",
            "poss",
        ):
            keep |= {token.i for token in child.subtree}
        if child.i > head.i and child.dep_ in ("amod", "prep", "acl") and child.dep_ != "relcl":
            if child.dep_ == "acl" and head.doc[child.left_edge.i - 1].text == ",":
                continue
            keep |= {token.i for token in child.subtree}
    # "A senior official at the authority, who spoke on condition of anonymity,": a clause set off
    # on a noun of the phrase likewise.
    # So is a phrase set beside a noun inside it ("a charge sheet filed at Leeds Magistrates' Court,
    # the man, Daniel Pryce,", where the parser hung the subject of what the sheet says on the court).
    for token in [head.doc[i] for i in keep]:
        set_off = token.dep_ == "relcl" or (token.dep_ == "appos" and token.head.i > head.i)
        if set_off and head.doc[token.left_edge.i - 1].text == ",":
            keep -= {t.i for t in token.subtree} | {token.left_edge.i - 1}
    keep.add(head.i)
    doc = head.doc
    start, end = min(keep), max(keep)
    return clean(doc[start : end + 1].text)


def _given_name(token, tokens):
    """A capitalised word just before a person the tagger saw, in the same source, that no title,
    role ("Economist Eszter Varga") or place is."""
    return (
        token in tokens
        and token.tag_ == "NNP"
        and token.is_title
        and not titles_a_name(token.text)
        and token.lower_ not in ROLE_NOUNS | UNNAMED_SOURCE_NOUNS
        and token.lower_ not in HONORIFICS
        and token.ent_type_ not in ("GPE", "NORP", "FAC", "LOC", "ORG")
    )


def person_speaker(doc, tokens, head, person, people, mention):
    """A named person, resolved to their fullest name, with the title and affiliation around it."""
    entities = [e for e in doc.ents if e.label_ == "PERSON" and any(e.start <= t.i < e.end for t in person)]
    # "Cal Fire battalion chief Rosa Martinez", "Cal Fire" also taken for a person: the name the phrase ends in.
    entity = next((e for e in entities if e.start <= head.i < e.end), None) or next(
        (e for e in entities if e.start <= person[0].i < e.end), None
    )
    if entity is not None:
        name_start, name_end = entity.start, particle_end(entity)
        while name_end - name_start > 2 and titles_a_name(doc[name_start].text):
            name_start += 1  # the title the tagger took into the name is the title
        # "Andrii Smith" where the tagger saw only "Smith": the given name is the name's, not a title.
        while name_start > 0 and entity.start - name_start < 2 and _given_name(doc[name_start - 1], tokens):
            name_start -= 1
        given = clean(doc[name_start : entity.start].text)
        name = people.fullest(f"{given} {People.name_of(entity)}" if given else People.name_of(entity))
    else:  # the tagger did not see a person here: the run of words known from the story's names
        name_start = name_end = person[0].i
        while name_end < len(doc) and doc[name_end] in person:
            name_end += 1
        name = people.fullest(clean(doc[name_start:name_end].text))
    title, affiliation = "", ""
    # "Andrii Kovalenko, the head of Ukraine's Center ...": an apposition after the name.
    appositions = [
        t for t in tokens if t.dep_ == "appos" and t.i >= name_end and t.ent_type_ != "PERSON" and not t.like_num
    ]  # "Daniel Mercer, 58,": an age is no title
    if appositions:
        title = _role_words(appositions[0])
        title = re.sub(r"^(the|The|a|an|A|An)\s+", "", title)
        # "Senator John Briggs, a Republican from Ohio,": the title before the name, then the description.
        ranks = [t for t in tokens if t.i < name_start and t.text in TITLE_WORDS and t.lower_ not in ADDRESS_FORMS]
        if ranks and ranks[-1].i == name_start - 1:
            title = f"{clean(doc[ranks[0].i : name_start].text)}, {title}"
    else:
        # "US Secretary of State Antony Blinken": the words before the name in the same phrase.
        before = [
            t
            for t in tokens
            if t.i < name_start and t.tag_ not in ("DT", "POS") and t.dep_ != "poss" and t.lower_ not in ADDRESS_FORMS
        ]
        commas = [t.i for t in before if t.text == ","]
        if commas and any(t.i < commas[0] and t.is_alpha for t in before):
            # "a spokesman for the Eastern Group of Forces, Colonel Serhiy Lysak": the role set off
            # before the name, not its rank after the comma.
            before = [t for t in before if t.i < commas[0]]
        if before:
            title = clean(doc[before[0].i : before[-1].i + 1].text)  # not "Mr" between: "The third candidate, Mr Petit"
    organisations = [
        e
        for e in doc.ents
        if e.label_ in ("ORG",)
        and any(e.start <= t.i < e.end for t in tokens)
        and (e.end <= name_start or e.start >= name_end)
        and not (e.start >= 2 and doc[e.start - 1].lower_ == "of" and doc[e.start - 2].text in TITLE_HEADS)
        and not _portfolio(e)
    ]
    if organisations:
        affiliation = clean(organisations[0].text)
        affiliation = without_the(affiliation)
    elif owner := next((org for org in people.organisations if title.startswith(f"{org} ")), None):
        affiliation = owner  # "Bluewater chief executive Sara Lind", the tagger seeing no organisation
    elif whose := _of_organisation(doc[name_end - 1], tokens):
        affiliation = whose  # "Rachel Hume of Cumbria Police", the tagger seeing no organisation
    elif whose := _its_organisation(doc, tokens, people):
        affiliation = whose  # "Its chief analyst, Samir Haddad," after "Norvik Foods tested …"
    return Speaker(name, PERSON, capitalised(title), affiliation, mention)


def _its_organisation(doc, tokens, people):
    """The organisation "its" before a person's role refers to ("Its chief analyst, Samir Haddad,",
    "Samir Haddad, its chief analyst,"): the last the story named that was a clause's subject; ""
    when there is no "its", or none did something."""
    its = next((token for token in tokens if token.lower_ == "its" and token.dep_ == "poss"), None)
    if its is None:
        return ""
    acting = [name for name, _, entity in _organisations_named(doc, people, lambda e: e.end <= its.i) if _acts(entity)]
    return without_the(acting[-1]) if acting else ""


def _portfolio(entity):
    """Whether an organisation the tagger found is the portfolio of a post after it: "Transport" in
    "Transport Secretary Jane Doe"; not a body named so ("Communist Party Secretary")."""
    after = entity.doc[entity.end] if entity.end < len(entity.doc) else None
    return (
        after is not None
        and after.lower_ in PORTFOLIO_HEADS
        and not {token.lower_ for token in entity} & INSTITUTION_NOUNS
    )


def _of_organisation(surname, tokens):
    """ "Cumbria Police" in "Rachel Hume of Cumbria Police": a capitalised name after "of" hung
    from the person's name, within the source; "" when there is none."""
    for preposition in surname.children:
        if preposition.lower_ != "of" or preposition not in tokens:
            continue
        for name in preposition.children:
            if name.dep_ == "pobj" and name.tag_ in ("NNP", "NNPS"):
                return without_the(clean(surname.doc[name.left_edge.i : name.right_edge.i + 1].text))
    return ""


def pronoun_speaker(doc, head, people, mention):
    """ "he told B-17": the person the story last named; "they", "it": left for the engine."""
    gender = PRONOUNS.get(head.lower_)
    if gender in ("male", "female"):
        name = people.person_before(head.i, gender=gender)
        people.learn(name, gender)
        return Speaker(
            name or capitalised(mention), UNNAMED_GROUP if name in people.unnamed else PERSON, mention=mention
        )
    return Speaker(capitalised(mention), UNNAMED_GROUP if gender == "plural" else INSTITUTION, mention=mention)
