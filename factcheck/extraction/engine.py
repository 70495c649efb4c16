"""Rules over spaCy's parse that find attributed statements (being written; see the package docstring)."""


def extract_from_doc(doc, *, outlet=None):
    return []
