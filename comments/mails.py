"""The mails a commenter who asked for them receives, and the signed links in them.

Every mail is plain text and HTML from templates in ``templates/comments/mail/``, in the
language the reader asked in (the confirmation, the unsubscribe page) or wrote in (the
approval, the replies). All but the confirmation carry a one-click unsubscribe: a link, and
the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (RFC 8058). A link names a row
and a keyed hash of the address it was made for, signed: it cannot be guessed or used for
another address, and the address itself is not in it (nor in any log of the URL).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.signing import Signer, TimestampSigner
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from modeltranslation.utils import build_localized_fieldname

from core.hosts import absolute_url

from .models import Comment, Subscriber

CONFIRM_SALT = "comments.confirm"
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def _address(email):
    return salted_hmac("comments.address", email, algorithm="sha256").hexdigest()[:32]


def _row(model, value):
    """The row a link's signed ``<pk>.<address hash>`` names, if its address is still that."""
    pk, _dot, address = value.partition(".")
    row = model.objects.filter(pk=pk).first() if pk.isdigit() else None
    if row is None or not constant_time_compare(_address(row.email), address):
        raise signing.BadSignature("Not this address's link")
    return row


def confirm_token(subscriber):
    return TimestampSigner(salt=CONFIRM_SALT).sign(f"{subscriber.pk}.{_address(subscriber.email)}")


def read_confirm_token(token):
    """The subscriber a confirmation link was made for; ``SignatureExpired`` once it would
    have been forgotten, ``BadSignature`` for a link that is not one of ours (or whose
    address was forgotten since)."""
    max_age = settings.COMMENTS_CONFIRM_DAYS * 86400
    return _row(Subscriber, TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age))


def unsubscribe_token(comment):
    """The link in every mail about ``comment``: it stops those, or all of its address's."""
    return Signer(salt=UNSUBSCRIBE_SALT).sign(f"{comment.pk}.{_address(comment.email)}")


def read_unsubscribe_token(token):
    """The comment an unsubscribe link was made for; ``BadSignature`` if none."""
    return _row(Comment, Signer(salt=UNSUBSCRIBE_SALT).unsign(token))


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
    link = _link(subscriber.language, "comments:confirm", confirm_token(subscriber))
    _send(subscriber.email, subscriber.language, "confirm", {"link": link,
          "days": settings.COMMENTS_CONFIRM_DAYS})  # fmt: skip


def send_approval(comment):
    language = comment.language
    _send(
        comment.email, language, "approved",
        {"comment": comment, "title": _title(comment, language), "url": _url(comment, language)},
        unsubscribe=_link(language, "comments:unsubscribe", unsubscribe_token(comment)),
    )  # fmt: skip


def send_replies(parent, replies):
    language = parent.language
    _send(
        parent.email, language, "replies",
        {"comment": parent, "replies": replies, "title": _title(parent, language),
         "url": _url(replies[0], language)},
        unsubscribe=_link(language, "comments:unsubscribe", unsubscribe_token(parent)),
    )  # fmt: skip


def _title(comment, language):
    article = comment.article
    return getattr(article, build_localized_fieldname("title", language)) or str(article)


def _url(comment, language):
    with translation.override(language):
        return absolute_url(comment.get_absolute_url())
