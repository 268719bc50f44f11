"""The live site keeps one renderer per site, and drops it as soon as what it shows changes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from app.extensions import db
from app.website import themes
from app.website.live import LiveRenderers, live_renderers
from app.website.render import SiteRenderer
from tests.support.paths import ROOT


@pytest.fixture
def own_site(app, demo_site, tmp_path) -> tuple[Path, Path]:
    """Private copies of the demo content and of the themes, which the test may edit."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    shutil.copytree(ROOT / "themes", tmp_path / "themes")
    app.config.update(ESTRADE_CONTENT_DIR=str(content), ESTRADE_THEMES_DIR=str(tmp_path / "themes"))
    return content / "demo", tmp_path / "themes"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[SiteRenderer]:
    """Every renderer made from now on."""
    made: list[SiteRenderer] = []
    original = SiteRenderer.__post_init__

    def spy(self: SiteRenderer) -> None:
        original(self)
        made.append(self)

    monkeypatch.setattr(SiteRenderer, "__post_init__", spy)
    return made


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = time.time() + 10  # a new mtime even on a coarse clock
    os.utime(path, (later, later))


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_second_view_reuses_the_renderer(client, own_site, built, monkeypatch) -> None:
    used: list[SiteRenderer] = []
    original = SiteRenderer.render_url

    def spy(self: SiteRenderer, path: str):  # type: ignore[no-untyped-def]
        used.append(self)
        return original(self, path)

    monkeypatch.setattr(SiteRenderer, "render_url", spy)
    for url in ("/programme/", "/programme/", "/equipe/", "/sitemap.xml", "/nulle-part/"):
        client.get(url)
    assert len(built) == 1 and len(used) == 4  # the repeated page is served from memory
    assert all(renderer is built[0] for renderer in used)
    # Canonical links come from site.toml's base_url, whatever declared name was used.
    html = client.get("/programme/", base_url="http://127.0.0.1").get_data(as_text=True)
    assert '<link rel="canonical" href="http://127.0.0.1:5000/programme/">' in html
    assert len(built) == 1 and used[-1] is built[0]
    # A site without base_url: each declared name it is reached at gets its own renderer.
    toml = own_site[0] / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:5000"\n', ""), encoding="utf-8")
    html = client.get("/programme/", base_url="http://127.0.0.1").get_data(as_text=True)
    assert '<link rel="canonical" href="http://127.0.0.1/programme/">' in html
    client.get("/programme/")
    assert len(built) == 3 and used[-1] is built[2] and used[-2] is built[1]


def test_an_edited_page_shows_on_the_next_view(client, own_site, built) -> None:
    content, _ = own_site
    assert "Une ligne neuve." not in _html(client, "/equipe/")
    _edit(content / "pages" / "equipe.md", "\n---\n", "\n---\nUne ligne neuve.\n\n")
    assert "Une ligne neuve." in _html(client, "/equipe/")
    assert len(built) == 2


def test_an_edited_site_toml_shows_on_the_next_view(client, own_site, built) -> None:
    content, _ = own_site
    assert "<title>Programme · Saint-Aubin en commun</title>" in _html(client, "/programme/")
    _edit(content / "site.toml", 'title = "Saint-Aubin en commun"', 'title = "Saint-Aubin demain"')
    assert "<title>Programme · Saint-Aubin demain</title>" in _html(client, "/programme/")
    assert len(built) == 2


def test_an_edited_theme_template_shows_on_the_next_view(client, own_site, built) -> None:
    _, theme_folder = own_site
    assert "Marque du thème" not in _html(client, "/programme/")
    _edit(theme_folder / "base" / "templates" / "page.html", "</article>",
          "<p>Marque du thème</p></article>")
    assert "Marque du thème" in _html(client, "/programme/")
    assert len(built) == 2


