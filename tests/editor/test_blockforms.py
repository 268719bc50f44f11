"""The block forms' two ends: values written as a block the site's parser reads back the
same, and a block's text read into its fields."""

from __future__ import annotations

from app.core.publishing.blocks import split_blocks
from app.editor.blockforms import patterns, read_block, write_block


def test_written_blocks_read_back_the_same_values() -> None:
    raw = write_block("faq", {}, items=[
        {"question": "Qui : peut donner ?", "reponse": "- Toute personne \"physique\"."},
        {"question": "Et ensuite ?", "reponse": "Un reçu."}])
    found = read_block(raw)
    assert found["items"][0] == {"question": "Qui : peut donner ?",
                                 "reponse": "- Toute personne \"physique\"."}
    assert len(found["items"]) == 2
    don = write_block("don", {"montants": "20,50,100", "texte": "Je soutiens", "mensuel": "non"})
    assert don == '::: don montants="20,50,100" texte="Je soutiens" mensuel=non\n:::'
    assert read_block(don)["params"] == {"montants": "20,50,100", "texte": "Je soutiens",
                                         "mensuel": "non"}
    hero = write_block("hero", {"titre": "Nous \"tous\""}, body="Un **texte**.")
    assert read_block(hero) == {"name": "hero", "params": {"titre": 'Nous "tous"'},
                                "body": "Un **texte**.", "items": []}
    assert len([p for p in split_blocks(hero) if not isinstance(p, str)]) == 1


def test_unreadable_blocks_say_so_and_the_fences_are_the_cores() -> None:
    assert "error" in read_block("::: inconnu\n:::")
    assert "error" in read_block("::: faq\n- question: [\n:::")
    assert patterns()["open"].startswith("^:::")
