"""The bundled reference data of French communes, and the wizard's search in it."""

from __future__ import annotations

from app.campaigns.communes import by_code, communes, departements, fold, search


def test_the_reference_data_is_complete() -> None:
    assert len(communes()) == 37_590
    rennes = by_code("35238")
    assert rennes is not None and rennes.name == "Rennes" and rennes.population == 230_890
    assert rennes.postal_codes == ("35000", "35200", "35700")
    assert departements()["35"] == "Ille-et-Vilaine"


def test_search_ignores_accents_case_and_hyphens() -> None:
    assert [c.code for c in search("renn")][:1] == ["35238"]
    assert search("saint etienne")[0].name == "Saint-Étienne"
    assert search("SAINT-ÉTIENNE")[0].code == search("saint etienne")[0].code
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"


def test_search_by_postal_code_and_arrondissements() -> None:
    assert "35238" in [c.code for c in search("35000")]
    marseille = [c for c in search("marseille", limit=30) if c.kind == "arrondissement-municipal"]
    assert len(marseille) == 16
    assert by_code("01001") is not None and by_code("99999") is None
    assert search("") == [] and len(search("a", limit=5)) == 5
