"""The French donation rules as pure functions over plain data (docs/rules.md: MAND, DON, PARTY-1).

Each ``check_*`` function cites its article and rule id and returns a :class:`Decision`
(an empty decision means "accepted"); the checks on the donor and the collection period live
in :mod:`app.core.finance.eligibility` and are re-exported here. :func:`evaluate_gift` runs the
rules that apply to the campaign mode and combines them. Messages are French, written for the
*mandataire financier*.

Campaign modes:

* ``"candidat"`` — full L52-4 … L52-12 regime (mandataire, window, 4 600 €, cash share).
* ``"petite-commune"`` — commune < 9 000 inhabitants (MAND-4, DON-SMALL): no mandataire and no
  cap, but L52-8 still applies (DON-1 … DON-6); the window is checked only for dates given.
* ``"parti"`` — party financing (PARTY-1): 7 500 € per person and calendar year, no window.
"""

from __future__ import annotations

from app.core.finance.decision import (  # noqa: F401  (re-exported: the rules' vocabulary)
    ACCEPTED,
    ANONYMOUS_DONOR,
    CASH_METHODS,
    COMPANY_MARKERS,
    MODES,
    PAYMENT_METHODS,
    REFUSED,
    WARNING,
    CampaignFacts,
    Decision,
    Donor,
    Gift,
    History,
    Reason,
    Severity,
    Status,
    is_france,
    is_french_national,
)
from app.core.finance.eligibility import (  # noqa: F401  (re-exported: every rule in one place)
    check_eligibility,
    check_foreign,
    check_identity,
    check_legal_person,
    check_mandataire,
    check_personal_contribution,
    check_window,
    collection_window,
    company_markers,
)
from app.core.finance.money import (
    CASH_MAX,
    DONATION_CAP,
    PARTY_YEAR_CAP,
    format_cents,
)
from app.core.finance.spending_cap import CapResult, cash_ceiling, spending_cap

# --------------------------------------------------------------------------- amounts


def donor_cap(facts: CampaignFacts) -> int:
    """DON-2 4 600 € per election, or PARTY-1 7 500 € per calendar year in ``parti`` mode."""
    return PARTY_YEAR_CAP if facts.mode == "parti" else DONATION_CAP


def donor_total_for_cap(facts: CampaignFacts, history: History) -> int:
    """What the donor's cap is measured against: the election (DON-2) or, in party mode, the
    calendar year (PARTY-1)."""
    if facts.mode == "parti":
        return history.donor_year_total_cents
    return history.donor_election_total_cents


def remaining_allowance(facts: CampaignFacts, history: History) -> int:
    """Cents the donor may still give (DON-2 / PARTY-1), never negative."""
    return max(0, donor_cap(facts) - donor_total_for_cap(facts, history))


def excess_to_refund(total_before: int, amount: int, cap: int = DONATION_CAP) -> int:
    """DON-16: the part of ``amount`` above ``cap`` given ``total_before``, to refund (cents)."""
    return max(0, min(amount, total_before + amount - cap))


def check_cap(gift: Gift, facts: CampaignFacts, history: History) -> Decision:
    """DON-2 (CE L52-8 al. 1): 4 600 € per donor for the same election, every candidate, round
    and channel together, in-kind gifts included (DON-18).

    ``parti`` mode: PARTY-1 (loi 88-227 art. 11-4), 7 500 € per person and calendar year.
    """
    cap = donor_cap(facts)
    before = donor_total_for_cap(facts, history)
    after = before + gift.amount_cents
    if after <= cap:
        return Decision.accept()
    left = max(0, cap - before)
    still = (
        f"vous pouvez encore donner {format_cents(left)}."
        if left
        else "le plafond est déjà atteint, aucun nouveau don n'est possible."
    )
    if facts.mode == "parti":
        return Decision.refuse(
            "PARTY-1",
            f"Ce don de {format_cents(gift.amount_cents)} porterait le total des dons et "
            f"cotisations de l'année {gift.on.year} à {format_cents(after)}, au-delà du plafond de "
            f"{format_cents(cap)} par personne et par an (art. 11-4 de la loi n° 88-227) : {still}",
        )
    return Decision.refuse(
        "DON-2",
        f"Ce don de {format_cents(gift.amount_cents)} porterait le total de ce donateur pour "
        f"cette élection à {format_cents(after)}, au-delà du plafond de {format_cents(cap)} "
        f"(art. L52-8, al. 1, du code électoral) : {still}",
    )


