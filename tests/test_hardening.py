"""Faults found by attacking the site as deployed: proxies, the cache, hosts, bodies, logs."""

import io
import logging
import re
import sqlite3
import threading
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.test import Client
from gunicorn.config import Config
from PIL import Image

from articles.models import Article
from comments.models import Comment
from config import gunicorn as gunicorn_settings
from core.clientip import client_ip
from core.observability import GunicornLogger, TextFormatter

from .factories import (
    ORIGIN,
    image_bytes,
    make_article,
    make_category,
    make_user,
    post_comment,
    upload,
)
from .test_editor_admin import article_form

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.0/8"]


def via_proxy(forwarded_for):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


class FakeRequest:
    def __init__(self, meta):
        self.META = meta


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.5"}, "203.0.113.5"),
        # An untrusted peer cannot choose its address with any forwarded header.
        ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.5"),
        ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_REAL_IP": "1.2.3.4"}, "203.0.113.5"),
        # Behind the proxy: the right-most address the proxies did not write.
        (via_proxy("198.51.100.7"), "198.51.100.7"),
        (via_proxy("6.6.6.6, 198.51.100.7"), "198.51.100.7"),
        (via_proxy("6.6.6.6, 198.51.100.7, 10.1.2.3"), "198.51.100.7"),
        (via_proxy("garbage, 198.51.100.7"), "198.51.100.7"),
        (via_proxy("2001:db8::1"), "2001:db8::1"),
        (via_proxy(""), PROXY),
        (via_proxy("198.51.100.7, not-an-address"), PROXY),
    ],
)
def test_client_address_is_the_peer_or_what_trusted_proxies_saw(behind_proxy, meta, expected):
    assert client_ip(FakeRequest(meta)) == expected


