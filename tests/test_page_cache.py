"""The page cache is never stale and never shows one visitor's private content to another."""

import gzip
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Person, RelatedLink
from comments.forms import make_token
from comments.models import Comment
from core.models import PageVersion
from core.pagecache import SITE, bump, read_versions, restart_versions

from .factories import (
    ORIGIN,
    approve,
    make_article,
    make_category,
    make_comment,
    make_user,
    post_comment,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # on commit


def fresh():
    """A visitor arriving with no cookies at all."""
    return Client(HTTP_ORIGIN=ORIGIN)


def get(url, client=None):
    response = (client or fresh()).get(url)
    return response, response.content.decode()


def test_cookieless_visitors_get_the_cached_page(client):
    article = make_article()
    first, _ = get(f"/en/articles/{article.slug}/")
    second, _ = get(f"/en/articles/{article.slug}/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    # The only cookie is the moment this browser saw the form (comments.own), never private.
    assert set(first.cookies) == set(second.cookies) == {"comment_form_seen"}
    assert "public" in second["Cache-Control"]
    assert second["Content-Security-Policy"] and second["X-Request-ID"] != first["X-Request-ID"]


def test_matching_etag_gets_304_without_rendering(client, django_assert_num_queries):
    article = make_article()
    response, _ = get(f"/en/articles/{article.slug}/")
    etag = response["ETag"]
    with django_assert_num_queries(0):  # nothing read but the versions this process knows
        again = fresh().get(f"/en/articles/{article.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    for url in ["/en/", f"/en/categories/{article.category.slug}/"]:
        listing = fresh().get(url)
        assert fresh().get(url, HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_edit_shows_new_text_at_once_in_both_languages():
    article = make_article()
    for lang in ["en", "zh-hans"]:
        get(f"/{lang}/articles/{article.slug}/")
    etag = fresh().get(f"/en/articles/{article.slug}/")["ETag"]
    article.body_en = "<p>Rewritten body</p>"
    article.body_zh_hans = "<p>改写后的正文</p>"
    article.save()
    assert "Rewritten body" in get(f"/en/articles/{article.slug}/")[1]
    assert "改写后的正文" in get(f"/zh-hans/articles/{article.slug}/")[1]
    assert fresh().get(f"/en/articles/{article.slug}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_approved_comment_is_visible_at_once_in_both_languages():
    article = make_article()
    comment = Comment.objects.create(article=article, name="A", body="Cached?", language="en")
    for lang in ["en", "zh-hans"]:
        assert "Cached?" not in get(f"/{lang}/articles/{article.slug}/")[1]
    comment.status = Comment.Status.APPROVED
    comment.save()
    for lang in ["en", "zh-hans"]:
        assert "Cached?" in get(f"/{lang}/articles/{article.slug}/")[1]


def test_pending_comment_keeps_the_cache_and_approval_or_rejection_clears_it(client):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    get(url)
    post_comment(client, article, "en", name="Someone", body="Held for review")
    assert get(url)[0]["X-Page-Cache"] == "hit"  # nothing public changed

    comment = Comment.objects.get(body="Held for review")
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert "Held for review" in get(url)[1]
    comment.status = Comment.Status.REJECTED
    comment.save()
    assert "Held for review" not in get(url)[1]
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert "Held for review" in get(url)[1]
    Comment.objects.get(pk=comment.pk).delete()
    assert "Held for review" not in get(url)[1]


def test_bulk_moderation_invalidates(client):
    moderator = make_user("mod", "Moderators")
    article = make_article()
    comment = Comment.objects.create(article=article, name="B", body="Bulk approved", language="en")
    get(f"/en/articles/{article.slug}/")
    client.force_login(moderator)
    client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})
    assert "Bulk approved" in get(f"/en/articles/{article.slug}/")[1]
    client.post("/admin/comments/comment/", {"action": "reject", "_selected_action": [comment.pk]})
    assert "Bulk approved" not in get(f"/en/articles/{article.slug}/")[1]


def test_unpublish_related_links_and_category_changes_invalidate():
    category = make_category(en="Old name")
    article, other = make_article(category=category), make_article()
    get("/en/")
    get(f"/en/articles/{article.slug}/")
    RelatedLink.objects.create(from_article=article, to_article=other)
    assert other.title_en in get(f"/en/articles/{article.slug}/")[1]
    category.name_en = "New name"
    category.save()
    assert "New name" in get("/en/")[1]
    other.status = Article.Status.DRAFT
    other.save()
    assert other.title_en not in get("/en/")[1]
    assert other.title_en not in get(f"/en/articles/{article.slug}/")[1]


def test_scheduled_article_appears_on_time_through_the_cache():
    soon = make_article(publish_at=timezone.now() + timedelta(seconds=2))
    assert soon.title_en not in get("/en/")[1]
    assert get("/en/")[0]["X-Page-Cache"] == "hit"
    Article.objects.filter(pk=soon.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    # No signal fired (a plain UPDATE): the page must still change once the old time passes.
    import time

    time.sleep(2.1)
    assert soon.title_en in get("/en/")[1]


def test_pending_comment_and_messages_never_leak_through_the_cache(client):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    get(url)  # warm the cache
    response = post_comment(client, article, "en", name="Mine", body="My private pending text")
    assert response.status_code == 302
    mine = client.get(url).content.decode()
    assert "My private pending text" in mine and "awaiting moderation" in mine
    assert "My private pending text" not in get(url)[1]
    assert "awaiting moderation" not in get(url)[1]


def test_staff_previews_and_admin_are_never_cached(client):
    editor = make_user("ed", "Editors")
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert "Preview" in client.get(f"/en/articles/{draft.slug}/").content.decode()
    assert get(f"/en/articles/{draft.slug}/")[0].status_code == 404
    assert "X-Page-Cache" not in client.get("/en/")


def test_cookieless_visitor_on_cached_page_can_post_a_comment():
    article = make_article()
    get(f"/en/articles/{article.slug}/")
    response, page = get(f"/en/articles/{article.slug}/")
    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in page

    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    visitor = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    posted = post_comment(
        visitor, article, "en", fields={"name": "New", "body": "From a cached page", "token": token}
    )
    assert posted.status_code == 302
    assert Comment.objects.filter(body="From a cached page").exists()


def test_a_comment_change_re_renders_only_its_articles_pages():
    article, other = make_article(), make_article()
    urls = [f"/en/articles/{other.slug}/", "/en/", "/sitemap.xml", "/sitemap-articles-en.xml"]
    for url in [f"/en/articles/{article.slug}/", *urls]:
        get(url)
    comment = make_comment(article, body="Approved just now")
    approve(comment)
    assert "Approved just now" in get(f"/en/articles/{article.slug}/")[1]
    for url in urls:
        assert get(url)[0]["X-Page-Cache"] == "hit", url


def test_deleting_an_article_costs_the_same_whatever_its_comments():
    def delete_with(comments):
        article = make_article()
        Comment.objects.bulk_create(
            Comment(article=article, name="n", body=f"b{n}", language="en", status="approved")
            for n in range(comments)
        )
        with CaptureQueriesContext(connection) as queries:
            article.delete()
        bumps = [q for q in queries.captured_queries if "core_pageversion" in q["sql"]]
        assert len(bumps) == 1  # one new version, not one per comment
        return len(queries)

    # Django deletes rows in batches of 100: 200 comments take one DELETE more than 1.
    assert delete_with(200) <= delete_with(1) + 1


def test_a_cache_restored_from_an_old_snapshot_never_brings_back_a_rejected_comment(tmp_path):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    comment = make_comment(article, body="Later rejected")
    approve(comment)
    assert "Later rejected" in get(url)[1]
    store = Path(caches["default"].directory)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(store, snapshot)
    comment.status = Comment.Status.REJECTED
    comment.save()
    assert "Later rejected" not in get(url)[1]
    caches["default"]._cache.close()  # let go of the files, as a restarted server does
    shutil.rmtree(store)
    shutil.copytree(snapshot, store)  # Redis restarted from an RDB file, say
    assert "Later rejected" not in get(url)[1]
    caches["default"].clear()  # or lost altogether
    assert "Later rejected" not in get(url)[1]


def test_a_restore_starts_new_page_versions():
    before = read_versions([SITE])[SITE]
    restart_versions()
    assert read_versions([SITE])[SITE] != before


def test_the_authors_own_pending_comment_is_private_and_a_rejected_one_is_not_awaiting(client):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    post_comment(client, article, "en", body="Mine, waiting")
    post_comment(client, article, "en", body="Mine, rejected later")
    mine = client.get(url)
    assert "private" in mine["Cache-Control"] and "Mine, waiting" in mine.content.decode()
    rejected = Comment.objects.get(body="Mine, rejected later")
    rejected.status = Comment.Status.REJECTED
    rejected.save()
    page = client.get(url).content.decode()
    assert "Mine, waiting" in page and "Mine, rejected later" not in page


def test_time_on_the_form_is_the_visitors_own_even_on_an_old_cached_page(settings):
    """The cached page's token is as old as the cached page; the visitor's own visit is not."""
    settings.COMMENTS_MIN_SECONDS = 3
    article = make_article()
    visitor = fresh()
    assert "comment_form_seen" in visitor.get(f"/en/articles/{article.slug}/").cookies
    old_page_token = make_token(article, time.time() - 600)
    fields = {"name": "Bot", "body": "Posted at once", "token": old_page_token}
    assert post_comment(visitor, article, "en", fields=fields).status_code == 302
    comment = Comment.objects.get(body="Posted at once")
    assert (
        comment.status == Comment.Status.SPAM and "after the form was shown" in comment.spam_reason
    )
    # Without the visitor's cookie the token's age is all there is to go by.
    fields = {"name": "Slow", "body": "Written for ten minutes", "token": old_page_token}
    assert post_comment(fresh(), article, "en", fields=fields).status_code == 302
    assert Comment.objects.get(body="Written for ten minutes").status == Comment.Status.PENDING


def test_nothing_private_reaches_another_visitor_through_pages_or_fragments(client, settings):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    staff = Client(HTTP_ORIGIN=ORIGIN)
    staff.force_login(make_user("someone"))  # a visitor with cookies: built from fragments
    get(url)
    staff.get(url)
    assert post_comment(client, article, "en", body="Only mine, pending").status_code == 302
    mine = client.get(url).content.decode()
    assert "Only mine, pending" in mine and "awaiting moderation" in mine
    for visitor in (fresh(), staff):
        page = visitor.get(url).content.decode()
        assert "Only mine, pending" not in page and "awaiting moderation" not in page
    for key, entry in stored_entries():
        assert "Only mine, pending" not in entry, key


def test_a_change_made_by_another_process_shows_within_the_versions_time(settings):
    """Each process trusts the versions it read for PAGE_VERSIONS_SECONDS; its own changes
    show at once, another process's (an update this process was not told of) after that."""
    settings.PAGE_VERSIONS_SECONDS = 0.5
    assert read_versions([SITE]) == {SITE: 0}
    PageVersion.objects.create(scope=SITE, version=7)  # as another worker would commit it
    assert read_versions([SITE]) == {SITE: 0}
    time.sleep(0.6)
    assert read_versions([SITE]) == {SITE: 7}
    bump(SITE)  # a change made here
    assert read_versions([SITE]) == {SITE: 8}


def test_cached_pages_go_out_compressed_to_browsers_that_take_it():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    plain = fresh().get(url)
    assert "Accept-Encoding" in plain["Vary"]
    compressed = fresh().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Page-Cache"] == "hit" and compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["ETag"] != plain["ETag"]
    again = fresh().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])
    assert again.status_code == 304
    assert "Content-Encoding" not in fresh().get(url)  # nor to those that do not


def stored_entries():
    """Every (key, text) the page cache holds, compressed pages decompressed."""
    for shard in caches["default"]._cache._shards:
        for key in shard.iterkeys():
            yield key, _text(shard.get(key))


def _text(value):
    if isinstance(value, tuple):  # a whole page: key, status, headers, content
        content = value[3]
        value = gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
    return value.decode() if isinstance(value, bytes) else str(value)


def test_a_visitor_with_cookies_gets_the_article_without_a_query_and_sees_an_edit_at_once(
    django_assert_num_queries,
):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    visitor = Client()
    visitor.cookies["sessionid"] = "expired-long-ago"  # the page is built for them
    first = visitor.get(url)
    assert "private" in first["Cache-Control"] and "X-Page-Cache" not in first
    with django_assert_num_queries(0):  # the article and every part of its page are cached
        assert visitor.get(url).content == first.content
    article.title_en = "A title edited just now"
    article.save()
    assert "A title edited just now" in visitor.get(url).content.decode()
    article.status = Article.Status.DRAFT
    article.save()
    assert visitor.get(url).status_code == 404


def test_category_and_author_pages_for_a_visitor_with_cookies_show_a_rename_at_once(
    django_assert_max_num_queries,
):
    article = make_article()
    person = Person.objects.create(slug="lin", name_zh_hans="林雯", name_en="Lin Wen")
    article.authors.add(person)
    visitor = Client()
    visitor.cookies["sessionid"] = "expired-long-ago"
    for thing, url in [
        (article.category, f"/en/categories/{article.category.slug}/"),
        (person, "/en/authors/lin/"),
    ]:
        first = visitor.get(url)
        assert article.title_en in first.content.decode()
        with django_assert_max_num_queries(2):  # the category or person, and the count
            assert visitor.get(url).content == first.content
        thing.name_en = "Renamed just now"
        thing.save()
        assert "Renamed just now" in visitor.get(url).content.decode()
    assert visitor.get("/en/categories/no-such-category/").status_code == 404


def test_saving_another_article_renders_again_only_the_parts_that_show_it():
    article = make_article()
    filled = make_article(category=article.category)  # shown as its category's newest
    elsewhere = make_category("elsewhere")
    linked = make_article(category=elsewhere)
    RelatedLink.objects.create(from_article=article, to_article=linked)
    unrelated = make_article(category=elsewhere)
    make_comment(article, status=Comment.Status.APPROVED, body="An approved comment")
    url = f"/en/articles/{article.slug}/"
    visitor = Client()
    visitor.cookies["sessionid"] = "expired-long-ago"
    visitor.get(url)
    for other, shown in [(unrelated, False), (filled, True), (linked, True)]:
        other.title_en = f"{other.slug}, renamed"
        other.save()
        with CaptureQueriesContext(connection) as queries:
            page = visitor.get(url).content.decode()
        read = " ".join(q["sql"] for q in queries.captured_queries)
        # Only the related cards that show it are read again; the article and the thread
        # never are.
        assert ("articles_relatedlink" in read) == shown, other
        assert "articles_article_authors" not in read and "comments_comment" not in read
        assert (f"{other.slug}, renamed" in page) == shown


def test_deleting_or_unlinking_a_related_article_takes_its_card_away_at_once():
    article, elsewhere = make_article(), make_category("elsewhere")
    linked, gone = make_article(category=elsewhere), make_article(category=elsewhere)
    link = RelatedLink.objects.create(from_article=article, to_article=linked)
    RelatedLink.objects.create(from_article=article, to_article=gone)
    url = f"/en/articles/{article.slug}/"
    page = get(url)[1]
    assert linked.title_en in page and gone.title_en in page
    gone.delete()
    link.delete()
    page = get(url)[1]
    assert linked.title_en not in page and gone.title_en not in page


def test_an_article_published_on_schedule_joins_its_categorys_related_cards_on_time():
    article = make_article()
    later = make_article(category=article.category, title_en="Published on time",
                         publish_at=timezone.now() + timedelta(seconds=1))  # fmt: skip
    url = f"/en/articles/{article.slug}/"
    assert "Published on time" not in get(url)[1]
    time.sleep(1.1)
    assert "Published on time" in get(url)[1]
    assert later.is_published()


@pytest.mark.parametrize(
    "write",
    [
        lambda a: Article.objects.filter(pk=a.pk).update(title_en="Changed by update()"),
        lambda a: Article.objects.bulk_update(
            [Article(pk=a.pk, slug=a.slug, title_en="Changed by update()")], ["title_en"]
        ),
    ],
    ids=["update", "bulk_update"],
)
def test_writes_that_send_no_signal_change_pages_at_once(write):
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    get(url)
    write(article)
    assert "Changed by update()" in get(url)[1]


def test_bulk_created_comments_show_at_once():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    get(url)
    Comment.objects.bulk_create(
        [Comment(article=article, name="n", body="Created in bulk", language="en",
                 status=Comment.Status.APPROVED)]
    )  # fmt: skip
    assert "Created in bulk" in get(url)[1]


def test_a_watched_model_without_a_versioned_queryset_fails_the_system_check(monkeypatch):
    from django.contrib.auth.models import Group

    from core import pagecache

    assert pagecache.check_watched(None) == []
    monkeypatch.setitem(pagecache._watched, Group, lambda group: [pagecache.LISTS])
    assert [error.id for error in pagecache.check_watched(None)] == ["core.E001"]


def test_while_one_visitor_renders_a_changed_page_the_others_get_the_copy_before():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    get(url)
    article.title_en = "The new title"
    article.save()
    from core import pagecache

    latest = pagecache.page_address(url)
    assert caches["default"].add(f"{latest}:lock", 1, 5)  # another worker is rendering it
    response, page = get(url)
    assert response["X-Page-Cache"] == "previous" and "The new title" not in page
    assert "ETag" not in response
    caches["default"].delete(f"{latest}:lock")  # it is done
    response, page = get(url)
    assert response["X-Page-Cache"] == "miss" and "The new title" in page
