"""Webhook signatures: HMAC-SHA256 over the timestamp and the body, checked against replay."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-FieldVisit-Signature"
TIMESTAMP_HEADER = "X-FieldVisit-Timestamp"
DELIVERY_HEADER = "X-FieldVisit-Delivery"
# A receiver refuses a request older (or newer) than this: a captured request cannot be replayed.
TOLERANCE_SECONDS = 300


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: bytes,
    timestamp: int,
    body: bytes,
    signature: str,
    now: int,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a gateway does with our request: a fresh timestamp and a matching signature."""
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
