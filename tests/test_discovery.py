"""Readers find their way: the header, categories, authors and reviewers, the About page."""

import re
from datetime import date

import pytest
from django.test import Client

from articles.models import Page, Person

from .factories import image_bytes, make_article, make_category, upload
from .test_structured_data import json_ld

pytestmark = pytest.mark.django_db


def get(url, status=200):
    response = Client().get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_every_page_has_the_categories_and_a_search_box_in_its_language():
    make_category("exercise", zh="运动康复", en="Exercise")
    make_category("treatment", zh="治疗", en="Treatment")
    article = make_article()
    for url in ["/zh-hans/", f"/zh-hans/articles/{article.slug}/", "/zh-hans/search/?q=x"]:
        html = get(url)
        header = html.split('<header class="site-header">')[1].split("</header>")[0]
        assert '<a href="/zh-hans/categories/exercise/">运动康复</a>' in header
        assert 'action="/zh-hans/search/"' in header and 'name="q"' in header
        assert "<details" in header  # the narrow-screen menu, which needs no script
    header = get("/en/").split("</header>")[0]
    assert '<a href="/en/categories/treatment/">Treatment</a>' in header
    assert 'action="/en/search/"' in header


def test_a_new_category_appears_in_the_header_of_pages_already_seen():
    make_category("exercise", en="Exercise")
    client = Client()
    assert "Sleep" not in client.get("/en/").content.decode()
    make_category("sleep", en="Sleep")
    assert '<a href="/en/categories/sleep/">Sleep</a>' in client.get("/en/").content.decode()


def test_category_pages_describe_themselves_and_link_the_other_categories():
    exercise = make_category("exercise", zh="运动康复", en="Exercise")
    exercise.description_en = "Exercise that helps the back."
    exercise.description_zh_hans = "帮助腰背恢复的锻炼。"
    exercise.save()
    make_category("treatment", zh="治疗", en="Treatment")
    make_article(category=exercise)
    html = get("/en/categories/exercise/")
    assert '<p class="lead">Exercise that helps the back.</p>' in html
    assert '<meta name="description" content="Exercise that helps the back.">' in html
    others = html.split('class="other-categories"')[1].split("</nav>")[0]
    assert "/en/categories/treatment/" in others and "/en/categories/exercise/" not in others
    assert "帮助腰背恢复的锻炼。" in get("/zh-hans/categories/exercise/")


def test_articles_name_their_authors_and_reviewer_with_the_review_date():
    author = Person.objects.create(slug="lin", name_zh_hans="林雯", name_en="Lin Wen")
    second = Person.objects.create(slug="wu", name_zh_hans="吴迪", name_en="Wu Di")
    reviewer = Person.objects.create(slug="zhou", name_zh_hans="周敏", name_en="Zhou Min")
    article = make_article(reviewer=reviewer, reviewed_at=date(2026, 10, 5))
    article.authors.set([author, second])
    html = get(f"/zh-hans/articles/{article.slug}/")
    byline = html.split('class="byline"')[1].split("</p>")[0]
    assert (
        '作者 <a href="/zh-hans/authors/lin/">林雯</a>、<a href="/zh-hans/authors/wu/">吴迪</a>'
        in byline
    )
    signoff = html.split('class="review-signoff"')[1].split("</p>")[0]
    assert '医学审核 <a href="/zh-hans/authors/zhou/">周敏</a>' in signoff
    assert '周敏</a> · 审核于 <time datetime="2026-10-05">2026年10月5日</time>' in signoff
    html = get(f"/en/articles/{article.slug}/")
    assert 'By <a href="/en/authors/lin/">Lin Wen</a>, <a href="/en/authors/wu/">Wu Di</a>' in html
    assert "Medically reviewed by" in html and "Reviewed on" in html

    blocks = {b["@type"]: b for b in json_ld(f"/en/articles/{article.slug}/")}
    authors = blocks["Article"]["author"]
    assert [(a["@type"], a["name"]) for a in authors] == [
        ("Person", "Lin Wen"),
        ("Person", "Wu Di"),
    ]
    assert authors[0]["url"] == "http://testserver/en/authors/lin/"
    page = blocks["Article"]["mainEntityOfPage"]
    assert page["reviewedBy"]["name"] == "Zhou Min" and page["lastReviewed"] == "2026-10-05"


