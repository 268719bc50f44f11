"""Demonstration mode: the real booking path without Stripe, impossible with Stripe keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.donations.demo_payment import simulate_payment
from app.donations.stripe import open_gateway
from app.donations.stripe.demo import DemoGateway, DemoModeError
from app.donations.stripe.gateway import demo_webhook_secret
from app.donations.stripe.signing import build_event, sign_payload
from app.extensions import db
from app.mail import OutgoingMail
from tests.factories import new_donation
from tests.support.app import build_app
from tests.support.webhooks import entries, event_count, fresh

NO_STRIPE = {"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "",
             "STRIPE_WEBHOOK_SECRET": "", "STRIPE_API_BASE": ""}


def test_simulated_payment_is_booked_once_through_the_webhook(database_url: str,
                                                               tmp_path: Path) -> None:
    app = build_app(database_url, tmp_path, **NO_STRIPE)
    with app.app_context():
        gateway, owned = open_gateway(app)
        assert isinstance(gateway, DemoGateway) and owned
        donation = new_donation(5_000, demo=True)
        simulate_payment(app, donation)
        simulate_payment(app, donation)  # a second click: a new event, the same charge
        [gift] = entries()
        assert gift.source_ref == f"stripe:charge:ch_demo_{donation.id}"
        assert (gift.kind, gift.amount_cents, gift.method) == ("donation", 5_000, "carte")
        assert event_count() == 2
        assert (fresh(donation.id).status, fresh(donation.id).paid_cents) == ("paid", 5_000)
        mail = db.session.scalar(select(OutgoingMail))
        assert mail.text.startswith("Mode démonstration — aucun paiement réel")
        # The demo secret is derived from SECRET_KEY: a forged event is refused.
        forged = json.dumps(build_event("checkout.session.completed", {
            "id": "cs_x", "object": "checkout.session", "mode": "payment",
            "payment_status": "paid", "client_reference_id": donation.id,
            "payment_intent": f"pi_demo_{donation.id}"})).encode()
        client = app.test_client()
        response = client.post("/stripe/webhook", data=forged, headers={
            "Stripe-Signature": sign_payload(forged, demo_webhook_secret("another-secret"))})
        assert response.status_code == 400 and event_count() == 2
        db.session.remove()
        db.engine.dispose()


def test_demo_mode_is_impossible_with_stripe_keys(database_url: str, tmp_path: Path) -> None:
    app = build_app(database_url, tmp_path, **{**NO_STRIPE,
                                               "STRIPE_SECRET_KEY": "sk_live_real",
                                               "STRIPE_WEBHOOK_SECRET": "whsec_real"})
    with app.app_context():
        gateway, owned = open_gateway(app)
        assert not isinstance(gateway, DemoGateway)
        if owned:
            gateway.close()
        donation = new_donation(5_000, demo=True)
        with pytest.raises(DemoModeError, match="démonstration est impossible"):
            simulate_payment(app, donation)
        # An event signed with the demo secret is refused by the real webhook.
        body = json.dumps(build_event("checkout.session.completed", {
            "id": "cs_y", "object": "checkout.session", "mode": "payment",
            "payment_status": "paid", "client_reference_id": donation.id,
            "payment_intent": f"pi_demo_{donation.id}"})).encode()
        response = app.test_client().post("/stripe/webhook", data=body, headers={
            "Stripe-Signature": sign_payload(body, demo_webhook_secret("test-secret"))})
        assert response.status_code == 400 and entries() == [] and event_count() == 0
        assert fresh(donation.id).status == "pending"
        db.session.remove()
        db.engine.dispose()
