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

from .models import Comment

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
