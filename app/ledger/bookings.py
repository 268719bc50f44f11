"""Booking what Stripe cannot see: expenses, apport personnel, party contributions, loans and
their repayments, bounced cheques, corrections (reversing entries, never edits).

Each runs through the compliance core (:mod:`app.core.finance.bookkeeping`): a refusal is a
:class:`BookingRefused` naming its rules and writes nothing. Idempotent on ``source_ref`` (the
form's token), inside the caller's transaction, under the campaign lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.core.finance.bookkeeping import (
    Expense,
    Loan,
    evaluate_contribution,
    evaluate_expense,
    evaluate_loan,
)
from app.core.finance.decision import Decision
from app.core.finance.money import format_cents
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.entries import reverse_entry
from app.ledger.errors import LedgerError
from app.ledger.facts import campaign_cap
from app.ledger.journal import append_entry, find_by_source, reasons_json
from app.ledger.locks import lock_campaign
from app.ledger.models import LedgerEntry
from app.ledger.totals import reversed_ids

#: What counts against the spending cap (CAP-3): expenses, in-kind counterparts, fees.
CAPPED_KINDS = ("expense", "in_kind_expense", "fee")


class BookingRefused(LedgerError):
    """The compliance core refused: every reason, rule id first."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__(" ; ".join(f"{r.rule} — {r.message}" for r in decision.refusals))


@dataclass(frozen=True)
class Booked:
    entry: LedgerEntry
    message: str
    warnings: tuple[str, ...] = ()
    duplicate: bool = False


def _warnings(decision: Decision) -> tuple[str, ...]:
    return tuple(f"{r.rule} — {r.message}" for r in decision.warnings)


def _standing(kinds: tuple[str, ...], campaign_id: int, **where: Any) -> int:
    """Cents of these kinds in the campaign, less what reversals cancelled."""
    query = select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.kind.in_(kinds),
        LedgerEntry.id.not_in(reversed_ids()), LedgerEntry.demo.is_(False))
    return int(db.session.scalar(query) or 0)


def expenses_total(campaign_id: int) -> int:
    """CAP-3: the expenses standing (reversed ones left out)."""
    return _standing(CAPPED_KINDS, campaign_id)


def direct_expenses_total(campaign: Campaign) -> int:
    """MAND-3: the expenses standing that the candidate paid after the mandataire's
    declaration (the « menues dépenses » the CNCCFP tolerates only in small shares)."""
    if campaign.mandataire_declared_on is None:
        return 0
    query = select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind == "expense",
        LedgerEntry.details["paid_by"].as_string() == "candidat",
        LedgerEntry.on >= campaign.mandataire_declared_on,
        LedgerEntry.id.not_in(reversed_ids()), LedgerEntry.demo.is_(False))
    return int(db.session.scalar(query) or 0)


def person_loans_owed(campaign_id: int) -> int:
    """LOAN-2: what is still owed to natural persons (loans less their repayments)."""
    loans = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.kind == "loan",
        LedgerEntry.id.not_in(reversed_ids()))).all()
    owed = 0
    for loan in loans:
        if (loan.details or {}).get("lender_kind") == "personne":
            owed += loan.amount_cents - repaid(loan.id)
    return owed


def repaid(loan_id: int) -> int:
    return int(db.session.scalar(select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.related_entry_id == loan_id, LedgerEntry.kind == "loan_repayment",
        LedgerEntry.id.not_in(reversed_ids()))) or 0)


def _duplicate(source_ref: str | None) -> Booked | None:
    if source_ref and (existing := find_by_source(source_ref)) is not None:
        return Booked(existing, "Déjà enregistré (formulaire envoyé deux fois) : rien n'a été "
                      "ajouté.", duplicate=True)
    return None


def book_expense(campaign: Campaign, expense: Expense, *, invoice: dict[str, Any] | None,
                 method: str, reference: str = "", override_reason: str = "",
                 recorded_by_id: int | None, source_ref: str | None) -> Booked:
    """An expense (MAND-3, CAP-3) with its invoice. Paid by the candidate or a party, it comes
    with its counterpart receipt (apport personnel, party contribution): no money of the
    campaign account paid it."""
    require_transaction(db.session)
    if (done := _duplicate(source_ref)) is not None:
        return done
    if not invoice:
        raise LedgerError("ACC-1 — Joignez la facture de la dépense (pièce justificative du "
                          "compte de campagne).")
    campaign = lock_campaign(campaign.id)
    cap = campaign_cap(campaign)
    decision = evaluate_expense(
        expense, mandataire_declared_on=campaign.mandataire_declared_on,
        expenses_before_cents=expenses_total(campaign.id),
        cap_cents=cap.cents if cap is not None and cap.applies else None,
        override_reason=override_reason, direct_before_cents=direct_expenses_total(campaign))
    if not decision.allowed:
        raise BookingRefused(decision)
    details = {"nature": expense.nature, "supplier": expense.supplier.strip(),
               "paid_by": expense.paid_by, "invoice": invoice, "reference": reference.strip()}
    if override_reason.strip():
        details["override"] = override_reason.strip()
    entry = append_entry(campaign, kind="expense", amount_cents=expense.amount_cents,
                         on=expense.on, method=method, source_ref=source_ref,
                         recorded_by_id=recorded_by_id, reason=f"Dépense : {expense.supplier}",
                         rules=reasons_json(decision.reasons), details=details)
    counterpart = {"candidat": "personal_contribution", "parti": "party_contribution"}.get(
        expense.paid_by)
    if counterpart:
        append_entry(campaign, kind=counterpart, amount_cents=expense.amount_cents,
                     on=expense.on, method=method,
                     source_ref=f"{source_ref}:contrepartie" if source_ref else None,
                     related=entry, recorded_by_id=recorded_by_id,
                     reason="Contrepartie de la dépense payée hors du compte du mandataire "
                     "(MAND-3)", details={"counterpart": True})
    return Booked(entry, f"Dépense de {format_cents(expense.amount_cents)} enregistrée.",
                  _warnings(decision))


