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
