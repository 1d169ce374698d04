"""An editor's correction shows on the next refresh while the story is under load.

A real `gazette serve` (granian, two workers, page cache on) is hammered by reader threads
while the article is published again from the command line; no reader gets an error, and
every request that starts a second after the publish has returned sees the new headline.
"""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.test_cli import GAZETTE, cli_env, free_port, gazette

STORY = """---
title: {title}
section: News
authors: [Marta Okonkwo]
---
“We are reading every word,” said the editor.
"""


@pytest.fixture
def served(tmp_path):
    assert gazette(tmp_path, "setup").returncode == 0
    story = tmp_path / "story.md"
    story.write_text(STORY.format(title="Harbour closes early"))
    assert gazette(tmp_path, "publish", str(story)).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [GAZETTE, "serve", "--port", str(port), "--workers", "2"],
        env=cli_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - loopback
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield tmp_path, story, base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_correction_under_load_shows_within_a_second_and_no_reader_gets_an_error(served):
    data_dir, story, base = served
    url = base + "/news/harbour-closes-early/"
    results: list[tuple[float, int, bool]] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            started = time.time()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                    body = response.read().decode()
                    results.append((started, response.status, "Harbour reopens" in body))
            except urllib.error.HTTPError as exc:
                results.append((started, exc.code, False))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        # The same file (same article, same URL) with a corrected headline.
        story.write_text(STORY.format(title="Harbour reopens"))
        assert gazette(data_dir, "publish", str(story)).returncode == 0
        published = time.time()
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert len(results) > 50, "the load was not heavy enough to mean anything"
    assert all(status == 200 for _, status, _ in results)
    late = [new for started, _, new in results if started > published + 1.0]
    assert late and all(late), f"{late.count(False)} stale pages after the publish"
    assert any(not new for started, _, new in results if started < published - 0.5)
