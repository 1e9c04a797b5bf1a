"""For ``bench.run``'s mixed load: an editor who saves an article every ``interval`` seconds,
for ``seconds`` seconds (the site's settings and database, from the environment).

Usage: python -m bench.edit <seconds> <interval>
"""

import sys
import time

import django

django.setup()

from articles.models import Article  # noqa: E402


def main(seconds, interval):
    deadline = time.monotonic() + seconds
    saves = 0
    while time.monotonic() < deadline:
        article = Article.objects.get(slug=f"bench-article-{saves % 50}")
        article.title_en = article.title_en.removesuffix(" (edited)") + " (edited)"
        article.save()
        saves += 1
        time.sleep(interval)
    print(saves)


if __name__ == "__main__":
    main(float(sys.argv[1]), float(sys.argv[2]))
