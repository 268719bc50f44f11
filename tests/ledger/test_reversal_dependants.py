"""A correction or a bounced cheque cannot cancel an entry that refunds or repayments still
hang on (the donor's total would go below zero, the loan would be repaid more than lent):
they are cancelled first, then the entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.core.finance.bookkeeping import Loan
from app.extensions import db
from app.ledger import bookings
from app.ledger.entries import record_refund, reverse_entry
from app.ledger.errors import LedgerError
from app.ledger.models import LedgerEntry
from app.ledger.totals import donor_total
from app.treasury.account import campaign_account
from tests.factories import IN_WINDOW, tx


def _reversals() -> int:
    return len(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "reversal")).all())


def test_a_refunded_cheque_cannot_bounce_before_its_refund_is_cancelled(give, campaign) -> None:
    out = give(10_000, ref="chq:1")
    gift = db.session.get(LedgerEntry, out.entry_id)
    refund = tx(record_refund, gift.id, 3_000, on=IN_WINDOW, source_ref="rb:1", reason="trop")
    for attempt in (
            lambda: tx(bookings.book_bounced_cheque, campaign, gift.seq, on=IN_WINDOW,
                       reason="sans provision", recorded_by_id=None),
            lambda: tx(bookings.book_correction, campaign, gift.seq, on=IN_WINDOW,
                       reason="erreur", recorded_by_id=None)):
        with pytest.raises(LedgerError) as refused:
            attempt()
        assert f"remboursement au donateur n° {refund.seq}" in str(refused.value)
    assert _reversals() == 0
    assert donor_total(campaign.election_id, [gift.donor_id]) == 7_000
    # The refund cancelled first, the gift can go.
    tx(reverse_entry, refund.id, reason="Remboursement jamais parti", on=IN_WINDOW,
       recorded_by_id=None)
    tx(bookings.book_bounced_cheque, campaign, gift.seq, on=IN_WINDOW, reason="sans provision",
       recorded_by_id=None)
    assert donor_total(campaign.election_id, [gift.donor_id]) == 0
    assert campaign_account(campaign).balances


def test_a_repaid_loan_cannot_be_corrected_before_its_repayments(campaign) -> None:
    loan = Loan(amount_cents=100_000, on=date(2026, 11, 2), lender_kind="personne",
                lender="Jean Prêteur", rate_bp=0, above_legal_rate=False,
                schedule=((date(2027, 1, 2), 100_000),))
    booked = tx(bookings.book_loan, campaign, loan, method="virement", recorded_by_id=None,
                source_ref="l:1")
    repayment = tx(bookings.book_loan_repayment, booked.entry.id, amount_cents=30_000,
                   on=date(2026, 11, 20), method="virement", recorded_by_id=None,
                   source_ref="l:2")
    with pytest.raises(LedgerError) as refused:
        tx(bookings.book_correction, campaign, booked.entry.seq, on=date(2026, 11, 21),
           reason="erreur", recorded_by_id=None)
    assert f"remboursement d'emprunt n° {repayment.entry.seq}" in str(refused.value)
    assert _reversals() == 0
    tx(bookings.book_correction, campaign, repayment.entry.seq, on=date(2026, 11, 21),
       reason="échéance en double", recorded_by_id=None)
    tx(bookings.book_correction, campaign, booked.entry.seq, on=date(2026, 11, 21),
       reason="erreur", recorded_by_id=None)
    account = campaign_account(campaign)
    assert account.balances and account.ledger_balance_cents == 0
