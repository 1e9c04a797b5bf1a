"""Posting a comment: a plain form, POST-redirect-GET, the article page again on errors."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from articles.models import site_articles
from articles.views import render_article
from core.views import csrf_failure

from . import mails, moderation
from .forms import CommentForm
from .models import Comment, Subscriber
from .own import form_seen_at, remember_own_comment


def same_origin(request):
    """Whether the POST comes from one of our own pages.

    The comment form carries no CSRF token, so cached pages can be shared by
    every visitor; browsers say where a form was sent from instead: the
    ``Origin`` header, else ``Sec-Fetch-Site``, else the ``Referer``.
    """
    own = request.build_absolute_uri("/").rstrip("/")
    trusted = {own, *settings.CSRF_TRUSTED_ORIGINS}
    if origin := request.headers.get("Origin"):
        return origin in trusted
    if fetch_site := request.headers.get("Sec-Fetch-Site"):
        return fetch_site in ("same-origin", "none")
    referer = request.headers.get("Referer", "")
    return any(referer.startswith(f"{base}/") for base in trusted)


def refuse_body(request):
    """A response for a body the comment form never sends, before anything reads it: a file
    upload (multipart) or one larger than a comment can be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length and request.content_type != "application/x-www-form-urlencoded":
        return render(request, "400.html", {"noindex": True}, status=415)
    if length > settings.COMMENTS_MAX_REQUEST_BYTES:
        return render(request, "413.html", {"noindex": True}, status=413)
    return None


@csrf_exempt  # checked by same_origin() instead, see there
@require_POST
def post_comment(request, slug):
    language = translation.get_language()
    article = (
        (site_articles().published().available_in(language).select_related("category"))
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404("No such article")
    if refused := refuse_body(request):
        return refused

    if not same_origin(request):
        return csrf_failure(request)

    if is_ratelimited(
        request, group="comments.post", key="ip", rate=settings.COMMENTS_RATE, increment=True
    ):
        return render(request, "429.html", {"noindex": True}, status=429)

    if moderation.comments_closed(article):
        messages.error(request, _("Comments on this article are closed."))
        return render_article(request, article, status=403)

    form = CommentForm(article, request.POST, seen_at=form_seen_at(request, article.slug))
    if not form.is_valid():
        if "token" in form.errors:
            form.fresh_token()
        return render_article(request, article, status=400, comment_form=form)

    comment = moderation.submit(form, request)
    messages.success(
        request,
        _("Thank you. Your comment is awaiting moderation and will appear once approved."),
    )
    # To the comment itself, where its author sees it waiting and what that means.
    response = redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")
    remember_own_comment(request, response, comment.pk)
    return response


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation mail: a page with a button (a mail scanner that fetches
    the link confirms nothing), and the address confirmed when it is pressed."""
    try:
        subscriber = mails.read_confirm_token(token)
    except signing.SignatureExpired:
        subscriber = None  # too old: the address is forgotten, or about to be
    except signing.BadSignature:
        raise Http404("No such link")
    if subscriber is None:
        context = {"gone": True, "noindex": True}
        return _private(render(request, "comments/confirm.html", context, status=410))
    if request.method == "POST" and subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    context = {"confirmed": subscriber.confirmed_at is not None, "noindex": True}
    return _private(render(request, "comments/confirm.html", context))


@csrf_exempt  # RFC 8058: a mail client posts "List-Unsubscribe=One-Click"; the link is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop the mails about the link's comment, or (``scope=all``) all of its address's,
    and forget the address. Answers the one-click POST the mail's headers promise."""
    try:
        comment = mails.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("No such link")
    done = None
    if request.method == "POST":
        if request.POST.get("scope") == "all":
            Subscriber.objects.filter(email=comment.email).delete()
            Comment.objects.filter(email=comment.email, notify=True).update(notify=False)
            done = "all"
        else:
            Comment.objects.filter(pk=comment.pk).update(notify=False)
            done = "comment"
    context = {"done": done, "one_comment": True, "noindex": True}
    return _private(render(request, "comments/unsubscribe.html", context))
