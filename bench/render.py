"""In-process render times, for ``bench.run``: a worker that times the pages it is asked for.

Run with a settings module (the site's, page cache off, or bench.bare's), it
reads lines ``<runs> <url> [<url> ...]`` on stdin and answers each with one
JSON line: every URL's render times in ms (Django's test client, in this
process) and, the first time a URL is asked for, its query count. ``bench.run``
keeps a bare Django worker and a site worker and asks them in turns, so that a
slow spell of the shared machine falls on both alike.
"""

import json
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

if hasattr(settings, "PAGE_CACHE_PREFIXES"):
    settings.PAGE_CACHE_PREFIXES = ()  # the site's renders, not its page cache


def main():
    client = Client()
    queries = {}
    for line in sys.stdin:
        runs, *urls = line.split()
        times = {}
        for url in urls:
            if url not in queries:
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)  # also warms up
                assert response.status_code == 200, (url, response.status_code)
                queries[url] = len(captured)
            burst = times[url] = []
            deadline = time.perf_counter() + 1  # slow pages (a large sitemap) get fewer runs
            for _ in range(int(runs)):
                start = time.perf_counter()
                client.get(url)
                burst.append((time.perf_counter() - start) * 1000)
                if time.perf_counter() > deadline:
                    break
        print(json.dumps({"times": times, "queries": queries}), flush=True)


if __name__ == "__main__":
    main()
