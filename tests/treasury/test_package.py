"""The accountant's package (ACC-3) holds everything issue 12 lists, each file opened and
read: the donor list (CSV with a BOM, TSV for Fin'Pol, XLSX), the account, the Stripe payouts
(REP-3), the expenses with their invoice files, the receipts register (DON-11), ``ledger
verify``'s report and each chain head; the payouts file is also a download and a command."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from typing import Any

from openpyxl import load_workbook

from app.core.finance.bookkeeping import Expense
from app.ledger import receipts
from app.ledger.bookings import book_expense
from app.ledger.invoices import store_invoice
from app.ledger.verify import verify_campaign
from app.treasury.account_files import PACKAGE_FILES
from tests.factories import tx

PDF = b"%PDF-1.4\n% facture imprimeur\n%%EOF\n"


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "French Excel needs the BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _book(campaign: Any) -> None:
    invoice = tx(store_invoice, campaign.id, "facture imprimeur.pdf", PDF)
    tx(book_expense, campaign, Expense(48_000, date(2026, 11, 10), "impression",
                                       "=Imprimerie du Maine", "mandataire"),
       invoice=invoice, method="virement", reference="FA-2026-118", recorded_by_id=None,
       source_ref="x:imprimeur")
    tx(receipts.issue, campaign.id, "A0001", "A0004", source="carnet", by_id=None)
    gift = 1  # the first gift of the stripe_payouts fixture: Claire Durand's card gift
    tx(receipts.assign, campaign.id, gift, "A0001", issued_on=date(2026, 11, 20), by_id=None)
    tx(receipts.void, campaign.id, "A0002", reason="Reçu déchiré", by_id=None)


def test_the_package_holds_every_part(client, auth, runner, demo_site, stripe_payouts,
                                      tmp_path) -> None:
    campaign = demo_site.campaign
    _book(campaign)
    auth.login("treasurer@example.org")
    response = client.get(f"/admin/tresorerie/{campaign.id}/dossier-expert-comptable.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = package.namelist()
    assert set(PACKAGE_FILES) <= set(names)
    read = package.read
    # The donor list, three ways.
    donors = _csv(read("donateurs.csv"))
    assert donors[1][3:5] == ["Durand", "Claire"]
    assert not read("donateurs.tsv").startswith("\ufeff".encode())
    assert "Durand\tClaire" in read("donateurs.tsv").decode()
    assert load_workbook(io.BytesIO(read("donateurs.xlsx")))["Donateurs"]["D2"].value == "Durand"
    # The account.
    account = load_workbook(io.BytesIO(read("compte-de-campagne.xlsx")))["Compte de campagne"]
    assert any(row[0] == "Total des dépenses" for row in account.iter_rows(values_only=True))
    assert read("compte-de-campagne.pdf").startswith(b"%PDF")
    # The payouts, this campaign's lines only.
    payouts = _csv(read("virements-stripe.csv"))
    assert payouts[0][0] == "Virement"
    lines = [row for row in payouts[1:] if row and row[0] == "po_demo"]
    assert {row[13] for row in lines} >= {"Claire Durand", "Louis Petit"}
    assert any(row[10] == "Remboursement" and row[17] == "NON" for row in lines)
    # Negative amounts stay numbers (only typed text is defused against formulas).
    refund = next(row for row in lines if row[10] == "Remboursement")
    assert refund[14] == "-10,00" and refund[16] == "-10,00", refund
    assert any(row[10].startswith("Hors campagne : 1 opération") for row in lines)
    assert lines[0][3:7] == ["334,25", "340,00", "5,75", "334,25"]
    text = read("virements-stripe.csv").decode()
    assert "po_rival" not in text and "Cachée" not in text and "ch_rival" not in text
    # The expenses, and their invoice file.
    expenses = _csv(read("depenses.csv"))
    row = next(r for r in expenses[1:] if r and r[4] == "'=Imprimerie du Maine")
    assert row[8] == "480,00" and row[9] == "retenue" and row[7] == "FA-2026-118"
    assert row[10].startswith("factures/") and row[10] in names
    assert read(row[10]) == PDF and row[11] == hashlib.sha256(PDF).hexdigest()
    assert ["Total des dépenses retenues", "480,00"] in expenses
    # The receipts register.
    register = {r[0]: r for r in _csv(read("registre-des-recus.csv"))[1:] if r}
    assert register["A0001"][2] == "attribué" and register["A0001"][5] == "Claire Durand"
    assert register["A0002"][2:3] == ["annulé"] and register["A0002"][7] == "Reçu déchiré"
    assert register["A0003"][2].startswith("non utilisé")
    assert register["A0001"][1] == receipts.SOURCES["carnet"]
    # ledger verify's report and each chain head.
    report = read("verification-du-registre.txt").decode()
    check = verify_campaign(campaign)
    assert "intègre" in report
    anchor = json.loads(read("ancre.json"))
    for head in check.heads:
        if head.seq:
            assert head.hash in report and head.hash in json.dumps(anchor)
    # The CLI twin writes the same files.
    out = tmp_path / "dossier.zip"
    result = runner.invoke(args=["donations", "package", "--site", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(out).namelist() == names


def test_payouts_download_and_its_command(client, auth, runner, demo_site, rival,
                                          stripe_payouts, tmp_path) -> None:
    auth.login("treasurer@example.org")
    url = f"/admin/tresorerie/{demo_site.campaign.id}/virements-stripe"
    assert f"{url}.csv" in client.get(url).get_data(as_text=True)
    response = client.get(f"{url}.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert b"po_demo" in body and b"Cach" not in body
    assert client.get(f"/admin/tresorerie/{rival['campaign'].id}/virements-stripe.csv"
                      ).status_code == 404
    out = tmp_path / "virements.csv"
    result = runner.invoke(args=["donations", "payouts", "--site", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 virement(s)" in result.output
    assert out.read_bytes() == body


def test_payouts_command_says_when_stripe_cannot_be_read(runner, demo_site, tmp_path) -> None:
    out = tmp_path / "virements.csv"  # no Stripe key: demonstration mode
    result = runner.invoke(args=["donations", "payouts", "--site", "demo", "--out", str(out)])
    assert result.exit_code == 1
    assert "mode démonstration" in out.read_bytes().decode("utf-8-sig")
