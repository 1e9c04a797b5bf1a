"""Moderators work the queue in the admin, and can do nothing else."""

import re

import pytest
from django.test import Client

from comments.models import Comment

from .factories import make_article, make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_in_english")]


def test_queue_lists_pending_first(client, moderator):
    article = make_article()
    make_comment(article, Comment.Status.APPROVED, body="old approved")
    make_comment(article, Comment.Status.PENDING, body="waiting one")
    make_comment(article, Comment.Status.SPAM, body="spammy")
    client.force_login(moderator)
    page = client.get("/admin/comments/comment/").content.decode()
    assert page.index("waiting one") < page.index("old approved")
    assert page.index("waiting one") < page.index("spammy")
    assert client.get("/admin/comments/comment/?status__exact=spam").status_code == 200
    filtered = client.get("/admin/comments/comment/?language__exact=zh-hans").content.decode()
    assert "waiting one" not in filtered


def test_bulk_actions_record_who_and_when(client, moderator):
    article = make_article()
    comments = [make_comment(article, body=f"c{n}") for n in range(3)]
    client.force_login(moderator)
    for action, status in [
        ("approve", "approved"),
        ("reject", "rejected"),
        ("mark_spam", "spam"),
        ("not_spam", "pending"),
    ]:
        response = client.post(
            "/admin/comments/comment/",
            {"action": action, "_selected_action": [c.pk for c in comments[:2]]},
        )
        assert response.status_code == 302
        for comment in comments[:2]:
            comment.refresh_from_db()
            assert comment.status == status
            assert comment.moderated_by == moderator and comment.moderated_at
    comments[2].refresh_from_db()
    assert comments[2].status == "pending" and comments[2].moderated_by is None


def test_approved_comment_appears_for_visitors(client, moderator):
    article = make_article()
    comment = make_comment(article, body="Now public")
    assert "Now public" not in Client().get(article.url_in("en")).content.decode()
    client.force_login(moderator)
    client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})
    for language in ["en", "zh-hans"]:
        assert "Now public" in Client().get(article.url_in(language)).content.decode()


def test_moderator_edits_text_and_replies_as_staff(client, moderator):
    article = make_article()
    comment = make_comment(article, Comment.Status.APPROVED, body="Teh typo")
    client.force_login(moderator)
    url = f"/admin/comments/comment/{comment.pk}/change/"
    page = client.get(url).content.decode()
    assert "xiaoming" not in page
    data = {
        "name": "Visitor",
        "email": "",
        "body": "The typo",
        "status": "approved",
        "replies-TOTAL_FORMS": "1",
        "replies-INITIAL_FORMS": "0",
        "replies-MIN_NUM_FORMS": "0",
        "replies-MAX_NUM_FORMS": "1000",
        "replies-0-name": "Editorial team",
        "replies-0-body": "Thanks for reading!",
        "replies-0-status": "approved",
    }
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.*", response.content.decode())
    comment.refresh_from_db()
    assert comment.body == "The typo"
    assert comment.original_body == "Teh typo"  # the visitor's words, kept for moderators
    assert "Teh typo" in client.get(url).content.decode()
    client.post(url, {**data, "body": "The typo, again", "replies-TOTAL_FORMS": "0"})
    comment.refresh_from_db()
    assert comment.original_body == "Teh typo"  # the first version stays the original
    reply = Comment.objects.get(parent=comment)
    assert reply.by_staff and reply.article == article and reply.moderated_by == moderator
    page = Client().get(article.url_in("en")).content.decode()
    assert "Thanks for reading!" in page and "Staff" in page


def test_admin_index_shows_pending_count(client, moderator):
    article = make_article()
    make_comment(article)
    make_comment(article)
    make_comment(article, Comment.Status.APPROVED)
    client.force_login(moderator)
    assert "2 comments await moderation" in client.get("/admin/").content.decode()


def test_moderators_can_do_nothing_but_moderate(client, moderator):
    article = make_article()
    client.force_login(moderator)
    assert client.get("/admin/comments/comment/").status_code == 200
    assert client.get("/admin/comments/disallowedword/add/").status_code == 200
    for url in [
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/article/add/",
        "/admin/articles/category/",
        "/admin/auth/user/",
        "/admin/auth/group/",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/articles/article/add/", {}).status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/articles/" not in index and "/admin/auth/" not in index


def test_visitors_cannot_reach_the_queue(client):
    response = client.get("/admin/comments/comment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
