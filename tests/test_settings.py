"""Gazette's settings as an operator meets them: safe defaults, production by environment,
a secret key that is never in the repository, and SQLite tuned for several writers."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler

import gazette.settings

GAZETTE = str(Path(sys.executable).with_name("gazette"))
SETTINGS_FILE = gazette.settings.__file__
PRODUCTION_KEY = secrets.token_urlsafe(50)

needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite tuning; the suite runs on another database"
)


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """An operator's shell: none of this test run's settings, only what the test gives."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GAZETTE_", "DJANGO_", "SECRET_KEY"))
        and k not in ("DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
    }
    env.update(GAZETTE_DATA_DIR=str(data_dir), **extra)
    return env


def load_settings(monkeypatch, data_dir: Path, **env: str) -> dict:
    """Run gazette/settings.py afresh, as a new process would, under this environment."""
    for name in list(os.environ):
        if name.startswith(("GAZETTE_", "SECRET_KEY")) or name in ("DATABASE_URL", "ALLOWED_HOSTS"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GAZETTE_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


# Defaults and production


def test_debug_is_off_by_default(monkeypatch, tmp_path):
    assert load_settings(monkeypatch, tmp_path)["DEBUG"] is False


@pytest.mark.parametrize("value", ["1", "true", "Yes", "on"])
def test_debug_is_on_only_when_asked(monkeypatch, tmp_path, value):
    assert load_settings(monkeypatch, tmp_path, GAZETTE_DEBUG=value)["DEBUG"] is True


def test_default_allowed_hosts_are_local_only(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path)
    assert loaded["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_https_turns_on_every_https_protection(monkeypatch, tmp_path):
    plain = load_settings(monkeypatch, tmp_path)
    assert "SECURE_SSL_REDIRECT" not in plain
    https = load_settings(monkeypatch, tmp_path, GAZETTE_HTTPS="1")
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SESSION_COOKIE_SECURE"] is True
    assert https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def check_deploy(data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GAZETTE, "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=data_dir,
        env=clean_env(data_dir, **env),
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    result = check_deploy(
        tmp_path, GAZETTE_HTTPS="1", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="news.example.com"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_not_turned_on(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="news.example.com")
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W012" in result.stderr  # session cookie not secure


# The secret key


def test_secret_key_is_generated_once_into_the_data_dir_with_mode_0600(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 50

    second = load_settings(monkeypatch, tmp_path)
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_data_dir_gets_its_own_secret_key(monkeypatch, tmp_path):
    one = load_settings(monkeypatch, tmp_path / "one")["SECRET_KEY"]
    two = load_settings(monkeypatch, tmp_path / "two")["SECRET_KEY"]
    assert one != two


def test_secret_key_from_the_environment_wins_and_no_file_is_written(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=PRODUCTION_KEY)
    assert loaded["SECRET_KEY"] == PRODUCTION_KEY
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_from_a_file_named_by_secret_key_file(monkeypatch, tmp_path):
    key_file = tmp_path / "mounted-secret"
    key_file.write_text(PRODUCTION_KEY + "\n")
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY_FILE=str(key_file))
    assert loaded["SECRET_KEY"] == PRODUCTION_KEY


def test_unreadable_secret_key_file_is_a_clear_error(monkeypatch, tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(ImproperlyConfigured, match=f"SECRET_KEY_FILE: cannot read {missing}"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY_FILE=str(missing))


# Bad values


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GAZETTE_DEBUG", "maybe", "GAZETTE_DEBUG must be true or false, not 'maybe'"),
        ("GAZETTE_HTTPS", "sometimes", "GAZETTE_HTTPS must be true or false, not 'sometimes'"),
        ("GAZETTE_SERVE_MEDIA", "2", "GAZETTE_SERVE_MEDIA must be true or false, not '2'"),
        (
            "GAZETTE_ARTICLES_PER_PAGE",
            "ten",
            "GAZETTE_ARTICLES_PER_PAGE must be a whole number, not 'ten'",
        ),
    ],
)
def test_bad_environment_value_is_refused_with_a_clear_message(
    monkeypatch, tmp_path, name, value, message
):
    with pytest.raises(ImproperlyConfigured) as info:
        load_settings(monkeypatch, tmp_path, **{name: value})
    assert str(info.value) == message


def test_cli_reports_a_bad_environment_value_in_one_line(tmp_path):
    result = subprocess.run(
        [GAZETTE, "check"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=clean_env(tmp_path, GAZETTE_DEBUG="maybe"),
    )
    assert result.returncode != 0
    assert result.stderr == (
        "gazette: configuration error: GAZETTE_DEBUG must be true or false, not 'maybe'\n"
    )


# SQLite


@needs_sqlite
def test_sqlite_transactions_begin_immediate():
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_for_sqlite_gets_the_same_tuning(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/other.db")
    options = loaded["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    default = load_settings(monkeypatch, tmp_path)["DATABASES"]["default"]
    assert default["NAME"] == tmp_path / "gazette.sqlite3"
    assert default["OPTIONS"] == options


@needs_sqlite
def test_sqlite_pragmas_are_in_effect_on_a_real_database_file(tmp_path, django_db_blocker):
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "real.sqlite3")}
    real = ConnectionHandler({"default": config})["default"]
    with django_db_blocker.unblock():
        try:
            with real.cursor() as cursor:
                pragmas = {}
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
                    cursor.execute(f"PRAGMA {name}")
                    pragmas[name] = cursor.fetchone()[0]
        finally:
            real.close()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["busy_timeout"] > 0
    assert pragmas["foreign_keys"] == 1
    assert pragmas["synchronous"] == 1  # NORMAL: safe with WAL, fewer fsyncs


@needs_sqlite
@pytest.mark.django_db
def test_the_suites_own_connection_enforces_foreign_keys_and_waits_when_busy():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] > 0


def test_a_transaction_takes_the_write_lock_at_begin(tmp_path):
    """With the production defaults, a second writer is kept out from the first statement of
    a transaction, not only from its first write (no deadlock-prone lock upgrade)."""
    script = textwrap.dedent("""
        import json, sqlite3, django
        django.setup()
        from django.conf import settings
        from django.db import connection, transaction
        connection.ensure_connection()
        path = str(settings.DATABASES["default"]["NAME"])
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        result = {}
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                result["inside"] = "free"
            except sqlite3.OperationalError as exc:
                result["inside"] = str(exc)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        result["after"] = "free"
        print(json.dumps(result))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=clean_env(tmp_path, DJANGO_SETTINGS_MODULE="gazette.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"inside": "database is locked", "after": "free"}
    # And the database file really is in WAL mode for every other reader.
    with sqlite3.connect(tmp_path / "gazette.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
