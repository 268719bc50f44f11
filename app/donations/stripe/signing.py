"""Stripe webhook signing and Event building, without any network access.

The demonstration mode (no Stripe keys) sends the very same signed event to its own webhook
handler that Stripe would send, so the demo exercises the real booking path; the test suite
uses the same two functions. The scheme is Stripe's v1 scheme:
``Stripe-Signature: t=<unix time>,v1=hex(HMAC_SHA256(secret, f"{t}.{raw body}"))``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any


def sdk_api_version() -> str:
    """The API version the installed SDK is pinned to (what Stripe stamps on events sent to
    an endpoint created with ``api_version=stripe.api_version``). Imported on demand: the
    ``stripe`` package takes a third of a second to import."""
    import stripe

    return str(stripe.api_version)


def __getattr__(name: str) -> Any:  # PEP 562: ``SDK_API_VERSION`` stays importable, lazily
    if name == "SDK_API_VERSION":
        return sdk_api_version()
    raise AttributeError(name)

_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def random_id(prefix: str, length: int = 24) -> str:
    """A Stripe-looking identifier such as ``evt_1Pgc76B7WZ01zgkWwyRHS12y``."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{payload}"`` keyed with the endpoint secret."""
    signed = str(int(timestamp)).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value Stripe would send for ``payload``."""
    if not secret:
        raise ValueError("a webhook signing secret is required")
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={compute_signature(payload, secret, t)}"


def build_event(
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    created: int | None = None,
    api_version: str | None = None,
    previous_attributes: dict[str, Any] | None = None,
    livemode: bool = False,
) -> dict[str, Any]:
    """An Event in the current (snapshot) shape wrapping ``obj`` as ``data.object``."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id or random_id("evt_"),
        "object": "event",
        "api_version": api_version or sdk_api_version(),
        "created": int(time.time()) if created is None else int(created),
        "data": data,
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
