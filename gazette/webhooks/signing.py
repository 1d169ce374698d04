"""The signature on every webhook request, and how a receiver checks it.

    X-Gazette-Timestamp: 1764270000
    X-Gazette-Signature: sha256=<hex HMAC-SHA256(secret, "1764270000." + body)>

The timestamp is inside the signed bytes, so a receiver that refuses requests older than a
few minutes cannot be fed an old request again (a replay); the delivery id
(X-Gazette-Delivery) lets it drop a retry it has already handled.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")
