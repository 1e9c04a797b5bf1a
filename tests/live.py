"""A real site for end-to-end tests: its own database, media and cache, served by gunicorn."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password-42"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_database(base_url):
    """Create an empty PostgreSQL database next to ``base_url``'s; return its URL and a dropper."""
    import psycopg

    name = f"live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base_url)

    def drop():
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


class LiveSite:
    """Migrates, loads the demo, creates staff users and serves the site with gunicorn."""

    def __init__(self, workdir, database_url=None, workers=3, **environment):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "live-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SITE_URL": self.url,
            "DATABASE_URL": database_url or f"sqlite:///{self.workdir / 'site.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(self.workdir / "media"),
            "DJANGO_CACHE_DIR": str(self.workdir / "cache"),
            "COMMENTS_RATE": "100000/m",
            "COMMENTS_MIN_SECONDS": "0",
            # Every worker sees a change at once, so the tests need not wait for it.
            "PAGE_VERSIONS_SECONDS": "0",
            **environment,
        }
        if "REDIS_URL" not in environment:
            self.env.pop("REDIS_URL", None)  # the embedded default unless a test asks for Redis
        self.workers = workers
        self.log = self.workdir / "gunicorn.log"
        self.process = None

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "-c", code)

    def install(self):
        """An empty install: folders and a migrated database."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input", "-v", "0")
        return self

    def start(self, install=True):
        if install:
            self.install()
            self.load_demo()
        self.serve()
        return self

    def load_demo(self):
        self.manage("load_demo", "--no-users")
        self.shell(
            "from django.contrib.auth.models import Group, User\n"
            f"for name, group in [('editor', 'Editors'), ('moderator', 'Moderators'),"
            " ('translator', 'Translators')]:\n"
            f"    user = User.objects.create_user(name, name + '@example.com', '{PASSWORD}',"
            " is_staff=True)\n"
            "    user.groups.add(Group.objects.get(name=group))\n"
            # Work for the translator: an article only in Chinese, overdue, and one due later.
            "from articles.models import Article, Category\n"
            "from exchange.models import Assignment\n"
            "Article.objects.create(slug='jiu-zuo-xiao-tie-shi', status='published',"
            " category=Category.objects.first(), title_zh_hans='久坐的小贴士',"
            " body_zh_hans='<h2>坐</h2><p>久坐时每小时<strong>起身活动</strong>一次。</p>')\n"
            "for slug, due in [('physiotherapy-after-lumbar-surgery', '2030-01-01'),"
            " ('jiu-zuo-xiao-tie-shi', '2026-01-01')]:\n"
            "    Assignment.objects.create(article=Article.objects.get(slug=slug), language='en',"
            " translator=User.objects.get(username='translator'), due=due,"
            " assigned_by=User.objects.get(username='editor'))\n"
        )

    def serve(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env={
                **self.env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
                "GUNICORN_TIMEOUT": "60",
            },  # fmt: skip
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        opener = urllib.request.build_opener(_NoRedirect())  # an HTTPS-only site redirects
        while time.monotonic() < deadline:
            try:
                opener.open(f"{self.url}/robots.txt", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # listening: a Host it refuses still answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)

    def count(self, model, **filters):
        """Count rows through the site's own ORM, in a separate process."""
        out = self.shell(f"from {model.rsplit('.', 1)[0]} import {model.rsplit('.', 1)[1]} as M\n"
                         f"print(M.objects.filter(**{filters!r}).count())")  # fmt: skip
        return int(out.strip().splitlines()[-1])


class Visitor:
    """A cookie-keeping HTTP client that fills forms the way a browser without JavaScript does."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def get(self, path):
        try:
            with self.opener.open(self.base_url + path, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_comment(self, article_path, lang, **fields):
        _status, page = self.get(article_path)
        data = {
            "token": re.search(r'name="token" value="([^"]+)"', page)[1],
            "parent": "",
            "website": "",
            **fields,
        }
        action = re.search(r'<form class="comment-form"[^>]*action="([^"#]+)', page)[1]
        request = urllib.request.Request(
            self.base_url + action,
            data=urlencode(data).encode(),
            headers={"Referer": self.base_url + article_path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302


def form_fields(page, form_selector_regex):
    """Hidden and named inputs of the first form whose opening tag matches the regex."""
    form = re.search(form_selector_regex + r".*?</form>", page, re.S)[0]
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))


class Staff(Visitor):
    """A staff member using the admin over plain HTTP."""

    def log_in(self, username):
        _status, page = self.get("/admin/login/")
        fields = form_fields(page, r'<form[^>]*id="login-form"')
        fields.update(username=username, password=PASSWORD)
        return self.post("/admin/login/", fields)

    def post(self, path, fields):
        request = urllib.request.Request(
            self.base_url + path,
            data=urlencode(fields, doseq=True).encode(),
            headers={"Referer": self.base_url + path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def approve(self, comment_ids):
        return self.moderate(comment_ids, "approve")

    def moderate(self, comment_ids, action):
        """Run a bulk action of the moderation queue (approve, reject, mark_spam)."""
        _status, page = self.get("/admin/comments/comment/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return self.post(
            "/admin/comments/comment/",
            {"csrfmiddlewaretoken": token, "action": action, "index": "0",
             "_selected_action": [str(i) for i in comment_ids]},
        )  # fmt: skip
