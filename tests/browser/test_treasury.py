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
