"""Caching: every key and every version is made here, and nowhere else.

**When does a page change?** Whatever the cache holds (a whole page, or a part of one) is
stored with the versions of the content it shows and served only while they are current.
Every write to a model that pages show moves those versions in the same transaction:
``save()``, ``delete()``, and its QuerySet's ``update()``, ``bulk_create()`` and
``bulk_update()`` (``VersionedQuerySet``; a system check refuses a watched model without
it). The clock moves them too when a moment the schedule names has come (a scheduled
publication, comments closing by age). So the next request after a change renders afresh
the parts that show what changed, and takes the rest from the cache.

The versions are scopes of content (``PAGES``, ``PARTS``): ``site`` (everything: a
restore), ``lists`` (any article as lists show it), ``catalog`` (categories, people,
pages), ``clock`` (what time changes), ``article:<slug>`` (one article's own page),
``related:<slug>`` (what its related cards link to), ``category:<id>`` and ``topic:<id>``
(a category's and a topic's articles) and ``comments:<slug>`` (an article's thread); the apps say in their ``apps.py``
which scopes a row moves (``watch``). Whole pages are served only to requests without a
private cookie, by address (path and page numbers), keyed by the scopes of the page and of
every part it rendered (noted with it); a part's key names its language, the
arguments its tag is given and where it is written, and ``request`` is hidden inside it,
so a part cannot print what its key does not name. A part rendered from its arguments
alone (``register_part``, ``in_place``) is marked where it stands in a stored page: when
only such parts changed, they are rendered again into the stored page and the rest of it
is kept.
"""

import functools
import gzip
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import partial
from pathlib import Path
from string import Formatter
from typing import NamedTuple

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.db import connection, models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode

SITE, LISTS, CATALOG, CLOCK = "site", "lists", "catalog", "clock"

# What each page and part shows. A page depends on SITE, LISTS, CATALOG and CLOCK (the header,
# lists, what time changes), unless its URL is named here: then on these, from its arguments.
# Either way a whole page depends on the scopes of the parts it renders too (``PARTS``): an
# article page is rendered again when its related cards' category changes, not when any
# article does.
PAGES = {"articles:detail": (SITE, CATALOG, CLOCK, "article:{slug}", "comments:{slug}")}
# What is remembered apart from whole pages: a template's {% part "name" arg=value %}, or a
# value (``remember()``); keyed by these scopes (and SITE), the language and the arguments.
PARTS = {
    "nav": (CATALOG,),  # the header's categories, the footer's links
    "list": (LISTS, CATALOG),  # a page of cards: home, category, author
    "page": (CATALOG,),  # an About page
    "article": (CATALOG, "article:{slug}"),  # an article's header, body and byline
    # Its related articles' cards: its links and what they link to, and the newest articles
    # of its topics and its category (the fill); the clock, for those published since.
    "related": ("related:{slug}", "category:{category}", "topic:{topics}", CLOCK),
    # One related card, keyed by what it shows (its ``row``): never stale, no version to read.
    "card": (),
    "comments": ("comments:{slug}",),  # its approved comments
    "search-row": (LISTS,),  # one search result's title, link, date and text
    "article-row": (CATALOG, "article:{slug}"),  # the article a page is about, with its category
    "glossary": (CATALOG,),  # every form of every glossary term, for search
}

# Headers a cached page keeps; the middleware below the cache (CSP, X-Frame-Options, the
# language) does not run when it is served.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy",
                "X-Frame-Options", "Cache-Control")  # fmt: skip
PAGE_PARAMETERS = ("page", "p")
PAGE = re.compile(r"[1-9][0-9]{0,8}")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
RENDER_LOCK_SECONDS = 10
COMPRESS_LEVEL = 3  # level 6 makes pages a little smaller in twice the time (bench/README.md)

_private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}
_uncached_parameters = set()
_schedules = []
_response_hooks = []
_watched = {}
_reads = {}
_renderers = {}
_bumped = threading.local()


def cache():
    """Where pages and parts are stored (settings.CACHES["default"])."""
    return caches["default"]


# Registration, by the apps in their ready().


def register_private_cookie(name):
    """A request carrying cookie ``name`` may see a page of its own: never share it."""
    _private_cookies.add(name)


def register_uncached_parameter(name):
    """A page asked for with query parameter ``name`` is rendered afresh, never stored."""
    _uncached_parameters.add(name)


def register_schedule(next_change):
    """``next_change()`` gives the next moment (a datetime or None) pages change by time:
    ``lists`` is moved then, and with it every page."""
    _schedules.append(next_change)


