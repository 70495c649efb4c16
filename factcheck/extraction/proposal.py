"""What the engine proposes for one attributed statement, and its JSON form."""

from dataclasses import dataclass, field

# The values of factcheck.models' choices, spelled out so the engine imports no Django code;
# test_extraction checks that they match.
PERSON, INSTITUTION, UNNAMED_GROUP, OUTLET_VOICE = "person", "institution", "unnamed_group", "outlet_voice"
STATEMENT_TO_OUTLET = "statement_to_outlet"
INTERVIEW = "interview"
PRESS_CONFERENCE = "press_conference"
PUBLIC_REMARKS = "public_remarks"
SOCIAL_MEDIA_POST = "social_media_post"
OFFICIAL_DOCUMENT = "official_document"
ADVERTISEMENT = "advertisement"
ANONYMOUS_BRIEFING = "anonymous_briefing"
RELAYED_REPORT = "relayed_report"
FACTUAL, OPINION, PREDICTION = "factual", "opinion", "prediction"
EXACT, UP_TO, AT_LEAST, ABOUT, MORE_THAN, FEWER_THAN = "", "up_to", "at_least", "about", "more_than", "fewer_than"
SAME_CLAIM, CONTRADICTS = "same_claim", "contradicts"

Span = tuple[int, int]


@dataclass
class Quantity:
    """A figure in the claim: "up to 8,000 North Korean troops" is 8000, troops, up_to."""

    value: str  # a decimal number as text: "8000", "2.5", "-12"
    unit: str  # what is counted or measured, as the story words it: "North Korean troops"
    qualifier: str = EXACT  # a factcheck.models.Qualifier value

    def to_json(self):
        return {"value": self.value, "unit": self.unit, "qualifier": self.qualifier}


@dataclass
class Proposal:
    """One attributed statement found in a story: spans, speaker, venue, relay and draft claim."""

    content: list[Span]
    cue: list[Span]
    source: list[Span]
    speaker: str  # the fullest mention in the story; "" when the attribution names no source
    speaker_kind: str = PERSON  # a factcheck.models.SpeakerKind value
    title: str = ""  # from an apposition: "the head of Ukraine's Center for Countering Disinformation"
    affiliation: str = ""  # "Ukraine's Center for Countering Disinformation"
    venue: str | None = None  # a factcheck.models.Venue value
    outlet: str | None = None  # where it was said: "B-17" for a statement to the newsroom, "X" for a post on X
    # Outlets that passed it on, origin first, the story's own outlet left out. An outlet the
    # statement was made to ("told Reuters") is `outlet`, not repeated here: the chain is then
    # statement to Reuters -> the story.
    relayed_by: list[str] = field(default_factory=list)
    quote: str = ""  # the verbatim words when the content is quoted (split quotes joined by " ... ")
    claim: str = ""  # a first draft of the claim as a standalone sentence
    # The question an answer was given to ("Asked whether the deal was enough, …: 'Time will
    # tell.'") when the draft could not say what the answer claims of it: a person writes that.
    answers: str = ""
    kind: str = FACTUAL  # a factcheck.models.ClaimKind value
    quantity: Quantity | None = None
    hedged: bool = False  # one of the story's hedges ("could not verify") covers it
    hedge: str = ""  # that hedge's sentence, as the reason of the claim's first status event
    links: list[tuple[str, int]] = field(default_factory=list)  # (LinkKind value, index of the other proposal)
    # Said with the proposal before it, by another of the statement's speakers: "the company and the
    # regulator said" is one statement, proposed once for each (not in `to_json()`).
    joint: bool = False

    @property
    def start(self):
        """Where the attribution begins in the story: proposals are listed in this order."""
        return min(start for start, _ in self.content + self.cue + self.source)

    def to_json(self):
        """One claim as `manage.py extract_claims --json` prints it (issue 9, item 5)."""
        return {
            "content": [list(span) for span in self.content],
            "source": [list(span) for span in self.source],
            "cue": [list(span) for span in self.cue],
            "speaker": self.speaker,
            "speaker_kind": self.speaker_kind,
            "title": self.title,
            "venue": self.venue,
            "outlet": self.outlet,
            "relayed_by": list(self.relayed_by),
            "quote": self.quote,
            "claim": self.claim,
            "quantity": self.quantity.to_json() if self.quantity else None,
            "hedged": self.hedged,
        }
