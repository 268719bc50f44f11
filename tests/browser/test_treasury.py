"""Acceptance 1 in a real browser: the treasurer records a 300 € cheque for a donor who
already gave 4,400 € by card; it is refused with DON-2 and the 200 € left; a 200 € cheque is
accepted; the dashboard and the donor's page show it; the XLSX export holds both channels with
the right cumulative. The screenshots illustrate docs/guide-tresorier.md (written there when
ESTRADE_UPDATE_SCREENSHOTS=1, else in the test's temporary folder)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from app.ledger.exporter import COLUMNS, CUMULATIVE
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import identity, tx
from tests.support.browser import staff_login
from tests.support.paths import ROOT


def shots(tmp_path: Path) -> Path:
    if os.environ.get("ESTRADE_UPDATE_SCREENSHOTS"):
        return ROOT / "docs" / "img"
    return tmp_path


def login(page: Any, base: str, email: str) -> None:
    staff_login(page, base, email)


def fill_cheque(page: Any, amount: str) -> None:
    page.get_by_label("Date de réception").fill("2026-11-20")
    page.get_by_label("Mode de paiement").select_option("cheque")
    page.get_by_label("Montant (en euros)").fill(amount)
    page.get_by_label("Référence").fill("CHQ-0042")


def text(page: Any, selector: str = "body") -> str:
    return page.locator(selector).inner_text().replace("\u202f", " ").replace("\xa0", " ")


def test_a_cheque_over_the_cap_is_refused_then_the_room_left_is_accepted(
        page, live_server, users, demo_site, tmp_path) -> None:
    folder = shots(tmp_path)
    campaign = demo_site.campaign
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=440_000,
                              on=date(2026, 11, 2), method="carte", identity=identity(),
                              source_ref="stripe:charge:ch_card"), enforce=False)
    base = live_server.url
    login(page, base, "treasurer@example.org")
    page.goto(f"{base}/admin/tresorerie/enregistrer")
    fill_cheque(page, "300")
    donor = identity()
    page.get_by_label("Civilité").select_option(donor.civilite)
    page.get_by_label("Nom", exact=True).fill(donor.nom)
    page.get_by_label("Prénom").fill(donor.prenom)
    page.get_by_label("Adresse du domicile fiscal").fill(donor.adresse)
    page.get_by_label("Code postal").fill(donor.code_postal)
    page.get_by_label("Commune").fill(donor.commune)
    page.get_by_label("Nationalité").select_option("française")  # DON-1: a choice
    page.get_by_label("Le donateur est une personne physique").check()
    page.get_by_label("Le donateur a signé les attestations").check()
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    page.wait_for_selector("#refus")
    refusal = text(page, "#refus")
    assert "Don refusé" in refusal and "DON-2" in refusal
    assert "vous pouvez encore donner 200,00 €" in refusal
    page.screenshot(path=str(folder / "tresorier-refus-don-2.png"), full_page=True)
    # The form kept what was typed: only the amount changes.
    page.get_by_label("Montant (en euros)").fill("200")
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    page.wait_for_url("**/admin/tresorerie/")
    html = text(page)
    assert "Don de 200,00 € enregistré." in html
    assert text(page, f"#brut-{campaign.id}") == "4 600,00 €"
    assert text(page, f"#donateurs-{campaign.id}") == "1"
    page.screenshot(path=str(folder / "tresorier-tableau-de-bord.png"), full_page=True)
    page.get_by_role("link", name="Registre des donateurs (recherche, fiches, doublons)").click()
    page.get_by_role("link", name="Martin Alice").click()
    page.wait_for_selector("#cumul-election")
    assert text(page, "#cumul-election") == "4 600,00 €"
    assert text(page, "#reste") == "0,00 €"
    html = text(page)
    assert "Carte bancaire" in html and "Chèque" in html and "CHQ-0042" in html
    page.screenshot(path=str(folder / "tresorier-fiche-donateur.png"), full_page=True)
    page.goto(f"{base}/admin/tresorerie/")
    with page.expect_download() as download:
        page.get_by_role("link", name="tableur (.xlsx)").click()
    path = tmp_path / "donateurs.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)["Donateurs"]
    method, running = COLUMNS.index("Mode de paiement"), COLUMNS.index(CUMULATIVE)
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "Martin"]
    assert [(r[method], r[running]) for r in rows] == [("Carte bancaire", 4400),
                                                        ("Chèque", 4600)]


def test_receipts_register_payouts_and_the_accountants_package(
        page, app, live_server, users, demo_site, tmp_path) -> None:
    """The receipts register (DON-11) through its forms, the Stripe payouts (REP-3) and the
    accountant's package (ACC-3) downloaded from the account page: the guide's screenshots."""
    import io
    import zipfile
    from datetime import UTC, datetime

    from app.donations.stripe import GATEWAY_EXTENSION
    from app.donations.stripe.gateway import StripeGateway
    from app.treasury.account_files import PACKAGE_FILES
    from tests.support.stripe_fixtures import StripeRecorder
    from tests.support.stripe_shapes import (
        balance_transaction_object,
        payout_object,
        stripe_list,
    )

    folder = shots(tmp_path)
    cid = demo_site.campaign.id
    tx(record_gift, GiftInput(campaign_id=cid, amount_cents=10_000, on=date(2026, 11, 15),
                              method="carte", identity=identity("Durand", "Claire"),
                              source_ref="stripe:charge:ch_b1"), enforce=False)
    tx(record_gift, GiftInput(campaign_id=cid, amount_cents=5_000, on=date(2026, 11, 16),
                              method="cheque", identity=identity("Petit", "Louis"),
                              source_ref="c:b2"))
    from app.core.finance.bookkeeping import Expense
    from app.ledger.bookings import book_expense
    from app.ledger.invoices import store_invoice

    invoice = tx(store_invoice, cid, "tracts.pdf", b"%PDF-1.4\n%%EOF\n")
    tx(book_expense, demo_site.campaign, Expense(4_500, date(2026, 11, 17), "impression",
                                                 "Imprimerie du Maine", "mandataire"),
       invoice=invoice, method="virement", recorded_by_id=None, source_ref="x:tracts")
    txns = [balance_transaction_object(
        amount=10_000, fee=170, source="ch_b1",
        created=int(datetime(2026, 11, 15, 10, tzinfo=UTC).timestamp()))]
    recorder = StripeRecorder()
    recorder.stub("GET", "/v1/payouts", stripe_list("/v1/payouts", [payout_object(
        amount=9_830, payout_id="po_guide",
        arrival_date=int(datetime(2026, 11, 18, tzinfo=UTC).timestamp()))]))
    recorder.stub("GET", "/v1/balance_transactions", stripe_list(
        "/v1/balance_transactions", txns), params={"payout": "po_guide"})
    app.extensions[GATEWAY_EXTENSION] = StripeGateway(
        "sk_test_guide", api_base="http://127.0.0.1:9", http_client=recorder,
        max_network_retries=0)
    try:
        base = live_server.url
        login(page, base, "treasurer@example.org")
        page.goto(f"{base}/admin/tresorerie/")
        page.get_by_role("link", name="Reçus-dons (DON-11)").click()
        page.get_by_label("Premier numéro").fill("C0001")
        page.get_by_label("Dernier numéro").fill("C0010")
        page.get_by_role("button", name="Enregistrer des numéros délivrés").click()
        page.wait_for_selector("text=Registre des reçus mis à jour.")
        assert "Numéros inutilisés (10)" in text(page)
        page.get_by_label("N° de l'écriture du don").fill("2")
        page.get_by_label("N° du reçu", exact=True).fill("C0001")
        page.get_by_label("Date d'émission").fill("2026-11-20")
        page.get_by_role("button", name="Attribuer un reçu à un don").click()
        page.wait_for_selector("text=Registre des reçus mis à jour.")
        html = text(page)
        assert "Numéros inutilisés (9)" in html and "Dons sans reçu (1)" in html
        assert "Claire Durand" in html and "Louis Petit" not in html.split("Numéros")[0]
        page.screenshot(path=str(folder / "tresorier-recus.png"), full_page=True)
        page.goto(f"{base}/admin/tresorerie/")
        page.get_by_role("link", name="Virements Stripe et relevé bancaire (REP-3)").click()
        page.wait_for_selector("#virement-po_guide")
        payout = text(page, "#virement-po_guide")
        assert "Claire Durand" in payout and "98,30 €" in payout and "1,70 €" in payout
        page.screenshot(path=str(folder / "tresorier-virements.png"), full_page=True)
        page.goto(f"{base}/admin/tresorerie/")
        page.get_by_role("link", name="Compte de campagne (REP-4)").click()
        page.wait_for_selector("h1")
        page.screenshot(path=str(folder / "tresorier-compte.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="dossier de l'expert-comptable (.zip, ACC-3)").click()
        path = tmp_path / "dossier.zip"
        download.value.save_as(path)
    finally:
        app.extensions.pop(GATEWAY_EXTENSION, None)
        recorder.close()
    package = zipfile.ZipFile(path)
    assert set(PACKAGE_FILES) <= set(package.namelist())
    register = package.read("registre-des-recus.csv").decode("utf-8-sig")
    assert "C0001;carnet de reçus de la CNCCFP;attribué;2;16/11/2026;Louis Petit" in register
    payouts = package.read("virements-stripe.csv").decode("utf-8-sig")
    assert "po_guide" in payouts and "Claire Durand" in payouts
    assert "factures/00003-tracts.pdf" in package.namelist()
    assert io.BytesIO(package.read("donateurs.xlsx")).getbuffer().nbytes > 0
