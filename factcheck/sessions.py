"""The cache sessions are read from: each worker's memory, keeping a session a minute at most.

Sessions are Django's cached_db (settings.SESSION_ENGINE): read from this cache, written through
to the database. Each gunicorn worker has its own memory, and cached_db keeps a copy there for
the session's whole age (two weeks). Signing out deletes the session's row and the copy of the
worker that served the sign-out; the other workers kept reading theirs, so a signed-out session,
or its cookie copied from a shared computer, stayed signed in on three requests out of four.
Kept a minute, a copy is read again from the database at most once a minute a worker, and a
session signed out or deleted is refused everywhere within that minute.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class BriefMemoryCache(LocMemCache):
    """LocMemCache that keeps an entry its TIMEOUT at most, whatever timeout the entry is set with."""

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        if timeout is DEFAULT_TIMEOUT or timeout is None:
            timeout = self.default_timeout
        return super().get_backend_timeout(min(timeout, self.default_timeout))
