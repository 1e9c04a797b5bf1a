"""The comment section an article page includes: ``{% comment_section article %}``.

The articles app knows nothing of comments (as with django-contrib-comments'
tags); this section reads the thread, the visitor's own comments and the reply
target from the request, and renders ``comments/_section.html``. The approved
thread and the blank form are parts of the page (``core.pagecache.PARTS``): a
visitor whose own comments are waiting gets the same thread as everybody, and
their own comments below it.
"""

from functools import partial

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.dates import formatter, machine
from core.params import parse_id

from ..forms import CommentForm
from ..models import Comment, shown_name
from ..moderation import comments_closed
from ..own import own_comment_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The comments on ``article`` a visitor may see, and the form (with errors, when the
    page is the answer to a comment that was refused: ``comment_form`` in the context)."""
    request = context["request"]
    own_ids = own_comment_ids(request)
    # A moderator's "view on site" of a waiting comment shows it with the visitor's own.
    moderating = parse_id(request.GET.get("moderating"))
    if moderating is not None and request.user.has_perm("comments.change_comment"):
        own_ids = [*own_ids, moderating]
    else:
        moderating = None
    form = context.get("comment_form")
    reply_pk = parse_id(request.GET.get("reply_to"))
    if form is None and reply_pk is not None:
        reply_to = article.comments.approved().filter(pk=reply_pk).first()
        form = CommentForm(article, reply_to=reply_to)
    html = render_to_string(
        "comments/_section.html",
        {
            "article": article,
            # Read only when the cached part is rendered again.
            "thread": partial(_thread, article),
            "blank_form": partial(CommentForm, article),
            "own_waiting": _own(request, article, own_ids, moderating is not None),
            "comments_closed": comments_closed(article),
            "comment_form": form,
            "moderating": moderating is not None,
        },
        request=request,
    )
    return mark_safe(html)  # noqa: S308 (an autoescaped template)


def _own(request, article, ids, moderating):
    """The visitor's own waiting comments under the thread (never cached: what a visitor
    wrote and nobody else may see is kept out of the shared cache)."""
    if not ids:
        return ""
    rows = _rows(Comment.objects.waiting(article, ids))
    context = {"own_waiting": rows, "moderating": moderating}
    return mark_safe(render_to_string("comments/_own.html", context).strip())  # noqa: S308 (an autoescaped template)


def _thread(article):
    """The approved comments, with their count."""
    comments = _rows(Comment.objects.thread(article))
    return {"comments": comments, "count": sum(1 + len(c["replies"]) for c in comments)}


def _rows(comments):
    """Rows with their time written out for the page's language."""
    show_date = formatter(get_language(), "DATETIME_FORMAT")
    zone = timezone.get_current_timezone()
    for comment in comments:
        for row in (comment, *comment.get("replies", ())):
            moment = row["created_at"].astimezone(zone)
            row["machine_time"], row["shown_time"] = machine(moment), show_date(moment)
            row["approved"] = row["status"] == Comment.Status.APPROVED
            row["shown_name"] = shown_name(row["name"], row["by_staff"])
    return comments
