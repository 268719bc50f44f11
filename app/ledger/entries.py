"""Entries other than gifts: refunds to donors, fees, expenses, reversals.

Each runs inside the transaction of the view, CLI command or webhook that owns the write
(:func:`app.dbutil.transaction`) and never commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.core.finance.chain import signed_amount
from app.core.finance.money import format_cents
from app.core.finance.vocabulary import ENTRY_KINDS
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.journal import append_entry, find_by_source
from app.ledger.locks import lock_campaign, lock_donor
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import refunded_so_far, reversed_ids
from app.timeutil import utcnow


def record_refund(entry_id: int, amount_cents: int, *, on: date, source_ref: str | None,
                  reason: str, recorded_by_id: int | None = None,
                  details: dict[str, Any] | None = None, method: str | None = None,
                  rules: list[dict[str, str]] | None = None) -> LedgerEntry:
    """Money given back to a donor (DON-16, R39-1-1: traced). Resolves DON-16 flags it covers.

    Idempotent on ``source_ref`` (e.g. the Stripe refund id).
    """
    require_transaction(db.session)
    if source_ref and (existing := find_by_source(source_ref)) is not None:
        return existing
    original = db.session.get(LedgerEntry, entry_id)
    if original is None or original.kind not in ("donation", "in_kind"):
        raise LedgerError("Seul un don peut être remboursé.")
    if original.donor_id is not None:
        lock_donor(original.donor_id)
    campaign = lock_campaign(original.campaign_id)
    left = original.amount_cents - refunded_so_far(original.id)
    if amount_cents > left:
        raise LedgerError(f"Remboursement de {format_cents(amount_cents)} supérieur au "
                          f"montant restant du don ({format_cents(left)}).")
    refund = append_entry(
        campaign, kind="refund", amount_cents=amount_cents, on=on,
        method=method or original.method, donor=original.donor, source_ref=source_ref,
        related=original, recorded_by_id=recorded_by_id, reason=reason, rules=rules,
        details=details, demo=original.demo)
    _resolve_flags(original.id, refund)
    return refund


def _resolve_flags(entry_id: int, refund: LedgerEntry) -> None:
    """Flags on the refunded gift are resolved once refunds cover their amount."""
    covered = refunded_so_far(entry_id)
    flags = db.session.scalars(select(ComplianceFlag).where(
        ComplianceFlag.entry_id == entry_id).order_by(ComplianceFlag.id)).all()
    for flag in flags:
        if flag.resolved_entry_id is None and covered >= flag.amount_cents:
            flag.resolved_entry_id = refund.id
            flag.resolved_at = utcnow()
        covered -= flag.amount_cents


def record_entry(campaign_id: int, *, kind: str, amount_cents: int, on: date,
                 method: str | None = None, source_ref: str | None = None,
                 related_id: int | None = None, reason: str = "",
                 recorded_by_id: int | None = None, details: dict[str, Any] | None = None,
                 ) -> LedgerEntry:
    """Fees, expenses, apport personnel, loans… (no donor cap involved). Idempotent."""
    if kind in ("donation", "in_kind", "collection", "refund"):
        raise LedgerError("Utilisez l'enregistrement des dons ou des remboursements.")
    require_transaction(db.session)
    if source_ref and (existing := find_by_source(source_ref)) is not None:
        return existing
    campaign = lock_campaign(campaign_id)
    related = db.session.get(LedgerEntry, related_id) if related_id else None
    entry = append_entry(campaign, kind=kind, amount_cents=amount_cents, on=on,
                         method=method, source_ref=source_ref, related=related,
                         recorded_by_id=recorded_by_id, reason=reason, details=details)
    return entry


def counterparts(entry: LedgerEntry) -> list[LedgerEntry]:
    """Entries booked with ``entry`` for the same value: the expense of an in-kind gift
    (DON-18), the apport or party contribution of an expense paid outside the account."""
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.related_entry_id == entry.id, LedgerEntry.kind != "reversal",
        LedgerEntry.id.not_in(reversed_ids())).order_by(LedgerEntry.seq)).all()) if entry.id \
        else []


def is_counterpart(entry: LedgerEntry) -> bool:
    return entry.kind == "in_kind_expense" or bool((entry.details or {}).get("counterpart"))


def reverse_entry(entry_id: int, *, reason: str, on: date, recorded_by_id: int | None,
                  source_ref: str | None = None) -> LedgerEntry:
    """A correction: an entry cancelling another one (entries are never edited). Its
    counterparts are reversed with it (DON-18: an in-kind gift and its expense)."""
    if not reason.strip():
        raise LedgerError("Une annulation doit être motivée.")
    require_transaction(db.session)
    if source_ref and (existing := find_by_source(source_ref)) is not None:
        return existing
    original = db.session.get(LedgerEntry, entry_id)
    if original is None or original.kind == "reversal":
        raise LedgerError("Écriture introuvable ou déjà une annulation.")
    if is_counterpart(original):
        raise LedgerError(f"L'écriture n° {original.seq} est la contrepartie de l'écriture n° "
                          f"{original.related_entry_seq} : annulez celle-ci, les deux le seront.")
    if db.session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.related_entry_id == entry_id, LedgerEntry.kind == "reversal")):
        raise LedgerError("Cette écriture a déjà été annulée.")
    _refuse_with_dependants(original)
    if original.donor_id is not None:
        lock_donor(original.donor_id)
    campaign = lock_campaign(original.campaign_id)
    entry = _reversal(campaign, original, reason, on, recorded_by_id, source_ref)
    for other in [e for e in counterparts(original) if is_counterpart(e)]:
        _reversal(campaign, other, f"Contrepartie de l'annulation n° {entry.seq} : {reason}",
                  on, recorded_by_id, f"{source_ref}:contrepartie:{other.id}"
                  if source_ref else None)
    if original.kind == "refund" and original.related_entry_id is not None:
        _reopen_flags(original)
    if original.kind in ("donation", "in_kind"):
        _settle_flags(original.id, entry)
    return entry


#: Entries that hang on another one and would be left without it: refunds of a gift (DON-16,
#: R39-1-1) and repayments of a loan (LOAN-1).
DEPENDANT_KINDS = ("refund", "loan_repayment")


def _refuse_with_dependants(original: LedgerEntry) -> None:
    """A gift with refunds, a loan with repayments still standing cannot be cancelled alone:
    the donor's total would go below zero, the loan be repaid more than it lent."""
    standing = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.related_entry_id == original.id, LedgerEntry.kind.in_(DEPENDANT_KINDS),
        LedgerEntry.id.not_in(reversed_ids())).order_by(LedgerEntry.seq)).all()
    if standing:
        named = ", ".join(f"{ENTRY_KINDS[e.kind].lower()} n° {e.seq}" for e in standing)
        raise LedgerError(f"L'écriture n° {original.seq} ne peut être annulée : des écritures "
                          f"s'y rattachent encore ({named}). Annulez-les d'abord.")