def book_contribution(campaign: Campaign, *, kind: str, amount_cents: int, on: date,
                      method: str, contributor: str, reference: str = "",
                      recorded_by_id: int | None, source_ref: str | None) -> Booked:
    """Apport personnel (DON-12: no receipt) or a party's contribution (DON-3)."""
    if kind not in ("personal_contribution", "party_contribution"):
        raise LedgerError("Apport personnel ou contribution d'un parti seulement.")
    require_transaction(db.session)
    if (done := _duplicate(source_ref)) is not None:
        return done
    decision = evaluate_contribution(kind, amount_cents, contributor)
    if not decision.allowed:
        raise BookingRefused(decision)
    campaign = lock_campaign(campaign.id)
    entry = append_entry(campaign, kind=kind, amount_cents=amount_cents, on=on, method=method,
                         source_ref=source_ref, recorded_by_id=recorded_by_id,
                         reason=("Apport personnel du candidat" if kind == "personal_contribution"
                                 else f"Contribution de {contributor.strip()}"),
                         rules=reasons_json(decision.reasons),
                         details={"contributor": contributor.strip(),
                                  "reference": reference.strip()})
    return Booked(entry, f"{entry.kind_label} de {format_cents(amount_cents)} enregistré(e).",
                  _warnings(decision))


def book_loan(campaign: Campaign, loan: Loan, *, method: str, recorded_by_id: int | None,
              source_ref: str | None) -> Booked:
    """A loan with its repayment schedule (LOAN-1, LOAN-2, LOAN-3, DON-3, DON-7)."""
    require_transaction(db.session)
    if (done := _duplicate(source_ref)) is not None:
        return done
    campaign = lock_campaign(campaign.id)
    cap = campaign_cap(campaign)
    decision = evaluate_loan(loan, election_kind=campaign.election.kind,
                             cap_cents=cap.cents if cap is not None and cap.applies else None,
                             person_loans_cents=person_loans_owed(campaign.id))
    if not decision.allowed:
        raise BookingRefused(decision)
    details = {"lender_kind": loan.lender_kind, "lender": loan.lender.strip(),
               "rate_bp": loan.rate_bp, "above_legal_rate": loan.above_legal_rate,
               "schedule": [[day.isoformat(), cents] for day, cents in sorted(loan.schedule)]}
    entry = append_entry(campaign, kind="loan", amount_cents=loan.amount_cents, on=loan.on,
                         method=method, source_ref=source_ref, recorded_by_id=recorded_by_id,
                         reason=f"Prêt de {loan.lender.strip()}",
                         rules=reasons_json(decision.reasons), details=details)
    return Booked(entry, f"Prêt de {format_cents(loan.amount_cents)} enregistré avec son "
                  f"échéancier ({len(loan.schedule)} échéance(s)).", _warnings(decision))


def book_loan_repayment(loan_id: int, *, amount_cents: int, on: date, method: str,
                        recorded_by_id: int | None, source_ref: str | None) -> Booked:
    require_transaction(db.session)
    if (done := _duplicate(source_ref)) is not None:
        return done
    loan = db.session.get(LedgerEntry, loan_id)
    if loan is None or loan.kind != "loan":
        raise LedgerError("LOAN-1 — Écriture de prêt introuvable.")
    campaign = lock_campaign(loan.campaign_id)
    left = loan.amount_cents - repaid(loan.id)
    if amount_cents <= 0 or amount_cents > left:
        raise LedgerError(f"LOAN-1 — Il reste {format_cents(left)} à rembourser sur ce prêt.")
    entry = append_entry(campaign, kind="loan_repayment", amount_cents=amount_cents, on=on,
                         method=method, source_ref=source_ref, related=loan,
                         recorded_by_id=recorded_by_id,
                         reason=f"Échéance du prêt n° {loan.seq}")
    return Booked(entry, f"Échéance de {format_cents(amount_cents)} enregistrée.")


def entry_by_seq(campaign: Campaign, seq: int) -> LedgerEntry:
    entry = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.seq == seq))
    if entry is None:
        raise LedgerError(f"Aucune écriture n° {seq} dans ce registre.")
    return entry


def book_bounced_cheque(campaign: Campaign, seq: int, *, on: date, reason: str,
                        recorded_by_id: int | None) -> Booked:
    """A cheque gift the bank did not pay: reversed (the donor's total and the receipts
    follow; a DON-16 flag on it is settled, the money never arrived)."""
    gift = entry_by_seq(campaign, seq)
    if gift.kind != "donation" or gift.method != "cheque":
        raise LedgerError(f"L'écriture n° {seq} n'est pas un don par chèque.")
    entry = reverse_entry(gift.id, reason=f"Chèque impayé : {reason.strip()}", on=on,
                          recorded_by_id=recorded_by_id,
                          source_ref=f"cheque-impaye:{gift.id}")
    return Booked(entry, f"Chèque impayé de {format_cents(gift.amount_cents)} annulé au "
                  "registre.")


def book_correction(campaign: Campaign, seq: int, *, on: date, reason: str,
                    recorded_by_id: int | None) -> Booked:
    """A correction: the entry is cancelled by a reversing entry (with its counterparts);
    the right one is then booked anew."""
    original = entry_by_seq(campaign, seq)
    entry = reverse_entry(original.id, reason=reason, on=on, recorded_by_id=recorded_by_id)
    return Booked(entry, f"Écriture n° {seq} annulée par l'écriture n° {entry.seq}.")
