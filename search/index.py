"""Keeps the search index in step with the articles, on every save path.

An article's entries are written again whenever it, its category, its authors or its
reviewer are saved (signals, so the admin, ORM ``save()`` and the demo loader all
count); deleting an article deletes its entries (the foreign key cascades). Bulk
loaders that skip ``save()`` call ``rebuild()`` (``manage.py rebuild_search_index``).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from modeltranslation.utils import build_localized_fieldname

from articles import richtext
from articles.models import Article, Category, Person
from core.languages import language_codes

from . import text
from .models import SearchEntry, entry_id


def _value(instance, field, language):
    return getattr(instance, build_localized_fieldname(field, language)) or ""


def entries(article):
    """The unsaved entries of ``article``: one per language it is written in."""
    people = [*article.authors.all(), *filter(None, [article.reviewer])]
    result = []
    for language in language_codes():
        if not article.is_available_in(language):
            continue
        title = _value(article, "title", language)
        summary = _value(article, "summary", language)
        body = richtext.plain_text(_value(article, "body", language))
        names = [_value(article.category, "name", language)]
        names += [_value(person, "name", language) or str(person) for person in people]
        result.append(
            SearchEntry(
                id=entry_id(article, language),
                article=article,
                language=language,
                title_terms=text.terms(title),
                body_terms=text.terms(" ".join([summary, body, *names])),
                text=f"{summary}\n{body}".strip(),
            )
        )
    return result


def update(article_ids, batch=200):
    """Write the entries of these articles again."""
    article_ids = list(article_ids)
    for start in range(0, len(article_ids), batch):
        ids = article_ids[start : start + batch]
        articles = (
            Article.objects.filter(pk__in=ids)
            .select_related("category", "reviewer")
            .prefetch_related("authors")
        )
        with transaction.atomic():
            SearchEntry.objects.filter(article_id__in=ids).delete()
            SearchEntry.objects.bulk_create(e for article in articles for e in entries(article))


def rebuild():
    """The whole index from the articles; returns how many articles it holds."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        update(ids, batch=500)
    return len(ids)


def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update([instance.pk])


def _authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # a person's articles, about to be unlinked
        instance._search_cleared = list(instance.articles.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            update([instance.pk])
        else:
            update(pk_set or getattr(instance, "_search_cleared", []))


def _category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update(instance.articles.values_list("pk", flat=True))


def _person_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ids = set(instance.articles.values_list("pk", flat=True))
        ids |= set(instance.reviewed_articles.values_list("pk", flat=True))
        update(sorted(ids))


def connect_signals():
    post_save.connect(_article_saved, sender=Article, dispatch_uid="search-article")
    post_save.connect(_category_saved, sender=Category, dispatch_uid="search-category")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="search-person")
    m2m_changed.connect(
        _authors_changed, sender=Article.authors.through, dispatch_uid="search-authors"
    )
