"""Gazette's one settings module.

Every value comes from an environment variable with a safe default, so the same module
serves the demo, the tests and production. Secrets are never in the repository: the
secret key comes from SECRET_KEY, from the file named by SECRET_KEY_FILE, or is generated
once into the data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """Read a setting, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("GAZETTE_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("GAZETTE_DEBUG", False)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    # A key made once and kept beside the database: safe by default, nothing to configure,
    # and sessions survive restarts. Operators who run several machines set SECRET_KEY.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy (the production recipe), GAZETTE_HTTPS=1 turns on every
# HTTPS protection that `manage.py check --deploy` asks for.
HTTPS = env_bool("GAZETTE_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("GAZETTE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("GAZETTE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GAZETTE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("GAZETTE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is hard to undo, so it is the operator's
        # explicit choice (GAZETTE_HSTS_PRELOAD=1), not a warning to nag about.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "gazette.cache",
    "gazette.news",
    "gazette.comments",
    "gazette.newsroom",
    "gazette.images",
    "gazette.distribution",
    "gazette.api",
    "gazette.wordpress",
    "gazette.search",
    "gazette.webhooks",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # django-ninja (the API's OpenAPI document): listed for its bundled Swagger UI files,
    # so the docs page loads no script from a CDN.
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "gazette.cache.middleware.PageCacheMiddleware",
    "gazette.api.middleware.ApiDiscoveryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gazette.newsroom.middleware.PublicationRefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "gazette.urls"
WSGI_APPLICATION = "gazette.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "gazette.news.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default, tuned for several writers at once: WAL lets readers go on
# while one writes, IMMEDIATE takes the write lock at BEGIN (no deadlock-prone lock upgrade),
# and the busy timeout makes a second writer wait instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA foreign_keys=ON;"
    ),
}
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "gazette.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# Keep connections between requests: opening one (and setting its pragmas) costs more than
# a whole cached page.
DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("GAZETTE_LANGUAGE", "en-us")
TIME_ZONE = env("GAZETTE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("GAZETTE_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media is served by the app itself in the embedded setup (gazette serve); the production
# recipe lets nginx serve MEDIA_ROOT directly.
GAZETTE_SERVE_MEDIA = env_bool("GAZETTE_SERVE_MEDIA", True)

# Django's cache holds Wagtail's image renditions (and nothing that must be shared between
# processes); Django's default of 300 entries is soon full on a site with many pictures.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

CSRF_FAILURE_VIEW = "gazette.news.views.csrf_failure"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gazette@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("GAZETTE_LOG_LEVEL", "WARNING")},
}

