"""Webhook signing and verification: our signer, Stripe's verifier, localstripe's deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe
from hypothesis import given, settings
from hypothesis import strategies as st

from app.donations.stripe.gateway import StripeGateway, WebhookPayloadError, WebhookSignatureError
from app.donations.stripe.signing import SDK_API_VERSION, build_event, sign_payload
from tests.support.stripe_fixtures import WEBHOOK_SECRET, LocalStripe, WebhookReceiver
from tests.support.stripe_shapes import create_paid_payment_intent

SignedEvent = Callable[..., tuple[bytes, dict[str, str]]]


@pytest.fixture
def gateway() -> Iterator[StripeGateway]:
    """Offline gateway: only the webhook secret matters for construct_event."""
    with StripeGateway("sk_test_offline", WEBHOOK_SECRET, api_base="http://127.0.0.1:9") as gw:
        yield gw


def _sig(headers: dict[str, str]) -> str:
    return headers["Stripe-Signature"]


# -- sign_payload / build_event --------------------------------------------------------------


def test_sign_payload_is_stripes_v1_scheme() -> None:
    body = b'{"id": "evt_1", "object": "event"}'
    header = sign_payload(body, "whsec_abc", timestamp=1_700_000_000)
    expected = hmac.new(b"whsec_abc", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert header == stripe.WebhookSignature.generate_signature_header(
        body.decode(), "whsec_abc", 1_700_000_000)


def test_sign_payload_defaults_to_now_and_needs_a_secret() -> None:
    t = int(sign_payload(b"{}", "whsec_x").split(",")[0].removeprefix("t="))
    assert abs(t - time.time()) < 5
    with pytest.raises(ValueError):
        sign_payload(b"{}", "")


@settings(max_examples=50, deadline=None)
@given(body=st.text(), secret=st.text(min_size=1).filter(lambda s: s.strip() != ""))
def test_stripe_sdk_verifies_whatever_we_sign(body: str, secret: str) -> None:
    payload = body.encode("utf-8")
    assert stripe.WebhookSignature.verify_header(payload, sign_payload(payload, secret), secret)


def test_build_event_has_the_current_event_shape() -> None:
    obj = {"id": "ch_1", "object": "charge"}
    event = build_event("charge.updated", obj, previous_attributes={"balance_transaction": None})
    assert event["id"].startswith("evt_") and len(event["id"]) > 10
    assert event["object"] == "event" and event["type"] == "charge.updated"
    assert event["api_version"] == SDK_API_VERSION == stripe.api_version
    assert event["livemode"] is False and isinstance(event["pending_webhooks"], int)
    assert event["request"] == {"id": None, "idempotency_key": None}
    assert event["data"] == {"object": obj, "previous_attributes": {"balance_transaction": None}}
    assert abs(event["created"] - time.time()) < 5
    fixed = build_event("x.y", {}, event_id="evt_fixed", created=123)
    assert (fixed["id"], fixed["created"], "previous_attributes" in fixed["data"]) == \
        ("evt_fixed", 123, False)
    assert build_event("x.y", {})["id"] != build_event("x.y", {})["id"]


# -- construct_event -------------------------------------------------------------------------


def test_construct_event_accepts_a_signed_event_and_returns_a_plain_dict(
        gateway: StripeGateway, signed_event: SignedEvent) -> None:
    body, headers = signed_event("checkout.session.completed",
                                 {"id": "cs_test_1", "object": "checkout.session"},
                                 event_id="evt_ok")
    event = gateway.construct_event(body, _sig(headers))
    assert type(event) is dict and type(event["data"]["object"]) is dict
    assert event["id"] == "evt_ok" and event["data"]["object"]["id"] == "cs_test_1"
    assert json.loads(json.dumps(event)) == json.loads(body)


def test_construct_event_accepts_any_of_several_signatures(gateway: StripeGateway) -> None:
    body = json.dumps(build_event("ping", {"id": "x"})).encode()
    old = sign_payload(body, "whsec_old_secret")
    new = sign_payload(body, WEBHOOK_SECRET)
    assert gateway.construct_event(body, f"{old},{new.split(',')[1]}")["type"] == "ping"


def test_construct_event_tolerates_300_seconds(gateway: StripeGateway,
                                               signed_event: SignedEvent) -> None:
    body, headers = signed_event("ping", {"id": "x"}, timestamp=int(time.time()) - 290)
    assert gateway.construct_event(body, _sig(headers))["type"] == "ping"


@pytest.mark.parametrize("case", ["wrong secret", "stale", "tampered", "missing", "empty",
                                  "garbage", "no v1"])
def test_construct_event_rejects_bad_signatures(gateway: StripeGateway,
                                                signed_event: SignedEvent, case: str) -> None:
    now = int(time.time())
    body, headers = signed_event("charge.refunded", {"id": "ch_1", "amount": 100},
                                 secret="whsec_intruder" if case == "wrong secret"
                                 else WEBHOOK_SECRET,
                                 timestamp=now - 301 if case == "stale" else now)
    header: str | None = _sig(headers)
    if case == "tampered":
        body = body.replace(b'"amount": 100', b'"amount": 999')
        assert b"999" in body
    header = {"missing": None, "empty": "", "garbage": "t=abc,v1",
              "no v1": f"t={now},v0=abcdef"}.get(case, header)
    with pytest.raises(WebhookSignatureError):
        gateway.construct_event(body, header)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"event"', b"\xff\xfe{}",
                                  b'{"object": "customer", "id": "cus_1"}',
                                  b'{"object": "event", "id": "evt_1", "type": "x"}',
                                  b'{"object": "event", "id": "evt_1", "type": "x", '
                                  b'"data": {"object": "nope"}}'])
def test_construct_event_rejects_signed_bodies_that_are_not_events(
        gateway: StripeGateway, body: bytes) -> None:
    with pytest.raises(WebhookPayloadError):
        gateway.construct_event(body, sign_payload(body, WEBHOOK_SECRET))


def test_construct_event_refuses_everything_without_a_secret(signed_event: SignedEvent) -> None:
    body, headers = signed_event("ping", {"id": "x"})
    with StripeGateway("sk_test_x", "", api_base="http://127.0.0.1:9") as unconfigured, \
            pytest.raises(WebhookSignatureError):
        unconfigured.construct_event(body, _sig(headers))


def test_demo_mode_signs_and_verifies_its_own_events() -> None:
    demo = StripeGateway.from_config({"SECRET_KEY": "app-secret"})
    assert demo.demo_mode and demo.webhook_secret.startswith("whsec_demo_")
    body = json.dumps(build_event("checkout.session.completed", {"id": "cs_demo"})).encode()
    assert demo.construct_event(body, sign_payload(body, demo.webhook_secret))["id"]
    other = StripeGateway.from_config({"SECRET_KEY": "another-app"})
    with pytest.raises(WebhookSignatureError):
        other.construct_event(body, sign_payload(body, demo.webhook_secret))


# -- events delivered by localstripe itself --------------------------------------------------


def _deliveries_verify(gateway: StripeGateway, receiver: WebhookReceiver,
                       event_type: str) -> dict[str, Any]:
    delivery = receiver.wait_for(event_type)
    return gateway.construct_event(delivery.body, delivery.headers.get("Stripe-Signature"))


def test_localstripe_webhooks_verify_with_construct_event(
        stripe_server: LocalStripe, stripe_gateway: StripeGateway,
        webhook_receiver: WebhookReceiver) -> None:
    stripe_server.register_webhook(webhook_receiver.url, WEBHOOK_SECRET)
    started = time.monotonic()
    customer = stripe_gateway.client.v1.customers.create(params={"email": "a@example.org"})
    event = _deliveries_verify(stripe_gateway, webhook_receiver, "customer.created")
    assert time.monotonic() - started < 0.95, "the launcher should shorten the 1 s delay"
    assert event["data"]["object"]["id"] == customer.id

    pi = create_paid_payment_intent(stripe_gateway, 1234, metadata={"donation_id": "don-7"})
    event = _deliveries_verify(stripe_gateway, webhook_receiver, "payment_intent.succeeded")
    assert event["data"]["object"]["id"] == pi["id"]
    assert event["data"]["object"]["metadata"] == {"donation_id": "don-7"}


def test_localstripe_webhook_signed_for_another_endpoint_is_rejected(
        stripe_server: LocalStripe, stripe_gateway: StripeGateway,
        webhook_receiver: WebhookReceiver) -> None:
    stripe_server.register_webhook(webhook_receiver.url, "whsec_other_endpoint",
                                   events=["customer.created"])
    stripe_gateway.client.v1.customers.create(params={"email": "b@example.org"})
    delivery = webhook_receiver.wait_for("customer.created")
    with pytest.raises(WebhookSignatureError):
        stripe_gateway.construct_event(delivery.body, delivery.headers["Stripe-Signature"])
    tampered = delivery.body.replace(b"b@example.org", b"c@example.org")
    with pytest.raises(WebhookSignatureError):
        stripe_gateway.construct_event(tampered, delivery.headers["Stripe-Signature"])


def test_muted_webhooks_deliver_nothing(stripe_server: LocalStripe,
                                        stripe_gateway: StripeGateway,
                                        webhook_receiver: WebhookReceiver) -> None:
    stripe_server.register_webhook(webhook_receiver.url, WEBHOOK_SECRET)
    stripe_server.mute_webhooks()
    stripe_gateway.client.v1.customers.create(params={"email": "d@example.org"})
    time.sleep(stripe_server.webhook_delay + 0.4)
    assert webhook_receiver.deliveries.empty()
