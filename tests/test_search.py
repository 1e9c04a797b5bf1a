"""Readers search the articles of their language; Chinese is found without spaces.

These run on SQLite (FTS5) and on PostgreSQL (tsvector, GIN) with the same
expectations: both databases must give the same results.
"""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, BodyImage, Category, Page, Person
from search import query
from search.models import SearchEntry

from .factories import admin_post_change, make_article, make_category

pytestmark = pytest.mark.django_db
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def search(q, lang="zh-hans", client=None, **params):
    response = (client or Client()).get(f"/{lang}/search/", {"q": q, **params})
    assert response.status_code == 200
    return response, response.content.decode()


def result_slugs(html):
    return re.findall(r'<h2 class="card-title"><a href="/[^/]+/articles/([^/]+)/">', html)


def marked(html):
    return [word.casefold() for word in re.findall(r"<mark>(.*?)</mark>", html)]


@pytest.fixture(autouse=True)
def _only_its_own_articles(request, db):
    """A test that does not ask for the demo finds only the articles it makes (the demo's
    are removed inside its transaction, which is rolled back after it)."""
    if "demo" not in request.fixturenames:
        for model in (Article, Category, Person, Page, BodyImage, SearchEntry):
            model.objects.all().delete()


@pytest.mark.parametrize("q", ["腰突", "干细胞", "椎间盘突出", "腰椎间盘突出症"])
def test_chinese_words_of_two_and_more_characters_find_the_seed_article(demo, q):
    _response, html = search(q)
    assert SEED in result_slugs(html)
    assert q in marked(html)  # the match, highlighted in the title or the snippet


@pytest.mark.parametrize("q", ["stem cell", "Stem Cells", "lumbar disc", "STEM-CELL therapies"])
def test_english_finds_the_seed_whatever_the_case_and_plural(demo, q):
    _response, html = search(q, lang="en")
    assert result_slugs(html)[0] == SEED
    assert {"stem", "lumbar"} & set(marked(html))


def test_results_say_how_many_and_show_date_and_category(demo):
    _response, html = search("椎间盘突出")
    slugs = result_slugs(html)
    assert len(slugs) >= 2
    assert f"找到 {len(slugs)} 篇" in html
    assert "<time datetime=" in html and "/zh-hans/categories/" in html


def test_a_title_match_comes_before_body_matches_which_come_newest_first():
    now = timezone.now()
    in_body_old = make_article(
        body_zh_hans="<p>关于腰突的旧文章。</p>", publish_at=now - timedelta(days=9)
    )
    in_title = make_article(title_zh_hans="腰突的康复", publish_at=now - timedelta(days=5))
    in_body_new = make_article(
        body_zh_hans="<p>腰突患者的新文章。</p>", publish_at=now - timedelta(days=1)
    )
    make_article(body_zh_hans="<p>与此无关。</p>")
    _response, html = search("腰突")
    assert result_slugs(html) == [in_title.slug, in_body_new.slug, in_body_old.slug]


def test_a_query_matches_as_a_phrase_not_as_scattered_characters():
    together = make_article(body_zh_hans="<p>腰椎间盘突出症的治疗。</p>")
    make_article(body_zh_hans="<p>腰椎有问题，间盘没有突出，也不是症状。</p>")
    _response, html = search("腰椎间盘突出症")
    assert result_slugs(html) == [together.slug]


def test_drafts_are_never_found_and_scheduled_articles_appear_when_their_time_comes():
    make_article(title_zh_hans="草稿里的腰突", status=Article.Status.DRAFT)
    scheduled = make_article(
        title_zh_hans="将来的腰突", publish_at=timezone.now() + timedelta(hours=2)
    )
    _response, html = search("腰突")
    assert result_slugs(html) == []
    # Time passes: nothing is saved again, so nothing touches the index.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    _response, html = search("腰突")
    assert result_slugs(html) == [scheduled.slug]


