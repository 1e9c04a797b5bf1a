"""In-process render time and queries per page, with the page cache off (uncached renders).

The pages take turns: ten rounds, each timing every page in a short burst,
so that a slow spell of the machine (it is shared and noisy) falls on all
pages alike rather than on whichever was being timed, and the ratios to the
ok view hold from run to run.
"""

import json
import statistics
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.PAGE_CACHE_PREFIXES = ()
ROUNDS = 10


def measure(urls, runs):
    client = Client()
    times = {url: [] for url in urls}
    for url in urls:
        response = client.get(url)  # warm up
        assert response.status_code == 200, (url, response.status_code)
    for _round in range(ROUNDS):
        for url in urls:
            burst = times[url]
            deadline = time.perf_counter() + 1  # slow pages (a large sitemap) get fewer runs
            for _ in range(runs // ROUNDS):
                start = time.perf_counter()
                client.get(url)
                burst.append((time.perf_counter() - start) * 1000)
                if time.perf_counter() > deadline:
                    break
    results = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[url] = {"render_ms": statistics.median(times[url]), "queries": len(queries)}
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[2:], int(sys.argv[1]))))
