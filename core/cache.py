"""Caches that degrade instead of failing: when the cache is away or broken, pages still render.

The embedded default (diskcache) is here; Redis, a production extra, is in
``core/rediscache.py``.

A cache error of any kind (Redis down or hung, a corrupt cache file, a full
disk, a read-only cache directory) is logged and read as a miss; writes are
dropped; a cache that times out is left alone for a few seconds before it is tried again.
Nothing a visitor does turns a cache fault into a 500.
"""

import logging
import pickle
import sqlite3
import time
import zlib

import diskcache
from diskcache import DjangoCache

logger = logging.getLogger(__name__)

# What a damaged or unwritable cache file raises when read or written.
DISK_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout, EOFError, pickle.UnpicklingError,
               zlib.error, TypeError, AttributeError, ImportError, IndexError)  # fmt: skip


# Where a cache timed out, when to try it again (per process, by cache location): a hung
# Redis costs one timeout, then none until the pause is over. A refused or dropped
# connection fails at once and costs nothing, so it is tried again on the next call
# (which also clears the dead connections a restarted Redis leaves in the pool).
_retry_at = {}
RETRY_AFTER_SECONDS = 5


def _pause_if_hung(cache, error):
    if isinstance(error, cache.timeouts):
        _retry_at[cache._location] = time.monotonic() + RETRY_AFTER_SECONDS


def _resilient(base, name, fallback, errors):
    method = getattr(base, name)

    def call(self, *args, **kwargs):
        if _retry_at.get(self._location, 0) > time.monotonic():
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except errors as error:
            _pause_if_hung(self, error)
            logger.warning("cache %s failed, carrying on without it: %r", name, error)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


def _default(key, default=None, version=None):
    return default


def _unavailable(*args, **kwargs):
    raise ValueError("cache unavailable")


def _constant(value):
    return lambda *args, **kwargs: value() if callable(value) else value


def degrades_on(errors):
    """Class decorator: the cache's reads miss and its writes are dropped on ``errors``."""
    fallbacks = {
        "get": _default,
        "set": _constant(None),
        "add": _constant(False),
        "delete": _constant(False),
        "touch": _constant(False),
        "get_many": _constant(dict),
        "set_many": _constant(list),
        "delete_many": _constant(None),
        "has_key": _constant(False),
        "clear": _constant(False),
    }

    def decorate(cls):
        base = cls.__mro__[1]
        for name, fallback in fallbacks.items():
            if name not in vars(cls):
                setattr(cls, name, _resilient(base, name, fallback, errors))
        return cls

    return decorate


@degrades_on(DISK_ERRORS)
class ResilientDiskCache(DjangoCache):
    """diskcache's SQLite-backed cache for one machine's workers: a write costs the same
    however many entries it holds (it evicts a few at a time, least recently stored
    first, beyond ``size_limit``); a damaged file, a full disk or a read-only directory is
    a miss, and a write that waits for another worker longer than ``DATABASE_TIMEOUT`` is
    dropped."""

    timeouts = (TimeoutError,)

    def __init__(self, directory, params):
        super().__init__(directory, params)
        self._location = directory

    incr = _resilient(DjangoCache, "incr", _unavailable, DISK_ERRORS)

    def close(self, **kwargs):
        """Django closes caches after every request; the SQLite connections are kept for the
        thread's life instead, as the database's are (reopening one costs a read of the
        cache's settings and its pragmas)."""
