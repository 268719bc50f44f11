"""The editor in real Chromium: every demo page opens in the visual mode (the fidelity guard
passes) and saving it unchanged writes nothing (acceptance item 5); a page made only with the
toolbar and the block menu is previewed and published, and the public page shows what the
preview showed (item 1)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.editor.models import EditorPage, PageRevision
from app.extensions import db
from tests.support.browser import staff_login
from tests.support.paths import ROOT

SHOTS = ROOT / "docs" / "images" / "editeur"


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    yield target / "demo" / "pages"


def login(page: Any, base: str, email: str = "editor@example.org") -> None:
    staff_login(page, base, email)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def revisions() -> int:
    db.session.rollback()  # a new snapshot: the server wrote from its own threads
    return db.session.scalar(select(func.count()).select_from(PageRevision)) or 0


def test_every_demo_page_opens_in_the_visual_mode_and_an_unchanged_save_writes_nothing(
        page, live_server, users, content_copy: Path) -> None:
    base = live_server.url
    login(page, base)
    page.goto(f"{base}/admin/pages/")
    shot(page, "liste-des-pages")
    paths = list(db.session.scalars(select(EditorPage.path).order_by(EditorPage.path)))
    assert len(paths) == 9
    files = {p: (content_copy / p).stat().st_mtime_ns for p in paths}
    before = revisions()
    for path in paths:
        pid = db.session.scalar(select(EditorPage.id).where(EditorPage.path == path))
        page.goto(f"{base}/admin/pages/{pid}/")
        page.wait_for_selector("form[data-mode]")
        mode = page.get_attribute("#page-form", "data-mode")
        assert mode == "visual", (path, page.inner_text("#mode-note"))
        if path == "index.md":
            shot(page, "modifier-une-page")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_load_state()
    assert revisions() == before
    assert {p: (content_copy / p).stat().st_mtime_ns for p in paths} == files


def open_new_page(page: Any, base: str, title: str, kind: str = "Page") -> None:
    page.goto(f"{base}/admin/pages/")
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Titre").fill(title)
    page.get_by_role("button", name="Créer la page").click()
    page.wait_for_selector("form[data-mode=visual]")


def fill_block(page: Any, block: str, fields: list[tuple[str, str]]) -> None:
    page.get_by_label("Bloc à insérer").select_option(label=block)
    page.get_by_role("button", name="Insérer un bloc").click()
    dialog = page.get_by_role("dialog")
    for label, value in fields:
        if label == "+":
            dialog.get_by_role("button", name="Ajouter un élément").click()
            continue
        dialog.get_by_label(label, exact=True).last.fill(value)
    dialog.get_by_role("button", name="Insérer le bloc").click()
    page.wait_for_selector("dialog", state="detached")


def test_a_new_editor_makes_a_page_with_the_toolbar_only(
        page, live_server, users, content_copy: Path) -> None:
    base = live_server.url
    login(page, base)
    open_new_page(page, base, "Nos propositions")
    text = page.get_by_role("textbox", name="Texte de la page")
    text.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    toolbar = page.get_by_role("toolbar", name="Mise en forme")
    toolbar.get_by_role("button", name="Titre 2").click()
    page.keyboard.type("Pour le quotidien")
    page.keyboard.press("Enter")
    page.keyboard.type("Trois engagements simples.")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Liste à puces").click()
    page.keyboard.type("Une école rénovée")
    page.keyboard.press("Enter")
    page.keyboard.type("Un bus vers la gare")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leaves the list
    page.keyboard.type("Lire le programme complet")
    page.keyboard.press("Shift+Home")
    page.once("dialog", lambda d: d.accept("/programme/"))
    toolbar.get_by_role("button", name="Lien").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Titre 2").click()
    page.keyboard.type("Nous soutenir")
    page.keyboard.press("Enter")
    fill_block(page, "Bouton de don", [("Montants proposés", "20,50,100"),
                                       ("Texte d’invitation", "Je soutiens la liste")])
    fill_block(page, "Questions fréquentes", [
        ("Question (obligatoire)", "Qui peut donner ?"),
        ("Réponse (obligatoire)", "Toute personne physique, dans la limite de 4 600 €."),
        ("+", ""),
        ("Question (obligatoire)", "Mon don est-il déductible ?"),
        ("Réponse (obligatoire)", "Oui, à 66 % dans la limite de 20 % du revenu imposable."),
    ])
    shot(page, "inserer-un-bloc")
    md = page.input_value("#body")
    assert "## Pour le quotidien" in md and "[Lire le programme complet](/programme/)" in md
    assert '::: don montants="20,50,100"' in md, md
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Modifications enregistrées")
    page.wait_for_selector("form[data-mode=visual]")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_selector("text=Page publiée")
    # The preview frame is attached after the reload: wait for it rather than race it.
    frame = page.wait_for_selector("iframe[name=preview]").content_frame()
    assert frame is not None
    frame.wait_for_selector("text=Qui peut donner ?")
    preview = frame.inner_html("main")
    shot(page, "apres-publication")
    public = page.context.new_page()
    public.goto(f"{base}/nos-propositions/")
    assert public.inner_html("main") == preview
    assert public.get_by_role("link", name="Lire le programme complet").is_visible()
    for amount in ("20", "50", "100"):
        assert public.locator(f"a[href*='/don'][href*='{amount}']").count() >= 1
    written = (content_copy / "nos-propositions.md").read_text(encoding="utf-8")
    assert written.startswith("---\ntitle: Nos propositions\n---\n\n## Pour le quotidien\n")
    assert "- Une école rénovée\n- Un bus vers la gare\n" in written
    assert '::: don montants="20,50,100" texte="Je soutiens la liste"\n:::' in written
    assert "<" not in written  # clean Markdown: no HTML left by the editor
