"""Editors see every revision and every stale translation, and restore what they lost."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article, RelatedLink

from .factories import admin_post_change, article_form, make_article, make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_in_english")]


def test_every_save_path_keeps_a_revision(client, editor):
    article = make_article(title_en="First")  # ORM create
    article.title_en = "Second"
    article.save()  # ORM save
    assert article.history.count() == 2
    call_command("load_demo", "--no-users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    seed = Article.objects.get(slug="stem-cell-therapy-for-lumbar-disc-herniation")
    assert seed.history.count() >= 1 and seed.history.first().title_zh_hans == "干细胞治疗腰突"

    other = make_article()
    client.force_login(editor)
    admin_post_change(
        client, article, title_en="Third", revision_note="Fixed the title",
        **{"related_links-TOTAL_FORMS": "1", "related_links-0-to_article": str(other.pk),
           "related_links-0-sort_order": "1"},
    )  # fmt: skip
    latest = article.history.first()
    assert article.history.count() == 3  # one revision for the form, links included
    assert latest.title_en == "Third" and latest.history_user == editor
    assert latest.history_change_reason == "Fixed the title"
    assert [row.to_article_id for row in latest.related.all()] == [other.pk]


def test_the_history_says_what_changed_in_the_editors_language(client, editor):
    article = make_article()
    client.force_login(editor)
    admin_post_change(client, article, title_en="New English title", body_en="<p>New body</p>")
    page = client.get(
        f"/admin/articles/article/{article.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "修改了标题（英文）和正文（英文）。" in page
    english = client.get(
        f"/admin/articles/article/{article.pk}/history/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Changed title (English) and body (English)." in english


def test_a_revision_shows_the_body_diffed_as_text(client, editor):
    article = make_article(body_en="<p>Stem cells may <strong>help</strong> discs.</p>")
    client.force_login(editor)
    admin_post_change(client, article, body_en="<p>Stem cells may not help discs.</p>")
    record = article.history.first()
    page = client.get(f"/admin/articles/article/{article.pk}/revisions/{record.history_id}/")
    html = page.content.decode()
    assert "<ins>not </ins>" in html or "<ins>not</ins>" in html
    assert (
        "&lt;strong&gt;" not in html
        and "<strong>help</strong>" not in html.split("revision-diff")[1]
    )


def test_restoring_brings_back_text_and_links_and_can_be_undone(client, editor):
    first, second = make_article(), make_article()
    article = make_article(title_en="The original")
    RelatedLink.objects.create(from_article=article, to_article=first, sort_order=1)
    article.save()  # a revision with the link
    original = article.history.first()
    client.force_login(editor)
    admin_post_change(
        client, article, title_en="A worse title",
        **{"related_links-TOTAL_FORMS": "2", "related_links-INITIAL_FORMS": "1",
           "related_links-0-id": str(article.related_links.get().pk),
           "related_links-0-from_article": str(article.pk),
           "related_links-0-to_article": str(first.pk), "related_links-0-sort_order": "1",
           "related_links-0-DELETE": "on",
           "related_links-1-to_article": str(second.pk), "related_links-1-sort_order": "1"},
    )  # fmt: skip
    assert [link.to_article for link in article.related_links.all()] == [second]
    worse = article.history.first()

    response = client.post(f"/admin/articles/article/{article.pk}/revisions/{original.history_id}/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "The original"
    assert [link.to_article for link in article.related_links.all()] == [first]
    restored = article.history.first()
    assert "Restored" in restored.history_change_reason and restored.history_user == editor

    client.post(f"/admin/articles/article/{article.pk}/revisions/{worse.history_id}/")  # undo
    article.refresh_from_db()
    assert article.title_en == "A worse title"
    assert [link.to_article for link in article.related_links.all()] == [second]


def test_a_change_in_one_language_makes_the_other_stale_until_it_is_translated(client, editor):
    article = make_article(
        body_en="<p>Stem cells are studied.</p>", body_zh_hans="<p>干细胞正在研究中。</p>"
    )
    assert article.translation_status("zh-hans") == article.translation_status("en") == "current"
    client.force_login(editor)
    admin_post_change(client, article, body_en="<p>Stem cells are studied in small trials.</p>")
    assert article.translation_status("zh-hans") == "stale"
    assert article.translation_status("en") == "current"

    listing = client.get(
        "/admin/articles/article/", {"translation": "zh-hans:stale"}
    ).content.decode()
    assert article.title_en in listing or article.title_zh_hans in listing
    assert (
        "过期"
        in client.get("/admin/articles/article/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    report = client.get("/admin/articles/article/translations/").content.decode()
    assert str(article) in report

    form = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    banner = form.split('class="translation-banner"')[1].split("</div>")[0]
    assert "in small trials</ins>" in banner

    side = client.get(f"/admin/articles/article/{article.pk}/translate/zh-hans/").content.decode()
    assert "Stem cells are studied" in side and "<ins>" in side and 'name="body_zh_hans"' in side
    response = client.post(
        f"/admin/articles/article/{article.pk}/translate/zh-hans/",
        {"title_zh_hans": article.title_zh_hans, "summary_zh_hans": "",
         "body_zh_hans": "<p>干细胞正在小型试验中研究。</p>"},
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.translation_status("zh-hans") == article.translation_status("en") == "current"
    assert (
        "Every article is translated"
        in client.get("/admin/articles/article/translations/").content.decode()
    )


def test_a_minor_change_keeps_translations_up_to_date_and_marking_works(client, editor):
    article = make_article()
    client.force_login(editor)
    admin_post_change(client, article, body_en="<p>A typo fixed.</p>", minor_change="on")
    assert article.translation_status("zh-hans") == "current"
    admin_post_change(client, article, body_en="<p>A real change.</p>")
    assert article.translation_status("zh-hans") == "stale"
    client.post(f"/admin/articles/article/{article.pk}/mark-current/zh-hans/")
    article.refresh_from_db()
    assert article.translation_status("zh-hans") == "current"
    assert (
        client.get(f"/admin/articles/article/{article.pk}/mark-current/zh-hans/").status_code == 404
    )


def test_readers_of_a_stale_translation_are_told_and_linked_to_the_newer_version():
    article = make_article()
    article.body_en = "<p>Updated.</p>"
    article.save()
    page = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    note = page.split('class="stale-note"')[1].split("</p>")[0]
    assert "英文版已于" in note and f'href="/en/articles/{article.slug}/"' in note
    assert (
        'class="stale-note"' not in Client().get(f"/en/articles/{article.slug}/").content.decode()
    )


def test_adding_a_translation_does_not_make_the_original_stale():
    article = make_article(en=False)
    article.title_en, article.body_en = "Now in English", "<p>Body</p>"
    article.save()
    assert article.translation_status("zh-hans") == "current"
    assert article.translation_status("en") == "current"


def test_moderators_reach_no_article_page_and_editors_reach_revisions(client, editor, moderator):
    article = make_article()
    record = article.history.first()
    urls = [
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/revisions/{record.history_id}/",
        f"/admin/articles/article/{article.pk}/translate/en/",
        "/admin/articles/article/translations/",
    ]
    client.force_login(editor)
    assert [client.get(url).status_code for url in urls] == [200] * 4
    client.force_login(moderator)
    assert all(client.get(url).status_code in (302, 403) for url in urls)
    assert client.post(
        f"/admin/articles/article/{article.pk}/revisions/{record.history_id}/"
    ).status_code in (302, 403)
    article.refresh_from_db()
    assert re.match(r"English title \d+", article.title_en)


def test_scheduled_articles_show_as_such_with_their_time_and_a_filter(client, editor):
    from datetime import timedelta

    live = make_article(title_en="Live one")
    later = make_article(title_en="Later one", publish_at=timezone.now() + timedelta(days=2))
    draft = make_article(title_en="Draft one", status=Article.Status.DRAFT)
    client.force_login(editor)
    page = client.get("/admin/articles/article/").content.decode()
    (row,) = [chunk for chunk in page.split("</tr>") if "Later one" in chunk]
    assert "Scheduled for" in row
    scheduled = client.get("/admin/articles/article/", {"state": "scheduled"}).content.decode()
    assert "Later one" in scheduled and "Live one" not in scheduled and "Draft one" not in scheduled
    assert {live.pk, later.pk, draft.pk}
    zh = client.get("/admin/articles/article/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已排期" in zh


def test_removing_a_language_of_a_published_article_asks_first(client, editor):
    article = make_article()
    client.force_login(editor)
    data = article_form(
        article.category, slug=article.slug, title_zh_hans=article.title_zh_hans,
        body_zh_hans=article.body_zh_hans, title_en="", body_en="<p></p>",
        cover_alt_zh_hans="", cover_alt_en="",
    )  # fmt: skip
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "its page will answer 404" in response.content.decode()
    article.refresh_from_db()
    assert article.available_en
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/", {**data, "confirm_removal": "on"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.available_en


def test_an_uploaded_cover_shows_beside_its_alt_texts(client, editor):
    from .factories import upload

    article = make_article(cover=upload(), cover_alt_en="Alt", cover_alt_zh_hans="替代")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'class="cover-preview"' in page and "/media/covers/renditions/" in page


def test_an_empty_slug_is_made_from_the_english_title_or_the_pinyin(client, editor):
    category = make_category()
    client.force_login(editor)
    data = article_form(category, slug="", title_en="", body_en="", cover_alt_en="",
                        cover_alt_zh_hans="", title_zh_hans="干细胞治疗腰突")  # fmt: skip
    assert client.post("/admin/articles/article/add/", data).status_code == 302
    assert Article.objects.filter(slug="gan-xi-bao-zhi-liao-yao-tu").exists()
    data.update(slug="", title_en="Stem Cells", body_en="<p>x</p>", title_zh_hans="另一篇")
    assert client.post("/admin/articles/article/add/", data).status_code == 302
    assert Article.objects.filter(slug="stem-cells").exists()


def test_a_diff_keeps_the_change_and_shortens_what_did_not_change():
    from articles.revisions import text_diff

    before = "<p>" + "word " * 100 + "Several clinical trials " + "more " * 100 + "</p>"
    diff = text_diff(before, before.replace("Several clinical", "Several small clinical"))
    assert "Several<ins> small</ins> clinical" in diff
    assert diff.startswith("…") and diff.endswith("…") and len(diff) < 200
    assert (
        text_diff("<p>腰痛<b>加重</b></p>", "<p>腰突加重</p>") == "腰<del>痛</del><ins>突</ins>加重"
    )


def test_deleting_articles_in_the_admin_keeps_a_revision_naming_the_editor(client, editor):
    one, two, three = make_article(), make_article(), make_article()
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Article.objects.exists()
    for article in (one, two, three):
        deletion = Article.history.filter(id=article.pk).first()
        assert deletion.history_type == "-" and deletion.history_user == editor


def test_restoring_the_text_a_translation_was_made_from_makes_it_up_to_date_again(client, editor):
    article = make_article(
        body_en="<p>Stem cells are studied.</p>", body_zh_hans="<p>干细胞正在研究中。</p>"
    )
    translated_from = article.history.first()
    client.force_login(editor)
    admin_post_change(client, article, body_en="<p>Stem cells cure everything.</p>")
    assert article.translation_status("zh-hans") == "stale"
    page = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert 'class="stale-note"' in page
    client.post(f"/admin/articles/article/{article.pk}/revisions/{translated_from.history_id}/")
    article.refresh_from_db()
    assert article.body_en == "<p>Stem cells are studied.</p>"
    assert article.translation_status("zh-hans") == "current"
    page = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert 'class="stale-note"' not in page  # readers are told nothing changed
    # Another English text does not count: the Chinese turns stale again.
    admin_post_change(client, article, body_en="<p>Stem cells are studied in trials.</p>")
    assert article.translation_status("zh-hans") == "stale"
