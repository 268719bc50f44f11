"""One owner per transaction: a failure halfway through a write leaves nothing written, and a
ledger write outside an owner's transaction is refused (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.dbutil import NoTransactionError, transaction
from app.extensions import db
from app.ledger import gifts
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import Donor, LedgerEntry
from tests.factories import IN_WINDOW, identity


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_failure_between_two_entries_writes_nothing(campaign, monkeypatch) -> None:
    """An in-kind gift is two chained entries (DON-18); the second one fails."""
    real_append = gifts.append_entry

    def failing_append(campaign_row, **fields):  # type: ignore[no-untyped-def]
        if fields["kind"] == "in_kind_expense":
            raise OSError("disk full")
        return real_append(campaign_row, **fields)

    monkeypatch.setattr(gifts, "append_entry", failing_append)
    with pytest.raises(OSError), transaction():
        record_gift(GiftInput(campaign_id=campaign.id, amount_cents=30_000, on=IN_WINDOW,
                              method="nature", identity=identity(), source_ref="nature:1"))
    db.session.expire_all()
    assert _count(LedgerEntry) == 0
    assert _count(Donor) == 0

    monkeypatch.setattr(gifts, "append_entry", real_append)
    with transaction():
        outcome = record_gift(GiftInput(campaign_id=campaign.id, amount_cents=30_000,
                                        on=IN_WINDOW, method="nature", identity=identity(),
                                        source_ref="nature:1"))
    assert outcome.status == "accepted"
    kinds = db.session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.seq)).all()
    assert kinds == ["in_kind", "in_kind_expense"]


def test_a_ledger_write_needs_an_owner(campaign) -> None:
    gift = GiftInput(campaign_id=campaign.id, amount_cents=5_000, on=date(2026, 11, 15),
                     method="cheque", identity=identity())
    with pytest.raises(NoTransactionError):
        record_gift(gift)
    db.session.rollback()
    assert _count(LedgerEntry) == 0


def test_transactions_do_not_nest(app) -> None:
    with pytest.raises(RuntimeError, match="only the outer one commits"), transaction(), \
            transaction():
        pass


def test_a_dry_run_rolls_back(campaign) -> None:
    with transaction(dry_run=True):
        record_gift(GiftInput(campaign_id=campaign.id, amount_cents=5_000, on=IN_WINDOW,
                              method="cheque", identity=identity()))
        assert _count(LedgerEntry) == 1
    assert _count(LedgerEntry) == 0
