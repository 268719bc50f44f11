"""REP-3: Stripe payouts with what they carry, scoped to the campaign, matched to the bank.

Stripe is a recording stand-in (localstripe fakes payouts and cannot list a payout's balance
transactions): the real gateway and SDK send the requests, the recorder answers with
current-shape objects from Stripe's published fixtures.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.treasury.payouts import PayoutMatch
from tests.factories import tx
from tests.support.stripe_shapes import stripe_list

PAGE = "/admin/tresorerie/{}/virements-stripe"


def _text(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("\u202f", " ").replace("\xa0", " ")


def test_payout_figures_donors_and_nothing_of_the_rival(client, auth, demo_site,
                                                        stripe_payouts) -> None:
    auth.login("treasurer@example.org")
    dashboard = client.get("/admin/tresorerie/").get_data(as_text=True)
    url = PAGE.format(demo_site.campaign.id)
    assert url in dashboard
    html = _text(client.get(url))
    assert "po_demo" in html and "po_rival" not in html  # no line of this campaign
    assert "Virement du 20/11/2026 <small><code>po_demo</code> — versé" in html
    assert "340,00 €" in html and "5,75 €" in html and "334,25 €" in html  # gross, fees, net
    assert "Remboursement — <strong>sans approbation du mandataire (R39-1-1)</strong>" in html
    assert "-10,00 €" in html or "−10,00 €" in html
    assert "Claire Durand" in html and "Louis Petit" in html and "98,30 €" in html
    assert "Hors campagne : 1 opération, net 196,90 €" in html
    assert "Cachée" not in html and "Rivale" not in html and "ch_rival" not in html
    listed = stripe_payouts.last("GET", "/v1/balance_transactions")
    assert {r.params.get("payout") for r in stripe_payouts.find(
        "GET", "/v1/balance_transactions")} == {"po_demo", "po_rival"}
    assert listed.headers["Authorization"] == "Bearer sk_test_payouts"


def test_rival_treasurer_gets_404_and_an_editor_403(client, auth, demo_site, rival,
                                                    stripe_payouts) -> None:
    url = PAGE.format(demo_site.campaign.id)
    auth.login("tresorier.rival@example.org")
    assert client.get(url).status_code == 404
    assert client.post(url + "/po_demo/rapprocher", data={
        "on": "2026-11-20", "amount": "334,25"}).status_code == 404
    assert client.post(url + "/releve").status_code == 404
    assert db.session.scalars(select(PayoutMatch)).all() == []
    client.post("/admin/logout")
    auth.login("editor@example.org")
    assert client.get(url).status_code == 403
    assert client.post(url + "/releve").status_code == 403


def test_bank_csv_matches_a_payout_and_reports_bad_lines(client, auth, demo_site, users,
                                                         stripe_payouts) -> None:
    auth.login("treasurer@example.org")
    url = PAGE.format(demo_site.campaign.id)
    csv = ("Date;Libellé;Montant\n"
           "10/11/2026;VIR STRIPE ANCIEN;334,25\n"  # the amount, ten days off
           "22/11/2026;VIR STRIPE PAYMENTS UK;334,25\n"
           "31/11/2026;VIR ILLISIBLE;12,00\n"
           "21/11/2026;VIR DUPONT;1 234,56\n"
           "21/11/2026;PRLV ORANGE;-39,99\n").encode("cp1252")
    response = client.post(url + "/releve", data={"statement": (BytesIO(csv), "releve.csv")},
                           content_type="multipart/form-data")
    html = _text(response)
    assert response.status_code == 200, html
    assert "1 virement rapproché." in html
    assert "Ligne 2 : aucun virement Stripe de 334,25 € à ±3 jours du 10/11/2026" in html
    assert "Ligne 4 : date illisible « 31/11/2026 »" in html
    assert "Ligne 5 : aucun virement Stripe de 1 234,56 € à ±3 jours du 21/11/2026" in html
    assert "PRLV ORANGE" not in html  # a debit is never a payout
    db.session.rollback()
    match = db.session.scalars(select(PayoutMatch)).one()
    assert (match.payout_id, match.bank_on, match.bank_amount_cents, match.method) == \
        ("po_demo", date(2026, 11, 22), 33_425, "releve")
    assert match.matched_by_id == users["treasurer"].id
    assert match.bank_label == "VIR STRIPE PAYMENTS UK"
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "treasury.payout_match")).one()
    assert audit.user_id == users["treasurer"].id and audit.details_dict["payout"] == "po_demo"
    # Imported again: the payout is already matched, the line is reported, nothing doubles.
    again = _text(client.post(url + "/releve", data={"statement": (BytesIO(csv), "r.csv")},
                              content_type="multipart/form-data"))
    assert "Ligne 3 : aucun virement Stripe de 334,25 €" in again
    assert "Rapproché du relevé : 22/11/2026, 334,25 €" in again
    assert len(db.session.scalars(select(PayoutMatch)).all()) == 1


def test_match_by_hand_checks_the_amount(client, auth, demo_site, users,
                                         stripe_payouts) -> None:
    auth.login("treasurer@example.org")
    url = PAGE.format(demo_site.campaign.id)
    wrong = client.post(url + "/po_demo/rapprocher",
                        data={"on": "2026-11-21", "amount": "344,00", "label": "VIR"})
    assert wrong.status_code == 422
    assert "diffère du virement Stripe (334,25 €)" in _text(wrong)
    assert db.session.scalars(select(PayoutMatch)).all() == []
    assert client.post(url + "/po_rival/rapprocher", data={
        "on": "2026-11-21", "amount": "50,00"}).status_code == 404  # not this campaign's
    done = client.post(url + "/po_demo/rapprocher",
                       data={"on": "2026-11-21", "amount": "334,25", "label": "VIR STRIPE"})
    assert done.status_code == 303
    db.session.rollback()
    match = db.session.scalars(select(PayoutMatch)).one()
    assert (match.method, match.matched_by_id, match.bank_on) == \
        ("manuel", users["treasurer"].id, date(2026, 11, 21))
    html = _text(client.get(url))
    assert "Rapproché du relevé : 21/11/2026, 334,25 €, « VIR STRIPE » (à la main" in html


def test_gateway_lists_payouts_on_a_stripe_server(stripe_gateway, stripe_recorder) -> None:
    """The production calls against localstripe, which keeps (fake) payouts but cannot filter
    balance transactions by payout: that answer is stubbed, and the recorder shows the request
    is the documented ``GET /v1/balance_transactions?payout=po_…``."""
    created = stripe_gateway.client.v1.payouts.create(params={"amount": 1_234,
                                                              "currency": "eur"})
    listed = stripe_gateway.list_payouts(limit=5)
    assert [(p["id"], p["amount"]) for p in listed] == [(created.id, 1_234)]
    assert stripe_recorder.last("GET", "/v1/payouts").params == {"limit": "5"}
    stripe_recorder.stub("GET", "/v1/balance_transactions",
                         stripe_list("/v1/balance_transactions", []))
    assert stripe_gateway.list_payout_transactions(created.id) == []
    assert stripe_recorder.last("GET", "/v1/balance_transactions").params == {
        "payout": created.id, "limit": "100"}


def test_stripe_down_says_so(client, auth, demo_site, stripe_payouts) -> None:
    stripe_payouts.stub("GET", "/v1/payouts", {"error": {"type": "api_error",
                                                         "message": "boom"}}, status=500)
    auth.login("treasurer@example.org")
    response = client.get(PAGE.format(demo_site.campaign.id))
    assert response.status_code == 200
    html = _text(response)
    assert "Stripe ne répond pas" in html and "po_demo" not in html


def test_a_failed_payout_is_never_matched(app, demo_site, users) -> None:
    from app.ledger.errors import LedgerError
    from app.treasury.payouts import PayoutView, match_payout

    failed = PayoutView(id="po_failed", amount_cents=5_000, arrival=date(2026, 11, 20),
                        status="failed", automatic=True)
    with pytest.raises(LedgerError, match="échoué ou a été annulé"):
        tx(match_payout, demo_site.campaign, users["treasurer"], failed,
           bank_on=date(2026, 11, 20), bank_amount_cents=5_000)
    with pytest.raises(LedgerError, match="trésorier"):  # an editor may not match anything
        tx(match_payout, demo_site.campaign, users["editor"],
           PayoutView(id="po_ok", amount_cents=5_000, arrival=date(2026, 11, 20),
                      status="paid", automatic=True),
           bank_on=date(2026, 11, 20), bank_amount_cents=5_000)
    assert db.session.scalars(select(PayoutMatch)).all() == []
