"""Whole-page caching for visitors without cookies, that is never stale and never private.

Every cached page is keyed by a *content version*. Any change that can alter a
page sets a new version after the transaction commits, so all pages are
rendered afresh. The apps say what that is: ``refresh_on_change(Model, ...)``
for models whose every save or delete counts, or a signal handler of their own
that calls ``invalidate()``. The version also changes by itself at the next
moment a registered schedule names (a scheduled article's publication), so no
cached page outlives it.

Only requests without a private cookie (the session, messages, and any an app
registers with ``register_private_cookie``) are served from the cache (they
all see the same page), and only responses that set no cookie and are not
marked private are stored. A matching ``If-None-Match`` gets a 304 before
anything is looked up or rendered.
"""

import hashlib
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

VERSION_KEY = "pages:version"
NEXT_CHANGE_KEY = "pages:next-change"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")

_private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
_uncached_parameters = set()
_schedules = []
PAGE_PARAMETERS = ("page", "p")
PAGE = re.compile(r"[1-9][0-9]{0,8}")


def register_private_cookie(name):
    """A request carrying cookie ``name`` may see a page of its own: never share it."""
    _private_cookies.add(name)


def register_uncached_parameter(name):
    """A page asked for with query parameter ``name`` is rendered afresh, never stored."""
    _uncached_parameters.add(name)


def register_schedule(next_change):
    """``next_change()`` gives the next moment (a datetime or None) the pages change by time."""
    _schedules.append(next_change)


def refresh_on_change(*models):
    """Every save or delete of these models' rows changes public pages."""
    for model in models:
        uid = f"pages-{model._meta.label}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"{uid}-d")


def _content_changed(sender, **kwargs):
    invalidate()


def _next_change_timestamp():
    moments = [moment for next_change in _schedules if (moment := next_change())]
    return min(moments).timestamp() if moments else None


def new_version():
    """Invalidate every cached page at once."""
    version = uuid.uuid4().hex[:12]
    cache.set_many({VERSION_KEY: version, NEXT_CHANGE_KEY: _next_change_timestamp()}, None)
    return version


def current_version():
    values = cache.get_many([VERSION_KEY, NEXT_CHANGE_KEY])
    version, next_change = values.get(VERSION_KEY), values.get(NEXT_CHANGE_KEY)
    if version is None or (next_change is not None and time.time() >= next_change):
        version = new_version()
    return version


def invalidate():
    """Drop every cached page now, and again once the transaction commits.

    The second time closes the window in which another request could cache
    the old content between the change and its commit.
    """
    new_version()
    transaction.on_commit(new_version)


def _is_public(request):
    return request.method in ("GET", "HEAD") and _private_cookies.isdisjoint(request.COOKIES)


def cache_path(request):
    """The URL a page is cached under, or None when the request must bypass the cache.

    Only page numbers (``page`` on lists, ``p`` on sitemaps), written plainly,
    vary a cached page. Other parameters (``utm_id`` and the like) change
    nothing on the page: they are left out of the key, so that arbitrary query
    strings cannot fill the cache. A registered parameter (a reply form) or a
    page number written otherwise (the view answers 404) bypasses the cache.
    """
    query = request.GET
    if not query:
        return request.path
    if not _uncached_parameters.isdisjoint(query):
        return None
    pages = []
    for name in PAGE_PARAMETERS:
        if name in query:
            values = query.getlist(name)
            if len(values) != 1 or not PAGE.fullmatch(values[0]):
                return None
            pages.append(f"{name}={values[0]}")
    return f"{request.path}?{'&'.join(pages)}" if pages else request.path


class PublicPageCacheMiddleware:
    """Serve and store whole pages for cookie-less visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_public(request) or not request.path.startswith(settings.PAGE_CACHE_PREFIXES):
            return self.get_response(request)
        path = cache_path(request)
        if path is None:
            return self.get_response(request)
        version = current_version()
        digest = hashlib.sha256(path.encode()).hexdigest()[:24]
        etag = f'"{version}-{digest}"'
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        key = f"pages:{version}:{digest}"
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if (
            path == request.get_full_path()  # stored only when asked for by its own URL
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        ):
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            headers = {
                name: response[name]
                for name in (*KEPT_HEADERS, "ETag", "Cache-Control")
                if name in response
            }
            cache.set(key, (200, headers, response.content), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
