"""Redis as the shared cache of several instances (``REDIS_URL``), degrading as
``core.cache`` says: the redis client is a production extra, imported only when it is used."""

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .cache import _resilient, _unavailable, degrades_on


@degrades_on(RedisError)
class ResilientRedisCache(RedisCache):
    """Redis' client reconnects by itself, so everything recovers when Redis returns, with
    no restart. ``incr`` raising ``ValueError`` is what callers already expect for a
    missing key (django-ratelimit then counts from zero)."""

    timeouts = (TimeoutError, RedisTimeoutError)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server

    incr = _resilient(RedisCache, "incr", _unavailable, RedisError)

    def clear(self):
        """This cache's keys only (its ``KEY_PREFIX``): the flood limit's counters share the
        Redis database, and ``FLUSHDB`` would take them too."""
        try:
            client = self._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        except RedisError:
            return False
        return True
