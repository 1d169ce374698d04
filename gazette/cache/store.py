"""The page store: cached pages as files, laid out so that nginx can serve them too.

A page for ``http://host/news/story/`` lives at ``ROOT/host/news/story/index.html`` with
``index.html.gz`` and ``index.html.br`` beside it (precompressed once, at store time) and
``index.html.meta``, a small JSON file of its headers and content tags. ``?page=2`` of a
list is ``page-2.html``. The meta file is written last, and on a purge the body goes first,
so nginx (edge mode) stops serving a purged page at once and the app never serves a body
without its headers.

Content tags are indexed on disk too: ``ROOT/.tags/<tag>/<entry-id>`` names each page stored
under a tag. A purge removes the tag's pages, then records the time of the purge in
``ROOT/.purged/<tag>``. A page whose rendering started before a purge of one of its tags is
not stored (or is removed again right after), so a page rendered from the old content while
a publish commits can never outlive the purge.

Every operation swallows OSError: a full or missing disk only means pages are served
uncached.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

try:  # brotli is optional: gzip alone still serves every client
    import brotli
except ImportError:  # pragma: no cover - depends on the install
    brotli = None

log = logging.getLogger(__name__)
# How long a page kept in a process's memory is served before its file is looked at again.
RECHECK = 0.05

# Paths made only of these characters are cached; anything else (percent-encoded bytes,
# dots segments, doubled slashes) goes uncached rather than risk an odd file name.
_SAFE_PATH = re.compile(
    r"^/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$"
)
_SAFE_HOST = re.compile(r"^[a-z0-9.-]{1,253}$|^\[[0-9a-f:.]+\]$")
_SAFE_TAG = re.compile(r"^[A-Za-z0-9:._-]{1,200}$")
# Query parameters that never change a page: ignored in the key, so links shared with
# tracking parameters still hit the cache when a story goes viral.
IGNORED_PARAMS = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "ref",
    }
)


@dataclass(frozen=True)
class Location:
    """Where one URL's page is stored: ``base`` plus .meta, '', .gz, .br."""

    host: str
    path: str
    base: Path
    meta: str = ""  # the meta file's path as a string: os.stat() on the hit path

    def __post_init__(self) -> None:
        if not self.meta:
            object.__setattr__(self, "meta", str(self.base) + ".meta")

    @property
    def entry_id(self) -> str:
        return hashlib.sha1(str(self.base).encode(), usedforsecurity=False).hexdigest()


@dataclass
class Entry:
    meta_mtime: int
    status: int
    headers: list[tuple[str, str]]
    etag: str
    last_modified: float
    expires: float | None
    tags: list[str]
    body: bytes
    gzip: bytes | None
    br: bytes | None
    checked: float = 0.0  # time.monotonic() of the last look at the meta file
    # The complete response headers of each variant, built once when the entry is loaded,
    # so a hit only picks one: [identity, gzip, br].
    variants: list[tuple[list[tuple[str, str]], bytes] | None] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        common = [*self.headers, ("Surrogate-Key", " ".join(self.tags)), ("X-Cache", "HIT")]
        self.variants = [
            ([*common, ("Content-Length", str(len(self.body)))], self.body),
            None
            if self.gzip is None
            else (
                [*common, ("Content-Encoding", "gzip"), ("Content-Length", str(len(self.gzip)))],
                self.gzip,
            ),
            None
            if self.br is None
            else (
                [*common, ("Content-Encoding", "br"), ("Content-Length", str(len(self.br)))],
                self.br,
            ),
        ]


def page_number(query: str) -> int | None | bool:
    """The ?page=N of a cacheable query: None for none, N, or False when the query holds
    anything else that could change the page."""
    if not query:
        return None
    number: int | None = None
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if name == "page" and value.isdigit() and 0 < len(value) < 7 and number is None:
            number = int(value)
        elif name not in IGNORED_PARAMS:
            return False
    return 1 if number == 1 else number


class PageStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._memo: dict[str, Entry] = {}

    # Locations -------------------------------------------------------------------------

    def locate(self, host: str, path: str, query: str = "") -> Location | None:
        """The file location for a request, or None when it must not be cached."""
        if not _SAFE_HOST.match(host) or len(path) > 400 or not _SAFE_PATH.match(path):
            return None
        number = page_number(query)
        if number is False:
            return None
        if path.endswith("/"):
            name = "index.html" if number in (None, 1) else f"page-{number}.html"
            base = self.root / host / path.lstrip("/") / name
        elif number in (None, 1):
            base = self.root / host / path.lstrip("/")
        else:
            return None
        return Location(host=host, path=path, base=base)

    # Reading ---------------------------------------------------------------------------

    def get(self, location: Location) -> Entry | None:
        """The stored page, or None. The hot path of every hit: the entry kept in memory,
        checked against its meta file on disk (one stat()) at most every RECHECK seconds.

        A purge in this process forgets the entry at once; one made by another worker or
        machine is seen here within RECHECK (50 ms), well inside the promise that a change
        shows within a second, and it saves a system call on nearly every hit."""
        entry = self._memo.get(location.meta)
        now = time.monotonic()
        if entry is not None and now - entry.checked < RECHECK:
            if entry.expires is not None and time.time() >= entry.expires:
                return None
            return entry
        try:
            mtime = os.stat(location.meta).st_mtime_ns
        except OSError:
            self._memo.pop(location.meta, None)
            return None
        if entry is None or entry.meta_mtime != mtime:
            entry = self._load(location, Path(location.meta), mtime)
            if entry is None:
                self._memo.pop(location.meta, None)
                return None
            if len(self._memo) > 2000:  # bound the process's memory on large sites
                self._memo.clear()
            self._memo[location.meta] = entry
        entry.checked = now
        if entry.expires is not None and time.time() >= entry.expires:
            return None
        return entry

    def _load(self, location: Location, meta_path: Path, mtime: int) -> Entry | None:
        try:
            meta = json.loads(meta_path.read_bytes())
            body = location.base.read_bytes()
        except (OSError, ValueError):
            return None

        def optional(suffix: str) -> bytes | None:
            try:
                return location.base.with_name(location.base.name + suffix).read_bytes()
            except OSError:
                return None

        return Entry(
            meta_mtime=mtime,
            status=meta.get("status", 200),
            headers=[tuple(h) for h in meta["headers"]],
            etag=meta["etag"],
            last_modified=meta["last_modified"],
            expires=meta.get("expires"),
            tags=meta.get("tags", []),
            body=body,
            gzip=optional(".gz"),
            br=optional(".br"),
        )

    # Writing ---------------------------------------------------------------------------

    def put(
        self,
        location: Location,
        *,
        body: bytes,
        headers: list[tuple[str, str]],
        tags: Iterable[str],
        started: float,
        expires: float | None = None,
    ) -> bool:
        """Store a rendered page unless one of its tags was purged after ``started``."""
        tags = sorted({t for t in tags if _SAFE_TAG.match(t)})
        if not tags or self.purged_since(tags, started):
            return False
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        meta = {
            "url": location.path,
            "host": location.host,
            "status": 200,
            "headers": headers,
            "etag": etag,
            "last_modified": started,
            "expires": expires,
            "tags": tags,
        }
        base = location.base
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            self._write(base, body)
            self._write(base.with_name(base.name + ".gz"), gzip.compress(body, 6, mtime=0))
            if brotli is not None:
                self._write(base.with_name(base.name + ".br"), brotli.compress(body, quality=5))
            self._write(base.with_name(base.name + ".meta"), json.dumps(meta).encode())
            for tag in tags:
                index = self.root / ".tags" / tag
                index.mkdir(parents=True, exist_ok=True)
                (index / location.entry_id).write_text(str(base.relative_to(self.root)))
        except OSError as exc:
            log.warning("page cache: could not store %s: %s", location.path, exc)
            self._remove(base)
            return False
        # A purge may have run while the files were written: if so, take them back.
        if self.purged_since(tags, started):
            self._remove(base)
            return False
        return True

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    # Purging ---------------------------------------------------------------------------

    def purged_since(self, tags: Iterable[str], started: float) -> bool:
        return purged_since(self.root, tags, started)

    def purge(self, tags: Iterable[str]) -> list[str]:
        """Remove every page stored under any of ``tags``; returns their URLs."""
        urls: list[str] = []
        now = time.time()
        for tag in {t for t in tags if _SAFE_TAG.match(t)}:
            record_purge(self.root / ".purged" / tag, now)
            index = self.root / ".tags" / tag
            try:
                names = list(os.scandir(index))
            except OSError:
                continue
            for item in names:
                try:
                    relative = Path(item.path).read_text()
                except OSError:
                    continue
                base = self.root / relative
                url = self._url_of(base)
                if self._remove(base) and url:
                    urls.append(url)
                try:
                    os.unlink(item.path)
                except OSError:
                    pass
        return urls

    def purge_all(self) -> None:
        record_purge(self.root / ".purged-all", time.time())
        for child in self.root.iterdir() if self.root.exists() else []:
            if child.name in (".purged", ".purged-all"):
                continue
            _rmtree(child)
        self._memo.clear()

    def _url_of(self, base: Path) -> str | None:
        try:
            meta = json.loads(base.with_name(base.name + ".meta").read_bytes())
            return meta["url"]
        except (OSError, ValueError, KeyError):
            return None

    def _remove(self, base: Path) -> bool:
        """Body first (nginx stops serving it), then the compressed copies, meta last."""
        removed = False
        for suffix in ("", ".gz", ".br", ".meta"):
            try:
                os.unlink(base.with_name(base.name + suffix))
                removed = True
            except OSError:
                pass
        self._memo.pop(str(base) + ".meta", None)
        return removed

    def stats(self) -> dict[str, int]:
        pages = size = 0
        for dirpath, _dirs, files in os.walk(self.root):
            if "/.tags" in dirpath or "/.purged" in dirpath:
                continue
            for name in files:
                if name.endswith(".meta"):
                    pages += 1
                try:
                    size += os.stat(os.path.join(dirpath, name)).st_size
                except OSError:
                    pass
        return {"pages": pages, "bytes": size}


def record_purge(mark: Path, when: float) -> bool:
    """Record a purge (of one tag, or of everything) as the modification time of its mark
    file: the page store and the fragments (fragments.py) both read these records."""
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
        os.utime(mark, (when, when))
        return True
    except OSError as exc:
        log.warning("page cache: could not record purge %s: %s", mark.name, exc)
        return False


def purged_since(root: Path, tags: Iterable[str], started: float) -> bool:
    """Whether any of ``tags`` (or everything) was purged at or after ``started``."""
    for mark in (root / ".purged-all", *(root / ".purged" / t for t in tags)):
        try:
            if os.stat(mark).st_mtime >= started:
                return True
        except OSError:
            continue
    return False


def _rmtree(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            for child in path.iterdir():
                _rmtree(child)
            path.rmdir()
        else:
            path.unlink()
    except OSError:
        pass


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)
