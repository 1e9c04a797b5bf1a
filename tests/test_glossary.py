"""The glossary: one concept in the words readers use, so that search finds what they
mean (腰突 finds the articles that say 腰椎间盘突出), in each language apart."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Term
from search import glossary

pytestmark = pytest.mark.django_db
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"
ABOUT_LDH = {SEED, "mri-and-disc-herniation", "lifting-safely", "tuina-massage-for-low-back-pain"}


def found(q, lang="zh-hans"):
    html = Client().get(f"/{lang}/search/", {"q": q}).content.decode()
    slugs = re.findall(r'<h2 class="card-title"><a href="/[^/]+/articles/([^/]+)/">', html)
    return slugs, html


@pytest.mark.parametrize("q", ["腰突", "椎间盘突出", "腰椎间盘突出症"])
def test_any_chinese_form_finds_every_article_about_the_disease(demo, q):
    slugs, html = found(q)
    assert set(slugs) == ABOUT_LDH
    assert "也搜索了：" in html


def test_exact_matches_come_first_and_the_other_forms_are_named(demo):
    slugs, html = found("腰突")
    assert slugs[0] == SEED  # the only one that writes 腰突
    also = re.search(r'<p class="also-searched">也搜索了：(.*?)</p>', html)[1]
    assert also.split("、") == ["腰椎间盘突出症", "腰椎间盘突出", "椎间盘突出", "腰间盘突出"]


def test_slipped_disc_finds_the_english_articles_and_only_hints_at_the_chinese(demo):
    slugs, html = found("slipped disc", "en")
    assert set(slugs) == {SEED, "mri-and-disc-herniation", "lifting-safely"}
    assert "Also searched: lumbar disc herniation, herniated disc" in html
    zh_slugs, zh_html = found("slipped disc")
    assert zh_slugs == [] and "也搜索了" not in zh_html  # English forms are not Chinese results


def test_the_glossary_changes_search_at_once_without_a_reindex(demo):
    assert found("腰间盘")[0] == []
    term = Term.objects.get(slug="lumbar-disc-herniation")
    term.synonyms_zh_hans += "\n腰间盘"
    term.save()
    assert set(found("腰间盘")[0]) == ABOUT_LDH


def test_a_search_costs_the_same_queries_however_long_the_glossary(demo):
    Client().get("/zh-hans/search/", {"q": "腰突"})  # the glossary read once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            Client().get("/zh-hans/search/", {"q": "腰突"})
        return len(captured)

    before = queries()
    Term.objects.bulk_create(
        Term(slug=f"t{n}", name_zh_hans=f"术语{n}", synonyms_zh_hans=f"别名{n}") for n in range(50)
    )
    Client().get("/zh-hans/search/", {"q": "腰突"})  # read again once after the change
    assert queries() == before


def test_a_query_never_grows_past_the_bound(demo):
    Term.objects.create(
        slug="many", name_zh_hans="很多说法",
        synonyms_zh_hans="\n".join(f"说法{n}" for n in range(40)),
    )  # fmt: skip
    forms = glossary.other_forms(Client().get("/").wsgi_request, "zh-hans", "很多说法")
    assert len(forms) == glossary.MAX_FORMS
    html = found("很多说法")[1]
    also = re.search(r'<p class="also-searched">也搜索了：(.*?)</p>', html)[1]
    assert len(also.split("、")) == glossary.MAX_FORMS


def test_the_editor_is_warned_of_the_seeds_old_mistake(client, editor, admin_in_english):
    from .factories import article_form, make_category

    Term.objects.create(
        slug="ldh", name_zh_hans="腰椎间盘突出症", name_en="lumbar disc herniation",
        synonyms_zh_hans="腰突\n椎间盘突出", synonyms_en="herniated disc",
        avoid_zh_hans="腰痛: 腰痛是症状，不是这种疾病",
    )  # fmt: skip
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/add/",
        article_form(
            make_category(), title_zh_hans="干细胞治疗腰痛",
            body_zh_hans="<h2>干细胞治疗腰痛的临床试验</h2><p>研究表明……</p>",
            title_en="Stem cell therapy for lumbar disc herniation",
            body_en="<h2>Trials</h2><p>Lumbar disc herniation is common.</p>",
        ),
        follow=True,
    )  # fmt: skip
    messages = [str(m) for m in response.context["messages"]]
    assert any("uses “腰痛” where the English names" in m and "不是这种疾病" in m for m in messages)
    assert any("is in the English but not in the Chinese" in m for m in messages)
    assert any('href="/admin/articles/term/' in m for m in messages)
    # The fixed text draws no warning about the concept.
    from articles.models import Article

    article = Article.objects.get(slug="new-article")
    article.title_zh_hans, article.body_zh_hans = (
        "干细胞治疗腰椎间盘突出症",
        "<p>腰椎间盘突出症很常见。</p>",
    )
    article.save()
    from articles import terminology

    assert terminology.check(article) == []


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "也称"), ("en", "Also called")])
def test_a_term_has_its_page_with_the_articles_that_use_it(demo, lang, words):
    import extruct

    response = Client().get(f"/{lang}/terms/lumbar-disc-herniation/")
    html = response.content.decode()
    assert response.status_code == 200 and words in html
    assert f"/{lang}/articles/{SEED}/" in html
    data = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert data["@type"] == "DefinedTerm" and data["description"]
    assert ("腰突" if lang == "zh-hans" else "slipped disc") in data["alternateName"]
    sitemap = Client().get("/sitemap-pages.xml").content.decode()
    assert f"/{lang}/terms/lumbar-disc-herniation/" in sitemap
    assert Client().get(f"/{lang}/terms/no-such-term/").status_code == 404


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_topic_gathers_articles_across_categories_its_lead_first(demo, lang):
    html = Client().get(f"/{lang}/topics/lumbar-disc-herniation/").content.decode()
    slugs = re.findall(r'class="card-title"><a href="/[^/]+/articles/([^/]+)/">', html)
    assert slugs[0] == SEED  # the editor's lead article
    visible = {"zh-hans": ABOUT_LDH | {"physiotherapy-after-lumbar-surgery"}, "en": ABOUT_LDH}
    assert set(slugs) <= visible[lang] and SEED in slugs and len(slugs) == len(set(slugs))
    article = Client().get(f"/{lang}/articles/{SEED}/").content.decode()
    assert f'<a href="/{lang}/topics/lumbar-disc-herniation/">' in article
    sitemap = Client().get("/sitemap-pages.xml").content.decode()
    assert f"/{lang}/topics/lumbar-disc-herniation/" in sitemap


def test_renaming_a_topic_shows_on_its_articles_at_once(demo):
    from articles.models import Topic

    url = f"/en/articles/{SEED}/"
    Client().get(url)
    topic = Topic.objects.get(slug="lumbar-disc-herniation")
    topic.name_en = "Herniated discs"
    topic.save()
    assert ">Herniated discs</a>" in Client().get(url).content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_topic_has_its_own_feed(demo, kind):
    import feedparser

    body = Client().get(f"/zh-hans/topics/lumbar-disc-herniation/{kind}.xml").content
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.entries
    links = [entry.link for entry in feed.entries]
    assert any(link.endswith(f"/zh-hans/articles/{SEED}/") for link in links)
    assert not any(link.endswith("/articles/sitting-well-at-a-desk/") for link in links)


def test_the_home_page_shows_the_editors_picks_and_the_topics_first(demo):
    from articles.models import Article

    Article.objects.filter(slug="mri-and-disc-herniation").update(featured=True)
    html = Client().get("/zh-hans/").content.decode()
    picks = html[html.index('id="featured-heading"') : html.index('id="topics-heading"')]
    assert "/zh-hans/articles/mri-and-disc-herniation/" in picks
    topics = html[html.index('id="topics-heading"') : html.index("最新文章")]
    assert '<a href="/zh-hans/topics/lumbar-disc-herniation/">腰突</a>' in topics
    assert html.index("<h1") < html.index("<h2")  # headings in order


def test_related_cards_fill_from_shared_topics_before_the_category():
    from articles.models import Topic

    from .factories import make_article, make_category

    home, other = make_category("home"), make_category("other")
    article = make_article("start", category=home)
    make_article("same-category", category=home)
    same_topic = make_article("same-topic", category=other)
    make_article("nothing-shared", category=other)
    topic = Topic.objects.create(slug="t", name_zh_hans="专题", name_en="Topic")
    article.topics.add(topic)
    same_topic.topics.add(topic)
    html = Client().get("/en/articles/start/").content.decode()
    related = html[html.index('id="related-heading"') :]
    assert related.index("/en/articles/same-topic/") < related.index("/en/articles/same-category/")
    assert "/en/articles/nothing-shared/" not in related
    # A title changed in the topic shows on the cards at once; so does leaving the topic.
    same_topic.title_en = "Renamed in the topic"
    same_topic.save()
    assert "Renamed in the topic" in Client().get("/en/articles/start/").content.decode()
    same_topic.topics.remove(topic)
    assert "/en/articles/same-topic/" not in Client().get("/en/articles/start/").content.decode()


def test_the_main_topic_is_the_breadcrumb_and_a_chosen_term_links_once(client, editor):
    import extruct

    from articles.models import Article, Topic

    from .factories import admin_post_change, make_article

    term = Term.objects.create(
        slug="ldh", name_zh_hans="腰椎间盘突出症", name_en="lumbar disc herniation",
        synonyms_en="slipped disc", definition_en="A disc that bulges out.",
    )  # fmt: skip
    topic = Topic.objects.create(slug="ldh", name_zh_hans="腰突", name_en="Disc herniation")
    article = make_article(
        "piece",
        body_en="<h2>Lumbar disc herniation</h2><p>A slipped disc, or lumbar disc herniation, "
        "is common.</p><p>Lumbar disc herniation again.</p>",
    )
    client.force_login(editor)
    admin_post_change(
        client, article, main_topic=str(topic.pk),
        linked_terms=[str(term.pk)],
    )  # fmt: skip
    assert list(article.topics.all()) == [topic]  # the main topic is one of its topics
    html = Client().get("/en/articles/piece/").content.decode()
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
    ]
    assert '<a href="/en/topics/ldh/">Disc herniation</a>' in crumbs
    links = re.findall(r'<a class="term" href="([^"]+)">([^<]+)</a>', html)
    assert links == [("/en/terms/ldh/", "slipped disc")]  # the first use, not in the heading
    data = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    crumb_list = next(d for d in data if d["@type"] == "BreadcrumbList")
    assert crumb_list["itemListElement"][1]["name"] == "Disc herniation"
    # Without a definition there is no page to link to.
    Term.objects.filter(pk=term.pk).update(definition_en="")
    Article.objects.filter(pk=article.pk).update(title_en="Piece")
    assert 'class="term"' not in Client().get("/en/articles/piece/").content.decode()


def test_the_side_by_side_view_checks_terminology_on_demand_without_saving(
    client, editor, admin_in_english
):
    from articles.models import Article

    from .factories import make_article

    Term.objects.create(
        slug="ldh", name_zh_hans="腰椎间盘突出症", name_en="lumbar disc herniation",
        avoid_zh_hans="腰痛: 腰痛是症状，不是这种疾病",
    )  # fmt: skip
    article = make_article("piece", body_en="<p>Lumbar disc herniation is common.</p>")
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/translate/zh-hans/",
        {"title_zh_hans": "干细胞治疗腰痛", "summary_zh_hans": "",
         "body_zh_hans": "<p>腰痛很常见。</p>", "check_terms": "1"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "uses “腰痛” where the English names" in html
    assert Article.objects.get(pk=article.pk).title_zh_hans != "干细胞治疗腰痛"  # not saved
    response = client.post(
        f"/admin/articles/article/{article.pk}/translate/zh-hans/",
        {"title_zh_hans": "干细胞治疗腰椎间盘突出症", "summary_zh_hans": "",
         "body_zh_hans": "<p>腰椎间盘突出症很常见。</p>", "check_terms": "1"},
    )  # fmt: skip
    assert "the glossary finds nothing to change" in response.content.decode()


def test_a_topic_cover_needs_alt_text_and_shows_on_its_page(client, editor, admin_in_english):
    from articles.models import Topic

    from .factories import upload

    client.force_login(editor)
    data = {"slug": "t", "name_zh_hans": "腰突", "name_en": "Discs", "description_zh_hans": "",
            "description_en": "", "cover_alt_zh_hans": "", "cover_alt_en": ""}  # fmt: skip
    response = client.post("/admin/articles/topic/add/", {**data, "cover": upload()})
    assert "Describe the cover image in every language the topic is named in." in (
        response.content.decode()
    )
    assert not Topic.objects.filter(slug="t").exists()
    data.update(cover_alt_zh_hans="封面", cover_alt_en="A cover")
    response = client.post("/admin/articles/topic/add/", {**data, "cover": upload()})
    assert response.status_code == 302
    html = Client().get("/en/topics/t/").content.decode()
    assert 'class="cover topic-cover"' in html and 'alt="A cover"' in html
