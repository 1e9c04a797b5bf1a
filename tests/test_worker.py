"""The task worker, killed while it sends a moderator mail: the mail still goes, once."""

import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .live import LiveSite

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parent.parent


class SMTPServer(socketserver.ThreadingTCPServer):
    """A small SMTP server that keeps what it is sent, or, ``hanging``, answers nothing."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, hanging=False):
        self.hanging, self.messages = hanging, []
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server_address[1]


class SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        if self.server.hanging:
            time.sleep(60)  # a mail server that took the connection and went quiet
            return
        self.wfile.write(b"220 test ready\r\n")
        data = None
        while line := self.rfile.readline():
            if data is not None:
                if line == b".\r\n":
                    self.server.messages.append(b"".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            command = line[:4].upper()
            if command == b"DATA":
                data = []
                self.wfile.write(b"354 go on\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def worker(site, smtp, *args):
    env = {**site.env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port),
           "EMAIL_USE_TLS": "0", "COMMENTS_NOTIFY": "moderators@example.com"}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def task_statuses(site):
    out = site.shell(
        "from django_tasks_db.models import DBTaskResult\n"
        "print(sorted(DBTaskResult.objects.values_list('status', flat=True)))"
    )
    return out.strip().splitlines()[-1]


def test_a_mail_held_by_a_killed_worker_is_sent_by_the_next_and_only_once(tmp_path):
    site = LiveSite(tmp_path, COMMENTS_NOTIFY="moderators@example.com").install()
    site.shell(
        "from tests.factories import make_article\nfrom comments.models import Comment\n"
        "from comments.tasks import notify_moderators\n"
        "c = Comment.objects.create(article=make_article(), name='n', body='Waiting here',"
        " language='en')\nnotify_moderators.enqueue(c.pk)"
    )
    hanging, working = SMTPServer(hanging=True), SMTPServer()
    first = worker(site, hanging)
    deadline = time.monotonic() + 30
    while task_statuses(site) != "['RUNNING']":
        assert time.monotonic() < deadline, "the worker never took the task"
        time.sleep(0.3)
    os.kill(first.pid, signal.SIGKILL)  # in the middle of talking to the mail server
    first.wait(timeout=10)
    assert task_statuses(site) == "['RUNNING']"  # what a dead worker leaves behind

    second = worker(site, working, "--batch")
    out, _ = second.communicate(timeout=60)
    assert "queued again" in out
    assert task_statuses(site) == "['SUCCESSFUL']"
    assert len(working.messages) == 1 and b"Waiting here" in working.messages[0]

    # A task run again after the mail server took the mail sends nothing more.
    site.shell(
        "from django_tasks_db.models import DBTaskResult\n"
        "DBTaskResult.objects.update(status='RUNNING', worker_ids=['elsewhere-1'],"
        " started_at='2000-01-01T00:00:00Z')"
    )
    third = worker(site, working, "--batch")
    third.communicate(timeout=60)
    assert task_statuses(site) == "['SUCCESSFUL']" and len(working.messages) == 1
