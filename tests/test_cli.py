"""The `gazette` command as an operator runs it: a real process on a fresh data directory.

Each run takes a second or more, so the site is set up once for the module and the tests
share it (each with its own usernames and files)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

GAZETTE = str(Path(sys.executable).with_name("gazette"))


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an operator's shell: Gazette's own settings, this data directory."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GAZETTE_", "DJANGO_")) and k not in ("DATABASE_URL", "SECRET_KEY")
    }
    env.update(GAZETTE_DATA_DIR=str(data_dir), SECRET_KEY="cli-test-secret-key-" + "x" * 40)
    env.update(extra)
    return env


def gazette(data_dir: Path, *args: str, stdin: str = "", timeout: int = 120):
    return subprocess.run(
        [GAZETTE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(data_dir),
        timeout=timeout,
        cwd=data_dir,
    )


def query(data_dir: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(data_dir / "gazette.sqlite3") as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data directory on which `gazette setup` has run once."""
    path = tmp_path_factory.mktemp("gazette-cli")
    result = gazette(path, "setup")
    assert result.returncode == 0, result.stderr
    assert f"Gazette is set up: database {path / 'gazette.sqlite3'}" in result.stdout
    return path


PAGES = "SELECT id, title, url_path FROM wagtailcore_page ORDER BY path"


def test_setup_creates_the_database_and_a_second_run_changes_nothing(data_dir):
    assert (data_dir / "gazette.sqlite3").is_file()
    assert (data_dir / "static" / "gazette" / "site.css").is_file()
    pages = query(data_dir, PAGES)
    url_paths = [p[2] for p in pages]
    # The root, one home page (Wagtail's "Welcome" page replaced by Gazette's) and /authors/.
    assert url_paths[:2] == ["/", "/home/"] and url_paths.count("/home/") == 1
    assert "/home/authors/" in url_paths
    groups = query(data_dir, "SELECT name FROM auth_group ORDER BY name")
    assert {"Authors", "Contributors", "Editors"} <= {name for (name,) in groups}

    again = gazette(data_dir, "setup")

    assert again.returncode == 0, again.stderr
    assert "Gazette is set up" in again.stdout
    assert query(data_dir, PAGES) == pages
    assert query(data_dir, "SELECT name FROM auth_group ORDER BY name") == groups
    assert query(data_dir, "SELECT count(*) FROM wagtailcore_site") == [(1,)]


def user_row(data_dir: Path, username: str):
    rows = query(
        data_dir,
        "SELECT is_staff, is_superuser, password FROM auth_user WHERE username = ?",
        username,
    )
    return rows[0] if rows else None


def groups_of(data_dir: Path, username: str) -> list[str]:
    return [
        name
        for (name,) in query(
            data_dir,
            "SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id "
            "JOIN auth_user u ON u.id = ug.user_id WHERE u.username = ?",
            username,
        )
    ]


