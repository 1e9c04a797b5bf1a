"""Commenters who ask to be told: a confirmation first, then the approval and the replies,
each mail once, with a one-click unsubscribe; nothing to an address that did not confirm."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from comments import mails
from comments.models import Comment, Subscriber

from .factories import approve, make_article, post_comment
from .test_visitor_comments import run_tasks, worker_test

ADDRESS = "reader@example.com"


@pytest.fixture(autouse=True)
def _replies_at_once(settings):
    settings.COMMENTS_REPLY_BATCH_MINUTES = 0


def ask(client, article, lang="zh-hans", email=ADDRESS, **fields):
    response = post_comment(client, article, lang=lang, email=email, notify="on", **fields)
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.filter(email=email).latest("id")


def link_in(message, name):
    return re.search(rf"https?://[^\s\"<>]*/{name}/[^\s\"<>]+/", message.body)[0]


def confirm(message):
    path = re.sub(r"^https?://[^/]+", "", link_in(message, "confirm"))
    visitor = Client()
    page = visitor.get(path).content.decode()
    assert "确认我的邮箱" in page or "Confirm my address" in page
    assert not Subscriber.objects.exclude(confirmed_at=None).exists()  # a GET confirms nothing
    assert visitor.post(path).status_code == 200


@pytest.mark.django_db
def test_the_box_needs_an_address(client):
    article = make_article()
    response = post_comment(client, article, email="", notify="on")
    assert response.status_code == 400
    assert "要接收通知，请填写电子邮箱，或取消勾选。" in response.content.decode()
    assert not Comment.objects.exists() and not Subscriber.objects.exists()


@worker_test
def test_a_confirmed_commenter_hears_of_approval_and_replies_once_each(client):
    article = make_article(title_zh_hans="腰突怎么办")
    comment = ask(client, article, body="写得很好，谢谢！")
    run_tasks()
    [confirmation] = mail.outbox
    assert confirmation.to == [ADDRESS] and confirmation.subject == "请确认你在脊柱健康笔记的邮箱"
    assert "写得很好" not in confirmation.body and "王小明" not in confirmation.body  # no user text
    assert "List-Unsubscribe" not in confirmation.extra_headers
    confirm(confirmation)

    approve(comment)
    run_tasks()
    approval = mail.outbox[-1]
    assert approval.subject == "你在《腰突怎么办》下的评论已发布"
    assert f"/zh-hans/articles/{article.slug}/#comment-{comment.pk}" in approval.body
    assert approval.alternatives[0][1] == "text/html"
    assert approval.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    run_tasks()
    assert len(mail.outbox) == 2  # once

    for body in ("第一条回复", "第二条回复"):
        Comment.objects.create(article=article, parent=comment, name="编辑部", by_staff=True,
                               body=body, language="zh-hans", status="approved")  # fmt: skip
    run_tasks()
    replies = mail.outbox[-1]
    assert len(mail.outbox) == 3  # both replies in one mail
    assert "第一条回复" in replies.body and "第二条回复" in replies.body

    # One click, as the header promises: a POST with no cookie and no token but the link's.
    unsubscribe = replies.extra_headers["List-Unsubscribe"].strip("<>")
    path = re.sub(r"^https?://[^/]+", "", unsubscribe)
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    Comment.objects.create(article=article, parent=comment, name="李雷", body="第三条回复",
                           language="zh-hans", status="approved")  # fmt: skip
    run_tasks()
    assert len(mail.outbox) == 3


@worker_test
def test_an_address_that_never_confirms_gets_nothing_else_and_is_forgotten(client):
    article = make_article()
    comment = ask(client, article)
    ask(client, article, body="再说一句")  # asks again the same day: no second confirmation
    run_tasks()
    assert len(mail.outbox) == 1
    approve(comment)
    Comment.objects.create(article=article, parent=comment, name="n", body="a reply",
                           language="zh-hans", status="approved")  # fmt: skip
    run_tasks()
    assert len(mail.outbox) == 1
    from comments.tasks import forget_unconfirmed

    forget_unconfirmed.call(Subscriber.objects.get().pk)
    assert not Subscriber.objects.exists()


@worker_test
def test_one_client_cannot_mail_bomb_strangers(client, settings):
    settings.COMMENTS_CONFIRM_RATE = "3/d"
    article = make_article()
    for n in range(6):
        ask(client, article, email=f"stranger{n}@example.com", body=f"评论{n}")
    run_tasks()
    assert len(mail.outbox) == 3


@worker_test
def test_an_erased_address_is_forgotten_and_mailed_nothing(client):
    article = make_article()
    comment = ask(client, article)
    run_tasks()
    confirm(mail.outbox[0])
    call_command("erase_comments", ADDRESS, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Subscriber.objects.exists() and not Comment.objects.filter(pk=comment.pk).exists()
    run_tasks()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_links_are_bound_to_their_address_and_cannot_be_forged():
    article = make_article()
    mine = Comment.objects.create(article=article, name="a", body="b", email=ADDRESS,
                                  language="en", notify=True)  # fmt: skip
    theirs = Comment.objects.create(article=article, name="c", body="d", email="x@example.com",
                                    language="en", notify=True)  # fmt: skip
    token = mails.unsubscribe_token(mine)
    assert ADDRESS not in token and "cmVhZGVy" not in token  # not even in base64
    assert Client().get(f"/en/comments/unsubscribe/{token[:-3]}abc/").status_code == 404
    forged = token.replace(f"{mine.pk}.", f"{theirs.pk}.", 1)  # another row, same signature
    assert Client().post(f"/en/comments/unsubscribe/{forged}/").status_code == 404
    subscriber = Subscriber.objects.create(email=ADDRESS, language="en")
    confirm_token = mails.confirm_token(subscriber)  # another salt: not an unsubscribe link
    assert Client().post(f"/en/comments/unsubscribe/{confirm_token}/").status_code == 404
    assert Client().get(f"/en/comments/confirm/{token}/").status_code == 404
    # A comment whose address changed (erased, edited) no longer answers to the old link.
    Comment.objects.filter(pk=mine.pk).update(email="changed@example.com")
    assert Client().post(f"/en/comments/unsubscribe/{token}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.notify


@worker_test
def test_no_subscriber_address_reaches_a_page(client):
    article = make_article()
    comment = ask(client, article)
    approve(comment)
    html = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert ADDRESS not in html and "reader" not in html
