"""The Stripe webhook harness: a paid intent in localstripe, the signed completion event,
its delivery to /stripe/webhook, and what the database holds afterwards (the ``wapp`` and
``wclient`` fixtures are in tests/donations/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.donations.models import Donation, StripeEvent
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from app.ledger.models import LedgerEntry
from tests.support.stripe_shapes import checkout_session_object, create_paid_payment_intent

EVENT_KWARGS = ("secret", "timestamp", "event_id", "created")
SignedEvent = Callable[..., tuple[bytes, dict[str, str]]]


def pay(gateway: StripeGateway, donation: Donation, **kwargs: Any) -> dict[str, Any]:
    """A succeeded PaymentIntent in localstripe carrying the donation id (as Checkout does)."""
    return create_paid_payment_intent(gateway, donation.amount_cents,
                                      metadata={"donation_id": donation.id}, **kwargs)


def completed(signed_event: SignedEvent, donation: Donation, intent: dict[str, Any] | None,
              **kwargs: Any) -> tuple[bytes, dict[str, str]]:
    event_type = kwargs.pop("event_type", "checkout.session.completed")
    signing = {k: kwargs.pop(k) for k in EVENT_KWARGS if k in kwargs}
    session = checkout_session_object(donation_id=donation.id,
                                      amount_cents=donation.amount_cents,
                                      payment_intent=intent, **kwargs)
    return signed_event(event_type, session, **signing)


def post(client: FlaskClient, event: tuple[bytes, dict[str, str]]) -> int:
    body, headers = event
    response = client.post("/stripe/webhook", data=body, headers=headers)
    response.close()  # as a WSGI server does once the answer is sent: queued mail goes then
    return response.status_code


def entries(kind: str | None = None) -> list[LedgerEntry]:
    query = select(LedgerEntry).order_by(LedgerEntry.seq)
    if kind:
        query = query.where(LedgerEntry.kind == kind)
    return list(db.session.scalars(query))


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StripeEvent)) or 0


def fresh(donation_id: str) -> Donation:
    db.session.rollback()
    found = db.session.get(Donation, donation_id)
    assert found is not None
    db.session.refresh(found)
    return found
