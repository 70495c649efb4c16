"""Where a statement was made, from the words that describe it: a venue type and an outlet.

classify_venue("an interview on CNN") is ("interview", "CNN"); the engine uses the same rules on
the words around a cue, and the importers on free venue texts.
"""

import re

from factcheck.extraction.lexicon import (
    BROADCASTER_BRANDS,
    CHANNEL_WORDS,
    DAYS,
    MONTHS,
    NEWS_OUTLET_ENDINGS,
    NEWS_OUTLETS,
    PAPER_OPENINGS,
    PUBLIC_AUDIENCES,
)
from factcheck.extraction.proposal import (
    ADVERTISEMENT,
    ANONYMOUS_BRIEFING,
    INTERVIEW,
    OFFICIAL_DOCUMENT,
    PRESS_CONFERENCE,
    PUBLIC_REMARKS,
    RELAYED_REPORT,
    SOCIAL_MEDIA_POST,
    STATEMENT_TO_OUTLET,
)

# Social platforms under the name an outlet is stored as. Twitter is stored as X, its name
# since 2023, so that old and new stories count one platform.
PLATFORMS = {
    "x": "X",
    "twitter": "X",
    "tweet": "X",
    "tweets": "X",
    "tweeted": "X",
    "retweet": "X",
    "retweeted": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "telegram": "Telegram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "truth social": "Truth Social",
    "threads": "Threads",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "reddit": "Reddit",
    "weibo": "Weibo",
    "vk": "VK",
    "vkontakte": "VK",
    "snapchat": "Snapchat",
    "substack": "Substack",
    "mastodon": "Mastodon",
}