def test_clients_behind_one_proxy_have_their_own_flood_limit(behind_proxy, settings):
    settings.COMMENTS_RATE = "2/m"
    article = make_article()
    client = Client(HTTP_ORIGIN=ORIGIN)
    codes = [
        post_comment(client, article, body=f"one {n}", meta=via_proxy("198.51.100.1")).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    other = post_comment(client, article, body="two", meta=via_proxy("198.51.100.2"))
    assert other.status_code == 302
    # Forging the header from outside does not pick a fresh address either.
    forged = post_comment(
        client,
        article,
        body="from outside",
        meta={"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"},
    )
    assert forged.status_code == 302
    hashes = Comment.objects.values_list("ip_hash", flat=True)
    assert len(set(hashes)) == 3  # one per client, none for the proxy


def test_clients_behind_one_proxy_have_their_own_admin_lockout(behind_proxy):
    make_user("editor")
    attacker = Client()
    for _ in range(5):
        attacker.post(
            "/admin/login/", {"username": "editor", "password": "wrong"}, **via_proxy("6.6.6.6")
        )
    assert (
        attacker.post(
            "/admin/login/", {"username": "editor", "password": "wrong"}, **via_proxy("6.6.6.6")
        ).status_code
        == 429
    )
    editor = Client().post(
        "/admin/login/",
        {"username": "editor", "password": "a-long-test-password"},
        **via_proxy("198.51.100.20"),
    )
    assert editor.status_code == 302


@pytest.mark.parametrize("value", ["²", "١", "1e3", "-1", "9" * 40, "%00"])
def test_odd_reply_to_values_are_ignored_not_a_500(client, value):
    article = make_article()
    response = client.get(f"/en/articles/{article.slug}/?reply_to={value}")
    assert response.status_code == 200
    assert 'name="parent" value=""' in response.content.decode()


def test_arbitrary_query_strings_neither_fill_the_page_cache_nor_bypass_it():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    Client().get(url)
    pages = caches["default"]
    before = len(pages._cache)
    for n in range(30):
        response = Client().get(f"{url}?utm_id={n}")
        assert response["X-Page-Cache"] == "hit"  # the page without the parameter
    assert len(pages._cache) == before


def test_page_traffic_cannot_evict_the_flood_limit(settings):
    settings.COMMENTS_RATE = "1/m"
    article = make_article()
    client = Client(HTTP_ORIGIN=ORIGIN)
    assert post_comment(client, article, body="first").status_code == 302
    caches["default"].clear()  # what culling a full page cache does, at worst
    assert post_comment(client, article, body="second").status_code == 429


def test_a_corrupt_cache_file_is_a_miss_not_a_500():
    article = make_article()
    url = f"/en/articles/{article.slug}/"
    Client().get(url)
    for path in Path(caches["default"].directory).glob("*/cache.db"):
        with closing(sqlite3.connect(path)) as db, db:  # every stored value damaged
            db.execute("UPDATE Cache SET value = ?, mode = 4", [b"\x00garbage, not a pickle"])
    response = Client().get(url)
    assert response.status_code == 200 and article.title_en in response.content.decode()
    assert Client().get("/healthz").status_code == 200


def test_a_read_only_cache_directory_is_no_500(settings, tmp_path):
    article = make_article()
    directory = tmp_path / "readonly"
    directory.mkdir()
    directory.chmod(0o500)
    settings.CACHES = settings.CACHES | {
        name: {**settings.CACHES[name], "LOCATION": str(directory / name)}
        for name in ("default", "counters")
    }
    try:
        assert Client().get(f"/en/articles/{article.slug}/").status_code == 200
        client = Client(HTTP_ORIGIN=ORIGIN)
        assert post_comment(client, article, body="stored anyway").status_code == 302
        assert Comment.objects.filter(body="stored anyway").exists()
    finally:
        directory.chmod(0o700)


def test_concurrent_health_checks_do_not_disturb_each_other():
    answers = []

    def check():
        answers.extend(Client().get("/healthz").status_code for _ in range(5))

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 40


def test_absolute_urls_name_the_configured_site_not_the_host_asked_for(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "example.org"]
    settings.SITE_URL = "http://example.org"
    article = make_article()
    page = (
        Client().get(f"/en/articles/{article.slug}/", HTTP_HOST="localhost:6666").content.decode()
    )
    assert "localhost" not in page
    assert f'<link rel="canonical" href="http://example.org/en/articles/{article.slug}/">' in page
    sitemap = Client().get("/sitemap-articles-en.xml", HTTP_HOST="localhost:6666").content.decode()
    assert "localhost" not in sitemap and "example.org" in sitemap


@pytest.mark.parametrize("path", ["/en/", "/healthz", "/sitemap.xml", "/admin/login/"])
def test_a_disallowed_host_answers_400_on_every_path(path):
    response = Client().get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_comment_endpoint_refuses_uploads_and_huge_bodies_without_echoing_them():
    article = make_article()
    client = Client(HTTP_ORIGIN=ORIGIN)
    url = f"/en/comments/{article.slug}/"
    multipart = client.post(url, {"name": "x", "body": "hello", "file": upload()})
    assert multipart.status_code == 415
    huge = "x" * (2 * 1024 * 1024)
    response = client.post(
        url, f"name=x&body={huge}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert huge[:1000] not in response.content.decode()
    assert "Too much to send" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_truncated_jpeg_cover_is_a_form_error(client, editor):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(editor)
    whole = image_bytes("JPEG", size=(800, 600))
    data = article_form(make_category(), cover=upload("cut.jpg", whole[: len(whole) // 2]))
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "The image file is damaged." in response.content.decode()
    assert not Article.objects.exists()


def test_a_jpeg_comment_segment_is_stripped_from_the_cover_and_renditions():
    secret = b"home address: 1 Secret Road"
    article = make_article(
        cover=upload("c.jpg", image_bytes("JPEG", comment=secret)),
        cover_alt_en="a",
        cover_alt_zh_hans="a",
    )
    names = [article.cover.name] + [n for _w, _h, n in article.cover_renditions["jpg"]]
    for name in names:
        with default_storage.open(name) as stored:
            data = stored.read()
        assert secret not in data
        assert "comment" not in Image.open(io.BytesIO(data)).info


def test_log_lines_cannot_be_forged_through_a_path():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "not found: %s", ("/a\nFAKE b",), None
    )
    assert TextFormatter("%(message)s").format(record) == "not found: /a\\nFAKE b"

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/a%0aFAKE", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": '/a\nFAKE "x"', "QUERY_STRING": ""}  # fmt: skip
    response = SimpleNamespace(status="404 Not Found", headers=[("X-Request-ID", "r1")], sent=10)
    logger = GunicornLogger(Config())
    line = gunicorn_settings.access_log_format % logger.atoms_wrapper_class(
        logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0))
    )
    assert "\n" not in line and '/a\\nFAKE \\"x\\"' in line


@pytest.mark.parametrize(
    "path", ["/en/articles/%00/", "/zh-hans/terms/%01%0b/", "/en/%7f%ef%bf%be/"]
)
def test_a_path_with_control_characters_gets_a_404_page_without_them(path):
    response = Client().get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", page)
