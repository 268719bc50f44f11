"""Each handled event type, in any order: what it books and what it changes."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.donations.models import RefundRequest
from app.donations.service import pending_reservations
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import charge_id_of
from app.extensions import db
from app.ledger.locks import ensure_donor
from tests.factories import new_donation, open_checkout, who
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import charge_object, dispute_object, refund_object
from tests.support.webhooks import SignedEvent, completed, entries, event_count, fresh, pay, post


def _reserved_for(donation: Any) -> int:
    donor = ensure_donor(donation.election_id, who(donation.nom, donation.prenom))
    db.session.commit()
    return pending_reservations(donation.election_id, [donor.id], None)


def test_sepa_payment_pending_then_succeeded(wclient: FlaskClient, stripe_gateway: StripeGateway,
                                            stripe_recorder: StripeRecorder,
                                            signed_event: SignedEvent) -> None:
    donation = new_donation(30_000)
    intent = pay(stripe_gateway, donation)
    charge_id = charge_id_of(intent)

    def sepa(_request: Any, body: dict[str, Any]) -> None:
        for node in (body, body.get("latest_charge")):
            if isinstance(node, dict) and node.get("id") == charge_id:
                node["payment_method_details"] = {"type": "sepa_debit"}

    stripe_recorder.add_transform(sepa)
    assert post(wclient, completed(signed_event, donation, intent,
                                   payment_status="unpaid")) == 200
    assert fresh(donation.id).status == "processing"
    assert entries() == [] and _reserved_for(donation) == 30_000  # still reserved
    assert post(wclient, completed(signed_event, donation, intent,
                                   event_type="checkout.session.async_payment_succeeded")) == 200
    # A late "completed (unpaid)" never moves a paid donation back.
    assert post(wclient, completed(signed_event, donation, intent,
                                   payment_status="unpaid")) == 200
    row = fresh(donation.id)
    assert (row.status, row.paid_cents) == ("paid", 30_000)
    [gift] = entries()
    assert (gift.kind, gift.method, gift.amount_cents) == ("donation", "prelevement", 30_000)
    assert gift.source_ref == f"stripe:charge:{charge_id}"
    assert gift.details["source"] == "tract-marche" and gift.details["donation_id"] == donation.id
    assert _reserved_for(donation) == 0


def test_failed_and_expired_sessions_release_the_reservation(
        wclient: FlaskClient, signed_event: SignedEvent) -> None:
    failing = new_donation(200_000, who("Faure", "Fanny"))
    expiring = new_donation(100_000, who("Faure", "Fanny"))
    assert _reserved_for(failing) == 0  # no Checkout Session yet: nothing held
    open_checkout(failing), open_checkout(expiring)
    assert _reserved_for(failing) == 300_000
    assert post(wclient, completed(signed_event, failing, None, payment_status="unpaid")) == 200
    assert fresh(failing.id).status == "processing"
    assert post(wclient, completed(signed_event, failing, None, payment_status="unpaid",
                                   event_type="checkout.session.async_payment_failed")) == 200
    assert post(wclient, completed(signed_event, expiring, None, status="expired",
                                   payment_status="unpaid",
                                   event_type="checkout.session.expired")) == 200
    assert (fresh(failing.id).status, fresh(expiring.id).status) == ("failed", "expired")
    assert _reserved_for(failing) == 0 and entries() == []


def test_fee_known_later_is_booked_once_as_an_expense(
        wclient: FlaskClient, stripe_gateway: StripeGateway, stripe_recorder: StripeRecorder,
        signed_event: SignedEvent) -> None:
    donation = new_donation(10_000)
    intent = pay(stripe_gateway, donation)
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(intent)))
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    assert [e.kind for e in entries()] == ["donation"]  # fee still 0 at Stripe
    stripe_recorder.add_fee(charge["balance_transaction"]["id"], 165)
    for _ in range(2):
        assert post(wclient, signed_event("charge.updated", charge_object(charge))) == 200
    gift, fee = entries()
    assert (fee.kind, fee.amount_cents, fee.related_entry_id) == ("fee", 165, gift.id)
    assert fee.source_ref == f"stripe:fee:{charge['balance_transaction']['id']}"
    assert gift.amount_cents == 10_000  # DON-14: the gross amount is the receipt
    assert fee.cumulative_cents == 10_000 - 165


def test_refund_before_payment_then_a_refund_that_fails(
        wclient: FlaskClient, stripe_gateway: StripeGateway, stripe_recorder: StripeRecorder,
        signed_event: SignedEvent) -> None:
    donation = new_donation(50_000)
    intent = pay(stripe_gateway, donation)
    charge_id = str(charge_id_of(intent))
    stripe_gateway.create_refund(charge_id=charge_id, amount_cents=20_000,
                                 idempotency_key="t:1", metadata={})
    [refund] = stripe_gateway.list_refunds(charge_id)
    # The refund is the first news of the payment: the charge is booked first.
    assert post(wclient, signed_event("refund.created", refund_object(refund))) == 200
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    assert [(e.kind, e.amount_cents) for e in entries()] == [("donation", 50_000),
                                                             ("refund", 20_000)]
    assert fresh(donation.id).status == "paid"
    # The bank returns the refund: Stripe lists it as failed; the money is back.
    stripe_recorder.stub("GET", "/v1/refunds", {
        "object": "list", "has_more": False, "url": "/v1/refunds",
        "data": [{**refund, "status": "failed"}]})
    for _ in range(2):
        assert post(wclient, signed_event("refund.failed",
                                          refund_object(refund, status="failed"))) == 200
    kinds = [(e.kind, e.amount_cents, e.source_ref) for e in entries()]
    assert kinds[2] == ("reversal", 20_000, f"stripe:refund-failed:{refund['id']}")
    assert len(kinds) == 3 and entries()[-1].cumulative_cents == 50_000


def test_dispute_withdrawn_then_won(wclient: FlaskClient, stripe_gateway: StripeGateway,
                                    stripe_recorder: StripeRecorder,
                                    signed_event: SignedEvent) -> None:
    donation = new_donation(40_000)
    intent = pay(stripe_gateway, donation)
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(intent)))
    dispute = dispute_object(charge, fee_cents=1_500)
    stripe_recorder.stub("GET", f"/v1/disputes/{dispute['id']}", dispute)
    for event_type in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        assert post(wclient, signed_event(event_type, dispute)) == 200
    assert [(e.kind, e.amount_cents) for e in entries()] == [
        ("donation", 40_000), ("refund", 40_000), ("fee", 1_500)]
    assert entries()[1].source_ref == f"stripe:dispute:{dispute['id']}"
    won = dispute_object(charge, fee_cents=1_500, reinstated=True, status="won",
                         dispute_id=dispute["id"])
    won["balance_transactions"][0]["id"] = dispute["balance_transactions"][0]["id"]
    stripe_recorder.stub("GET", f"/v1/disputes/{dispute['id']}", won)
    for event_type in ("charge.dispute.funds_reinstated", "charge.dispute.closed"):
        assert post(wclient, signed_event(event_type, won)) == 200
    rows = entries()
    assert [(e.kind, e.amount_cents) for e in rows] == [
        ("donation", 40_000), ("refund", 40_000), ("fee", 1_500), ("reversal", 40_000)]
    assert rows[-1].cumulative_cents == 40_000 - 1_500
    assert RefundRequest.query.count() == 0


def test_unknown_donation_is_acknowledged_and_nothing_booked(
        wclient: FlaskClient, stripe_gateway: StripeGateway, signed_event: SignedEvent) -> None:
    from tests.support.stripe_shapes import checkout_session_object, create_paid_payment_intent

    intent = create_paid_payment_intent(stripe_gateway, 1_000,
                                        metadata={"donation_id": "not-ours"})
    session = checkout_session_object(donation_id="not-ours", amount_cents=1_000,
                                      payment_intent=intent)
    assert post(wclient, signed_event("checkout.session.completed", session)) == 200
    charge = stripe_gateway.retrieve_charge(str(charge_id_of(intent)))
    assert post(wclient, signed_event("charge.updated", charge_object(charge))) == 200
    assert entries() == [] and event_count() == 2


def test_a_failing_stripe_lookup_answers_500_and_stores_nothing(
        wclient: FlaskClient, stripe_gateway: StripeGateway, stripe_recorder: StripeRecorder,
        signed_event: SignedEvent) -> None:
    donation = new_donation(2_000)
    intent = pay(stripe_gateway, donation)
    stripe_recorder.stub("GET", f"/v1/payment_intents/{intent['id']}", {"error": {
        "type": "api_error", "message": "Stripe is down"}}, status=500)
    event = completed(signed_event, donation, intent)
    assert post(wclient, event) == 500
    assert event_count() == 0 and entries() == []
    stripe_recorder._stubs.clear()
    assert post(wclient, event) == 200 and len(entries()) == 1


def test_monthly_invoice_before_checkout_and_a_failed_renewal(
        wclient: FlaskClient, stripe_gateway: StripeGateway, stripe_recorder: StripeRecorder,
        signed_event: SignedEvent) -> None:
    from sqlalchemy import select

    from app.audit import AuditEntry
    from tests.support.stripe_shapes import (
        checkout_session_object,
        create_monthly_subscription,
        invoice_object,
    )

    donation = new_donation(2_500, monthly=True)
    subscription, invoice = create_monthly_subscription(
        stripe_gateway, 2_500, metadata={"donation_id": donation.id})
    sub_id = subscription["id"]
    stripe_recorder.stub("POST", f"/v1/subscriptions/{sub_id}", subscription)
    paid = invoice_object(invoice, subscription=sub_id,
                          subscription_metadata={"donation_id": donation.id})
    assert post(wclient, signed_event("invoice.paid", paid)) == 200  # before Checkout's event
    row = fresh(donation.id)
    assert (row.status, row.subscription_id, row.paid_cents) == ("active", sub_id, 2_500)
    session = checkout_session_object(donation_id=donation.id, amount_cents=2_500,
                                      mode="subscription", subscription=sub_id,
                                      invoice=invoice["id"])
    assert post(wclient, signed_event("checkout.session.completed", session)) == 200
    assert len(entries("donation")) == 1
    # No cancel_at in the metadata: the end comes from the donation's collection window.
    update = stripe_recorder.last("POST", f"/v1/subscriptions/{sub_id}")
    from app.donations.booking import subscription_end_timestamp

    assert update.params["cancel_at"] == str(subscription_end_timestamp(row.subscription_end_at))
    assert update.params["cancel_at"] == "1810936799"  # 2027-05-21 23:59:59 Europe/Paris
    failed = invoice_object(invoice, status="open", invoice_id="in_failed_2",
                            billing_reason="subscription_cycle", subscription=sub_id)
    assert post(wclient, signed_event("invoice.payment_failed", failed)) == 200
    assert fresh(donation.id).status == "active"  # Stripe retries; nothing booked
    assert len(entries()) == 1
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "donation.payment_failed" in actions
