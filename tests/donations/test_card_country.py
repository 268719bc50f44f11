"""DON-6 (defect 9): the card's country is read from Stripe at booking (the charge's
payment method), so a non-French donor paying with a card issued abroad is warned about."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from tests.factories import new_donation, who
from tests.support.stripe_fixtures import RecordedRequest, StripeRecorder
from tests.support.webhooks import SignedEvent, completed, entries, pay, post


def card_from(country: str) -> Any:
    def transform(request: RecordedRequest, body: dict[str, Any]) -> None:
        if body.get("object") == "payment_method" and isinstance(body.get("card"), dict):
            body["card"]["country"] = country
    return transform


def test_a_card_issued_abroad_warns_don_6(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    stripe_recorder.add_transform(card_from("DE"))
    donation = new_donation(5_000, who("Schmidt", "Anna", nationalite="allemande"))
    db.session.commit()
    intent = pay(stripe_gateway, donation)
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    [gift] = entries("donation")
    assert gift.details["card_country"] == "DE"
    [reason] = [r for r in gift.rules if r["rule"] == "DON-6"]
    assert "carte bancaire émise à l'étranger (DE)" in reason["message"]
    assert any(r.path.startswith("/v1/payment_methods/") for r in stripe_recorder.find("GET"))


def test_a_french_card_raises_nothing(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    donation = new_donation(5_000, who("Schmidt", "Anna", nationalite="allemande"))
    db.session.commit()
    intent = pay(stripe_gateway, donation)
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    [gift] = entries("donation")
    assert gift.details["card_country"] == "FR"
    assert [r for r in gift.rules if r["rule"] == "DON-6"] == []
