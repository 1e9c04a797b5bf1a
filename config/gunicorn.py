"""gunicorn settings; every value can be set from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))  # 0: workers are not recycled
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# One access-log line per request on stdout, with the request id and without
# the client address; JSON when DJANGO_LOG_FORMAT=json.
accesslog = "-"
logger_class = "core.observability.GunicornLogger"  # escapes control characters
errorlog = "-"
if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
        '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
    )
else:
    access_log_format = '%({x-request-id}o)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl): several
# instances on one machine would share it, and stopping one removes it for the others.
# Nothing here uses it.
control_socket_disable = True
