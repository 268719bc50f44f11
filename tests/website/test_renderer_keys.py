"""The incremental build's keys are taken only when asked for, never by a page view."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.website import render
from app.website.render import SiteRenderer
from app.website.themes import theme_state
from tests.factories import renderer, write_site
from tests.support.paths import THEMES

HOME = "---\ntitle: Accueil\n---\nBonjour.\n"


def _site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", {"index.md": HOME, "x.md": HOME})
    (root / "media").mkdir()
    (root / "media" / "tract.pdf").write_bytes(b"%PDF-1.4\n")
    return root


def test_media_are_looked_at_only_for_the_build_key(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path)
    calls: list[Path] = []
    original = SiteRenderer._media_signature

    def spy(self: SiteRenderer) -> list[tuple[str, int, int]]:
        calls.append(self.images.media_root)
        return original(self)

    monkeypatch.setattr(SiteRenderer, "_media_signature", spy)
    site = renderer(root)
    for slug in ("", "x", "mentions-legales"):
        assert site.render_path(slug).status == 200
    assert site.sitemap().body and site.settings_stylesheet().body
    assert calls == []
    key = site.page_key(site.content.pages["x"])
    assert site.page_key(site.content.pages["x"]) == key and len(calls) == 1  # taken once
    (root / "media" / "affiche.pdf").write_bytes(b"%PDF-1.4 autre\n")
    again = renderer(root)
    assert again.page_key(again.content.pages["x"]) != key  # a new media file: a new key


def test_a_given_theme_state_is_not_taken_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    state = theme_state(str(THEMES), "base")

    def refuse(*_: object) -> None:
        raise AssertionError("theme walked again")

    monkeypatch.setattr(render, "theme_state", refuse)
    site = renderer(_site(tmp_path), theme_files=state)
    assert site.render_path("x").status == 200
    assert site.fingerprint == state.fingerprint
    assert site.theme_mtime_ns() == state.newest_mtime_ns
    monkeypatch.undo()
    assert renderer(_site(tmp_path / "autre")).fingerprint == state.fingerprint  # taken lazily
