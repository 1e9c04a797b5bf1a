"""The mails a commenter who asked for them receives, and the signed links in them.

Every mail is plain text and HTML from templates in ``templates/comments/mail/``, in the
language the reader asked in (the confirmation, the unsubscribe page) or wrote in (the
approval, the replies). All but the confirmation carry a one-click unsubscribe: a link, and
the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (RFC 8058). A link names the
address it was made for, signed: it cannot be guessed, or used for another address.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.hosts import absolute_url

CONFIRM_SALT = "comments.confirm"
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def confirm_token(email):
    return signing.dumps({"e": email}, salt=CONFIRM_SALT)


def read_confirm_token(token):
    """The address a confirmation link was made for; ``BadSignature`` if none, and
    ``SignatureExpired`` once the address would have been forgotten."""
    max_age = settings.COMMENTS_CONFIRM_DAYS * 86400
    return signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)["e"]


def unsubscribe_token(email, comment_id=None):
    """For one comment's notifications, or (``comment_id`` None) all of the address's."""
    return signing.dumps({"e": email, "c": comment_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """``(email, comment id or None)``; ``BadSignature`` for a link that is not ours."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return data["e"], data["c"]


def _link(language, name, token):
    with translation.override(language):
        return absolute_url(reverse(name, args=[token]))


def _send(to, language, template, context, unsubscribe=None):
    with translation.override(language):
        context = {**context, "site_name": settings.SITE_NAME, "unsubscribe": unsubscribe}
        subject = render_to_string(f"comments/mail/{template}_subject.txt", context).strip()
        text = render_to_string(f"comments/mail/{template}.txt", context)
        html = render_to_string(f"comments/mail/{template}.html", context)
    headers = {}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_confirmation(subscriber):
    """The one mail an unconfirmed address gets: no text of any visitor's in it."""
    link = _link(subscriber.language, "comments:confirm", confirm_token(subscriber.email))
    _send(subscriber.email, subscriber.language, "confirm", {"link": link,
          "days": settings.COMMENTS_CONFIRM_DAYS})  # fmt: skip


def send_approval(comment):
    language = comment.language
    _send(
        comment.email, language, "approved",
        {"comment": comment, "title": _title(comment, language), "url": _url(comment, language)},
        unsubscribe=_link(language, "comments:unsubscribe",
                          unsubscribe_token(comment.email, comment.pk)),
    )  # fmt: skip


def send_replies(parent, replies):
    language = parent.language
    _send(
        parent.email, language, "replies",
        {"comment": parent, "replies": replies, "title": _title(parent, language),
         "url": _url(replies[0], language)},
        unsubscribe=_link(language, "comments:unsubscribe",
                          unsubscribe_token(parent.email, parent.pk)),
    )  # fmt: skip


def _title(comment, language):
    from modeltranslation.utils import build_localized_fieldname

    article = comment.article
    return getattr(article, build_localized_fieldname("title", language)) or str(article)


def _url(comment, language):
    with translation.override(language):
        return absolute_url(comment.get_absolute_url())
