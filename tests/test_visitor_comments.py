"""Visitors post comments; nothing is public before a moderator approves it."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.forms import make_token
from comments.models import Comment, DisallowedWord

from .factories import approve, make_article
from .factories import post_comment as post
from .test_visitor_articles import ARTICLE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def test_visitor_posts_comment_and_sees_it_awaiting_moderation(client):
    article = make_article()
    response = post(client, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    # The visitor lands on their comment, where the confirmation stands.
    assert response["Location"] == f"/zh-hans/articles/{article.slug}/#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.language == "zh-hans"

    page = client.get(response["Location"]).content.decode()
    mine = page.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]
    assert "写得很好，谢谢分享！" in mine
    assert "等待审核" in mine and "在审核通过之前，只有你能看到这条评论。" in mine
    assert "xiaoming@example.com" not in page
    # Counted apart: the heading counts what everyone sees, and says no "no comments yet"
    # above the visitor's own.
    assert '<h2 id="comments-heading">评论</h2>' in page
    assert "你有 1 条评论正在等待审核。" in page


def test_a_reply_form_shows_the_comment_it_answers(client):
    article = make_article()
    parent = Comment.objects.create(
        article=article, name="李雷", body="请问术后多久可以跑步？", language="zh-hans",
        status=Comment.Status.APPROVED,
    )  # fmt: skip
    page = client.get(f"/zh-hans/articles/{article.slug}/?reply_to={parent.pk}").content.decode()
    quoted = page.split('<blockquote class="replying-to"')[1].split("</blockquote>")[0]
    assert "李雷" in quoted and "请问术后多久可以跑步？" in quoted


def test_pending_comment_is_invisible_to_everyone_else(client, django_user_model):
    article = make_article()
    post(client, article)
    from django.test import Client

    stranger = Client()
    page = stranger.get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert "写得很好" not in page


def test_own_comments_cookie_is_signed_and_posting_writes_no_session(client):
    from django.contrib.sessions.models import Session
    from django.test import Client

    article = make_article()
    post(client, article, body="My own pending words")
    assert Session.objects.count() == 0
    cookie = client.cookies["own_comments"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    url = f"/zh-hans/articles/{article.slug}/"
    assert "My own pending words" in client.get(url).content.decode()

    # Another visitor cannot claim it by forging the cookie.
    other = Comment.objects.get()
    forger = Client()
    forger.cookies["own_comments"] = str(other.pk)
    assert "My own pending words" not in forger.get(url).content.decode()
    forger.cookies["own_comments"] = cookie.value.replace(str(other.pk), str(other.pk + 1), 1)
    assert "My own pending words" not in forger.get(url).content.decode()


def test_approved_comment_shows_on_both_languages_marked_with_its_language(client):
    article = make_article()
    post(client, article, lang="en", body="Very helpful,\nthank you.")
    approve(Comment.objects.get())
    from django.test import Client

    for lang in ["en", "zh-hans"]:
        page = Client().get(f"/{lang}/articles/{article.slug}/").content.decode()
        assert 'lang="en">Very helpful,<br>thank you.</div>' in page
    en = Client().get(f"/en/articles/{article.slug}/").content.decode()
    assert "1 comment" in en and "in English" not in en  # the page's own language
    zh = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert "英文评论" in zh


def test_comment_count_and_oldest_first(client):
    article = make_article()
    for n, body in enumerate(["first comment", "second comment", "third comment"]):
        Comment.objects.create(
            article=article,
            name=f"n{n}",
            body=body,
            language="en",
            status=Comment.Status.APPROVED,
            created_at=timezone.now() - timedelta(minutes=10 - n),
        )
    Comment.objects.create(article=article, name="x", body="rejected one", language="en",
                           status=Comment.Status.REJECTED)  # fmt: skip
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert "3 comments" in page
    assert page.index("first comment") < page.index("second comment") < page.index("third")
    assert "rejected one" not in page


def test_comment_html_is_escaped_and_links_not_clickable(client):
    article = make_article()
    body = '<script>alert(1)</script> <a href="https://x.example">x</a> https://y.example'
    post(client, article, lang="en", body=body)
    approve(Comment.objects.get())
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://y.example' not in page and 'href="https://x.example' not in page


def test_invalid_post_rerenders_with_errors_and_keeps_text(client):
    article = make_article()
    response = post(
        client, article, lang="en", name="", email="not-an-email", body="A long text kept"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A long text kept" in page
    assert "Enter a valid email address." in page
    assert "This field is required." in page or "Please enter your name." in page
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "x", "at least 2"),
        ("body", "   x   ", "at least 2"),
        ("body", "y" * 3001, "3000 characters or fewer"),
        ("name", "n" * 81, "80 characters or fewer"),
        ("body", "nul\x00byte", "Null characters are not allowed."),
        ("token", "forged", "could not be checked"),
    ],
)
def test_limits_are_enforced_with_clear_messages(client, field, value, message):
    article = make_article()
    response = post(client, article, lang="en", **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.count() == 0


def test_control_characters_and_bidi_overrides_are_removed(client):
    article = make_article()
    post(client, article, lang="en", name="Eve\u202e\u0007", body="a\u202eb\u2066c\x1b[31m\r\nline")
    comment = Comment.objects.get()
    assert comment.name == "Eve"
    assert comment.body == "abc[31m\nline"


def test_expired_form_is_refused_and_offers_a_fresh_one(client):
    article = make_article()
    old = make_token(article, now=time.time() - 2 * 24 * 3600)
    response = post(client, article, lang="en", token=old)
    assert response.status_code == 400
    assert "more than a day ago" in response.content.decode()
    new_token = re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]
    assert new_token != old
    assert post(client, article, lang="en", token=new_token).status_code == 302


def test_token_of_another_article_is_refused(client):
    article, other = make_article(), make_article()
    assert post(client, article, token=make_token(other)).status_code == 400


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://spam.example"}, "honeypot"),
        ({"body": "buy http://a.example http://b.example www.c.example"}, "links"),
        ({"body": "便宜的伟哥在这里"}, "disallowed"),
        # Disguised: invisible and look-alike characters, links written around the rules.
        ({"body": "便宜的伟\u200b哥在这里"}, "disallowed"),
        ({"body": "cheap ＣＡＳＩＮＯ chips"}, "disallowed"),
        ({"body": "cheap ca\u00adsino chips"}, "disallowed"),
        ({"body": "see hxxp://a.example h**ps://b.example and more h**p://c.example"}, "links"),
        ({"body": "visit best.shop, good.vip and cheap.click today"}, "links"),
        ({"body": "ｗｗｗ．a.example www.b.example www.c.example"}, "links"),
    ],
)
def test_suspected_spam_is_kept_with_status_spam(client, overrides, reason):
    DisallowedWord.objects.create(word="伟哥")
    DisallowedWord.objects.create(word="Casino")
    article = make_article()
    response = post(client, article, **overrides)
    assert response.status_code == 302  # the sender is not told
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert reason in comment.spam_reason


def test_too_fast_submission_is_held_as_spam(client, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    article = make_article()
    post(client, article)
    assert Comment.objects.get().status == Comment.Status.SPAM
    post(client, article, body="written slowly", token=make_token(article, time.time() - 10))
    assert Comment.objects.get(body="written slowly").status == Comment.Status.PENDING


def test_same_text_with_a_trailing_no_break_space_is_the_same_text(client):
    article = make_article()
    post(client, article, body="完全相同的留言")
    post(client, article, body="完全相同的留言\u00a0")
    post(client, article, body="完全相同的\u200b留言")
    statuses = list(Comment.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.SPAM]


def test_ordinary_text_with_dots_is_not_a_link(client):
    article = make_article()
    post(client, article, body="I tried e.g. Node.js, vitamin D3 and 2.5 mg. It helped a lot.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_same_text_twice_within_an_hour_is_held(client):
    article = make_article()
    post(client, article)
    post(client, article)
    statuses = list(Comment.objects.values_list("status", flat=True))
    assert statuses == [Comment.Status.PENDING, Comment.Status.SPAM]


def test_closed_article_refuses_comments_with_a_message(client, settings):
    article = make_article(comments_open=False)
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert "Comments on this article are closed." in page and "comment-form" not in page
    response = post(client, article, lang="en")
    assert response.status_code == 403
    assert "Comments on this article are closed." in response.content.decode()
    assert Comment.objects.count() == 0

    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(publish_at=timezone.now() - timedelta(days=31))
    assert post(client, old, lang="en").status_code == 403
    recent = make_article(publish_at=timezone.now() - timedelta(days=29))
    assert post(client, recent, lang="en").status_code == 302


def test_flood_limit_answers_429_in_the_visitors_language(client, settings):
    settings.COMMENTS_RATE = "3/m"
    article = make_article()
    for n in range(3):
        assert post(client, article, body=f"comment {n}").status_code == 302
    response = post(client, article, body="one too many")
    assert response.status_code == 429
    assert "请求过多" in response.content.decode()
    assert post(client, article, lang="en", body="again").status_code == 429
    assert Comment.objects.count() == 3


def test_comments_on_missing_or_draft_articles_are_404(client):
    draft = make_article(status="draft")
    zh_only = make_article(en=False)
    assert post(client, draft).status_code == 404
    assert post(client, zh_only, lang="en").status_code == 404
    assert client.post("/en/comments/nope/", {}).status_code == 404
    assert client.get(f"/en/comments/{draft.slug}/").status_code == 405


def test_reply_without_javascript(client):
    article = make_article()
    parent = Comment.objects.create(
        article=article, name="Ann", body="Question?", language="en", status="approved"
    )
    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert f'href="?reply_to={parent.pk}#comment-form"' in page
    reply_page = client.get(f"/en/articles/{article.slug}/?reply_to={parent.pk}").content.decode()
    assert "Reply to Ann" in reply_page
    assert f'name="parent" value="{parent.pk}"' in reply_page

    post(client, article, lang="en", body="An answer", parent=str(parent.pk))
    reply = Comment.objects.get(body="An answer")
    assert reply.parent == parent and reply.status == Comment.Status.PENDING
    approve(reply)
    # A reply to a reply joins the thread: one level only.
    post(client, article, lang="en", body="Nested?", parent=str(reply.pk))
    assert Comment.objects.get(body="Nested?").parent == parent

    from django.test import Client

    page = Client().get(f"/en/articles/{article.slug}/").content.decode()
    thread = page.split(f'id="comment-{parent.pk}"')[1]
    assert "comment-replies" in thread and "An answer" in thread


def test_reply_to_unapproved_comment_is_refused(client):
    article = make_article()
    pending = Comment.objects.create(article=article, name="A", body="hidden", language="en")
    response = post(client, article, lang="en", parent=str(pending.pk))
    assert response.status_code == 400
    assert "not available" in response.content.decode()


def test_ip_is_stored_only_as_keyed_hash(client):
    article = make_article()
    post(
        client,
        article,
        "en",
        meta={"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "TestAgent/1.0"},
    )
    comment = Comment.objects.get()
    assert "203.0.113.7" not in comment.ip_hash and len(comment.ip_hash) == 64
    assert comment.user_agent == "TestAgent/1.0"


def run_tasks():
    """What the worker (``manage.py db_worker``) does: run every task that is due. (The
    worker closes database connections when done: the tests that call it commit for real.)"""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


worker_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@worker_test
def test_moderators_are_emailed_by_the_worker_not_the_request(client, moderator):
    article = make_article()
    assert post(client, article).status_code == 302
    assert mail.outbox == []  # the request only queued it, with the comment
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["moderator@example.com"]
    comment = Comment.objects.get()
    # An absolute link on the configured origin (DJANGO_SITE_URL; the tests' is testserver).
    assert f"http://testserver/admin/comments/comment/{comment.pk}/change/" in mail.outbox[0].body


def test_a_failed_post_queues_no_mail(client, moderator):
    post(client, make_article(), body="")
    assert not DBTaskResult.objects.exists()


@worker_test
def test_mail_failure_is_logged_retried_and_the_comment_kept(client, moderator, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    article = make_article()
    assert post(client, article).status_code == 302
    run_tasks()
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    assert "Could not email moderators" in caplog.text
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()  # tried again later, not lost

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert len(mail.outbox) == 1


@worker_test
def test_without_a_mail_server_production_logs_only_which_mail(client, moderator, settings, caplog):
    settings.EMAIL_BACKEND = "core.mail.UnsentMailLogBackend"
    post(client, make_article(), body="Private words of a visitor", email="private@example.com")
    with caplog.at_level(logging.WARNING):
        run_tasks()
    assert "mail not sent" in caplog.text and "1 recipients" in caplog.text
    assert "Private words" not in caplog.text and "@example.com" not in caplog.text


def test_erase_command_removes_all_comments_of_an_email(client, moderator):
    article = make_article()
    post(client, article, email="Gone@Example.com", body="first")
    post(client, article, email="user@BÜCHER.example", body="my private words")
    post(client, article, email="stay@example.com", body="second")
    private = Comment.objects.get(body="my private words")
    approve(private)
    reply = Comment.objects.create(
        article=article, parent=private, name="Staff", body="a reply", language="en"
    )
    LogEntry.objects.log_actions(
        moderator.pk, [private], CHANGE, change_message="[]", single_object=True
    )
    call_command("erase_comments", "gone@example.com")
    call_command("erase_comments", "USER@bücher.EXAMPLE")
    assert list(Comment.objects.values_list("body", flat=True)) == ["second"]
    assert not Comment.objects.filter(pk=reply.pk).exists()
    entry = LogEntry.objects.get()
    assert entry.object_repr == "[erased]" and "private" not in entry.object_repr


def test_article_query_count_constant_with_0_or_200_comments(client):
    quiet, busy = make_article(), make_article()
    parents = Comment.objects.bulk_create(
        Comment(article=busy, name=f"n{n}", body=f"b{n}", language="en", status="approved")
        for n in range(100)
    )
    Comment.objects.bulk_create(
        Comment(
            article=busy, parent=p, name="r", body="reply", language="zh-hans", status="approved"
        )
        for p in parents
    )
    client.get("/en/")  # renders the header every page shares
    for article in (quiet, busy):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/en/articles/{article.slug}/")
        assert len(queries) == ARTICLE_PAGE_QUERIES
    assert "200 comments" in client.get(f"/en/articles/{busy.slug}/").content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": "http://testserver.evil.example/"},
        {},
    ],
)
def test_forged_cross_site_post_is_refused_in_the_visitors_language(headers):
    from django.test import Client

    article = make_article()
    forger = Client(enforce_csrf_checks=True, **headers)
    response = post(forger, article)
    assert response.status_code == 403
    assert "表单无法提交" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_REFERER": "http://testserver/zh-hans/articles/x/"},
    ],
)
def test_same_origin_post_needs_no_csrf_cookie(headers):
    from django.test import Client

    article = make_article()
    visitor = Client(enforce_csrf_checks=True, **headers)  # no cookie, no token: a cached page
    assert post(visitor, article).status_code == 302
    assert Comment.objects.count() == 1


def test_own_waiting_comments_follow_the_moderator_at_once(client):
    article = make_article()
    post(client, article)
    url = f"/zh-hans/articles/{article.slug}/"
    assert "写得很好" in client.get(url).content.decode()
    # Rejected with a bulk update (the admin's action): gone from its author's page too.
    Comment.objects.update(status=Comment.Status.REJECTED)
    assert "写得很好" not in client.get(url).content.decode()
    # Approved: in the thread, no longer among the visitor's waiting comments.
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(url).content.decode()
    assert "写得很好" in page and "等待审核" not in page and "own-comments" not in page
