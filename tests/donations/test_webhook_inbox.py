"""The webhook inbox (ESTRADE_WEBHOOK_INBOX): the signed event is stored and acknowledged at
once, a drainer books it in batches, exactly once whatever fails in between; the caps are
still checked at booking (DON-2, DON-16)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, exc, select

from app.donations import inbox, mail
from app.donations.inbox import drain, pending_count
from app.donations.models import Donation, RefundRequest, WebhookInboxRow
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import ComplianceFlag
from app.timeutil import utcnow
from tests.factories import new_donation, tx, who
from tests.support.app import build_app, inside
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.webhooks import SignedEvent, completed, entries, event_count, fresh, pay, post


@pytest.fixture
def iapp(database_url: str, tmp_path: Path, stripe_config: dict[str, Any],
         stripe_gateway: StripeGateway) -> Iterator[Flask]:
    """The app in inbox mode; no drainer thread (each test drains when it says so)."""
    with inside(build_app(database_url, tmp_path, stripe_gateway, ESTRADE_WEBHOOK_INBOX=True,
                          **stripe_config)) as app:
        yield app


@pytest.fixture
def iclient(iapp: Flask) -> FlaskClient:
    return iapp.test_client()


def _rows() -> list[WebhookInboxRow]:
    db.session.rollback()
    return list(db.session.scalars(select(WebhookInboxRow).order_by(WebhookInboxRow.id)))


def _post_paid(client: FlaskClient, gateway: StripeGateway, signed_event: SignedEvent,
               donations: list[Donation]) -> None:
    """Each donation paid at Stripe and its completed Checkout event acknowledged (stored)."""
    for donation in donations:
        assert post(client, completed(signed_event, donation, pay(gateway, donation))) == 200


def test_an_event_is_stored_and_acknowledged_then_booked_once(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    donation = new_donation(5000)
    delivery = completed(signed_event, donation, pay(stripe_gateway, donation))
    assert post(iclient, delivery) == 200
    assert post(iclient, delivery) == 200  # Stripe's duplicate: stored once
    assert entries() == [] and event_count() == 0 and len(_rows()) == 1
    assert fresh(donation.id).status == "pending"
    report = drain(iapp)
    assert (report.booked, report.retried) == (1, 0)
    assert [(e.kind, e.amount_cents) for e in entries("donation")] == [("donation", 5000)]
    assert event_count() == 1 and pending_count() == 0
    assert fresh(donation.id).status == "paid"
    assert post(iclient, delivery) == 200  # a late duplicate: already booked, not stored
    assert pending_count() == 0 and drain(iapp).handled == 0
    assert len(entries("donation")) == 1


def test_a_bad_signature_is_refused_and_stores_nothing(
        iclient: FlaskClient, stripe_gateway: StripeGateway, signed_event: SignedEvent) -> None:
    donation = new_donation(5000)
    body, headers = completed(signed_event, donation, pay(stripe_gateway, donation))
    assert post(iclient, (body.replace(b"5000", b"9000"), headers)) == 400
    assert post(iclient, (body, {**headers, "Stripe-Signature": "t=1,v1=00"})) == 400
    assert _rows() == []


def test_database_gone_while_storing_gives_5xx_and_the_retry_books_once(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    donation = new_donation(4000)
    delivery = completed(signed_event, donation, pay(stripe_gateway, donation))

    def gone(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise exc.OperationalError(statement, {}, Exception("server closed the connection"))

    event.listen(db.engine, "before_cursor_execute", gone)
    try:
        assert post(iclient, delivery) == 500  # not stored: Stripe will deliver it again
    finally:
        event.remove(db.engine, "before_cursor_execute", gone)
    assert _rows() == []
    assert post(iclient, delivery) == 200
    assert drain(iapp).booked == 1
    assert len(entries("donation")) == 1 and event_count() == 1


def test_a_crash_while_booking_rolls_back_that_event_alone_and_it_books_once_later(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent, monkeypatch: pytest.MonkeyPatch) -> None:
    donations = [new_donation(2000 + n * 100, who(f"Martin{n}", "Léa")) for n in range(3)]
    _post_paid(iclient, stripe_gateway, signed_event, donations)
    real_queue = mail.queue_confirmation
    crashes: list[str] = []

    def crash_once(donation: Donation, entry_id: int, charge_id: str) -> str:
        if not crashes:
            crashes.append(donation.id)
            raise RuntimeError("injected crash before commit")
        return real_queue(donation, entry_id, charge_id)

    monkeypatch.setattr(mail, "queue_confirmation", crash_once)
    report = drain(iapp)
    assert (report.booked, report.retried) == (2, 1)
    [left] = _rows()
    assert left.attempts == 1 and "injected crash" in (left.last_error or "")
    assert left.next_attempt_at is not None and left.next_attempt_at > utcnow()
    assert fresh(crashes[0]).status == "pending"  # nothing of it was kept
    assert len(entries("donation")) == 2 and event_count() == 2
    assert drain(iapp).handled == 0  # it waits for its retry delay
    result = iapp.test_cli_runner().invoke(args=["webhooks", "drain", "--now"])
    assert result.exit_code == 0, result.output
    assert "1 événement(s) enregistré(s)" in result.output and "0 en attente" in result.output
    assert len(entries("donation")) == 3 and event_count() == 3 and _rows() == []
    for donation in donations:
        assert fresh(donation.id).status == "paid"
    verify = iapp.test_cli_runner().invoke(args=["ledger", "verify"])
    assert verify.exit_code == 0 and "intègre" in verify.output


def test_an_object_unknown_to_stripe_is_acknowledged_by_the_drainer(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent, caplog: pytest.LogCaptureFixture) -> None:
    donation = new_donation(5000)
    forged = dict(pay(stripe_gateway, donation), id="pi_unknown_to_this_account")
    assert post(iclient, completed(signed_event, donation, forged)) == 200
    with caplog.at_level("ERROR", logger="app.donations.webhook"):
        report = drain(iapp)
    assert (report.acknowledged, report.booked, report.retried) == (1, 0, 0)
    assert "acknowledged without effect" in caplog.text
    assert entries() == [] and event_count() == 0 and _rows() == []


def test_stripe_down_while_draining_is_retried_with_a_delay(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent) -> None:
    donation = new_donation(5000)
    intent = pay(stripe_gateway, donation)
    assert post(iclient, completed(signed_event, donation, intent)) == 200
    stripe_recorder.stub("GET", f"/v1/payment_intents/{intent['id']}",
                         {"error": {"message": "Stripe en panne", "type": "api_error"}},
                         status=500)
    assert drain(iapp).retried == 1
    failed = iapp.test_cli_runner().invoke(args=["webhooks", "drain"])
    assert failed.exit_code == 0 and "1 en attente" in failed.output  # still waiting
    assert "Stripe" in failed.output or "APIError" in failed.output
    stripe_recorder._stubs.clear()  # Stripe is back
    [row] = _rows()
    row.next_attempt_at = utcnow() - timedelta(seconds=1)  # its delay is over
    db.session.commit()
    assert drain(iapp).booked == 1
    assert len(entries("donation")) == 1 and event_count() == 1 and _rows() == []


def test_two_drainers_at_once_book_each_event_exactly_once(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    donations = [new_donation(1500 + n * 100, who(f"Durand{n}", "Paul")) for n in range(8)]
    deliveries = [completed(signed_event, d, pay(stripe_gateway, d)) for d in donations]
    for delivery in deliveries + deliveries[:3]:
        assert post(iclient, delivery) == 200
    # A lease that lapses at once: both drainers see every row, as after a stalled batch.
    original = inbox.LEASE_SECONDS
    inbox.LEASE_SECONDS = -1
    start = threading.Barrier(2)

    def drainer(_: int) -> int:
        with iapp.app_context():
            start.wait()
            try:
                return drain(iapp, limit=3).booked
            finally:
                db.session.remove()

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            booked = list(pool.map(drainer, range(2)))
    finally:
        inbox.LEASE_SECONDS = original
    assert sum(booked) == len(donations)
    gifts = entries("donation")
    assert len(gifts) == len(donations) == event_count()
    assert len({g.source_ref for g in gifts}) == len(gifts) and _rows() == []
    assert sum(g.amount_cents for g in gifts) == sum(d.amount_cents for d in donations)
    verify = iapp.test_cli_runner().invoke(args=["ledger", "verify"])
    assert verify.exit_code == 0 and "intègre" in verify.output


def test_the_cap_is_still_checked_when_the_drainer_books(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    """DON-2 at booking: a card gift over the person's cap is booked, its excess flagged
    (DON-16) and a refund proposed, as with the inline webhook."""
    donor = who("Tabulé", "Théo")
    gift = new_donation(100_000, donor)
    gift.expires_at = utcnow() - timedelta(minutes=1)  # its reservation lapsed meanwhile
    db.session.commit()
    cheque = tx(record_gift, GiftInput(
        campaign_id=gift.campaign_id, amount_cents=400_000, on=utcnow().date(),
        method="cheque", identity=donor, source_ref="cheque:CHQ-78"))
    assert cheque.status == "accepted"
    assert post(iclient, completed(signed_event, gift, pay(stripe_gateway, gift))) == 200
    assert drain(iapp).booked == 1
    flag = db.session.scalar(select(ComplianceFlag))
    assert flag is not None and (flag.rule, flag.amount_cents) == ("DON-2", 40_000)
    request = db.session.scalar(select(RefundRequest))
    assert request is not None and request.amount_cents == 40_000


def test_the_drainer_thread_books_what_the_webhook_stored(
        database_url: str, tmp_path: Path, stripe_config: dict[str, Any],
        stripe_gateway: StripeGateway, signed_event: SignedEvent) -> None:
    app = build_app(database_url, tmp_path, stripe_gateway, ESTRADE_WEBHOOK_INBOX=True,
                    ESTRADE_WEBHOOK_DRAIN_THREAD=True, **stripe_config)
    with inside(app):
        donation = new_donation(3000)
        delivery = completed(signed_event, donation, pay(stripe_gateway, donation))
        assert post(app.test_client(), delivery) == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (pending_count() or event_count() == 0):
            db.session.rollback()
            time.sleep(0.05)
        assert len(entries("donation")) == 1 and event_count() == 1
        assert fresh(donation.id).status == "paid"


def test_two_gifts_of_one_new_person_in_one_batch_are_capped_together(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    """DON-2 across a batch: the first gift creates the donor record, the second (same
    person, same transaction) must see it: 3,000 € + 2,000 € passes the 4,600 € cap by 400 €."""
    person = who("Nouveau", "Noé")
    first = new_donation(300_000, person)
    first.expires_at = utcnow() - timedelta(minutes=1)  # lapsed: the second may be reserved
    db.session.commit()
    second = new_donation(200_000, person)
    second.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for donation in (first, second):
        assert post(iclient, completed(signed_event, donation,
                                       pay(stripe_gateway, donation))) == 200
    report = drain(iapp)
    assert (report.booked, report.retried) == (2, 0)
    gifts = entries("donation")
    assert [g.amount_cents for g in gifts] == [300_000, 200_000]
    assert gifts[0].donor_id == gifts[1].donor_id
    flag = db.session.scalar(select(ComplianceFlag))
    assert flag is not None and (flag.rule, flag.amount_cents, flag.entry_id) == (
        "DON-2", 40_000, gifts[1].id)


def test_a_batch_that_fails_as_a_whole_is_booked_one_event_at_a_time(
        iapp: Flask, iclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent, monkeypatch: pytest.MonkeyPatch) -> None:
    """A transaction broken as a whole (a deadlock PostgreSQL resolved against the batch):
    each event is booked again in its own transaction, once."""
    donations = [new_donation(2500 + n * 100, who(f"Petit{n}", "Jules")) for n in range(3)]
    _post_paid(iclient, stripe_gateway, signed_event, donations)
    real_book_one = inbox._book_one
    calls: list[int] = []

    def deadlock_once(item: Any, report: Any) -> str:
        calls.append(1)
        if len(calls) == 2:  # the batch's second event: the whole transaction is lost
            raise exc.OperationalError("INSERT", {}, Exception("deadlock detected"))
        return real_book_one(item, report)

    monkeypatch.setattr(inbox, "_book_one", deadlock_once)
    report = drain(iapp)
    assert (report.booked, report.retried) == (3, 0)
    assert len(entries("donation")) == 3 and event_count() == 3 and _rows() == []
    assert len(report.mail_keys) == 3
