"""Two tabs and a cheque meanwhile: the excess is flagged (DON-16), a refund is proposed, and
only a treasurer or an admin can have it executed through Stripe, once (R39-1-1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit import AuditEntry
from app.donations.models import RefundRequest
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import charge_id_of
from app.extensions import db
from app.ledger.entries import record_refund
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import ComplianceFlag
from app.ledger.totals import accepted_total
from app.timeutil import utcnow
from tests.factories import create_user, new_donation, tx, who
from tests.support.app import AuthActions
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import charge_object
from tests.support.webhooks import SignedEvent, completed, entries, fresh, pay, post


def over_the_cap_by_two_tabs(wclient: FlaskClient, stripe_gateway: StripeGateway,
                             signed_event: SignedEvent) -> tuple[Any, ...]:
    """Two card gifts of 1,000 € after a 3,000 € cheque: the second passes the cap by 400 €,
    is flagged DON-16 and a refund is prepared (returns the gifts, intents, flag, request)."""
    donor = who("Tabulé", "Théo")
    first, second = new_donation(100_000, donor), new_donation(100_000, donor)
    # The donor lingers on Stripe's page beyond our reservation, and meanwhile the
    # treasurer records a cheque of 3,000 € (accepted: the reservations have lapsed).
    for donation in (first, second):
        donation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    cheque = tx(record_gift, GiftInput(
        campaign_id=first.campaign_id, amount_cents=300_000, on=utcnow().date(),
        method="cheque", identity=donor, source_ref="cheque:CHQ-77"))
    assert cheque.status == "accepted"
    intents = [pay(stripe_gateway, d) for d in (first, second)]
    for donation, intent in zip((first, second), intents, strict=True):
        assert post(wclient, completed(signed_event, donation, intent)) == 200
    flag = db.session.scalar(select(ComplianceFlag))
    request = db.session.scalar(select(RefundRequest))
    return first, second, intents, flag, request


def test_two_tabs_over_the_cap_are_flagged_and_refunded_once_on_approval(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    first, second, intents, flag, request = over_the_cap_by_two_tabs(
        wclient, stripe_gateway, signed_event)
    gifts = entries("donation")
    assert [g.amount_cents for g in gifts] == [300_000, 100_000, 100_000]  # all booked
    assert (flag.rule, flag.amount_cents, flag.entry_id) == ("DON-2", 40_000, gifts[2].id)
    charge_id = str(charge_id_of(intents[1]))
    assert (request.status, request.amount_cents, request.charge_id, request.flag_id) == \
        ("proposed", 40_000, charge_id, flag.id)
    assert stripe_recorder.find("POST", "/v1/refunds") == []  # never refunded automatically

    runner = wapp.test_cli_runner()
    listing = runner.invoke(args=["refunds", "list", "--site", "demo"])
    assert listing.exit_code == 0, listing.output
    assert f"n° {request.id} — proposé — 400,00\u00a0€ — M. Théo Tabulé" in listing.output \
        or f"n° {request.id} — proposé — 400,00\u00a0€ — Mme Théo Tabulé" in listing.output
    assert "DON-16" in listing.output and charge_id in listing.output
    assert runner.invoke(args=["refunds", "list", "--site", "nulle-part"]).exit_code == 1

    create_user("editeur@example.org", "editor")
    create_user("ancien@example.org", "treasurer", active=False)
    create_user("tresorier@example.org", "treasurer")
    create_user("admin@example.org", "admin")
    for email, words in [("editeur@example.org", "n'est pas trésorier de cette campagne"),
                         ("admin@example.org", "n'est pas trésorier de cette campagne"),
                         ("ancien@example.org", "désactivé"),
                         ("personne@example.org", "Aucun compte")]:
        refused = runner.invoke(args=["refunds", "approve", str(request.id), "--by", email])
        assert refused.exit_code == 1 and words in refused.output, refused.output
    assert stripe_recorder.find("POST", "/v1/refunds") == []
    assert fresh_request(request.id).status == "proposed"

    done = runner.invoke(args=["refunds", "approve", str(request.id),
                               "--by", "Tresorier@example.org"])
    assert done.exit_code == 0, done.output
    assert "400,00" in done.output and "effectué" in done.output
    [call] = stripe_recorder.find("POST", "/v1/refunds")
    assert call.headers["Idempotency-Key"] == f"refund-request:{request.id}"
    assert (call.params["charge"], call.params["amount"]) == (charge_id, "40000")
    [refund] = stripe_gateway.list_refunds(charge_id)
    assert refund["amount"] == 40_000
    executed = fresh_request(request.id)
    assert (executed.status, executed.stripe_refund_id) == ("executed", refund["id"])
    refund_entry = entries("refund")[0]
    assert (refund_entry.amount_cents, refund_entry.source_ref) == \
        (40_000, f"stripe:refund:{refund['id']}")
    db.session.refresh(flag)
    assert flag.resolved_entry_id == refund_entry.id
    assert accepted_total(first.election_id, gifts[0].donor_id) == 460_000

    # Approving again, or Stripe's charge.refunded arriving, adds nothing.
    again = runner.invoke(args=["refunds", "approve", str(request.id),
                                "--by", "tresorier@example.org"])
    assert again.exit_code == 0 and "déjà exécuté" in again.output
    refunded = stripe_gateway.retrieve_charge(charge_id)
    assert post(wclient, signed_event("charge.refunded", charge_object(refunded))) == 200
    assert len(stripe_recorder.find("POST", "/v1/refunds")) == 1
    assert len(entries("refund")) == 1
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("refund.approve") == 1 and actions.count("refund.execute") == 1
    assert fresh(second.id).status == "paid"
    verify = runner.invoke(args=["ledger", "verify"])
    assert verify.exit_code == 0, verify.output


def fresh_request(request_id: int) -> RefundRequest:
    db.session.rollback()
    found = db.session.get(RefundRequest, request_id)
    assert found is not None
    db.session.refresh(found)
    return found


def test_the_treasurer_approves_a_refund_from_the_treasury_page(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    *_, flag, request = over_the_cap_by_two_tabs(wclient, stripe_gateway, signed_event)
    create_user("tresorier@example.org", "treasurer")
    AuthActions(wclient).login("tresorier@example.org")
    page = wclient.get("/admin/tresorerie/").get_data(as_text=True)
    action = f"/admin/tresorerie/remboursements/{request.id}/approuver"
    assert f'action="{action}"' in page and "Approuver et rembourser 400,00" in page
    for _ in range(2):  # a double click refunds once
        answer = wclient.post(action)
        assert answer.status_code == 303
    [call] = stripe_recorder.find("POST", "/v1/refunds")
    assert call.params["amount"] == "40000"
    assert fresh_request(request.id).status == "executed"
    page = wclient.get("/admin/tresorerie/").get_data(as_text=True)
    assert "effectué" in page and "déjà exécuté" in page
    assert "Aucun remboursement en attente." in page
    db.session.refresh(flag)
    assert flag.resolved_entry_id == entries("refund")[0].id


def test_a_request_refunded_meanwhile_is_not_refunded_twice(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    *_, flag, request = over_the_cap_by_two_tabs(wclient, stripe_gateway, signed_event)
    # The treasurer refunded the 400 € from Stripe's dashboard; charge.refunded booked it.
    tx(record_refund, flag.entry_id, 40_000, on=utcnow().date(), source_ref="stripe:refund:re_dash",
                  reason="Remboursé depuis le tableau de bord Stripe")
    create_user("tresorier@example.org", "treasurer")
    refused = wapp.test_cli_runner().invoke(
        args=["refunds", "approve", str(request.id), "--by", "tresorier@example.org"])
    assert refused.exit_code == 1 and "déjà remboursé" in refused.output, refused.output
    assert stripe_recorder.find("POST", "/v1/refunds") == []
    assert fresh_request(request.id).status == "cancelled"  # off the list of work to do
