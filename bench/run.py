"""``make bench``: scaled data, gunicorn with production settings, wrk on loopback, against a
bare Django project measured in the same rounds.

Prints one table per database. Every ratio is against bare Django
(``bench/bare``: the middleware ``startproject`` writes and one "ok" view),
served by the same gunicorn settings and timed in turns with the site: over
HTTP each page's wrk run follows one of the bare view, and in-process each
round times the bare view, then every page. The site's own "ok" view (its
whole middleware stack, no page) is a row like the pages.
Usage: python -m bench.run [--large] [--seconds N] [--rounds N] [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from tests.live import LiveSite, free_port, postgres_database

ROOT = Path(__file__).resolve().parent.parent
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"
# The longest query the form takes, of the commonest characters, found nowhere.
COMMON = ("的是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么"
          "心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长")  # fmt: skip
WORST = quote((COMMON * 2)[:200])
OK = "/bench/ok"
PAGES = [
    ("the site's own ok view (middleware only)", OK),
    ("seed article zh-hans", f"/zh-hans/articles/{SEED}/"),
    ("seed article en", f"/en/articles/{SEED}/"),
    ("home zh-hans", "/zh-hans/"),
    ("category en", "/en/categories/treatment/"),
    ("sitemap.xml (index)", "/sitemap.xml"),
    ("sitemap-articles-en.xml (page 1)", "/sitemap-articles-en.xml"),
    ("feed, RSS, en", "/en/feeds/rss.xml"),
    ("feed, Atom, zh-hans", "/zh-hans/feeds/atom.xml"),
    ("author zh-hans", "/zh-hans/authors/lin-wen/"),
    ("medical reviewer zh-hans (reviewed articles)", "/zh-hans/authors/zhou-min/"),
    ("privacy page en", "/en/pages/privacy/"),
    ("glossary term zh-hans (articles that use it)", "/zh-hans/terms/lumbar-disc-herniation/"),
    ("topic zh-hans (lead article, cover, cards)", "/zh-hans/topics/lumbar-disc-herniation/"),
    (
        "search 腰突 zh-hans, with the glossary's 4 other forms (never cached)",
        "/zh-hans/search/?q=%E8%85%B0%E7%AA%81",
    ),
    ("search stem cell en (never cached)", "/en/search/?q=stem+cell"),
    ("search worst case: 200 common characters, no result", "/zh-hans/search/?q=" + WORST),
]
# In-process only: a visitor whose own comment waits, and the first view after a save.
RELATED = "mri-and-disc-herniation"
LOCAL_PAGES = [
    ("seed article en, a visitor whose comment waits", f"own:/en/articles/{SEED}/"),
    ("seed article en, first view after another article's save",
     f"edited:bench-article-1:/en/articles/{SEED}/"),
    ("seed article en, first view after a related article's save",
     f"edited:{RELATED}:/en/articles/{SEED}/"),
]  # fmt: skip
MIXED_SECONDS = 30
MIXED_SCRIPT = """
local pages = {%s}
local searches = {"/zh-hans/search/?q=%%E8%%85%%B0%%E7%%AA%%81", "/en/search/?q=stem+cell"}
local seed = "/en/articles/%s/"
request = function()
  local r = math.random(100)
  if r <= 5 then return wrk.format("GET", searches[math.random(#searches)]) end
  if r <= 10 then
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Cookie"] = "sessionid=none"
    return wrk.format("GET", seed, headers)
  end
  return wrk.format("GET", pages[math.random(#pages)])
end
"""


def mixed_pages():
    """86 cached pages: both home pages, ten categories and 32 articles in each language."""
    paths = []
    for language in ("zh-hans", "en"):
        paths.append(f"/{language}/")
        paths += [f"/{language}/categories/bench-{n}/" for n in range(10)]
        paths += [f"/{language}/articles/bench-article-{n}/" for n in range(100, 132)]
    return paths


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
    # What a browser sends: it takes compressed responses.
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-H", "Accept-Encoding: gzip, deflate, br"]  # fmt: skip
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


class RenderWorker:
    """A ``bench.render`` process with its own settings, asked for timings line by line."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.render"], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip

    def measure(self, runs, urls):
        self.process.stdin.write(f"{runs} {' '.join(urls)}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def renders(site_env, bare_env, rounds, runs=20):
    """Median in-process ms per page in three ways (from the page cache, from fragments
    with a cookie, rendered whole), and the bare ok view's, in alternating rounds."""
    bare = RenderWorker(bare_env)
    warm = RenderWorker(site_env)
    cold = RenderWorker({**site_env, "BENCH_NO_CACHE": "1"})
    paths = [path for _name, path in PAGES]
    asked = {
        "bare": (bare, [OK]),
        "cached": (warm, [f"cached:{path}" for path in paths if path != OK]),
        "cookie": (warm, paths + [path for _name, path in LOCAL_PAGES]),
        "whole": (cold, paths),
    }
    times, queries = {}, {}
    try:
        for _round in range(rounds):
            for kind, (worker, urls) in asked.items():
                result = worker.measure(runs, urls)
                for url, values in result["times"].items():
                    times.setdefault((kind, url.removeprefix("cached:")), []).extend(values)
                for url, count in result["queries"].items():
                    queries[(kind, url.removeprefix("cached:"))] = count
    finally:
        for worker in (bare, warm, cold):
            worker.close()
    return {key: statistics.median(values) for key, values in times.items()}, queries


def serve_bare(workdir):
    """The bare project under gunicorn, with the site's gunicorn settings."""
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "4",
           "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}  # fmt: skip
    log = (Path(workdir) / "bare.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.bare.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + OK, timeout=2)  # noqa: S310 (our own loopback server)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the bare project did not start")
            time.sleep(0.2)
    return process, url


def flooded(site, seconds, limit):
    """The cached seed article's row while 8 connections send the worst-case search."""
    seed_url = f"{site.url}/en/articles/{SEED}/"
    wrk(seed_url, 1)
    quiet = wrk(seed_url, seconds)
    flood = subprocess.Popen(
        ["wrk", "-t1", "-c8", f"-d{seconds + 2}s", "--timeout", "10s",
         f"{site.url}/zh-hans/search/?q={WORST}"], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1)
    loaded = wrk(seed_url, seconds)
    flood.wait(timeout=60)
    name = "seed article en, cached, while 8 connections search the worst case"
    name += f" (search limit {limit} per client)" if limit else " (no search limit)"
    return name, "flood", seed_url, loaded, quiet


def worker_memory(process):
    """The resident memory (MB) of each of gunicorn master ``process``'s workers."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024)
    return sizes


def mixed_load(site, tmp, seconds, saves_every=None):
    """The mixed load over HTTP, with an article saved every ``saves_every`` seconds."""
    script = Path(tmp) / "mixed.lua"
    pages = ", ".join(f'"{path}"' for path in mixed_pages())
    script.write_text(MIXED_SCRIPT % (pages, SEED))
    wrk(site.url + "/", 5, script=str(script))  # every page once at least
    editor = None
    if saves_every:
        editor = subprocess.Popen(
            [sys.executable, "-m", "bench.edit", str(seconds), str(saves_every)],
            cwd=ROOT, env=site.env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
    result = wrk(site.url + "/", seconds, script=str(script))
    if editor:
        result["saves"] = int(editor.communicate(timeout=60)[0].strip() or 0)
    return result


def run(database, articles, comments, seconds, rounds, redis_url=None):
    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        url = None
        if database == "postgresql":
            url, drop = postgres_database(
                os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
            )
        site = LiveSite(tmp, database_url=url, workers=4, DJANGO_SETTINGS_MODULE="bench.settings",
                        COMMENTS_MIN_SECONDS="3", PAGE_VERSIONS_SECONDS="1")  # fmt: skip
        bare_process = None
        try:
            site.install()
            site.manage("load_demo", "--no-users")
            subprocess.run([sys.executable, "-m", "bench.load", str(articles), str(comments)],
                           cwd=ROOT, env=site.env, check=True)  # fmt: skip
            bare_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
            medians, queries = renders(site.env, bare_env, rounds)
            site.serve()
            bare_process, bare_url = serve_bare(tmp)
            wrk(bare_url + OK, 1)
            rows = []
            for name, path in PAGES:
                wrk(site.url + path, 1)  # warm the workers and the page cache
                bare = wrk(bare_url + OK, seconds)
                load = wrk(site.url + path, seconds)
                rows.append((name, "cached", path, load, bare))
                if path != OK:
                    wrk(site.url + path, 1, headers=["Cookie: sessionid=none"])
                    bare = wrk(bare_url + OK, seconds)
                    load = wrk(site.url + path, seconds, headers=["Cookie: sessionid=none"])
                    rows.append(("  with a cookie (from fragments)", "cookie", path, load, bare))
                    rows.append(("  rendered whole (no cache)", "whole", path, None, None))
            # A cached page while 8 connections send the worst-case search ("× bare" is
            # against the same page without them, just before): without the search limit
            # per client, and with it as deployed (the 8 connections are one client).
            for limit in ("", "60/m"):
                if limit:
                    site.stop()
                    site.env["BENCH_SEARCH_RATE"] = limit
                    site.serve()
                rows.append(flooded(site, seconds, limit))
            site.env.pop("BENCH_SEARCH_RATE")
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
            bare = wrk(bare_url + OK, seconds)
            posts = wrk(site.url + post_path, seconds, script=str(script))
            site.stop()
            stored = (
                site.count("comments.models.Comment", body__startswith="bench comment") - before
            )
            rows.append(("comment POST", None, None, posts, bare))
            mixed = {}
            for cache in ["default"] + (["redis"] if redis_url else []):
                if cache == "redis":
                    site.env["REDIS_URL"] = redis_url
                    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True,
                                   capture_output=True)  # fmt: skip
                site.serve()
                quiet = mixed_load(site, tmp, MIXED_SECONDS)
                edited = mixed_load(site, tmp, MIXED_SECONDS, saves_every=2)
                mixed[cache] = (quiet, edited, worker_memory(site.process))
                site.stop()
            bare_memory = worker_memory(bare_process)
            return rows, medians, queries, posts, stored, mixed, bare_memory
        finally:
            site.stop()
            if bare_process:
                bare_process.terminate()
                bare_process.wait(timeout=30)
            if drop:
                drop()


def table(database, size, rows, medians, queries, posts, stored, mixed, bare_memory):
    bare_ms = medians[("bare", OK)]
    site_ok_ms = medians[("cookie", OK)]
    lines = [
        f"### {database}, {size}",
        "",
        f"Bare Django's ok view: {bare_ms:.3f} ms in-process. Over HTTP, each row's bare"
        " req/s is the run just before it.",
        "",
        "| page | req/s | bare req/s | × bare | p50 ms | p99 ms | queries | ms in-process"
        " | × bare ok | × site ok |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, kind, path, load, bare in rows:
        http = ["—"] * 5
        if load:
            http = [f"{load['rps']:.0f}", f"{bare['rps']:.0f}", f"{load['rps'] / bare['rps']:.2f}",
                    f"{load['p50']:.1f}", f"{load['p99']:.1f}"]  # fmt: skip
        key = (kind if path != OK else "cookie", path)
        local = ["—"] * 4
        if key in medians:
            ms = medians[key]
            local = [str(queries.get(key, "—")), f"{ms:.2f}", f"{ms / bare_ms:.1f}",
                     f"{ms / site_ok_ms:.1f}"]  # fmt: skip
        lines.append(f"| {name} | {' | '.join(http)} | {' | '.join(local)} |")
    for name, path in LOCAL_PAGES:
        ms = medians[("cookie", path)]
        lines.append(f"| {name} | — | — | — | — | — | {queries.get(('cookie', path), '—')}"
                     f" | {ms:.2f} | {ms / bare_ms:.1f} | {ms / site_ok_ms:.1f} |")  # fmt: skip
    lines += [
        "",
        f"Mixed load over HTTP, {MIXED_SECONDS} s each (90 % cached pages over"
        f" {len(mixed_pages())} URLs, 5 % searches, 5 % a visitor with cookies):",
        "",
        "| cache | req/s | p99 ms | with a save every 2 s: req/s | p99 ms | saves | × quiet"
        " | worker memory MB (bare Django's) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for cache, (quiet, edited, memory) in mixed.items():
        lines.append(
            f"| {cache} | {quiet['rps']:.0f} | {quiet['p99']:.0f} | {edited['rps']:.0f}"
            f" | {edited['p99']:.0f} | {edited['saves']} | {edited['rps'] / quiet['rps']:.2f}"
            f" | {', '.join(f'{m:.0f}' for m in memory)} ({', '.join(f'{m:.0f}' for m in bare_memory)}) |"
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
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13",
                        help="the mixed load on Redis too ('' for none)")  # fmt: skip
    args = parser.parse_args()
    articles, comments = (10_000, 500_000) if args.large else (1_000, 50_000)
    size = f"{articles:,} articles, {comments:,} comments"
    for database in args.databases.split(","):
        results = run(database, articles, comments, args.seconds, args.rounds, args.redis)
        print(table(database, size, *results), flush=True)


if __name__ == "__main__":
    main()
