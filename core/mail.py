"""Mail where no mail server is configured, in production: a log line, not the message."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class UnsentMailLogBackend(BaseEmailBackend):
    """Notes each message in the log by its subject and number of recipients only: the
    console backend would write addresses and unmoderated comment text into the logs."""

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning(
                "mail not sent (no EMAIL_HOST): %r to %d recipients",
                message.subject, len(message.recipients()),
            )  # fmt: skip
        return 0
