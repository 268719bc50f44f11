"""Acceptance 2: every event delivered 1–3 times, shuffled, from 8 threads, with one crash
before commit, leaves the ledger equal to Stripe's balance transactions."""

from __future__ import annotations

import random
import threading
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.donations import mail
from app.donations.models import Donation, StripeEvent
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import charge_id_of, id_of
from app.extensions import db
from app.mail import OutgoingMail
from tests.factories import new_donation, who
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import charge_object, refund_object
from tests.support.webhooks import SignedEvent, completed, entries, fresh, pay

SEED = 20261128
THREADS = 8


@pytest.fixture
def live_url(wapp: Flask) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 (threaded), as Stripe would reach it."""
    server = make_server("127.0.0.1", 0, wapp, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/stripe/webhook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def deliver(url: str, event: tuple[bytes, dict[str, str]]) -> int:
    body, headers = event
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        exc.close()
        return int(exc.code)


def stripe_side(gateway: StripeGateway) -> dict[str, Any]:
    """Totals and per-donor nets from localstripe's own balance transactions."""
    client = gateway.client.v1
    txns = [t.to_dict() for t in
            client.balance_transactions.list(params={"limit": 100}).auto_paging_iter()]
    per_donor: dict[str, int] = defaultdict(int)
    for txn in txns:
        source = str(id_of(txn["source"]))
        charge_id = source if txn["type"] == "charge" else \
            str(id_of(client.refunds.retrieve(source)["charge"]))
        intent = gateway.retrieve_payment_intent(
            str(id_of(gateway.retrieve_charge(charge_id)["payment_intent"])))
        donation = db.session.get(Donation, intent["metadata"]["donation_id"])
        assert donation is not None
        per_donor[donation.nom] += txn["amount"]
    by_type = {kind: [t for t in txns if t["type"] == kind] for kind in ("charge", "refund")}
    assert len(txns) == sum(len(v) for v in by_type.values())
    return {
        "charges": (len(by_type["charge"]), sum(t["amount"] for t in by_type["charge"])),
        "refunds": (len(by_type["refund"]), -sum(t["amount"] for t in by_type["refund"])),
        "fees": sum(t["fee"] for t in txns),
        "net": sum(t["net"] for t in txns),
        "per_donor": dict(per_donor),
    }


def ledger_side() -> dict[str, Any]:
    rows = entries()
    per_donor: dict[str, int] = defaultdict(int)
    for entry in rows:
        if entry.kind in ("donation", "refund"):
            sign = 1 if entry.kind == "donation" else -1
            per_donor[entry.donor_snapshot["nom"]] += sign * entry.amount_cents
    gifts = [e for e in rows if e.kind == "donation"]
    refunds = [e for e in rows if e.kind == "refund"]
    return {
        "charges": (len(gifts), sum(e.amount_cents for e in gifts)),
        "refunds": (len(refunds), sum(e.amount_cents for e in refunds)),
        "fees": sum(e.amount_cents for e in rows if e.kind == "fee"),
        "net": rows[-1].cumulative_cents if rows else 0,
        "per_donor": dict(per_donor),
    }


def test_shuffled_duplicated_concurrent_events_with_a_crash_book_exactly_once(
        wapp: Flask, live_url: str, stripe_gateway: StripeGateway,
        stripe_recorder: StripeRecorder, signed_event: SignedEvent,
        monkeypatch: pytest.MonkeyPatch) -> None:
    alice = [new_donation(15_000, who("Arnaud", "Alice")),
             new_donation(8_000, who("Arnaud", "Alice"))]
    bruno = new_donation(250_000, who("Bernard", "Bruno"))
    chloe = new_donation(4_500, who("Chevalier", "Chloé"))
    damien = new_donation(120_000, who("Dubois", "Damien"))
    donations = [*alice, bruno, chloe, damien]
    intents = {d.id: pay(stripe_gateway, d) for d in donations}
    charges = {d.id: stripe_gateway.retrieve_charge(str(charge_id_of(intents[d.id])))
               for d in donations}
    # Fees known only later (charge.updated), as on real Stripe; a partial refund via the API.
    stripe_recorder.add_fee(charges[chloe.id]["balance_transaction"]["id"], 155)
    stripe_recorder.add_fee(charges[damien.id]["balance_transaction"]["id"], 1_830)
    refund_id = stripe_gateway.create_refund(charge_id=charges[bruno.id]["id"],
                                             amount_cents=30_000, idempotency_key="test:r1",
                                             metadata={})
    refund = next(r for r in stripe_gateway.list_refunds(charges[bruno.id]["id"])
                  if r["id"] == refund_id)
    refunded = stripe_gateway.retrieve_charge(charges[bruno.id]["id"])

    events = [completed(signed_event, d, intents[d.id]) for d in donations]
    events += [
        # The same payment announced again under another event id.
        completed(signed_event, alice[0], intents[alice[0].id],
                  event_type="checkout.session.async_payment_succeeded"),
        signed_event("charge.updated", charge_object(charges[chloe.id])),
        signed_event("charge.updated", charge_object(charges[damien.id])),
        signed_event("charge.refunded", charge_object(refunded)),
        signed_event("refund.created", refund_object(refund, payment_intent=intents[bruno.id])),
        signed_event("refund.updated", refund_object(refund, payment_intent=intents[bruno.id])),
        signed_event("payment_intent.succeeded", intents[chloe.id]),  # not handled: 200
    ]
    rng = random.Random(SEED)
    deliveries = [event for event in events for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)

    crashes: list[str] = []
    lock = threading.Lock()
    real_queue = mail.queue_confirmation

    def crash_once(donation: Donation, entry_id: int, charge_id: str) -> str:
        with lock:
            if not crashes:
                crashes.append(charge_id)
                raise RuntimeError("injected crash before commit")
        return real_queue(donation, entry_id, charge_id)

    monkeypatch.setattr(mail, "queue_confirmation", crash_once)
    db.session.remove()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(lambda e: deliver(live_url, e), deliveries))
    assert len(crashes) == 1
    assert Counter(statuses) == Counter({200: len(deliveries) - 1, 500: 1})
    # Stripe retries what got a 5xx: the redelivery succeeds.
    failed = [d for d, status in zip(deliveries, statuses, strict=True) if status == 500]
    assert [deliver(live_url, event) for event in failed] == [200]

    ledger, stripe = ledger_side(), stripe_side(stripe_gateway)
    assert ledger == stripe
    assert ledger["charges"] == (5, 397_500) and ledger["refunds"] == (1, 30_000)
    assert ledger["fees"] == 1_985
    assert ledger["per_donor"] == {"Arnaud": 23_000, "Bernard": 220_000, "Chevalier": 4_500,
                                   "Dubois": 120_000}
    sources = Counter(e.source_ref for e in entries())
    assert max(sources.values()) == 1  # one entry per Stripe id
    for donation in donations:
        row = fresh(donation.id)
        assert (row.status, row.paid_cents) == ("paid", donation.amount_cents)
        assert row.first_entry_id is not None
    # One confirmation per charge; one stored row per distinct handled event.
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 5
    assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == len(events) - 1
    result = wapp.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "intègre" in result.output
