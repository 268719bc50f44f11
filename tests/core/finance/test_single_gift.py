"""The rules about one gift alone (``evaluate_single_gift``, ``check_gift_amount``): what the
public /don form may decide, with no history, so that its answer tells nothing about anyone's
giving (docs/security-donations.md)."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.finance.rules import (
    CampaignFacts,
    Decision,
    Donor,
    Gift,
    History,
    check_gift_amount,
    evaluate_gift,
    evaluate_single_gift,
)

FACTS = CampaignFacts(mode="candidat", election_kind="municipales", population=45_851,
                      round1=date(2026, 3, 15), filing_date=date(2026, 5, 22),
                      mandataire_declared=True, candidate_name="Marie Dupont",
                      colistiers=("Paul Martin",))
PARTY = replace(FACTS, mode="parti")
DONOR = Donor(civilite="Mme", nom="Durand", prenom="Alice", adresse="3 rue des Lilas",
              code_postal="35000", commune="Rennes", pays="France", nationalite="française",
              attests_eligibility=True)
ON = date(2026, 1, 10)


def gift(cents: int, method: str = "carte", **donor: object) -> Gift:
    return Gift(cents, ON, method, replace(DONOR, **donor))  # type: ignore[arg-type]


def text(decision: Decision) -> str:
    return " ".join(decision.messages).replace("\u202f", " ").replace("\xa0", " ")


def test_it_cannot_see_anyones_history() -> None:
    # No History parameter at all: nothing about what the person gave can reach the answer.
    for fn in (evaluate_single_gift, check_gift_amount):
        params = inspect.signature(fn).parameters
        assert "history" not in params and all(
            "History" not in str(p.annotation) for p in params.values()), fn.__name__


def test_one_gift_up_to_the_cap_and_not_a_cent_more() -> None:
    assert evaluate_single_gift(gift(460_000), FACTS).allowed
    refused = evaluate_single_gift(gift(460_001), FACTS)
    assert refused.rules == ("DON-2",) and not refused.allowed
    assert "ce don de 4 600,01 € dépasse à lui seul ce plafond" in text(refused)
    assert "4 600,00 € par donateur et par élection" in text(refused)
    assert "vous pouvez encore" not in text(refused)  # nothing about a total


def test_a_monthly_gift_is_measured_by_its_payments_until_the_window_ends() -> None:
    assert evaluate_single_gift(gift(76_666), FACTS, months=6).allowed  # 4 599,96 €
    refused = evaluate_single_gift(gift(80_000), FACTS, months=6)
    assert refused.rules == ("DON-15",)
    assert "800,00 € par mois pendant 6 mois ferait 4 800,00 €" in text(refused)
    assert "au plus 766,66 € par mois" in text(refused)
    assert check_gift_amount(gift(460_000), FACTS, months=1).allowed
    with pytest.raises(ValueError):
        check_gift_amount(gift(100), FACTS, months=0)


def test_party_mode_uses_the_yearly_cap() -> None:
    assert evaluate_single_gift(gift(750_000), PARTY).allowed
    assert evaluate_single_gift(gift(750_001), PARTY).rules == ("PARTY-1",)
    assert "7 500,00 € par personne et par an" in text(evaluate_single_gift(gift(750_001), PARTY))
    assert evaluate_single_gift(gift(70_000), PARTY, months=12).rules == ("PARTY-1",)


def test_the_other_rules_about_the_gift_itself_still_apply() -> None:
    closed = replace(FACTS, mandataire_declared=False)
    assert "MAND-1" in evaluate_single_gift(gift(5_000), closed).rules
    late = Gift(5_000, date(2026, 6, 1), "carte", DONOR)
    assert "MAND-2" in evaluate_single_gift(late, FACTS).rules
    assert "DON-10" in evaluate_single_gift(gift(5_000, adresse=""), FACTS).rules
    assert "DON-1" in evaluate_single_gift(
        gift(5_000, nationalite="belge", pays="Belgique"), FACTS).rules
    assert "DON-1" in evaluate_single_gift(gift(5_000, attests_eligibility=False), FACTS).rules
    sarl = evaluate_single_gift(gift(5_000, nom="Durand SARL"), FACTS)
    assert sarl.rules == ("DON-3",) and sarl.allowed  # a warning: confirmed on the form
    assert "DON-3" in evaluate_single_gift(gift(5_000, natural_person=False), FACTS).rules
    assert "DON-12" in evaluate_single_gift(gift(5_000, nom="Dupont", prenom="Marie"),
                                            FACTS).rules
    assert "DON-4" in evaluate_single_gift(gift(20_000, method="especes"), FACTS).rules
    assert "DON-6" in evaluate_single_gift(
        gift(5_000, nationalite="belge", card_country="BE"), FACTS).rules


def test_the_campaigns_cash_share_is_not_its_business() -> None:
    # DON-5 depends on what the campaign holds in cash: history, decided when booked.
    assert "DON-5" not in evaluate_single_gift(gift(15_000, method="especes"), FACTS).rules
    assert evaluate_single_gift(Gift(15_000, ON, "quete"), FACTS).rules == ()


@settings(database=None, deadline=None, max_examples=200)
@given(st.integers(min_value=1, max_value=900_000),
       st.sampled_from(["candidat", "petite-commune", "parti"]),
       st.integers(min_value=0, max_value=900_000))
def test_it_is_the_rules_of_a_first_gift_whatever_was_given(amount: int, mode: str,
                                                           before: int) -> None:
    """Same answer for anyone; and that answer is what the full rules say of a first gift."""
    facts = replace(FACTS, mode=mode)
    alone = evaluate_single_gift(gift(amount), facts)
    first = evaluate_gift(gift(amount), facts, History())
    assert (alone.rules, alone.status) == (first.rules, first.status)
    # Whatever the person gave before, the single-gift answer cannot move: only the full
    # rules, run when the money is booked, see it.
    history = History(donor_election_total_cents=before, donor_year_total_cents=before)
    assert evaluate_single_gift(gift(amount), facts) == alone
    if before + amount > (750_000 if mode == "parti" else 460_000):
        assert not evaluate_gift(gift(amount), facts, history).allowed
