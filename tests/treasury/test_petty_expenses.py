"""MAND-3: expenses the candidate pays after the mandataire's declaration are « menues
dépenses » the CNCCFP tolerates only under 10 % of the expenses and 3 % of the cap; Estrade
warns from 80 % of either limit and more strongly beyond, when booking and on the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.core.finance.bookkeeping import Expense, evaluate_expense, petty_expenses
from app.ledger.bookings import book_expense, direct_expenses_total
from app.ledger.entries import reverse_entry
from app.ledger.invoices import store_invoice
from tests.factories import tx

DECLARED = date(2026, 10, 5)  # the demo campaign's mandataire (content/demo/campaign.toml)
CAP = 1_851_740  # the demo campaign's spending cap (12,340 inhabitants)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(("direct", "expenses", "cap", "expected"), [
    (0, 100_000, CAP, None),
    (7_000, 100_000, CAP, None),  # 7 % of the expenses, 0.4 % of the cap
    (8_000, 100_000, CAP, "proche"),  # 8 %: 80 % of the 10 % tolerance
    (10_000, 100_000, CAP, "au-delà"),  # 10 %: not « moins de 10 % »
    (44_500, 1_000_000, CAP, "proche"),  # 4.45 % of the expenses, 2.4 % of the cap
    (55_600, 1_000_000, CAP, "au-delà"),  # 5.56 % of the expenses, but 3.0 % of the cap
    (7_000, 100_000, None, None),  # no cap known: the expenses' share alone
])
def test_the_two_ratios(direct: int, expenses: int, cap: int | None,
                        expected: str | None) -> None:
    message = petty_expenses(direct, expenses, cap)
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message
        assert "moins de 10 % des dépenses et de 3 % du plafond" in message


def test_only_what_the_candidate_pays_after_the_declaration_counts() -> None:
    def decide(paid_by: str, on: date, direct_before: int = 0) -> Any:
        return evaluate_expense(Expense(9_000, on, "impression", "Imprimerie", paid_by),
                                mandataire_declared_on=DECLARED, expenses_before_cents=91_000,
                                cap_cents=CAP, direct_before_cents=direct_before)

    assert decide("mandataire", date(2026, 11, 2)).rules == ()
    assert decide("parti", date(2026, 11, 2)).rules == ()
    assert decide("candidat", date(2026, 9, 20)).rules == ()  # before: reimbursed, fine
    after = decide("candidat", date(2026, 11, 2))  # 90 € of 1 000 €: 9 %, near it
    assert after.allowed and after.rules == ("MAND-3", "MAND-3")
    assert "proche de la tolérance" in after.warnings[1].message
    # With 10 € of the 910 € before paid directly, 90 € more make 10 % of 1 000 €: beyond it.
    assert "au-delà" in decide("candidat", date(2026, 11, 2), 1_000).warnings[1].message


def _expense(campaign: Any, cents: int, paid_by: str, ref: str, on: date = date(2026, 11, 10)
             ) -> Any:
    invoice = tx(store_invoice, campaign.id, "f.pdf", PDF)
    return tx(book_expense, campaign, Expense(cents, on, "impression", "Imprimerie", paid_by),
              invoice=invoice, method="virement", recorded_by_id=None, source_ref=ref)


def test_booking_counts_what_was_paid_directly_and_the_dashboard_warns(
        client, auth, demo_site) -> None:
    campaign = demo_site.campaign
    _expense(campaign, 100_000, "mandataire", "x:1")
    _expense(campaign, 20_000, "candidat", "x:before", on=date(2026, 9, 30))  # before: fine
    small = _expense(campaign, 3_000, "candidat", "x:2")  # 3 000 of 123 000: 2.4 %
    assert [w.startswith("MAND-3") for w in small.warnings] == [True]
    assert direct_expenses_total(campaign) == 3_000
    auth.login("treasurer@example.org")
    assert "menues dépenses" not in client.get("/admin/tresorerie/").get_data(as_text=True)
    near = _expense(campaign, 8_000, "candidat", "x:3")  # 11 000 of 131 000: 8.4 %
    assert len(near.warnings) == 2 and "proche de la tolérance" in near.warnings[1]
    over = _expense(campaign, 4_000, "candidat", "x:4")  # 15 000 of 135 000: 11.1 %
    assert "au-delà de la tolérance" in over.warnings[1]
    assert direct_expenses_total(campaign) == 15_000
    page = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "MAND-3" in page and "au-delà de la tolérance de la CNCCFP" in page
    # A reversed expense no longer counts.
    tx(reverse_entry, over.entry.id, reason="Saisie en double", on=date(2026, 11, 11),
       recorded_by_id=None)
    assert direct_expenses_total(campaign) == 11_000
