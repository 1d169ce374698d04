"""One attempt to deliver one webhook request, safely.

The receiver's address is resolved here, at delivery time, and every address it resolves to
must be on the public internet (unless GAZETTE_WEBHOOKS_ALLOW_PRIVATE): checking the name
when the admin saved it is not enough, since DNS can answer differently later (DNS
rebinding). The connection is then made to the very address that was checked, so a second
lookup cannot swap it; TLS still verifies the certificate against the host name. Redirects
are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "Gazette-Webhooks/1"
MAX_RESPONSE_BYTES = 4096


class RefusedAddress(Exception):
    """The receiver's address is not one Gazette may send to."""


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> str:
    """One address of ``host`` that may be sent to; every address it has must qualify."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RefusedAddress(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise RefusedAddress(f"{host} has no address")
    if not settings.GAZETTE_WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not _public(ip):
                raise RefusedAddress(
                    f"{host} resolves to {ip}, which is not a public address "
                    "(set GAZETTE_WEBHOOKS_ALLOW_PRIVATE=1 to allow private networks)"
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url`` once; never raises for network trouble, reports it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Outcome(False, error=f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = settings.GAZETTE_WEBHOOKS_TIMEOUT
    try:
        address = resolve(parts.hostname, port)
    except RefusedAddress as exc:
        return Outcome(False, error=f"refused: {exc}")
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Content-Length": str(len(body)),
            },
        )
        response = connection.getresponse()
        excerpt = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace").strip()
    except TimeoutError:
        return Outcome(False, error=f"timed out after {time.monotonic() - started:.1f} s")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    status = response.status
    if 200 <= status < 300:
        return Outcome(True, status_code=status)
    if 300 <= status < 400:
        location = response.getheader("Location", "")
        return Outcome(
            False, status_code=status, error=f"HTTP {status}: redirect to {location!r} not followed"
        )
    return Outcome(False, status_code=status, error=f"HTTP {status}: {excerpt[:500]}")
