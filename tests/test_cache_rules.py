"""What a page shows is the visitor's own or everybody's, and it changes when its content does:
the rules of core.pagecache, tried as readers, editors and the clock would."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Page, Person, RelatedLink
from comments.models import Comment
from core import pagecache

from .factories import ORIGIN, approve, make_article, make_category, make_comment, post_comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # on commit


def fresh(**cookies):
    client = Client(HTTP_ORIGIN=ORIGIN)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


@pytest.fixture
def site():
    """One page of every public kind, in both languages."""
    person = Person.objects.create(slug="lin", name_zh_hans="林雯", name_en="Lin Wen")
    Page.objects.create(slug="about", title_zh_hans="关于", title_en="About",
                        body_zh_hans="<p>关于我们</p>", body_en="<p>About us</p>")  # fmt: skip
    article = make_article(title_zh_hans="腰突的中文标题", title_en="Disc English title")
    article.authors.add(person)
    related = make_article(category=article.category)
    return article, related


def kinds(article, language):
    return [
        f"/{language}/",
        f"/{language}/categories/{article.category.slug}/",
        f"/{language}/authors/lin/",
        f"/{language}/pages/about/",
        f"/{language}/articles/{article.slug}/",
        f"/{language}/search/",
        f"/{language}/no-such-page/",
    ]


def test_no_visitors_query_comments_or_language_reach_another_visitors_page(site, client):
    article, _related = site
    # Two visitors with their own waiting comments (the cookie the site gives them).
    alpha, beta = fresh(), fresh()
    post_comment(alpha, article, "en", body="alpha waiting comment")
    post_comment(beta, article, "en", body="beta waiting comment")
    visitors = {"alpha": alpha, "beta": beta, "nobody": fresh()}
    for language, other_title in [("zh-hans", "Disc English title"), ("en", "腰突的中文标题")]:
        for url in kinds(article, language):
            for name, visitor in visitors.items():
                for word in ("alpha", "beta"):
                    query = f"?q={word}query&utm_source={word}source&page=1"
                    page = visitor.get(url + query).content.decode()
                    others = {"alpha", "beta"} - {word}
                    for other in others:
                        assert f"{other}query" not in page, (url, name, word)
                        assert f"{other}source" not in page, (url, name, word)
                    for other in {"alpha", "beta"} - {name}:
                        assert f"{other} waiting comment" not in page, (url, name)
                    assert other_title not in page, (url, language)


def test_the_language_switcher_on_a_search_carries_the_visitors_own_query(site):
    for query in ("腰突", "颈椎"):
        page = fresh().get(f"/zh-hans/search/?q={quote(query)}").content.decode()
        switcher = page.split('class="language-switcher"')[1].split("</nav>")[0]
        other = "颈椎" if query == "腰突" else "腰突"
        assert f"/en/search/?q={quote(query)}" in switcher
        assert quote(other) not in switcher and other not in switcher


def test_marking_a_translation_up_to_date_drops_the_note_for_readers_at_once(client, editor):
    article = make_article()
    article.body_en = "<p>Updated.</p>"
    article.save()
    url = f"/zh-hans/articles/{article.slug}/"
    assert 'class="stale-note"' in fresh().get(url).content.decode()
    client.force_login(editor)
    client.post(f"/admin/articles/article/{article.pk}/mark-current/zh-hans/")
    assert 'class="stale-note"' not in fresh().get(url).content.decode()


def test_comments_closing_by_age_close_the_cached_form_at_that_moment(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    settings.PAGE_VERSIONS_SECONDS = 60  # the schedule, not the versions' age, must do it
    article = make_article(publish_at=timezone.now() - timedelta(days=1, seconds=-2))
    url = f"/en/articles/{article.slug}/"
    first = fresh().get(url)
    assert 'id="comment-form"' in first.content.decode()
    assert fresh().get(url)["X-Page-Cache"] == "hit"
    closes = article.publish_at + timedelta(days=1)
    while timezone.now() <= closes:
        pass
    page = fresh().get(url).content.decode()
    assert 'id="comment-form"' not in page and "Comments on this article are closed." in page


def test_a_visitor_with_waiting_comments_gets_the_public_thread_and_their_own(
    django_assert_max_num_queries,
):
    article = make_article()
    approve(make_comment(article, body="Everybody sees this"))
    visitor, other = fresh(), fresh()
    post_comment(visitor, article, "en", body="Mine, waiting")
    post_comment(other, article, "en", body="Theirs, waiting")
    url = f"/en/articles/{article.slug}/"
    # The thread is cached once for everybody, once for all who have comments waiting (its
    # heading says "Comments", not "No comments yet", above their own).
    fresh().get(url)
    other.get(url)
    with django_assert_max_num_queries(1):  # the visitor's own comments
        page = visitor.get(url).content.decode()
    assert "Everybody sees this" in page and "Mine, waiting" in page
    assert page.index("Everybody sees this") < page.index("Mine, waiting")
    assert "Theirs, waiting" not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_markup_and_quotes_in_every_printed_field_are_shown_as_text(language):
    hostile = '<b class="x">"mark" & \'up\'</b>'
    category = make_category(zh=f"分类{hostile}", en=f"Category{hostile}")
    article = make_article(category=category, title_zh_hans=f"腰突{hostile}",
                           title_en=f"Disc {hostile}")  # fmt: skip
    visitor = make_comment(article, name=f"Visitor{hostile}", body=f"Body{hostile}")
    staff = make_comment(article, name=f"Staff{hostile}", body="Answer", by_staff=True)
    approve(visitor)
    approve(staff)
    pages = [
        fresh().get(f"/{language}/articles/{article.slug}/").content.decode(),
        fresh()
        .get(f"/{language}/search/?q=" + ("腰突" if language == "zh-hans" else "disc"))
        .content.decode(),
    ]
    for page in pages:
        assert '<b class="x">' not in page
    assert "&lt;b class=&quot;x&quot;&gt;" in pages[0]
    assert pages[0].count("&lt;b class=&quot;x&quot;&gt;") >= 4  # title, category, both names
    assert "&lt;b class=&quot;x&quot;&gt;" in pages[1]  # the title and the category


def test_a_pending_comment_changes_no_cached_page():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    fresh().get(url)
    make_comment(article, body="Waiting for a moderator")
    assert fresh().get(url)["X-Page-Cache"] == "hit"
    assert Comment.objects.filter(article=article).count() == 1


def test_renaming_a_slug_refreshes_the_old_address_too():
    article = make_article(slug="old-address")
    assert fresh().get("/en/articles/old-address/").status_code == 200
    Article.objects.filter(pk=article.pk).update(slug="new-address")
    response = fresh().get("/en/articles/old-address/")
    assert response.status_code == 404  # no redirect: update() keeps no old slug


def test_an_article_page_stays_cached_when_an_article_it_does_not_show_is_saved():
    article = make_article()
    related = make_article(category=make_category())
    RelatedLink.objects.create(from_article=article, to_article=related)
    elsewhere = make_article(category=make_category())  # neither linked nor in its category
    url = f"/en/articles/{article.slug}/"
    fresh().get(url)
    elsewhere.title_en = "Renamed elsewhere"
    elsewhere.save()
    assert fresh().get(url)["X-Page-Cache"] == "hit"
    # One it shows: its related card's title changes at once.
    related.title_en = "Renamed related"
    related.save()
    response = fresh().get(url)
    assert response["X-Page-Cache"] == "parts" and "Renamed related" in response.content.decode()
    # And one in its category (the cards' fill), though not linked.
    sibling = make_article(category=article.category, title_en="A new sibling")
    assert "A new sibling" in fresh().get(url).content.decode()
    assert sibling.is_published()


def test_cards_changed_alone_are_rendered_again_in_place_as_the_whole_page_would_be():
    article = make_article()
    related = make_article(category=make_category())
    RelatedLink.objects.create(from_article=article, to_article=related)
    approve(make_comment(article, body="A comment in the thread"))
    url = f"/en/articles/{article.slug}/"
    fresh().get(url)
    related.title_en = "Renamed related"
    related.save()
    with CaptureQueriesContext(connection) as queries:
        response = fresh().get(url)
    assert response["X-Page-Cache"] == "parts"
    # The rest of the page was not rendered: no article, byline or comment read.
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "comments_comment" not in tables and "articles_article_authors" not in tables
    in_place = response.content.decode()
    assert "Renamed related" in in_place and "\x00" not in in_place
    assert fresh().get(url)["X-Page-Cache"] == "hit"
    cache.clear()
    pagecache.copies.pages.clear()
    whole = fresh().get(url)
    assert whole["X-Page-Cache"] == "miss"
    assert whole["Content-Length"] == str(len(whole.content))  # the marks' bytes are gone

    def without_token(page):  # the comment form's token names the moment it was made
        return re.sub(r'name="token" value="[^"]*"', "", page)

    assert without_token(in_place) == without_token(whole.content.decode())
    # A visitor with cookies gets the same cards, without marks.
    with_cookie = fresh(sessionid="none").get(url).content.decode()
    assert "Renamed related" in with_cookie and "\x00" not in with_cookie


def test_marks_that_do_not_pair_up_leave_a_page_stored_whole(rf):
    request = rf.get("/en/")
    request.places = [("related", {"slug": "a"}, "en")]
    assert pagecache._placed(request, b"<p>\x00cards\x00</p>") == (
        b"<p>cards</p>",
        (("related", {"slug": "a"}, "en", 3, 8),),
    )
    assert pagecache._placed(request, b"<p>\x00cards\x00 and \x00</p>") == (
        b"<p>cards and </p>",
        None,
    )
