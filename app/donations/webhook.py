"""``POST /stripe/webhook``: signed events in, money booked exactly once.

1. The signature is verified on the raw body (400 when missing, wrong or older than 300 s;
   400 for a body that is not an event); an event type we do not handle gets 200, untouched.
2. What the event is about is re-fetched from the Stripe API (amounts, fees, refunds,
   disputes are never read from the payload), outside any database lock.
3. One transaction: the event id is inserted into ``stripe_events`` (a duplicate delivery
   stops there with 200), the effects are applied (``app.donations.booking``), commit. Any
   error rolls everything back and answers 500, so Stripe delivers the event again.
With ``ESTRADE_WEBHOOK_INBOX`` (a peak), step 1 is followed by storing the event in the inbox
and answering 200; steps 2 and 3 run in batches in a drainer (:mod:`app.donations.inbox`).

4. The confirmation e-mails queued by this event are sent once the answer has gone back to
   Stripe (``call_on_close``), so a slow or hanging SMTP server never delays it; a failure is
   only recorded and ``estrade mail send`` retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy.exc import IntegrityError

from app.access import webhook
from app.dbutil import transaction
from app.donations import inbox
from app.donations.models import StripeEvent
from app.donations.stripe.gateway import StripeGateway, WebhookError
from app.donations.webhook_handlers import HANDLERS
from app.donations.webhook_support import (
    gateway_for,
    permanent_stripe_refusal,
    send_queued_mail,
)
from app.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhook", __name__)

@dataclass(frozen=True)
class WebhookResult:
    status: int
    message: str
    mail_keys: tuple[str, ...] = ()  # confirmation mails queued by the event, to send


@bp.post("/stripe/webhook")
@webhook
def receive() -> Response:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    result = process_webhook(app, request.get_data(cache=False),
                             request.headers.get("Stripe-Signature"))
    response = Response(result.message, result.status, content_type="text/plain; charset=utf-8")
    if result.mail_keys:
        def send_after_answer() -> None:
            with app.app_context():
                send_queued_mail(result.mail_keys)

        response.call_on_close(send_after_answer)
    return response


def process_webhook(app: Flask, body: bytes, signature: str | None) -> WebhookResult:
    """Verify, fetch, apply in one transaction (or, with ``ESTRADE_WEBHOOK_INBOX``, verify and
    store for the drainer): what the view (and the demo mode) runs."""
    with gateway_for(app) as gateway:
        return _process(app, gateway, body, signature)


def _process(app: Flask, gateway: StripeGateway, body: bytes,
             signature: str | None) -> WebhookResult:
    try:
        event = gateway.construct_event(body, signature)
    except WebhookError as exc:
        log.warning("webhook refused: %s", exc)
        return WebhookResult(400, "refused")
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return WebhookResult(200, "ignored")
    if inbox.enabled(app):
        return _store(app, event, body)
    event_id = str(event["id"])
    if db.session.get(StripeEvent, event_id) is not None:
        db.session.rollback()
        return WebhookResult(200, "already processed")
    try:
        apply = handler(event["data"]["object"], gateway)  # Stripe calls, no lock held
    except Exception as exc:
        db.session.rollback()
        if permanent_stripe_refusal(exc):
            # Stripe will never know this object (a test event sent to a live endpoint, a
            # deleted object): retrying for days would only get the endpoint disabled.
            log.error("webhook %s (%s) acknowledged without effect: Stripe answered %s (%s)",
                      event_id, event["type"], getattr(exc, "http_status", "?"), exc)
            return WebhookResult(200, "acknowledged: unknown to Stripe")
        log.exception("webhook %s (%s): Stripe lookup failed", event_id, event["type"])
        return WebhookResult(500, "retry later")
    try:
        with transaction():
            db.session.add(StripeEvent(id=event_id, type=event["type"]))
            try:
                db.session.flush()
            except IntegrityError:  # delivered twice at once: the other one applies it
                raise _AlreadyProcessed from None
            mail_keys = apply()
    except _AlreadyProcessed:
        return WebhookResult(200, "already processed")
    except Exception:
        log.exception("webhook %s (%s) failed: rolled back", event_id, event["type"])
        return WebhookResult(500, "retry later")
    return WebhookResult(200, "ok", tuple(mail_keys))


def _store(app: Flask, event: dict[str, Any], body: bytes) -> WebhookResult:
    """Inbox mode: the verified event is kept (committed) before the 200; a drainer books it."""
    try:
        new = inbox.store(event, body)
    except Exception:
        db.session.rollback()
        log.exception("webhook %s (%s) not stored: Stripe will deliver it again",
                      event.get("id"), event.get("type"))
        return WebhookResult(500, "retry later")
    if not new:
        return WebhookResult(200, "already received")
    inbox.wake(app)
    return WebhookResult(200, "stored")


class _AlreadyProcessed(Exception):
    """The event id was stored by a concurrent delivery: its transaction is rolled back."""


__all__ = ["bp", "gateway_for", "permanent_stripe_refusal", "process_webhook",
           "send_queued_mail"]
