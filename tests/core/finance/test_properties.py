"""Property tests: whatever the sequence of gifts, the legal ceilings hold (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.finance.money import DONATION_CAP, PARTY_YEAR_CAP
from app.core.finance.rules import (
    PAYMENT_METHODS,
    CampaignFacts,
    Donor,
    Gift,
    History,
    donor_cap,
    evaluate_gift,
    excess_to_refund,
    remaining_allowance,
)
from app.core.finance.spending_cap import cash_ceiling, spending_cap

DONOR = Donor(
    civilite="Mme",
    nom="Durand",
    prenom="Alice",
    adresse="3 rue des Lilas",
    code_postal="35000",
    commune="Rennes",
    pays="France",
    nationalite="française",
    attests_eligibility=True,
    card_country="FR",
)
PROPERTY_SETTINGS = settings(database=None, deadline=None, max_examples=150)

# An amount is either drawn at random, or "what the donor may still give" + delta (-1, 0, +1),
# so that the exact boundaries are exercised too.
gifts = st.lists(
    st.tuples(
        st.one_of(
            st.integers(min_value=1, max_value=700_000),
            st.sampled_from([-1, 0, 1]).map(lambda delta: ("rest", delta)),
        ),
        st.sampled_from(PAYMENT_METHODS),
        st.integers(min_value=-60, max_value=400),  # days after 1 September 2025
    ),
    max_size=30,
)


def facts_for(mode: str) -> CampaignFacts:
    return CampaignFacts(
        mode=mode,
        election_kind="municipales",
        population=45_851 if mode != "petite-commune" else 4_000,
        round1=date(2026, 3, 15),
        filing_date=date(2026, 5, 22),
        mandataire_declared=True,
        candidate_name="Marie Dupont",
    )


@PROPERTY_SETTINGS
@given(gifts, st.sampled_from(["candidat", "petite-commune", "parti"]))
def test_running_totals_never_exceed_the_caps(
    sequence: list[tuple[int | tuple[str, int], str, int]], mode: str
) -> None:
    facts = facts_for(mode)
    cap = donor_cap(facts)
    ceiling = cash_ceiling(spending_cap("municipales", facts.population))
    history = History()
    for drawn, method, offset in sequence:
        if isinstance(drawn, tuple):
            amount = max(1, remaining_allowance(facts, history) + drawn[1])
        else:
            amount = drawn
        gift = Gift(amount, date(2025, 9, 1) + timedelta(days=offset), method, DONOR)
        if method == "quete":
            gift = Gift(amount, gift.on, method)
        decision = evaluate_gift(gift, facts, history)
        assert decision.status in {"accepted", "warning", "refused"}
        if not decision.allowed:
            continue
        if method != "quete":
            history = History(
                donor_election_total_cents=history.donor_election_total_cents + amount,
                donor_year_total_cents=history.donor_year_total_cents + amount,
                campaign_cash_total_cents=history.campaign_cash_total_cents,
            )
        if method in {"especes", "quete"}:
            history = History(
                history.donor_election_total_cents,
                history.donor_year_total_cents,
                history.campaign_cash_total_cents + amount,
            )
        assert history.donor_election_total_cents <= DONATION_CAP or mode == "parti"
        assert history.donor_year_total_cents <= PARTY_YEAR_CAP
        total = (
            history.donor_year_total_cents if mode == "parti"
            else history.donor_election_total_cents
        )  # fmt: skip
        assert total <= cap
        if mode == "candidat" and ceiling is not None:
            assert history.campaign_cash_total_cents <= ceiling


@PROPERTY_SETTINGS
@given(st.integers(min_value=0, max_value=2 * PARTY_YEAR_CAP), st.booleans())
def test_remaining_allowance_complements_the_total(total: int, party: bool) -> None:
    facts = facts_for("parti" if party else "candidat")
    cap = donor_cap(facts)
    history = History(donor_election_total_cents=total, donor_year_total_cents=total)
    remaining = remaining_allowance(facts, history)
    if total <= cap:
        assert remaining + total == cap
    else:
        assert remaining == 0
    # Giving exactly what remains is accepted; one cent more is refused.
    if remaining:
        gift = Gift(remaining, date(2026, 1, 5), "virement", DONOR)
        assert evaluate_gift(gift, facts, history).allowed
    too_much = Gift(remaining + 1, date(2026, 1, 5), "virement", DONOR)
    assert not evaluate_gift(too_much, facts, history).allowed


@PROPERTY_SETTINGS
@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=10**7))
def test_excess_to_refund_brings_the_total_back_to_the_cap(before: int, amount: int) -> None:
    excess = excess_to_refund(before, amount)
    assert 0 <= excess <= amount
    kept = before + amount - excess
    assert kept <= max(DONATION_CAP, before)
    if before + amount <= DONATION_CAP:
        assert excess == 0
    elif before <= DONATION_CAP:
        assert kept == DONATION_CAP
