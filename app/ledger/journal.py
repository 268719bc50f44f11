"""Appending to a campaign's chained journal, and finding an entry by its business key.

Every booking goes through :func:`append_entry`: the entry's digest covers its fields and the
previous entry's digest (:mod:`app.core.finance.chain`), so ``estrade ledger verify`` detects
any later change. The caller holds the campaign lock and its transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.core.finance.chain import GENESIS, entry_digest, signed_amount
from app.core.finance.decision import Reason
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.locks import mark_booked, pin
from app.ledger.models import Donor, LedgerEntry
from app.timeutil import utcnow


def append_entry(campaign: Campaign, *, kind: str, amount_cents: int, on: date,
                 method: str | None = None, donor: Donor | None = None,
                 source_ref: str | None = None, receipt_number: str | None = None,
                 related: LedgerEntry | None = None, recorded_by_id: int | None = None,
                 reason: str = "", rules: list[dict[str, str]] | None = None,
                 details: dict[str, Any] | None = None, demo: bool = False) -> LedgerEntry:
    """Append one chained entry (the caller holds the locks; its transaction commits)."""
    require_transaction(db.session)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise LedgerError("Montant invalide : un nombre entier de centimes est attendu.")
    if kind != "reversal" and amount_cents <= 0:
        raise LedgerError("Le montant d'une écriture doit être positif.")
    last = _chain_head(campaign.id)
    seq, prev_hash, cumulative = (last[0] + 1, last[1], last[2]) if last else (1, GENESIS, 0)
    entry = LedgerEntry(
        campaign_id=campaign.id, election_id=campaign.election_id, seq=seq, kind=kind,
        amount_cents=amount_cents, on=on, method=method,
        donor_id=donor.id if donor else None,
        donor_snapshot=donor.snapshot() if donor else None, source_ref=source_ref,
        receipt_number=receipt_number or None,
        related_entry_id=related.id if related else None,
        related_entry_seq=related.seq if related else None,
        recorded_by_id=recorded_by_id, recorded_at=utcnow().replace(microsecond=0),
        reason=reason, rules=rules or [], details=details or {},
        cumulative_cents=cumulative + (0 if demo else signed_amount(kind, amount_cents)),
        prev_hash=prev_hash, demo=demo)
    entry.hash = entry_digest(entry.chained_fields(), prev_hash)
    db.session.add(entry)
    db.session.flush()
    pin(entry)
    if donor is not None:
        mark_booked(donor.id)
    db.session.info.setdefault(HEADS, {})[campaign.id] = entry
    return entry


#: campaign id → the last entry this transaction appended to its chain (under its lock).
HEADS = "estrade_chain_heads"


def _chain_head(campaign_id: int) -> tuple[int, str, int] | None:
    """(seq, hash, cumulative) of the campaign's last entry. The entry this transaction
    appended last is the head while the campaign lock is held, so a second append (the fee
    after its gift) reads no row; an entry undone by a savepoint rollback is no longer
    persistent in the session, and the head is then read from the table again."""
    mine = db.session.info.get(HEADS, {}).get(campaign_id)
    if mine is not None and inspect(mine).persistent:
        return mine.seq, mine.hash, mine.cumulative_cents
    row = db.session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash, LedgerEntry.cumulative_cents)
        .where(LedgerEntry.campaign_id == campaign_id)
        .order_by(LedgerEntry.seq.desc()).limit(1)).first()
    return (int(row[0]), str(row[1]), int(row[2])) if row else None


@event.listens_for(Session, "after_transaction_end")
def _forget_heads(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(HEADS, None)


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, str]]:
    """The rules' reasons as the entry's ``rules`` column stores them."""
    return [{"rule": r.rule, "severity": r.severity, "message": r.message} for r in reasons]


def find_by_source(source_ref: str) -> LedgerEntry | None:
    """The entry booked under this business key (Stripe id, import row, form token)."""
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.source_ref == source_ref))
