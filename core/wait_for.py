"""``python -m core.wait_for URL [SECONDS]``: wait until URL answers (for ``make demo``)."""

import sys
import time
import urllib.error
import urllib.request


def main(url, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a URL make names, on loopback)
            return 0
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    print(f"{url} did not answer within {seconds:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], *map(float, sys.argv[2:])))
