"""Money as integer cents: parsing French amounts, formatting, legal constants.

Conventions
-----------
* Every amount is an ``int`` number of **cents** (centimes d'euro). Floats are refused everywhere.
* ``int`` input to :func:`parse_amount` is taken as cents; strings are taken as euros.
* :func:`format_cents` writes ``1 234,56 €``: thousands are separated by U+202F (narrow
  no-break space, the French typographic norm) and the euro sign is preceded by U+00A0
  (no-break space). :func:`parse_amount` accepts any kind of space, so the round trip holds.
* Percentages of amounts go through :func:`apply_rate`, a ``Decimal`` computation with explicit
  rounding (``ROUND_HALF_UP`` by default, ``ROUND_FLOOR`` for legal ceilings).
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

__all__ = [
    "CASH_MAX",
    "CASH_SHARE_THRESHOLD_CAP",
    "DONATION_CAP",
    "EURO_SIGN_SPACE",
    "PARTY_YEAR_CAP",
    "ROUND_FLOOR",
    "ROUND_HALF_UP",
    "THOUSANDS_SEP",
    "MoneyError",
    "MoneyTypeError",
    "apply_rate",
    "format_cents",
    "format_int",
    "parse_amount",
]

#: DON-2 (CE L52-8 al. 1): 4 600 € per donor and per election.
DONATION_CAP = 460_000
#: DON-4 (CE L52-8 al. 3): a cash gift may not exceed 150 €.
CASH_MAX = 15_000
#: PARTY-1 (loi 88-227 art. 11-4): 7 500 € per person and calendar year to parties.
PARTY_YEAR_CAP = 750_000
#: DON-5 (CE L52-8 al. 5): the 20 % cash rule applies when the spending cap is >= 15 000 €.
CASH_SHARE_THRESHOLD_CAP = 1_500_000

#: Thousands separator written by format_cents (U+202F NARROW NO-BREAK SPACE).
THOUSANDS_SEP = "\u202f"
#: Space written before the euro sign (U+00A0 NO-BREAK SPACE).
EURO_SIGN_SPACE = "\u00a0"

# Every space-like character a user (or a spreadsheet) may put inside an amount.
_SPACES = " \u00a0\u202f\u2009\u2007\u2008\u200a\t"
_CURRENCY = re.compile(r"(?:€|eur(?:os?)?)", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[ .]\d{3})+")


class MoneyError(ValueError):
    """An amount that cannot be accepted; ``str()`` is a French message for the user."""


class MoneyTypeError(MoneyError, TypeError):
    """A value of the wrong type (float, bool, ...), e.g. ``parse_amount(12.5)``."""


def _invalid(raw: str, why: str) -> MoneyError:
    return MoneyError(f"Montant invalide « {raw} » : {why}")


def parse_amount(value: str | int, *, allow_zero: bool = False) -> int:
    """Return the amount in cents.

    ``int`` input is already cents (``parse_amount(15000) == 15000``). Strings are euros in
    French or plain notation: ``"1 234,56 €"``, ``"1234,56"``, ``"150.00"``, ``"4 600"``,
    ``"4\u202f600,00 €"``, ``"4.600,00"``. Refused with a French :class:`MoneyError`: floats
    (and other types), negatives, zero (unless ``allow_zero``), more than two decimals,
    ambiguous or malformed text.
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise MoneyTypeError(
            f"Montant invalide ({type(value).__name__}) : utilisez un texte ou des centimes "
            "(« 150,00 € » ou l'entier 15000)."
        )
    if isinstance(value, int):
        cents = value
        raw = str(value)
    else:
        raw = value.strip()
        cents = _parse_text(raw)
    if cents < 0:
        raise MoneyError(f"Montant invalide « {raw} » : un montant ne peut pas être négatif.")
    if cents == 0 and not allow_zero:
        raise MoneyError(f"Montant invalide « {raw} » : le montant doit être supérieur à zéro.")
    return cents


def _parse_text(raw: str) -> int:
    if not raw:
        raise MoneyError("Montant manquant : indiquez une somme, par exemple « 50,00 € ».")
    text = _CURRENCY.sub("", raw)
    for space in _SPACES:
        text = text.replace(space, " ")
    text = text.strip()
    negative = text.startswith(("-", "\u2212"))
    if negative:
        text = text[1:].strip()
    if not text:
        raise _invalid(raw, "aucun chiffre.")
    if not re.fullmatch(r"[0-9 .,]+", text):
        raise _invalid(raw, "seuls les chiffres, les espaces, la virgule et le point sont admis.")
    integer, decimals = _split_decimals(raw, text)
    if not integer:
        raise _invalid(raw, "écrivez au moins un chiffre avant la virgule (« 0,50 »).")
    if " " in integer or "." in integer:
        if not _GROUPED.fullmatch(integer) or (" " in integer and "." in integer):
            raise _invalid(raw, "séparateur de milliers mal placé (écrivez « 1 234,56 »).")
        integer = integer.replace(" ", "").replace(".", "")
    if decimals is None:
        decimals = "00"
    elif not decimals.isdigit():
        raise _invalid(raw, "chiffres attendus après la virgule.")
    elif len(decimals) > 2:
        hint = ""
        if len(decimals) == 3 and "," not in text:
            hint = f" Pour {integer}{THOUSANDS_SEP}{decimals} €, écrivez « {integer} {decimals} »."
        raise _invalid(raw, "deux décimales au plus." + hint)
    cents = int(integer) * 100 + int(decimals.ljust(2, "0"))
    return -cents if negative else cents


def _split_decimals(raw: str, text: str) -> tuple[str, str | None]:
    """Split ``text`` into its integer part and decimal digits (None when there are none)."""
    commas = text.count(",")
    if commas > 1:
        raise _invalid(raw, "une seule virgule, pour les centimes.")
    if commas == 1:
        integer, decimals = text.split(",")
        if "." in decimals:
            raise _invalid(raw, "utilisez la virgule pour les centimes (« 1 234,56 »).")
        return integer.strip(), decimals.strip()
    dots = text.count(".")
    if dots == 1:
        integer, decimals = text.split(".")
        # "4.600" is read as 4,600 (three decimals, refused) rather than guessed as 4 600.
        return integer.strip(), decimals.strip()
    # No separator, or several dots used as thousands separators ("1.234.567").
    return text.strip(), None


def format_int(number: int) -> str:
    """``45851`` → ``"45 851"`` with U+202F between groups of three digits."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("format_int attend un entier.")
    sign = "-" if number < 0 else ""
    digits = str(abs(number))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sign + THOUSANDS_SEP.join(reversed(groups))


def format_cents(cents: int) -> str:
    """``123456`` → ``"1 234,56 €"`` (U+202F thousands separator, U+00A0 before ``€``)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise MoneyTypeError(
            f"format_cents attend un nombre entier de centimes, pas {type(cents).__name__}."
        )
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{format_int(euros)},{rest:02d}{EURO_SIGN_SPACE}€"


def apply_rate(cents: int, rate: Decimal | str, rounding: str = ROUND_HALF_UP) -> int:
    """``cents × rate`` rounded to the cent with the given ``decimal`` rounding mode.

    ``rate`` is a ``Decimal`` or a decimal string (``"0.20"``, ``"1.23"``), never a float.
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise MoneyTypeError("apply_rate attend un nombre entier de centimes.")
    if not isinstance(rate, (Decimal, str)):
        raise MoneyTypeError("apply_rate attend un taux Decimal ou texte, jamais un float.")
    return int((Decimal(cents) * Decimal(rate)).to_integral_value(rounding=rounding))
