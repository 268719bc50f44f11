"""Spending caps: every worked example of law-fr.md §C.3, to the cent (CAP-1, CAP-2, RMB-1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.finance.money import format_cents
from app.core.finance.spending_cap import (
    ELECTION_KINDS,
    SLICE_RATES,
    CapResult,
    cash_ceiling,
    reimbursement_ceiling,
    spending_cap,
)

# law-fr.md §C.3: population → (1st-round base, 1st-round cap, 2nd-round base, 2nd-round cap)
MUNICIPAL_EXAMPLES = [
    (9_000, 1_098_000, 1_350_540, 1_512_000, 1_859_760),
    (20_000, 2_365_000, 2_908_950, 3_280_000, 4_034_400),
    (45_851, 4_877_441, 5_999_252, 6_733_822, 8_282_601),
    (100_000, 9_525_000, 11_715_750, 13_020_000, 16_014_600),
    (300_000, 22_875_000, 28_136_250, 30_570_000, 37_601_100),
]


@pytest.mark.parametrize(("population", "base1", "cap1", "base2", "cap2"), MUNICIPAL_EXAMPLES)
@pytest.mark.parametrize("kind", ["municipales", "partielle"])
def test_municipal_worked_examples(
    kind: str, population: int, base1: int, cap1: int, base2: int, cap2: int
) -> None:
    first = spending_cap(kind, population, round=1)
    second = spending_cap(kind, population, round=2)
    assert (first.cents, first.applies) == (cap1, True)
    assert (second.cents, second.applies) == (cap2, True)
    assert f"= {format_cents(base1)} ;" in first.formula
    assert f"= {format_cents(base2)} ;" in second.formula


def test_formula_shows_slices_base_and_coefficient() -> None:
    result = spending_cap("municipales", 45_851)
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert f"15{nnbsp}000 hab. × 1,22{nbsp}€" in result.formula
    assert f"15{nnbsp}851 hab. × 0,91{nbsp}€" in result.formula
    assert f"48{nnbsp}774,41{nbsp}€" in result.formula  # base of §C.3
    assert "× 1,23" in result.formula
    assert result.formula.endswith(f"59{nnbsp}992,52{nbsp}€")
    assert "2nd tour" in spending_cap("municipales", 45_851, round=2).formula


def test_legislatives_example() -> None:
    result = spending_cap("legislatives", 125_000)
    assert result.cents == 7_150_500  # (38 000 + 18 750) × 1.26 = 71 505,00 €
    assert "× 1,26" in result.formula
    assert spending_cap("legislatives", 125_000, round=2).cents == 7_150_500


def test_presidentielle_examples() -> None:
    assert spending_cap("presidentielle", 0, round=1).cents == 1_685_100_000  # 16 851 000 €
    assert spending_cap("presidentielle", 0, round=2).cents == 2_250_900_000  # 22 509 000 €


def test_europeennes_without_coefficient() -> None:
    assert spending_cap("europeennes", 0).cents == 920_000_000


def test_departementales_and_regionales_use_their_columns() -> None:
    # 20 000 inhabitants: 15 000 × 0,64 + 5 000 × 0,53 = 12 250 € × 1,23 = 15 067,50 €
    assert spending_cap("departementales", 20_000).cents == 1_506_750
    # 120 000: 100 000 × 0,53 + 20 000 × 0,38 = 60 600 € × 1,23 = 74 538,00 €
    assert spending_cap("regionales", 120_000).cents == 7_453_800
    # No rate above 100 000 inhabitants in the départementaux column.
    assert (
        spending_cap("departementales", 150_000).cents
        == spending_cap("departementales", 100_000).cents
    )


def test_senatoriales_depend_on_number_of_seats() -> None:
    # 10 000 € + 0,05 €/inhabitant (<= 2 senators) or 0,02 € (>= 3), × 1,23
    assert spending_cap("senatoriales", 300_000, senators=2).cents == 3_075_000
    assert spending_cap("senatoriales", 300_000, senators=3).cents == 1_968_000
    with pytest.raises(ValueError, match="sénateurs"):
        spending_cap("senatoriales", 300_000)


def test_coefficient_override_for_admin_setting() -> None:
    assert spending_cap("municipales", 9_000, coefficient="1").cents == 1_098_000
    assert spending_cap("municipales", 9_000, coefficient=Decimal("1.23")).cents == 1_350_540


def test_small_commune_has_no_cap() -> None:
    """MAND-4: below 9 000 inhabitants L52-4/L52-11 do not apply."""
    result = spending_cap("municipales", 8_999)
    assert result.applies is False
    assert result.cents == 0
    assert "Pas de plafond" in result.formula
    assert cash_ceiling(result) is None
    assert reimbursement_ceiling(result) == 0
    assert spending_cap("partielle", 500).applies is False
    assert spending_cap("municipales", 9_000).applies is True


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"kind": "cantonales", "population": 10}, "inconnu"),
        ({"kind": "municipales", "population": -1}, "population"),
        ({"kind": "municipales", "population": 10_000, "round": 3}, "tour"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        spending_cap(**kwargs)  # type: ignore[arg-type]


def test_rates_are_integer_data() -> None:
    assert len(ELECTION_KINDS) == 8
    for rates in SLICE_RATES.values():
        assert len(rates) == 7
        assert all(isinstance(rate, int) for rate in rates)


def test_cash_ceiling_don5() -> None:
    """DON-5: 20 % of the cap, only when the cap is >= 15 000 €."""
    assert cash_ceiling(spending_cap("municipales", 9_000)) is None  # 13 505,40 € < 15 000 €
    assert cash_ceiling(spending_cap("municipales", 9_000, round=2)) == 371_952  # 18 597,60 × 20 %
    assert cash_ceiling(CapResult(1_500_000, "")) == 300_000  # exactly 15 000 €: applies
    assert cash_ceiling(CapResult(1_499_999, "")) is None
    # Rounded down so that a whole-cent total never exceeds the legal 20 %.
    assert cash_ceiling(CapResult(1_500_003, "")) == 300_000


def test_reimbursement_ceiling_rmb1() -> None:
    """RMB-1: 47.5 % of the cap."""
    assert reimbursement_ceiling(spending_cap("legislatives", 125_000)) == 3_396_487  # 33 964,875
    assert reimbursement_ceiling(spending_cap("municipales", 100_000)) == 5_564_981
    assert reimbursement_ceiling(CapResult(200, "")) == 95
