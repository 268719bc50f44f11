"""The treasurer sees every campaign's figures and compliance alerts."""

from __future__ import annotations

from datetime import date

from app.ledger.service import GiftInput, record_gift
from tests.ledger.conftest import identity


def test_treasurer_sees_flags_and_cash_meter(client, auth, demo_site) -> None:
    campaign = demo_site.campaign
    record_gift(GiftInput(campaign_id=campaign.id, amount_cents=450_000,
                          on=date(2026, 11, 2), method="cheque", identity=identity(),
                          source_ref="c:1"))
    record_gift(GiftInput(campaign_id=campaign.id, amount_cents=30_000, on=date(2026, 11, 3),
                          method="carte", identity=identity(), source_ref="stripe:charge:ch_1"),
                enforce=False)  # money already received over the cap: flagged DON-16
    for n in range(25):  # 3 750 € of cash and quêtes against a 3 703,48 € ceiling
        record_gift(GiftInput(campaign_id=campaign.id, amount_cents=15_000,
                              on=date(2026, 11, 4), method="quete", identity=None,
                              source_ref=f"q:{n}"), enforce=False)
    auth.login("treasurer@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True).replace("\u202f", " ")
    assert "DON-2" in html and "À rembourser (DON-16)" in html
    assert "DON-5" in html and "101 %" in html
    assert "18 517,40" in html  # the spending cap
    # DON-16: the 200 € over the cap and the 150 € of cash over its ceiling are not
    # receipts until refunded.
    html = html.replace("\xa0", " ")
    assert "Recettes — Carte bancaire</th><td>100,00 €" in html
    assert "Recettes — Quête</th><td>3 600,00 €" in html
    assert "À rembourser, hors recettes (DON-16)</th><td>350,00 €" in html
    client.post("/admin/logout")
    auth.login("editor@example.org")
    assert client.get("/admin/tresorerie/").status_code == 403


def test_empty_state(client, auth) -> None:
    auth.login("treasurer@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "Aucune campagne" in html and "Aucun remboursement en attente" in html
