"""The story-extraction engine: a story's text in, proposed attributed claims out.

A pure interface, with no database and no Django models (so the command, the story desk and
the benchmark share it, and it runs where no database is reachable)::

    from factcheck import extraction

    proposals = extraction.extract(text, outlet="B-17")
    for proposal in proposals:
        proposal.content      # [(start, end), ...] Python str offsets into text; several
                              # fragments when a quote is split ('"...," he said, "..."')
        proposal.cue          # [(start, end), ...] "said", "told", "according to", ...
        proposal.source       # [(start, end), ...] the words naming the speaker; [] if none
        proposal.speaker      # "Andrii Kovalenko": the fullest mention in the story
        proposal.speaker_kind # a factcheck.models.SpeakerKind value
        proposal.venue        # a factcheck.models.Venue value, or None when the story says nothing
        proposal.outlet       # where it was said: "B-17" (a statement to the newsroom), "X" (a post
                              # on X); None if unknown
        proposal.relayed_by   # ["Kyiv Independent"]: outlets that passed it on, origin first,
                              # the story's own outlet left out; an outlet the statement was
                              # made to ("told Reuters"), or on, is its `outlet`, not repeated here
        proposal.quote, .claim, .kind, .title, .affiliation, .quantity (value, unit,
        qualifier), .hedged and .hedge (the hedge's sentence), .answers (the question an
        answer the draft could not say was given to, for a person to write)
        proposal.links        # [("same_claim", 3)]: factcheck.models.LinkKind value, index of the
                              # other proposal in the list; each link is listed once, on the
                              # later proposal of the two
        proposal.to_json()    # one claim of `manage.py extract_claims --json`

    extraction.classify_venue("an interview on CNN")  # ("interview", "CNN")
    extraction.kind_of_name("Viral image", ["Person"])  # "unnamed_group": an imported author's kind
    extraction.extract_many(texts, outlet="B-17")      # one list per text, parsed in batches

`outlet` is the story's own outlet (the newsroom): "told B-17" is then a statement to the
newsroom, and the chain of relays ends before it. The spaCy pipeline named by the setting
FACTCHECK_SPACY_PIPELINE is loaded on the first call, once per process; a missing pipeline
raises PipelineMissing, which names the setting.

The string values (speaker kinds, venues, claim kinds, qualifiers, link kinds) equal those of
factcheck.models' choices; they are spelled here so the engine needs no Django set-up, and a
test keeps the two in step.
"""

from collections.abc import Iterable, Iterator

from factcheck.extraction import capitals, datelines
from factcheck.extraction.pipeline import PipelineMissing, load_pipeline
from factcheck.extraction.proposal import Proposal, Quantity
from factcheck.extraction.speakers import kind_of_name
from factcheck.extraction.venues import classify_venue


def extract(text: str, *, outlet: str | None = None) -> list[Proposal]:
    """The attributed claims proposed for a story, in story order; [] for text with none."""
    from factcheck.extraction.engine import extract_from_doc

    if not text.strip():
        return []
    nlp = load_pipeline()
    story, places = datelines.taken_out(text, nlp)
    doc = nlp(capitals.in_story_case(story))
    return datelines.put_back(extract_from_doc(doc, outlet=outlet, printed=story), places)


def extract_many(texts: Iterable[str], *, outlet: str | None = None) -> Iterator[list[Proposal]]:
    """extract() for many stories, one list per text in order; parses them in batches, faster."""
    from factcheck.extraction.engine import extract_from_doc

    nlp = load_pipeline()
    stories = (datelines.taken_out(text, nlp) for text in texts)
    parsed = ((capitals.in_story_case(story), (story, places)) for story, places in stories)
    for doc, (story, places) in nlp.pipe(parsed, batch_size=2, as_tuples=True):
        proposals = extract_from_doc(doc, outlet=outlet, printed=story) if doc.text.strip() else []
        yield datelines.put_back(proposals, places)


__all__ = [
    "PipelineMissing",
    "Proposal",
    "Quantity",
    "classify_venue",
    "extract",
    "extract_many",
    "kind_of_name",
    "load_pipeline",
]
