"""Absolute URLs name the site's one configured origin, never the Host a request claims.

Django accepts any port on an allowed host (``localhost:6666``), and a page
cached under such a request would send everyone canonical, hreflang, Open
Graph and sitemap URLs naming it. With ``SITE_URL`` set, a request whose Host
is allowed is treated as if it had named the site's own host, so every
``build_absolute_uri`` and the sitemaps write the configured origin; a
disallowed Host still answers 400.
"""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings


@cache
def site_host(site_url):
    return urlsplit(site_url).netloc


class CanonicalHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            request.get_host()  # raises DisallowedHost (a 400) for a host that is not allowed
            request.META["HTTP_HOST"] = site_host(settings.SITE_URL)
        return self.get_response(request)


def absolute_url(path):
    """``path`` on the site's configured origin (relative when none is configured, in debug)."""
    return f"{settings.SITE_URL}{path}"
