"""What the accountant's package (ACC-3) holds besides the donor list and the account, each a
CSV as French spreadsheets read it (``;``, UTF-8 with a BOM, decimal comma, typed text never
a formula): the Stripe payouts with what they carry (REP-3), the expenses with the name of
their invoice file in the zip (ACC-1), and the receipts register (DON-11). The payouts file
is also the treasurer's download and ``estrade donations payouts``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from app.campaigns.models import Campaign
from app.core.finance.vocabulary import EXPENSE_NATURES, PAYERS, PAYMENT_METHODS
from app.extensions import db
from app.ledger.donor_list import euros, inert
from app.ledger.invoices import invoice_path, invoice_problem
from app.ledger.models import LedgerEntry
from app.ledger.receipts import SOURCES, register, sealed_numbers
from app.ledger.totals import reversed_ids
from app.treasury.meters import EXPENSE_KINDS
from app.treasury.payouts import PayoutView, campaign_payouts

PAYOUT_STATUSES = {"paid": "versé", "in_transit": "en cours de virement",
                   "pending": "en attente", "failed": "échoué", "canceled": "annulé"}
LINE_TYPES = {"charge": "Don", "payment": "Don", "refund": "Remboursement",
              "payment_refund": "Remboursement", "adjustment": "Litige",
              "payment_failure_refund": "Remboursement échoué"}
PAYOUT_COLUMNS = ("Virement", "Date d'arrivée", "Statut", "Montant viré (€)", "Brut (€)",
                  "Frais Stripe (€)", "Net (€)", "Rapproché du relevé le", "Libellé du relevé",
                  "Opération", "Nature", "Date", "N° d'écriture", "Donateur",
                  "Montant (€)", "Frais (€)", "Net de l'opération (€)",
                  "Remboursement approuvé par le mandataire (R39-1-1)")
EXPENSE_COLUMNS = ("N° d'écriture", "Date", "Nature", "Rubrique", "Fournisseur",
                   "Payé par (MAND-3)", "Mode de paiement", "Référence", "Montant (€)", "État",
                   "Justificatif (dans le dossier)", "Empreinte SHA-256 du justificatif")
RECEIPT_COLUMNS = ("N° de reçu", "Origine", "État", "N° d'écriture du don", "Date du don",
                   "Donateur", "Montant (€)", "Motif d'annulation")
INVOICE_FOLDER = "factures"


def _typed(columns: tuple[str, ...], *names: str) -> frozenset[int]:
    return frozenset(columns.index(name) for name in names)


#: Columns holding text from outside (Stripe, the bank, donors, suppliers, the treasurer):
#: defused for spreadsheets; money (« -10,00 ») and dates are left as numbers read them.
PAYOUT_TYPED = _typed(PAYOUT_COLUMNS, "Virement", "Statut", "Libellé du relevé", "Opération",
                      "Nature", "Donateur")
EXPENSE_TYPED = _typed(EXPENSE_COLUMNS, "Nature", "Rubrique", "Fournisseur",
                       "Mode de paiement", "Référence", "Justificatif (dans le dossier)",
                       "Empreinte SHA-256 du justificatif")
RECEIPT_TYPED = _typed(RECEIPT_COLUMNS, "N° de reçu", "Origine", "Donateur",
                       "Motif d'annulation")


def _writer(handle: io.StringIO) -> Any:
    return csv.writer(handle, delimiter=";", lineterminator="\r\n")


def _encoded(buffer: io.StringIO) -> bytes:
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(value: Any) -> Any:
    return inert(str(value)) if isinstance(value, str) else value


def _rows(writer: Any, rows: Iterable[Iterable[Any]], typed: frozenset[int]) -> None:
    """Rows with the ``typed`` columns defused (:func:`inert`), the others as they are."""
    writer.writerows([_text(cell) if i in typed else cell for i, cell in enumerate(row)]
                     for row in rows)


def read_payouts(campaign: Campaign) -> tuple[list[PayoutView] | None, str]:
    """The campaign's payouts read from Stripe now, or (None, why not in French)."""
    from flask import current_app

    from app.donations.stripe import open_gateway
    from app.donations.stripe.gateway import stripe as sdk

    gateway, owned = open_gateway(current_app)
    try:
        if gateway.demo_mode:
            return None, "mode démonstration, aucun compte Stripe"
        return campaign_payouts(campaign, gateway), ""
    except sdk.StripeError:
        current_app.logger.exception("Stripe payouts could not be read")
        return None, "Stripe ne répond pas"
    finally:
        if owned:
            gateway.close()


