"""Whole-page caching for visitors without cookies, that is never stale and never private.

Each page depends on *scopes*: every page on ``site`` and ``lists``, and a
page an app registers with ``register_page_scope`` (the article page) on a
scope of its own as well (``comments:<slug>``). Each scope has a version in
the database (``core.models.PageVersion``), bumped in the same transaction as
the change it stands for; a page is cached under the versions of its scopes,
read before it is rendered, so a change makes every page that depends on it
render afresh, and a cache lost, emptied or restored from an old snapshot can
never serve old content again. A deploy (new code or static files) starts
new keys; ``manage.py restore`` bumps ``site``.

What bumps what is said by the apps: ``refresh_on_change(Model, ...)`` for
models whose every save or delete changes lists and pages (articles,
categories), and ``bump(scope)`` from their own signal handlers (a comment
bumps its article's scope only). ``lists`` also changes by itself at the next
moment a registered schedule names (a scheduled article's publication).

Only requests without a private cookie (the session, messages, and any an app
registers) are served from the cache; pages rendered for a request with one
are marked private. Only the page numbers of the query string vary a cached
page (see ``cache_path``). A matching ``If-None-Match`` gets a 304 before
anything is rendered.

Pages and fragments are stored in the ``pages`` cache: each process keeps its own
copies of what it reads in front of the shared cache (``core.cache.LocalFirstCache``),
which is safe because a key named by versions never comes to mean other content.
"""

import hashlib
import re
import secrets
import threading
import time
from functools import cache, lru_cache, partial
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import ConnectionProxy, caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

SITE, LISTS = "site", "lists"
# Headers a cached page keeps; the middleware below the cache (CSP, X-Frame-Options, the
# language) does not run when it is served.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy",
                "X-Frame-Options", "Cache-Control")  # fmt: skip
PAGE_PARAMETERS = ("page", "p")
PAGE = re.compile(r"[1-9][0-9]{0,8}")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

_private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
_uncached_parameters = set()
_schedules = []
_page_scopes = {}
_response_hooks = []
_bumped = threading.local()
# Pages and fragments: this process's copies first, then the shared cache (settings.CACHES).
pages = ConnectionProxy(caches, "pages")


# Registration, by the apps in their ready().


def register_private_cookie(name):
    """A request carrying cookie ``name`` may see a page of its own: never share it."""
    _private_cookies.add(name)


def register_uncached_parameter(name):
    """A page asked for with query parameter ``name`` is rendered afresh, never stored."""
    _uncached_parameters.add(name)


def register_schedule(next_change):
    """``next_change()`` gives the next moment (a datetime or None) the lists change by time."""
    _schedules.append(next_change)


def register_page_scope(url_name, scope):
    """Pages of URL ``url_name`` also depend on the scope ``scope(url kwargs)`` names."""
    _page_scopes[url_name] = scope


def register_response_hook(hook):
    """``hook(request, response)`` runs on every public page served, from the cache or not."""
    _response_hooks.append(hook)


def refresh_on_change(*models):
    """Every save or delete of these models' rows changes the lists and the pages
    (for a many-to-many table, every change of its links)."""
    for model in models:
        uid = f"pages-{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(_links_changed, sender=model, dispatch_uid=uid)
            continue
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"{uid}-d")


def _content_changed(sender, origin=None, **kwargs):
    bump(LISTS, origin=origin)


def _links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump(LISTS)


# Versions.


def bump(*scopes, origin=None):
    """Give ``scopes`` new versions, in the current transaction.

    ``origin`` is the object a deletion started from (Django's signal
    argument): one deletion that removes many rows bumps each scope once.
    """
    if origin is not None:
        seen = getattr(_bumped, "origin", None)
        if seen is None or seen[0] is not origin:
            _bumped.origin = seen = (origin, set())
        scopes = [scope for scope in scopes if scope not in seen[1]]
        seen[1].update(scopes)
    # This process reads the new versions at once, and again once they are committed.
    _forget(scopes)
    transaction.on_commit(partial(_forget, scopes))
    for scope in scopes:
        next_change = _next_change() if scope == LISTS else None
        next_change = connection.ops.adapt_datetimefield_value(next_change)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_pageversion (scope, version, next_change) VALUES (%s, 1, %s)"
                " ON CONFLICT (scope) DO UPDATE SET version = core_pageversion.version + 1,"
                " next_change = EXCLUDED.next_change",
                [scope, next_change],
            )


def restart_versions():
    """Jump ``site`` to a random version: after a restore, versions may have gone back."""
    from .models import PageVersion

    PageVersion.objects.update_or_create(scope=SITE, defaults={"version": secrets.randbelow(2**62)})
    _forget([SITE])


def _next_change():
    moments = [moment for next_change in _schedules if (moment := next_change())]
    return min(moments) if moments else None


# Versions this process has read lately: scope -> (version, next change as a timestamp, when
# read). The database is asked again after settings.PAGE_VERSIONS_SECONDS, so a change made
# by another process shows within that time; one made here shows at once.
_known = {}


