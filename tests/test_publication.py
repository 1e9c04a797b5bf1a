"""A health publication readers can trust: references, reviewers with credentials, labelled
dates, editor's notes, a footer with privacy and contact, and words in the page's language."""

import re
from datetime import timedelta

import extruct
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from articles import richtext
from articles.models import Article, Reference, SiteDetails

from .factories import approve, make_article, make_comment, post_comment

pytestmark = pytest.mark.django_db
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def page(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def prose(html):
    return html[html.index('<div class="prose">') : html.index('<aside class="disclaimer"')]


# References and citations.


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_seed_article_cites_its_two_studies_by_number(demo, lang):
    html = page(f"/{lang}/articles/{SEED}/")
    body = prose(html)
    for n in (1, 2):
        assert f'<a href="#ref-{n}"' in body  # cited in the text
        assert f'<li id="ref-{n}">' in body  # listed in the references
    assert "Stem Cells Translational Medicine" in body
    assert "Journal of Translational Medicine" in body
    heading = {"zh-hans": "参考文献", "en": "References"}[lang]
    assert f'<h2 id="references-heading">{heading}</h2>' in body
    # Nothing the source does not give: no year, no DOI, no invented title.
    references = body[body.index("<ol>", body.index("references-heading")) :]
    assert "doi" not in references.lower() and not re.search(r"\b(19|20)\d\d\b", references)


def test_a_citation_mark_links_only_to_a_reference_that_exists():
    html = richtext.for_readers('<p>One [1], none [3], <a href="/x">[1] in a link</a>.</p>', 2)
    assert html.count('href="#ref-1"') == 1
    assert "none [3]" in html and '<a href="/x">[1] in a link</a>' in html
    assert richtext.for_readers("<p>No references [1]</p>", 0) == "<p>No references [1]</p>"


def test_references_are_structured_data_and_change_the_page_when_edited(client):
    article = make_article(slug="cited")
    assert "references-heading" not in page("/en/articles/cited/")
    Reference.objects.create(
        article=article, authors="Smith J, Li W", title_en="A trial", container_en="Spine",
        year=2020, doi="10.1000/xyz123",
    )  # fmt: skip
    html = page("/en/articles/cited/")
    assert '<a href="https://doi.org/10.1000/xyz123">doi:10.1000/xyz123</a>' in html
    # The Chinese page shows the title as given, in its own language.
    assert "A trial" in page("/zh-hans/articles/cited/")
    data = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert data["citation"] == [
        {
            "@type": "CreativeWork", "name": "A trial", "author": "Smith J, Li W",
            "isPartOf": {"@type": "Periodical", "name": "Spine"}, "datePublished": "2020",
            "url": "https://doi.org/10.1000/xyz123",
            "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/xyz123"},
        }
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"doi": "doi:10.1/x", "title": "T"}, "doi"), ({"pmid": "PMC123", "title": "T"}, "pmid")],
)
def test_a_malformed_identifier_or_an_empty_reference_is_refused(fields, field):
    article = make_article()
    with pytest.raises(ValidationError) as error:
        Reference(article=article, **fields).full_clean()
    assert field in error.value.message_dict
    with pytest.raises(ValidationError):
        Reference(article=article, authors="Somebody").full_clean()


# Editor's notes.


def test_an_editors_note_is_a_labelled_block_and_no_other_class_survives():
    stored = richtext.sanitize(
        '<blockquote class="editor-note"><p>Note</p></blockquote>'
        '<blockquote class="evil"><p>Quote</p></blockquote><p class="editor-note">P</p>'
    )
    assert stored.count('class="editor-note"') == 1
    assert "evil" not in stored and '<p class="editor-note">' not in stored
    shown = richtext.for_readers(stored, 0)
    assert '<aside class="editor-note" aria-label="编者按">' in shown
    assert "<blockquote><p>Quote</p></blockquote>" in shown


@pytest.mark.parametrize(("lang", "label"), [("zh-hans", "编者按"), ("en", "Editor’s note")])
def test_the_seed_articles_notes_are_callouts_not_bold_prefixes(demo, lang, label):
    body = prose(page(f"/{lang}/articles/{SEED}/"))
    assert body.count(f'<aside class="editor-note" aria-label="{label}">') >= 3
    assert "<strong>编者按" not in body and "<strong>Editor" not in body


# Words.


def test_the_english_seed_calls_the_condition_by_its_title(demo):
    body = prose(page(f"/en/articles/{SEED}/"))
    outside_notes = re.sub(r'<aside class="editor-note".*?</aside>', "", body, flags=re.S)
    assert "lumbago" not in re.sub(r"“[^”]*”", "", outside_notes).lower()
    assert "The Chinese version" not in body


