"""Getting a post's images: from a local copy of wp-content/uploads, or over HTTP(S).

Downloads are guarded, because the addresses come from a file someone else wrote: http and
https only; the host is resolved first and every address it resolves to must be public (not
private, loopback, link-local, multicast, reserved...); the connection goes to the checked
address itself (no second look-up that could answer differently); each redirect is checked
again the same way; the body is read up to a size limit, the whole within a time limit.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from django.core.files.base import ContentFile
from willow.image import Image as WillowImage

from gazette.images.models import GazetteImage

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 20.0
MAX_REDIRECTS = 5


class MediaError(Exception):
    """Why one image could not be had; the import reports it and goes on."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (tests replace this)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise MediaError(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def connect(address: str, port: int, timeout: float) -> socket.socket:
    """Open the TCP connection to an address already checked (tests watch this)."""
    return socket.create_connection((address, port), timeout=timeout)


def _checked_address(host: str, port: int) -> str:
    addresses = resolve(host, port)
    if not addresses:
        raise MediaError(f"{host} has no address")
    for address in addresses:
        # All of them, not the first: a host with one public and one private address is
        # refused rather than hoped about.
        if not is_public(address):
            raise MediaError(f"{host} is at {address}, which is not a public address: refused")
    return addresses[0]


class _HTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = connect(self.address, self.port, self.timeout)


class _HTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = connect(self.address, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """GET ``url`` under the rules above; returns (body, final URL)."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MediaError(f"not an http(s) address: {url[:200]}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _checked_address(parts.hostname, port)
        cls = _HTTPS if parts.scheme == "https" else _HTTP
        left = deadline - time.monotonic()
        if left <= 0:
            raise MediaError(f"took longer than {timeout:.0f} s: {url[:200]}")
        conn = cls(parts.hostname, port, address, timeout=left)
        try:
            path = parts.path or "/"
            conn.request("GET", path + (f"?{parts.query}" if parts.query else ""))
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise MediaError(f"a redirect without a Location: {url[:200]}")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise MediaError(f"HTTP {response.status}: {url[:200]}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise MediaError(f"larger than {max_bytes // 2**20} MB: {url[:200]}")
            chunks, size = [], 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise MediaError(f"larger than {max_bytes // 2**20} MB: {url[:200]}")
                if time.monotonic() > deadline:
                    raise MediaError(f"took longer than {timeout:.0f} s: {url[:200]}")
                chunks.append(chunk)
            return b"".join(chunks), url
        except (OSError, http.client.HTTPException) as exc:
            raise MediaError(f"cannot download {url[:200]}: {exc}") from None
        finally:
            conn.close()
    raise MediaError(f"more than {MAX_REDIRECTS} redirects: {url[:200]}")


def local_file(media_dir: Path, url: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The file an uploads URL names in a local copy of the uploads folder: the longest
    tail of the URL's path that exists under ``media_dir`` (…/wp-content/uploads/2024/05/
    a.jpg is looked for as 2024/05/a.jpg, then 05/a.jpg, then a.jpg)."""
    root = media_dir.resolve()
    parts = [p for p in PurePosixPath(urlsplit(url).path).parts if p not in ("/", "..", ".")]
    for start in range(len(parts)):
        candidate = (root / Path(*parts[start:])).resolve()
        if root not in candidate.parents:
            continue
        if candidate.is_file():
            if candidate.stat().st_size > max_bytes:
                raise MediaError(f"larger than {max_bytes // 2**20} MB: {candidate}")
            return candidate.read_bytes()
    raise MediaError(f"not in {media_dir}: {url[:200]}")


@dataclass
class MediaSource:
    """Where an import gets image files from: a folder, the web, or nowhere."""

    media_dir: Path | None = None
    from_url: bool = False

    @property
    def enabled(self) -> bool:
        return self.media_dir is not None or self.from_url

    def get(self, url: str) -> bytes:
        if self.media_dir is not None:
            try:
                return local_file(self.media_dir, url)
            except MediaError:
                if not self.from_url:
                    raise
        if self.from_url:
            return fetch(url)[0]
        raise MediaError("no --media-dir or --media-from-url given")


def save_image(data: bytes, *, url: str, title: str, caption: str = "", alt: str = "") -> int:
    """A GazetteImage for these bytes (the same file is stored once); returns its pk."""
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    existing = GazetteImage.objects.filter(file_hash=digest).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    try:
        import io

        WillowImage.open(io.BytesIO(data)).get_size()
    except Exception as exc:
        raise MediaError(f"not an image (JPEG, PNG, GIF or WebP): {url[:200]}") from exc
    name = PurePosixPath(urlsplit(url).path).name or "image"
    image = GazetteImage(title=(title or name)[:255], file=ContentFile(data, name=name))
    image.file_hash = digest
    image.caption = caption[:500] if hasattr(image, "caption") else ""
    image.description = alt[:255]
    image.save()
    return image.pk