# Each rule: words that name a kind of venue. Checked in order, so the more specific come first
# ("a statement to B-17" before "a statement"; "an interview" before "said on Monday").
# How an unnamed source spoke: "on condition of anonymity", "who asked not to be named", "people
# familiar with the matter", "officials with knowledge of the talks". Words about the source, never
# a statement of theirs.
ANONYMITY = re.compile(
    r"\b(anonymity|anonymously|not (authori[sz]ed|allowed|permitted|cleared) to (speak|discuss|comment|talk)"
    r"|(decline|ask|request|wish|want|agree)(s|d|ed)? (not )?to be (named|identified|quoted)"
    r"|(his|her|their) names? (not )?be (used|published|given|disclosed|withheld)"
    r"|familiar with the|(with|who have|who had|has|have) (direct |first-?hand |detailed )?knowledge of the)\b",
    re.IGNORECASE,
)
_ANONYMOUS = re.compile(rf"{ANONYMITY.pattern}|\b(on background|unnamed)\b", re.IGNORECASE)
_SOCIAL = re.compile(
    r"\b(tweet(s|ed|ing)?|retweet(s|ed|ing)?|post(s|ed|ing)? (on|to) (x|twitter|facebook|instagram|telegram|tiktok"
    r"|truth social|threads|bluesky|linkedin|reddit|weibo|vk|youtube|substack|mastodon)|social[- ]media|"
    r"on (x|twitter|facebook|instagram|telegram|tiktok|truth social|threads|bluesky|linkedin|weibo|youtube"
    r"|mastodon|snapchat|reddit)\b|(x|twitter|facebook|instagram|telegram|tiktok|truth social|bluesky|linkedin"
    r"|weibo|youtube|mastodon|reddit) (post|account|page|channel|video|feed|message|thread|story|live)|"
    r"livestream|facebook live|instagram live)",
    re.IGNORECASE,
)
# Paid or campaign material: "a TV ad", "a campaign mailer", "a robocall".
_ADVERTISEMENT = re.compile(
    r"\b(ads?|advert(isement)?s?|commercials?|mailers?|mailings?|flyers?|fliers?|brochures?|billboards?|"
    r"robocalls?|yard signs?|campaign (videos?|literature|mail|spots?|signs?)|(tv|radio|web|television) spots?|"
    r"posters?|bumper stickers?|t-shirts?)\b",
    re.IGNORECASE,
)
# Content passed around online with no channel named: "a viral image", "a chain email".
_VIRAL = re.compile(
    r"\b(viral|memes?|chain (e-?mails?|letters?|messages?)|(web|online|internet) (videos?|posts?)|"
    r"(facebook|social media|online|internet) posts?|text messages?|"
    r"(an?|the) (video|photo|image|graphic|chart|post)s?$|^(videos?|photos?|images?|graphics?|charts?|posts?)$)\b",
    re.IGNORECASE,
)
_PRESS_CONFERENCE = re.compile(
    r"\b(press|news|media) (conference|briefing|availability|gaggle|event)s?\b|\bbriefing\b|\bpresser\b|"
    r"\bconference calls?\b|\b(press|media) calls?\b",
    re.IGNORECASE,
)
_INTERVIEW = re.compile(
    r"\binterview(s|ed)?\b|\bpodcast\b|\bsat down with\b|\bappear(ed|ing|ance)? on\b|\beditorial board\b|"
    r"\b(tv|television|radio|cable|talk|news) (show|program|programme|appearance)s?\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(press release|news release|document|documents|report|filing|court (papers|documents|filing)|lawsuit|"
    r"complaint|indictment|affidavit|memo|memorandum|letter|email|e-mail|written statement|communiqu[eé]|"
    r"decree|order|ruling|regulation|notice|bulletin|newsletter|fact sheet|transcript|minutes|study|survey|poll|"
    r"data|figures|"
    r"statistics|assessment|analysis|white paper|website|web site|policy|guidance|budget|bill|resolution|"
    r"testimony|op-ed|editorial|book|memoir|essay|column|article|blog|questionnaire|opinion piece|"
    r"fundraising appeal|(?:research|client|investor) notes?|notes? to (?:clients|investors)|"
    r"in an? (?:[\w-]+ )?note)\b",
    re.IGNORECASE,
)
_STATEMENT = re.compile(r"\bstatement\b", re.IGNORECASE)
_PUBLIC = re.compile(
    r"\b(told reporters|told journalists|told the press|told a crowd|told supporters|told an audience|"
    r"reporters|journalists|speech|rally|rallies|remarks|address|addressed|hearing|debate|town hall|"
    r"forum|summit|meeting|ceremony|conference|convention|event|audience|crowd|session|parliament|congress|"
    r"senate|floor|panel|visit|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(last|this|next) (week|month|year)|(late|early) last month|(on|to) ([\w-]+ ){0,2}(television|tv)|televised|"
    r"on air|comments|"
    r"broadcast|radio|campaign stops?|presentation|webinar|eulogy|sermon|toast|vote)\b",
    re.IGNORECASE,
)
_AUDIENCES = "|".join(re.escape(audience) for audience in sorted(PUBLIC_AUDIENCES, key=len, reverse=True))
_TO_THE_PUBLIC = re.compile(rf"\b(?:statement|remarks|comments)s? (?:to|before) (?:{_AUDIENCES})\b", re.IGNORECASE)
_IN_COURT = re.compile(r"\b(?:opening|closing) (?:statement|argument)s?\b", re.IGNORECASE)
_REPORTED = re.compile(r"\b(report(s|ed)?|per|according to|citing|cited)\b", re.IGNORECASE)
# "comments reported by the Guardian" were carried by it, as "remarks carried by TASS" were: said
# in public and passed on (the engine makes the outlet a relay), not the outlet's report.
_CARRIED = re.compile(r"\b(?:remarks|comments|words) (?:reported|carried|published|broadcast|relayed) by\b", re.I)

