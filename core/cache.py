"""A Redis cache that degrades instead of failing: when Redis is away, pages still render."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _resilient(name, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("cache %s failed, carrying on without it: %s", name, error)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


def _default(key, default=None, version=None):
    return default


def _constant(value):
    return lambda *args, **kwargs: value() if callable(value) else value


class ResilientRedisCache(RedisCache):
    """Reads miss, writes are dropped and counters raise ValueError while Redis is down.

    Redis' client reconnects by itself, so everything recovers when Redis
    returns, with no restart. ``incr`` raising ``ValueError`` is what callers
    already expect for a missing key (django-ratelimit then counts from zero).
    """

    get = _resilient("get", _default)
    set = _resilient("set", _constant(None))
    add = _resilient("add", _constant(False))
    delete = _resilient("delete", _constant(False))
    touch = _resilient("touch", _constant(False))
    get_many = _resilient("get_many", _constant(dict))
    set_many = _resilient("set_many", _constant(list))
    delete_many = _resilient("delete_many", _constant(None))
    has_key = _resilient("has_key", _constant(False))
    clear = _resilient("clear", _constant(False))

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            logger.warning("cache incr failed, carrying on without it: %s", error)
            raise ValueError("cache unavailable") from error
