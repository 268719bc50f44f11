"""What a pending online gift holds against the donor's cap (DON-2): nothing until its Checkout
Session is open, then its amount for 31 minutes (Stripe's 30-minute minimum, and a minute for
the session to be created); a demonstration never holds anything."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.donations import service
from app.donations.models import Donation
from app.donations.service import CHECKOUT_LIFETIME, pending_reservations
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import DONATION_DAY, DONATION_FORM, new_donation, open_checkout, tx, who


def test_only_an_open_checkout_session_holds_cap_room(app, demo_site, in_window,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    donor = who("Réserve", "Rémi")
    waiting = new_donation(100_000, donor)  # asked for on /don, no Checkout Session yet
    opened = open_checkout(new_donation(50_000, donor))
    open_checkout(new_donation(20_000, donor, demo=True))  # no money ever moves
    assert waiting.checkout_session_id is None and opened.checkout_session_id
    # 4 100 € by cheque + the 500 € of the open session = 4 600 €: accepted. Had the 1 000 €
    # without a session counted (as before), the cheque would have been refused.
    cheque = tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=410_000,
                                       on=in_window, method="cheque", identity=donor,
                                       source_ref="cheque:R-410"))
    assert cheque.status == "accepted", cheque.decision.messages
    election = demo_site.campaign.election_id
    assert pending_reservations(election, [cheque.donor_id], None) == 50_000
    one_more = GiftInput(campaign_id=demo_site.campaign.id, amount_cents=1, on=in_window,
                         method="cheque", identity=donor, source_ref="cheque:R-1")
    assert tx(record_gift, one_more).status == "refused"  # the open session's room is held
    # The hold ends with the session, 31 minutes after it was asked for.
    assert opened.expires_at == DONATION_DAY + timedelta(minutes=31)
    monkeypatch.setattr(service, "utcnow", lambda: DONATION_DAY + timedelta(minutes=31))
    assert pending_reservations(election, [cheque.donor_id], None) == 0
    assert tx(record_gift, one_more).status == "accepted"


def test_the_checkout_session_lives_as_long_as_the_hold(database_url: str, tmp_path: Path,
                                                        stripe_config: dict[str, Any],
                                                        stripe_recorder: Any,
                                                        in_window: Any) -> None:
    from app.campaigns.demo import seed_demo
    from app.donations.stripe.gateway import StripeGateway
    from tests.support.app import inside, make_app

    stripe_recorder.stub("POST", "/v1/checkout/sessions", {
        "id": "cs_test_hold", "object": "checkout.session",
        "url": "https://checkout.stripe.com/c/pay/cs_test_hold"})
    with inside(make_app(database_url, tmp_path, **stripe_config)) as app:
        seed_demo(app)
        with StripeGateway.from_config(app.config, http_client=stripe_recorder,
                                       max_network_retries=0) as gateway:
            app.extensions["estrade_stripe_gateway"] = gateway
            assert app.test_client().post("/don", data=DONATION_FORM).status_code == 303
        donation = db.session.scalar(select(Donation))
        assert donation.checkout_session_id == "cs_test_hold"
        assert CHECKOUT_LIFETIME.total_seconds() == 31 * 60  # was an hour
        assert donation.expires_at == DONATION_DAY + CHECKOUT_LIFETIME
        sent = stripe_recorder.last("POST", "/v1/checkout/sessions").params
        expires = int(donation.expires_at.replace(tzinfo=UTC).timestamp())
        start = int(DONATION_DAY.replace(tzinfo=UTC).timestamp())
        assert int(sent["expires_at"]) == expires
        assert 30 * 60 < expires - start < 60 * 60  # Stripe's minimum is 30 minutes
