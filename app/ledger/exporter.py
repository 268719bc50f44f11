"""`estrade donations export`: the donor list annexed to the compte de campagne (REP-1).

One row per donation with the R39-1 fields (DON-10), the CNCCFP receipt number when known
(DON-11: never invented), method, reference and the donor's running total against the
4,600 € cap for the whole election (DON-2: the other campaigns' gifts folded in as a sum,
never listed nor attributed); refunds appear as negative rows; totals by method close the file.
Money flagged DON-16 and not yet refunded is shown on its row but left out of the totals of
receipts (a line of its own says how much), and an export for filing the account is refused
while any remains. Every export ends with the heads of the campaign's chains and the time
(a sheet of its own in XLSX): whoever receives the file can later check that the ledger it
came from still holds what it showed (``estrade ledger verify``, docs/security-ledger.md).
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.identity import IDENTITY_FIELDS, Identity
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.extensions import db
from app.fileutil import atomic_write_bytes
from app.ledger.errors import LedgerError
from app.ledger.facts import campaign_cap
from app.ledger.locks import canonical_id, donor_group
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.receipts import receipt_numbers
from app.ledger.totals import money_to_refund
from app.ledger.verify import french_time, heads
from app.timeutil import utcnow

CUMULATIVE = "Cumul du donateur pour l'élection (€, DON-2)"
COLUMNS = ("N° de reçu", "Date", *(field.label for field in IDENTITY_FIELDS), "Nature",
           "Montant (€)", "Mode de paiement", "Référence", CUMULATIVE, "Statut")
EXPORT_KINDS = ("donation", "in_kind", "collection", "refund")
MONEY_COLUMNS = frozenset({COLUMNS.index("Montant (€)"), COLUMNS.index(CUMULATIVE)})
#: A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV
#: injection"); donors type their names on the public form.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str | int) -> str | int:
    """Text a spreadsheet will show, never run: a leading apostrophe defuses a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _inert_row(row: list[str | int]) -> list[str | int]:
    return [v if i in MONEY_COLUMNS else inert(v) for i, v in enumerate(row)]


def donor_money(entry: type[LedgerEntry]) -> Any:
    """Gifts, collections and refunds, and the reversals cancelling one of them (an unpaid
    cheque, a failed refund, a dispute won): what the donor list and the receipts add up.
    Demonstration payments are none of these: no money moved."""
    related = select(LedgerEntry.id).where(LedgerEntry.kind.in_(EXPORT_KINDS))
    return entry.demo.is_(False) & or_(
        entry.kind.in_(EXPORT_KINDS),
        (entry.kind == "reversal") & entry.related_entry_id.in_(related))


def euros(cents: int) -> str:
    """French decimal comma, no thousands separator: spreadsheets read it as a number."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d}"


def elsewhere_by_person(campaign: Campaign, donor_ids: set[int]) -> dict[int, ElsewhereSums]:
    """DON-2 counts the person's gifts to every campaign of the election; the donor list of
    one campaign carries them only folded into its running total. GDPR (art. 9: a gift reveals
    a political opinion; rivals share the install): the other campaigns' gifts are never
    listed, dated or attributed, only added as a sum to this campaign's rows."""
    if not donor_ids:
        return {}
    persons = {canonical_id(i) for i in donor_ids}
    members = {m: p for p in persons for m in donor_group(p)}
    rows = db.session.execute(select(LedgerEntry.donor_id, LedgerEntry.on, LedgerEntry.kind,
                                     LedgerEntry.amount_cents).where(
        LedgerEntry.election_id == campaign.election_id, LedgerEntry.campaign_id != campaign.id,
        LedgerEntry.donor_id.in_(list(members)), donor_money(LedgerEntry))
        .order_by(LedgerEntry.on)).all()
    found: dict[int, ElsewhereSums] = {}
    for donor_id, on, kind, amount in rows:
        if donor_id is None:
            continue
        sums = found.setdefault(members[int(donor_id)], ElsewhereSums([], []))
        sums.days.append(on)
        sums.totals.append((sums.totals[-1] if sums.totals else 0)
                           + signed_amount(kind, int(amount)))
    return found


@dataclass
class ElsewhereSums:
    """A person's running total in the election's other campaigns, by day (never shown)."""

    days: list[date]
    totals: list[int]

    def until(self, day: date) -> int:
        index = bisect_right(self.days, day)
        return self.totals[index - 1] if index else 0


