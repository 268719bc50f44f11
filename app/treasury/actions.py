"""The treasurer's bookings as actions: permission (treasurer of that campaign's site), the
ledger's booking (compliance core), an audit row. Used by the forms of
:mod:`app.treasury.entries` and by ``estrade treasury …``; the caller owns the transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app import audit
from app.accounts.models import User
from app.campaigns.models import Campaign
from app.core.finance.bookkeeping import Expense, Loan
from app.core.finance.money import format_cents
from app.donations.models import RefundRequest
from app.donations.refunds import owed_on
from app.extensions import db
from app.ledger import bookings
from app.ledger.bookings import Booked
from app.ledger.entries import record_refund
from app.ledger.errors import LedgerError
from app.ledger.locks import lock_campaign
from app.ledger.models import LedgerEntry

REFUND_METHODS = ("virement", "cheque")


def require_treasurer(user: Any, campaign: Campaign) -> None:
    """Only an active treasurer of the campaign's site books its money (the mandataire)."""
    if user is None or not getattr(user, "active", False) or not user.can(
            "treasury", campaign.site_id):
        raise LedgerError("Seul le trésorier (mandataire financier) de cette campagne peut "
                          "enregistrer ses écritures.")


def _done(name: str, user: User, booked: Booked, **details: Any) -> Booked:
    if not booked.duplicate:
        audit.record(name, booked.entry, user=user, seq=booked.entry.seq,
                     amount_cents=booked.entry.amount_cents, **details)
    return booked


def loans_allowed(campaign: Campaign) -> bool:
    """LOAN-3: no loan form for the présidentielle (natural persons may not lend)."""
    return campaign.election.kind != "presidentielle"


def expense(campaign: Campaign, user: User, item: Expense, *, invoice: dict[str, Any] | None,
            method: str, reference: str = "", override_reason: str = "",
            token: str | None = None) -> Booked:
    require_treasurer(user, campaign)
    booked = bookings.book_expense(campaign, item, invoice=invoice, method=method,
                                   reference=reference, override_reason=override_reason,
                                   recorded_by_id=user.id, source_ref=_ref(token))
    return _done("ledger.expense", user, booked, nature=item.nature, paid_by=item.paid_by)


def contribution(campaign: Campaign, user: User, *, kind: str, amount_cents: int, on: date,
                 method: str, contributor: str, reference: str = "",
                 token: str | None = None) -> Booked:
    require_treasurer(user, campaign)
    booked = bookings.book_contribution(
        campaign, kind=kind, amount_cents=amount_cents, on=on, method=method,
        contributor=contributor, reference=reference, recorded_by_id=user.id,
        source_ref=_ref(token))
    return _done(f"ledger.{kind}", user, booked)


def loan(campaign: Campaign, user: User, item: Loan, *, method: str,
         token: str | None = None) -> Booked:
    require_treasurer(user, campaign)
    if not loans_allowed(campaign) and item.lender_kind == "personne":
        raise LedgerError("LOAN-3 — Présidentielle : les prêts de personnes physiques sont "
                          "interdits.")
    booked = bookings.book_loan(campaign, item, method=method, recorded_by_id=user.id,
                                source_ref=_ref(token))
    return _done("ledger.loan", user, booked, lender_kind=item.lender_kind)


def loan_repayment(campaign: Campaign, user: User, loan_seq: int, *, amount_cents: int,
                   on: date, method: str, token: str | None = None) -> Booked:
    require_treasurer(user, campaign)
    loan_entry = bookings.entry_by_seq(campaign, loan_seq)
    booked = bookings.book_loan_repayment(loan_entry.id, amount_cents=amount_cents, on=on,
                                          method=method, recorded_by_id=user.id,
                                          source_ref=_ref(token))
    return _done("ledger.loan_repayment", user, booked)