def check_gift_amount(gift: Gift, facts: CampaignFacts, months: int = 1) -> Decision:
    """DON-2 (CE L52-8 al. 1) / PARTY-1 (loi 88-227 art. 11-4) about this gift alone: it may
    not pass the donor's cap by itself, nor may a monthly gift (DON-15) with its ``months``
    payments until the end of the collection window together. What anyone gave before plays
    no part: the public form decides with it, and the person's history is checked when the
    money is booked (:func:`check_cap`).
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    cap, party = donor_cap(facts), facts.mode == "parti"
    article = "art. 11-4 de la loi n° 88-227" if party else "art. L52-8, al. 1, du code électoral"
    if party and months > 1:  # PARTY-1 is per calendar year, not per plan
        return _party_monthly(gift, cap, months, article)
    total = gift.amount_cents * months
    if total <= cap:
        return Decision.accept()
    if months == 1:
        per = "par personne et par an" if party else "par donateur et par élection"
        return Decision.refuse(
            "PARTY-1" if party else "DON-2",
            f"Un don ne peut pas dépasser {format_cents(cap)} {per} ({article}) : ce don de "
            f"{format_cents(gift.amount_cents)} dépasse à lui seul ce plafond.",
        )
    return Decision.refuse(
        "PARTY-1" if party else "DON-15",
        f"Un don de {format_cents(gift.amount_cents)} par mois pendant {months} mois ferait "
        f"{format_cents(total)}, au-delà du plafond de {format_cents(cap)} ({article}) : "
        f"au plus {format_cents(cap // months)} par mois, ou un don ponctuel.",
    )


def payments_in_busiest_year(start_month: int, months: int) -> int:
    """Monthly payments falling in the calendar year that holds the most of them, for a plan
    of ``months`` payments starting in ``start_month`` (1-12)."""
    first = min(months, 13 - start_month)
    return max(first, min(months - first, 12))


def _party_monthly(gift: Gift, cap: int, months: int, article: str) -> Decision:
    """PARTY-1 for a monthly gift: 7 500 € per person and calendar year, so what counts is the
    calendar year holding the most payments, never "4 600 € par élection"."""
    payments = payments_in_busiest_year(gift.on.month, months)
    total = gift.amount_cents * payments
    if total <= cap:
        return Decision.accept()
    return Decision.refuse(
        "PARTY-1",
        f"Un don de {format_cents(gift.amount_cents)} par mois ferait {format_cents(total)} sur "
        f"une même année civile ({payments} versements), au-delà du plafond de "
        f"{format_cents(cap)} par personne et par an ({article}) : au plus "
        f"{format_cents(cap // payments)} par mois, ou un don ponctuel.",
    )


def check_cash(gift: Gift) -> Decision:
    """DON-4 (CE L52-8 al. 3): a cash gift may not exceed 150 €.

    Applies to identified cash gifts (``especes``); anonymous meeting collections (``quete``)
    are governed by the cash share only (DON-5, DON-17).
    """
    if gift.method != "especes" or gift.amount_cents <= CASH_MAX:
        return Decision.accept()
    return Decision.refuse(
        "DON-4",
        f"Don en espèces de {format_cents(gift.amount_cents)} : au-delà de "
        f"{format_cents(CASH_MAX)}, un don doit être versé par chèque, virement, prélèvement "
        "ou carte bancaire (art. L52-8, al. 3, du code électoral).",
    )


def campaign_cap(facts: CampaignFacts) -> CapResult | None:
    """The campaign's spending cap: ``spending_cap_cents`` when set, else the 1st-round cap
    computed from the election kind and population; ``None`` when it cannot be computed.
    """
    if facts.spending_cap_cents is not None:
        return CapResult(
            facts.spending_cap_cents,
            f"Plafond de dépenses saisi : {format_cents(facts.spending_cap_cents)}",
        )
    if facts.population is None:  # unknown, never "0 inhabitants" (that would be no cap)
        return None
    try:
        return spending_cap(facts.election_kind, facts.population)
    except ValueError:
        return None


def check_cash_share(gift: Gift, facts: CampaignFacts, history: History) -> Decision:
    """DON-5 (CE L52-8 al. 5) and DON-17: cash gifts and quêtes together may not exceed 20 % of
    the spending cap when that cap is >= 15 000 €; warned from 80 % of that ceiling.

    Candidate mode only (no cap in ``petite-commune`` mode, no such rule for parties). An
    unknown cap (no population recorded) is "cap unknown", never "no cap": cash and quêtes are
    refused, with the reason, until the population (or the cap) is recorded.
    """
    if gift.method not in CASH_METHODS or facts.mode != "candidat":
        return Decision.accept()
    cap = campaign_cap(facts)
    if cap is None:
        why = ("population de la circonscription non renseignée" if facts.population is None
               else "le plafond de ce type d'élection n'est pas encore calculé par Estrade")
        return Decision.refuse(
            "DON-5",
            f"Plafond de dépenses inconnu ({why}) : le plafond des espèces et quêtes (20 % du "
            "plafond de dépenses, art. L52-8, al. 5, du code électoral) ne peut pas être "
            "vérifié, donc aucun don en espèces ni quête n'est accepté tant que le plafond "
            "n'est pas connu. Renseignez la population dans le fichier de campagne "
            "(estrade campaign load).",
        )
    ceiling = cash_ceiling(cap)
    if ceiling is None:
        return Decision.accept()
    after = history.campaign_cash_total_cents + gift.amount_cents
    if after > ceiling:
        return Decision.refuse(
            "DON-5",
            f"Les espèces et quêtes atteindraient {format_cents(after)}, au-delà du maximum de "
            f"{format_cents(ceiling)} (20 % du plafond de dépenses de {format_cents(cap.cents)}, "
            f"art. L52-8, al. 5, du code électoral). Reste possible en espèces : "
            f"{format_cents(max(0, ceiling - history.campaign_cash_total_cents))}.",
        )
    if after * 100 >= ceiling * 80:
        return Decision.warn(
            "DON-5",
            f"Les espèces et quêtes atteindront {format_cents(after)}, soit "
            f"{after * 100 // ceiling} % du maximum de {format_cents(ceiling)} autorisé "
            "(20 % du plafond de dépenses, art. L52-8, al. 5) : privilégiez chèques et virements.",
        )
    return Decision.accept()


# --------------------------------------------------------------------------- all together


def evaluate_gift(gift: Gift, facts: CampaignFacts, history: History | None = None) -> Decision:
    """Run every rule that applies to ``facts.mode`` and combine the reasons.

    * candidat: MAND-1, MAND-2, DON-10, DON-3, DON-1, DON-12, DON-2, DON-4, DON-5, DON-6;
    * petite-commune (DON-SMALL): the same without MAND-1 and DON-5, window only if dates given;
    * parti: PARTY-1 instead of DON-2, no window, no DON-12, no DON-5.

    An anonymous quête (``method="quete"``) has no donor: only MAND-1, MAND-2 and DON-5 apply.
    """
    history = history or History()
    decisions = [check_mandataire(facts), check_window(gift, facts)]
    if gift.method != "quete":
        donor = gift.donor
        decisions += [
            check_identity(donor, facts),
            check_legal_person(donor),
            check_eligibility(donor, include_natural_person=False),
        ]
        if facts.mode != "parti":
            decisions.append(check_personal_contribution(donor, facts))
        decisions += [check_cap(gift, facts, history), check_cash(gift)]
    decisions.append(check_cash_share(gift, facts, history))
    if gift.method != "quete":
        decisions.append(check_foreign(gift.donor))
    return Decision.combine(*decisions)


def evaluate_single_gift(gift: Gift, facts: CampaignFacts, *, months: int = 1) -> Decision:
    """The rules about this gift alone, all a public form may decide: MAND-1, MAND-2, DON-10,
    DON-3, DON-1, DON-12 (the candidate and colistiers are public), the gift's own amount
    (DON-2 or PARTY-1; DON-15 for ``months`` monthly payments), DON-4 and DON-6.

    It takes no :class:`History` on purpose: its answer is the same whoever gave what before,
    so the form tells nobody anything about anyone's giving. The person's total across every
    site and channel is checked when the money is booked (:func:`evaluate_gift`; an online
    payment over the cap is kept and its excess flagged for refund, DON-16).
    """
    decisions = [check_mandataire(facts), check_window(gift, facts)]
    if gift.method != "quete":
        donor = gift.donor
        decisions += [
            check_identity(donor, facts),
            check_legal_person(donor),
            check_eligibility(donor, include_natural_person=False),
        ]
        if facts.mode != "parti":
            decisions.append(check_personal_contribution(donor, facts))
        decisions += [check_gift_amount(gift, facts, months), check_cash(gift),
                      check_foreign(donor)]
    return Decision.combine(*decisions)