def payouts_csv(views: list[PayoutView] | None, handle: BinaryIO, *,
                unavailable: str = "") -> int:
    """REP-3: one row per operation of this campaign in each payout (the payout's figures
    repeated), one row for what belongs to other campaigns (counted, never detailed);
    ``unavailable`` says why no payout could be read. The number of payouts written."""
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow(PAYOUT_COLUMNS)
    for p in views or []:
        head = [p.id, p.arrival.strftime("%d/%m/%Y"), PAYOUT_STATUSES.get(p.status, p.status),
                euros(p.amount_cents), euros(p.gross_cents), euros(p.fees_cents),
                euros(p.net_cents), p.match.bank_on.strftime("%d/%m/%Y") if p.match else "",
                p.match.bank_label if p.match else ""]
        for line in p.lines:
            approved = ("" if line.refund_approved is None else
                        "oui" if line.refund_approved else "NON")
            _rows(writer, [[*head, line.txn_id, LINE_TYPES.get(line.type, line.type),
                            line.on.strftime("%d/%m/%Y"), line.entry_seq, line.donor,
                            euros(line.amount_cents), euros(line.fee_cents),
                            euros(line.net_cents), approved]], PAYOUT_TYPED)
        if p.outside_count:
            _rows(writer, [[*head, "", f"Hors campagne : {p.outside_count} opération(s), "
                            "sans détail", "", "", "", "", "", euros(p.outside_net_cents), ""]],
                  PAYOUT_TYPED)
    if views is None:
        writer.writerow([])
        writer.writerow([f"Virements non lus : {unavailable or 'Stripe indisponible'}."])
    elif not views:
        writer.writerow([])
        writer.writerow(["Aucun virement Stripe ne porte d'opération de cette campagne."])
    handle.write(_encoded(buffer))
    return len(views or [])


@dataclass(frozen=True)
class InvoiceFile:
    name: str  # inside the zip
    path: Path


def _invoice_name(entry: LedgerEntry, invoice: dict[str, Any]) -> str:
    suffix = Path(str(invoice.get("file", ""))).suffix
    stem = Path(str(invoice.get("name") or "facture")).stem[:80] or "facture"
    return f"{INVOICE_FOLDER}/{entry.seq:05d}-{stem}{suffix}"


def expenses_csv(campaign: Campaign, handle: BinaryIO) -> list[InvoiceFile]:
    """ACC-1: every expense, fee and in-kind counterpart with its state and the name of its
    invoice file in the zip; the invoice files to add (those still as booked)."""
    cancelled = set(db.session.scalars(reversed_ids()))
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind.in_(EXPENSE_KINDS),
        LedgerEntry.demo.is_(False)).order_by(LedgerEntry.seq))
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow(EXPENSE_COLUMNS)
    files: list[InvoiceFile] = []
    total = 0
    for entry in entries:
        details = entry.details or {}
        invoice = details.get("invoice") if isinstance(details.get("invoice"), dict) else None
        attached, digest = "", ""
        if invoice:
            digest = str(invoice.get("sha256", ""))
            problem = invoice_problem(invoice)
            if problem:
                attached = f"ABSENT : {problem}"
            else:
                attached = _invoice_name(entry, invoice)
                files.append(InvoiceFile(attached, invoice_path(invoice)))
        elif entry.kind == "fee":
            attached = "relevé Stripe (DON-14)"
        state = "annulée" if entry.id in cancelled else "retenue"
        if entry.id not in cancelled:
            total += entry.amount_cents
        nature = str(details.get("nature") or "")
        _rows(writer, [[entry.seq, entry.on.strftime("%d/%m/%Y"), entry.kind_label,
                        EXPENSE_NATURES.get(nature, nature),
                        str(details.get("supplier") or ""),
                        PAYERS.get(str(details.get("paid_by") or ""), ""),
                        PAYMENT_METHODS.get(entry.method or "", entry.method or ""),
                        str(details.get("reference") or ""), euros(entry.amount_cents), state,
                        attached, digest]], EXPENSE_TYPED)
    writer.writerow([])
    writer.writerow(["Total des dépenses retenues", euros(total)])
    handle.write(_encoded(buffer))
    return files


def receipts_csv(campaign: Campaign, handle: BinaryIO) -> int:
    """DON-11: every number the CNCCFP issued (used, voided or unused: unused booklets go
    back to the CNCCFP), and numbers typed when a gift was booked; the rows written."""
    state = register(campaign.id)
    sealed = sealed_numbers(campaign.id)
    used = {**sealed, **state.assigned}
    gifts = {e.id: e for e in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.id.in_(list(used.values()))))}
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow(RECEIPT_COLUMNS)
    numbers = list(state.issued) + [n for n in sealed if n not in state.issued]
    for number in numbers:
        origin = SOURCES.get(state.issued.get(number, ""), "saisi à l'enregistrement du don")
        gift = gifts.get(used.get(number, 0))
        if number in state.voided:
            status = "annulé"
        elif gift is not None:
            status = "attribué"
        else:
            status = "non utilisé (à rendre à la CNCCFP)"
        who = (gift.donor_snapshot or {}) if gift is not None else {}
        _rows(writer, [[number, origin, status, gift.seq if gift else "",
                        gift.on.strftime("%d/%m/%Y") if gift else "",
                        f"{who.get('prenom', '')} {who.get('nom', '')}".strip(),
                        euros(gift.amount_cents) if gift else "",
                        state.voided.get(number, "")]], RECEIPT_TYPED)
    if state.problem is not None:
        writer.writerow([])
        writer.writerow([f"ANOMALIE du registre : {state.problem.message}"])
    handle.write(_encoded(buffer))
    return len(numbers)
