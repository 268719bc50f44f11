"""A refund is paid exactly once (defect 5, acceptance 4): only an approved request runs,
Stripe is asked for the charge's refunds before one is created (its idempotency keys live
about 24 h; localstripe keeps none, as after they expire), what is owed is checked in every
state, and a refund booked by the webhook marks its request executed. Refunds made from
Stripe's dashboard are booked with an R39-1-1 alert (defect 15)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.donations.models import RefundRequest
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import charge_id_of
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import ComplianceFlag
from app.timeutil import utcnow
from tests.factories import create_user, new_donation, tx, who
from tests.support.app import AuthActions
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import charge_object
from tests.support.webhooks import SignedEvent, completed, entries, pay, post


def over_the_cap(wclient: FlaskClient, stripe_gateway: StripeGateway,
                 signed_event: SignedEvent) -> tuple[RefundRequest, str]:
    """A 3,000 € cheque, then a 1,000 € and a 1,000 € card gift: 400 € over the cap, a refund
    proposed on the second charge (the request, the charge id)."""
    donor = who("Tabulé", "Théo")
    first, second = new_donation(100_000, donor), new_donation(100_000, donor)
    for donation in (first, second):
        donation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    tx(record_gift, GiftInput(campaign_id=first.campaign_id, amount_cents=300_000,
                              on=utcnow().date(), method="cheque", identity=donor,
                              source_ref="cheque:CHQ-77"))
    intents = [pay(stripe_gateway, d) for d in (first, second)]
    for donation, intent in zip((first, second), intents, strict=True):
        assert post(wclient, completed(signed_event, donation, intent)) == 200
    request = db.session.scalar(select(RefundRequest))
    assert request is not None and request.amount_cents == 40_000
    return request, str(charge_id_of(intents[1]))


def fresh_request(request_id: int) -> RefundRequest:
    db.session.rollback()
    found = db.session.get(RefundRequest, request_id)
    assert found is not None
    db.session.refresh(found)
    return found


def login(client: FlaskClient, email: str) -> None:
    AuthActions(client).logout()
    AuthActions(client).login(email)


def stripe_refunds(gateway: StripeGateway, charge_id: str) -> list[dict[str, Any]]:
    return gateway.list_refunds(charge_id)


def test_editor_and_unapproved_requests_get_403(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    request, _ = over_the_cap(wclient, stripe_gateway, signed_event)
    create_user("editeur@example.org", "editor")
    create_user("tresorier@example.org", "treasurer")
    login(wclient, "editeur@example.org")
    assert wclient.post(f"/admin/tresorerie/remboursements/{request.id}/approuver"
                        ).status_code == 403
    assert wclient.post(f"/admin/tresorerie/remboursements/{request.id}/executer"
                        ).status_code == 403
    login(wclient, "tresorier@example.org")
    answer = wclient.post(f"/admin/tresorerie/remboursements/{request.id}/executer")
    assert answer.status_code == 403  # proposed, not approved: nothing runs
    assert "pas approuvée" in answer.get_data(as_text=True)
    assert stripe_recorder.find("POST", "/v1/refunds") == []
    assert fresh_request(request.id).status == "proposed"


def test_a_timeout_then_a_retry_and_a_second_approval_refund_once(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    request, charge_id = over_the_cap(wclient, stripe_gateway, signed_event)
    create_user("tresorier@example.org", "treasurer")
    login(wclient, "tresorier@example.org")
    stripe_recorder.lose_answer("POST", "/v1/refunds")  # Stripe refunds, the answer is lost
    action = f"/admin/tresorerie/remboursements/{request.id}/approuver"
    assert wclient.post(action).status_code == 303
    timed_out = fresh_request(request.id)
    assert timed_out.status == "approved" and "timed out" in (timed_out.last_error or "")
    page = wclient.get("/admin/tresorerie/").get_data(as_text=True)
    assert f'action="/admin/tresorerie/remboursements/{request.id}/executer"' in page
    assert len(stripe_refunds(stripe_gateway, charge_id)) == 1  # the money went back
    assert entries("refund") == []

    # The retry (localstripe keeps no idempotency key, as Stripe after 24 h) and a second
    # approval sent at once: the refund already made is found, none is created.
    for path in (f"/admin/tresorerie/remboursements/{request.id}/executer", action):
        assert wclient.post(path).status_code == 303
    assert len(stripe_recorder.find("POST", "/v1/refunds")) == 1
    [refund] = stripe_refunds(stripe_gateway, charge_id)
    done = fresh_request(request.id)
    [entry] = entries("refund")
    assert (done.status, done.stripe_refund_id, done.refund_entry_id) == \
        ("executed", refund["id"], entry.id)
    assert entry.amount_cents == 40_000 and entry.rules == []
    # charge.refunded arriving afterwards adds nothing and raises no alert.
    refunded = stripe_gateway.retrieve_charge(charge_id)
    assert post(wclient, signed_event("charge.refunded", charge_object(refunded))) == 200
    assert len(entries("refund")) == 1
    assert wapp.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0


def test_the_webhook_books_the_refund_first_and_marks_its_request_executed(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    request, charge_id = over_the_cap(wclient, stripe_gateway, signed_event)
    create_user("tresorier@example.org", "treasurer")
    runner = wapp.test_cli_runner()
    stripe_recorder.lose_answer("POST", "/v1/refunds")
    failed = runner.invoke(args=["refunds", "approve", str(request.id),
                                 "--by", "tresorier@example.org"])
    assert failed.exit_code == 1 and "ne sera fait qu'une fois" in failed.output
    refunded = stripe_gateway.retrieve_charge(charge_id)
    assert post(wclient, signed_event("charge.refunded", charge_object(refunded))) == 200
    [entry] = entries("refund")
    executed = fresh_request(request.id)
    assert (executed.status, executed.refund_entry_id) == ("executed", entry.id)
    assert entry.rules == []  # approved by the mandataire: no alert
    flag = db.session.scalar(select(ComplianceFlag))
    assert flag is not None and flag.resolved_entry_id == entry.id
    again = runner.invoke(args=["refunds", "approve", str(request.id),
                                "--by", "tresorier@example.org"])
    assert again.exit_code == 0 and "déjà exécuté" in again.output
    assert len(stripe_recorder.find("POST", "/v1/refunds")) == 1
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0


def test_an_approved_request_refunded_meanwhile_is_not_paid_again(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    """Approved, Stripe failed; meanwhile someone refunded from the dashboard: the retry
    checks what is owed (once skipped for approved requests) and pays nothing."""
    request, charge_id = over_the_cap(wclient, stripe_gateway, signed_event)
    create_user("tresorier@example.org", "treasurer")
    runner = wapp.test_cli_runner()
    stripe_recorder.stub("POST", "/v1/refunds", {"error": {
        "type": "api_error", "message": "Stripe is down"}}, status=500)
    failed = runner.invoke(args=["refunds", "approve", str(request.id),
                                 "--by", "tresorier@example.org"])
    assert failed.exit_code == 1 and fresh_request(request.id).status == "approved"
    stripe_recorder._stubs.clear()
    dashboard = stripe_gateway.client.v1.refunds.create(
        params={"charge": charge_id, "amount": 40_000})  # no metadata: not ours
    refunded = stripe_gateway.retrieve_charge(charge_id)
    assert post(wclient, signed_event("charge.refunded", charge_object(refunded))) == 200
    [entry] = entries("refund")
    assert entry.details["refund"] == dashboard.id
    assert [r["rule"] for r in entry.rules] == ["R39-1-1"]  # defect 15: alert
    before = len(stripe_recorder.find("POST", "/v1/refunds"))
    retry = runner.invoke(args=["refunds", "approve", str(request.id),
                                "--by", "tresorier@example.org"])
    assert retry.exit_code == 1 and "déjà remboursé" in retry.output, retry.output
    assert len(stripe_recorder.find("POST", "/v1/refunds")) == before
    assert fresh_request(request.id).status == "cancelled"
    assert len(stripe_refunds(stripe_gateway, charge_id)) == 1

    login(wclient, "tresorier@example.org")
    page = wclient.get("/admin/tresorerie/").get_data(as_text=True)
    assert "R39-1-1" in page and "hors d&#39;Estrade" in page


def test_a_refund_made_from_stripes_dashboard_is_booked_with_an_alert(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    """Defect 15: charge.refunded with no request behind it (R39-1-1 5°: only the mandataire
    authorises a refund): booked, alerted on the treasury page, in the audit log."""
    from app.audit import AuditEntry

    donation = new_donation(5_000, who("Dash", "Board"))
    db.session.commit()
    intent = pay(stripe_gateway, donation)
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    charge_id = str(charge_id_of(intent))
    stripe_gateway.client.v1.refunds.create(params={"charge": charge_id, "amount": 2_000})
    refunded = stripe_gateway.retrieve_charge(charge_id)
    assert post(wclient, signed_event("charge.refunded", charge_object(refunded))) == 200
    [entry] = entries("refund")
    assert entry.amount_cents == 2_000 and [r["rule"] for r in entry.rules] == ["R39-1-1"]
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "refund.unauthorised")) is not None
    create_user("tresorier@example.org", "treasurer")
    login(wclient, "tresorier@example.org")
    page = wclient.get("/admin/tresorerie/").get_data(as_text=True)
    assert "R39-1-1" in page and "sans autorisation enregistrée du mandataire" in page