# Wagtail
WAGTAIL_SITE_NAME = env("GAZETTE_SITE_NAME", "Gazette")
WAGTAILADMIN_BASE_URL = env("GAZETTE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "images.GazetteImage"
# Wagtail's database backend (SQLite FTS5 or PostgreSQL full-text), headlines weighted.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "gazette.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Uploads are checked by content (gazette/images/validation.py); SVG is never accepted, as
# an SVG can carry scripts.
WAGTAILIMAGES_IMAGE_FORM_BASE = "gazette.images.forms.GazetteImageForm"
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILREDIRECTS_AUTO_CREATE = True

# Background work (scheduled publishing, emails, Wagtail's own index updates) goes through
# django-tasks with its database backend: the queue lives in the site's own database, so
# no broker and no cron are needed. `gazette serve` runs a worker beside the web server;
# `gazette worker` runs one on its own for larger installs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Seconds between the worker's passes over the publishing schedule and the task queue.
GAZETTE_WORKER_INTERVAL = env_int("GAZETTE_WORKER_INTERVAL", 5)

# Gazette's page cache (gazette.cache): on by default, in the data directory, where nginx
# can serve the same files in edge mode (deploy/nginx-edge.conf).
GAZETTE_PAGE_CACHE = env_bool("GAZETTE_PAGE_CACHE", True)
GAZETTE_PAGE_CACHE_DIR = Path(env("GAZETTE_PAGE_CACHE_DIR", str(DATA_DIR / "pagecache")))
# Parts of pages kept rendered in each process ({% fragment %}, gazette/cache/fragments.py),
# checked against the same purges: what the uncached path does not have to render again.
GAZETTE_FRAGMENT_CACHE = env_bool("GAZETTE_FRAGMENT_CACHE", True)
GAZETTE_FRAGMENT_CACHE_ENTRIES = env_int("GAZETTE_FRAGMENT_CACHE_ENTRIES", 5000)
# Several machines, one database (the production recipe in deploy/README.md): each purge is
# written to the database too, and every machine's sweeper applies the others' purges.
GAZETTE_PURGE_BROADCAST = env_bool("GAZETTE_PURGE_BROADCAST", False)
GAZETTE_PURGE_POLL = float(env("GAZETTE_PURGE_POLL", "0.5"))
GAZETTE_PURGE_LOG_HOURS = env_int("GAZETTE_PURGE_LOG_HOURS", 24)
GAZETTE_MACHINE_ID = env("GAZETTE_MACHINE_ID", "")
# Browsers revalidate every time (a cheap 304); shared caches may keep a page a minute and
# serve it stale while they fetch a new one. A CDN purged through WAGTAILFRONTENDCACHE can
# be given a longer s-maxage.
GAZETTE_CACHE_BROWSER_MAX_AGE = env_int("GAZETTE_CACHE_BROWSER_MAX_AGE", 0)
GAZETTE_CACHE_SHARED_MAX_AGE = env_int("GAZETTE_CACHE_SHARED_MAX_AGE", 60)
GAZETTE_CACHE_STALE_WHILE_REVALIDATE = env_int("GAZETTE_CACHE_STALE_WHILE_REVALIDATE", 30)

# Gazette
GAZETTE_ARTICLES_PER_PAGE = env_int("GAZETTE_ARTICLES_PER_PAGE", 12)
GAZETTE_COMMENT_MAX_LENGTH = env_int("GAZETTE_COMMENT_MAX_LENGTH", 5000)
GAZETTE_COMMENTS_PER_PAGE = env_int("GAZETTE_COMMENTS_PER_PAGE", 50)
# Threads, reports and privacy (gazette.comments): replies deeper than this are shown at the
# last level; this many readers' reports hold a comment for moderation; IP networks are
# forgotten after this many days.
GAZETTE_COMMENTS_MAX_DEPTH = env_int("GAZETTE_COMMENTS_MAX_DEPTH", 3)
GAZETTE_COMMENTS_REPORTS_TO_HOLD = env_int("GAZETTE_COMMENTS_REPORTS_TO_HOLD", 3)
GAZETTE_COMMENTS_IP_RETENTION_DAYS = env_int("GAZETTE_COMMENTS_IP_RETENTION_DAYS", 60)

# Comments: policy and defences (README, "Comments: spam defence and email").
GAZETTE_COMMENTS_CLOSE_AFTER_DAYS = env_int("GAZETTE_COMMENTS_CLOSE_AFTER_DAYS", 0)
GAZETTE_COMMENTS_FORM_GUARD = env_bool("GAZETTE_COMMENTS_FORM_GUARD", True)
GAZETTE_COMMENTS_FORM_MIN_SECONDS = env_int("GAZETTE_COMMENTS_FORM_MIN_SECONDS", 3)
GAZETTE_COMMENTS_FORM_MAX_AGE = env_int("GAZETTE_COMMENTS_FORM_MAX_AGE", 2 * 86400)
# "N/SECONDS": comments accepted from one /24 (IPv4) or /48 (IPv6) network, and from one
# email address, in a sliding window.
GAZETTE_COMMENTS_RATE_NETWORK = env("GAZETTE_COMMENTS_RATE_NETWORK", "10/600")
GAZETTE_COMMENTS_RATE_EMAIL = env("GAZETTE_COMMENTS_RATE_EMAIL", "5/600")
GAZETTE_COMMENTS_HOLD_LINKS = env_int("GAZETTE_COMMENTS_HOLD_LINKS", 2)
GAZETTE_COMMENTS_REJECT_WORDS = env_list("GAZETTE_COMMENTS_REJECT_WORDS")
GAZETTE_COMMENTS_HOLD_WORDS = env_list("GAZETTE_COMMENTS_HOLD_WORDS")
GAZETTE_COMMENTS_SPAM_THRESHOLD = float(env("GAZETTE_COMMENTS_SPAM_THRESHOLD", "0.9"))
# A site's own checks (dotted paths to functions of a Submission returning a Verdict), for
# instance an external spam service: none by default.
GAZETTE_COMMENTS_EXTRA_CHECKS = env_list("GAZETTE_COMMENTS_EXTRA_CHECKS")
# Mails to one recipient per day (verification, reply notifications), and hours between
# two moderator digests to one moderator.
GAZETTE_COMMENTS_MAILS_PER_DAY = env_int("GAZETTE_COMMENTS_MAILS_PER_DAY", 5)
GAZETTE_COMMENTS_DIGEST_HOURS = env_int("GAZETTE_COMMENTS_DIGEST_HOURS", 6)
# Addresses of reverse proxies whose X-Forwarded-For names the reader (the production
# recipe's nginx on the same machine: 127.0.0.1).
GAZETTE_TRUSTED_PROXIES = env_list("GAZETTE_TRUSTED_PROXIES")

# Email: the console in the demo; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST and not env("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# Feeds and sitemaps (gazette.distribution): feeds carry the whole article or only its
# standfirst; how many articles a feed lists; URLs per sitemap file (at most 50,000).
GAZETTE_FEED_FULL_TEXT = env_bool("GAZETTE_FEED_FULL_TEXT", True)
GAZETTE_FEED_ITEMS = env_int("GAZETTE_FEED_ITEMS", 20)
GAZETTE_SITEMAP_SIZE = env_int("GAZETTE_SITEMAP_SIZE", 10000)
# The publisher's logo in articles' structured data (a static file's path, or a URL).
GAZETTE_PUBLISHER_LOGO = env("GAZETTE_PUBLISHER_LOGO", "gazette/favicon.svg")

# The API (gazette.api): how many items a page may hold, and the largest JSON body accepted
# (image uploads are limited by WAGTAILIMAGES_MAX_UPLOAD_SIZE instead).
GAZETTE_API_MAX_PER_PAGE = env_int("GAZETTE_API_MAX_PER_PAGE", 100)
GAZETTE_API_MAX_BODY = env_int("GAZETTE_API_MAX_BODY", 1_000_000)
GAZETTE_SEARCH_RESULTS_PER_PAGE = env_int("GAZETTE_SEARCH_RESULTS_PER_PAGE", 10)
# A search ranks at most this many matching articles, the newest (gazette.search.sqlite_fts):
# a word found in every article then costs what a word found in this many costs.
GAZETTE_SEARCH_RANK_LIMIT = env_int("GAZETTE_SEARCH_RANK_LIMIT", 1000)
# Webhooks (gazette.webhooks): addresses that are not on the public internet (private,
# loopback, link-local, ...) are refused at delivery time unless this is on, e.g. for a
# receiver on the same machine or network.
GAZETTE_WEBHOOKS_ALLOW_PRIVATE = env_bool("GAZETTE_WEBHOOKS_ALLOW_PRIVATE", False)
GAZETTE_WEBHOOKS_TIMEOUT = env_int("GAZETTE_WEBHOOKS_TIMEOUT", 10)
GAZETTE_WEBHOOKS_MAX_ATTEMPTS = env_int("GAZETTE_WEBHOOKS_MAX_ATTEMPTS", 8)
