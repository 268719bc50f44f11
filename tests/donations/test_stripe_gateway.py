"""StripeGateway against a real localstripe, plus request contracts with canned answers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import stripe

from app.donations.stripe.gateway import CheckoutSession, StripeGateway, StripeNotConfiguredError
from app.donations.stripe.shapes import (
    charge_fee_cents,
    charge_id_of,
    charge_net_cents,
    donation_id_of,
    id_of,
    invoice_payment_intent_id,
    invoice_subscription_id,
    payment_intent_id_of,
    subscription_end_of,
)
from tests.support.stripe_fixtures import LocalStripe, StripeRecorder
from tests.support.stripe_shapes import (
    charge_object,
    checkout_session_object,
    create_monthly_subscription,
    create_paid_payment_intent,
    dispute_object,
    invoice_object,
    refund_object,
    shape,
)

SignedEvent = Callable[..., tuple[bytes, dict[str, str]]]
CANNED_SESSION = {**shape("checkout.session"), "id": "cs_test_canned",
                  "url": "https://checkout.stripe.com/c/pay/cs_test_canned"}


@pytest.fixture
def offline(stripe_recorder: StripeRecorder) -> Iterator[StripeGateway]:
    """A gateway whose requests are only recorded (nothing listens on port 9)."""
    config = {"STRIPE_SECRET_KEY": "sk_test_contract", "STRIPE_API_BASE": "http://127.0.0.1:9"}
    with StripeGateway.from_config(config, http_client=stripe_recorder,
                                   max_network_retries=0) as gateway:
        yield gateway


def _checkout(gateway: StripeGateway, **overrides: object) -> CheckoutSession:
    kwargs: dict[str, object] = dict(
        donation_id="don-42", amount_cents=5000, monthly=False, donor_email="m@example.org",
        description="Don à la campagne", success_url="https://site.test/don/merci",
        cancel_url="https://site.test/don", metadata={"source": "tract-marche"})
    kwargs.update(overrides)
    return gateway.create_checkout_session(**kwargs)  # type: ignore[arg-type]


# -- modes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "demo", "live"), [
    ("", True, False), ("sk_test_abc", False, False), ("rk_test_abc", False, False),
    ("sk_live_abc", False, True), ("rk_live_abc", False, True)])
def test_demo_and_live_mode_follow_the_secret_key(key: str, demo: bool, live: bool) -> None:
    with StripeGateway.from_config({"STRIPE_SECRET_KEY": key, "SECRET_KEY": "s"}) as gateway:
        assert (gateway.demo_mode, gateway.live_mode) == (demo, live)
        # The derived demo webhook secret exists only without any Stripe key.
        assert gateway.webhook_secret.startswith("whsec_demo_") is demo


def test_demo_mode_never_calls_stripe() -> None:
    gateway = StripeGateway.from_config({})
    with pytest.raises(StripeNotConfiguredError):
        _checkout(gateway)
    with pytest.raises(StripeNotConfiguredError):
        gateway.retrieve_charge("ch_1")


def test_configured_webhook_secret_wins() -> None:
    gateway = StripeGateway.from_config({"SECRET_KEY": "s", "STRIPE_WEBHOOK_SECRET": "whsec_x"})
    assert gateway.webhook_secret == "whsec_x"


# -- Checkout Session contract (localstripe has no Checkout) ----------------------------------


def test_one_time_checkout_request_contract(offline: StripeGateway,
                                            stripe_recorder: StripeRecorder) -> None:
    stripe_recorder.stub("POST", "/v1/checkout/sessions", CANNED_SESSION)
    session = _checkout(offline)
    assert session == CheckoutSession("cs_test_canned", CANNED_SESSION["url"])
    request = stripe_recorder.last("POST", "/v1/checkout/sessions")
    assert request.headers["Idempotency-Key"] == "checkout:don-42"
    assert request.headers["Stripe-Version"] == stripe.api_version
    assert request.headers["Authorization"] == "Bearer sk_test_contract"
    assert request.params == {
        "mode": "payment", "submit_type": "donate", "locale": "fr",
        "client_reference_id": "don-42", "customer_email": "m@example.org",
        "success_url": "https://site.test/don/merci", "cancel_url": "https://site.test/don",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "5000",
        "line_items[0][price_data][product_data][name]": "Don à la campagne",
        "metadata[donation_id]": "don-42", "metadata[source]": "tract-marche",
        "payment_intent_data[metadata][donation_id]": "don-42",
        "payment_intent_data[metadata][source]": "tract-marche",
        "payment_intent_data[description]": "Don à la campagne",
    }


def test_monthly_checkout_request_contract(offline: StripeGateway,
                                           stripe_recorder: StripeRecorder) -> None:
    stripe_recorder.stub("POST", "/v1/checkout/sessions", CANNED_SESSION)
    _checkout(offline, monthly=True, amount_cents=2000, cancel_at=1_900_000_000,
              expires_at=1_800_000_000, metadata={"donation_id": "spoofed", "source": "x"})
    request = stripe_recorder.last("POST", "/v1/checkout/sessions")
    params = request.params
    assert params["mode"] == "subscription"
    assert params["submit_type"] == "donate"  # allowed in subscription mode since 2024-11-20
    assert params["line_items[0][price_data][unit_amount]"] == "2000"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert params["metadata[donation_id]"] == "don-42"  # the donation id cannot be overridden
    assert params["subscription_data[metadata][donation_id]"] == "don-42"
    assert params["subscription_data[metadata][cancel_at]"] == "1900000000"
    assert params["expires_at"] == "1800000000"
    assert not any(k.startswith("payment_intent_data") for k in params)
    assert not any("cancel_at" in k for k in params if k.startswith("subscription_data[")
                   and not k.startswith("subscription_data[metadata]"))
    assert request.headers["Idempotency-Key"] == "checkout:don-42"
    assert subscription_end_of({"metadata": {"cancel_at": "1900000000"}}) == 1_900_000_000


def test_checkout_retry_reuses_the_idempotency_key(offline: StripeGateway,
                                                   stripe_recorder: StripeRecorder) -> None:
    stripe_recorder.stub("POST", "/v1/checkout/sessions", CANNED_SESSION)
    _checkout(offline)
    _checkout(offline)
    _checkout(offline, donation_id="don-43")
    keys = [r.headers["Idempotency-Key"] for r in stripe_recorder.find("POST")]
    assert keys == ["checkout:don-42", "checkout:don-42", "checkout:don-43"]


@pytest.mark.parametrize("bad", [{"amount_cents": 0}, {"amount_cents": -5},
                                 {"amount_cents": 10.5}, {"amount_cents": True},
                                 {"donation_id": ""}, {"cancel_at": 1_900_000_000}])
def test_invalid_checkout_is_refused_before_any_request(
        offline: StripeGateway, stripe_recorder: StripeRecorder, bad: dict[str, object]) -> None:
    with pytest.raises((TypeError, ValueError)):
        _checkout(offline, **bad)
    assert stripe_recorder.requests == []


def test_stripe_errors_propagate(offline: StripeGateway, stripe_recorder: StripeRecorder) -> None:
    stripe_recorder.stub("POST", "/v1/checkout/sessions", {"error": {
        "type": "invalid_request_error", "message": "Invalid currency"}}, status=400)
    with pytest.raises(stripe.InvalidRequestError, match="Invalid currency"):
        _checkout(offline)
    assert len(stripe_recorder.requests) == 1  # no retry in tests


# -- money objects against localstripe -------------------------------------------------------


def test_payment_intent_charge_and_balance_transaction(stripe_gateway: StripeGateway,
                                                       stripe_recorder: StripeRecorder) -> None:
    pi = create_paid_payment_intent(stripe_gateway, 2500, metadata={"donation_id": "don-1"})
    assert pi["status"] == "succeeded" and pi["amount"] == 2500
    assert donation_id_of(pi) == "don-1"
    charge_id = charge_id_of(pi)
    assert charge_id and charge_id.startswith("ch_")
    retrieve = stripe_recorder.last("GET", f"/v1/payment_intents/{pi['id']}")
    assert retrieve.params == {"expand[0]": "latest_charge.balance_transaction"}
    charge = stripe_gateway.retrieve_charge(charge_id)
    txn = charge["balance_transaction"]
    assert (txn["object"], txn["amount"], txn["type"], txn["source"]) == \
        ("balance_transaction", 2500, "charge", charge_id)
    assert charge_fee_cents(charge) == 0 and charge_net_cents(charge) == 2500
    assert payment_intent_id_of(charge) == pi["id"]


def test_partial_refunds_carry_our_idempotency_keys(stripe_gateway: StripeGateway,
                                                    stripe_recorder: StripeRecorder) -> None:
    pi = create_paid_payment_intent(stripe_gateway, 10_000)
    charge_id = str(charge_id_of(pi))
    first = stripe_gateway.create_refund(charge_id=charge_id, amount_cents=3000,
                                         idempotency_key=f"cap-refund:{charge_id}",
                                         metadata={"reason": "plafond"})
    second = stripe_gateway.create_refund(charge_id=charge_id, amount_cents=500,
                                          idempotency_key="refund:approved-7", metadata={})
    posts = stripe_recorder.find("POST", "/v1/refunds")
    assert [r.headers["Idempotency-Key"] for r in posts] == \
        [f"cap-refund:{charge_id}", "refund:approved-7"]
    assert posts[0].params == {"charge": charge_id, "amount": "3000",
                               "metadata[reason]": "plafond"}
    refunds = stripe_gateway.list_refunds(charge_id)
    assert {r["id"]: r["amount"] for r in refunds} == {first: 3000, second: 500}
    assert refunds[0]["metadata"] in ({"reason": "plafond"}, {})
    assert stripe_gateway.retrieve_charge(charge_id)["amount_refunded"] == 3500
    with pytest.raises(ValueError):
        stripe_gateway.create_refund(charge_id=charge_id, amount_cents=1, idempotency_key="",
                                     metadata={})


def test_recorder_can_give_a_charge_a_fee(stripe_gateway: StripeGateway,
                                          stripe_recorder: StripeRecorder) -> None:
    pi = create_paid_payment_intent(stripe_gateway, 2000)
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(pi)))
    stripe_recorder.add_fee(charge["balance_transaction"]["id"], 55)
    again = stripe_gateway.retrieve_charge(charge["id"])
    assert (charge_fee_cents(again), charge_net_cents(again)) == (55, 1945)
    assert charge_fee_cents(stripe_gateway.retrieve_payment_intent(pi["id"])
                            ["latest_charge"]) == 55


def test_monthly_subscription_end_and_cancel(stripe_gateway: StripeGateway,
                                             stripe_recorder: StripeRecorder) -> None:
    sub, invoice = create_monthly_subscription(stripe_gateway, 1500,
                                               metadata={"donation_id": "don-9"})
    assert sub["status"] == "active" and donation_id_of(sub) == "don-9"
    assert invoice_subscription_id(invoice) == sub["id"]
    pi_id = invoice_payment_intent_id(invoice)
    assert pi_id and stripe_gateway.retrieve_payment_intent(pi_id)["amount"] == 1500
    end = int(time.time()) + 90 * 86400
    ended = stripe_gateway.schedule_subscription_end(sub["id"], end, proration_behavior=None)
    assert ended["cancel_at"] == end
    assert stripe_gateway.retrieve_subscription(sub["id"])["cancel_at"] == end
    update = stripe_recorder.last("POST", f"/v1/subscriptions/{sub['id']}")
    assert update.headers["Idempotency-Key"] == f"subscription-end:{sub['id']}:{end}"
    assert stripe_gateway.cancel_subscription(sub["id"], "cancel:don-9")["status"] == "canceled"
    assert stripe_gateway.cancel_subscription(sub["id"], "cancel:don-9")["status"] == "canceled"


def test_schedule_subscription_end_contract(offline: StripeGateway,
                                           stripe_recorder: StripeRecorder) -> None:
    stripe_recorder.stub("POST", "/v1/subscriptions/sub_1", {
        "id": "sub_1", "object": "subscription", "cancel_at": 1_900_000_000})
    offline.schedule_subscription_end("sub_1", 1_900_000_000)
    request = stripe_recorder.last("POST", "/v1/subscriptions/sub_1")
    assert request.params == {"cancel_at": "1900000000", "proration_behavior": "none"}


def test_dispute_and_checkout_retrieval_through_canned_answers(
        stripe_gateway: StripeGateway, stripe_recorder: StripeRecorder) -> None:
    pi = create_paid_payment_intent(stripe_gateway, 4000)
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(pi)))
    dispute = dispute_object(charge, fee_cents=1500)
    stripe_recorder.stub("GET", f"/v1/disputes/{dispute['id']}", dispute)
    fetched = stripe_gateway.retrieve_dispute(dispute["id"])
    assert (fetched["charge"], fetched["amount"]) == (charge["id"], 4000)
    assert [t["net"] for t in fetched["balance_transactions"]] == [-5500]
    session = checkout_session_object(donation_id="don-5", amount_cents=4000, payment_intent=pi)
    stripe_recorder.stub("GET", f"/v1/checkout/sessions/{session['id']}", session)
    fetched = stripe_gateway.retrieve_checkout_session(session["id"])
    assert (payment_intent_id_of(fetched), donation_id_of(fetched)) == (pi["id"], "don-5")


# -- synthesized current-shape objects from real ones ----------------------------------------


def test_shapes_point_at_real_localstripe_objects(stripe_gateway: StripeGateway,
                                                  signed_event: SignedEvent) -> None:
    pi = create_paid_payment_intent(stripe_gateway, 3000, metadata={"donation_id": "don-3"})
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(pi)))
    refund_id = stripe_gateway.create_refund(charge_id=charge["id"], amount_cents=1000,
                                             idempotency_key="r:1", metadata={})
    refund = refund_object(stripe_gateway.list_refunds(charge["id"])[0], payment_intent=pi)
    assert (refund["id"], refund["charge"], refund["payment_intent"]) == \
        (refund_id, charge["id"], pi["id"])
    refunded = charge_object(stripe_gateway.retrieve_charge(charge["id"]))
    assert refunded["amount_refunded"] == 1000 and refunded["refunded"] is False
    assert "refunds" not in refunded and isinstance(refunded["balance_transaction"], str)
    assert charge_fee_cents(refunded) is None  # not expanded in payloads: re-fetch it
    for event_type, obj in [("charge.refunded", refunded), ("refund.created", refund),
                            ("charge.updated", charge_object(charge))]:
        body, headers = signed_event(event_type, obj)
        event = stripe_gateway.construct_event(body, headers["Stripe-Signature"])
        assert event["type"] == event_type and event["data"]["object"]["id"] == obj["id"]

    sub, invoice = create_monthly_subscription(stripe_gateway, 1200,
                                               metadata={"donation_id": "don-4"})
    paid = invoice_object(invoice, subscription_metadata={"donation_id": "don-4"})
    assert "payment_intent" not in paid and "charge" not in paid and "subscription" not in paid
    assert invoice_subscription_id(paid) == sub["id"]
    assert invoice_payment_intent_id(paid) == invoice_payment_intent_id(invoice)
    renewal = invoice_object(invoice, invoice_id="in_renewal_1",
                             billing_reason="subscription_cycle")
    assert renewal["id"] == renewal["payments"]["data"][0]["invoice"] == "in_renewal_1"


def test_helpers_accept_every_shape() -> None:
    assert id_of("ch_1") == "ch_1" and id_of({"id": "ch_2"}) == "ch_2"
    assert id_of(None) is None and id_of("") is None and id_of({}) is None
    assert charge_id_of({"latest_charge": "ch_1"}) == "ch_1"
    assert charge_id_of({"latest_charge": None,
                         "charges": {"data": [{"id": "ch_legacy"}]}}) == "ch_legacy"
    assert charge_id_of({}) is None
    assert charge_fee_cents({"balance_transaction": "txn_1"}) is None
    assert charge_fee_cents({"balance_transaction": None}) is None
    assert charge_fee_cents({}) is None
    assert charge_fee_cents({"balance_transaction": {"id": "txn_1", "fee": 42}}) == 42
    assert invoice_payment_intent_id({}) is None and invoice_subscription_id({}) is None
    assert invoice_payment_intent_id({"payments": {"data": [
        {"status": "failed", "payment": {"type": "payment_intent", "payment_intent": "pi_a"}},
        {"status": "paid", "payment": {"type": "payment_intent",
                                       "payment_intent": {"id": "pi_b"}}}]}}) == "pi_b"
    assert invoice_subscription_id({"lines": {"data": [{"subscription": "sub_l"}]}}) == "sub_l"
    assert donation_id_of({"client_reference_id": "don-x", "metadata": {}}) == "don-x"
    assert subscription_end_of({"metadata": {"cancel_at": "soon"}}) is None


def test_launcher_binds_loopback_without_disk_persistence(stripe_gateway: StripeGateway,
                                                          stripe_server: LocalStripe) -> None:
    pickle = Path("/tmp/localstripe.pickle")
    before = pickle.stat().st_mtime_ns if pickle.exists() else None
    stripe_gateway.client.v1.customers.create(params={"email": "p@example.org"})
    after = pickle.stat().st_mtime_ns if pickle.exists() else None
    assert before == after
    assert stripe_server.url.startswith("http://127.0.0.1:")
