"""The site as docs/deployment.md deploys it: Debian's nginx with deploy/nginx-site.conf in front
of gunicorn, TLS with a self-signed certificate, visitors on their own loopback addresses."""

import functools
import http.client
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from string import Template
from urllib.parse import urlencode

import pytest

from .live import PASSWORD, LiveSite, _NoRedirect, form_fields, free_port

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "/en/articles/lifting-safely/"

NGINX_CONF = """
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $tmp/access.log;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/site.conf;
}
"""


class FromAddress(urllib.request.HTTPSHandler):
    """HTTPS from a source address of our own: each visitor is another loopback address."""

    def __init__(self, source, context):
        super().__init__(context=context)
        self.source = source

    def https_open(self, req):
        connection = functools.partial(http.client.HTTPSConnection, source_address=(self.source, 0))
        return self.do_open(connection, req, context=self._context)


class Browser:
    """A visitor or staff member at ``source``, keeping cookies, following no redirect."""

    def __init__(self, origin, source, context):
        self.origin, self.jar = origin, CookieJar()
        self.opener = urllib.request.build_opener(
            FromAddress(source, context), urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        )  # fmt: skip

    def open(self, path, data=None, headers=()):
        request = urllib.request.Request(
            self.origin + path, data=data, headers={"Referer": self.origin + path, **dict(headers)}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def post_comment(self, body, headers=()):
        _status, _headers, page = self.open(ARTICLE)
        token = re.search(rb'name="token" value="([^"]+)"', page)[1].decode()
        fields = {"name": "Visitor", "body": body, "token": token, "parent": "", "website": ""}
        return self.open("/en/comments/lifting-safely/", urlencode(fields).encode(), headers)

    def log_in(self, password):
        _status, _headers, page = self.open("/admin/login/")
        fields = form_fields(page.decode(), r'<form[^>]*id="login-form"')
        fields.update(username="editor", password=password)
        return self.open("/admin/login/", urlencode(fields).encode())[0]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not shutil.which("nginx"):
        pytest.fail("Debian's nginx is needed: make test installs it")
    tmp = tmp_path_factory.mktemp("proxy")
    https_port, http_port = free_port(), free_port()
    origin = f"https://localhost:{https_port}"
    site = LiveSite(
        tmp / "site", workers=2, DJANGO_HTTPS="1", DJANGO_BEHIND_PROXY="1",
        DJANGO_TRUSTED_PROXIES="127.0.0.1",  # nginx only: visitors come from 127.0.0.2 and up
        DJANGO_SITE_URL=origin, DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        COMMENTS_RATE="2/m", AXES_FAILURE_LIMIT="3",
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    site_conf = Template((ROOT / "deploy" / "nginx-site.conf").read_text()).safe_substitute(
        SERVER_NAME="localhost", HTTP_LISTEN=f"127.0.0.1:{http_port}",
        HTTPS_LISTEN=f"127.0.0.1:{https_port}", HTTPS_ORIGIN=origin,
        CERTIFICATE=tmp / "cert.pem", CERTIFICATE_KEY=tmp / "key.pem",
        UPSTREAM=f"127.0.0.1:{site.port}",
    )  # fmt: skip
    (tmp / "site.conf").write_text(site_conf)
    (tmp / "nginx.conf").write_text(Template(NGINX_CONF).substitute(tmp=tmp))
    nginx = None
    try:
        site.start()
        nginx = subprocess.Popen(
            ["nginx", "-c", tmp / "nginx.conf", "-p", tmp, "-e", tmp / "error.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        context = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
        for _ in range(100):
            try:
                urllib.request.urlopen(origin + "/robots.txt", context=context, timeout=2)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                assert nginx.poll() is None, (tmp / "error.log").read_text()
                time.sleep(0.1)
        visitor = functools.partial(Browser, origin, context=context)
        yield {"site": site, "origin": origin, "http": f"http://localhost:{http_port}",
               "visitor": visitor, "context": context}  # fmt: skip
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        site.stop()


def test_plain_http_redirects_to_https_and_pages_are_strict_about_it(proxied):
    opener = urllib.request.build_opener(_NoRedirect())
    response = opener.open(proxied["http"] + "/en/?page=1", timeout=10)
    assert response.status == 301
    assert response.headers["Location"] == proxied["origin"] + "/en/?page=1"
    status, headers, _body = proxied["visitor"]("127.0.0.2").open("/en/")
    assert status == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]


def test_each_visitor_has_their_own_flood_limit_and_cookies_are_secure(proxied):
    first, second = proxied["visitor"]("127.0.0.3"), proxied["visitor"]("127.0.0.4")
    posted = first.post_comment("The first of mine")
    assert posted[0] == 302
    cookie = next(c for c in posted[1].get_all("Set-Cookie") if c.startswith("own_comments="))
    assert "own_comments=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    # A visitor who names another address in X-Forwarded-For is still themselves.
    forged = [("X-Forwarded-For", "198.51.100.9")]
    assert first.post_comment("The second of mine", forged)[0] == 302
    assert first.post_comment("One too many", forged)[0] == 429
    assert second.post_comment("Someone else's first")[0] == 302


def test_the_login_lockout_is_per_visitor(proxied):
    attacker, editor = proxied["visitor"]("127.0.0.5"), proxied["visitor"]("127.0.0.6")
    for _ in range(3):
        attacker.log_in("wrong-password")
    assert attacker.log_in(PASSWORD) == 429  # locked out, the right password or not
    assert editor.log_in(PASSWORD) == 302
    session = next(c for c in editor.jar if c.name == "sessionid")
    assert session.secure


def test_static_and_media_come_through_with_their_headers(proxied):
    visitor = proxied["visitor"]("127.0.0.7")
    _status, _headers, page = visitor.open(ARTICLE)
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', page)[1].decode()
    status, headers, _body = visitor.open(css)
    assert status == 200 and "immutable" in headers["Cache-Control"]
    image = re.search(rb'src="(/media/[^"]+\.jpg)"', page)[1].decode()
    status, headers, body = visitor.open(image)
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_oversized_body_is_refused_by_the_proxy(proxied):
    before = proxied["site"].log.read_text().count("/en/comments/")
    host, port = proxied["origin"].removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=proxied["context"],
                                             source_address=("127.0.0.8", 0))  # fmt: skip
    connection.putrequest("POST", "/en/comments/lifting-safely/")
    connection.putheader("Content-Length", str(13 * 2**20))  # the body never needs to follow
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and b"nginx" in response.read()
    assert response.getheader("X-Request-ID") is None
    connection.close()
    assert proxied["site"].log.read_text().count("/en/comments/") == before  # never reached it


def test_cached_pages_keep_their_cache_headers_through_the_proxy(proxied):
    visitor = proxied["visitor"]("127.0.0.9")
    visitor.open("/en/")
    status, headers, _body = visitor.open("/en/")
    assert status == 200 and headers["X-Page-Cache"] == "hit"
    direct = urllib.request.urlopen(  # noqa: S310 (our own gunicorn, as nginx asks it)
        urllib.request.Request(proxied["site"].url + "/en/", headers={
            "Host": proxied["origin"].removeprefix("https://"), "X-Forwarded-Proto": "https"}),
        timeout=10,
    )  # fmt: skip
    assert headers["Cache-Control"] == direct.headers["Cache-Control"]
    assert "public" in headers["Cache-Control"] and "must-revalidate" in headers["Cache-Control"]
    again = visitor.open("/en/", headers=[("If-None-Match", headers["ETag"])])
    assert again[0] == 304
