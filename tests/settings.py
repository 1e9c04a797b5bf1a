"""The site's settings with a throwaway secret key, so tests run without any environment."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789"
)
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP
os.environ.setdefault("DJANGO_SITE_URL", "http://testserver")

from config.settings import *  # noqa: E402, F403