def test_the_chinese_seed_marks_the_sources_claims_and_writes_numbers_as_digits(demo):
    body = prose(page(f"/zh-hans/articles/{SEED}/"))
    assert "所有患者的疼痛均显著减轻（差异有统计学意义）" in body
    assert "统计学意义上的显著减轻" not in body
    assert "原文还说，干细胞会分化为" in body  # the source's claim, said to be the source's
    assert "不是对我国医保政策的说明" in body
    assert "随访 2 年" in body and "两年" not in body
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", body)
    assert not any("腰痛" in heading for heading in headings)


def test_demo_chinese_writes_durations_in_arabic_numerals(demo):
    from articles.models import site_articles

    bodies = " ".join(site_articles().values_list("body_zh_hans", flat=True))
    for spelled in ("四到六周", "三十秒", "五秒", "两到三组", "三十到四十五分钟"):
        assert spelled not in bodies
    assert "4～6 周" in bodies


def test_the_disclaimer_reads_as_chinese_health_writing(demo):
    html = page(f"/zh-hans/articles/{SEED}/")
    assert "本文仅供健康科普参考，不能替代医生的诊断和治疗建议。如有不适，请及时就医。" in html


def test_pages_name_the_other_language_in_their_own(client):
    article = make_article(slug="both")
    article.body_en = "<p>English body, changed</p>"
    article.save()
    zh = page("/zh-hans/articles/both/")
    assert "英文版已于" in zh and "阅读英文版" in zh and "English" not in zh.split("<main")[1]
    only_zh = make_article(slug="only-zh", en=False)
    en = Client().get(f"/en/articles/{only_zh.slug}/").content.decode()
    assert "The article exists in Chinese" in en and "简体中文:" not in en


# Who reviewed it, and when.


@pytest.mark.parametrize(
    ("lang", "signoff"),
    [
        ("zh-hans", '医学审核 <a href="/zh-hans/authors/zhou-min/">周敏</a>'
                    "（骨科主治医师，医学博士，某三甲医院骨科） · 审核于 <time"),
        ("en", 'Medically reviewed by <a href="/en/authors/zhou-min/">Zhou Min</a> (Attending '
               "orthopaedic surgeon, MD, Department of Orthopaedics, a tertiary hospital) · "
               "Reviewed on <time"),
    ],
)  # fmt: skip
def test_the_reviewer_is_named_with_credentials_and_each_date_is_labelled(demo, lang, signoff):
    html = page(f"/{lang}/articles/{SEED}/")
    assert signoff in html
    # The demo's texts have not changed since publication: no "updated" date.
    assert {"zh-hans": "更新于", "en": "Updated"}[lang] not in html.split("article-dates")[1][:300]
    data = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    reviewer = data["mainEntityOfPage"]["reviewedBy"]
    assert reviewer["jobTitle"] and reviewer["affiliation"]["name"]


def test_updated_names_the_day_this_languages_text_changed():
    article = make_article(slug="dated", publish_at=timezone.now() - timedelta(days=30))
    Article.objects.filter(pk=article.pk).update(
        changed_en=article.publish_at, changed_zh_hans=article.publish_at,
        synced_en=article.publish_at, synced_zh_hans=article.publish_at,
    )  # fmt: skip
    article = Article.objects.get(pk=article.pk)
    article.body_en = "<p>English body, corrected</p>"
    article.save()
    assert "<span>Updated <time" in page("/en/articles/dated/")
    assert "更新于" not in page("/zh-hans/articles/dated/")


def test_a_reviewers_page_lists_what_they_reviewed(demo):
    html = page("/zh-hans/authors/zhou-min/")
    assert "医学审核的文章" in html and f"/zh-hans/articles/{SEED}/" in html
    assert "骨科主治医师，医学博士，某三甲医院骨科" in html
    assert "No articles" not in html and "还没有" not in html


# Footer and privacy.


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "隐私说明"), ("en", "Privacy")])
def test_the_footer_links_the_privacy_page_and_says_how_to_reach_the_editors(demo, lang, words):
    html = page(f"/{lang}/")
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'<a href="/{lang}/pages/privacy/">{words}</a>' in footer
    assert 'href="mailto:editors@example.org"' in footer and "©" in footer
    privacy = page(f"/{lang}/pages/privacy/")
    assert "own_comments" in privacy and "editors@example.org" in privacy


def test_the_icp_number_shows_once_set_on_cached_pages_too(client):
    make_article()
    assert "ICP" not in page("/zh-hans/")
    details = SiteDetails.current()
    details.icp_number = "京ICP备12345678号-1"
    details.save()
    assert '<a href="https://beian.miit.gov.cn/" rel="nofollow">京ICP备12345678号-1</a>' in page(
        "/zh-hans/"
    )
    assert SiteDetails.objects.count() == 1