def test_a_review_date_needs_a_reviewer():
    from django.core.exceptions import ValidationError

    article = make_article()
    article.reviewed_at = date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "reviewer" in error.value.message_dict


def test_article_pages_show_breadcrumbs_home_category_article():
    category = make_category("treatment", zh="治疗", en="Treatment")
    article = make_article(category=category, title_zh_hans="干细胞治疗腰突")
    html = get(f"/zh-hans/articles/{article.slug}/")
    crumbs = html.split('<nav class="breadcrumbs" aria-label="当前位置">')[1].split("</nav>")[0]
    assert re.findall(r"<li>(.*?)</li>", crumbs, re.S) == [
        '<a href="/zh-hans/">首页</a>',
        '<a href="/zh-hans/categories/treatment/">治疗</a>',
        '<span aria-current="page">干细胞治疗腰突</span>',
    ]


def test_author_pages_list_their_articles_in_the_language_paginated():
    author = Person.objects.create(
        slug="lin", name_zh_hans="林雯", name_en="Lin Wen", bio_en="Health editor.",
        photo=upload(content=image_bytes(size=(400, 400))),
    )  # fmt: skip
    theirs = [make_article() for _ in range(11)]
    for article in theirs:
        article.authors.add(author)
    zh_only = make_article(en=False)
    zh_only.authors.add(author)
    make_article()  # someone else's
    html = get("/en/authors/lin/")
    assert '<h1 class="page-title">Lin Wen</h1>' in html and "Health editor." in html
    assert 'class="person-photo"' in html and "/media/" in html
    slugs = re.findall(r'class="card-title"><a href="/en/articles/([^/]+)/"', html)
    assert len(slugs) == 10 and zh_only.slug not in slugs
    assert 'href="?page=2"' in html
    assert len(re.findall(r'class="card-title"', get("/en/authors/lin/?page=2"))) == 1
    assert zh_only.slug in get("/zh-hans/authors/lin/?page=2") + get("/zh-hans/authors/lin/")
    get("/en/authors/nobody/", status=404)


def test_the_about_page_is_edited_in_admin_and_linked_from_every_footer():
    Page.objects.create(
        slug="about", title_zh_hans="关于我们", title_en="About us",
        body_zh_hans="<p>编辑方针<script>x</script></p>", body_en="<p>Editorial policy</p>",
    )  # fmt: skip
    html = get("/zh-hans/")
    footer = html.split("<footer")[1]
    assert 'href="/zh-hans/pages/about/"' in footer
    about = get("/zh-hans/pages/about/")
    assert '<h1 class="page-title">关于我们</h1>' in about and "<script>x" not in about
    assert "Editorial policy" in get("/en/pages/about/")
    Page.objects.create(slug="zh-only", title_zh_hans="只有中文", body_zh_hans="<p>中文</p>")
    get("/en/pages/zh-only/", status=404)


def test_the_home_page_tells_search_engines_how_to_search():
    (site,) = json_ld("/en/")
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/en/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_the_sitemap_lists_category_author_and_about_pages_in_both_languages():
    make_category("exercise", en="Exercise")
    Person.objects.create(slug="lin", name_en="Lin Wen", name_zh_hans="林雯")
    Page.objects.create(slug="about", title_en="About", title_zh_hans="关于", body_en="<p>x</p>")
    assert "/sitemap-pages.xml" in get("/sitemap.xml")
    xml = get("/sitemap-pages.xml")
    for path in ["categories/exercise/", "authors/lin/", "pages/about/"]:
        for lang in ["zh-hans", "en"]:
            assert f"<loc>http://testserver/{lang}/{path}</loc>" in xml