def read_versions(scopes):
    """The versions of ``scopes`` (0 for one never bumped); a scope whose next scheduled
    change has come is bumped first."""
    now, wall = time.monotonic(), time.time()
    known = [_known.get(scope) for scope in scopes]
    if all(
        entry
        and now - entry[2] < settings.PAGE_VERSIONS_SECONDS
        and (entry[1] is None or entry[1] > wall)
        for entry in known
    ):
        return {scope: entry[0] for scope, entry in zip(scopes, known, strict=True)}
    from .models import PageVersion

    rows = PageVersion.objects.filter(scope__in=scopes).values_list(
        "scope", "version", "next_change"
    )
    found = {scope: (version, next_change) for scope, version, next_change in rows}
    versions = {}
    for scope in scopes:
        version, next_change = found.get(scope, (0, None))
        if next_change is not None and next_change.timestamp() <= wall:
            bump(scope)
            return read_versions(scopes)
        versions[scope] = version
        _known[scope] = (version, next_change and next_change.timestamp(), now)
    return versions


def _forget(scopes):
    for scope in scopes:
        _known.pop(scope, None)


@cache
def deploy_fingerprint():
    """Changes with Django, the code, templates, catalogs and static manifest: a deploy's
    pages are cached apart from the last one's."""
    digest = hashlib.sha256(django.get_version().encode())  # pickled objects name it too
    root = Path(settings.BASE_DIR)
    for pattern in ("*/*.py", "*/templatetags/*.py", "templates/**/*.html", "locale/**/*.mo",
                    "staticfiles/staticfiles.json"):  # fmt: skip
        for path in sorted(root.glob(pattern)):
            if ".venv" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# The middleware.


def _is_public(request):
    """Whether the request carries no cookie that may make its page its own."""
    return _private_cookies.isdisjoint(request.COOKIES)


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
    numbers = []
    for name in PAGE_PARAMETERS:
        if name in query:
            values = query.getlist(name)
            if len(values) != 1 or not PAGE.fullmatch(values[0]):
                return None
            numbers.append(f"{name}={values[0]}")
    return f"{request.path}?{'&'.join(numbers)}" if numbers else request.path


def page_scopes(request):
    """The scopes the requested page depends on; the URL's match is kept as
    ``request.page_match`` for the response hooks."""
    scopes = [SITE, LISTS]
    request.page_match = match = _resolve(request.path_info)
    if match and (scope := _page_scopes.get(match.view_name)):
        scopes.append(scope(match.kwargs))
    return scopes


@lru_cache(maxsize=4096)
def _resolve(path):
    """The URL match of ``path`` or None; remembered, as the same pages are asked for again
    and again. The cache answers before LocaleMiddleware: the path names the language."""
    try:
        with translation.override(translation.get_language_from_path(path)):
            return resolve(path)
    except Resolver404:
        return None


def page_stamp(request):
    """The digest of the requested page's versions (and the deploy): what the page and the
    {% cache %} fragments of its parts are keyed by."""
    stamp = getattr(request, "page_stamp", None)
    if stamp is None:
        request.page_versions = read_versions(page_scopes(request))
        request.page_stamp = stamp = _stamp(request.page_versions)
    return stamp


def site_stamp(request):
    """The digest of the versions every page shares (not the page's own): what the parts
    that are the same on every page (the header's categories) are keyed by."""
    stamp = getattr(request, "site_stamp", None)
    if stamp is None:
        page_stamp(request)
        versions = {scope: request.page_versions[scope] for scope in (SITE, LISTS)}
        request.site_stamp = stamp = _stamp(versions)
    return stamp


def _stamp(versions):
    digest = hashlib.sha256(f"{deploy_fingerprint()}{sorted(versions.items())}".encode())
    return digest.hexdigest()[:16]


class PublicPageCacheMiddleware:
    """Serve and store whole pages for cookie-less visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith(
            settings.PAGE_CACHE_PREFIXES
        ):
            return self.get_response(request)
        # Read before anything is rendered; a visitor with cookies gets their page built
        # from fragments keyed by it too.
        stamp = page_stamp(request)
        if not _is_public(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True)  # may hold the visitor's own
            return response
        path = cache_path(request)
        if path is None:
            return self._hooked(request, self.get_response(request))
        digest = hashlib.sha256(path.encode()).hexdigest()[:24]
        # The hour is part of the ETag only: a copy kept by a browser is sent again in full
        # at least hourly, so the form token it holds is never a day old.
        gzipped = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None
        etag = f'"{stamp}-{digest}-{int(time.time() // 3600)}{"-gz" if gzipped else ""}"'
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return self._hooked(request, response)
        key = f"pages:{stamp}:{digest}"
        # Stored compressed too, apart: most browsers take it, and it is a fifth of the bytes.
        stored = pages.get(f"{key}:gz" if gzipped else key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            if gzipped:
                response["Content-Encoding"] = "gzip"
            response["ETag"] = etag
            response["X-Page-Cache"] = "hit"
            return self._hooked(request, response)

        response = self.get_response(request)
        if (
            path == request.get_full_path()  # stored only when asked for by its own URL
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            patch_vary_headers(response, ["Accept-Encoding"])
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            content = response.content
            pages.set_many(
                {
                    key: (200, headers, content),
                    f"{key}:gz": (200, headers, compress_string(content)),
                },
                settings.PAGE_CACHE_SECONDS,
            )
            response["ETag"] = etag.replace("-gz", "")
            response["X-Page-Cache"] = "miss"
        return self._hooked(request, response)

    @staticmethod
    def _hooked(request, response):
        for hook in _response_hooks:
            hook(request, response)
        return response
