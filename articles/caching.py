"""Whole-page caching for visitors without cookies, that is never stale and never private.

Every cached page is keyed by a *content version*. Any change that can alter a
page (an article, category, related link, old slug or approved comment saved
or deleted) sets a new version after the transaction commits, so all pages are
rendered afresh. The version also changes by itself when the next scheduled
article's publication time passes, so no cached page outlives it.

Only requests without a session, messages or own-comments cookie are served from the cache
(they all see the same page), and only responses that set no cookie and are
not marked private are stored. A matching ``If-None-Match`` gets a 304 before
anything is looked up or rendered.
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control

from comments import own

VERSION_KEY = "pages:version"
NEXT_PUBLISH_KEY = "pages:next-publish"
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages", own.COOKIE)
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")


def _next_publish_timestamp():
    from .models import Article

    moment = (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        .aggregate(next=Min("publish_at"))
        .get("next")
    )
    return moment.timestamp() if moment else None


def new_version():
    """Invalidate every cached page at once."""
    version = uuid.uuid4().hex[:12]
    cache.set_many({VERSION_KEY: version, NEXT_PUBLISH_KEY: _next_publish_timestamp()}, None)
    return version


def current_version():
    values = cache.get_many([VERSION_KEY, NEXT_PUBLISH_KEY])
    version, next_publish = values.get(VERSION_KEY), values.get(NEXT_PUBLISH_KEY)
    if version is None or (next_publish is not None and time.time() >= next_publish):
        version = new_version()
    return version


def invalidate():
    """Drop every cached page now, and again once the transaction commits.

    The second time closes the window in which another request could cache
    the old content between the change and its commit.
    """
    new_version()
    transaction.on_commit(new_version)


def content_changed(sender, **kwargs):
    invalidate()


def comment_changed(sender, instance, **kwargs):
    """Pending and spam comments are on no public page: posting one keeps the cache."""
    if instance.is_or_was_public:
        invalidate()
    instance.loaded_status = instance.status


def connect_signals():
    from comments.models import Comment

    from .models import Article, Category, PreviousSlug, RelatedLink

    for model in (Article, Category, RelatedLink, PreviousSlug):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-d")
    post_save.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment")
    post_delete.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment-d")


def _is_public(request):
    return request.method in ("GET", "HEAD") and not any(
        name in request.COOKIES for name in PRIVATE_COOKIES
    )


class PublicPageCacheMiddleware:
    """Serve and store whole pages for cookie-less visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_public(request) or not request.path.startswith(settings.PAGE_CACHE_PREFIXES):
            return self.get_response(request)
        version = current_version()
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:24]
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
            response.status_code == 200
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
