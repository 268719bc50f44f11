"""The treasurer's pages pass the outside judges (Nu HTML checker, axe-core, links) at desktop
and phone widths (acceptance 6): saved as the treasurer sees them, with data on every part
(chart, meters, alerts, look-alike donors, the account, the entry forms of every kind, the
receipts register, the Stripe payouts), every page and file they link to saved beside them
(the judges cannot log in, so they judge a folder)."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.gateway import StripeGateway
from app.ledger import receipts
from app.ledger.entries import record_entry
from app.ledger.gifts import GiftInput, record_gift
from app.treasury.entry_forms import ENTRY_FORMS
from tests.factories import identity, tx
from tests.support.judges import run_check_site
from tests.support.paths import ROOT
from tests.support.stripe_fixtures import StripeRecorder
from tests.support.stripe_shapes import balance_transaction_object, payout_object, stripe_list

pytestmark = pytest.mark.judges


def _payouts(app: Any) -> StripeRecorder:
    """One payout carrying the card gift ``stripe:charge:ch_j0`` (and another campaign's)."""
    txns = [balance_transaction_object(amount=300_000, fee=4_525, source="ch_j0"),
            balance_transaction_object(amount=5_000, fee=100, source="ch_elsewhere")]
    net = sum(t["net"] for t in txns)
    arrival = int(datetime(2026, 10, 23, tzinfo=UTC).timestamp())
    recorder = StripeRecorder()
    recorder.stub("GET", "/v1/payouts", stripe_list("/v1/payouts", [
        payout_object(amount=net, arrival_date=arrival, payout_id="po_j")]))
    recorder.stub("GET", "/v1/balance_transactions", stripe_list(
        "/v1/balance_transactions", txns), params={"payout": "po_j"})
    app.extensions[GATEWAY_EXTENSION] = StripeGateway(
        "sk_test_judges", api_base="http://127.0.0.1:9", http_client=recorder,
        max_network_retries=0)
    return recorder


def _save(out: Path, url: str, data: bytes, html: bool) -> None:
    target = out / url.lstrip("/")
    if html:
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_treasury_pages_pass_the_judges(app, client, auth, users, demo_site,
                                        tmp_path: Path) -> None:
    cid = demo_site.campaign.id
    donors = []
    for n, (nom, cents, method, on) in enumerate((
            ("Dupont", 300_000, "carte", date(2026, 10, 20)),  # ref stripe:charge:ch_j0
            ("Dupond", 200_000, "cheque", date(2026, 11, 3)),
            ("Martin", 15_000, "especes", date(2026, 11, 12)))):
        outcome = tx(record_gift, GiftInput(
            campaign_id=cid, amount_cents=cents, on=on, method=method,
            identity=identity(nom, "Jean"),
            source_ref=f"stripe:charge:ch_j{n}" if method == "carte" else f"j:{n}"),
            enforce=False)
        donors.append(outcome.donor_id)
    tx(record_entry, cid, kind="expense", amount_cents=1_600_000, on=date(2026, 11, 14),
       source_ref="x:1", details={"nature": "Impression"})
    tx(receipts.issue, cid, "B0101", "B0105", source="carnet", by_id=None)
    tx(receipts.assign, cid, 2, "B0101", issued_on=date(2026, 11, 4), by_id=None)
    tx(receipts.void, cid, "B0102", reason="Reçu raturé", by_id=None)
    recorder = _payouts(app)
    auth.login("treasurer@example.org")
    out = tmp_path / "tresorerie"
    base = f"/admin/tresorerie/{cid}"
    routes = ["/admin/tresorerie/", "/admin/tresorerie/enregistrer", f"{base}/donateurs/",
              f"{base}/donateurs/{donors[0]}", f"{base}/compte/", f"{base}/ecritures/",
              *(f"{base}/ecritures/{kind}" for kind in ENTRY_FORMS), f"{base}/recus",
              f"{base}/virements-stripe"]
    pages = [route.rstrip("/") + "/" for route in routes]  # each saved as a folder's index
    for route, page in zip(routes, pages, strict=True):
        response = client.get(route)
        assert response.status_code == 200 and response.mimetype == "text/html", route
        _save(out, page, response.data, html=True)
    # The refused gift's page (a POST answer), as the treasurer sees a DON-4 refusal.
    form = client.get("/admin/tresorerie/enregistrer").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form)
    assert token
    refused = client.post("/admin/tresorerie/enregistrer", data={
        "token": token.group(1), "campaign": str(cid), "on": "2026-11-20", "method": "especes",
        "amount": "200", "civilite": "Mme", "nom": "Martin", "prenom": "Alice",
        "adresse": "3 rue des Lilas", "code_postal": "72000", "commune": "Le Mans",
        "pays": "France", "nationalite": "française", "natural_person": "y", "attested": "y"})
    assert refused.status_code == 422 and "DON-4" in refused.get_data(as_text=True)
    _save(out, "/admin/tresorerie/refus/", refused.data, html=True)
    pages.append("/admin/tresorerie/refus/")
    # An entry form refused (its errors and the rule named), as the treasurer sees it.
    form = client.get(f"{base}/ecritures/annulation").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form)
    assert token
    wrong = client.post(f"{base}/ecritures/annulation", data={
        "token": token.group(1), "seq": "999", "on": "2026-11-20", "reason": ""})
    assert wrong.status_code == 422
    _save(out, f"{base}/ecritures/refus/", wrong.data, html=True)
    pages.append(f"{base}/ecritures/refus/")
    # Whatever the pages link to in the staff area, saved too, for the link check.
    seen = {p.rstrip("/") for p in pages}
    for page in list(pages):
        html = (out / page.lstrip("/") / "index.html").read_text()
        for href in set(re.findall(r'href="(/admin/[^"#?]*)', html)):
            if href.rstrip("/") in seen:
                continue
            seen.add(href.rstrip("/"))
            response = client.get(href)
            assert response.status_code == 200, href
            _save(out, href, response.data, html=response.mimetype == "text/html")
    shutil.copytree(ROOT / "app" / "static", out / "static")
    app.extensions.pop(GATEWAY_EXTENSION, None)
    recorder.close()
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *pages, "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
