"""Caches that degrade instead of failing: when the cache is away or broken, pages still render.

A cache error of any kind (Redis down or hung, a corrupt cache file, a full
disk, a read-only cache directory) is logged and read as a miss; writes are
dropped; a cache that times out is left alone for a few seconds before it is tried again.
Nothing a visitor does turns a cache fault into a 500.

``LocalFirstCache`` keeps each process's copies of pages and fragments in front of the
shared cache, so that most reads ask neither Redis nor the disk.
"""

import logging
import pickle
import sys
import threading
import time
import zlib
from collections import OrderedDict

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a damaged or unwritable cache file raises when read or written.
FILE_ERRORS = (OSError, EOFError, pickle.UnpicklingError, zlib.error, ValueError, TypeError,
               AttributeError, ImportError, IndexError)  # fmt: skip


# Where a cache timed out, when to try it again (per process, by cache location): a hung
# Redis costs one timeout, then none until the pause is over. A refused or dropped
# connection fails at once and costs nothing, so it is tried again on the next call
# (which also clears the dead connections a restarted Redis leaves in the pool).
_retry_at = {}
RETRY_AFTER_SECONDS = 5
TIMEOUTS = (TimeoutError, RedisTimeoutError)
_MISSING = object()


def _pause_if_hung(cache, error):
    if isinstance(error, TIMEOUTS):
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


@degrades_on(RedisError)
class ResilientRedisCache(RedisCache):
    """Redis' client reconnects by itself, so everything recovers when Redis returns, with
    no restart. ``incr`` raising ``ValueError`` is what callers already expect for a
    missing key (django-ratelimit then counts from zero)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server

    incr = _resilient(RedisCache, "incr", _unavailable, RedisError)


@degrades_on(FILE_ERRORS)
class ResilientFileBasedCache(FileBasedCache):
    """The file cache, where a corrupt entry is a miss (and is removed), and a full disk or
    a read-only directory drops writes."""

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._location = dir

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except FILE_ERRORS as error:
            logger.warning("cache entry unreadable, removed: %r", error)
            self.delete(key, version)
            return default


class LocalFirstCache(BaseCache):
    """A process's own copies in front of a shared cache, for keys whose value never changes.

    Pages and their fragments are stored under keys named by the versions of what they
    show (``core.pagecache``): a key never comes to mean other content, so a copy kept in
    this process can be served without asking Redis or opening a file, and is never
    stale. ``LOCATION`` names the shared cache alias; writes go to both. Copies are kept
    for the timeout they were stored with (the cache's ``TIMEOUT`` when read from the
    shared cache), and the least recently used are dropped beyond ``MAX_BYTES``
    (``OPTIONS``) per process (per thread with threaded workers, as Django's cache
    connections are). Values other than text are kept pickled, so that no two requests
    share a mutable object. Do not store here what may change under its key.
    """

    def __init__(self, location, params):
        super().__init__(params)
        self._shared_alias = location
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 32 * 2**20))
        self._copies = OrderedDict()  # key -> (expires at, size, text or pickle)
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def shared(self):
        return caches[self._shared_alias]

    def get(self, key, default=None, version=None):
        now = time.monotonic()
        with self._lock:
            copy = self._copies.get(key)
            if copy is not None and copy[0] > now:
                self._copies.move_to_end(key)
                return copy[2] if isinstance(copy[2], str) else pickle.loads(copy[2])  # noqa: S301
        value = self.shared.get(key, _MISSING, version)
        if value is _MISSING:
            return default
        self._keep(key, value, self.default_timeout)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.shared.set(key, value, timeout, version)
        self._keep(key, value, timeout)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self.shared.set_many(data, timeout, version)
        for key, value in data.items():
            self._keep(key, value, timeout)
        return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self.shared.add(key, value, timeout, version)
        if added:
            self._keep(key, value, timeout)
        return added

    def delete(self, key, version=None):
        self._drop(key)
        return self.shared.delete(key, version)

    def clear(self):
        with self._lock:
            self._copies.clear()
            self._bytes = 0
        return self.shared.clear()

    def _keep(self, key, value, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is not None and timeout <= 0:
            return self._drop(key)
        stored = value if isinstance(value, str) else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        size = sys.getsizeof(stored)
        if size > self._max_bytes // 8:
            return  # too big to be worth a place among the others
        expires = time.monotonic() + (timeout if timeout is not None else 365 * 24 * 3600)
        with self._lock:
            if (old := self._copies.pop(key, None)) is not None:
                self._bytes -= old[1]
            self._copies[key] = (expires, size, stored)
            self._bytes += size
            while self._bytes > self._max_bytes:
                _key, (_expires, dropped, _stored) = self._copies.popitem(last=False)
                self._bytes -= dropped

    def _drop(self, key):
        with self._lock:
            if (old := self._copies.pop(key, None)) is not None:
                self._bytes -= old[1]
