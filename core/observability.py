"""Request ids and log formatting: every log line of a request carries the same id."""

import contextvars
import json
import logging
import os
import re

from gunicorn import glogging

_request_id = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Take the proxy's ``X-Request-ID`` when it looks sane, else make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # 32 random hex digits, the form of uuid4().hex, without building a UUID.
        request.id = incoming if _VALID_ID.match(incoming) else os.urandom(16).hex()
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the traceback as a field."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(value):
    """Control characters as escapes (``\\n``): text a visitor sent, such as a path with
    ``%0a``, cannot start a forged log line. (gunicorn escapes quotes itself.)"""
    return CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode(), value)


class TextFormatter(logging.Formatter):
    """The plain-text log line with its message escaped; a traceback keeps its lines."""

    def formatMessage(self, record):  # noqa: N802 (logging's name)
        record.message = escape_control(record.message)
        return super().formatMessage(record)


class GunicornLogger(glogging.Logger):
    """gunicorn's access log with every value escaped (``%0a`` in a path stays ``\\n``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: escape_control(value) if isinstance(value, str) else value
                for key, value in atoms.items()}  # fmt: skip
