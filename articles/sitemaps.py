"""sitemap.xml: home pages, categories, authors, the About page and every published article,
in each language it exists in."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
from modeltranslation.utils import build_localized_fieldname

from core.languages import language_codes

from .models import Category, Page, Person, Term, Topic, detail_url_pattern, site_articles


class HomeSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


class PagesSitemap(Sitemap):
    """Categories, authors and pages such as About, in every language with alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return [
            *Category.objects.order_by("slug"),
            *Person.objects.order_by("slug"),
            *Page.objects.order_by("slug"),
            *Topic.objects.order_by("slug"),
            # Glossary terms defined in every language (a term page needs its definition).
            *Term.objects.exclude(
                **{build_localized_fieldname("definition", code): "" for code in language_codes()}
            ).order_by("slug"),
        ]


class ArticleSitemap(Sitemap):
    """The articles available in one language, each with alternates for its other versions.

    One section per language keeps every figure a database query: the page
    count is a COUNT on an index, a page is one LIMIT query, and the index's
    lastmod is one MAX. Nothing builds the whole list.
    """

    limit = 2000  # URLs per page of the section

    def __init__(self, language):
        self.language = language

    def items(self):
        flags = [build_localized_fieldname("available", code) for code in language_codes()]
        return (
            site_articles()
            .published()
            .available_in(self.language)
            .order_by("-publish_at", "-id")
            .values_list("slug", "updated_at", *flags)
        )

    def get_latest_lastmod(self):
        # Read off the lastmod index. ``IN (true)``, not the bare boolean ``WHERE available_xx``
        # that ``available_in`` writes: SQLite plans the latter on the status index and reads
        # every published row.
        flag = build_localized_fieldname("available", self.language)
        latest = site_articles().published().filter(**{f"{flag}__in": [True]})
        return latest.aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item):
        return item[1]

    def location(self, item):
        return self._patterns[self.language].format(item[0])

    @cached_property
    def _patterns(self):
        return {code: detail_url_pattern(code) for code in language_codes()}

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        codes = language_codes()
        for url in urls:
            slug, _updated, *available = url["item"]
            versions = [code for code, ok in zip(codes, available, strict=True) if ok]
            default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in versions else versions[0]
            links = [(code, code) for code in versions] + [("x-default", default)]
            url["alternates"] = [
                {
                    "lang_code": hreflang,
                    "location": f"{protocol}://{domain}{self._patterns[code].format(slug)}",
                }
                for hreflang, code in links
            ]
        return urls


def sections():
    """``sitemap.xml`` names these: the home pages, then one article section per language."""
    return {
        "home": HomeSitemap,
        "pages": PagesSitemap,
        **{f"articles-{code}": ArticleSitemap(code) for code in language_codes()},
    }
