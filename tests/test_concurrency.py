"""Many visitors comment at once on a live gunicorn server: every accepted comment is stored once."""

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .live import LiveSite, Visitor, postgres_database

ARTICLE = "/zh-hans/articles/stem-cell-therapy-for-lumbar-disc-herniation/"
POSTS, THREADS = 200, 20
pytestmark = pytest.mark.live


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    if request.param == "sqlite":
        live = LiveSite(tmp_path, workers=4)
        drop = None
    else:
        base = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        url, drop = postgres_database(base)
        live = LiveSite(tmp_path, database_url=url, workers=4)
    try:
        yield live.start()
    finally:
        live.stop()
        if drop:
            drop()


def test_200_concurrent_comment_posts_are_all_stored_exactly_once(site):
    def send(n):
        return Visitor(site.url).post_comment(
            ARTICLE, "zh-hans", name=f"访客{n}", email="", body=f"并发评论 {n}：腰痛好些了。"
        )

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(send, range(POSTS)))

    accepted = statuses.count(302)
    errors = [s for s in statuses if s >= 500]
    stored = site.count("comments.models.Comment", body__startswith="并发评论")
    distinct = int(
        site.shell(
            "from comments.models import Comment\n"
            "print(len(set(Comment.objects.values_list('body', flat=True))))"
        ).split()[-1]
    )
    log = site.log.read_text()
    print(f"\nconcurrency: posted={POSTS} accepted={accepted} stored={stored} errors={len(errors)}")
    assert errors == []
    assert accepted == POSTS
    assert stored == distinct == POSTS
    assert not re.search(r"database is locked|Traceback", log)
