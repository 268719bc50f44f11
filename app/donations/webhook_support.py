"""What the inline webhook and the inbox's drainer share: the process's Stripe gateway, what
makes a Stripe answer permanent, and sending the confirmation mails an event queued."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator

from flask import Flask

from app.donations.stripe import GATEWAY_EXTENSION, demo_mode, open_gateway
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db

log = logging.getLogger("app.donations.webhook")


@contextlib.contextmanager
def gateway_for(app: Flask) -> Iterator[StripeGateway]:
    """The process's kept gateway, else one opened (and closed) for this use."""
    gateway = _process_gateway(app)
    if gateway is not None:
        yield gateway
        return
    gateway, owned = open_gateway(app)
    try:
        yield gateway
    finally:
        if owned:
            gateway.close()


_GATEWAY_KEY = "estrade.webhook_gateway"
_gateway_lock = threading.Lock()


def _process_gateway(app: Flask) -> StripeGateway | None:
    """The real Stripe gateway, built once per process and kept (its HTTP session is shared
    by the threads, as the gateway allows): building a Stripe client and opening a new
    connection for every event cost more than the booking at a peak. None when a gateway is
    injected (tests) or in demonstration mode: :func:`open_gateway` decides then."""
    if GATEWAY_EXTENSION in app.extensions or demo_mode(app.config):
        return None
    config = app.config
    wanted = (str(config.get("STRIPE_SECRET_KEY") or ""),
              str(config.get("STRIPE_WEBHOOK_SECRET") or ""),
              str(config.get("STRIPE_API_BASE") or ""), os.getpid())
    cached = app.extensions.get(_GATEWAY_KEY)
    if cached is not None and cached[0] == wanted:
        return cached[1]
    with _gateway_lock:
        cached = app.extensions.get(_GATEWAY_KEY)
        if cached is None or cached[0] != wanted:
            gateway, _ = open_gateway(app)
            app.extensions[_GATEWAY_KEY] = cached = (wanted, gateway)
    return cached[1]


def permanent_stripe_refusal(exc: BaseException) -> bool:
    """Stripe's answer will not change on a retry: the object does not exist for this key
    (404, ``resource_missing``). Network errors, 429 and 5xx are transient."""
    status = getattr(exc, "http_status", None)
    code = getattr(exc, "code", None)
    return status == 404 or code == "resource_missing"


def send_queued_mail(keys: tuple[str, ...]) -> None:
    """Try the mails ``keys`` now; a failure leaves them queued for ``estrade mail send``."""
    if not keys:
        return
    from app.mail import send_pending

    try:
        send_pending(keys=keys)
    except Exception:  # the mail stays queued for `estrade mail send`
        db.session.rollback()
        log.exception("confirmation mail not sent after commit")


