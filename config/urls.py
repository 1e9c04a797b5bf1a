"""Every public page lives under a language prefix; admin and machine files do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import sections
from core import views
from core.health import healthz

sitemaps = sections()

urlpatterns = [
    path("", views.language_redirect, name="root"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    # An index of paged sections: a large site's sitemap stays small per request.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("admin/", admin.site.urls),
    # Local uploads; a cloud media store serves its own files instead.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media_file, name="media"),
]
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("comments/", include("comments.urls")),
    path("search/", include("search.urls")),
    prefix_default_language=True,
)

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
