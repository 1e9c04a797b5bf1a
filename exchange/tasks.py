"""The mails of assignments, sent by the task worker; a failed mail is tried again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from . import assignments
from .models import Assignment

logger = logging.getLogger(__name__)
ATTEMPTS = 5


def _send(task_function, assignment_id, attempt, write, recipient):
    assignment = Assignment.objects.select_related(
        "article", "translator", "assigned_by").filter(pk=assignment_id).first()  # fmt: skip
    address = getattr(recipient(assignment), "email", "") if assignment else ""
    if not address:
        return
    subject, body = write(assignment)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as error:
        if attempt >= ATTEMPTS:
            logger.error("Gave up on %s(%s): %r", task_function.name, assignment_id, error)
            return
        logger.warning("%s(%s) failed (attempt %d): %r", task_function.name, assignment_id,
                       attempt, error)  # fmt: skip
        later = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
        task_function.using(run_after=later).enqueue(assignment_id, attempt + 1)


@task()
def mail_assigned(assignment_id, attempt=1):
    _send(mail_assigned, assignment_id, attempt, assignments.assigned_mail,
          lambda assignment: assignment.translator)  # fmt: skip


@task()
def mail_returned(assignment_id, attempt=1):
    _send(mail_returned, assignment_id, attempt, assignments.returned_mail,
          lambda assignment: assignment.assigned_by)  # fmt: skip
