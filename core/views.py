"""Pages every site has: the language redirect, robots.txt, uploaded media and error pages."""

from django.conf import settings
from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe
from django.views.static import serve

from .languages import html_lang, language_links

# Raster images only: an SVG or HTML file could carry script.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}


@require_safe
def language_redirect(request):
    """Send ``/`` to the home page in the visitor's language (Accept-Language, then default)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse(settings.HOME_URL_NAME))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_safe
@require_safe
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says: the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def media_file(request, path):
    """Serve an uploaded file from local storage, never as a page the browser would run."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.get("Content-Type") not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Renditions are named after their content, so they never change.
    immutable = path.startswith("covers/renditions/")
    patch_cache_control(response, public=True, max_age=31536000 if immutable else 3600)
    return response


def page_not_found(request, exception):
    context = {"language_links": language_links(request), "noindex": True}
    return render(request, "404.html", context, status=404)


def bad_request(request, exception):
    # No language links: the request's Host may be the very thing that was refused.
    return render(request, "400.html", {"noindex": True, "language_links": []}, status=400)


def permission_denied(request, exception):
    return render(request, "403.html", {"noindex": True}, status=403)


def csrf_failure(request, reason=""):
    """A forged or cookie-less form POST: explained in the visitor's language."""
    return render(request, "403_csrf.html", {"noindex": True}, status=403)


def server_error(request):
    # No request context: nothing that failed once (database, session) is asked again.
    context = {
        "site_name": settings.SITE_NAME,
        "html_lang": html_lang(translation.get_language() or settings.LANGUAGE_CODE),
        "noindex": True,
    }
    return HttpResponseServerError(loader.render_to_string("500.html", context))