def test_site_details_are_one_row_in_the_admin(client, superuser):
    client.force_login(superuser)
    SiteDetails.objects.all().delete()  # the demo's, if a test before loaded it
    assert client.get("/admin/articles/sitedetails/")["Location"].endswith("/add/")
    SiteDetails.current().save()
    assert client.get("/admin/articles/sitedetails/")["Location"].endswith("/1/change/")
    assert client.get("/admin/articles/sitedetails/add/").status_code == 403


# Comments.


def test_a_comments_language_is_named_only_when_it_differs_from_the_pages(client):
    article = make_article(slug="talk")
    approve(make_comment(article, language="zh-hans", body="中文评论"))
    approve(make_comment(article, language="en", body="An English comment"))
    zh = page("/zh-hans/articles/talk/")
    assert re.findall(r'class="comment-lang">([^<]*)<', zh) == ["英文评论"]
    en = page("/en/articles/talk/")
    assert re.findall(r'class="comment-lang">([^<]*)<', en) == ["in Chinese"]


def test_a_staff_reply_signed_by_the_team_is_signed_in_the_pages_language(client):
    article = make_article(slug="signed")
    parent = make_comment(article, status="approved")
    make_comment(article, parent=parent, name="编辑部", by_staff=True, status="approved")
    assert ">Editorial team</strong>" in page("/en/articles/signed/")
    assert ">编辑部</strong>" in page("/zh-hans/articles/signed/")
    # A staff member who signs with their own name keeps it in both languages.
    make_comment(article, parent=parent, name="周敏", by_staff=True, status="approved")
    assert ">周敏</strong>" in page("/en/articles/signed/")


def test_a_visitors_own_waiting_comment_is_not_under_no_comments_yet(client):
    article = make_article(slug="mine")
    response = post_comment(client, article, lang="zh-hans")
    assert response.status_code in (302, 303)
    html = page("/zh-hans/articles/mine/", client)
    assert "在审核通过之前，只有你能看到这条评论。" in html
    assert '<h2 id="comments-heading">暂无评论</h2>' not in html
    # Another visitor still reads "no comments yet".
    assert '<h2 id="comments-heading">暂无评论</h2>' in page("/zh-hans/articles/mine/")


def test_the_side_by_side_admin_names_languages_in_the_admins_language(client, superuser):
    article = make_article(slug="names")
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = client.get("/admin/articles/article/").content.decode()
    assert "中文：" in html and "英文：" in html and "English:" not in html
    change = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "中文版" in change and "zh-Hans</a>" not in change


# Design details.


def test_the_cover_names_its_maker_and_cards_in_a_category_do_not_repeat_it(demo):
    html = page(f"/zh-hans/articles/{SEED}/")
    assert '<figcaption class="cover-credit">插图：脊柱健康笔记</figcaption>' in html
    category = page("/zh-hans/categories/treatment/")
    cards = category[category.index('<article class="card') :]
    assert 'class="eyebrow"' not in cards


def test_a_404_and_an_empty_search_offer_a_search_box_and_the_newest_articles(demo):
    response = Client().get("/zh-hans/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'role="search"' in html.split("<main")[1] and "最新文章" in html
    assert f"/zh-hans/articles/{SEED}/" in html.split("<main")[1]
    empty = page("/en/search/?q=zzzzqqqq")
    assert "Newest articles" in empty and "/en/articles/" in empty.split("results")[-1]


def test_the_admin_speaks_chinese_without_codes_and_holds_no_reply_as_a_reason(client, superuser):
    from comments.models import Comment
    from core.languages import language_name  # noqa: F401 (the names the admin uses)

    article = make_article(slug="admin-words", en=False)
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    side = client.get(f"/admin/articles/article/{article.pk}/translate/en/").content.decode()
    assert "[en]" not in side and "[zh-hans]" not in side
    assert '<label for="id_title_en">标题：</label>' in side
    parent = make_comment(article, status=Comment.Status.APPROVED)
    make_comment(article, parent=parent, body="A reply")
    queue = client.get("/admin/comments/comment/").content.decode()
    assert f"回复第 {parent.pk} 条评论：" in queue
    held = re.findall(r'<td class="field-held_because">(.*?)</td>', queue)
    assert held and all(cell == "—" for cell in held)


def test_a_restore_names_the_revision_in_local_time_and_keeps_the_sign_off(client, superuser):
    from articles import revisions
    from articles.models import Person

    zhou = Person.objects.create(slug="zhou", name_zh_hans="周敏", name_en="Zhou Min")
    article = make_article(slug="restored")
    first = article.history.first() or None
    article.body_en = "<p>Second text</p>"
    article.save()
    article.sign_off(zhou)
    record = first or article.history.last()
    revisions.restore(article, record, superuser)
    article.refresh_from_db()
    assert article.reviewer == zhou  # the review is an event, not content
    assert not article.has_current_sign_off()  # the restored text is newer than it
    local = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    assert local in article.history.first().history_change_reason
