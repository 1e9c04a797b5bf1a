"""The article page's queries written in SQL pick exactly what the ORM's rules pick.

``Article.related_for`` and ``CommentQuerySet.thread`` are SQL for speed; these
tests build the same answer from ``published()``, ``available_in()`` and
``approved()`` for random data, on every database the suite runs on.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import FieldError
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, ArticleQuerySet, RelatedLink, _visible_sql, site_articles
from comments.models import THREAD_FIELDS, Comment

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]
examples = settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip

article_specs = st.lists(
    st.fixed_dictionaries(
        {
            "draft": st.booleans(),
            "hours": st.integers(min_value=-3, max_value=48),  # negative: scheduled
            "zh": st.booleans(),
            "same_category": st.booleans(),
            "curated_at": st.none() | st.integers(min_value=0, max_value=3),
        }
    ),
    max_size=12,
)


def expected_related(article, language):
    visible = Article.objects.published().available_in(language)
    curated = list(
        visible.filter(incoming_links__from_article=article).order_by(
            "incoming_links__sort_order", "incoming_links__id"
        )
    )
    fill = visible.filter(category=article.category).exclude(pk=article.pk)
    chosen = curated + [other for other in fill if other not in curated]
    return [other.slug for other in chosen][: django_settings.RELATED_ARTICLES_COUNT]


@examples
@given(specs=article_specs)
def test_related_articles_are_the_visible_curated_then_newest_of_the_category(specs):
    category, elsewhere = make_category(), make_category()
    article = make_article(category=category)
    now = timezone.now()
    for spec in specs:
        other = make_article(
            category=category if spec["same_category"] else elsewhere,
            status=Article.Status.DRAFT if spec["draft"] else Article.Status.PUBLISHED,
            publish_at=now - timedelta(hours=spec["hours"]),
            zh=spec["zh"],
            en=not spec["zh"] or spec["hours"] % 2 == 0,
        )
        if spec["curated_at"] is not None:
            RelatedLink.objects.create(
                from_article=article, to_article=other, sort_order=spec["curated_at"]
            )
    for language in LANGUAGES:
        rows = article.related_for(language)
        assert [row["slug"] for row in rows] == expected_related(article, language)
        for row in rows:
            other = Article.objects.get(slug=row["slug"])
            assert row["publish_at"] == other.publish_at
            assert row["title"] == getattr(other, f"title_{language.replace('-', '_')}")


comment_specs = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(Comment.Status.values),
            "reply_to": st.none() | st.integers(min_value=0, max_value=20),
            "other_article": st.booleans(),
            "minutes": st.integers(min_value=0, max_value=10_000),
            "own": st.booleans(),
            "by_staff": st.booleans(),
        }
    ),
    max_size=20,
)


def expected_thread(article, own_ids):
    visible = Comment.objects.filter(article=article).filter(
        Q(pk__in=Comment.objects.approved())
        | Q(pk__in=Comment.objects.pending().filter(pk__in=own_ids))
    )
    rows = list(visible.order_by("created_at", "id").values(*THREAD_FIELDS))
    ids = {row["id"] for row in rows}
    top = [{**row, "replies": []} for row in rows if row["parent_id"] is None]
    by_id = {row["id"]: row for row in top}
    for row in rows:
        if row["parent_id"] in ids and row["parent_id"] in by_id:
            by_id[row["parent_id"]]["replies"].append({**row, "replies": []})
    return top


@examples
@given(specs=comment_specs)
def test_thread_is_the_approved_comments_and_waiting_the_visitors_own(specs):
    article, other_article = make_article(), make_article()
    now = timezone.now()
    created, own_ids = [], []
    for n, spec in enumerate(specs):
        parent = None
        if spec["reply_to"] is not None and spec["reply_to"] < len(created):
            parent = created[spec["reply_to"]]
            parent = parent if parent.parent_id is None else None
        comment = Comment.objects.create(
            article=other_article if spec["other_article"] else article,
            parent=parent if parent and not spec["other_article"] else None,
            name=f"name {n}",
            body=f"body {n}\nline two",
            language=LANGUAGES[n % 2],
            status=spec["status"],
            by_staff=spec["by_staff"],
            created_at=now - timedelta(minutes=spec["minutes"]),
        )
        created.append(comment)
        if spec["own"]:
            own_ids.append(comment.pk)
    assert Comment.objects.thread(article) == expected_thread(article, [])
    waiting = [row["id"] for row in Comment.objects.waiting(article, own_ids)]
    assert waiting == list(
        Comment.objects.pending()
        .filter(article=article, pk__in=own_ids)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )


def test_a_new_condition_in_published_reaches_the_sql_of_related_articles(monkeypatch):
    """``visible_sql`` is compiled from ``published()``: a rule added there (say, an
    unpublish time) applies to the related list without touching its SQL."""
    article = make_article()
    shown = make_article(category=article.category)
    hidden = make_article(category=article.category, slug="withdrawn")
    assert {r["slug"] for r in article.related_for("en")} == {shown.slug, hidden.slug}

    published = ArticleQuerySet.published
    monkeypatch.setattr(
        ArticleQuerySet,
        "published",
        lambda qs, at=None: published(qs, at).exclude(slug="withdrawn"),
    )
    _visible_sql.cache_clear()  # compiled once per language: as at the next start
    assert [r["slug"] for r in article.related_for("en")] == [shown.slug]
    monkeypatch.undo()
    _visible_sql.cache_clear()


def test_site_articles_refuse_untranslated_field_names():
    """The plain queryset names each language's column; a bare ``title`` would read the
    leftover untranslated column and silently find nothing."""
    article = make_article()
    assert site_articles().filter(title_en=article.title_en).get() == article
    for query in [
        lambda qs: qs.filter(title=article.title_en),
        lambda qs: qs.filter(Q(slug="x") | Q(summary="y")),
        lambda qs: qs.exclude(body=""),
        lambda qs: qs.filter(category__name="Category"),
        lambda qs: qs.only("slug", "title"),
        lambda qs: qs.values_list("title"),
        lambda qs: qs.order_by("-title"),
    ]:
        with pytest.raises(FieldError, match="is translated"):
            query(site_articles())


def test_the_next_visibility_change_is_the_next_scheduled_publication():
    now = timezone.now()
    make_article(publish_at=now - timedelta(hours=1))
    make_article(status=Article.Status.DRAFT, publish_at=now + timedelta(hours=1))
    assert Article.objects.next_visibility_change() is None
    later = make_article(publish_at=now + timedelta(hours=3)).publish_at
    sooner = make_article(publish_at=now + timedelta(hours=2)).publish_at
    assert Article.objects.next_visibility_change() == sooner < later
