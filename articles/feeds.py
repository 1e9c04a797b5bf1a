"""RSS 2.0 and Atom feeds per language, of the whole site and of each category.

The 20 newest articles published and available in the feed's language, built
with Django's syndication framework (the feed's language is the request's);
the page cache keeps and revalidates them like pages (ETag, 304).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from .models import Category, detail_url_pattern, site_articles

FEED_LENGTH = 20


class ArticlesFeed(Feed):
    """The newest articles in the request's language; of one category when ``slug`` names one."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category):
        site = str(settings.SITE_NAME)
        return f"{category} · {site}" if category else site

    def description(self, category):
        if category:
            return _("Articles in the category %(name)s.") % {"name": category}
        return _("Articles on spine health, in Chinese and English.")

    subtitle = description  # Atom's name for it

    def link(self, category):
        return category.get_absolute_url() if category else reverse("articles:home")

    def feed_url(self, category):
        kind = "atom" if self.feed_type is Atom1Feed else "rss"
        if category:
            return reverse(f"articles:category-feed-{kind}", args=[category.slug])
        return reverse(f"articles:feed-{kind}")

    def items(self, category):
        language = translation.get_language()
        articles = site_articles().published().available_in(language).select_related("category")
        if category:
            articles = articles.filter(category=category)
        return articles.order_by("-publish_at", "-id")[:FEED_LENGTH]

    @staticmethod
    def _field(article, name):
        return getattr(article, build_localized_fieldname(name, translation.get_language()))

    def item_title(self, article):
        return self._field(article, "title")

    def item_description(self, article):
        return self._field(article, "summary") or self._field(article, "meta_description")

    def item_link(self, article):
        return detail_url_pattern(translation.get_language()).format(article.slug)

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [self._field(article.category, "name")]


class AtomArticlesFeed(ArticlesFeed):
    feed_type = Atom1Feed
