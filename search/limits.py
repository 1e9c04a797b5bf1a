"""The search rate limit, checked before sessions, CSRF, messages and the rest run: a
client over its rate is answered with a small page in its language that costs less than
a cached page, so that a flood of searches cannot starve the pages readers read."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_ratelimit.core import is_ratelimited

from core.languages import html_lang, language_codes

_refusals = {}  # language -> the page's bytes (it prints nothing of the request)


def search_paths():
    paths = {}
    for code in language_codes():
        with translation.override(code):
            paths[reverse("search:results")] = code
    return paths


def refusal(language):
    if language not in _refusals:
        with translation.override(language):
            context = {"lang": html_lang(language), "site_name": settings.SITE_NAME}
            _refusals[language] = render_to_string("search/limited.html", context).encode()
    response = HttpResponse(_refusals[language], status=429)
    response["Content-Language"] = language
    response["Retry-After"] = "60"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'"
    response["X-Frame-Options"] = "DENY"
    return response


class SearchLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None

    def __call__(self, request):
        if "q" in request.GET and request.method in ("GET", "HEAD"):
            if self.paths is None:
                self.paths = search_paths()
            language = self.paths.get(request.path_info)
            if language and is_ratelimited(
                request, group="search", key="ip", rate=settings.SEARCH_RATE, increment=True
            ):
                return refusal(language)
        return self.get_response(request)
