"""Money: integer cents, French parsing and formatting (app/core/finance/money.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.finance.money import (
    CASH_MAX,
    CASH_SHARE_THRESHOLD_CAP,
    DONATION_CAP,
    PARTY_YEAR_CAP,
    ROUND_FLOOR,
    MoneyError,
    MoneyTypeError,
    apply_rate,
    format_cents,
    format_int,
    parse_amount,
)

NNBSP = "\u202f"
NBSP = "\u00a0"


def test_legal_constants_in_cents() -> None:
    assert DONATION_CAP == 460_000  # DON-2: 4 600 €
    assert CASH_MAX == 15_000  # DON-4: 150 €
    assert PARTY_YEAR_CAP == 750_000  # PARTY-1: 7 500 €
    assert CASH_SHARE_THRESHOLD_CAP == 1_500_000  # DON-5: 15 000 €


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56 €", 123_456),
        ("1234,56", 123_456),
        ("150.00", 15_000),
        ("150", 15_000),
        ("4 600", 460_000),
        (f"4{NNBSP}600,00{NBSP}€", 460_000),
        ("4.600,00", 460_000),
        ("1.234.567", 123_456_700),
        ("  12,5  ", 1_250),
        ("0,01", 1),
        ("€ 20", 2_000),
        ("20 EUR", 2_000),
        ("20 euros", 2_000),
        ("1 234.56", 123_456),
        ("007", 700),
    ],
)
def test_parse_amount_accepts_french_and_plain_notations(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


def test_int_input_is_cents() -> None:
    assert parse_amount(15_000) == 15_000
    assert parse_amount(1) == 1


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("12,345", "Montant invalide « 12,345 » : deux décimales au plus."),
        ("4.600", "deux décimales au plus"),
        ("-5", "négatif"),
        ("-5,00 €", "négatif"),
        (-1, "négatif"),
        ("abc", "seuls les chiffres"),
        ("12a", "seuls les chiffres"),
        ("", "Montant manquant"),
        ("   ", "Montant manquant"),
        ("€", "aucun chiffre"),
        (",50", "avant la virgule"),
        ("5,", "après la virgule"),
        ("1,2,3", "une seule virgule"),
        ("1,234.56", "virgule pour les centimes"),
        ("12 34", "milliers"),
        ("1.23.456", "milliers"),
        ("1 234.567.890", "milliers"),
        ("0", "supérieur à zéro"),
        ("0,00", "supérieur à zéro"),
        (0, "supérieur à zéro"),
    ],
)
def test_parse_amount_refuses_with_french_message(value: str | int, fragment: str) -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse_amount(value)
    assert fragment in str(excinfo.value)


def test_zero_allowed_on_request() -> None:
    assert parse_amount("0", allow_zero=True) == 0
    assert parse_amount(0, allow_zero=True) == 0


@pytest.mark.parametrize("value", [12.5, 150.0, True, Decimal("1.5"), None, b"150"])
def test_parse_amount_refuses_floats_and_other_types(value: object) -> None:
    with pytest.raises(MoneyTypeError) as excinfo:
        parse_amount(value)  # type: ignore[arg-type]
    assert isinstance(excinfo.value, TypeError)
    assert isinstance(excinfo.value, ValueError)
    assert "utilisez un texte ou des centimes" in str(excinfo.value)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (123_456, f"1{NNBSP}234,56{NBSP}€"),
        (0, f"0,00{NBSP}€"),
        (5, f"0,05{NBSP}€"),
        (15_000, f"150,00{NBSP}€"),
        (460_000, f"4{NNBSP}600,00{NBSP}€"),
        (2_250_900_000, f"22{NNBSP}509{NNBSP}000,00{NBSP}€"),
        (-123_456, f"-1{NNBSP}234,56{NBSP}€"),
    ],
)
def test_format_cents(cents: int, text: str) -> None:
    assert format_cents(cents) == text


@pytest.mark.parametrize("value", [1.5, True, "12"])
def test_format_cents_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError):
        format_cents(value)  # type: ignore[arg-type]


def test_format_int_groups_by_three() -> None:
    assert format_int(45_851) == f"45{NNBSP}851"
    assert format_int(999) == "999"
    assert format_int(1_000_000) == f"1{NNBSP}000{NNBSP}000"


def test_apply_rate_rounds_explicitly_and_refuses_floats() -> None:
    assert apply_rate(4_877_441, Decimal("1.23")) == 5_999_252  # 59 992,5243 → ,52
    assert apply_rate(5, "0.5") == 3  # half up
    assert apply_rate(5, "0.5", ROUND_FLOOR) == 2
    with pytest.raises(TypeError):
        apply_rate(100, 0.2)  # type: ignore[arg-type]


@settings(database=None, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_parse_format_round_trip(cents: int) -> None:
    assert parse_amount(format_cents(cents), allow_zero=True) == cents


@settings(database=None, deadline=None)
@given(st.integers(min_value=1, max_value=10**12))
def test_plain_notations_round_trip(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    assert parse_amount(f"{euros},{rest:02d}") == cents
    assert parse_amount(f"{euros}.{rest:02d}") == cents
