"""Settings for the site: one module, every deploy-time value from the environment.

A laptop needs nothing set (SQLite, local media, a cache shared by the
gunicorn workers through files). Production sets ``DJANGO_SECRET_KEY`` and
leaves ``DJANGO_DEBUG`` off; the site refuses to start without the key.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The site's origin, e.g. https://example.org: every absolute URL (canonical, hreflang,
# Open Graph, sitemap) names it, whatever Host a request claims (core/hosts.py).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
if not SITE_URL and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be set when DJANGO_DEBUG is off, e.g. https://example.org."
    )
if SITE_URL and (site_hostname := urlsplit(SITE_URL).hostname) not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(site_hostname)

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_prose_editor",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "core",
    "articles",
    "comments",
    "search",
    "exchange",
]

# Apps whose models' text is cleaned on every save (core.text).
CLEANED_TEXT_APPS = ["articles", "comments", "exchange"]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",
    "core.hosts.CanonicalHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole pages answer here, before sessions, languages, CSRF and the rest (their
    # headers are stored with each page).
    "core.pagecache.PublicPageCacheMiddleware",
    # A client over the search rate is refused here, before the costly layers below.
    "search.limits.SearchLimitMiddleware",
    "core.csp.CSPMiddleware",  # django-csp's, with the site's policy built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
    # A translator may translate the articles assigned to them (exchange.Assignment).
    "exchange.permissions.AssignmentBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default, tuned for several gunicorn workers writing at once.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers wait instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set; otherwise SQLite files on this machine (diskcache),
# which every gunicorn worker shares and whose writes cost the same however full it is.
# "default" holds pages and their parts, "counters" the flood limit's counts: page traffic
# fills and evicts the first, never the second. One Redis serves both; run it with
# `maxmemory-policy noeviction` so that a full Redis refuses new pages (a miss, logged)
# instead of evicting counters.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_PREFIX = os.environ.get("DJANGO_CACHE_PREFIX", "site")
CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")))
CACHE_MB = int(os.environ.get("DJANGO_CACHE_MB", "512"))


def cache_settings(name, redis_url=REDIS_URL, directory=CACHE_DIR):
    if redis_url:
        # Redis that never takes a page down: errors are logged and read as misses.
        return {
            "BACKEND": "core.rediscache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"{CACHE_PREFIX}:{name}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    return {
        "BACKEND": "core.cache.ResilientDiskCache",
        "LOCATION": str(directory / name),
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.25,  # a write waits this long for another worker's, then drops
        "OPTIONS": {"size_limit": CACHE_MB * 2**20},
    }


# Whole public pages and their parts are cached (core/pagecache.py) for this long at most.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Memory each worker gives its copies of the pages it served lately (core.pagecache.PageCopies).
PAGE_COPIES_MB = int(os.environ.get("DJANGO_PAGE_COPIES_MB", "4"))
# Names this deploy's code and templates in every cache key (core.pagecache.release).
RELEASE = os.environ.get("DJANGO_RELEASE", "")

CACHES = {
    "default": {**cache_settings("pages"), "TIMEOUT": PAGE_CACHE_SECONDS},
    "counters": cache_settings("counters"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese first (the default), English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ()  # never show one language's text under the other
# modeltranslation's tabs would load jQuery UI from a CDN; serve our own copy instead.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media in an S3-compatible store (django-storages) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH")  # covers are public
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL", "https:")
WHITENOISE_MAX_AGE = 3600
FILE_UPLOAD_PERMISSIONS = 0o644

# Uploads: a cover may be 10 MB; larger request bodies are refused outright.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): no inline scripts anywhere, the admin's
# rich-text editor included (its import map carries the request's nonce).
MEDIA_ORIGIN = os.environ.get("DJANGO_MEDIA_ORIGIN", "")  # e.g. https://media.example.org
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],  # the admin sets style attributes
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Admin login lockout (django-axes): 5 failures for one user name from one address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"

# Proxies whose X-Forwarded-For is believed (core/clientip.py): addresses or networks.
# Behind a proxy on this machine, the default trusts loopback only.
TRUSTED_PROXIES = env_list(
    "DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("DJANGO_BEHIND_PROXY") else ""
)

# HTTPS: on in production (DEBUG off) unless DJANGO_HTTPS=0, e.g. for a local demo.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail: SMTP when EMAIL_HOST is set; otherwise the console in debug, and in production a
# log line that names the mail without its addresses or text.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "core.mail.UnsentMailLogBackend"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (moderator mail): queued in the database, sent by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task held longer than this by a worker is taken to be abandoned (manage.py run_worker).
TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", "300"))

# Site behaviour.
ARTICLES_PER_PAGE = 10
RELATED_ARTICLES_COUNT = 6
# How long a link that lets a medical reviewer read and sign off an article stays valid.
REVIEW_LINK_DAYS = 14
COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_MAX_PIXELS = 40_000_000
COVER_MAX_SIDE = 12_000  # WebP holds at most 16,383 pixels a side
COVER_MAX_ASPECT = 10  # renditions of a narrower strip would be a few pixels wide
COVER_WIDTHS = (480, 960, 1440)
SITE_NAME = _("Spine Health Notes")
HOME_URL_NAME = "articles:home"  # where / sends a visitor, in their language

# How long a process trusts the page versions it read from the database: a change made by
# another instance or worker shows within this time (0: ask the database on every request).
PAGE_VERSIONS_SECONDS = float(os.environ.get("PAGE_VERSIONS_SECONDS", "1"))
PAGE_CACHE_PREFIXES = (*(f"/{code}/" for code, _name in LANGUAGES), "/sitemap")

# Comments.
COMMENTS_RATE = os.environ.get("COMMENTS_RATE", "10/10m")  # per client IP, across all workers
SEARCH_RATE = os.environ.get("SEARCH_RATE", "60/m")  # searches per client IP
SEARCH_TIME_LIMIT_MS = int(os.environ.get("SEARCH_TIME_LIMIT_MS", "250"))
COMMENTS_MIN_SECONDS = float(os.environ.get("COMMENTS_MIN_SECONDS", "3"))
COMMENTS_MAX_LINKS = 2
COMMENTS_MAX_REQUEST_BYTES = 64 * 1024  # a full comment form, in any script, is far smaller
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "0"))  # 0: never
COMMENTS_NOTIFY = env_list("COMMENTS_NOTIFY")  # extra addresses besides the Moderators group
# Commenters who ask to be notified (comments.notifications): an address that does not confirm
# within this many days is forgotten; it is sent a confirmation at most once in this many
# hours, and one client may ask for this many.
COMMENTS_CONFIRM_DAYS = 7
COMMENTS_CONFIRM_RESEND_HOURS = 24
COMMENTS_CONFIRM_RATE = "5/d"
# Replies approved within this time go out in one mail.
COMMENTS_REPLY_BATCH_MINUTES = int(os.environ.get("COMMENTS_REPLY_BATCH_MINUTES", "10"))
# When the cache is down, comments are still taken (and moderated); only the flood limit pauses.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "core.clientip.client_ip"
# Counters live apart from pages, so that page traffic can never evict them.
RATELIMIT_USE_CACHE = "counters"

# Logs go to stdout: one line per request (core.observability) with its
# request id; JSON lines when DJANGO_LOG_FORMAT=json. No email or IP is logged.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {
            "()": "core.observability.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs every 4xx with the path; our request line says it already.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "axes": {"level": "ERROR"},  # its warnings name the client address
        # A scanner's bad Host header is not an error of ours: no traceback per request.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
    },
}