def test_the_index_follows_saves_renames_authors_and_deletes():
    category = make_category(zh="康复")
    article = make_article(category=category, title_zh_hans="旧的标题", title_en="Old words")
    assert result_slugs(search("旧的")[1]) == [article.slug]

    article.title_zh_hans = "新的标题"
    article.save()
    assert result_slugs(search("旧的")[1]) == []
    assert result_slugs(search("新的")[1]) == [article.slug]

    category.name_zh_hans = "推拿按摩"
    category.save()
    assert result_slugs(search("推拿")[1]) == [article.slug]

    person = Person.objects.create(slug="li", name_zh_hans="李医生", name_en="Dr Li")
    article.authors.add(person)
    assert result_slugs(search("李医生")[1]) == [article.slug]
    person.name_en = "Dr Lee"
    person.save()
    assert result_slugs(search("Lee", lang="en")[1]) == [article.slug]

    article.delete()
    assert result_slugs(search("新的")[1]) == []
    assert not SearchEntry.objects.exists()


def test_an_editor_saving_in_admin_updates_the_index(client, superuser):
    article = make_article(title_en="Before", body_en="<p>Nothing here.</p>")
    client.force_login(superuser)
    admin_post_change(client, article, title_en="Sciatica explained",
                      body_en="<p>About sciatica.</p>")  # fmt: skip
    assert result_slugs(search("sciatica", lang="en")[1]) == [article.slug]


def test_rebuild_search_index_writes_the_index_again(demo):
    SearchEntry.objects.all().delete()
    assert result_slugs(search("腰突")[1]) == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert result_slugs(search("腰突")[1])[0] == SEED


def test_nothing_here_but_results_in_the_other_language_says_so_and_links_there(demo):
    _response, html = search("干细胞", lang="en")
    assert result_slugs(html) == []
    assert f'href="/zh-hans/search/?q={quote("干细胞")}"' in html
    assert "1 result in Chinese" in html
    _response, html = search("protrusion")
    assert "英文文章中有 1 条结果" in html


def test_results_are_paginated_and_the_pages_keep_the_query():
    for n in range(12):
        make_article(title_en=f"Sciatica note {n}")
    _response, html = search("sciatica", lang="en")
    assert len(result_slugs(html)) == 10
    assert 'href="?q=sciatica&amp;page=2"' in html
    _response, html = search("sciatica", lang="en", page=2)
    assert len(result_slugs(html)) == 2
    for page in [9, "0", "-1", "²", "9" * 30]:
        assert Client().get("/en/search/", {"q": "sciatica", "page": page}).status_code == 404


def test_beyond_the_count_limit_results_say_more_than_and_stop_paging():
    limit = query.COUNT_LIMIT
    category = make_category()
    now = timezone.now()
    newest, *_others = [
        make_article(
            category=category, body_en="<p>On sciatica.</p>", publish_at=now - timedelta(minutes=n)
        )
        for n in range(limit + 3)
    ]
    titled = make_article(title_en="Sciatica, the long guide", publish_at=now - timedelta(days=30))
    _response, html = search("sciatica", lang="en")
    assert f"More than {limit} articles found for “sciatica”; the first {limit} are shown." in html
    assert result_slugs(html)[:2] == [titled.slug, newest.slug]  # the title match first
    last = limit // 10
    assert f"Page 1 of {last}" in html
    _response, html = search("sciatica", lang="en", page=last)
    assert len(result_slugs(html)) == 10 and 'rel="next"' not in html
    assert Client().get("/en/search/", {"q": "sciatica", "page": last + 1}).status_code == 404
    _response, html = search("sciatica", lang="zh-hans")
    assert f"英文文章中有超过 {limit} 条结果" in html


def test_a_new_publication_time_moves_an_article_among_the_results():
    now = timezone.now()
    older = make_article(body_zh_hans="<p>腰突。</p>", publish_at=now - timedelta(days=3))
    newer = make_article(body_zh_hans="<p>腰突。</p>", publish_at=now - timedelta(days=2))
    assert result_slugs(search("腰突")[1]) == [newer.slug, older.slug]
    older.publish_at = now - timedelta(days=1)
    older.save()
    assert result_slugs(search("腰突")[1]) == [older.slug, newer.slug]