def bounced_cheque(campaign: Campaign, user: User, seq: int, *, on: date,
                   reason: str) -> Booked:
    require_treasurer(user, campaign)
    return _done("ledger.bounced_cheque", user, bookings.book_bounced_cheque(
        campaign, seq, on=on, reason=reason, recorded_by_id=user.id), reason=reason)


def correction(campaign: Campaign, user: User, seq: int, *, on: date, reason: str) -> Booked:
    require_treasurer(user, campaign)
    return _done("ledger.reversal", user, bookings.book_correction(
        campaign, seq, on=on, reason=reason, recorded_by_id=user.id), reason=reason)


def offline_refund(campaign: Campaign, user: User, seq: int, *, amount_cents: int, on: date,
                   method: str, reference: str, reason: str, token: str | None = None) -> Booked:
    """Money given back by transfer or cheque (DON-16, R39-1-1: traced): resolves the gift's
    flags it covers; a refund request left with nothing owed is settled by it."""
    require_treasurer(user, campaign)
    if method not in REFUND_METHODS:
        raise LedgerError("Un remboursement hors Stripe se fait par virement ou par chèque "
                          "(DON-4).")
    if not reason.strip():
        raise LedgerError("DON-16 — Donnez le motif du remboursement.")
    gift = bookings.entry_by_seq(campaign, seq)
    if gift.kind not in ("donation", "in_kind"):
        raise LedgerError(f"L'écriture n° {seq} n'est pas un don.")
    source_ref = _ref(token)
    if source_ref and (existing := db.session.scalar(select(LedgerEntry).where(
            LedgerEntry.source_ref == source_ref))) is not None:
        return Booked(existing, "Déjà enregistré : rien n'a été ajouté.", duplicate=True)
    entry = record_refund(gift.id, amount_cents, on=on, source_ref=source_ref,
                          reason=f"Remboursement au donateur ({method}) : {reason.strip()}",
                          recorded_by_id=user.id, method=method,
                          details={"reference": reference.strip(), "offline": True})
    lock_campaign(campaign.id)
    for request in db.session.scalars(select(RefundRequest).where(
            RefundRequest.entry_id == gift.id,
            RefundRequest.status.in_(("proposed", "approved")))):
        if owed_on(request) == 0:
            request.status = "cancelled"  # paid back outside Stripe: nothing left to do
            request.refund_entry_id = entry.id
            audit.record("refund.cancel", request, user=user, reason="refunded offline",
                         entry_id=entry.id)
    return _done("ledger.offline_refund", user, Booked(
        entry, f"Remboursement de {format_cents(amount_cents)} enregistré."), method=method)


def recent_entries(campaign: Campaign, limit: int = 50) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id).order_by(LedgerEntry.seq.desc()).limit(limit)))


def _ref(token: str | None) -> str | None:
    return f"manual:{token}" if token else None


# -- the receipts register (DON-11) -------------------------------------------------------------


def issue_receipts(campaign: Campaign, user: User, first: str, last: str, *,
                   source: str) -> int:
    from app.ledger import receipts

    require_treasurer(user, campaign)
    count = receipts.issue(campaign.id, first, last, source=source, by_id=user.id)
    audit.record("receipts.issue", campaign, user=user, first=first, last=last, source=source,
                 count=count)
    return count


def assign_receipt(campaign: Campaign, user: User, seq: int, number: str, *,
                   issued_on: date) -> None:
    from app.ledger import receipts

    require_treasurer(user, campaign)
    event = receipts.assign(campaign.id, seq, number, issued_on=issued_on, by_id=user.id)
    audit.record("receipts.assign", campaign, user=user, seq=seq, number=number,
                 event=event.seq)


def void_receipt(campaign: Campaign, user: User, number: str, *, reason: str) -> None:
    from app.ledger import receipts

    require_treasurer(user, campaign)
    event = receipts.void(campaign.id, number, reason=reason, by_id=user.id)
    audit.record("receipts.void", campaign, user=user, number=number, reason=reason,
                 event=event.seq)
