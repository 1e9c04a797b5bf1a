"""sitemap.xml: home pages and every published article, in each language it exists in."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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

    def items(self):
        items = []
        articles = list(Article.objects.published().order_by("-publish_at", "id"))
        for article in articles:
            languages = article.available_languages()
            for language in languages:
                items.append((article, language, languages))
        return items

    def location(self, item):
        article, language, _languages = item
        return article.url_in(language)

    def lastmod(self, item):
        return item[0].updated_at

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            article, _language, languages = url["item"]
            url["alternates"] = [
                {"lang_code": code, "location": f"{protocol}://{domain}{article.url_in(code)}"}
                for code in languages
            ]
            default = (
                settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else languages[0]
            )
            url["alternates"].append(
                {
                    "lang_code": "x-default",
                    "location": f"{protocol}://{domain}{article.url_in(default)}",
                }
            )
        return urls