# "an interview on CNN", "a statement to B-17", "a post on X", "told Reuters": the name after the
# preposition or the verb. A capitalised run, with "the" and small joining words allowed inside.
NAME_WORDS = r"[A-Z0-9][\w.&'’-]*(?:(?: (?:of|for|and|de|du|la|le|al|the|&))? [A-Z0-9][\w.&'’-]*)*"
_NAME = rf"((?:the |The )?{NAME_WORDS})"
_OUTLET_AFTER = re.compile(
    rf"\b(?:on|with|to|by|for|from|in|told|tells|telling|per|via|according to|citing|at)\s+{_NAME}"
)
_ON_A_SHOW = re.compile(rf"\b(?i:remarks|comments|said|speaking|spoke) on {_NAME}")
_PUBLISHED_IN = re.compile(rf"\b(?i:op-eds?|columns?|editorials?|essays?|articles?|letters?) (?:in|for) {_NAME}")
_OUTLET_BEFORE = re.compile(rf"{_NAME}(?:'s|’s)? (?:interview|report|reported|reports|broadcast|podcast|show|program)")
_NOT_OUTLETS = (
    DAYS
    | MONTHS
    | {
        "a",
        "an",
        "the",
        "i",
        "he",
        "she",
        "they",
        "we",
        "it",
        "tv",
        "radio",
        "television",
    }
)


def platform(words):
    """The social platform named in `words` ("a post on X", "tweeted"), or None."""
    for word in re.findall(r"[a-z]+(?: social)?", words.lower()):
        if word in PLATFORMS:
            if word == "x" and not re.search(r"\b(on|to|the) X\b|\bX (post|account)", words):
                continue  # a lone "x" is a letter, not the platform
            return PLATFORMS[word]
    return None


def named_outlet(words):
    """The outlet named in `words` ("on CNN", "told the Kyiv Independent", "Reuters reported"), or None."""
    for pattern in (_OUTLET_AFTER, _OUTLET_BEFORE):
        for match in pattern.finditer(words):
            name = strip_article(match.group(1))
            if name and name.lower() not in _NOT_OUTLETS and not re.fullmatch(r"[\d,.]+", name):
                return name
    return None


def strip_article(name):
    """ "the Kyiv Independent" is stored as "Kyiv Independent"; trailing punctuation goes too; a show
    named after its network ("MSNBC's Morning Joe") is the network's."""
    name = re.sub(r"^(the|The)\s+", "", name.strip())
    name = re.split(r"(?:'s|’s)(?:\s|$)", name, maxsplit=1)[0]
    return name.strip(" .,;:")


# A programme named in quotes after "on": "comments on 'Meet the Press'", "on CNN's 'State of the Union'".
_QUOTED_SHOW = re.compile(
    r"\bon (?:the )?(?:(?P<network>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*)(?:'s|’s) )?[\"“‘'](?P<show>[^\"”’']{2,60})[\"”’']"
)