def test_result_pages_are_noindex_and_never_stored_by_the_page_cache(demo):
    client = Client()
    response, html = search("腰突", client=client)
    assert '<meta name="robots" content="noindex">' in html
    assert "X-Page-Cache" not in response
    # A query never gets the page of another one, nor an empty form.
    _response, other = search("干细胞", client=client)
    assert "“干细胞”" in other and "“腰突”" not in other
    assert "X-Page-Cache" not in client.get("/zh-hans/search/", {"q": "腰突"})


HOSTILE = [
    "",
    "腰",
    "a" * 1001,
    '" * ^ ( ) - + NEAR OR AND :',
    'stem" OR "x',
    "NEAR(stem cell)",
    "title_terms : stem",
    "\x00stem",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "😀🔥",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_a_page_never_an_error(demo, q):
    response = Client().get("/zh-hans/search/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    assert Article.objects.filter(slug=SEED).exists()


def test_bad_queries_say_what_is_wrong_in_the_visitors_language(demo):
    assert "请输入要查找的内容" in search("")[1]
    assert "至少两个汉字" in search("腰")[1]
    assert "200" in search("腰" * 1001)[1] and 'aria-invalid="true"' in search("腰" * 1001)[1]
    assert "Null characters are not allowed" in search("\x00stem", lang="en")[1]


def test_a_lone_surrogate_in_the_url_is_answered():
    response = Client().get("/zh-hans/search/?q=%ED%A0%80%E8%85%B0%E7%AA%81")
    assert response.status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60))
def test_any_text_gets_a_page(demo, q):
    response = Client().get("/en/search/", {"q": q})
    assert response.status_code == 200


def test_snippets_show_the_whole_title_and_a_window_of_the_text_around_the_match():
    from search.text import snippet

    assert snippet("干细胞治疗腰突", "腰突", length=None) == "干细胞治疗<mark>腰突</mark>"
    text = "前言。" * 100 + "腰椎间盘突出症 <b>的</b> 治疗" + "。后记" * 100
    cut = snippet(text, "腰椎间盘突出症", length=60)
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>腰椎间盘突出症</mark> &lt;b&gt;的&lt;/b&gt;" in cut
    assert snippet("Stem cells & more", "STEM CELL", length=None) == (
        "<mark>Stem</mark> <mark>cells</mark> &amp; more"
    )


def test_a_result_shows_markup_in_its_title_and_category_as_text():
    category = make_category(slug="odd", en='Spine <i>care</i> & "more"')
    make_article(
        category=category,
        title_en="<script>alert(1)</script> stem cells",
        body_en="<p>About stem cells.</p>",
    )
    _response, html = search("stem cell", lang="en")
    result = html.split('<li class="result">')[1].split("</li>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>stem</mark> <mark>cells</mark>" in result
    assert (
        '<a href="/en/categories/odd/">Spine &lt;i&gt;care&lt;/i&gt; &amp; &quot;more&quot;</a>'
        in (result)
    )
    assert "<script>" not in html and '<p class="snippet">' in result


def test_a_result_shown_before_costs_no_query_and_an_edit_shows_at_once():
    article = make_article(title_zh_hans="腰突的治疗", body_zh_hans="<p>腰突。</p>")
    search("干细胞")  # the parts every page shares, cached
    with CaptureQueriesContext(connection) as first:
        assert result_slugs(search("腰突")[1]) == [article.slug]
    with CaptureQueriesContext(connection) as again:
        _response, html = search("腰突")
    assert len(again) == len(first) - 1 and "<mark>腰突</mark>的治疗" in html  # remembered
    article.title_zh_hans = "腰突的康复"
    article.save()
    _response, html = search("腰突")
    assert "<mark>腰突</mark>的康复" in html and "的治疗" not in html
