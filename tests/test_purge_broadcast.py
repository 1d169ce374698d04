"""Purges reaching every machine through the database (GAZETTE_PURGE_BROADCAST): two
machines are two cache directories with their own names, sharing the test database."""

from __future__ import annotations

import os
import time

import pytest
from django.db import transaction

from gazette.cache import broadcast, fragments, get_store, purge, purge_all
from gazette.cache.models import Purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def machines(settings, tmp_path):
    settings.GAZETTE_PURGE_BROADCAST = True
    settings.GAZETTE_PAGE_CACHE = True
    settings.GAZETTE_FRAGMENT_CACHE = True
    broadcast._applied.clear()

    def be(name: str):
        settings.GAZETTE_MACHINE_ID = name
        settings.GAZETTE_PAGE_CACHE_DIR = tmp_path / name
        return get_store()

    return be


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def store_page(store, path: str, tag: str):
    location = store.locate("testserver", path)
    assert store.put(
        location,
        body=b"<p>cached</p>",
        headers=[("Content-Type", "text/html")],
        tags=[tag],
        started=time.time(),
    )
    return location


def test_a_purge_on_one_machine_reaches_the_other(machines, committed):
    b = machines("b")
    assert broadcast.apply_remote() == 0  # b starts following the log
    kept = store_page(b, "/news/story/", "page:7")
    other = store_page(b, "/world/other/", "page:8")

    a = machines("a")
    broadcast.apply_remote()
    committed(purge, {"page:7"})
    assert Purge.objects.filter(origin="a", tags="page:7").exists()

    b = machines("b")
    assert broadcast.apply_remote() == 1
    assert b.get(kept) is None and b.get(other) is not None
    assert broadcast.apply_remote() == 0  # applied once
    assert a.get(a.locate("testserver", "/news/story/")) is None


def test_a_machine_skips_its_own_purges(machines, committed):
    a = machines("a")
    broadcast.apply_remote()
    committed(purge, {"page:1"})
    page = store_page(a, "/news/after/", "page:1")  # rendered after its own purge
    assert broadcast.apply_remote() == 0
    assert a.get(page) is not None


def test_a_rolled_back_change_broadcasts_nothing(machines):
    machines("a")
    with pytest.raises(RuntimeError), transaction.atomic():
        purge({"page:3"})
        raise RuntimeError("the editor's save failed")
    assert not Purge.objects.exists()


def test_a_late_committed_row_with_a_lower_id_is_still_applied(machines):
    b = machines("b")
    broadcast.apply_remote()
    first = Purge.objects.create(tags="page:1", origin="a")
    Purge.objects.create(tags="page:2", origin="a")
    first_id = first.pk
    first.delete()  # not yet visible: its transaction is still open
    assert broadcast.apply_remote() == 1
    page = store_page(b, "/news/late/", "page:1")
    Purge.objects.create(pk=first_id, tags="page:1", origin="a")  # now it commits
    assert broadcast.apply_remote() == 1
    assert b.get(page) is None


def test_purge_all_reaches_the_other_machine(machines):
    b = machines("b")
    broadcast.apply_remote()
    page = store_page(b, "/news/x/", "page:1")
    machines("a")
    purge_all()
    b = machines("b")
    assert broadcast.apply_remote() == 1
    assert b.get(page) is None


def test_a_machine_away_longer_than_the_log_empties_its_cache(machines, settings):
    b = machines("b")
    broadcast.apply_remote()
    page = store_page(b, "/news/y/", "page:1")
    seen = settings.GAZETTE_PAGE_CACHE_DIR / ".broadcast-seen"
    long_ago = time.time() - 25 * 3600
    os.utime(seen, (long_ago, long_ago))
    broadcast.apply_remote()
    assert b.get(page) is None


def test_fragments_follow_remote_purges_with_the_page_cache_off(machines, settings):
    settings.GAZETTE_PAGE_CACHE = False
    machines("b")
    broadcast.apply_remote()
    time.sleep(0.01)  # rendered after the clean start
    fragments.put(("article", 5), "old", {"page:5"}, time.time())
    assert fragments.get(("article", 5)) is not None
    Purge.objects.create(tags="page:5", origin="a")
    assert broadcast.apply_remote() == 1
    assert fragments.get(("article", 5)) is None


def test_the_log_is_pruned(machines, settings):
    machines("a")
    old = Purge.objects.create(tags="page:1", origin="a")
    Purge.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2000))
    Purge.objects.create(tags="page:2", origin="a")
    assert broadcast.prune() == 1
    assert list(Purge.objects.values_list("tags", flat=True)) == ["page:2"]


def test_without_broadcast_nothing_is_written(settings, committed, tmp_path):
    settings.GAZETTE_PURGE_BROADCAST = False
    settings.GAZETTE_PAGE_CACHE_DIR = tmp_path / "pc"
    committed(purge, {"page:1"})
    assert not Purge.objects.exists()
