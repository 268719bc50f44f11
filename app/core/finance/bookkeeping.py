"""Rules for what the treasurer books besides gifts: expenses (MAND-3, CAP-3), loans
(LOAN-1, LOAN-2, LOAN-3, DON-3, DON-7) and contributions (DON-12, DON-3).

Pure: plain data in, a :class:`~app.core.finance.decision.Decision` out, each reason naming
its rule with a French message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.finance.decision import Decision
from app.core.finance.money import format_cents
from app.core.finance.vocabulary import EXPENSE_NATURES, LENDERS, PAYERS

#: CAP-3: the spending meter warns at these shares of the cap (per cent).
CAP_WARN_AT = (80, 95)
#: MAND-3: the CNCCFP tolerates « menues dépenses » paid directly by the candidate after the
#: mandataire's declaration only below 10 % of the expenses and 3 % of the cap (per cent);
#: a warning comes from 80 % of either limit (the account's totals are not final yet).
PETTY_EXPENSES_SHARE = 10
PETTY_CAP_SHARE = 3
PETTY_WARN_FROM = 80
#: LOAN-1 (CE L52-7-1): a loan from a natural person lasts five years at most.
LOAN_MAX_MONTHS = 60
#: LOAN-2 (CE R39-2-1): at most 18 months when the rate is at or below the legal rate.
LOW_RATE_MAX_MONTHS = 18


@dataclass(frozen=True)
class Expense:
    amount_cents: int
    on: date
    nature: str  # EXPENSE_NATURES
    supplier: str
    paid_by: str  # PAYERS


def months_between(start: date, end: date) -> int:
    """Months from ``start`` to ``end``, a started month counting whole."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day > start.day else 0)


def paid_directly(expense: Expense, mandataire_declared_on: date | None) -> bool:
    """MAND-3: paid by the candidate after the mandataire's declaration (a « menue dépense »
    at best: from then on the mandataire pays everything a party does not)."""
    return (expense.paid_by == "candidat" and mandataire_declared_on is not None
            and expense.on >= mandataire_declared_on)


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def petty_expenses(direct_cents: int, expenses_cents: int, cap_cents: int | None
                   ) -> str | None:
    """MAND-3: expenses paid directly (``direct_cents``) against the CNCCFP's tolerance
    (under 10 % of the expenses ``expenses_cents`` and under 3 % of the cap): a warning's
    text from 80 % of either limit, a stronger one beyond it; None below."""
    if direct_cents <= 0:
        return None
    of_expenses = direct_cents * 100 / expenses_cents if expenses_cents else 100.0
    of_cap = direct_cents * 100 / cap_cents if cap_cents else None
    figures = (f"{format_cents(direct_cents)} payés directement par le candidat, soit "
               f"{_percent(of_expenses)} % des dépenses"
               + (f" et {_percent(of_cap)} % du plafond" if of_cap is not None else "")
               + " à ce jour")
    over = of_expenses >= PETTY_EXPENSES_SHARE or (
        of_cap is not None and of_cap >= PETTY_CAP_SHARE)
    if over:
        return (f"{figures} : au-delà de la tolérance de la CNCCFP pour les menues dépenses "
                f"(moins de {PETTY_EXPENSES_SHARE} % des dépenses et de {PETTY_CAP_SHARE} % du "
                "plafond), le compte peut être rejeté (CE L52-4 al. 3, L52-15). Faites régler "
                "les dépenses suivantes par le mandataire.")
    near = of_expenses >= PETTY_EXPENSES_SHARE * PETTY_WARN_FROM / 100 or (
        of_cap is not None and of_cap >= PETTY_CAP_SHARE * PETTY_WARN_FROM / 100)
    if near:
        return (f"{figures} : proche de la tolérance de la CNCCFP pour les menues dépenses "
                f"(moins de {PETTY_EXPENSES_SHARE} % des dépenses et de {PETTY_CAP_SHARE} % du "
                "plafond).")
    return None


