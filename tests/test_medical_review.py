"""Medical review as a step: an article awaits review between draft and published, a
reviewer signs it off (from a link, without an account, or in the admin) or sends it back,
a category can require the sign-off, and an editor is told when the text outgrows it."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from articles.models import Article, Person

from .factories import admin_post_change, article_form, make_article, make_category, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def treatment(db):
    category = make_category("treatment", zh="治疗", en="Treatment")
    category.needs_sign_off = True
    category.save()
    return category


@pytest.fixture
def zhou(db):
    return Person.objects.create(
        slug="zhou-min", name_zh_hans="周敏", name_en="Zhou Min", job_title_en="Surgeon"
    )


def review_link(client, article, person):
    """As an editor does: "Send for medical review" on the change form; the link is in the
    message it leaves."""
    response = client.post(
        f"/admin/articles/article/{article.pk}/review-link/", {"review_person": person.pk},
        follow=True,
    )  # fmt: skip
    found = re.search(r"(/(?:zh-hans|en)/review/[^/\s<]+/)", response.content.decode())
    assert found, response.content.decode()[:3000]
    return found.group(1)


def test_a_category_that_needs_a_sign_off_refuses_publishing_without_one(client, editor, treatment):
    client.force_login(editor)
    response = client.post("/admin/articles/article/add/", article_form(treatment))
    assert response.status_code == 200
    assert "请先送交医学审核" in response.content.decode()  # the admin speaks Chinese
    assert not Article.objects.exists()
    # A draft is fine, and so is an article in a category without the rule.
    draft = client.post("/admin/articles/article/add/", article_form(treatment, status="draft"))
    assert draft.status_code == 302
    other = article_form(make_category(), slug="elsewhere")
    assert client.post("/admin/articles/article/add/", other).status_code == 302


def test_a_reviewer_without_an_account_signs_off_from_the_link_then_it_can_be_published(
    client, editor, treatment, zhou
):
    client.force_login(editor)
    article = make_article(category=treatment, status=Article.Status.DRAFT, slug="stem")
    link = review_link(client, article, zhou)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert not Article.objects.published().exists()

    reviewer = Client()
    response = reviewer.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="review-heading">医学审核：周敏</h2>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"]
    assert 'id="comments"' not in html  # no comment form on a review
    assert Client().get(f"/zh-hans/articles/{article.slug}/").status_code == 404  # still private

    response = reviewer.post(link, {"decision": "sign_off"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewer == zhou and article.reviewed_at == timezone.localdate()
    assert article.has_current_sign_off()
    assert article.history.first().history_change_reason == "周敏医学审核通过"

    published = admin_post_change(client, article, status="published")
    assert published.status == Article.Status.PUBLISHED
    assert "医学审核 <a" in Client().get("/zh-hans/articles/stem/").content.decode()


def test_a_reviewer_sends_it_back_with_a_note_the_editor_reads(client, editor, treatment, zhou):
    client.force_login(editor)
    article = make_article(category=treatment, status=Article.Status.DRAFT)
    link = review_link(client, article, zhou)
    empty = Client().post(link, {"decision": "send_back", "note": "  "})
    assert empty.status_code == 400 and "请说明需要修改什么" in empty.content.decode()
    Client().post(link, {"decision": "send_back", "note": "第二段把研究结论说过头了"})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    change = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "第二段把研究结论说过头了" in change and "周敏" in change


def test_a_link_is_bound_to_its_article_and_expires(client, settings, zhou):
    article = make_article(status=Article.Status.DRAFT)
    token = article.review_token(zhou)
    assert Client().get(f"/en/review/{token[:-2]}xx/").status_code == 404  # tampered
    other = make_article(status=Article.Status.DRAFT)
    forged = signing.dumps({"a": other.pk, "p": zhou.pk}, salt="another.salt")
    assert Client().get(f"/en/review/{forged}/").status_code == 404
    settings.REVIEW_LINK_DAYS = 0
    expired = Client().get(f"/en/review/{token}/")
    assert expired.status_code == 410
    assert "Ask the editors for a new one" in expired.content.decode()
    assert "已过期" in Client().get(f"/zh-hans/review/{token}/").content.decode()


def test_a_reviewer_with_an_account_signs_off_in_the_admin(client, treatment, zhou):
    user = make_user("doctor", "Reviewers")
    zhou.user = user
    zhou.save()
    article = make_article(category=treatment, status=Article.Status.REVIEW)
    client.force_login(user)
    change = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert change.status_code == 200 and "以周敏的身份审核通过" in change.content.decode()
    # A reviewer reads, signs off or sends back; they do not edit or publish.
    assert client.post(f"/admin/articles/article/{article.pk}/change/", {}).status_code == 403
    client.post(f"/admin/articles/article/{article.pk}/sign-off/")
    article.refresh_from_db()
    assert article.reviewer == zhou and article.signed_off_at is not None
    # An editor cannot sign off in someone's name.
    editor = make_user("ed", "Editors")
    client.force_login(editor)
    assert client.post(f"/admin/articles/article/{article.pk}/sign-off/").status_code == 403


def test_an_editor_who_changes_the_text_after_the_sign_off_is_told(client, editor, zhou):
    article = make_article()
    article.sign_off(zhou)
    assert article.has_current_sign_off()
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form(
            article.category, slug=article.slug, title_zh_hans=article.title_zh_hans,
            title_en=article.title_en, body_zh_hans="<p>改过的正文</p>", body_en=article.body_en,
            cover_alt_zh_hans="", cover_alt_en="",
            publish_at_0=timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
            publish_at_1=timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        ),
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "医学审核早于现在的正文。请重新送审。" in html
    article.refresh_from_db()
    assert not article.has_current_sign_off()


def test_a_review_older_than_the_text_by_days_is_seen_without_a_sign_off_time(zhou):
    article = make_article(reviewer=zhou, reviewed_at=timezone.localdate() - timedelta(days=3))
    Article.objects.filter(pk=article.pk).update(changed_en=timezone.now())
    article.refresh_from_db()
    assert article.review_is_older_than_text()


def test_publishing_a_draft_later_does_not_backdate_it(client, editor):
    from datetime import timedelta

    from .factories import make_category

    client.force_login(editor)
    draft = make_article(category=make_category(), status=Article.Status.DRAFT,
                         publish_at=timezone.now() - timedelta(days=5))  # fmt: skip
    # As a browser sends the time it was shown (the admin shows no microseconds).
    shown = timezone.localtime(draft.publish_at).strftime("%H:%M:%S")
    published = admin_post_change(client, draft, status="published", publish_at_1=shown)
    assert timezone.now() - published.publish_at < timedelta(minutes=1)
    # A time the editor sets is kept.
    other = make_article(category=make_category(), status=Article.Status.DRAFT)
    chosen = timezone.localtime(timezone.now() - timedelta(days=2))
    kept = admin_post_change(client, other, status="published",
                             publish_at_0=chosen.strftime("%Y-%m-%d"),
                             publish_at_1=chosen.strftime("%H:%M:%S"))  # fmt: skip
    assert abs(kept.publish_at - chosen) < timedelta(seconds=1)
