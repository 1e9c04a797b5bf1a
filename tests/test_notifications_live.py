"""Commenter notifications end to end: gunicorn serves the site, the real task worker sends
the mails to a real SMTP server (aiosmtpd) in this process, and the reader acts on them."""

import re
import subprocess
import sys
import urllib.request
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from .live import ROOT, LiveSite, Staff, Visitor, form_fields, free_port

pytestmark = pytest.mark.live
SEED = "/zh-hans/articles/stem-cell-therapy-for-lumbar-disc-herniation/"


class Inbox:
    """What the SMTP server was sent, as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address):
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def run_worker(site, inbox):
    env = {**site.env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(inbox.port),
           "EMAIL_USE_TLS": "0"}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "run_worker", "--batch"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)  # fmt: skip


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def approve_latest(site, staff, email):
    pk = site.shell(
        "from comments.models import Comment\n"
        f"print(Comment.objects.filter(email='{email}').latest('id').pk)"
    ).split()[-1]
    assert staff.approve([pk]) in (200, 302)
    return pk


def test_confirm_approve_reply_unsubscribe_through_the_real_worker(tmp_path, inbox):
    site = LiveSite(tmp_path, COMMENTS_REPLY_BATCH_MINUTES="0").start()
    try:
        reader, stranger = Staff(site.url), Visitor(site.url)  # Staff: a client that posts
        assert reader.post_comment(SEED, "zh-hans", name="读者", email="reader@example.com",
                                   body="写得很清楚，谢谢！", notify="on") == 302  # fmt: skip
        assert stranger.post_comment(SEED, "zh-hans", name="路人", email="other@example.com",
                                     body="我也想知道", notify="on") == 302  # fmt: skip
        run_worker(site, inbox)
        [confirmation] = inbox.to("reader@example.com")
        assert confirmation["Subject"] == "请确认你在脊柱健康笔记的邮箱"
        body = text_of(confirmation)
        assert "写得很清楚" not in body and "读者" not in body  # nothing a visitor wrote
        link = re.search(r"http://\S+/confirm/\S+/", body)[0]
        _status, page = reader.get(path_of(link))
        fields = form_fields(page, r'<form method="post"')
        assert reader.post(path_of(link), fields) == 200  # pressing the button
        assert site.count("comments.models.Subscriber", email="reader@example.com",
                          confirmed_at__isnull=False) == 1  # fmt: skip

        staff = Staff(site.url)
        staff.log_in("moderator")
        comment = approve_latest(site, staff, "reader@example.com")
        approve_latest(site, staff, "other@example.com")
        run_worker(site, inbox)
        approval = inbox.to("reader@example.com")[-1]
        assert "评论已发布" in approval["Subject"]
        assert f"{SEED}#comment-{comment}" in text_of(approval)
        assert approval.get_body(preferencelist=("html",)) is not None
        assert approval["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert len(inbox.to("other@example.com")) == 1  # unconfirmed: the confirmation only

        site.shell(
            "from comments.models import Comment\n"
            f"p = Comment.objects.get(pk={comment})\n"
            "Comment.objects.create(article=p.article, parent=p, name='编辑部', by_staff=True,"
            " body='谢谢你的反馈', language='zh-hans', status='approved')"
        )
        run_worker(site, inbox)
        reply = inbox.to("reader@example.com")[-1]
        assert "谢谢你的反馈" in text_of(reply) and len(inbox.to("reader@example.com")) == 3

        # The one-click unsubscribe a mail client sends (RFC 8058): no cookie, no token.
        unsubscribe = re.search(r"<([^>]+)>", str(reply["List-Unsubscribe"]))[1]
        request = urllib.request.Request(unsubscribe, data=b"List-Unsubscribe=One-Click")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        site.shell(
            "from comments.models import Comment\n"
            f"p = Comment.objects.get(pk={comment})\n"
            "Comment.objects.create(article=p.article, parent=p, name='李雷', body='又一条回复',"
            " language='zh-hans', status='approved')"
        )
        run_worker(site, inbox)
        assert len(inbox.to("reader@example.com")) == 3
        site.manage("erase_comments", "other@example.com")
        assert site.count("comments.models.Subscriber", email="other@example.com") == 0
    finally:
        site.stop()
