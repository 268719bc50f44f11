"""The treasurer's forms for entries Stripe cannot see (defect 7) and the receipts register
page (defect 6): the same actions as ``estrade treasury …``; refusals name their rule; an
editor, or a rival site's treasurer, cannot reach them."""

from __future__ import annotations

import io
import re
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import LedgerEntry
from tests.factories import IN_WINDOW, create_user, identity, tx

PDF = b"%PDF-1.4\n%%EOF\n"


def token(html: str) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def entries(kind: str) -> list[LedgerEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == kind)))


def test_expense_loan_refund_forms(client: Any, auth: Any, demo_site: Any) -> None:
    campaign = demo_site.campaign
    base = f"/admin/tresorerie/{campaign.id}/ecritures"
    auth.login("editor@example.org")
    assert client.get(f"{base}/").status_code == 403
    client.post("/admin/logout")
    auth.login("treasurer@example.org")
    index = client.get(f"{base}/").get_data(as_text=True)
    assert "Dépense" in index and "Prêt" in index

    page = client.get(f"{base}/depense").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    form = {"token": token(page), "on": "2026-11-10", "amount": "19 000", "nature": "impression",
            "supplier": "Imprimerie", "paid_by": "mandataire", "method": "virement",
            "invoice": (io.BytesIO(PDF), "facture.pdf")}
    over = client.post(f"{base}/depense", data=form, content_type="multipart/form-data")
    assert over.status_code == 422 and "CAP-3" in over.get_data(as_text=True)
    assert entries("expense") == []
    form.update(amount="1 200", invoice=(io.BytesIO(PDF), "facture.pdf"))
    for _ in range(2):  # sent twice: booked once
        done = client.post(f"{base}/depense", data=dict(form, invoice=(io.BytesIO(PDF),
                                                                       "facture.pdf")),
                           content_type="multipart/form-data")
        assert done.status_code == 303
    [expense] = entries("expense")
    assert expense.amount_cents == 120_000 and expense.details["invoice"]["name"] == "facture.pdf"

    page = client.get(f"{base}/pret").get_data(as_text=True)
    loan = {"token": token(page), "on": "2026-11-01", "amount": "1000", "lender_kind": "personne",
            "lender": "Paul Morel", "rate": "0", "schedule": "2028-11-01 1000",
            "method": "virement"}
    refused = client.post(f"{base}/pret", data=loan)
    assert refused.status_code == 422 and "LOAN-2" in refused.get_data(as_text=True)
    assert client.post(f"{base}/pret", data=dict(loan, schedule="2027-06-01 1000")
                       ).status_code == 303
    [loan_entry] = entries("loan")
    page = client.get(f"{base}/echeance").get_data(as_text=True)
    repay = {"token": token(page), "seq": str(loan_entry.seq), "on": "2027-06-01",
             "amount": "1500", "method": "virement"}
    too_much = client.post(f"{base}/echeance", data=repay)
    assert too_much.status_code == 422 and "LOAN-1" in too_much.get_data(as_text=True)
    assert client.post(f"{base}/echeance", data=dict(repay, amount="1000")).status_code == 303
    assert len(entries("loan_repayment")) == 1

    gift = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=20_000, on=IN_WINDOW,
                                     method="cheque", identity=identity(), source_ref="c:f1"))
    seq = db.session.get(LedgerEntry, gift.entry_id).seq  # type: ignore[union-attr]
    page = client.get(f"{base}/remboursement").get_data(as_text=True)
    refund = {"token": token(page), "seq": str(seq), "on": "2026-11-20", "amount": "50",
              "method": "virement", "reference": "VIR-1", "reason": "trop-perçu"}
    assert client.post(f"{base}/remboursement", data=refund).status_code == 303
    [entry] = entries("refund")
    assert entry.method == "virement" and entry.amount_cents == 5_000
    page = client.get(f"{base}/cheque-impaye").get_data(as_text=True)
    refunded = client.post(f"{base}/cheque-impaye", data={
        "token": token(page), "seq": str(seq), "on": "2026-11-25", "reason": "sans provision"})
    # Its refund still stands: the cheque cannot bounce alone (the donor would be at -50 €).
    assert refunded.status_code == 422
    assert f"remboursement au donateur n° {entry.seq}" in refunded.get_data(as_text=True)
    assert entries("reversal") == []
    other = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=10_000,
                                      on=IN_WINDOW, method="cheque", identity=identity(),
                                      source_ref="c:f2"))
    page = client.get(f"{base}/cheque-impaye").get_data(as_text=True)
    assert client.post(f"{base}/cheque-impaye", data={
        "token": token(page), "seq": str(db.session.get(LedgerEntry, other.entry_id).seq),
        "on": "2026-11-25", "reason": "sans provision"}).status_code == 303
    assert len(entries("reversal")) == 1


def test_receipts_page(client: Any, auth: Any, demo_site: Any, tmp_path: Any) -> None:
    from app.campaigns.service import create_site

    campaign = demo_site.campaign
    gift = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=20_000, on=IN_WINDOW,
                                     method="cheque", identity=identity(), source_ref="c:r1"))
    seq = db.session.get(LedgerEntry, gift.entry_id).seq  # type: ignore[union-attr]
    url = f"/admin/tresorerie/{campaign.id}/recus"
    rival = tx(create_site, "rivale", "Site rival", content_dir=str(tmp_path))
    create_user("rival@example.org", "treasurer", sites=[rival])
    auth.login("rival@example.org")
    assert client.get(url).status_code == 404  # another campaign's register does not exist
    client.post("/admin/logout")
    auth.login("treasurer@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Dons sans reçu</h2>" not in page and "Dons sans reçu (1)" in page
    assert 'name="issue-action"' in page  # CSRF is off in tests (checked in tests/accounts)
    answer = client.post(url, data={"issue-action": "issue",
                                    "issue-first": "R001", "issue-last": "R003"})
    assert answer.status_code == 303
    assigned = client.post(url, data={"assign-action": "assign", "assign-seq": str(seq),
                                      "assign-number": "R009", "assign-on": "2026-11-20"})
    assert assigned.status_code == 422 and "DON-11" in assigned.get_data(as_text=True)
    assert client.post(url, data={"assign-action": "assign", "assign-seq": str(seq),
                                  "assign-number": "R001", "assign-on": "2026-11-20"}
                       ).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Dons sans reçu (0)" in page and "R002, R003" in page
