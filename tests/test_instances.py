"""Several gunicorn instances on one PostgreSQL and one Redis; and a Redis that goes away."""

import json
import os
import signal
import subprocess
import time
import uuid

import pytest
import redis

from .live import LiveSite, Staff, Visitor, free_port, postgres_database

pytestmark = pytest.mark.live
ARTICLE = "/en/articles/lifting-safely/"
PG = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def two_instances(tmp_path):
    url, drop = postgres_database(PG)
    shared = {
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_CACHE_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "COMMENTS_RATE": "5/h",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "shared-media"),
    }
    first = LiveSite(tmp_path / "a", database_url=url, workers=2, **shared)
    second = LiveSite(tmp_path / "b", database_url=url, workers=2, **shared)
    second.env["DJANGO_MEDIA_ROOT"] = first.env["DJANGO_MEDIA_ROOT"] = shared["DJANGO_MEDIA_ROOT"]
    try:
        first.start()
        second.start(install=False)
        yield first, second
    finally:
        first.stop()
        second.stop()
        drop()


def comment_ids(site, body):
    out = site.shell(
        "from comments.models import Comment\n"
        f"print(list(Comment.objects.filter(body={body!r}).values_list('id', flat=True)))"
    )
    return json.loads(out.strip().splitlines()[-1])


def test_two_instances_share_comments_sessions_and_the_rate_limit(two_instances):
    a, b = two_instances
    body = f"Posted through the first instance {uuid.uuid4().hex[:6]}"
    assert Visitor(a.url).post_comment(ARTICLE, "en", name="Ann", body=body) == 302

    # A moderator logs in on one instance; the session works on the other.
    moderator = Staff(b.url)
    assert moderator.log_in("moderator") == 302
    moderator.base_url = a.url
    assert moderator.get("/admin/")[0] == 200
    moderator.base_url = b.url
    assert moderator.approve(comment_ids(b, body)) == 302
    for site in (a, b):
        assert body in Visitor(site.url).get(ARTICLE)[1]

    # The flood limit counts posts to both instances together: 5 per hour in all.
    statuses = [
        Visitor(site.url).post_comment(ARTICLE, "en", name="Bo", body=f"flood {n} {site.port}")
        for n, site in enumerate([a, b, a, b, a, b])
    ]
    assert statuses == [302, 302, 302, 302, 429, 429]  # one was used by Ann's comment


@pytest.fixture
def own_redis(tmp_path):
    port = free_port()

    def start():
        return subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path), "--dbfilename", "snapshot.rdb"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    server = {"process": start(), "start": start, "port": port}
    time.sleep(0.3)
    yield server
    server["process"].terminate()
    server["process"].wait(timeout=10)


def health(site):
    status, body = Visitor(site.url).get("/healthz")
    return status, json.loads(body)


def test_site_survives_redis_going_away_and_recovers_without_restart(tmp_path, own_redis):
    site = LiveSite(tmp_path, workers=2, REDIS_URL=f"redis://127.0.0.1:{own_redis['port']}/0")
    site.start()
    try:
        assert health(site)[0] == 200

        own_redis["process"].terminate()
        own_redis["process"].wait(timeout=10)
        assert Visitor(site.url).get("/en/")[0] == 200
        assert Visitor(site.url).get(ARTICLE)[0] == 200
        body = f"Written while Redis was down {uuid.uuid4().hex[:6]}"
        assert Visitor(site.url).post_comment(ARTICLE, "en", name="Cy", body=body) == 302
        assert len(comment_ids(site, body)) == 1
        status, report = health(site)
        assert status == 503 and report["checks"] == {"database": "ok", "cache": "failing"}

        own_redis["process"] = own_redis["start"]()
        deadline = time.monotonic() + 20  # the cache is tried again a few seconds on
        while health(site)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert health(site) == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok"}})
    finally:
        site.stop()


def test_a_hung_redis_costs_one_timeout_then_none(tmp_path, own_redis):
    site = LiveSite(tmp_path, workers=1, REDIS_URL=f"redis://127.0.0.1:{own_redis['port']}/0")
    site.start()
    try:
        assert Visitor(site.url).get(ARTICLE)[0] == 200
        own_redis["process"].send_signal(signal.SIGSTOP)  # alive, but answers nothing
        started = time.monotonic()
        for _ in range(10):
            assert Visitor(site.url).get(ARTICLE)[0] == 200
        assert time.monotonic() - started < 3  # ten pages; only the first waited on Redis
        body = f"Written while Redis hung {uuid.uuid4().hex[:6]}"
        assert Visitor(site.url).post_comment(ARTICLE, "en", name="Di", body=body) == 302
        assert len(comment_ids(site, body)) == 1
        own_redis["process"].send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 20
        while health(site)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert health(site)[0] == 200
    finally:
        own_redis["process"].send_signal(signal.SIGCONT)
        site.stop()


def test_redis_restarted_from_a_snapshot_does_not_bring_back_a_rejected_comment(
    tmp_path, own_redis
):
    site = LiveSite(tmp_path, workers=2, REDIS_URL=f"redis://127.0.0.1:{own_redis['port']}/0")
    site.start()
    try:
        body = f"Approved, then rejected {uuid.uuid4().hex[:6]}"
        assert Visitor(site.url).post_comment(ARTICLE, "en", name="Ed", body=body) == 302
        moderator = Staff(site.url)
        moderator.log_in("moderator")
        moderator.approve(comment_ids(site, body))
        assert body in Visitor(site.url).get(ARTICLE)[1]  # cached with the comment
        redis.Redis(port=own_redis["port"]).save()  # the snapshot a restart will load

        moderator.moderate(comment_ids(site, body), "reject")
        assert body not in Visitor(site.url).get(ARTICLE)[1]
        own_redis["process"].kill()
        own_redis["process"].wait(timeout=10)
        own_redis["process"] = own_redis["start"]()
        time.sleep(0.5)
        assert redis.Redis(port=own_redis["port"]).dbsize() > 0  # the old pages are back
        assert body not in Visitor(site.url).get(ARTICLE)[1]
    finally:
        site.stop()
