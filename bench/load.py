"""Scaled content for the benchmark: N articles in both languages and M comments."""

import random
import sys
from datetime import timedelta

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Category, Person, RelatedLink  # noqa: E402
from comments.models import Comment  # noqa: E402

SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def main(articles, comments):
    rng = random.Random(42)
    seed = Article.objects.get(slug=SEED)
    categories = [
        Category.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name_zh_hans": f"分类{n}", "name_en": f"Category {n}"}
        )[0]
        for n in range(10)
    ]
    now = timezone.now()
    body_en, body_zh = seed.body_en, seed.body_zh_hans
    with transaction.atomic():
        created = Article.objects.bulk_create(
            Article(
                slug=f"bench-article-{n}",
                category=categories[n % 10],
                status=Article.Status.PUBLISHED,
                publish_at=now - timedelta(days=2, minutes=n),
                title_zh_hans=f"腰椎健康文章 {n}",
                title_en=f"Spine health article {n}",
                summary_zh_hans="关于腰椎健康的文章摘要。",
                summary_en="A summary of an article on spine health.",
                body_zh_hans=body_zh,
                body_en=body_en,
                available_zh_hans=True,  # bulk_create skips save(), which derives these
                available_en=True,
            )
            for n in range(articles)
        )
        author = Person.objects.get(slug="lin-wen")
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article_id=article.pk, person_id=author.pk)
            for article in created
        )
        RelatedLink.objects.bulk_create(
            RelatedLink(from_article=article, to_article=other, sort_order=i)
            for article in created
            for i, other in enumerate(rng.sample(created, 6))
            if other.pk != article.pk
        )
        seed_comments = [
            Comment(
                article=seed,
                name=f"读者{n}",
                body=f"第 {n} 条评论：写得很清楚，谢谢。",
                language="zh-hans" if n % 2 else "en",
                status=Comment.Status.APPROVED,
                created_at=now - timedelta(minutes=n),
            )  # fmt: skip
            for n in range(50)
        ]
        Comment.objects.bulk_create(seed_comments)
        statuses = [Comment.Status.APPROVED] * 6 + [Comment.Status.PENDING, Comment.Status.SPAM]
        batch = []
        for n in range(comments - 50):
            batch.append(
                Comment(article=created[n % len(created)], name=f"visitor {n}",
                        body=f"Comment number {n} on this article.", language="en",
                        status=statuses[n % len(statuses)], created_at=now - timedelta(seconds=n))
            )  # fmt: skip
            if len(batch) == 5000:
                Comment.objects.bulk_create(batch)
                batch = []
        Comment.objects.bulk_create(batch)
    call_command("rebuild_search_index")  # bulk_create skips the signals that index
    # Fresh planner statistics, as after any bulk load; on PostgreSQL also the visibility
    # map that index-only scans need, so autovacuum does not run during the measurements.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        if connection.vendor == "postgresql":
            # Written to disk now, not by the checkpointer during the measurements.
            cursor.execute("CHECKPOINT")
    print(f"loaded {articles} articles and {comments} comments")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
