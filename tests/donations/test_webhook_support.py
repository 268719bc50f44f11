"""Helpers shared by the webhook, booking, refund and mail tests (no tests here; the
``wapp`` and ``wclient`` fixtures are in this folder's conftest.py)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.donations.models import Donation, StripeEvent
from app.donations.service import DonationRequest, reserve
from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from app.ledger.gifts import DonorIdentity
from app.ledger.models import LedgerEntry
from tests.conftest import make_app
from tests.factories import tx
from tests.support.stripe_shapes import checkout_session_object, create_paid_payment_intent

EVENT_KWARGS = ("secret", "timestamp", "event_id", "created")
SignedEvent = Callable[..., tuple[bytes, dict[str, str]]]


def build_app(database_url: str, tmp_path: Path, gateway: StripeGateway | None = None,
              **config: Any) -> Flask:
    """An app with the demo site seeded; ``gateway`` injected as the app's Stripe door."""
    from app.campaigns.demo import seed_demo

    application = make_app(database_url, tmp_path, **config)
    assert "stripe_webhook.receive" in application.view_functions
    if gateway is not None:
        application.extensions[GATEWAY_EXTENSION] = gateway
    with application.app_context():
        seed_demo(application)
        db.session.remove()
    return application


def demo_site() -> Any:
    from app.campaigns.models import Site

    return db.session.scalar(select(Site).where(Site.slug == "demo"))


def who(nom: str = "Dupont", prenom: str = "Marianne", **extra: Any) -> DonorIdentity:
    fields = {"civilite": "Mme", "adresse": "1 rue de la Paix", "code_postal": "72000",
              "commune": "Le Mans", "pays": "France", "nationalite": "française",
              "email": f"{prenom.lower()}.{nom.lower()}@example.org"}
    fields.update(extra)
    return DonorIdentity(nom=nom, prenom=prenom, **fields)


def new_donation(amount_cents: int, identity: DonorIdentity | None = None, *,
                 monthly: bool = False, source: str | None = "tract-marche",
                 demo: bool = False) -> Donation:
    """A pending donation reserved through the real pre-payment check (``demo``: made in
    demonstration mode, as /don marks it)."""
    identity = identity or who()

    def reserve_it() -> Any:
        reservation = reserve(demo_site(), DonationRequest(
            identity=identity, amount_cents=amount_cents, monthly=monthly,
            email=identity.email, source=source, newsletter=False,
            attestations={"atteste_personne_physique": "2026-11-28T10:00:00+00:00"},
            client_ip="127.0.0.1"))
        if reservation.donation is not None:
            reservation.donation.demo = demo
        return reservation

    reservation = tx(reserve_it)
    assert reservation.donation is not None, reservation.message
    return reservation.donation


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
