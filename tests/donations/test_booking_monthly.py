"""Acceptance 6: monthly donations stop at the end of the collection window (DON-15) and
never exceed the cap (DON-2): a renewal passing it is booked, flagged and refunded on approval."""

from __future__ import annotations

from datetime import UTC, date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.donations.models import RefundRequest
from app.donations.service import (
    MONTHS_WITHOUT_END,
    DonationRequest,
    last_payment_day,
    months_until,
    reserve,
)
from app.donations.stripe.demo import DemoGateway
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import charge_id_of, id_of
from app.extensions import db
from app.ledger.donors import merge_donors
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import Donor
from app.ledger.totals import accepted_total
from app.timeutil import PARIS, utcnow
from tests.factories import create_user, demo_site, new_donation, tx, who
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import (
    checkout_session_object,
    create_monthly_subscription,
    create_paid_payment_intent,
    invoice_object,
)
from tests.support.webhooks import SignedEvent, entries, fresh, post


def test_monthly_gift_ends_with_the_window_and_stays_under_the_cap(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    louise = who("Martin", "Louise")
    donation = new_donation(50_000, louise, monthly=True)
    # Collection ends when the account is filed (2027-05-21): 6 payments from 2026-11-28.
    assert (donation.months, donation.reserved_cents) == (6, 300_000)
    assert donation.subscription_end_at is not None
    window_end = int(donation.subscription_end_at.replace(tzinfo=UTC).timestamp())
    subscription, invoice = create_monthly_subscription(
        stripe_gateway, 50_000, email=louise.email,
        metadata={"donation_id": donation.id, "cancel_at": str(window_end)})
    sub_id = subscription["id"]
    # localstripe rejects proration_behavior: answer the update as Stripe would.
    stripe_recorder.stub("POST", f"/v1/subscriptions/{sub_id}",
                         {**subscription, "cancel_at": window_end})
    session = checkout_session_object(donation_id=donation.id, amount_cents=50_000,
                                      mode="subscription", subscription=sub_id,
                                      invoice=invoice["id"], customer=subscription["customer"])
    for _ in range(2):
        assert post(wclient, signed_event("checkout.session.completed", session)) == 200
    update = stripe_recorder.last("POST", f"/v1/subscriptions/{sub_id}")
    assert update.params["cancel_at"] == str(window_end)
    assert update.headers["Idempotency-Key"] == f"subscription-end:{sub_id}:{window_end}"
    row = fresh(donation.id)
    assert (row.status, row.subscription_id, row.paid_cents) == ("active", sub_id, 50_000)
    first_charge = charge_id_of(stripe_gateway.retrieve_payment_intent(
        str(id_of(invoice["payment_intent"]))))
    assert [e.source_ref for e in entries()] == [f"stripe:charge:{first_charge}"]
    # invoice.paid for the first invoice names the same charge: nothing more.
    paid = invoice_object(invoice, subscription=sub_id,
                          subscription_metadata={"donation_id": donation.id})
    assert post(wclient, signed_event("invoice.paid", paid)) == 200
    assert len(entries()) == 1

    # Meanwhile a cheque of 3,800 € recorded under a slightly different address, then the
    # treasurer merges the two records: 500 + 3,800 = 4,300 €, still under the cap.
    cheque = tx(record_gift, GiftInput(
        campaign_id=donation.campaign_id, amount_cents=380_000, on=utcnow().date(),
        method="cheque", identity=who("Martin", "Louise", adresse="1, rue de la Paix (bis)"),
        source_ref="cheque:CHQ-9"))
    assert cheque.status == "accepted"
    online = db.session.scalar(select(Donor).where(Donor.id == entries()[0].donor_id))
    tx(merge_donors, online.id, cheque.donor_id, by_id=None, reason="même personne")
    # A new monthly gift (100 € × 6) is not refused before payment, whatever Louise gave:
    # the form decides on the gift alone (DON-15: 600 € ≤ 4 600 €); each of its payments
    # would be checked against her total when booked, as the renewal below is.
    again = tx(reserve, demo_site(), DonationRequest(
        identity=louise, amount_cents=10_000, monthly=True, email=louise.email, source=None,
        newsletter=False, attestations={}, client_ip=None))
    assert again.donation is not None and again.message == ""

    # The renewal (localstripe never renews: a paid PI and a current-shape invoice).
    renewal_intent = create_paid_payment_intent(stripe_gateway, 50_000)
    renewal = invoice_object(invoice, invoice_id="in_renewal_1",
                             billing_reason="subscription_cycle",
                             payment_intent=renewal_intent, subscription=sub_id,
                             subscription_metadata={"donation_id": donation.id})
    stripe_recorder.stub("GET", "/v1/invoices/in_renewal_1", renewal)
    for _ in range(2):
        assert post(wclient, signed_event("invoice.paid", renewal)) == 200
    gifts = entries("donation")
    assert [g.amount_cents for g in gifts] == [50_000, 380_000, 50_000]  # booked anyway
    request = db.session.scalar(select(RefundRequest))
    renewal_charge = str(charge_id_of(renewal_intent))
    assert (request.amount_cents, request.charge_id, request.status) == \
        (20_000, renewal_charge, "proposed")
    assert fresh(donation.id).paid_cents == 100_000

    create_user("tresorier@example.org", "treasurer")
    runner = wapp.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["refunds", "approve", str(request.id),
                                     "--by", "tresorier@example.org"])
        assert result.exit_code == 0, result.output
    assert [r["amount"] for r in stripe_gateway.list_refunds(renewal_charge)] == [20_000]
    assert len(stripe_recorder.find("POST", "/v1/refunds")) == 1
    assert accepted_total(donation.election_id, online.id) == 460_000

    # The subscription ends (at the window end, or cancelled): the donation ends.
    stripe_recorder._stubs.clear()
    ended = stripe_gateway.cancel_subscription(sub_id)
    assert post(wclient, signed_event("customer.subscription.deleted", ended)) == 200
    assert fresh(donation.id).status == "ended"
    from app.donations.service import pending_reservations

    assert pending_reservations(donation.election_id, [online.id], None) == 0


