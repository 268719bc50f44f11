"""Acceptance 4: refused or ignored webhook requests change nothing."""

from __future__ import annotations

import json
import time

from flask.testing import FlaskClient

from app.donations.stripe.signing import build_event, sign_payload
from app.extensions import db
from tests.factories import new_donation
from tests.support.stripe_fixtures import WEBHOOK_SECRET
from tests.support.webhooks import SignedEvent, completed, entries, event_count, fresh, pay, post


def _state() -> tuple[int, int, int]:
    db.session.rollback()
    from sqlalchemy import func, select

    from app.mail import OutgoingMail

    mails = db.session.scalar(select(func.count()).select_from(OutgoingMail)) or 0
    return event_count(), len(entries()), mails


def test_refused_requests_change_nothing(wclient: FlaskClient, stripe_gateway,
                                         signed_event: SignedEvent) -> None:
    donation = new_donation(5000)
    intent = pay(stripe_gateway, donation)
    good_body, good_headers = completed(signed_event, donation, intent)
    before = _state()
    assert before == (0, 0, 0)

    # A bad signature (another endpoint's secret), and a tampered body.
    assert post(wclient, completed(signed_event, donation, intent, secret="whsec_other")) == 400
    tampered = good_body.replace(b'"payment_status": "paid"', b'"payment_status": "paid" ')
    assert tampered != good_body
    assert post(wclient, (tampered, good_headers)) == 400
    # No signature at all.
    assert wclient.post("/stripe/webhook", data=good_body,
                        headers={"Content-Type": "application/json"}).status_code == 400
    # A stale timestamp (Stripe's tolerance is 300 s).
    stale = completed(signed_event, donation, intent, timestamp=int(time.time()) - 301)
    assert post(wclient, stale) == 400
    # An unknown event type, correctly signed: acknowledged, nothing stored.
    unknown = build_event("payment_intent.created", intent)
    unknown_body = json.dumps(unknown).encode()
    assert post(wclient, (unknown_body, {
        "Stripe-Signature": sign_payload(unknown_body, WEBHOOK_SECRET)})) == 200
    # A malformed body, correctly signed: not JSON, then JSON but not an event.
    for raw in (b"{not json", b'{"object": "event", "id": 3}', b"\xff\xfe"):
        assert post(wclient, (raw, {"Stripe-Signature": sign_payload(raw, WEBHOOK_SECRET)})) \
            == 400
    assert _state() == before
    assert fresh(donation.id).status == "pending"

    # The genuine event is then accepted once (the refusals left no trace behind).
    assert post(wclient, (good_body, good_headers)) == 200
    assert post(wclient, (good_body, good_headers)) == 200
    assert _state() == (1, 1, 1)
    assert fresh(donation.id).status == "paid"