def evaluate_expense(expense: Expense, *, mandataire_declared_on: date | None,
                     expenses_before_cents: int, cap_cents: int | None,
                     override_reason: str = "", direct_before_cents: int = 0) -> Decision:
    """An expense of the campaign: its nature, supplier and payer (MAND-3, with the ratios of
    the « menues dépenses » paid directly, ``direct_before_cents`` so far), and the spending
    cap (CAP-3: warn at 80 % and 95 %, refuse beyond 100 % without an override and a
    reason)."""
    reasons: list[Decision] = []
    if expense.amount_cents <= 0:
        return Decision.refuse("ACC-1", "Le montant d'une dépense doit être positif.")
    if expense.nature not in EXPENSE_NATURES:
        reasons.append(Decision.refuse("ACC-1", f"Nature de dépense inconnue « {expense.nature} »"
                                       " : choisissez une rubrique du compte de campagne."))
    if not expense.supplier.strip():
        reasons.append(Decision.refuse("ACC-1", "Indiquez le fournisseur de la dépense."))
    if expense.paid_by not in PAYERS:
        reasons.append(Decision.refuse("MAND-3", f"Payeur inconnu « {expense.paid_by} »."))
    elif paid_directly(expense, mandataire_declared_on):
        assert mandataire_declared_on is not None
        reasons.append(Decision.warn(
            "MAND-3", "Dépense payée par le candidat après la déclaration du mandataire "
            f"({mandataire_declared_on:%d/%m/%Y}) : c'est au mandataire de régler les dépenses "
            "(CE L52-4 al. 3) ; la CNCCFP ne tolère que de menues dépenses (moins de 10 % des "
            "dépenses et de 3 % du plafond)."))
        ratios = petty_expenses(direct_before_cents + expense.amount_cents,
                                expenses_before_cents + expense.amount_cents, cap_cents)
        if ratios is not None:
            reasons.append(Decision.warn("MAND-3", ratios))
    if cap_cents:
        after = expenses_before_cents + expense.amount_cents
        share = after * 100 // cap_cents
        if after > cap_cents:
            message = (f"Dépenses portées à {format_cents(after)}, au-delà du plafond de "
                       f"{format_cents(cap_cents)} ({share} %) : le compte serait rejeté et le "
                       "candidat exposé à l'inéligibilité (CE L52-11, L52-15, L113-1).")
            if override_reason.strip():
                reasons.append(Decision.warn("CAP-3", message + " Enregistré sur décision "
                                             f"motivée : {override_reason.strip()}"))
            else:
                reasons.append(Decision.refuse("CAP-3", message + " Pour l'enregistrer quand "
                                               "même, donnez le motif de ce dépassement."))
        elif share >= CAP_WARN_AT[0]:
            reasons.append(Decision.warn("CAP-3", f"Dépenses à {share} % du plafond "
                                         f"({format_cents(after)} sur {format_cents(cap_cents)})"
                                         "."))
    return Decision.combine(*reasons)


@dataclass(frozen=True)
class Loan:
    amount_cents: int
    on: date
    lender_kind: str  # LENDERS
    lender: str
    rate_bp: int  # yearly rate in basis points (1 % = 100)
    above_legal_rate: bool
    schedule: tuple[tuple[date, int], ...]  # repayments of the principal: (date, cents)


