"""A session signed out is refused by every worker, not only by the one that signed it out.

Each gunicorn worker keeps sessions in its own memory (settings.SESSION_ENGINE, CACHES). The test
process plays one worker; "another worker signs the session out" is what that leaves behind for
this one: the session's row gone from the database, this worker's copy still in its memory.
"""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache.backends import locmem
from django.test import Client

pytestmark = pytest.mark.django_db


class Later:
    """The clock of this worker's in-memory cache, `seconds` on."""

    def __init__(self, seconds):
        self.at = time.time() + seconds

    def time(self):
        return self.at


@pytest.fixture
def signed_in(reviewer):
    client = Client()
    client.force_login(reviewer)
    assert client.get("/claims/").status_code == 200  # this worker now holds the session in memory
    return client


def test_a_session_signed_out_by_another_worker_is_refused_here_within_a_minute(signed_in, monkeypatch):
    Session.objects.all().delete()  # signed out by another worker: its copy and the database row are gone
    monkeypatch.setattr(locmem, "time", Later(61))
    response = signed_in.get("/claims/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_signed_out_here_is_refused_here_at_once(signed_in):
    assert signed_in.post("/logout/").status_code == 302
    assert signed_in.get("/claims/")["Location"].startswith("/login/")


def test_a_live_session_stays_signed_in_after_its_copy_in_memory_expires(signed_in, monkeypatch):
    monkeypatch.setattr(locmem, "time", Later(61))
    assert signed_in.get("/claims/").status_code == 200
