"""Issue 12 defect 13: DON-5's cash total is what the campaign keeps in cash, reversals and
refunds deducted (a reversed refund counts again)."""

from __future__ import annotations

from app.ledger.entries import record_refund, reverse_entry
from app.ledger.totals import campaign_cash_total
from tests.factories import IN_WINDOW, identity, tx


def test_reversed_collection_and_refunded_cash_leave_the_cash_total(give, campaign) -> None:
    # Demo campaign: 12,340 inhabitants → cap 18,517.81 €, cash ceiling 3,703.56 €.
    quete = give(360_000, method="quete", ref="quete:1")
    assert quete.status in {"accepted", "warning"}
    refused = give(50_000, method="quete", ref="quete:2")
    assert refused.status == "refused" and "DON-5" in refused.decision.rules
    tx(reverse_entry, quete.entry_id, reason="Bordereau saisi deux fois", on=IN_WINDOW,
       recorded_by_id=None)
    assert campaign_cash_total(campaign.id) == 0
    assert give(50_000, method="quete", ref="quete:3").status in {"accepted", "warning"}

    cash = give(15_000, method="especes", who=identity("Espèces"), ref="especes:1")
    assert campaign_cash_total(campaign.id) == 65_000
    refund = tx(record_refund, cash.entry_id, 15_000, on=IN_WINDOW, source_ref="rb:1",
                reason="Don rendu")
    assert campaign_cash_total(campaign.id) == 50_000
    tx(reverse_entry, refund.id, reason="Remboursement jamais encaissé", on=IN_WINDOW,
       recorded_by_id=None)
    assert campaign_cash_total(campaign.id) == 65_000


def test_cheques_and_their_corrections_do_not_count(give, campaign) -> None:
    cheque = give(30_000, ref="cheque:1")
    tx(reverse_entry, cheque.entry_id, reason="Chèque sans provision", on=IN_WINDOW,
       recorded_by_id=None)
    assert campaign_cash_total(campaign.id) == 0
