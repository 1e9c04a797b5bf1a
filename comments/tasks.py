"""Work done after a comment is stored, by the task worker (``manage.py db_worker``).

The task is written to the database in the same transaction as the comment
(django-tasks with its database backend), so a process that dies between the
commit and the mail loses nothing, and a stalled mail server holds up a
worker, never a visitor's request.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.hosts import absolute_url

from . import mails
from .models import Comment, Subscriber

logger = logging.getLogger(__name__)
ATTEMPTS = 5


def moderator_emails():
    users = (
        get_user_model().objects.filter(is_active=True, groups__name="Moderators").exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)) | set(settings.COMMENTS_NOTIFY))


@task()
def notify_moderators(comment_id, attempt=1):
    """Email the moderators about a comment waiting for them; on a mail failure, log it and
    try again later (after 1, 2, 4, 8 minutes), then give up with an error in the log."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = moderator_emails()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return
    if comment.moderators_notified_at:
        return  # sent by a worker that died before it could say so
    url = absolute_url(reverse("admin:comments_comment_change", args=[comment.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New comment awaiting moderation on “%(title)s”") % {
            "title": comment.article.title
        }
    body = f"{comment.name}:\n\n{comment.body}\n\n{url}\n"
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as error:
        if attempt >= ATTEMPTS:
            logger.error("Gave up emailing moderators about comment %s: %r", comment_id, error)
            return
        logger.warning(
            "Could not email moderators about comment %s (attempt %d), trying again: %r",
            comment_id, attempt, error,
        )  # fmt: skip
        later = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
        notify_moderators.using(run_after=later).enqueue(comment_id, attempt + 1)
    else:
        # Recorded the moment the mail server took it: the task run again sends nothing.
        Comment.objects.filter(pk=comment.pk).update(moderators_notified_at=timezone.now())


# Mail to commenters who asked for it (comments.notifications). Each task sends at most one
# mail and records it, so a task run again sends nothing; a failure is retried like the
# moderators' mail.


def _retry(task, error, attempt, *args):
    if attempt >= ATTEMPTS:
        logger.error("Gave up on %s%r: %r", task.name, args, error)
        return
    logger.warning("%s%r failed (attempt %d), trying again: %r", task.name, args, attempt, error)
    later = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
    task.using(run_after=later).enqueue(*args, attempt + 1)


@task()
def send_confirmation(subscriber_id, attempt=1):
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at=None).first()
    if subscriber is None:
        return
    try:
        mails.send_confirmation(subscriber)
    except Exception as error:
        _retry(send_confirmation, error, attempt, subscriber_id)


@task()
def forget_unconfirmed(subscriber_id):
    """An address that never confirmed is forgotten (settings.COMMENTS_CONFIRM_DAYS)."""
    Subscriber.objects.filter(pk=subscriber_id, confirmed_at=None).delete()


def _confirmed(email):
    return Subscriber.objects.filter(email=email).exclude(confirmed_at=None).exists()


@task()
def notify_approved(comment_id, attempt=1):
    """Tell a comment's author it was approved, once, if they asked and confirmed."""
    comment = (
        Comment.objects.select_related("article")
        .filter(pk=comment_id, notify=True, status=Comment.Status.APPROVED)
        .exclude(email="")
        .first()
    )
    if comment is None or comment.approval_notified_at or not _confirmed(comment.email):
        return
    try:
        mails.send_approval(comment)
    except Exception as error:
        _retry(notify_approved, error, attempt, comment_id)
    else:
        Comment.objects.filter(pk=comment.pk).update(approval_notified_at=timezone.now())


@task()
def notify_replies(parent_id, attempt=1):
    """Tell a comment's author about the approved replies to it not yet told: one mail for
    all that came in while this task waited (settings.COMMENTS_REPLY_BATCH_MINUTES)."""
    parent = (
        Comment.objects.select_related("article")
        .filter(pk=parent_id, notify=True, status=Comment.Status.APPROVED)
        .exclude(email="")
        .first()
    )
    if parent is None or not _confirmed(parent.email):
        return
    replies = list(
        parent.replies.filter(status=Comment.Status.APPROVED, reply_notified_at=None)
        .exclude(email=parent.email)
        .order_by("created_at", "id")
    )
    if not replies:
        return
    try:
        mails.send_replies(parent, replies)
    except Exception as error:
        _retry(notify_replies, error, attempt, parent_id)
    else:
        Comment.objects.filter(pk__in=[r.pk for r in replies]).update(
            reply_notified_at=timezone.now()
        )
