"""Donor identity: normalisation, keys and likely duplicates (app/core/finance/donors.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.finance.donors import (
    Duplicate,
    donor_key,
    levenshtein,
    likely_duplicates,
    name_tokens,
    normalise_address,
    normalise_name,
    normalise_postcode,
    same_person_name,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean-François  D'Arc", "jean francois d arc"),
        ("jean francois d arc", "jean francois d arc"),
        ("  ÉLODIE   Lœuvre ", "elodie loeuvre"),
        ("D’Artagnan", "d artagnan"),
        ("Müller-Straße", "muller strasse"),
        ("J.-P. Dupont", "j p dupont"),
        ("", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_normalised_names_compare_equal() -> None:
    assert normalise_name("Jean-François  D'Arc") == normalise_name("jean francois d arc")


def test_name_tokens_ignore_order_and_civility() -> None:
    assert name_tokens("Mme DUPONT Marie") == ("dupont", "marie")
    assert same_person_name("Marie Dupont", "DUPONT", "Marie")
    assert same_person_name("M. Jean-François D'Arc", "d'Arc", "Jean François")
    assert not same_person_name("Marie Dupont", "Dupont", "Mariette")
    assert not same_person_name("", "", "")


def test_normalise_address_expands_abbreviations() -> None:
    a = normalise_address("12, Bd Saint-Michel")
    b = normalise_address("12 boulevard St Michel")
    assert a == b == "12 boulevard saint michel"
    assert normalise_address("3 av. Foch", "75 116", "PARIS") == "3 avenue foch | 75116 | paris"
    assert normalise_postcode(" 75 011 ") == "75011"


def test_donor_key_is_stable_and_exact() -> None:
    key = donor_key("Dupont", "Marie", "75011", "12 rue Oberkampf")
    assert key == "dupont|marie|75011|12 rue oberkampf"
    assert donor_key("DUPONT ", "marie", "75 011", "12, r. Oberkampf") == key
    assert donor_key("Dupont", "Marie", "75012", "12 rue Oberkampf") != key


def test_levenshtein() -> None:
    assert levenshtein("dupont", "dupond") == 1
    assert levenshtein("", "abc") == 3
    assert levenshtein("martin", "martin") == 0
    assert levenshtein("durand", "durant jean") == 6


PEOPLE = [
    (1, "Dupont", "Marie", "75011", "12 rue Oberkampf"),
    (2, "DUPONT", "marie", "75 011", "12, r. Oberkampf"),  # same person typed twice
    (3, "Marie", "Dupont", "75011", "12 rue Oberkampf"),  # swapped fields
    (4, "Dupond", "Marie", "75011", "12 rue Oberkampf"),  # typo
    (5, "Dupont", "Marie", "69001", "1 place Bellecour"),  # homonym elsewhere
    (6, "Dupont", "Paul", "75011", "12 rue Oberkampf"),  # family member: not a duplicate
    (7, "Martin", "Luc", "13001", "4 quai du Port"),
]


def test_likely_duplicates_finds_and_explains() -> None:
    found = likely_duplicates(PEOPLE)
    pairs = {(d.first, d.second): d for d in found}
    assert pairs[(1, 2)].score == 100
    assert "deux fois" in pairs[(1, 2)].reason
    assert pairs[(1, 3)].score == 95 and "inversés" in pairs[(1, 3)].reason
    assert 60 <= pairs[(1, 4)].score < 90 and "faute de frappe" in pairs[(1, 4)].reason
    assert pairs[(1, 5)].score == 60 and "homonyme" in pairs[(1, 5)].reason
    assert all(6 not in pair and 7 not in pair for pair in pairs)
    scores = [d.score for d in found]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(d, Duplicate) for d in found)


def test_likely_duplicates_is_deterministic_and_thresholded() -> None:
    assert likely_duplicates(PEOPLE) == likely_duplicates(list(PEOPLE))
    strict = likely_duplicates(PEOPLE, min_score=95)
    assert {(d.first, d.second) for d in strict} == {(1, 2), (1, 3), (2, 3)}
    assert likely_duplicates([]) == []


def test_short_names_need_more_than_a_typo() -> None:
    people = [(1, "Li", "Wu", "75011", "1 rue A"), (2, "Lu", "Wu", "75011", "2 rue B")]
    assert likely_duplicates(people) == []


@settings(database=None, deadline=None)
@given(st.text(max_size=40))
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert "  " not in once and once == once.strip()
