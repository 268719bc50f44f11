"""A permanent answer from Stripe (the object does not exist for this key) is acknowledged
and logged, so Stripe stops retrying; a transient failure answers 5xx and the retried event
books once (production issue, faults)."""

from __future__ import annotations

import logging

from flask.testing import FlaskClient

from tests.factories import new_donation
from tests.support.webhooks import SignedEvent, completed, entries, event_count, fresh, pay, post


def test_an_object_unknown_to_stripe_is_acknowledged(wclient: FlaskClient, stripe_gateway,
                                                     signed_event: SignedEvent,
                                                     caplog) -> None:
    donation = new_donation(5000)
    intent = pay(stripe_gateway, donation)
    forged = dict(intent, id="pi_unknown_to_this_account")  # e.g. a test event, live keys
    with caplog.at_level(logging.ERROR, logger="app.donations.webhook"):
        assert post(wclient, completed(signed_event, donation, forged)) == 200
    assert "acknowledged without effect" in caplog.text
    assert entries() == [] and event_count() == 0
    assert fresh(donation.id).status == "pending"


def test_a_transient_failure_is_retried_and_books_once(wclient: FlaskClient, stripe_gateway,
                                                       stripe_recorder,
                                                       signed_event: SignedEvent) -> None:
    donation = new_donation(5000)
    intent = pay(stripe_gateway, donation)
    event = completed(signed_event, donation, intent)
    stripe_recorder.stub("GET", f"/v1/payment_intents/{intent['id']}",
                         {"error": {"message": "Stripe en panne", "type": "api_error"}},
                         status=500)
    assert post(wclient, event) == 500
    assert entries() == [] and event_count() == 0
    stripe_recorder._stubs.clear()  # Stripe is back
    assert post(wclient, event) == 200
    assert post(wclient, event) == 200  # Stripe's own duplicate delivery
    assert len(entries("donation")) == 1 and event_count() == 1
