"""sitemap.xml: home pages and every published article, in each language it exists in."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from .models import Article


class HomeSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    """One entry per article and language; alternates name only the languages it exists in."""

    limit = 2000  # URLs per page of the section

    def items(self):
        codes = [code for code, _name in settings.LANGUAGES]
        # One URL pattern per language, filled in per article: no reverse() per row.
        patterns = {}
        for code in codes:
            with translation.override(code):
                patterns[code] = reverse("articles:detail", args=["SLUG"]).replace("SLUG", "{}")
        flags = [build_localized_fieldname("available", code) for code in codes]
        rows = (
            Article.objects.published()
            .order_by("-publish_at", "id")
            .values_list("slug", "updated_at", *flags)
        )
        items = []
        for slug, updated, *available in rows:
            urls = {
                code: patterns[code].format(slug)
                for code, ok in zip(codes, available, strict=True)
                if ok
            }
            items += [(urls[code], updated, urls) for code in urls]
        return items

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            _location, _updated, versions = url["item"]
            default = versions.get(settings.LANGUAGE_CODE) or next(iter(versions.values()))
            url["alternates"] = [
                {"lang_code": code, "location": f"{protocol}://{domain}{path}"}
                for code, path in [*versions.items(), ("x-default", default)]
            ]
        return urls