def test_demo_gateway_answers_monthly_lookups(wapp: Flask) -> None:
    donation = new_donation(2_000, monthly=True)
    gateway = DemoGateway("s")
    sub = gateway.retrieve_subscription(f"sub_demo_{donation.id}")
    invoice = gateway.retrieve_invoice(str(sub["latest_invoice"]))
    intent = gateway.retrieve_payment_intent(str(invoice["payment_intent"]))
    assert intent["latest_charge"]["id"] == f"ch_demo_{donation.id}"
    assert intent["metadata"]["donation_id"] == donation.id


def test_a_monthly_gift_paid_beyond_its_plan_gives_no_room_to_other_gifts(wapp: Flask) -> None:
    donor = who("Mensuel", "Marc")
    plan = new_donation(10_000, donor, monthly=True)
    # Twelve payments planned, thirteen made (e.g. a month-end calendar quirk): the 1,300 €
    # are in the ledger, and the gift must not count as -100 € "reserved".
    plan.status, plan.reserved_cents, plan.paid_cents = "active", 120_000, 130_000
    db.session.commit()
    tx(record_gift, GiftInput(campaign_id=plan.campaign_id, amount_cents=130_000,
                          on=utcnow().date(), method="carte", identity=donor,
                          source_ref="stripe:charges:mensuel"))
    cheque = tx(record_gift, GiftInput(campaign_id=plan.campaign_id, amount_cents=340_000,
                                   on=utcnow().date(), method="cheque", identity=donor,
                                   source_ref="cheque:apres-mensuel"))
    assert cheque.status == "refused" and "DON-2" in cheque.decision.rules


def test_without_a_filing_date_a_monthly_gift_stops_at_the_legal_deadline(
        wapp: Flask) -> None:
    """ACC-2: with no filing date yet, collection ends at the legal filing deadline, the
    10th Friday after the first round (14 March 2027 → 21 May 2027), not after 12 months."""
    campaign = demo_site().campaign
    campaign.filing_date = None
    db.session.commit()
    plan = new_donation(5_000, monthly=True)
    assert plan.subscription_end_at is not None
    assert plan.subscription_end_at.date() == date(2027, 5, 21)
    # The legal calendar is French: a plan made at 23:30 UTC on 1 December starts on the 2nd.
    started = plan.created_at.replace(tzinfo=UTC).astimezone(PARIS).date()
    months = months_until(date(2027, 5, 21), started)
    assert plan.months == months < MONTHS_WITHOUT_END
    assert plan.reserved_cents == 5_000 * months


def test_month_end_starts_are_counted_as_stripe_bills_them() -> None:
    # Started on 30 January, Stripe bills on 30 January and on 28 February.
    assert months_until(date(2027, 2, 28), date(2027, 1, 30)) == 2
    assert months_until(date(2027, 2, 27), date(2027, 1, 30)) == 1
    assert months_until(date(2027, 3, 29), date(2027, 1, 30)) == 2
    assert months_until(date(2027, 3, 30), date(2027, 1, 30)) == 3
    assert last_payment_day(date(2027, 1, 31), 2) == date(2027, 2, 28)
    assert last_payment_day(date(2026, 11, 15), 12) == date(2027, 10, 15)
