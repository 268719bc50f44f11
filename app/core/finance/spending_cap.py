"""Spending caps (plafond des dépenses), CE L52-11 — CAP-1, CAP-2, RMB-1, docs/rules.md.

Everything is data: per-inhabitant rates are integers in **cents per inhabitant** (hundredths of
euros), fixed amounts in cents, coefficients as ``Decimal`` strings. The base is computed exactly
in cents (integers), multiplied by the coefficient and rounded ``ROUND_HALF_UP`` to the cent,
which reproduces every worked example of tests/core/finance/test_spending_cap.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.core.finance import vocabulary
from app.core.finance.money import (
    CASH_SHARE_THRESHOLD_CAP,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    apply_rate,
    format_cents,
    format_int,
)

__all__ = [
    "CASH_SHARE",
    "COEFFICIENTS",
    "ELECTION_KINDS",
    "FIXED_AMOUNTS",
    "MUNICIPAL_MIN_POPULATION",
    "REIMBURSEMENT_SHARE",
    "SLICE_RATES",
    "CapResult",
    "cash_ceiling",
    "reimbursement_ceiling",
    "spending_cap",
]

#: Every election kind (a municipal partial election uses the municipal tables).
ELECTION_KINDS: tuple[str, ...] = tuple(vocabulary.ELECTION_KINDS)

#: MAND-4 (CE L52-4 last al.): no cap, no mandataire, below 9 000 inhabitants.
MUNICIPAL_MIN_POPULATION = 9_000

# Upper bound of each population slice (None = no upper bound), CE L52-11 table.
_SLICE_BOUNDS: tuple[int | None, ...] = (15_000, 30_000, 60_000, 100_000, 150_000, 250_000, None)

#: CAP-1 / §C.1: cents per inhabitant for each slice of _SLICE_BOUNDS. "–" in the table = 0.
SLICE_RATES: dict[str, tuple[int, ...]] = {
    "municipales-1": (122, 107, 91, 84, 76, 69, 53),
    "municipales-2": (168, 152, 122, 114, 107, 84, 76),
    "departementales": (64, 53, 43, 30, 0, 0, 0),
    "regionales": (53, 53, 53, 53, 38, 30, 23),
}

#: CAP-2: coefficient applied to the L52-11 amounts (décret 2009-1730: 1.23; députés, décret
#: 2008-1300: 1.26; européennes: none found ⚠; sénatoriales: 1.23, unconfirmed ⚠).
COEFFICIENTS: dict[str, Decimal] = {
    "municipales": Decimal("1.23"),
    "partielle": Decimal("1.23"),
    "departementales": Decimal("1.23"),
    "regionales": Decimal("1.23"),
    "presidentielle": Decimal("1.23"),
    "senatoriales": Decimal("1.23"),
    "legislatives": Decimal("1.26"),
    "europeennes": Decimal("1"),
}

#: Fixed parts in cents (§C.2).
FIXED_AMOUNTS: dict[str, int] = {
    "legislatives": 3_800_000,  # 38 000 € + 0.15 €/inhabitant (L52-11 al. 3)
    "presidentielle-1": 1_370_000_000,  # 13 700 000 € (loi 62-1292 art. 3 II)
    "presidentielle-2": 1_830_000_000,  # 18 300 000 €
    "europeennes": 920_000_000,  # 9 200 000 € per list (loi 77-729 art. 19-1)
    "senatoriales": 1_000_000,  # 10 000 € (L308-1)
}

#: Cents per inhabitant added to the fixed part.
PER_INHABITANT: dict[str, int] = {
    "legislatives": 15,
    "senatoriales-majoritaire": 5,  # départements electing <= 2 senators
    "senatoriales-proportionnel": 2,  # départements electing >= 3 senators
}

#: DON-5 (CE L52-8 al. 5): cash <= 20 % of the cap.
CASH_SHARE = Decimal("0.20")
#: RMB-1 (CE L52-11-1): State flat-rate reimbursement <= 47.5 % of the cap.
REIMBURSEMENT_SHARE = Decimal("0.475")

_LABELS = {
    "municipales": "municipales",
    "partielle": "municipale partielle",
    "legislatives": "législatives",
    "departementales": "départementales",
    "regionales": "régionales",
    "europeennes": "européennes",
    "presidentielle": "présidentielle",
    "senatoriales": "sénatoriales",
}


@dataclass(frozen=True)
class CapResult:
    """A spending cap in cents, the French formula that produced it, and whether a cap applies."""

    cents: int
    formula: str
    applies: bool = True


def _rate(cents_per_inhabitant: int) -> str:
    return format_cents(cents_per_inhabitant)


def _coefficient_text(coefficient: Decimal) -> str:
    return str(coefficient.normalize()).replace(".", ",")


def _slices(population: int, rates: tuple[int, ...]) -> tuple[int, list[str]]:
    """Exact base in cents and the French description of each slice."""
    base = 0
    parts: list[str] = []
    lower = 0
    for bound, rate in zip(_SLICE_BOUNDS, rates, strict=True):
        upper = population if bound is None else min(population, bound)
        count = upper - lower
        if count <= 0:
            break
        base += count * rate
        if rate:
            parts.append(f"{format_int(count)} hab. × {_rate(rate)}")
        else:
            parts.append(f"{format_int(count)} hab. × 0 (pas de taux au-delà dans la loi)")
        lower = upper
    return base, parts


def _finish(base: int, coefficient: Decimal, description: str, label: str) -> CapResult:
    cents = apply_rate(base, coefficient, ROUND_HALF_UP)
    if coefficient == 1:
        formula = f"Plafond {label} : {description} = {format_cents(cents)}"
    else:
        base_text = "" if description == format_cents(base) else f" = {format_cents(base)}"
        formula = (
            f"Plafond {label} : {description}{base_text} ; "
            f"× {_coefficient_text(coefficient)} (coefficient de majoration) "
            f"= {format_cents(cents)}"
        )
    return CapResult(cents=cents, formula=formula, applies=True)


def spending_cap(
    kind: str,
    population: int,
    round: int = 1,
    senators: int | None = None,
    *,
    coefficient: Decimal | str | None = None,
) -> CapResult:
    """Spending cap of a candidate / list (CAP-1, CAP-2; CE L52-11, L308-1, loi 62-1292, 77-729).

    ``population`` is the official population of the circonscription (ignored for présidentielle
    and européennes). ``round`` matters for municipales/partielle (lists present at the 2nd round
    have a higher cap) and présidentielle. ``senators`` (number of seats of the département) is
    required for sénatoriales. ``coefficient`` overrides the CAP-2 coefficient (admin setting).
    Municipal elections below 9 000 inhabitants have no cap (``applies=False``, MAND-4).
    """
    if kind not in ELECTION_KINDS:
        raise ValueError(
            f"Type d'élection inconnu « {kind} » : attendu l'un de {', '.join(ELECTION_KINDS)}."
        )
    if isinstance(population, bool) or not isinstance(population, int) or population < 0:
        raise ValueError("La population doit être un nombre entier d'habitants, positif ou nul.")
    if round not in (1, 2):
        raise ValueError("Le tour de scrutin doit être 1 ou 2.")
    coef = COEFFICIENTS[kind] if coefficient is None else Decimal(coefficient)
    label = _LABELS[kind]

    if kind in ("municipales", "partielle"):
        if population < MUNICIPAL_MIN_POPULATION:
            return CapResult(
                cents=0,
                formula=(
                    f"Pas de plafond de dépenses : commune de {format_int(population)} habitants, "
                    f"moins de {format_int(MUNICIPAL_MIN_POPULATION)} (art. L52-4, dernier alinéa)."
                ),
                applies=False,
            )
        base, parts = _slices(population, SLICE_RATES[f"municipales-{round}"])
        tour = "listes présentes au 1er tour" if round == 1 else "listes présentes au 2nd tour"
        return _finish(base, coef, " + ".join(parts), f"{label} ({tour})")
    if kind in ("departementales", "regionales"):
        base, parts = _slices(population, SLICE_RATES[kind])
        return _finish(base, coef, " + ".join(parts) or "0 habitant", label)
    if kind == "legislatives":
        fixed, rate = FIXED_AMOUNTS[kind], PER_INHABITANT[kind]
        base = fixed + rate * population
        description = f"{format_cents(fixed)} + {format_int(population)} hab. × {_rate(rate)}"
        return _finish(base, coef, description, label)
    if kind == "senatoriales":
        if senators is None or senators < 1:
            raise ValueError(
                "Sénatoriales : indiquez le nombre de sénateurs élus dans le département."
            )
        key = "senatoriales-majoritaire" if senators <= 2 else "senatoriales-proportionnel"
        fixed, rate = FIXED_AMOUNTS[kind], PER_INHABITANT[key]
        base = fixed + rate * population
        description = f"{format_cents(fixed)} + {format_int(population)} hab. × {_rate(rate)}"
        return _finish(base, coef, description, f"{label} ({senators} siège(s))")
    if kind == "presidentielle":
        base = FIXED_AMOUNTS[f"presidentielle-{round}"]
        tour = "candidats du 1er tour" if round == 1 else "candidats présents au 2nd tour"
        return _finish(base, coef, format_cents(base), f"{label} ({tour})")
    # européennes
    base = FIXED_AMOUNTS["europeennes"]
    return _finish(base, coef, f"{format_cents(base)} par liste", label)


def cash_ceiling(cap: CapResult) -> int | None:
    """DON-5 (CE L52-8 al. 5): max total of cash gifts (incl. quêtes, DON-17), in cents.

    20 % of the cap when the cap is >= 15 000 €, else ``None`` (no cash-share limit).
    Rounded down: a whole-cent total must never exceed the legal limit.
    """
    if not cap.applies or cap.cents < CASH_SHARE_THRESHOLD_CAP:
        return None
    return apply_rate(cap.cents, CASH_SHARE, ROUND_FLOOR)


def reimbursement_ceiling(cap: CapResult) -> int:
    """RMB-1 (CE L52-11-1): maximum State flat-rate reimbursement, 47.5 % of the cap, in cents.

    Rounded down (never promise more than the law allows); 0 when no cap applies.
    """
    if not cap.applies:
        return 0
    return apply_rate(cap.cents, REIMBURSEMENT_SHARE, ROUND_FLOOR)
