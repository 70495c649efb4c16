"""From attributions to proposals: speakers, venues, relays, hedges, quantities, links, drafts."""

from factcheck.extraction.attribution import Finder
from factcheck.extraction.proposal import Proposal


def token_spans(doc, indices):
    """Character spans of a set of token indices, one per run of adjacent tokens."""
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


def extract_from_doc(doc, *, outlet=None):
    proposals = []
    for attribution in Finder(doc).find():
        proposals.append(
            Proposal(
                content=attribution.content_chars,
                cue=token_spans(doc, attribution.cue),
                source=token_spans(doc, attribution.source),
                speaker=" ".join(doc[i].text for i in attribution.source),
            )
        )
    proposals.sort(key=lambda proposal: proposal.start)
    return proposals
