"""The site's settings plus a bare "ok" view: the ceiling the benchmark compares with."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_SITE_URL", "http://127.0.0.1")

from config.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
COMMENTS_RATE = "100000000/m"
# Searches are timed without their limit per client, unless a row asks for it.
SEARCH_RATE = os.environ.get("BENCH_SEARCH_RATE", "100000000/m")
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

if os.environ.get("BENCH_NO_CACHE"):
    # Every page rendered whole: no page cache, no fragments.
    nothing = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    CACHES |= {"default": nothing}  # noqa: F405
