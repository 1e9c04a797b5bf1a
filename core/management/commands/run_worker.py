"""``manage.py run_worker``: the task worker (django-tasks' ``db_worker``), after taking back
the tasks that a worker which died was holding.

A worker that is killed while it runs a task (a moderator mail, say) leaves the task
RUNNING: nothing would ever send it. Each worker is named after its machine and process
(``<host>-<pid>``); at start, a task held by a worker of this machine whose process is
gone, or held by any worker for longer than ``TASK_LEASE_SECONDS``, is queued again
(and logged). A task that must not be done twice checks for itself whether it was
(``comments.tasks.notify_moderators`` records the mail it sent).
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def host_name():
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname())[:40]


def _gone(worker_id):
    """Whether ``worker_id`` names a process of this machine that no longer runs."""
    host, _sep, pid = worker_id.rpartition("-")
    if host != host_name() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def requeue_abandoned():
    """Queue again the tasks whose worker died; return how many."""
    expired = timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    count = 0
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        holder = result.worker_ids[-1] if result.worker_ids else ""
        if _gone(holder) or (result.started_at and result.started_at < expired):
            updated = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="READY"
            )
            if updated:
                count += 1
                logger.warning(
                    "Task %s (%s) was held by worker %s, which is gone: queued again",
                    result.pk, result.task_path, holder or "unknown",
                )  # fmt: skip
    return count


class Command(BaseCommand):
    help = "Run the task worker, after queueing again the tasks that a dead worker held."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="exit when no task is left")

    def handle(self, batch=False, **options):
        requeue_abandoned()
        call_command(
            "db_worker",
            worker_id=f"{host_name()}-{os.getpid()}",
            no_startup_delay=True,
            batch=batch,
            verbosity=options["verbosity"],
        )
