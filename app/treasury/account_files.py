"""The campaign account as XLSX and PDF (fpdf2), and the accountant's package (ACC-3): one zip
with the donor list (CSV with a BOM, TSV for Fin'Pol, XLSX), the account in both formats (with
the REP-5 surplus list when there is one), the Stripe payouts (REP-3), the expenses with their
invoice files, the receipts register (DON-11), ``ledger verify``'s report and each chain head
(``ancre.json``, docs/security-ledger.md); see :data:`PACKAGE_FILES`."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from app.campaigns.models import Campaign
from app.core.finance.money import format_cents
from app.ledger.anchor import build_anchor
from app.ledger.exporter import write_donors
from app.ledger.verify import french_time, verify_campaign
from app.timeutil import utcnow
from app.treasury.account import Account, campaign_account, surplus_list

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MONEY_FORMAT = '#,##0.00 "€"'


def _lines(account: Account) -> list[tuple[str, str, int | None]]:
    """(section, label, cents) of the account, as both files show it."""
    rows: list[tuple[str, str, int | None]] = [("h", "Recettes par origine", None)]
    rows += [("r", label, cents) for label, cents in account.receipts]
    rows.append(("t", "Total des recettes", account.receipts_cents))
    rows.append(("h", "Dépenses par nature", None))
    rows += [("r", label, cents) for label, cents in account.expenses]
    rows.append(("t", "Total des dépenses", account.expenses_cents))
    rows.append(("t", "Solde (recettes moins dépenses)", account.balance_cents))
    rows.append(("r", "Solde du registre", account.ledger_balance_cents))
    if account.to_refund_cents:
        rows.append(("r", "Dont à rembourser aux donateurs (DON-16)", account.to_refund_cents))
    if account.cap_cents:
        rows.append(("r", "Plafond des dépenses (CAP-1)", account.cap_cents))
    return rows


def _title(account: Account) -> list[str]:
    c = account.campaign
    lines = [f"Compte de campagne — {c.site.title}", f"{c.election.name}"]
    if c.mandataire_name:
        lines.append(f"Mandataire : {c.mandataire_name}")
    lines.append(f"Établi le {french_time(utcnow())} depuis le registre d'Estrade")
    verdict = ("Le solde est égal à celui du registre." if account.balances else
               "ATTENTION : le solde diffère de celui du registre.")
    if account.cap_percent is not None:
        verdict += f" Dépenses : {account.cap_percent} % du plafond (CAP-1)."
    lines.append(verdict)
    return lines


def write_account_xlsx(account: Account, handle: BinaryIO) -> None:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Compte de campagne")
    sheet.column_dimensions["A"].width = 62
    sheet.column_dimensions["B"].width = 18
    bold = Font(bold=True)

    def text(target: Any, value: str) -> Any:
        """Typed by people (site title, natures, donors' names and addresses): always text,
        never a formula the spreadsheet would run (openpyxl takes « =… » for one)."""
        cell = WriteOnlyCell(target, value=value)
        cell.data_type = "s"
        return cell

    for line in _title(account):
        sheet.append([text(sheet, line)])
    sheet.append([])
    for section, label, cents in _lines(account):
        first = text(sheet, label)
        if section in ("h", "t"):
            first.font = bold
        if cents is None:
            sheet.append([first])
            continue
        value = WriteOnlyCell(sheet, value=Decimal(cents) / 100)
        value.number_format = MONEY_FORMAT
        sheet.append([first, value])
    surplus = surplus_list(account.campaign, account)
    if surplus:
        rest = book.create_sheet("Excédent à rendre (REP-5)")
        rest.append(["Donateur", "Adresse", "Dons (€)", "À rendre (€)"])
        for s in surplus:
            rest.append([text(rest, s.name), text(rest, s.address),
                         Decimal(s.given_cents) / 100, Decimal(s.share_cents) / 100])
    book.save(handle)


def _pdf_text(text: str, unicode_font: bool) -> str:
    text = text.replace("\u202f", " ")
    if unicode_font:
        return text
    return text.replace("€", "EUR").replace("œ", "oe").replace("—", "-").replace("’", "'")


def write_account_pdf(account: Account, handle: BinaryIO) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_title(account)[0])
    pdf.set_author("Estrade")
    unicode_font = DEJAVU.exists()
    family = "dejavu" if unicode_font else "helvetica"
    if unicode_font:
        pdf.add_font("dejavu", "", str(DEJAVU))
        bold = DEJAVU.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("dejavu", "B", str(bold if bold.exists() else DEJAVU))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for n, line in enumerate(_title(account)):
        pdf.set_font(family, "B" if n == 0 else "", 15 if n == 0 else 10)
        pdf.multi_cell(width, 7 if n == 0 else 5, _pdf_text(line, unicode_font),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section, label, cents in _lines(account):
        pdf.set_font(family, "B" if section in ("h", "t") else "", 11 if section == "h" else 10)
        if section == "h":
            pdf.ln(2)
        amount = "" if cents is None else _pdf_text(format_cents(cents), unicode_font)
        pdf.cell(width - 45, 7, _pdf_text(label, unicode_font),
                 border="B" if section == "t" else 0)
        pdf.cell(45, 7, amount, align="R", border="B" if section == "t" else 0,
                 new_x="LMARGIN", new_y="NEXT")
    surplus = surplus_list(account.campaign, account)
    if surplus:
        pdf.ln(4)
        pdf.set_font(family, "B", 11)
        pdf.cell(width, 7, _pdf_text("Excédent à rendre aux donateurs (REP-5)", unicode_font),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        for s in surplus:
            pdf.cell(width - 45, 6, _pdf_text(f"{s.name} — {s.address}", unicode_font))
            pdf.cell(45, 6, _pdf_text(format_cents(s.share_cents), unicode_font), align="R",
                     new_x="LMARGIN", new_y="NEXT")
    handle.write(bytes(pdf.output()))


def verify_report(campaign: Campaign) -> str:
    """What ``estrade ledger verify --site`` prints for this campaign."""
    check = verify_campaign(campaign)
    lines = [f"Têtes des chaînes au {french_time(utcnow())} :",
             f"{check.site_slug} : {check.entries} écritures, solde "
             f"{format_cents(check.balance_cents)}, "
             f"{'ALTÉRÉ' if check.problem else 'intègre'}"]
    for head in check.heads:
        lines.append(f"    {head.label} : "
                     + (f"n° {head.seq}, empreinte {head.hash}" if head.seq else "vide"))
    if check.problem:
        lines.append(f"    première anomalie : {check.problem.message}")
    return "\n".join(lines) + "\n"


#: The files of the accountant's package, besides ``factures/`` (one per invoice).
PACKAGE_FILES = ("donateurs.csv", "donateurs.tsv", "donateurs.xlsx", "compte-de-campagne.xlsx",
                 "compte-de-campagne.pdf", "virements-stripe.csv", "depenses.csv",
                 "registre-des-recus.csv", "verification-du-registre.txt", "ancre.json")


def write_package(campaign: Campaign, handle: BinaryIO) -> list[str]:
    """ACC-3: the accountant's zip; the names of its files."""
    from app.treasury.package_parts import expenses_csv, payouts_csv, read_payouts, receipts_csv

    account = campaign_account(campaign)
    payouts, unavailable = read_payouts(campaign)
    names = []
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as package:
        def add(name: str, write: Any) -> None:
            with tempfile.TemporaryFile() as part:
                write(part)
                part.seek(0)
                with package.open(name, "w") as target:
                    while block := part.read(64 * 1024):
                        target.write(block)
            names.append(name)

        for fmt in ("csv", "tsv", "xlsx"):
            add(f"donateurs.{fmt}", lambda part, f=fmt: write_donors(campaign, f, part))
        add("compte-de-campagne.xlsx", lambda part: write_account_xlsx(account, part))
        add("compte-de-campagne.pdf", lambda part: write_account_pdf(account, part))
        add("virements-stripe.csv",
            lambda part: payouts_csv(payouts, part, unavailable=unavailable))
        invoices = []
        add("depenses.csv", lambda part: invoices.extend(expenses_csv(campaign, part)))
        for invoice in invoices:
            package.write(invoice.path, invoice.name)
            names.append(invoice.name)
        add("registre-des-recus.csv", lambda part: receipts_csv(campaign, part))
        add("verification-du-registre.txt",
            lambda part: part.write(verify_report(campaign).encode()))
        add("ancre.json", lambda part: part.write((json.dumps(
            build_anchor([campaign]), ensure_ascii=False, indent=1) + "\n").encode()))
    return names
