"""An article's related cards: ``{% related_cards article %}``.

A part that is rendered from its arguments alone (``core.pagecache.register_part``): when an
article they show is saved, a stored page gets its cards rendered again in place, and the
rest of the page is kept as it was. Each card is a part too, keyed by what it shows: only the
card of the saved article is rendered again.
"""

import hashlib

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import pagecache

from .. import images
from ..models import Article

register = template.Library()


def render_cards(pk, category, request=None, **_scoped):
    """The cards of article ``pk`` (in ``category``) in the current language."""
    rows = Article.related_rows(pk, category, get_language())
    if request is None:
        cards = _cards(rows)
    else:
        arguments = [{"slug": row["slug"], "row": _digest(row)} for row in rows]
        cards = pagecache.remember_many(request, "card", arguments, _by_slug(rows), noted=False)
    html = render_to_string("articles/_related.html", {"cards": cards})
    return mark_safe(html.strip())  # noqa: S308 (an autoescaped template)


def _digest(row):
    return hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()[:32]


def _cards(rows):
    return [
        render_to_string(
            "articles/_card.html",
            {"item": row, "picture": images.picture_sources(row["renditions"])},
        )
        for row in rows
    ]


def _by_slug(rows):
    by_slug = {row["slug"]: row for row in rows}
    return lambda missing: _cards([by_slug[each["slug"]] for each in missing])


@register.simple_tag(takes_context=True)
def related_cards(context, article):
    arguments = {
        "pk": article.pk,
        "slug": article.slug,
        "category": article.category_id,
        "topics": article.topic_ids,
    }
    request = context.get("request")
    if request is None or context.get("preview"):
        return render_cards(**arguments)
    return mark_safe(pagecache.in_place(request, "related", arguments))  # noqa: S308 (a rendered template)