def build_rows(campaign: Campaign) -> tuple[list[list[str | int]], list[list[str]]]:
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, donor_money(LedgerEntry))
        .order_by(LedgerEntry.on, LedgerEntry.seq)).all()
    elsewhere = elsewhere_by_person(campaign, {e.donor_id for e in entries
                                               if e.donor_id is not None})
    flagged = {f.entry_id: f for f in db.session.scalars(select(ComplianceFlag).where(
        ComplianceFlag.campaign_id == campaign.id))}
    to_refund = money_to_refund(campaign.id)
    receipts = receipt_numbers(campaign.id)  # DON-11: the register's, card gifts too
    cumulative: dict[int, int] = defaultdict(int)
    by_method: dict[str, int] = defaultdict(int)
    rows: list[list[str | int]] = []
    for entry in entries:
        amount = signed_amount(entry.kind, entry.amount_cents)
        who = entry.donor_snapshot or {}
        running = ""
        if entry.donor_id is not None:
            person = canonical_id(entry.donor_id)
            cumulative[person] += amount
            other = elsewhere.get(person)
            running = euros(cumulative[person] + (other.until(entry.on) if other else 0))
        status = ""
        if (flag := flagged.get(entry.id)) is not None:
            status = ("remboursé (DON-16)" if flag.resolved_entry_id else
                      f"à rembourser {euros(flag.amount_cents)} € ({flag.rule}, DON-16)")
        method = entry.method or ""
        by_method[method] += amount - to_refund.get(entry.id, 0)
        identity = Identity.from_mapping(who).as_dict()
        if entry.kind == "collection" and not identity["nom"]:
            identity["nom"] = "Quête"
        rows.append([
            receipts.get(entry.id, ""), entry.on.strftime("%d/%m/%Y"), *identity.values(),
            entry.kind_label, euros(amount), PAYMENT_METHODS.get(method, method),
            (entry.details or {}).get("reference") or entry.source_ref or "", running, status,
        ])
    totals = [["Total " + PAYMENT_METHODS.get(m, m), euros(c)]
              for m, c in sorted(by_method.items())]
    if to_refund:
        totals.append(["À rembourser, hors recettes (DON-16)", euros(sum(to_refund.values()))])
    cash = by_method.get("especes", 0) + by_method.get("quete", 0)
    totals.append(["Total des espèces et quêtes", euros(cash)])
    cap = campaign_cap(campaign)
    if cap is not None and cap.applies and cap.cents >= 1_500_000:
        totals.append(["Plafond des espèces (20 % du plafond de dépenses, DON-5)",
                       euros(cap.cents // 5)])
    totals.append(["Total général", euros(sum(by_method.values()))])
    return rows, totals


def chain_rows(campaign: Campaign) -> list[list[str | int]]:
    """The heads of the campaign's chains as the export's closing lines."""
    rows: list[list[str | int]] = [
        [f"Têtes des chaînes du registre au {french_time(utcnow())}"],
        ["Chaîne", "Dernier n°", "Empreinte (SHA-256)"]]
    for head in heads(campaign):
        rows.append([head.label, head.seq, head.hash if head.seq else "vide"])
    return rows


def export_donors(campaign: Campaign, fmt: str, out: Path, *, for_filing: bool = False) -> int:
    """Write the donor list; ``for_filing`` refuses while DON-16 money awaits its refund."""
    if for_filing and (to_refund := money_to_refund(campaign.id)):
        raise LedgerError(
            f"Export pour le dépôt du compte refusé : {len(to_refund)} don(s) dépassant le "
            f"plafond ou interdits ({euros(sum(to_refund.values()))} €) doivent d'abord être "
            "remboursés (DON-16). Voir « estrade refunds list ».")
    rows, totals = build_rows(campaign)
    chains = chain_rows(campaign)
    if fmt == "xlsx":
        atomic_write_bytes(out, _xlsx(rows, totals, chains))
    else:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if fmt == "csv" else "\t",
                            lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(_inert_row(row) for row in rows)
        writer.writerow([])
        writer.writerows(totals)
        writer.writerow([])
        writer.writerows(chains)
        # BOM: French Excel opens UTF-8 CSV correctly only with it.
        atomic_write_bytes(out, ("\ufeff" if fmt == "csv" else "").encode()
                           + buffer.getvalue().encode("utf-8"))
    return len(rows)


def _xlsx(rows: list[list[str | int]], totals: list[list[str]],
          chains: list[list[str | int]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Donateurs"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_number(v) if i in MONEY_COLUMNS else v for i, v in enumerate(row)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":  # openpyxl took text starting with "=" for a formula
                cell.data_type = "s"
    sheet.append([])
    for label, value in totals:
        sheet.append([label, _number(value)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = '#,##0.00 "€"'
    registry = book.create_sheet("Registre")
    for line in chains:
        registry.append(line)
    registry.column_dimensions["A"].width = 60
    registry.column_dimensions["C"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _number(value: str | int) -> Decimal | str:
    if isinstance(value, str) and value and value.replace("-", "").replace(",", "").isdigit():
        return Decimal(value.replace(",", "."))
    return value  # type: ignore[return-value]

