"""``make bench``: scaled data, gunicorn with production settings, wrk on loopback.

Prints one table per database: requests/s, p50/p99 latency, the ratio of
requests/s to a bare "ok" view measured in the same run (the ceiling),
queries per request and the median in-process render time.
Usage: python -m bench.run [--large] [--seconds N] [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.live import LiveSite, postgres_database

ROOT = Path(__file__).resolve().parent.parent
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"
PAGES = [
    ("ceiling: bare ok view", "/bench/ok"),
    ("seed article zh-hans", f"/zh-hans/articles/{SEED}/"),
    ("seed article en", f"/en/articles/{SEED}/"),
    ("home zh-hans", "/zh-hans/"),
    ("category en", "/en/categories/treatment/"),
    ("sitemap.xml (index)", "/sitemap.xml"),
    ("sitemap-articles-en.xml (page 1)", "/sitemap-articles-en.xml"),
]
POST_SCRIPT = """
local counter = 0
local thread_id = 0
function setup(thread) thread:set("id", math.random(1, 1000000)) end
function init(args) thread_id = id end
request = function()
  counter = counter + 1
  local body = "name=bench&email=&website=&parent=&token=%s&body=bench+comment+"
    .. thread_id .. "+" .. counter
  return wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = "%s"}, body)
end
"""


def wrk(url, seconds, script=None, headers=()):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "errors": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


def run(database, articles, comments, seconds):
    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        url = None
        if database == "postgresql":
            url, drop = postgres_database(
                os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
            )
        site = LiveSite(tmp, database_url=url, workers=4, DJANGO_SETTINGS_MODULE="bench.settings",
                        COMMENTS_MIN_SECONDS="3")  # fmt: skip
        try:
            site.install()
            site.manage("load_demo", "--no-users")
            subprocess.run([sys.executable, "-m", "bench.load", str(articles), str(comments)],
                           cwd=ROOT, env=site.env, check=True)  # fmt: skip
            renders = json.loads(
                subprocess.run(
                    [sys.executable, "-m", "bench.render", "200", *(p for _n, p in PAGES)],
                    cwd=ROOT, env=site.env, check=True, capture_output=True, text=True,
                ).stdout.strip().splitlines()[-1]
            )  # fmt: skip
            site.serve()
            rows = []
            for name, path in PAGES:
                wrk(site.url + path, 1)  # warm the workers and the page cache
                rows.append((name, wrk(site.url + path, seconds), renders[path]))
                if path != "/bench/ok":
                    uncached = wrk(site.url + path, seconds, headers=["Cookie: sessionid=none"])
                    rows.append(("  uncached (with a cookie)", uncached, renders[path]))
            token = (
                site.shell(
                    "from comments.forms import make_token\nfrom articles.models import Article\n"
                    f"import time\nprint(make_token(Article.objects.get(slug='{SEED}'),"
                    " time.time() - 10))"
                )
                .strip()
                .splitlines()[-1]
            )
            script = Path(tmp) / "post.lua"
            post_path = f"/en/comments/{SEED}/"
            script.write_text(POST_SCRIPT % (token, post_path, site.url))
            before = site.count("comments.models.Comment", body__startswith="bench comment")
            posts = wrk(site.url + post_path, seconds, script=str(script))
            site.stop()
            stored = (
                site.count("comments.models.Comment", body__startswith="bench comment") - before
            )
            rows.append(("comment POST", posts, None))
            return rows, posts, stored
        finally:
            site.stop()
            if drop:
                drop()


def table(database, size, rows, posts, stored):
    ceiling, ceiling_ms = rows[0][1]["rps"], rows[0][2]["render_ms"]
    lines = [
        f"### {database}, {size}",
        "",
        "| page | req/s | × ceiling | p50 ms | p99 ms | queries | render ms | × ceiling |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, load, render in rows:
        queries = render["queries"] if render else "—"
        render_ms = f"{render['render_ms']:.2f}" if render else "—"
        # The render's ratio: how many ok views one render costs (the ceiling row reads 1).
        render_ratio = f"{render['render_ms'] / ceiling_ms:.1f}" if render else "—"
        lines.append(
            f"| {name} | {load['rps']:.0f} | {load['rps'] / ceiling:.2f} | {load['p50']:.1f} | "
            f"{load['p99']:.1f} | {queries} | {render_ms} | {render_ratio} |"
        )
    lines += [
        "",
        f"comment POSTs: {posts['requests']} answered, {posts['errors']} errors"
        f"{' (socket: ' + posts['socket_errors'] + ')' if posts['socket_errors'] else ''}, "
        f"{stored} stored",
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true", help="10,000 articles, 500,000 comments")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    articles, comments = (10_000, 500_000) if args.large else (1_000, 50_000)
    size = f"{articles:,} articles, {comments:,} comments"
    for database in args.databases.split(","):
        rows, posts, stored = run(database, articles, comments, args.seconds)
        print(table(database, size, rows, posts, stored), flush=True)


if __name__ == "__main__":
    main()
