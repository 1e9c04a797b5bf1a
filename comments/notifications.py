"""Commenters who asked to be told: when their comment is approved, and when an approved
reply answers it. Only after they confirm their address, in a mail that holds no
visitor's text; an address that never confirms is forgotten.

The form's box ("Notify me …") asks (``ask``); a comment becoming approved, by any path,
queues the mails (``approved``); the mails themselves are tasks (``comments.tasks``).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from . import tasks
from .models import Comment, Subscriber


def ask(request, email, language):
    """``email`` asked to be notified: send it a confirmation unless it is confirmed, was
    sent one lately (settings.COMMENTS_CONFIRM_RESEND_HOURS), or this client has asked for
    too many (settings.COMMENTS_CONFIRM_RATE): a stranger's address cannot be mail-bombed."""
    subscriber, _created = Subscriber.objects.get_or_create(
        email=email, defaults={"language": language}
    )
    if subscriber.confirmed_at:
        return
    now = timezone.now()
    resend = timedelta(hours=settings.COMMENTS_CONFIRM_RESEND_HOURS)
    if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < resend:
        return
    if is_ratelimited(request, group="comments.confirm", key="ip",
                      rate=settings.COMMENTS_CONFIRM_RATE, increment=True):  # fmt: skip
        return
    subscriber.confirmation_sent_at, subscriber.language = now, language
    subscriber.save(update_fields=["confirmation_sent_at", "language"])
    tasks.send_confirmation.enqueue(subscriber.pk)
    forget = now + timedelta(days=settings.COMMENTS_CONFIRM_DAYS)
    tasks.forget_unconfirmed.using(run_after=forget).enqueue(subscriber.pk)


def approved(comments):
    """``comments`` were just approved: queue the mails their authors, and the authors of
    the comments they answer, asked for. Replies are told in one mail a few minutes later."""
    batch = timezone.now() + timedelta(minutes=settings.COMMENTS_REPLY_BATCH_MINUTES)
    for comment in comments:
        if comment.notify and comment.email:
            tasks.notify_approved.enqueue(comment.pk)
        if comment.parent_id:
            tasks.notify_replies.using(run_after=batch).enqueue(comment.parent_id)


def on_save(sender, instance, created, **kwargs):
    """``post_save`` of a comment: approved now, and was not before."""
    was = None if created else getattr(instance, "loaded_status", None)
    if instance.status == Comment.Status.APPROVED and was != Comment.Status.APPROVED:
        approved([instance])
