"""The comment section an article page includes: ``{% comment_section article %}``.

The articles app knows nothing of comments (as with django-contrib-comments'
tags); this section reads the thread, the visitor's own comments and the reply
target from the request, and renders the list and the form.

The list itself is rendered in Python: an article page may show hundreds of
comments, and a template include per comment costs far more than this
(bench/README.md). The markup is what a template would write; every value a
visitor typed is escaped.
"""

from html import escape

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import formatter, machine
from core.pagecache import page_stamp, pages
from core.params import parse_id

from ..forms import CommentForm
from ..models import Comment
from ..moderation import comments_closed
from ..own import own_comment_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The comments on ``article`` a visitor may see, and the form (with errors, when the
    page is the answer to a comment that was refused: ``comment_form`` in the context).

    Most visitors see the same section: the approved comments and a blank form. It is
    cached, keyed by the page's versions (``core.pagecache.page_stamp``), so a visitor
    with cookies (staff, say) gets it without a query; a visitor with comments of their
    own waiting, a reply form or a form with errors gets it rendered for them.
    """
    request = context["request"]
    own_ids = own_comment_ids(request)
    # A moderator's "view on site" of a waiting comment shows it in place.
    moderating = parse_id(request.GET.get("moderating"))
    if moderating is not None and request.user.has_perm("comments.change_comment"):
        own_ids = [*own_ids, moderating]
    else:
        moderating = None
    form = context.get("comment_form")
    reply_pk = parse_id(request.GET.get("reply_to"))
    shared = form is None and reply_pk is None and not own_ids
    key = f"comment-section:{article.pk}:{get_language()}:{page_stamp(request)}"
    if shared and (html := pages.get(key)) is not None:
        return mark_safe(html)  # noqa: S308 (rendered by the template below)
    comments = Comment.objects.thread(article, own_ids)
    if form is None:
        reply_to = None
        if reply_pk is not None:
            reply_to = article.comments.approved().filter(pk=reply_pk).first()
        form = CommentForm(article, reply_to=reply_to)
    html = render_to_string(
        "comments/_section.html",
        {
            "article": article,
            "comments": comments,
            "comment_count": sum(
                item["status"] == Comment.Status.APPROVED
                for comment in comments
                for item in (comment, *comment["replies"])
            ),
            # The visitor's own comments still waiting, counted apart: only they see them.
            "own_pending_count": sum(
                item["status"] != Comment.Status.APPROVED
                for comment in comments
                for item in (comment, *comment["replies"])
            ),
            "comments_closed": comments_closed(article),
            "comment_form": form,
            "moderating": moderating is not None,
        },
    )
    if shared:
        pages.set(key, html, settings.PAGE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (autoescaped template)


def _text(value):
    """Escaped text with line breaks kept as ``<br>``; links stay plain text."""
    return escape(value).replace("\n", "<br>")


@register.simple_tag
def comment_list(comments, closed=False, moderating=False):
    """``<ol>`` of comment rows (``CommentQuerySet.thread``); open articles get Reply links."""
    if not comments:
        return ""
    # Words looked up outside the f-strings, where makemessages can find them.
    staff, pending = escape(_("Staff")), escape(_("Awaiting moderation"))
    staff = f'<span class="badge">{staff}</span>'
    pending = f'<span class="badge badge-pending">{pending}</span>'
    only_you = escape(
        _("Awaiting moderation: visitors do not see it yet.")
        if moderating
        else _("Only you can see this comment until a moderator approves it.")
    )
    only_you = f'<p class="comment-note" role="status">{only_you}</p>'
    in_language = {"en": escape(_("in English")), "zh-hans": escape(_("in Chinese"))}
    reply = escape(_("Reply"))
    show_date = formatter(get_language(), "DATETIME_FORMAT")
    zone = timezone.get_current_timezone()

    def one(comment, is_reply):
        pk, code, by_staff = comment["id"], comment["language"], comment["by_staff"]
        moment = comment["created_at"].astimezone(zone)
        approved = comment["status"] == Comment.Status.APPROVED
        classes = "comment" + ("" if approved else " comment-pending")
        classes += " comment-staff" if by_staff else ""
        action = ""
        if not closed and approved and not is_reply:
            action = (
                f'<p class="comment-actions"><a href="?reply_to={pk}#comment-form">{reply}</a></p>'
            )
        language = escape(code)
        return (
            f'<article class="{classes}" id="comment-{pk}"><header class="comment-meta">'
            f'<strong class="comment-author">{escape(comment["name"])}</strong>'
            f"{staff if by_staff else ''}"
            f'<time datetime="{machine(moment)}">{escape(show_date(moment))}</time>'
            f'<span class="comment-lang">{in_language.get(code, language)}</span>'
            f"{'' if approved else pending}</header>"
            f'<div class="comment-body" lang="{language}">{_text(comment["body"])}</div>'
            f"{'' if approved else only_you}{action}</article>"
        )

    items = []
    for comment in comments:
        replies = "".join(f"<li>{one(r, True)}</li>" for r in comment["replies"])
        replies = f'<ol class="comment-replies">{replies}</ol>' if replies else ""
        items.append(f"<li>{one(comment, False)}{replies}</li>")
    return mark_safe(f'<ol class="comment-list">{"".join(items)}</ol>')  # noqa: S308 (escaped above)
