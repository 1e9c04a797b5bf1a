"""In-process render time and queries per page, with the page cache off (uncached renders)."""

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


def measure(urls, runs):
    client = Client()
    results = {}
    for url in urls:
        client.get(url)  # warm up
        times = []
        deadline = time.perf_counter() + 10  # slow pages (a large sitemap) get fewer runs
        while len(times) < runs and (len(times) < 5 or time.perf_counter() < deadline):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[url] = {"render_ms": statistics.median(times), "queries": len(queries)}
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[2:], int(sys.argv[1]))))
