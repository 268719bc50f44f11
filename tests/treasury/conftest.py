"""Fixtures of the treasurer's pages: a rival list of the same election, with its own
treasurer and a donor the demo campaign's treasurer must never see; Stripe payouts carrying
both campaigns' money (a recording stand-in answering with current-shape objects)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask

from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.config import PROJECT_ROOT
from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.gateway import StripeGateway
from app.ledger.entries import record_refund
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import create_user, identity, tx
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import balance_transaction_object, payout_object, stripe_list


@pytest.fixture
def rival(app: Flask, users: dict[str, Any]) -> dict[str, Any]:
    spec = parse_campaign_file(PROJECT_ROOT / "content" / "demo" / "campaign.toml")
    site = tx(create_site, "rivale", "Liste rivale", ["rivale.example"])
    tx(load_campaign, site, spec)
    treasurer = create_user("tresorier.rival@example.org", "treasurer", sites=[site])
    outcome = tx(record_gift, GiftInput(
        campaign_id=site.campaign.id, amount_cents=100_000, on=date(2026, 11, 15),
        method="cheque", identity=identity("Secret", "Donatrice"), source_ref="rival:1"))
    return {"site": site, "campaign": site.campaign, "treasurer": treasurer,
            "entry_id": outcome.entry_id}


ARRIVAL = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())


def _gift(campaign_id: int, charge: str, cents: int, nom: str, prenom: str) -> int:
    return tx(record_gift, GiftInput(campaign_id=campaign_id, amount_cents=cents,
                              on=date(2026, 11, 15), method="carte",
                              identity=identity(nom, prenom),
                              source_ref=f"stripe:charge:{charge}")).entry_id or 0


@pytest.fixture
def stripe_payouts(app: Flask, demo_site: Any, rival: dict[str, Any]) -> Iterator[StripeRecorder]:
    """Two gifts of the demo campaign and one of the rival's in one payout of the shared
    Stripe account; a second payout carries only the rival's money."""
    _gift(demo_site.campaign.id, "ch_demo1", 10_000, "Durand", "Claire")
    petit = _gift(demo_site.campaign.id, "ch_demo2", 5_000, "Petit", "Louis")
    # Refunded from the Stripe dashboard: booked, but never approved by the mandataire.
    tx(record_refund, petit, 1_000, on=date(2026, 11, 16), source_ref="stripe:refund:re_demo",
       reason="Remboursement Stripe")
    _gift(rival["campaign"].id, "ch_rival", 20_000, "Cachée", "Rivale")
    txns = [balance_transaction_object(amount=10_000, fee=170, source="ch_demo1"),
            balance_transaction_object(amount=5_000, fee=95, source="ch_demo2"),
            balance_transaction_object(amount=20_000, fee=310, source="ch_rival"),
            balance_transaction_object(amount=-1_000, source="re_demo", type="refund",
                                       reporting_category="refund")]
    net = sum(t["net"] for t in txns)  # 334,25 €
    payout = payout_object(amount=net, arrival_date=ARRIVAL, payout_id="po_demo")
    txns.append(balance_transaction_object(amount=-net, source="po_demo", type="payout",
                                           reporting_category="payout"))
    rival_only = payout_object(amount=5_000, arrival_date=ARRIVAL, payout_id="po_rival")
    recorder = StripeRecorder()
    recorder.stub("GET", "/v1/payouts", stripe_list("/v1/payouts", [payout, rival_only]))
    recorder.stub("GET", "/v1/balance_transactions",
                  stripe_list("/v1/balance_transactions", txns), params={"payout": "po_demo"})
    recorder.stub("GET", "/v1/balance_transactions", stripe_list(
        "/v1/balance_transactions", [balance_transaction_object(amount=5_000,
                                                                source="ch_elsewhere")]),
        params={"payout": "po_rival"})
    gateway = StripeGateway("sk_test_payouts", api_base="http://127.0.0.1:9",
                            http_client=recorder, max_network_retries=0)
    app.extensions[GATEWAY_EXTENSION] = gateway
    try:
        yield recorder
    finally:
        app.extensions.pop(GATEWAY_EXTENSION, None)
        recorder.close()
