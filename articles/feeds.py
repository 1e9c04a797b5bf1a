"""RSS 2.0 and Atom feeds per language, of the whole site and of each category.

The 20 newest articles published and available in the feed's language, built
with Django's syndication framework (the feed's language is the request's);
the page cache keeps and revalidates them like pages (ETag, 304).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.xmlutils import SimplerXMLGenerator
from modeltranslation.utils import build_localized_fieldname

from core import languages

from .models import Category, Topic, detail_url_pattern, site_articles

FEED_LENGTH = 20


class StyledRss201rev2Feed(Rss201rev2Feed):
    # Browsers apply a feed's stylesheet only to a document served as XML: the media type
    # of RSS and Atom (application/rss+xml) shows as raw text. Feed readers read either.
    content_type = "application/xml; charset=utf-8"


class ArticlesFeed(Feed):
    """The newest articles in the request's language; of one category when ``slug`` names one."""

    feed_type = StyledRss201rev2Feed

    def stylesheets(self, category):
        """A browser shows the feed as a page in its language (``feed_style``); a feed
        reader ignores the instruction."""
        return [Stylesheet(reverse("articles:feed-style"), mimetype="text/xsl")]

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category):
        site = str(settings.SITE_NAME)
        return f"{category} · {site}" if category else site

    def description(self, category):
        if category:
            return _("Articles in the category %(name)s.") % {"name": category}
        language = languages.language_name(translation.get_language())
        return _("The newest articles on spine health, in %(language)s.") % {"language": language}

    subtitle = description  # Atom's name for it

    def link(self, category):
        return category.get_absolute_url() if category else reverse("articles:home")

    def feed_url(self, category):
        kind = "atom" if issubclass(self.feed_type, Atom1Feed) else "rss"
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


class StyledAtom1Feed(Atom1Feed):
    """Django's Atom feed, with the stylesheet instruction its RSS feed writes."""

    content_type = StyledRss201rev2Feed.content_type

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class AtomArticlesFeed(ArticlesFeed):
    feed_type = StyledAtom1Feed


class TopicFeed(ArticlesFeed):
    """The newest articles of one topic, across categories."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def description(self, topic):
        return topic.description or _("Articles on %(name)s.") % {"name": topic}

    subtitle = description

    def feed_url(self, topic):
        kind = "atom" if issubclass(self.feed_type, Atom1Feed) else "rss"
        return reverse(f"articles:topic-feed-{kind}", args=[topic.slug])

    def items(self, topic):
        language = translation.get_language()
        articles = site_articles().published().available_in(language).select_related("category")
        return articles.filter(topics=topic).order_by("-publish_at", "-id")[:FEED_LENGTH]


class AtomTopicFeed(TopicFeed):
    feed_type = StyledAtom1Feed


# The stylesheet's words, here for makemessages (which does not read .xsl templates).
STYLE_WORDS = {
    "note": gettext_lazy(
        "This is a feed: a list of our newest articles for a feed reader, which tells you when "
        "a new one appears."
    ),
    "subscribe": gettext_lazy("How to subscribe"),
    "how": gettext_lazy(
        "Copy this page’s address from the address bar into your feed reader (such as Feedly, "
        "Inoreader or NetNewsWire). There is nothing to install here, and no account to make."
    ),
    "newest": gettext_lazy("The newest articles"),
    "home": gettext_lazy("Go to the home page"),
}


def feed_style(request):
    """The XSL stylesheet the feeds name: what a feed is, how to subscribe, and the items,
    in the request's language."""
    return render(
        request, "articles/feed.xsl", {"words": STYLE_WORDS}, content_type="text/xsl; charset=utf-8"
    )