def classify_venue(text, newsroom=None):
    """(venue, outlet) for a free description: "a tweet" is ("social_media_post", "X").

    The venue is a factcheck.models.Venue value, or None when the words name no venue; the outlet
    is the platform or organisation named, or None. `newsroom` is the story's own outlet: "a
    report seen by the Courier" in the Riverton Courier is a document the newsroom has, not a
    report the Courier relayed.
    """
    text = " ".join((text or "").split())
    if not text:
        return None, None
    if show := _QUOTED_SHOW.search(text):  # a programme is an interview, its network the outlet
        name = show.group("network") or show.group("show")
        return INTERVIEW, outlet_name(next((part for part in _prefixes(name) if is_news_outlet(part)), name))
    if _ADVERTISEMENT.search(text):
        return ADVERTISEMENT, platform(text) or named_outlet(text)
    if _SOCIAL.search(text) or _VIRAL.search(text) or platform(text):
        return SOCIAL_MEDIA_POST, platform(text)
    if _ANONYMOUS.search(text):
        return ANONYMOUS_BRIEFING, None
    if _PRESS_CONFERENCE.search(text):
        return PRESS_CONFERENCE, None
    if _INTERVIEW.search(text):
        return INTERVIEW, named_outlet(text)
    if on_the_air := _ON_A_SHOW.search(text):  # "remarks on Fox News Sunday", "comments on CNN's ..."
        name = strip_article(on_the_air.group(1))
        network = next((outlet for outlet in _prefixes(name) if is_news_outlet(outlet)), None)
        if network:
            return INTERVIEW, outlet_name(network)
    if _TO_THE_PUBLIC.search(text) or _IN_COURT.search(text):  # said in public, as "told reporters" is
        return PUBLIC_REMARKS, None
    statement_to = re.search(
        r"\b(?i:(?:statement|remarks|comments|email|e-mail|message)s? "
        rf"(?:to|sent to|given to|provided to|emailed to|made to)) {_NAME}",
        text,
    )
    if statement_to or (
        re.search(r"\b(told|tells|telling|(?i:speaking|talking|spoke|speaks|talked) (to|with))\b", text)
        and not re.search(r"\btold (reporters|journalists)", text)
    ):
        name = strip_article(statement_to.group(1)) if statement_to else named_outlet(text)
        if name and name.lower() not in _NOT_OUTLETS:
            return STATEMENT_TO_OUTLET, name
    if _STATEMENT.search(text) or (_DOCUMENT.search(text) and not re.search(r"\breport(s|ed)?\b", text, re.I)):
        published_in = _PUBLISHED_IN.search(text)  # "an op-ed in the Washington Post"
        return OFFICIAL_DOCUMENT, strip_article(published_in.group(1)) if published_in else None
    reported = _REPORTED.search(text) and not _CARRIED.search(text)
    if reported and (name := named_outlet(text)) and not names_outlet(name, newsroom):
        return RELAYED_REPORT, name
    if _DOCUMENT.search(text):
        return OFFICIAL_DOCUMENT, None
    if _PUBLIC.search(text):
        return PUBLIC_REMARKS, None
    return None, None


def _prefixes(name):
    """ "Fox News Sunday" -> "Fox News Sunday", "Fox News", "Fox": a show's name starts with its network's."""
    words = name.split()
    return [" ".join(words[:count]) for count in range(len(words), 0, -1)]


# An outlet described by what it is, before or after its name: "the state news agency TASS", "the
# German news agency dpa", "Russia's state-run RIA Novosti news agency".
# ("broadcaster David Dimbleby" is a person: a broadcaster is an outlet when it is the state's.)
_OUTLET_KIND = (
    r"(?:news agency|news service|wire service|(?:state|public|national)(?:-run|-owned)? broadcaster|newspaper"
    r"|daily|tabloid|weekly|news magazine|news (?:site|website|outlet|channel)"
    r"|(?:tv|television|radio) (?:channel|station|network))"
)
_DESCRIBED_BEFORE = re.compile(
    rf"^(?:[Tt]he\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:[\w-]+\s+){{0,3}}?{_OUTLET_KIND}\s+"
    r"(?P<name>[A-Z][\w.&-]*(?:\s+[\w.&-]+){0,3}|[a-z]{2,4})$"
)
_DESCRIBED_AFTER = re.compile(
    rf"^(?:[Tt]he\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:[a-z][\w-]*\s+){{0,3}}"
    rf"(?P<name>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){{0,3}})\s+(?:state\s+)?{_OUTLET_KIND}$"
)


# "the German news agency", "the Iranian state broadcaster": a nationality, not the outlet's name.
_NATIONALITY = re.compile(r"[A-Z][a-z]+(?:an|ese|ish|ic|i)")


def described_outlet(name):
    """The name of an outlet described by what it is ("the state news agency TASS" is "TASS"), or
    None when `name` describes none."""
    name = name.strip().strip(" .,;:")
    if match := _DESCRIBED_BEFORE.match(name):
        return match["name"].strip(" .,;:")
    if (match := _DESCRIBED_AFTER.match(name)) and not _NATIONALITY.fullmatch(match["name"]):
        return match["name"].strip(" .,;:")
    return None


