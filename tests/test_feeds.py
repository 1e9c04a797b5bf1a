"""Readers follow the site in a feed reader: RSS and Atom per language and per category."""

from datetime import timedelta

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


def parse(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_list_the_20_newest_published_articles_in_the_feeds_language(kind):
    now = timezone.now()
    articles = [make_article(publish_at=now - timedelta(hours=n)) for n in range(1, 23)]
    zh_only = make_article(en=False, publish_at=now - timedelta(minutes=5))
    make_article(status=Article.Status.DRAFT, title_en="A draft")
    make_article(publish_at=now + timedelta(hours=1), title_en="Scheduled")

    response, feed = parse(f"/en/feeds/{kind}.xml")
    # XML, so that a browser applies the stylesheet (tests/test_sharing.py); the root says
    # which kind of feed it is.
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert (feed.version or "").startswith("rss" if kind == "rss" else "atom")
    titles = [entry.title for entry in feed.entries]
    assert titles == [article.title_en for article in articles[:20]]  # newest first, 20
    links = [entry.link for entry in feed.entries]
    assert f"http://testserver/en/articles/{articles[0].slug}/" == links[0]
    assert f"/en/articles/{zh_only.slug}/" not in " ".join(links)  # what a broken rule would show
    assert "A draft" not in titles and "Scheduled" not in titles
    assert feed.feed.language == "en"
    entry = feed.entries[0]
    assert entry.tags[0].term == articles[0].category.name_en
    assert entry.get("published_parsed") or entry.get("updated_parsed")

    _response, zh = parse(f"/zh-hans/feeds/{kind}.xml")
    assert zh.feed.language == "zh-hans"
    assert zh.entries[0].title == zh_only.title_zh_hans
    assert zh.entries[0].link.endswith(f"/zh-hans/articles/{zh_only.slug}/")


def test_category_feeds_hold_only_that_category_and_unknown_ones_are_404():
    category = make_category("exercise", en="Exercise")
    inside = make_article(category=category, summary_en="Stretch <daily> & rest")
    make_article()  # elsewhere
    for kind in ("rss", "atom"):
        response, feed = parse(f"/en/categories/exercise/{kind}.xml")
        assert [entry.title for entry in feed.entries] == [inside.title_en]
        assert feed.feed.title.startswith("Exercise")
        assert "Stretch &lt;daily&gt; &amp; rest" in response.content.decode()  # text, escaped
    assert Client().get("/en/categories/nope/rss.xml").status_code == 404


def test_feeds_cost_the_same_queries_at_any_size(django_assert_max_num_queries):
    make_article()
    with django_assert_max_num_queries(3):  # page versions, the articles (with categories)
        Client().get("/en/feeds/rss.xml")
    for _ in range(25):
        make_article()
    with django_assert_max_num_queries(3):
        Client().get("/en/feeds/atom.xml")


def test_feeds_are_cached_revalidated_and_discoverable():
    make_article()
    first = Client().get("/en/feeds/rss.xml")
    again = Client().get("/en/feeds/rss.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert Client().get("/en/feeds/rss.xml")["X-Page-Cache"] == "hit"
    home = Client().get("/en/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/en/feeds/atom.xml"' in home
    category = make_category("posture")
    page = Client().get(f"/en/categories/{category.slug}/").content.decode()
    assert f'href="/en/categories/{category.slug}/rss.xml"' in page
