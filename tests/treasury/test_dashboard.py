"""The treasurer's dashboard: gross, fees, net and donors; the weekly chart (SVG with its
title, description and table); the CAP-1, DON-5 and RMB-1 meters; the ACC-2 countdown; each
alert with its rule, its explanation and what resolves it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from app.ledger.entries import record_entry
from app.ledger.gifts import GiftInput, record_gift
from app.treasury.meters import filing_deadline
from tests.factories import identity, tx


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


def test_the_filing_deadline_is_the_tenth_friday_after_the_first_round() -> None:
    deadline = filing_deadline(date(2026, 3, 15))  # ACC-2: the law's own example
    assert (deadline.date(), deadline.hour, str(deadline.tzinfo)) == (
        date(2026, 5, 22), 18, "Europe/Paris")
    assert filing_deadline(date(2027, 4, 11)).date() == date(2027, 6, 18)


def test_figures_chart_and_meters(client, auth, demo_site) -> None:
    cid = demo_site.campaign.id
    tx(record_gift, GiftInput(campaign_id=cid, amount_cents=30_000, on=date(2026, 11, 2),
                              method="carte", identity=identity("Durand"),
                              source_ref="stripe:charge:ch_1"), enforce=False)
    tx(record_gift, GiftInput(campaign_id=cid, amount_cents=12_000, on=date(2026, 11, 10),
                              method="cheque", identity=identity("Petit"), source_ref="c:1"))
    tx(record_entry, cid, kind="fee", amount_cents=450, on=date(2026, 11, 2),
       source_ref="fee:1")
    # 15 000 € of expenses against an 18 517,40 € cap: 81 %, the first warning (CAP-3).
    tx(record_entry, cid, kind="expense", amount_cents=1_500_000, on=date(2026, 11, 12),
       source_ref="exp:1", details={"nature": "impression"})
    auth.login("treasurer@example.org")
    html = _text(client.get("/admin/tresorerie/"))
    assert f'id="brut-{cid}">420,00 €' in html
    assert f'id="net-{cid}">415,50 €' in html  # less the 4,50 € fee
    assert f'id="donateurs-{cid}">2<' in html
    svg = re.search(r"<svg viewBox[^>]*role=\"img\".*?</svg>", html, re.S)
    assert svg, "the chart"
    assert "<title id=\"chart-title-" in svg.group(0) and "<desc id=\"chart-desc-" in svg.group(0)
    assert svg.group(0).count("<rect ") == 2  # two weeks, one channel each
    assert "Semaine du 02/11/2026 — Carte bancaire : 300,00 €" in svg.group(0)
    assert "<th scope=\"row\">09/11/2026</th><td>0,00 €</td><td>120,00 €</td>" in html
    assert "CAP-1 — Dépenses engagées / plafond des dépenses" in html
    assert "15 004,50 € / 18 517,40 € (81 %)" in html  # fees are expenses too (DON-14)
    assert "<strong>CAP-1</strong> — Dépenses : 81 % du plafond" in html
    assert "À faire : Réexaminez les dépenses" in html
    assert "RMB-1 — Apport personnel" in html and "DON-5 — Espèces" in html


def test_the_deadline_countdown_and_its_alert(client, auth, demo_site, monkeypatch) -> None:
    from app.treasury import overview

    deadline = filing_deadline(demo_site.campaign.election.round1)
    monkeypatch.setattr(overview, "utcnow", lambda: datetime(
        deadline.year, deadline.month, deadline.day, 8, 0) - timedelta(days=5))
    auth.login("treasurer@example.org")
    html = _text(client.get("/admin/tresorerie/"))
    assert "J-5" in html
    assert "<strong>ACC-2</strong> — Dépôt du compte de campagne dans 5 jour(s)" in html
