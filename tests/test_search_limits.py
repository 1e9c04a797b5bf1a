"""No search holds the site: its terms are bounded, its queries stopped in time, its
clients limited; and what a visitor meets at the edges (404s, the icon) leads somewhere."""

import os
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client

from search import query, text

from .factories import approve, make_article, make_comment
from .test_page_cache import stored_entries

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMON = "的是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长"  # noqa: E501


def worst_query():
    """The longest query the form takes: common characters, found in no article."""
    return COMMON[: text.MAX_QUERY_LENGTH]


def test_a_long_chinese_query_asks_for_a_bounded_number_of_terms():
    phrases = text.phrases(worst_query())
    assert len(text.query_terms(phrases)) == text.MAX_TERMS and text.cut_terms(phrases)
    # Every character of a shorter phrase is still covered.
    assert text.query_terms(text.phrases("腰椎间盘突出症")) == ["盘突出", "突出症", "腰椎间"]


def test_the_worst_query_answers_with_a_page_and_says_it_was_cut(client):
    article = make_article(title_zh_hans="腰椎间盘突出症的治疗")
    response = client.get(f"/zh-hans/search/?q={quote(worst_query())}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "只搜索了它的前一部分" in page or "only its first part" in page
    found = client.get(f"/zh-hans/search/?q={quote('腰椎间盘突出症')}").content.decode()
    assert f"/zh-hans/articles/{article.slug}/" in found


def test_a_search_over_its_time_is_stopped_with_a_message(client, settings, monkeypatch):
    article = make_article(title_en="Stem cells")
    settings.SEARCH_TIME_LIMIT_MS = 1
    slow = query._matches

    def dawdling(language, terms, **kwargs):
        # A query that takes far longer than the limit on either database.
        sql, params = slow(language, terms, **kwargs)
        burn = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT count(*) FROM n)"  # noqa: E501
        return sql.replace(" WHERE ", f" WHERE {burn} > 0 AND ", 1), params

    monkeypatch.setattr(query, "_matches", dawdling)
    started = time.monotonic()
    response = client.get("/en/search/?q=stem")
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "took too long and was stopped" in response.content.decode()
    monkeypatch.setattr(query, "_matches", slow)
    settings.SEARCH_TIME_LIMIT_MS = 250
    found = client.get("/en/search/?q=stem").content.decode()  # nothing stuck
    assert f"/en/articles/{article.slug}/" in found


def test_each_client_has_a_search_limit_answered_in_its_language(
    settings, django_assert_num_queries
):
    settings.SEARCH_RATE = "3/m"
    one, other = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    statuses = [one.get("/zh-hans/search/?q=腰突").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    one.cookies["sessionid"] = "any"  # refused before sessions (and the database) are read
    with django_assert_num_queries(0):
        refused = one.get("/zh-hans/search/?q=腰突")
    assert (
        refused["Retry-After"] == "60"
        and "default-src 'none'" in refused["Content-Security-Policy"]
    )
    assert refused.status_code == 429 and 'lang="zh-Hans"' in refused.content.decode()
    assert "搜索次数太多" in refused.content.decode() and "评论" not in refused.content.decode()
    assert other.get("/en/search/?q=disc").status_code == 200
    assert one.get("/zh-hans/search/").status_code == 200  # the empty form is no search


def test_the_switcher_on_a_404_page_leads_to_the_other_language():
    page = Client().get("/en/no-such-page/").content.decode()
    switcher = page.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="/zh-hans/no-such-page/"' in switcher and 'href="/en/' not in switcher


def test_the_favicon_is_found_where_browsers_look():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


def test_erasing_a_persons_comments_removes_them_from_cached_pages_at_once():
    article = make_article()
    approve(make_comment(article, name="Erased Person", email="gone@example.com", body="Erase me"))
    url = f"/en/articles/{article.slug}/"
    assert "Erase me" in Client().get(url).content.decode()
    assert Client().get(url)["X-Page-Cache"] == "hit"
    call_command("erase_comments", "gone@example.com")
    for key, entry in stored_entries():  # no copy under old versions either
        assert "Erase me" not in entry and "Erased Person" not in entry, key
    page = Client().get(url).content.decode()
    assert "Erase me" not in page and "Erased Person" not in page


def test_clearing_the_page_cache_on_redis_keeps_the_flood_limits_counters():
    from core.rediscache import ResilientRedisCache

    prefix = f"test-{time.time_ns()}"
    pages, counters = (
        ResilientRedisCache(REDIS, {"KEY_PREFIX": f"{prefix}:{name}"})
        for name in ("pages", "counters")
    )
    pages.set_many({f"part:{n}": "Erase me" for n in range(2500)})
    counters.set("rate", 7)
    assert pages.clear() is True
    assert pages.get("part:1") is None and pages.get_many([f"part:{n}" for n in range(2500)]) == {}
    assert counters.get("rate") == 7
    counters.clear()


@pytest.mark.parametrize("in_transaction", [False, True])
def test_the_time_limit_holds_for_search_queries_only(in_transaction, settings, monkeypatch):
    from contextlib import nullcontext

    from django.db import connection, transaction

    article = make_article(title_en="Stem cells")
    settings.SEARCH_TIME_LIMIT_MS = 1
    slow = query._matches
    burn = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT count(*) FROM n)"  # noqa: E501

    def dawdling(language, terms, **kwargs):
        sql, params = slow(language, terms, **kwargs)
        return sql.replace(" WHERE ", f" WHERE {burn} > 0 AND ", 1), params

    monkeypatch.setattr(query, "_matches", dawdling)
    with transaction.atomic() if in_transaction else nullcontext():
        with pytest.raises(query.TooSlow):
            query.matching("en", ["stem"])
        # The statement after it runs, with no limit left behind.
        with connection.cursor() as cursor:
            started = time.monotonic()
            cursor.execute(f"SELECT {burn}")
            assert cursor.fetchone()[0] == 5000000 and time.monotonic() - started > 0.001
    monkeypatch.setattr(query, "_matches", slow)
    assert query.matching("en", ["stem"]) == [article.pk]
