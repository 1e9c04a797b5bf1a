"""``/healthz``: 200 when the database and the cache answer, 503 naming what does not."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import pagecache
from .models import PageVersion

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        answered = cursor.fetchone() == (1,)
    # The table of versions every cached page is keyed by, read from the database itself
    # (read_versions() may answer from what this process remembers).
    PageVersion.objects.filter(scope=pagecache.SITE).values_list("version").first()
    return answered


def _cache():
    # A key of its own per check: concurrent checks must not read each other's value.
    key = value = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, value, 10)
    found = cache.get(key) == value
    cache.delete(key)
    return found


@never_cache
def healthz(request):
    checks = {}
    for name, check in [("database", _database), ("cache", _cache)]:
        try:
            checks[name] = "ok" if check() else "failing"
        except Exception as error:  # any failure is a failing part; the reason goes to the log
            logger.warning("health check %s failed: %s", name, type(error).__name__)
            checks[name] = "failing"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )
