"""Hardening and operations: health, request ids, logs, CSP, login lockout, uploaded files."""

import json
import logging
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.observability import JsonFormatter, RequestIdFilter

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.rediscache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}


def test_healthz_is_ok_when_database_and_cache_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    body = response.content.decode()
    assert settings.SECRET_KEY not in body and "sqlite" not in body and "redis" not in body


def test_healthz_names_the_failing_cache_and_pages_still_render(client, settings):
    settings.CACHES = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}
    article = make_article()
    assert client.get("/en/").status_code == 200
    assert client.get(f"/en/articles/{article.slug}/").status_code == 200


def test_every_response_has_a_request_id(client):
    first = client.get("/en/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert client.get("/en/", HTTP_X_REQUEST_ID="proxy-given-id-123")["X-Request-ID"] == (
        "proxy-given-id-123"
    )
    assert client.get("/en/", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_json_log_lines_carry_request_id_and_traceback():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("now",), None)
    try:
        raise RuntimeError("kaput")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "boom now" and entry["level"] == "ERROR"
    assert entry["request_id"] == "-" and "RuntimeError: kaput" in entry["traceback"]


def test_public_pages_send_a_strict_csp_and_have_no_inline_script(client):
    article = make_article()
    for url in ["/en/", f"/zh-hans/articles/{article.slug}/", "/en/nowhere/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy)[1]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        page = response.content.decode()
        # No script runs inline; JSON-LD blocks are data, not script.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))', page)
        assert not re.search(r"\son\w+=", page)  # no event-handler attributes


def test_security_headers(client):
    response = client.get("/en/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_rich_text_editor_import_map_carries_the_csp_nonce(client, editor):
    client.force_login(editor)
    response = client.get("/admin/articles/article/add/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


@pytest.mark.parametrize(("language", "message"), [("en", "Too many failed logins"),
                                                   ("zh-hans", "登录失败次数过多")])  # fmt: skip
def test_admin_login_locks_out_after_five_failures(client, language, message):
    make_user("victim")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    statuses = [
        client.post(
            "/admin/login/", {"username": "victim", "password": "wrong"}, REMOTE_ADDR="198.51.100.9"
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account
    locked = client.post(
        "/admin/login/",
        {"username": "victim", "password": "a-long-test-password"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert locked.status_code == 429
    assert message in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same user from another address is not locked out.
    other = client.post(
        "/admin/login/",
        {"username": "victim", "password": "a-long-test-password"},
        REMOTE_ADDR="198.51.100.10",
    )
    assert other.status_code == 302


def test_uploaded_files_are_never_served_as_pages(client):
    html = default_storage.save("covers/evil.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{html}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    svg = default_storage.save("covers/evil.svg", ContentFile(b"<svg onload='alert(1)'/>"))
    assert client.get(f"/media/{svg}")["Content-Disposition"] == "attachment"
    assert client.get("/media/../config/settings.py").status_code in (400, 404)


def test_cover_renditions_are_cached_for_a_year(client):
    from .factories import upload

    article = make_article(cover=upload())
    name = article.cover_renditions["webp"][0][2]
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"]