def _reversal(campaign: Any, original: LedgerEntry, reason: str, on: date,
              recorded_by_id: int | None, source_ref: str | None) -> LedgerEntry:
    return append_entry(
        campaign, kind="reversal",
        amount_cents=-signed_amount(original.kind, original.amount_cents), on=on,
        method=original.method, donor=original.donor, source_ref=source_ref,
        related=original, recorded_by_id=recorded_by_id, reason=reason, demo=original.demo)


def _settle_flags(gift_id: int, reversal: LedgerEntry) -> None:
    """A gift cancelled (a bounced cheque, a booking error): nothing of it is kept, so its
    DON-16 flags are settled by the reversal."""
    for flag in db.session.scalars(select(ComplianceFlag).where(
            ComplianceFlag.entry_id == gift_id, ComplianceFlag.resolved_entry_id.is_(None))):
        flag.resolved_entry_id = reversal.id
        flag.resolved_at = utcnow()


def _reopen_flags(refund: LedgerEntry) -> None:
    """A refund cancelled (failed, dispute won): the excess it gave back is with the campaign
    again, so the DON-16 flags it resolved are open again, unless other refunds cover them."""
    for flag in db.session.scalars(select(ComplianceFlag).where(
            ComplianceFlag.resolved_entry_id == refund.id)):
        flag.resolved_entry_id = None
        flag.resolved_at = None
    db.session.flush()
    standing = db.session.scalar(
        select(LedgerEntry).where(LedgerEntry.related_entry_id == refund.related_entry_id,
                                  LedgerEntry.kind == "refund",
                                  LedgerEntry.id.not_in(reversed_ids()))
        .order_by(LedgerEntry.seq.desc()).limit(1))
    if standing is not None and refund.related_entry_id is not None:
        _resolve_flags(refund.related_entry_id, standing)