def register_response_hook(hook):
    """``hook(request, response)`` runs on every public page served, from the cache or not."""
    _response_hooks.append(hook)


def register_part(name, render):
    """Part ``name`` is rendered from its arguments alone: ``render(request=request,
    **arguments)`` gives its HTML in the current language (``in_place``); the parts it
    remembers within it are not noted with the page (its own scopes must cover theirs)."""
    _renderers[name] = render


def watch(model, scopes, reads=()):
    """Every write to ``model``'s rows moves ``scopes(row)``: save and delete (signals), and
    the QuerySet's update and bulk writes (``VersionedQuerySet``, which loads only the
    fields ``reads`` names, such as ``"article__slug"``). For a many-to-many table,
    ``scopes`` is given the object whose links changed."""
    _watched[model] = scopes
    _reads[model] = reads
    uid = f"pages-{model._meta.label}"
    if model._meta.auto_created:
        m2m_changed.connect(_links_changed, sender=model, dispatch_uid=uid)
        return
    post_save.connect(_row_saved, sender=model, dispatch_uid=uid)
    pre_delete.connect(_row_deleting, sender=model, dispatch_uid=f"{uid}-pd")
    post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"{uid}-d")


def _row_saved(sender, instance, **kwargs):
    bump(*_watched[sender](instance))


def _row_deleting(sender, instance, origin=None, **kwargs):
    # Read before the row and what cascades with it are gone; moved once they are. A row
    # deleted with another watched model's object (a cascade) is that object's change.
    started = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    if origin is None or started is sender or started not in _watched:
        instance._page_scopes = _watched[sender](instance)


def _row_deleted(sender, instance, origin=None, **kwargs):
    if (scopes := instance.__dict__.pop("_page_scopes", None)) is not None:
        bump(*scopes, origin=origin)


def _links_changed(sender, instance, action, **kwargs):
    # Before a removal too: what the links showed on is read while they are there.
    if action.startswith("post_") or action in ("pre_remove", "pre_clear"):
        through = _watched[sender]
        bump(*through(instance))


def scopes_of(model, rows):
    """The scopes that ``rows`` of a watched model show on."""
    scopes = _watched.get(model)
    return {scope for row in rows for scope in scopes(row)} if scopes else set()


class VersionedQuerySet(models.QuerySet):
    """The QuerySet of a watched model: writes that send no signal move versions too."""

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            before = scopes_of(self.model, self._rows(pks))  # a slug or category may change
            count = super().update(**kwargs)
            bump(*before, *scopes_of(self.model, self._rows(pks)))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            bump(*scopes_of(self.model, created))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        with transaction.atomic(using=self.db):
            count = super().bulk_update(objs, fields, *args, **kwargs)
            bump(*scopes_of(self.model, objs))
        return count

    def _rows(self, pks):
        reads = _reads.get(self.model, ())
        related = {name.rpartition("__")[0] for name in reads if "__" in name}
        rows = models.QuerySet(self.model, using=self.db).filter(pk__in=pks)
        return rows.select_related(*related).only("pk", *reads)


