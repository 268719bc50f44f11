"""The editor when things go wrong, in real Chromium: two people save the same page (item 2),
the server dies while someone types (item 3), electoral silence (item 4)."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from app.editor import actions
from app.editor.models import EditorPage, PageRevision
from app.extensions import db
from tests.factories import create_user
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


def page_id(path: str) -> int | None:
    db.session.rollback()
    return db.session.scalar(select(EditorPage.id).where(EditorPage.path == path))


def open_page(page: Any, base: str, path: str) -> None:
    page.goto(f"{base}/admin/pages/")
    pid = page_id(path)
    page.goto(f"{base}/admin/pages/{pid}/")
    page.wait_for_selector("form[data-mode=visual]")


def type_at_end(page: Any, text: str) -> None:
    page.get_by_role("textbox", name="Texte de la page").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_two_sessions_get_the_conflict_screen_and_the_merge_loses_nothing(
        browser, live_server, users, demo_site) -> None:
    create_user("seconde@example.org", "editor")
    base = live_server.url
    first, second = (browser.new_context(locale="fr-FR").new_page() for _ in range(2))
    login(first, base)
    login(second, base, "seconde@example.org")
    open_page(first, base, "equipe.md")
    open_page(second, base, "equipe.md")
    type_at_end(first, "Phrase écrite par la première personne.")
    type_at_end(second, "Phrase écrite par la seconde personne.")
    first.get_by_role("button", name="Enregistrer", exact=True).click()
    first.wait_for_selector("text=Modifications enregistrées")
    second.get_by_role("button", name="Enregistrer", exact=True).click()
    second.wait_for_selector("text=Quelqu’un a modifié cette page en même temps que vous")
    merged = second.get_by_label("Fusion à la main", exact=False).input_value()
    assert "première personne" in merged and "seconde personne" in merged
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "conflit.png"))
    second.get_by_role("button", name="Enregistrer la fusion").click()
    second.wait_for_selector("text=Version fusionnée enregistrée")
    db.session.rollback()  # a new snapshot: the server wrote from its own threads
    page = db.session.scalar(select(EditorPage).where(EditorPage.path == "equipe.md"))
    assert page is not None and page.head is not None
    assert "première personne" in page.head.text and "seconde personne" in page.head.text
    for tab in (first, second):
        tab.context.close()


def test_a_killed_server_loses_nothing_and_an_old_revision_comes_back(
        app, page, live_server, users, content_copy: Path) -> None:
    base = live_server.url
    login(page, base)
    open_page(page, base, "equipe.md")
    original = (content_copy / "equipe.md").read_text(encoding="utf-8")
    port = int(base.rsplit(":", 1)[1])
    live_server.stop()  # killed while someone types
    type_at_end(page, "Texte tapé pendant la panne.")
    page.wait_for_selector("text=Connexion perdue", timeout=15_000)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page.reload()
        page.wait_for_selector("form[data-mode=visual]")
        page.get_by_role("button", name="Restaurer le texte non enregistré").click()
        assert "Texte tapé pendant la panne." in page.input_value("#body")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_selector("text=Modifications enregistrées")
        page.get_by_role("button", name="Publier", exact=True).click()
        page.wait_for_selector("text=Page publiée")
        assert "Texte tapé pendant la panne." in page.context.new_page().goto(
            f"{base}/equipe/").text()
        # Restore the first revision from the history, publish it: its text is back online.
        page.get_by_role("link", name="Historique des versions").click()
        db.session.rollback()
        first = db.session.scalar(select(PageRevision.id).where(
            PageRevision.page_id == page_id("equipe.md")).order_by(PageRevision.id))
        page.get_by_role("button", name=f"Restaurer n° {first}").click()
        page.wait_for_selector("text=Version restaurée")
        page.wait_for_selector("form[data-mode=visual]")
        page.get_by_role("button", name="Publier", exact=True).click()
        page.wait_for_selector("text=Page publiée")
        assert (content_copy / "equipe.md").read_text(encoding="utf-8") == original
        public = page.context.new_page()
        public.goto(f"{base}/equipe/")
        assert "Texte tapé pendant la panne." not in public.content()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_silence_disables_the_publish_button_with_the_reason(
        page, live_server, users, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "utcnow", lambda: dt.datetime(2027, 3, 13, 9, 0))
    base = live_server.url
    login(page, base)
    open_page(page, base, "equipe.md")
    button = page.get_by_role("button", name="Publier", exact=True)
    assert button.is_disabled()
    banner = page.get_by_role("status").filter(has_text="WEB-1")
    assert "dimanche 14 mars 2027 à 20:00" in banner.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "silence-electorale.png"))
