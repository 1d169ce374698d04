"""Fast settings for the test suite: Gazette's own settings with test-only speed-ups."""

import os
import tempfile

# Always a fresh data directory: tests never touch the demo's ./var.
os.environ["GAZETTE_DATA_DIR"] = tempfile.mkdtemp(prefix="gazette-test-")
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from gazette.settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The page cache is tested on its own (tests/test_page_cache*.py), with a directory per test.
GAZETTE_PAGE_CACHE = False
# Fragments are kept per process across tests, while each test's database is rolled back:
# they are tested on their own (tests/test_fragments.py) and with the page cache.
GAZETTE_FRAGMENT_CACHE = False
# Large enough that no entry is culled during a run: query-count tests rely on cached
# renditions staying cached between two requests.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Persistent connections outlive the live-server threads of browser tests and keep
# PostgreSQL from dropping the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run inline, inside the test's transaction, so a test sees their effects at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests that post the form directly have no rendered page, hence no signed timestamp; the
# form guard is tested with it on (tests/test_comment_defence.py). The honeypot stays on.
GAZETTE_COMMENTS_FORM_GUARD = False
