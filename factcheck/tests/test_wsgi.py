"""The server loads the story desk's pipeline as it starts, unless told not to."""

import importlib

import pytest

from factcheck import extraction


@pytest.mark.parametrize(("setting", "loaded"), [(None, True), ("1", True), ("0", False)])
def test_the_server_loads_the_desks_pipeline_as_it_starts_unless_told_not_to(monkeypatch, setting, loaded):
    calls = []
    monkeypatch.setattr(extraction, "load_pipeline", lambda: calls.append("loaded"))
    if setting is None:
        monkeypatch.delenv("FACTCHECK_LOAD_PIPELINE_AT_START", raising=False)
    else:
        monkeypatch.setenv("FACTCHECK_LOAD_PIPELINE_AT_START", setting)
    from factcheck import wsgi  # the first import of the module runs it too

    calls.clear()
    importlib.reload(wsgi)
    assert calls == (["loaded"] if loaded else [])


def test_a_server_without_the_pipeline_starts_all_the_same(monkeypatch):
    def missing():
        raise extraction.PipelineMissing("not installed")

    monkeypatch.setattr(extraction, "load_pipeline", missing)
    monkeypatch.delenv("FACTCHECK_LOAD_PIPELINE_AT_START", raising=False)
    from factcheck import wsgi

    assert importlib.reload(wsgi).application is not None