@checks.register
def check_watched(app_configs, **kwargs):
    """A watched model whose QuerySet is not versioned could change pages unseen."""
    return [
        checks.Error(
            f"{model._meta.label} is watched by the page cache, but its default manager's "
            "QuerySet is not a core.pagecache.VersionedQuerySet.",
            id="core.E001",
        )
        for model in _watched
        if not model._meta.auto_created
        and not issubclass(model._default_manager._queryset_class, VersionedQuerySet)
    ]


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
    if not scopes:
        return
    rows = []
    for scope in sorted(set(scopes)):
        next_change = _next_change() if scope == LISTS else None
        rows += [scope, connection.ops.adapt_datetimefield_value(next_change)]
    values = ", ".join(["(%s, 1, %s)"] * (len(rows) // 2))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO core_pageversion (scope, version, next_change) VALUES {values}"  # noqa: S608 (placeholders only)
            " ON CONFLICT (scope) DO UPDATE SET version = core_pageversion.version + 1,"
            " next_change = EXCLUDED.next_change",
            rows,
        )


def forget_everything():
    """Remove every page and part the cache holds, at once, as soon as the transaction
    commits: after an erasure, no copy of what was erased may stay (each process's own
    copies are never served again: their versions moved)."""
    transaction.on_commit(cache().clear)


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
    change has come is bumped first. The schedule is kept on ``lists``' row, read with
    ``clock`` too."""
    wanted = [*scopes, LISTS] if CLOCK in scopes and LISTS not in scopes else list(scopes)
    now, wall = time.monotonic(), time.time()
    known = [_known.get(scope) for scope in wanted]
    if all(
        entry
        and now - entry[2] < settings.PAGE_VERSIONS_SECONDS
        and (entry[1] is None or entry[1] > wall)
        for entry in known
    ):
        return {
            scope: entry[0] for scope, entry in zip(wanted, known, strict=True) if scope in scopes
        }
    from .models import PageVersion

    rows = PageVersion.objects.filter(scope__in=wanted).values_list(
        "scope", "version", "next_change"
    )
    found = {scope: (version, next_change) for scope, version, next_change in rows}
    versions = {}
    for scope in wanted:
        version, next_change = found.get(scope, (0, None))
        if next_change is not None and next_change.timestamp() <= wall:
            with transaction.atomic(using=router.db_for_write(PageVersion)):
                bump(scope, *([CLOCK] if scope == LISTS else []))
            return read_versions(scopes)
        versions[scope] = version
        _known[scope] = (version, next_change and next_change.timestamp(), now)
    return {scope: versions[scope] for scope in scopes}


def _forget(scopes):
    for scope in scopes:
        _known.pop(scope, None)


def _versions(request, scopes):
    """The versions of ``scopes``, read once per request."""
    known = request.__dict__.setdefault("page_versions", {})
    missing = [scope for scope in scopes if scope not in known]
    if missing:
        known.update(read_versions(missing))
    return [known[scope] for scope in scopes]


@functools.cache
def release():
    """What names this deploy's code and templates: ``DJANGO_RELEASE``, else the static
    files' manifest (a deploy runs collectstatic). Pages of another release are apart."""
    if settings.RELEASE:
        return settings.RELEASE
    try:
        manifest = (Path(settings.STATIC_ROOT) / "staticfiles.json").read_bytes()
    except OSError:
        return "unreleased"
    return hashlib.sha256(manifest).hexdigest()[:16]


def part_scopes(name, arguments):
    """The scopes part ``name`` with ``arguments`` depends on."""
    return [SITE, *_scopes(PARTS[name], arguments)]


def _key(kind, parts, scopes, versions):
    named = hashlib.sha256(f"{parts}|{release()}|{scopes}|{versions}".encode())
    return f"{kind}:{named.hexdigest()[:32]}"


# Parts of pages.


def _scopes(patterns, arguments):
    """``patterns`` filled from ``arguments``; an argument that is a list (an article's
    topics) gives one scope per item, and none when empty."""
    for pattern in patterns:
        names = [name for _text, name, _spec, _conv in Formatter().parse(pattern) if name]
        lists = [name for name in names if isinstance(arguments.get(name), (list, tuple))]
        values = arguments[lists[0]] if lists else [None]
        for value in values:
            yield pattern.format_map({**arguments, lists[0]: value} if lists else arguments)


def part_key(request, name, arguments, noted=True):
    """The key of part ``name`` with ``arguments`` (a dict), for this request's language.
    Its scopes are noted on the request: the whole page depends on them too (a part
    rendered in place is noted apart, with where it stands)."""
    scopes = part_scopes(name, arguments)
    if noted:
        request.__dict__.setdefault("part_scopes", set()).update(scopes)
    language = translation.get_language()
    return _key(f"part:{name}", f"{language}?{urlencode(sorted(arguments.items()))}", scopes,
                _versions(request, scopes))  # fmt: skip


def remember(request, name, arguments, render, noted=True):
    """Part ``name`` from the cache, or ``render()`` stored under its key (nothing is stored
    when ``render()`` raises: a 404 is never remembered)."""
    key = part_key(request, name, arguments, noted)
    found = cache().get(key)
    if found is None:
        found = render()
        cache().set(key, found, settings.PAGE_CACHE_SECONDS)
    return found


# Where a part rendered in place stands in a page that is being stored: between two of these.
# The site's text never holds it (core.text cleans it out of everything stored).
MARK = "\x00"


def in_place(request, name, arguments):
    """Part ``name`` (``register_part``), marked where it stands when the page is to be stored:
    when only such parts changed, the stored page is served with them rendered again in
    place, the rest of it as it was (``PublicPageCacheMiddleware``)."""
    render = partial(_renderers[name], request=request, **arguments)
    html = remember(request, name, arguments, render, noted=False)
    places = request.__dict__.get("places")
    if places is None:
        return html
    places.append((name, arguments, translation.get_language()))
    return f"{MARK}{html}{MARK}"


def _placed(request, content):
    """The page's content without its marks, and where each part rendered in place stands in
    it: (name, arguments, language, start, end), in bytes. None for that when the marks do
    not pair up (a stray one in the request's own text): the page is then stored whole."""
    places = request.__dict__.get("places") or []
    if MARK.encode() not in content:
        return content, ()
    pieces = content.split(MARK.encode())
    if len(pieces) != 2 * len(places) + 1:
        return b"".join(pieces), None
    at, found = 0, []
    for index, piece in enumerate(pieces):
        if index % 2:
            found.append((*places[index // 2], at, at + len(piece)))
        at += len(piece)
    return b"".join(pieces), tuple(found)


def _set_content(response, content):
    """``content`` as the response's, and its length (set below, with the marks) with it."""
    response.content = content
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))


def remember_many(request, name, arguments, render, noted=True):
    """Many parts of one kind at once: ``arguments`` is a list of dicts, ``render(missing)``
    gives the values of those not found, in order."""
    _versions(request, sorted({scope for each in arguments for scope in part_scopes(name, each)}))
    keys = [part_key(request, name, each, noted) for each in arguments]
    found = cache().get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        rendered = dict(
            zip((keys[i] for i in missing), render([arguments[i] for i in missing]), strict=True)
        )
        cache().set_many(rendered, settings.PAGE_CACHE_SECONDS)
        found.update(rendered)
    return [found[key] for key in keys]


# Whole pages.


def _is_public(request):
    """Whether the request carries no cookie that may make its page its own."""
    return _private_cookies.isdisjoint(request.COOKIES)


def cache_path(request):
    """The URL a page is cached under, or None when the request must bypass the cache.

    Only page numbers (``page`` on lists, ``p`` on sitemaps), written plainly,
    vary a cached page. Other parameters (``utm_id`` and the like) change
    nothing on the page: they are left out of the key, so that arbitrary query
    strings cannot fill the cache. A registered parameter (a search, a reply form)
    or a page number written otherwise (the view answers 404) bypasses the cache.
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
    """The scopes the requested page depends on before its parts (``PAGES``); the URL's match
    is kept as ``request.page_match`` for the response hooks."""
    request.page_match = match = _resolved(request.path_info, settings.ROOT_URLCONF)
    if match and match.view_name in PAGES:
        return [scope.format(**match.kwargs) for scope in PAGES[match.view_name]]
    return [SITE, LISTS, CATALOG, CLOCK]


@functools.lru_cache(maxsize=1024)
def _resolved(path_info, urlconf):
    """The URL's match (read only), or None; remembered: a cache hit resolves no URL."""
    try:
        with translation.override(translation.get_language_from_path(path_info)):
            return resolve(path_info, urlconf)
    except Resolver404:
        return None


def page_address(path):
    """Where the page of ``path`` (with its page numbers) is stored."""
    return _key("page", path, [], [])


class PageCopies:
    """The pages this process served lately, by address, in front of the shared cache (at
    most ``PAGE_COPIES_MB``, least recently used dropped first). A copy carries the key it
    was stored under and is served only while that is the current key, so it is never
    stale; it spares a cache hit the round trip to Redis or the disk (bench/README.md)."""

    def __init__(self, limit):
        self.limit, self.size, self.pages = limit, 0, OrderedDict()
        self.lock = threading.Lock()

    def get(self, address):
        with self.lock:
            stored = self.pages.get(address)
            if stored is not None:
                self.pages.move_to_end(address)
            return stored

    def keep(self, address, stored):
        size = len(stored[3])
        with self.lock:
            if (old := self.pages.pop(address, None)) is not None:
                self.size -= len(old[3])
            if size > self.limit // 8:
                return
            self.pages[address] = stored
            self.size += size
            while self.size > self.limit:
                self.size -= len(self.pages.popitem(last=False)[1][3])


copies = PageCopies(settings.PAGE_COPIES_MB * 2**20)


class Stored(NamedTuple):
    """A page as stored: the key of the versions it shows, its response, the scopes of its
    parts, and apart from them those of its frame (all but the parts rendered in place),
    with the frame's key and where those parts stand (``_placed``)."""

    key: str
    status: int
    headers: dict
    packed: bytes
    parts: tuple
    frame_parts: tuple
    frame: str
    places: tuple


class PublicPageCacheMiddleware:
    """Serve and store whole pages for visitors without a private cookie.

    A page is stored once per address, compressed (the few clients that do not take gzip
    get it decompressed), with the key of the versions it shows; it is served while those
    are the current versions. When only parts rendered in place changed (``in_place``),
    those are rendered again into the stored page; else the page is rendered anew. While one
    worker does so, the others serve the copy stored before (for at most
    RENDER_LOCK_SECONDS), so that a change does not send every worker to render the same
    page at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith(
            settings.PAGE_CACHE_PREFIXES
        ):
            return self.get_response(request)
        scopes = page_scopes(request)
        if not _is_public(request):
            _versions(request, scopes)  # read at once for the parts it renders
            response = self.get_response(request)
            patch_cache_control(response, private=True)  # may hold the visitor's own
            return response
        path = cache_path(request)
        if path is None:
            _versions(request, scopes)  # read at once for the parts it renders
            return self._hooked(request, self.get_response(request))
        gzipped = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None

        def key_of(parts):
            """The page's key with the versions of its scopes and its parts' scopes now."""
            every = scopes + [scope for scope in parts if scope not in scopes]
            return _key("page", path, every, _versions(request, every))

        # One entry per address: the page as last rendered, compressed, with the key of the
        # versions it was rendered from and its parts' scopes. It is served while that key
        # is current. This process's copy first; the shared one if that is not current.
        address = page_address(path)
        stored, locked = copies.get(address), False
        key = key_of(stored.parts if stored else ())
        if (stored is None or stored.key != key) and (shared := cache().get(address)):
            stored, key = shared, key_of(shared.parts)
            copies.keep(address, stored)
        etag = self._etag(key, gzipped)
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return self._hooked(request, response)
        fresh = stored is not None and stored.key == key
        if not fresh:
            locked = cache().add(f"{address}:lock", 1, RENDER_LOCK_SECONDS)
        if fresh or (stored is not None and not locked):  # or another worker renders it
            response = HttpResponse(stored.packed if gzipped else gzip.decompress(stored.packed),
                                    status=stored.status, headers=stored.headers)  # fmt: skip
            if gzipped:
                response["Content-Encoding"] = "gzip"
            if fresh:
                response["ETag"] = etag
            response["X-Page-Cache"] = "hit" if fresh else "previous"
            return self._hooked(request, response)

        try:
            if stored is not None and stored.places and key_of(stored.frame_parts) == stored.frame:
                response, state = self._rendered_in_place(request, stored), "parts"
            else:
                if path == request.get_full_path():
                    request.places = []  # parts rendered in place note where they stand
                response, state = self.get_response(request), "miss"
            if self._storable(request, path, response):
                patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
                patch_vary_headers(response, ["Accept-Encoding"])
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                content, places = _placed(request, response.content)
                _set_content(response, content)
                noted = request.__dict__.get("part_scopes", set())
                frame_parts = tuple(sorted(noted - set(scopes)))
                placed = {s for place in places or () for s in part_scopes(*place[:2])}
                parts = tuple(sorted((noted | placed) - set(scopes)))
                key = key_of(parts)  # the versions its parts were rendered from
                etag = self._etag(key, gzipped)
                stored = Stored(key, 200, headers, gzip.compress(content, COMPRESS_LEVEL, mtime=0),
                                parts, frame_parts, key_of(frame_parts), places or ())  # fmt: skip
                cache().set(address, stored, settings.PAGE_CACHE_SECONDS)
                copies.keep(address, stored)
                response["ETag"] = etag.replace("-gz", "")
                response["X-Page-Cache"] = state
            elif request.__dict__.get("places") and not response.streaming:
                _set_content(response, _placed(request, response.content)[0])
        finally:
            if locked:
                cache().delete(f"{address}:lock")
        return self._hooked(request, response)

    @staticmethod
    def _rendered_in_place(request, stored):
        """The stored page with its parts rendered in place as they are now: the frame (all
        the rest) is what it was."""
        content = gzip.decompress(stored.packed)
        pieces, places, at = [], [], 0
        for name, arguments, language, start, end in stored.places:
            with translation.override(language):
                html = in_place(request, name, arguments)
            pieces += [content[at:start], MARK.encode(), html.encode(), MARK.encode()]
            places.append((name, arguments, language))
            at = end
        pieces.append(content[at:])
        request.places, request.part_scopes = places, set(stored.frame_parts)
        return HttpResponse(b"".join(pieces), status=stored.status, headers=stored.headers)

    @staticmethod
    def _etag(key, gzipped):
        # The hour is part of the ETag only: a copy kept by a browser is sent again in full
        # at least hourly, so the form token it holds is never a day old.
        return f'"{key[5:]}-{int(time.time() // 3600)}{"-gz" if gzipped else ""}"'

    @staticmethod
    def _storable(request, path, response):
        return (
            path == request.get_full_path()  # stored only when asked for by its own URL
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _hooked(request, response):
        for hook in _response_hooks:
            hook(request, response)
        return response