def test_user_create_editor_with_password_on_stdin(data_dir):
    result = gazette(
        data_dir, "user", "create", "maria", "--role", "editor", stdin="harbour-lights-42\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Created editor maria."
    is_staff, is_superuser, password = user_row(data_dir, "maria")
    assert (is_staff, is_superuser) == (1, 0)
    assert groups_of(data_dir, "maria") == ["Editors"]
    # Stored hashed, never as typed.
    assert "harbour-lights-42" not in password
    assert password.startswith(("pbkdf2_", "argon2", "bcrypt", "scrypt"))


def test_user_create_admin_is_a_superuser(data_dir):
    result = gazette(
        data_dir, "user", "create", "chief", "--role", "admin", stdin="quiet-river-stones-7\n"
    )
    assert result.returncode == 0, result.stderr
    is_staff, is_superuser, _ = user_row(data_dir, "chief")
    assert (is_staff, is_superuser) == (1, 1)


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["weak", "--role", "author"], "abc\n", "Password refused: This password is too short."),
        (["common", "--role", "author"], "password123\n", "This password is too common."),
        (["empty", "--role", "author"], "\n", "A password is required"),
        (
            ["nobody", "--role", "chief"],
            "quiet-river-stones-7\n",
            "argument --role: invalid choice: 'chief'",
        ),
    ],
    ids=["too short", "too common", "empty", "bad role"],
)
def test_user_create_refuses_with_a_clear_message(data_dir, args, stdin, message):
    result = gazette(data_dir, "user", "create", *args, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert user_row(data_dir, args[0]) is None


def test_user_create_refuses_an_existing_username(data_dir):
    first = gazette(
        data_dir, "user", "create", "sam", "--role", "author", stdin="first-password-991\n"
    )
    assert first.returncode == 0, first.stderr
    _, _, password = user_row(data_dir, "sam")

    again = gazette(
        data_dir, "user", "create", "sam", "--role", "editor", stdin="second-password-992\n"
    )

    assert again.returncode != 0
    assert "A user named 'sam' already exists." in again.stderr
    assert "Traceback" not in again.stderr
    assert user_row(data_dir, "sam")[2] == password
    assert groups_of(data_dir, "sam") == ["Authors"]


def test_publish_prints_the_article_url(data_dir):
    story = data_dir / "bridge.md"
    story.write_text(
        "---\ntitle: Bridge reopens after repairs\nsection: News\nauthors: Jane Roe\n---\n"
        "Traffic flows again.\n",
        encoding="utf-8",
    )
    result = gazette(data_dir, "publish", str(story))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{story}: created, published: http://127.0.0.1:8000/news/bridge-reopens-after-repairs/"
    )
    assert query(
        data_dir,
        "SELECT title FROM wagtailcore_page WHERE live AND url_path = ?",
        "/home/news/bridge-reopens-after-repairs/",
    ) == [("Bridge reopens after repairs",)]


def test_publish_bad_file_exits_non_zero_with_file_line_and_reason(data_dir):
    story = data_dir / "broken.md"
    story.write_text(
        "---\ntitle: Broken\nsection: News\nauthors: Jane Roe\nstatus: maybe\n---\n",
        encoding="utf-8",
    )
    result = gazette(data_dir, "publish", str(story))
    assert result.returncode != 0
    assert f"{story}:5: status: must be draft or published, not 'maybe'" in result.stderr
    assert "1 of 1 file(s) not published." in result.stderr
    assert "Traceback" not in result.stderr
    assert query(data_dir, "SELECT count(*) FROM wagtailcore_page WHERE title = 'Broken'") == [(0,)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local http URL
        return response.status, response.headers.get("Content-Type", ""), response.read()


def test_serve_really_serves_pages_and_static_files(data_dir):
    port = free_port()
    server = subprocess.Popen(
        [GAZETTE, "serve", "--port", str(port), "--workers", "1"],
        env=cli_env(data_dir),
        cwd=data_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # generous: a busy CI machine starts slowly
        status = None
        while time.monotonic() < deadline:
            assert server.poll() is None, f"gazette serve exited: {server.stdout.read()}"
            try:
                status, content_type, body = get(f"http://127.0.0.1:{port}/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert status == 200, "gazette serve did not answer GET / within 60 seconds"
        assert content_type.startswith("text/html")
        assert b'<html lang="en">' in body

        status, content_type, body = get(f"http://127.0.0.1:{port}/static/gazette/site.css")
        assert status == 200
        assert content_type.startswith("text/css")
        assert b":root" in body

        with pytest.raises(urllib.error.HTTPError) as missing:
            get(f"http://127.0.0.1:{port}/no-such-page/")
        assert missing.value.code == 404
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        server.stdout.close()


def test_serve_refuses_a_port_out_of_range(data_dir):
    result = gazette(data_dir, "serve", "--port", "70000")
    assert result.returncode != 0
    assert "--port must be between 1 and 65535." in result.stderr
