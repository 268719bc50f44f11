"""Election identity (DON-2), filing deadline (ACC-2), mode vs population (MAND-4, DON-5),
the mandataire's declaration date (MAND-1) and DON-1 nationalities: pure rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.finance.decision import CampaignFacts, Gift, is_french_national
from app.core.finance.elections import (
    ElectionError,
    check_mode_population,
    collection_end,
    election_identity,
    filing_deadline,
)
from app.core.finance.rules import evaluate_gift, evaluate_single_gift
from app.core.finance.vocabulary import ELECTION_KINDS

ROUND1 = date(2032, 3, 14)


def test_don2_general_municipal_election_is_one_election_nationwide() -> None:
    """Defect 3: "Municipales de Lyon 2032" and "… de Bordeaux 2032" are one election."""
    lyon = election_identity("municipales", ROUND1)
    bordeaux = election_identity("municipales", ROUND1, "generale", "Bordeaux")
    assert lyon.key == bordeaux.key


def test_don2_by_elections_and_plm_councils_are_distinct() -> None:
    general = election_identity("municipales", ROUND1).key
    sectors = election_identity("municipales", ROUND1, "arrondissements", "Paris").key
    lyon_sectors = election_identity("municipales", ROUND1, "arrondissements", "LYON").key
    metropole = election_identity("municipales", ROUND1, "metropole-lyon").key
    assert len({general, sectors, lyon_sectors, metropole}) == 4
    a = election_identity("partielle", ROUND1, territory="Saint-Aubin-des-Prés")
    b = election_identity("partielle", ROUND1, territory="saint aubin des pres")
    c = election_identity("partielle", ROUND1, territory="Mamers")
    assert a.key == b.key != c.key
    assert election_identity("legislatives", ROUND1, "partielle", "Sarthe 2e").key != (
        election_identity("legislatives", ROUND1).key)


@pytest.mark.parametrize(("kind", "scope", "territory"), [
    ("partielle", None, ""),                     # a by-election needs its territory
    ("partielle", "generale", "Mamers"),         # and is never general
    ("municipales", "arrondissements", "Nice"),  # only Paris, Lyon, Marseille
    ("legislatives", "metropole-lyon", ""),
    ("municipales", "ailleurs", ""),
    ("cantonales", None, ""),
])
def test_incomplete_or_contradictory_identity_is_refused(kind: str, scope: str | None,
                                                         territory: str) -> None:
    with pytest.raises(ElectionError):
        election_identity(kind, ROUND1, scope, territory)


@given(st.sampled_from(sorted(ELECTION_KINDS)), st.dates(date(2026, 1, 1), date(2040, 1, 1)),
       st.text(max_size=20), st.text(max_size=20))
def test_general_identity_ignores_territory(kind: str, round1: date, t1: str, t2: str) -> None:
    """Property: whatever the commune, two campaigns of a general election share it."""
    if kind == "partielle":
        return
    assert election_identity(kind, round1, None, t1) == election_identity(kind, round1, None, t2)


# --------------------------------------------------------------------------- ACC-2


def test_acc2_filing_deadline_is_the_tenth_friday() -> None:
    assert filing_deadline(date(2026, 3, 15)) == date(2026, 5, 22)  # ACC-2, docs/rules.md


@given(st.dates(date(2020, 1, 1), date(2050, 1, 1)))
def test_acc2_deadline_is_a_friday_ten_weeks_on(round1: date) -> None:
    deadline = filing_deadline(round1)
    assert deadline.weekday() == 4
    fridays = [round1 + timedelta(days=d) for d in range(1, (deadline - round1).days + 1)
               if (round1 + timedelta(days=d)).weekday() == 4]
    assert len(fridays) == 10


def test_collection_ends_at_filing_or_legal_deadline() -> None:
    r1 = date(2026, 3, 15)
    assert collection_end(None, r1, "candidat") == date(2026, 5, 22)
    assert collection_end(date(2026, 4, 30), r1, "candidat") == date(2026, 4, 30)
    assert collection_end(date(2026, 7, 1), r1, "candidat") == date(2026, 5, 22)  # late filing
    assert collection_end(None, r1, "parti") is None


# --------------------------------------------------------------------------- MAND-4, DON-5


@pytest.mark.parametrize(("mode", "kind", "population", "rule"), [
    ("candidat", "municipales", 5_000, "MAND-4"),        # below 9,000: no L52-4 regime
    ("petite-commune", "municipales", 20_000, "MAND-4"),  # 9,000 or more: L52-4 applies
    ("petite-commune", "municipales", None, "MAND-4"),
    ("candidat", "municipales", None, "DON-5"),           # the cash ceiling needs it
    ("candidat", "legislatives", None, "DON-5"),
])
def test_mode_and_population_must_match(mode: str, kind: str, population: int | None,
                                        rule: str) -> None:
    decision = check_mode_population(mode, kind, population)
    assert (decision.status, decision.rules) == ("refused", (rule,))


@pytest.mark.parametrize(("mode", "kind", "population"), [
    ("candidat", "municipales", 20_000), ("petite-commune", "partielle", 5_000),
    ("candidat", "presidentielle", None), ("parti", "municipales", None),
    ("candidat", "europeennes", None),
])
def test_matching_mode_and_population_pass(mode: str, kind: str, population: int | None) -> None:
    assert check_mode_population(mode, kind, population).status == "accepted"


# --------------------------------------------------------------------------- MAND-1 date


def _facts(**kw: object) -> CampaignFacts:
    values: dict[str, object] = dict(
        mode="candidat", election_kind="municipales", population=45_851,
        round1=date(2026, 3, 15), mandataire_declared=True,
        mandataire_declared_on=date(2025, 10, 1))
    values.update(kw)
    return CampaignFacts(**values)  # type: ignore[arg-type]


def test_mand1_gift_before_the_mandataire_declaration_is_refused() -> None:
    """Defect 4: the window opened 1 Sept 2025, the mandataire was declared 1 Oct 2025."""
    before = Gift(5_000, date(2025, 9, 20), "cheque")
    decision = evaluate_gift(before, _facts())
    assert decision.status == "refused" and "MAND-1" in decision.rules
    assert "01/10/2025" in " ".join(decision.messages)
    on_the_day = Gift(5_000, date(2025, 10, 1), "quete")
    assert evaluate_gift(on_the_day, _facts()).status == "accepted"


def test_mand1_declaration_date_applies_to_the_public_form_too() -> None:
    gift = Gift(5_000, date(2025, 9, 20), "carte")
    assert "MAND-1" in evaluate_single_gift(gift, _facts()).rules


# --------------------------------------------------------------------------- DON-1


@pytest.mark.parametrize("nationality", ["French", "franco-allemande", "Française et belge",
                                         "FRANÇAISE", "FR"])
def test_don1_french_nationals_in_any_wording(nationality: str) -> None:
    assert is_french_national(nationality)


@pytest.mark.parametrize("nationality", ["autre", "belge", "francophone", ""])
def test_don1_other_nationalities(nationality: str) -> None:
    assert not is_french_national(nationality)
