"""Small situations that trigger each rule the core checks, for the rulebook and its docs.

Every function builds plain facts, a gift and a history, and calls the real rule
(:mod:`app.core.finance.rules`, :mod:`app.core.finance.spending_cap`,
:mod:`app.core.finance.legal_text`): the French messages ``docs/rules.md`` shows are the ones
the code produces, never a copy. Pure and deterministic (fixed dates, no clock).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.core.finance.decision import CampaignFacts, Decision, Donor, Gift, History
from app.core.finance.eligibility import (
    check_eligibility,
    check_foreign,
    check_identity,
    check_legal_person,
    check_mandataire,
    check_personal_contribution,
    check_window,
)
from app.core.finance.legal_text import MandateFacts, legal_mentions
from app.core.finance.money import format_cents
from app.core.finance.rules import (
    check_cap,
    check_cash,
    check_cash_share,
    check_gift_amount,
)
from app.core.finance.spending_cap import reimbursement_ceiling, spending_cap

#: Municipales of 15 March 2026 in a town of 45 851 inhabitants (cap 59 992,52 €).
ROUND1 = date(2026, 3, 15)
FACTS = CampaignFacts(
    mode="candidat",
    election_kind="municipales",
    population=45_851,
    round1=ROUND1,
    mandataire_declared=True,
    candidate_name="Marie Dupont",
)
DONOR = Donor(
    civilite="M.",
    nom="Martin",
    prenom="Jean",
    adresse="12 rue de la Paix",
    code_postal="75002",
    commune="Paris",
    pays="France",
    nationalite="française",
    attests_eligibility=True,
)
ON = date(2026, 1, 10)


def euros(amount: int) -> int:
    """Whole euros in cents."""
    return amount * 100


# --------------------------------------------------------------------------- MAND


def no_mandataire() -> Decision:
    return check_mandataire(replace(FACTS, mandataire_declared=False))


def before_declaration() -> Decision:
    facts = replace(FACTS, mandataire_declared_on=date(2025, 10, 1))
    return check_window(Gift(euros(50), date(2025, 9, 20), "cheque", DONOR), facts)


def before_window() -> Decision:
    return check_window(Gift(euros(50), date(2025, 8, 20), "cheque", DONOR), FACTS)


def after_filing() -> Decision:
    facts = replace(FACTS, filing_date=date(2026, 5, 22))
    return check_window(Gift(euros(50), date(2026, 6, 1), "cheque", DONOR), facts)


def small_commune_cap() -> str:
    return spending_cap("municipales", 5_000).formula


# --------------------------------------------------------------------------- DON


def foreign_non_resident() -> Decision:
    donor = replace(DONOR, nationalite="belge", pays="Belgique", commune="Bruxelles",
                    code_postal="1000")
    return check_eligibility(donor)


def no_attestation() -> Decision:
    return check_eligibility(replace(DONOR, attests_eligibility=False))


def over_donor_cap() -> Decision:
    history = History(donor_election_total_cents=euros(4_000))
    return check_cap(Gift(euros(1_000), ON, "virement", DONOR), FACTS, history)


def online_gift_over_cap() -> Decision:
    return check_gift_amount(Gift(euros(5_000), ON, "carte", DONOR), FACTS)


def monthly_over_cap() -> Decision:
    return check_gift_amount(Gift(euros(800), ON, "carte", DONOR), FACTS, months=6)


def legal_person() -> Decision:
    return check_legal_person(replace(DONOR, nom="Boulangerie Martin", prenom="",
                                      natural_person=False))


def company_like_name() -> Decision:
    return check_legal_person(replace(DONOR, nom="Martin SARL"))


def cash_over_150() -> Decision:
    return check_cash(Gift(euros(200), ON, "especes", DONOR))


def cash_share_exceeded() -> Decision:
    history = History(campaign_cash_total_cents=euros(11_500))
    return check_cash_share(Gift(euros(600), ON, "especes", DONOR), FACTS, history)


def cash_share_near() -> Decision:
    history = History(campaign_cash_total_cents=euros(9_500))
    return check_cash_share(Gift(euros(150), ON, "quete"), FACTS, history)


def foreign_card() -> Decision:
    return check_foreign(replace(DONOR, nationalite="belge", card_country="BE"))


def mandate_text() -> str:
    facts = MandateFacts(
        candidate_name="Marie Dupont",
        list_name="Ensemble pour Saint-Aubin",
        election_label="municipale de Saint-Aubin",
        round1=ROUND1,
        round2=date(2026, 3, 22),
        mandataire_type="MF",
        mandataire_name="Paul Bernard",
        mandataire_declared_on=date(2025, 9, 2),
        prefecture=None,
    )
    return legal_mentions(facts).intro


def incomplete_identity() -> Decision:
    return check_identity(replace(DONOR, adresse="", nationalite=""), FACTS)


def odd_postcode() -> Decision:
    return check_identity(replace(DONOR, code_postal="7500"), FACTS)


def candidate_gives() -> Decision:
    return check_personal_contribution(replace(DONOR, nom="DUPONT", prenom="Marie"), FACTS)


# --------------------------------------------------------------------------- caps, parties


def municipal_cap() -> str:
    return spending_cap("municipales", 45_851).formula


def deputies_cap() -> str:
    return spending_cap("legislatives", 125_000).formula


def reimbursement() -> str:
    cap = spending_cap("municipales", 45_851)
    return (f"Plafond de {format_cents(cap.cents)} : remboursement forfaitaire maximal de "
            f"{format_cents(reimbursement_ceiling(cap))} (47,5 %).")


def over_party_cap() -> Decision:
    facts = replace(FACTS, mode="parti")
    history = History(donor_year_total_cents=euros(7_000))
    return check_cap(Gift(euros(1_000), ON, "cheque", DONOR), facts, history)


# -- bookings besides gifts (app.core.finance.bookkeeping) -------------------------------------

_DECLARED = date(2026, 10, 5)


def expense_over_cap() -> Decision:
    from app.core.finance.bookkeeping import Expense, evaluate_expense

    return evaluate_expense(Expense(euros(2_000), date(2026, 11, 10), "impression", "Imprimerie",
                                    "mandataire"), mandataire_declared_on=_DECLARED,
                            expenses_before_cents=euros(17_000), cap_cents=euros(18_517))


def expense_by_candidate() -> Decision:
    from app.core.finance.bookkeeping import Expense, evaluate_expense

    return evaluate_expense(Expense(euros(50), date(2026, 11, 10), "reception", "Café du Port",
                                    "candidat"), mandataire_declared_on=_DECLARED,
                            expenses_before_cents=0, cap_cents=euros(18_517))


def petty_near() -> Decision:
    from app.core.finance.bookkeeping import Expense, evaluate_expense

    return evaluate_expense(Expense(euros(450), date(2026, 11, 12), "impression", "Imprimerie",
                                    "candidat"), mandataire_declared_on=_DECLARED,
                            expenses_before_cents=euros(4_750), cap_cents=euros(18_517),
                            direct_before_cents=0)


def _loan(months: int, lender_kind: str = "personne", kind: str = "municipales") -> Decision:
    from app.core.finance.bookkeeping import Loan, evaluate_loan

    start = date(2026, 11, 1)
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1)
    return evaluate_loan(Loan(euros(2_000), start, lender_kind, "Paul Morel", 0, False,
                              ((end, euros(2_000)),)), election_kind=kind,
                         cap_cents=euros(18_517), person_loans_cents=0)


def loan_over_18_months() -> Decision:
    return _loan(24)


def loan_over_5_years() -> Decision:
    from app.core.finance.bookkeeping import Loan, evaluate_loan

    return evaluate_loan(Loan(euros(2_000), date(2026, 11, 1), "personne", "Paul Morel", 500,
                              True, ((date(2032, 11, 1), euros(2_000)),)),
                         election_kind="municipales", cap_cents=euros(18_517),
                         person_loans_cents=0)


def presidential_loan() -> Decision:
    return _loan(12, kind="presidentielle")
