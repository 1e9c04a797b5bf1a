"""The comments a browser posted, remembered in a signed cookie so its author sees them.

A cookie rather than the session: posting a comment then writes one row (the
comment), not two, and a visitor who never posts never gets a session. The
cookie is registered with the page cache as private (``comments.apps``).
"""

import time

from django.conf import settings

from core.params import parse_id

COOKIE = "own_comments"
SALT = "comments.own"
KEPT = 50


def own_comment_ids(request):
    """Ids from the signed cookie; a missing or tampered cookie gives none."""
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT)
    return [pk for part in value.split(",") if (pk := parse_id(part)) is not None]


def remember_own_comment(request, response, pk):
    """Add ``pk`` to the cookie; it lasts until the browser closes, like a session."""
    ids = [*own_comment_ids(request), pk][-KEPT:]
    response.set_signed_cookie(
        COOKIE,
        ",".join(map(str, ids)),
        salt=SALT,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


FORM_SEEN_COOKIE = "comment_form_seen"
FORM_SEEN_SALT = "comments.form-seen"


def remember_form_seen(request, response):
    """On every article page served (from the page cache too), note when this browser was
    shown the comment form: the page and its token are shared, the cookie is not, so the
    time a visitor took to write is measured from their own visit."""
    match = getattr(request, "page_match", None)
    if (
        match is None
        or match.view_name != "articles:detail"
        or response.status_code not in (200, 304)
    ):
        return
    response.set_signed_cookie(
        FORM_SEEN_COOKIE,
        f"{match.kwargs['slug']}:{int(time.time())}",
        salt=FORM_SEEN_SALT,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def form_seen_at(request, slug):
    """When this browser was last shown ``slug``'s comment form, or None."""
    value = request.get_signed_cookie(FORM_SEEN_COOKIE, default="", salt=FORM_SEEN_SALT)
    seen_slug, _sep, moment = value.rpartition(":")
    return parse_id(moment) if seen_slug == slug else None
