"""The one place that decides what happens to a comment: closed, held as spam, or pending.

Nothing a visitor sends is published before a moderator approves it, and
nothing is dropped: suspected spam is stored with status spam for review.
"""

import logging
import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from articles.models import Article
from core.clientip import client_ip

from . import notifications, tasks
from .models import Comment, DisallowedWord

logger = logging.getLogger(__name__)

# A link, as spammers write them: a scheme (also disguised, hxxp://, h**ps://), www., or a
# domain name with a common or a cheap top-level domain, or any domain followed by a path.
LINK = re.compile(
    r"\bh\S\Sps?://|\bwww\.|\b[\w-]+\.(?:com|net|org|info|biz|xyz|top|ru|cn|io|co|me|cc|tk|ml"
    r"|ga|cf|gq|pw|ws|us|uk|de|site|online|shop|store|club|vip|app|dev|link|click|icu|buzz|fun"
    r"|live|win|bid|loan|work)\b|\b[\w-]+\.[a-z]{2,24}/",
    re.I,
)


def normalized(text):
    """Text as the spam checks compare it: compatibility forms folded (fullwidth letters,
    ligatures), invisible format characters (zero-width spaces, joiners) removed, spaces
    collapsed (a trailing no-break space makes no new text), case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.split()).casefold()


def comments_closed(article):
    """Closed by the editor's switch, or by age when COMMENTS_CLOSE_AFTER_DAYS is set."""
    if not article.comments_open:
        return True
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return bool(days) and article.publish_at < timezone.now() - timedelta(days=days)


def next_closing():
    """The next moment comments on a published article close by age, or None (the page
    cache's schedule: the form is gone from the cached page at that moment)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days:
        return None
    age = timedelta(days=days)
    first = (
        Article.objects.published()
        .filter(comments_open=True, publish_at__gt=timezone.now() - age)
        .aggregate(first=Min("publish_at"))["first"]
    )
    return first + age + timedelta(microseconds=1) if first else None


def hash_ip(ip):
    """A keyed hash: the same address gives the same value, but the address is not stored."""
    return salted_hmac("comments.ip", ip or "", algorithm="sha256").hexdigest() if ip else ""


def spam_reasons(comment, *, honeypot, seconds_to_fill):
    """Why ``comment`` looks like spam; an empty list when it does not."""
    reasons = []
    if honeypot:
        reasons.append("honeypot field filled")
    if seconds_to_fill < settings.COMMENTS_MIN_SECONDS:
        reasons.append(f"sent {seconds_to_fill:.1f} s after the form was shown")
    body = normalized(comment.body)
    if len(LINK.findall(body)) > settings.COMMENTS_MAX_LINKS:
        reasons.append("too many links")
    text = f"{normalized(comment.name)}\n{body}"
    words = [
        word
        for word in DisallowedWord.objects.values_list("word", flat=True)
        if normalized(word) in text
    ]
    if words:
        reasons.append("disallowed words: " + ", ".join(words))
    recent = Comment.objects.filter(
        article=comment.article, created_at__gte=timezone.now() - timedelta(hours=1)
    ).values_list("body", flat=True)
    if any(normalized(other) == body for other in recent):
        reasons.append("same text posted on this article within the hour")
    return reasons


def submit(form, request):
    """Store a valid comment with the status moderation gives it; queue the notification."""
    data = form.cleaned_data
    comment = Comment(
        article=form.article,
        parent=data["parent"],
        name=data["name"],
        email=data["email"].casefold(),  # matched case-folded (erase_comments)
        body=data["body"],
        language=translation.get_language(),
        ip_hash=hash_ip(client_ip(request)),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    reasons = spam_reasons(
        comment, honeypot=data["website"], seconds_to_fill=form.seconds_to_fill()
    )
    if reasons:
        comment.status = Comment.Status.SPAM
        comment.spam_reason = "; ".join(reasons)[:200]
    comment.notify = bool(data.get("notify") and comment.email and not reasons)
    # The write lock is held for the insert alone, not for the checks above.
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.PENDING:
            # Queued in the same transaction: stored together, or not at all.
            tasks.notify_moderators.enqueue(comment.pk)
        if comment.notify:
            notifications.ask(request, comment.email, comment.language)
    return comment