def test_an_edited_theme_manifest_shows_on_the_next_view(client, own_site, built) -> None:
    _, theme_folder = own_site
    assert "--couleur-principale: #1d4ed8;" in _html(client, "/_theme/settings.css")
    _edit(theme_folder / "base" / "theme.toml", 'default = "#1d4ed8"\n',
          'default = "#1e3a8a"\n')
    assert "--couleur-principale: #1e3a8a;" in _html(client, "/_theme/settings.css")


def test_campaign_and_theme_changes_in_the_database_show(client, own_site, demo_site,
                                                         built) -> None:
    assert "Mandataire Nouveau" not in _html(client, "/faire-un-don/")
    demo_site.campaign.mandataire_name = "Mandataire Nouveau"  # legal block and legal notice
    db.session.commit()
    assert "Mandataire Nouveau" in _html(client, "/faire-un-don/")
    assert "01/12/2026" not in _html(client, "/faire-un-don/")
    demo_site.campaign.mandataire_declared_on = dt.date(2026, 12, 1)  # only the legal block
    db.session.commit()
    assert "01/12/2026" in _html(client, "/faire-un-don/")
    demo_site.theme = "moderne"
    db.session.commit()
    assert "theme-moderne" in _html(client, "/programme/")
    assert len(built) == 4


def test_the_theme_is_walked_once_per_recheck_delay(app, client, own_site,
                                                    monkeypatch) -> None:
    app.config["ESTRADE_CONTENT_RECHECK_SECONDS"] = 3600
    walks: list[str] = []
    original = themes.theme_state

    def spy(themes_dir: str, name: str) -> themes.ThemeState:
        walks.append(name)
        return original(themes_dir, name)

    monkeypatch.setattr(themes, "theme_state", spy)
    for _ in range(3):
        _html(client, "/programme/")
    assert walks == ["base"]
    app.config["ESTRADE_CONTENT_RECHECK_SECONDS"] = 0
    _html(client, "/programme/")
    assert walks == ["base", "base"]


def test_a_page_view_never_walks_the_media_folder(client, own_site, monkeypatch) -> None:
    content, _ = own_site
    for n in range(30):  # files no page shows
        (content / "media" / "archives").mkdir(exist_ok=True)
        (content / "media" / "archives" / f"tract-{n}.pdf").write_bytes(b"%PDF-1.4\n")
    media = (content / "media").resolve()
    listed: list[Path] = []
    scandir, listdir = os.scandir, os.listdir

    def spy_scandir(path: object = ".") -> object:
        listed.append(Path(os.fsdecode(path)).resolve())  # type: ignore[arg-type]
        return scandir(path)  # type: ignore[arg-type]

    def spy_listdir(path: object = ".") -> list[str]:
        listed.append(Path(os.fsdecode(path)).resolve())  # type: ignore[arg-type]
        return listdir(path)  # type: ignore[arg-type]

    def refuse(self: SiteRenderer) -> None:
        raise AssertionError("media signature taken on a page view")

    monkeypatch.setattr(SiteRenderer, "_media_signature", refuse)
    monkeypatch.setattr(os, "scandir", spy_scandir)
    monkeypatch.setattr(os, "listdir", spy_listdir)
    # ESTRADE_CONTENT_RECHECK_SECONDS is 0 here: the content folder is scanned on every view.
    for url in ("/programme/", "/actualites/reunion-publique-gare/", "/", "/programme/"):
        _html(client, url)
    assert listed, "the spy saw no folder listing at all"
    assert [p for p in listed if p == media or media in p.parents] == []


def test_the_cache_stays_bounded(app, own_site) -> None:
    toml = own_site[0] / "site.toml"  # without base_url, each address is a renderer
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:5000"\n', ""), encoding="utf-8")
    cache = LiveRenderers(max_entries=2)
    with app.test_request_context("/"):
        from app.website.views import current_site

        site = current_site()
        first = cache.renderer(site, "http://a.example")
        assert cache.renderer(site, "http://a.example") is first
        cache.renderer(site, "http://b.example")
        cache.renderer(site, "http://c.example")  # any Host header: the oldest one goes
        assert cache.renderer(site, "http://a.example") is not first
    assert isinstance(live_renderers(app), LiveRenderers)
