"""What a visitor sees: lists, articles, languages, related articles, machine files."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles.models import Article, RelatedLink, Topic
from core.dates import formatter, show_date, show_datetime, time_element

from .factories import image_bytes, make_article, make_category, upload

pytestmark = pytest.mark.django_db


def test_root_redirects_by_accept_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/zh-hans/"


# What Django's ``date`` filter writes with the language's own formats.
DATE_FILTER_TIME_ELEMENT = Template(
    """<time datetime="{{ moment|date:'c' }}">{{ moment|date:"DATE_FORMAT" }}</time>"""
)
DATE_FILTER_DATETIME = Template('{{ moment|date:"DATETIME_FORMAT" }}')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_read_as_djangos_date_filter_in_each_language(language):
    with translation.override(language):
        for month in range(1, 13):
            for hour, minute in [(23, 30), (16, 0), (4, 0), (3, 5), (4, 30)]:
                # 23:30 UTC is the next day in the site's time zone; 16:00 is midnight there.
                moment = datetime(2026, month, 28, hour, minute, tzinfo=UTC)
                context = Context({"moment": moment})
                assert time_element(moment) == DATE_FILTER_TIME_ELEMENT.render(context)
                assert show_datetime(moment) == DATE_FILTER_DATETIME.render(context)


def test_dates_refuse_a_language_the_site_does_not_have():
    with pytest.raises(LookupError):
        formatter("fr", "DATE_FORMAT")
    with translation.override("fr"), pytest.raises(LookupError):
        show_date(timezone.now())


def test_home_lists_published_articles_in_page_language_newest_first(client):
    old = make_article(publish_at=timezone.now() - timedelta(days=3))
    new = make_article(publish_at=timezone.now() - timedelta(days=1))
    zh_only = make_article(en=False)
    make_article(status=Article.Status.DRAFT, title_zh_hans="草稿文章")
    make_article(publish_at=timezone.now() + timedelta(days=1), title_zh_hans="未来文章")

    zh = client.get("/zh-hans/").content.decode()
    assert '<html lang="zh-Hans">' in zh
    assert zh.index(new.title_zh_hans) < zh.index(old.title_zh_hans)
    assert zh_only.title_zh_hans in zh
    assert "草稿文章" not in zh and "未来文章" not in zh

    en = client.get("/en/").content.decode()
    assert '<html lang="en">' in en
    assert new.title_en in en and old.title_en in en
    # What the page would show if the language rule broke: a card linking to the 404.
    assert f"/en/articles/{zh_only.slug}/" not in en
    assert en.count('<article class="card') == 2
    assert "中文标题" not in en and "中文正文" not in en


def test_pagination_and_bad_page_numbers(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for _ in range(5):
        make_article()
    assert client.get("/en/?page=3").status_code == 200
    for bad in ["4", "0", "-1", "abc", "1e9", "9" * 50, "%00"]:
        response = client.get(f"/en/?page={bad}")
        assert response.status_code == 404, bad
        assert "Page not found" in response.content.decode()


def test_category_page_lists_only_its_articles(client):
    category = make_category("exercise", zh="运动", en="Exercise")
    inside = make_article(category=category)
    outside = make_article()
    page = client.get("/en/categories/exercise/").content.decode()
    assert "<h1" in page and "Exercise" in page
    assert inside.title_en in page and outside.title_en not in page
    assert client.get("/en/categories/nope/").status_code == 404


def test_article_page_shows_its_parts_in_the_page_language(client):
    article = make_article(summary_en="A short summary", summary_zh_hans="中文摘要")
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert f"<h1>{article.title_en}</h1>" in page
    assert "A short summary" in page and "English body" in page
    assert article.category.name_en in page
    assert "中文" not in page.split("<main")[1]


def test_visitor_switches_language_on_same_article(client):
    article = make_article()
    page = client.get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert f'href="/en/articles/{article.slug}/" hreflang="en"' in page
    assert client.get(f"/en/articles/{article.slug}/").status_code == 200


def test_missing_translation_says_so_and_answers_404_with_link(client):
    article = make_article(en=False)
    zh = client.get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert "暂无英文版" in zh
    assert f'href="/en/articles/{article.slug}/"' not in zh

    response = client.get(f"/en/articles/{article.slug}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "not available in this language" in page
    assert f'href="/zh-hans/articles/{article.slug}/"' in page
    assert article.body_zh_hans not in page


def test_the_missing_translation_page_shows_the_version_there_is_and_newer_articles(client):
    article = make_article(
        en=False, summary_zh_hans="中文摘要", cover=upload(content=image_bytes()),
        cover_alt_zh_hans="封面",
    )  # fmt: skip
    newer = make_article(publish_at=timezone.now() - timedelta(minutes=1))
    response = client.get(f"/en/articles/{article.slug}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<meta name="robots" content="noindex">' in page
    version = page.split('<article class="card other-version" lang="zh-Hans">')[1].split(
        "</article>"
    )[0]
    assert article.title_zh_hans in version and "中文摘要" in version and "<img" in version
    assert "The article exists in Chinese" in page
    newest = page.split('class="newest"')[1]
    assert newer.title_en in newest and "<h3" in newest


def test_unknown_slugs_prefixes_and_overlong_paths_are_404(client):
    make_article(slug="real")
    for path in [
        "/en/articles/nope/",
        "/fr/articles/real/",
        "/en/articles/" + "a" * 5000 + "/",
        "/en/articles/%E4%B8%AD/",
        "/en/articles/real/extra/",
        "/zh-hans/" + "x/" * 500,
    ]:
        response = client.get(path)
        assert response.status_code == 404, path[:60]


def test_renamed_slug_redirects_permanently(client):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.save()
    article.slug = "newest-name"
    article.save()
    for old in ["old-name", "new-name"]:
        response = client.get(f"/en/articles/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/en/articles/newest-name/"
    assert client.get("/en/articles/newest-name/").status_code == 200


def test_scheduled_article_appears_on_time_without_any_job(client, settings):
    # The rule itself, with nothing cached; test_page_cache covers it through the caches.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    article = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert client.get(f"/en/articles/{article.slug}/").status_code == 404
    assert article.title_en not in client.get("/en/").content.decode()
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/en/articles/{article.slug}/").status_code == 200
    assert article.title_en in client.get("/en/").content.decode()


def test_drafts_are_404_for_visitors_and_previewable_by_editors(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(f"/en/articles/{draft.slug}/").status_code == 404
    client.force_login(editor)
    response = client.get(f"/en/articles/{draft.slug}/")
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_staff_without_article_rights_cannot_preview(client, moderator):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(moderator)
    assert client.get(f"/en/articles/{draft.slug}/").status_code == 404


def test_related_articles_curated_order_then_category_fill(client, settings):
    settings.RELATED_ARTICLES_COUNT = 4
    category = make_category()
    article = make_article(category=category)
    first, second = make_article(), make_article()
    hidden = make_article(status=Article.Status.DRAFT)
    zh_only = make_article(en=False)
    RelatedLink.objects.create(from_article=article, to_article=second, sort_order=0)
    RelatedLink.objects.create(from_article=article, to_article=hidden, sort_order=1)
    RelatedLink.objects.create(from_article=article, to_article=zh_only, sort_order=2)
    RelatedLink.objects.create(from_article=article, to_article=first, sort_order=3)
    newer = make_article(category=category, publish_at=timezone.now() - timedelta(minutes=1))
    older = make_article(category=category, publish_at=timezone.now() - timedelta(days=9))
    make_article(category=category, publish_at=timezone.now() - timedelta(days=10))

    def related(language):
        return [(row["slug"], row["title"], row["url"]) for row in article.related_for(language)]

    expected = [second, first, newer, older]
    assert related("en") == [(a.slug, a.title_en, f"/en/articles/{a.slug}/") for a in expected]
    expected = [second, zh_only, first]
    assert related("zh-hans")[:3] == [
        (a.slug, a.title_zh_hans, f"/zh-hans/articles/{a.slug}/") for a in expected
    ]

    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    section = page.split('id="related-heading"')[1]
    titles = re.findall(r'articles/([\w-]+)/">', section)
    assert titles[:4] == [second.slug, first.slug, newer.slug, older.slug]
    assert "Related articles" in page


def test_related_links_refuse_self_and_duplicates():
    from django.db import IntegrityError, transaction

    article, other = make_article(), make_article()
    RelatedLink.objects.create(from_article=article, to_article=other)
    for target in (other, article):
        with pytest.raises(IntegrityError), transaction.atomic():
            RelatedLink.objects.create(from_article=article, to_article=target)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Queries of an uncached article page for a visitor: the page versions (core.pagecache),
# the article (with its category, main topic and the people it names), its topics, the
# versions of its topics' and category's articles (its related cards' part), its references,
# the glossary terms it links, its authors, related links, the fill and the comment thread. The header's categories and the footer
# are parts every page shares: tests ask for the home page first, which renders them.
ARTICLE_PAGE_QUERIES = 10


def test_article_query_count_is_constant_with_0_or_20_related(client):
    category = make_category()
    lonely = make_article(category=category)
    busy = make_article(category=make_category())
    for order in range(20):
        RelatedLink.objects.create(from_article=busy, to_article=make_article(), sort_order=order)
    client.get("/en/")
    assert _queries(client, f"/en/articles/{lonely.slug}/") == ARTICLE_PAGE_QUERIES
    assert _queries(client, f"/en/articles/{busy.slug}/") == ARTICLE_PAGE_QUERIES


def test_home_query_count_does_not_grow_with_articles(client):
    make_article()
    # Page versions, the page count, the page's articles, the featured ones, the topics and
    # their articles, the header's categories, the footer's details and pages, and the
    # categories shown below the articles.
    assert _queries(client, "/en/") == 9
    for n in range(9):
        article = make_article(category=make_category(), featured=n % 2 == 0)
        article.topics.add(Topic.objects.create(slug=f"topic-{n}", name_en=f"Topic {n}"))
    assert _queries(client, "/en/") == 10


def test_seo_head_hreflang_canonical_description_open_graph(client):
    article = make_article(meta_description_en="Meta text for search")
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    base = "http://testserver"
    assert f'<link rel="canonical" href="{base}/en/articles/{article.slug}/">' in page
    assert f'hreflang="zh-Hans" href="{base}/zh-hans/articles/{article.slug}/"' in page
    assert f'hreflang="x-default" href="{base}/zh-hans/articles/{article.slug}/"' in page
    assert '<meta name="description" content="Meta text for search">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{article.title_en}">' in page
    # A reply link's query string is no other page: the canonical URL leaves it out.
    page = client.get(f"/en/articles/{article.slug}/?reply_to=1").content.decode()
    assert f'<link rel="canonical" href="{base}/en/articles/{article.slug}/">' in page
    assert f'hreflang="zh-Hans" href="{base}/zh-hans/articles/{article.slug}/"' in page


def test_sitemap_lists_published_available_articles_with_alternates(client):
    both = make_article()
    zh_only = make_article(en=False)
    draft = make_article(status=Article.Status.DRAFT)
    edited = {both: (2026, 1, 5), zh_only: (2026, 3, 5), draft: (2026, 6, 5)}
    for article, day in edited.items():
        Article.objects.filter(pk=article.pk).update(updated_at=datetime(*day, tzinfo=UTC))
    index = client.get("/sitemap.xml").content.decode()
    # Each section's lastmod is its latest published edit: the draft's counts nowhere.
    lastmods = {
        section: datetime.fromisoformat(lastmod)
        for section, lastmod in re.findall(
            r"<loc>http://testserver/sitemap-([\w-]+)\.xml</loc>\s*<lastmod>([^<]+)</lastmod>",
            index,
        )
    }
    assert lastmods["articles-zh-hans"] == datetime(2026, 3, 5, tzinfo=UTC)
    assert lastmods["articles-en"] == datetime(2026, 1, 5, tzinfo=UTC)
    zh = client.get("/sitemap-articles-zh-hans.xml").content.decode()
    en = client.get("/sitemap-articles-en.xml").content.decode()
    assert f"<loc>http://testserver/zh-hans/articles/{both.slug}/</loc>" in zh
    assert f"<loc>http://testserver/en/articles/{both.slug}/</loc>" in en
    assert f"/zh-hans/articles/{zh_only.slug}/" in zh and zh_only.slug not in en
    assert draft.slug not in zh + en
    # Each entry names every version that exists, and x-default.
    entry = en.split(f"<loc>http://testserver/en/articles/{both.slug}/</loc>")[1].split("</url>")[0]
    assert f'hreflang="zh-hans" href="http://testserver/zh-hans/articles/{both.slug}/"' in entry
    assert f'hreflang="x-default" href="http://testserver/zh-hans/articles/{both.slug}/"' in entry
    alone = zh.split(f"/zh-hans/articles/{zh_only.slug}/</loc>")[1].split("</url>")[0]
    assert 'hreflang="en"' not in alone and 'hreflang="x-default"' in alone


def test_sitemap_is_paged_for_large_sites(client, django_assert_max_num_queries):
    from articles.sitemaps import ArticleSitemap

    for _ in range(6):
        make_article()
    ArticleSitemap.limit, limit = 4, ArticleSitemap.limit
    try:
        # Page versions; a count and a max per article section; categories, authors, pages,
        # topics and glossary terms.
        with django_assert_max_num_queries(10):
            index = client.get("/sitemap.xml").content.decode()
        assert "sitemap-articles-en.xml?p=2" in index
        assert "sitemap-articles-en.xml?p=3" not in index
        with django_assert_max_num_queries(3):  # page versions, a count and the page
            first = client.get("/sitemap-articles-en.xml").content.decode()
        second = client.get("/sitemap-articles-en.xml?p=2").content.decode()
        assert first.count("<url>") == 4 and second.count("<url>") == 2
        assert client.get("/sitemap-articles-en.xml?p=9").status_code == 404
    finally:
        ArticleSitemap.limit = limit


def test_robots_txt_points_at_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_not_found_page_speaks_the_visitors_language(client):
    assert "页面不存在" in client.get("/zh-hans/nowhere/").content.decode()
    assert "Page not found" in client.get("/en/nowhere/").content.decode()


def test_body_html_is_sanitized_on_every_save():
    article = make_article(
        body_en='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a>'
        '<img src=x onerror=alert(1)><iframe src="//evil"></iframe></p>'
    )
    article.refresh_from_db()
    assert "<script" not in article.body_en and "onclick" not in article.body_en
    assert "javascript:" not in article.body_en and "<img" not in article.body_en
    assert "<iframe" not in article.body_en
    assert article.body_en.startswith("<p>Hi")


def test_time_elements_carry_valid_machine_readable_dates(client):
    article = make_article()
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    values = re.findall(r'<time datetime="([^"]+)"', page)
    assert values
    for value in values:  # HTML allows at most three digits of fractional seconds: use none
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value), value
