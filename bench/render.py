"""In-process render times, for ``bench.run``: a worker that times the pages it is asked for.

Run with a settings module (the site's or bench.bare's), it reads lines
``<runs> <url> [<url> ...]`` on stdin and answers each with one JSON line:
every URL's times in ms (Django's test client, in this process) and, the
first time a URL is asked for, its query count. A URL is requested with a
session cookie, as a visitor who is logged in or has just commented (the page
cache does not answer them; the page is built from its cached fragments),
unless it starts with ``cached:``: then without cookies, from the page cache. A URL
that starts with ``own:`` is asked for by a visitor whose own comment waits on the seed
article (the public thread is reused, their comment added); one that starts with
``edited:<slug>:`` is asked for without cookies right after article ``<slug>`` is saved
(the first view after an editor's save: only the parts that show it are rendered again).
With ``BENCH_NO_CACHE=1`` (bench/settings.py) nothing is cached: every page is
rendered whole, its queries all made. ``bench.run``
keeps a bare Django worker and a site worker and asks them in turns, so that a
slow spell of the shared machine falls on both alike.
"""

import json
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signing  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def commenter():
    """A client whose own comment on the seed article waits for a moderator."""
    from articles.models import Article
    from comments.models import Comment
    from comments.own import COOKIE, SALT

    comment = Comment.objects.create(
        article=Article.objects.get(slug=SEED), name="bench", body="waiting", language="en"
    )
    client = Client()
    client.cookies[COOKIE] = signing.get_cookie_signer(salt=COOKIE + SALT).sign(str(comment.pk))
    return client


def save(slug):
    """An editor's save of article ``slug`` (its English title changes)."""
    from articles.models import Article

    article = Article.objects.get(slug=slug)
    article.title_en = article.title_en.removesuffix(" (edited)") + " (edited)"
    article.save()


def main():
    # Browsers take compressed pages, as wrk's requests do: cached pages are stored that way.
    with_cookie, without = Client(), Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    with_cookie.cookies[settings.SESSION_COOKIE_NAME] = "none"
    own = None
    queries = {}
    for line in sys.stdin:
        runs, *urls = line.split()
        times = {}
        for name in urls:
            kind, _colon, url = name.partition(":") if name[0] != "/" else ("", "", name)
            edited = None
            if kind == "edited":
                edited, _colon, url = url.partition(":")
            if kind == "own" and own is None:
                own = commenter()
            client = {"cached": without, "edited": without, "own": own}.get(kind, with_cookie)
            if name not in queries:
                response = client.get(url)  # warms up the caches
                assert response.status_code == 200, (url, response.status_code)
                if edited:
                    save(edited)
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                queries[name] = len(captured)
            burst = times[name] = []
            deadline = time.perf_counter() + 1  # slow pages (a large sitemap) get fewer runs
            for _ in range(int(runs)):
                if edited:
                    save(edited)
                start = time.perf_counter()
                client.get(url)
                burst.append((time.perf_counter() - start) * 1000)
                if time.perf_counter() > deadline:
                    break
        print(json.dumps({"times": times, "queries": queries}), flush=True)


if __name__ == "__main__":
    main()
