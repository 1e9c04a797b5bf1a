"""The comments a browser posted, remembered in a signed cookie so its author sees them.

A cookie rather than the session: posting a comment then writes one row (the
comment), not two, and a visitor who never posts never gets a session. The
cookie is registered with the page cache as private (``comments.apps``).
"""

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