def evaluate_loan(loan: Loan, *, election_kind: str, cap_cents: int | None,
                  person_loans_cents: int) -> Decision:
    """A loan to the campaign. ``person_loans_cents``: what is owed to natural persons
    already (LOAN-2's 47.5 % of the cap)."""
    if loan.lender_kind not in LENDERS:
        return Decision.refuse("DON-3", "Seuls une personne physique, un parti ou un "
                               "établissement de crédit de l'UE ou de l'EEE peuvent prêter à "
                               "un candidat (CE L52-8 al. 2).")
    if loan.amount_cents <= 0:
        return Decision.refuse("LOAN-1", "Le montant d'un prêt doit être positif.")
    person = loan.lender_kind == "personne"
    if person and election_kind == "presidentielle":
        return Decision.refuse("LOAN-3", "Présidentielle : les prêts de personnes physiques "
                               "sont interdits (CE, 9 mars 2022, n° 460212).")
    reasons: list[Decision] = []
    if not loan.lender.strip():
        reasons.append(Decision.refuse("LOAN-1", "Indiquez le prêteur."))
    if loan.rate_bp < 0:
        reasons.append(Decision.refuse("LOAN-1", "Un taux d'intérêt ne peut être négatif."))
    if not loan.schedule:
        reasons.append(Decision.refuse("LOAN-1", "Donnez l'échéancier du remboursement "
                                       "(date et montant de chaque échéance)."))
        return Decision.combine(*reasons)
    total = sum(amount for _, amount in loan.schedule)
    if total != loan.amount_cents or any(amount <= 0 for _, amount in loan.schedule):
        reasons.append(Decision.refuse(
            "LOAN-1", f"L'échéancier rembourse {format_cents(total)} pour un prêt de "
            f"{format_cents(loan.amount_cents)} : le capital doit être remboursé en entier, "
            "en échéances positives."))
    last = max(day for day, _ in loan.schedule)
    if min(day for day, _ in loan.schedule) <= loan.on:
        reasons.append(Decision.refuse("LOAN-1", "Chaque échéance doit suivre la date du prêt."))
    months = months_between(loan.on, last)
    if person and months > LOAN_MAX_MONTHS:
        reasons.append(Decision.refuse("LOAN-1", f"Prêt d'une personne physique sur {months} "
                                       "mois : cinq ans au plus (CE L52-7-1)."))
    if person and not loan.above_legal_rate:
        if months > LOW_RATE_MAX_MONTHS:
            reasons.append(Decision.refuse(
                "LOAN-2", f"Prêt à un taux au plus égal au taux légal sur {months} mois : "
                "18 mois au plus (CE R39-2-1)."))
        if cap_cents is None:
            reasons.append(Decision.warn("LOAN-2", "Plafond des dépenses inconnu : le total dû "
                                         "aux personnes physiques (47,5 % du plafond) n'est "
                                         "pas vérifié."))
        else:
            ceiling = cap_cents * 475 // 1000
            owed = person_loans_cents + loan.amount_cents
            if owed > ceiling:
                reasons.append(Decision.refuse(
                    "LOAN-2", f"Prêts de personnes physiques portés à {format_cents(owed)}, "
                    f"au-delà de 47,5 % du plafond ({format_cents(ceiling)}, CE R39-2-1)."))
    if loan.lender_kind == "parti" and loan.rate_bp > 0:
        reasons.append(Decision.warn("DON-7", "Prêt avec intérêts d'un parti : possible "
                                     "seulement si le parti a lui-même emprunté à cette fin, "
                                     "dans la limite de ses intérêts (CE L52-8 al. 4) ; "
                                     "gardez-en la justification."))
    return Decision.combine(*reasons)


def evaluate_contribution(kind: str, amount_cents: int, contributor: str) -> Decision:
    """Apport personnel (DON-12: never a gift, no receipt) or a party's contribution (DON-3:
    the only legal person that may finance a campaign)."""
    if amount_cents <= 0:
        return Decision.refuse("ACC-1", "Le montant d'un apport doit être positif.")
    if kind == "party_contribution" and not contributor.strip():
        return Decision.refuse("DON-3", "Indiquez le parti ou groupement politique qui verse "
                               "cette contribution : aucune autre personne morale ne peut "
                               "financer une campagne (CE L52-8 al. 2).")
    if kind == "party_contribution":
        return Decision.warn("DON-3", "Vérifiez que ce parti figure sur la liste des partis en "
                             "règle publiée par la CNCCFP.")
    return Decision.accept()