def outlet_name(name):
    """The name an outlet is stored under: "the Kyiv Independent" is "Kyiv Independent", "AP" is
    "Associated Press", "the state news agency TASS" is "TASS"."""
    name = described_outlet(name) or name
    return known_outlet(name) or strip_article(name)


def known_outlet(name):
    """The name the lexicon stores a known outlet under ("AP" is "Associated Press"), by its name
    with its article ("The Atlantic") or without it ("the Guardian"), or None."""
    whole = name.strip(" .,;:").lower()
    return NEWS_OUTLETS.get(whole) or NEWS_OUTLETS.get(strip_article(name).lower())


def names_outlet(name, outlet):
    """Whether `name` is what a story calls `outlet`: its name, or its last words as a paper calls
    itself ("the Courier" for the Riverton Courier), unless those words name a known outlet."""
    if not name or not outlet:
        return False
    name, outlet = outlet_name(name).lower(), outlet_name(outlet).lower()
    return name == outlet or (outlet.endswith(f" {name}") and name not in NEWS_OUTLETS)


# A broadcaster by its call sign or band: "KRCR-TV", "WNYC-FM", "Channel 4 News" is caught by its ending.
_STATION = re.compile(r"[A-Z][A-Z0-9]{1,5}-(?:TV|FM|AM|DT)|[KW][A-Z]{3}")


# Endings of news outlets' names that end public bodies' too, and the words that make them an outlet's.
_BODIES_TOO = {"agency", "network"}
# Words a paper is named by on its own, after "the": "the Guardian", not "the Agency" or "the Review".
PAPER_NAMES = NEWS_OUTLET_ENDINGS - {"agency", "network", "review", "standard", "press", "daily", "voice", "wire"}
PAPER_NAMES -= {"news", "radio", "tv", "television", "magazine", "broadcasting", "star", "globe", "sun"}
PAPER_NAMES -= {"beacon", "bulletin", "dispatch"}
_MEDIA_WORDS = {"news", "press", "media", "broadcasting", "television", "tv", "radio", "cable", "wire"}


def is_news_outlet(name, story_outlet=None):
    """Whether a name is a news organisation's: the story's own, a known one, or one named like
    a newspaper ("the Kyiv Independent", "the Washington Post")."""
    if described_outlet(name):
        return True
    with_article = name
    name = strip_article(name)
    if not name:
        return False
    if names_outlet(name, story_outlet):
        return True
    if known_outlet(with_article) or name.lower() in PLATFORMS:
        return True
    brand, _, channel = name.rpartition(" ")
    if channel.lower() in CHANNEL_WORDS and (brand.lower() in BROADCASTER_BRANDS or brand.lower() in NEWS_OUTLETS):
        return True  # "Sky Sports", "BBC Sport", "Fox Sports": a channel of a broadcaster
    if _STATION.fullmatch(name):
        return True
    words = name.split()
    if len(words) == 1 and name.istitle() and name.lower() in PAPER_NAMES and with_article.lower().startswith("the "):
        return True  # "the Guardian", "The Times": a paper named by the word papers end with
    if len(words) >= 2 and words[0].lower() in PAPER_OPENINGS and all(word[:1].isupper() for word in words):
        return True  # "the Daily Planet", "the Sunday Herald"
    if len(words) >= 2 and words[-1].lower() in NEWS_OUTLET_ENDINGS and words[0][:1].isupper():
        # "Xinhua News Agency", "Al Jazeera Media Network"; not "Environment Agency" or "Rural Health Network".
        return words[-1].lower() not in _BODIES_TOO or bool({word.lower() for word in words[:-1]} & _MEDIA_WORDS)
    # "Times of India", "Voice of America": a paper's name, then whose or where it is ("Agency of
    # Natural Resources", "Review of Maritime Transport" are no papers).
    named, of, where = name.partition(" of ")
    paper = named.split()[-1].lower() in NEWS_OUTLET_ENDINGS - {"agency", "network", "review", "standard"}
    return bool(of) and paper and where[:1].isupper()
