"""Themes: manifests, sandbox, DON-9 slot, blocks, caching (pure rendering, no database)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from app.website.themes import check_theme_settings, list_themes, load_theme, theme_environment
from tests.factories import renderer, write_site
from tests.support.paths import THEMES

SHIPPED = [t.name for t in list_themes(str(THEMES))]
HOME = "---\ntitle: Accueil\n---\nBonjour **tout le monde**.\n"
DON = "---\ntitle: Soutenir\n---\nAidez-nous.\n\n::: don montants=\"20,50\"\n:::\n"


def test_base_and_three_distinct_themes_are_shipped() -> None:
    assert "base" in SHIPPED and len(SHIPPED) >= 4
    css = {name: (THEMES / name / "static" / "theme.css").read_text(encoding="utf-8")
           for name in SHIPPED if name != "base"}
    assert len(set(css.values())) == len(css)  # each has its own look


@pytest.mark.parametrize("name", SHIPPED)
def test_theme_manifest_is_typed_french_and_readable(name: str) -> None:
    theme = load_theme(str(THEMES), name)
    assert theme.label and theme.description
    for spec in theme.specs.values():
        assert spec.label and spec.help, spec.name
    for wanted in ("logo", "slogan", "photo_accueil", "couleur_principale", "police_texte",
                   "reseaux", "pied_de_page"):
        assert wanted in theme.specs
    assert check_theme_settings(theme, {}).ok  # defaults meet WCAG AA
    assert len(theme.contrast) >= 4


@pytest.mark.parametrize("name", SHIPPED)
def test_no_font_cdn_or_remote_asset_in_themes(name: str) -> None:
    for path in (THEMES / name).rglob("*"):
        if path.is_file() and path.suffix in {".css", ".html", ".js"}:
            text = path.read_text(encoding="utf-8")
            for needle in ("fonts.googleapis", "fonts.gstatic", "@import url(http", "cdn."):
                assert needle not in text, f"{path}: {needle}"


def _evil_theme(tmp_path: Path, page_html: str) -> Path:
    themes = tmp_path / "themes"
    shutil.copytree(THEMES / "base", themes / "base")
    (themes / "evil" / "templates").mkdir(parents=True)
    (themes / "evil" / "templates" / "page.html").write_text(page_html, encoding="utf-8")
    return themes


@pytest.mark.parametrize(("template", "error"), [
    ("{{ config }}", UndefinedError),
    ("{{ request.environ }}", UndefinedError),
    ("{{ session }}{{ g }}", UndefinedError),
    ("{{ url_for('site.page') }}", UndefinedError),
    ("{{ page.__dict__ }}", UndefinedError),  # page is plain data: it has no such thing
    ("{{ ''.__class__.__mro__ }}", SecurityError),
    ("{{ site.__class__.__init__.__globals__ }}", SecurityError),
    ("{{ site.social.update({'a': 1}) }}", SecurityError),
])
def test_theme_templates_are_sandboxed(tmp_path: Path, template: str, error: type) -> None:
    themes = _evil_theme(tmp_path, template)
    site = renderer(write_site(tmp_path / "site", {"x.md": HOME}), "evil", themes)
    with pytest.raises(error):
        site.render_path("x")


def test_theme_context_holds_no_secret(tmp_path: Path) -> None:
    themes = _evil_theme(tmp_path, "{{ settings|list|join(',') }}|{{ site.raw|list|join(',') }}")
    site = renderer(write_site(tmp_path / "site", {"x.md": HOME}), "evil", themes)
    html = site.render_path("x").body
    assert "couleur_texte" in html
    assert "SECRET" not in html and "DATABASE" not in html and "STRIPE" not in html


def test_theme_without_slot_still_gets_the_legal_block(tmp_path: Path) -> None:
    themes = _evil_theme(tmp_path, "<main>{{ content }}</main>")
    site = renderer(write_site(tmp_path / "site", {"soutenir.md": DON, "x.md": HOME}), "evil",
                    themes)
    with_don = site.render_path("soutenir").body
    assert with_don.count("data-estrade-legal") == 1
    assert with_don.index("data-estrade-legal") < with_don.index("</main>")
    assert "data-estrade-legal" not in site.render_path("x").body


@pytest.mark.parametrize("name", SHIPPED)
def test_every_theme_places_the_legal_block_once(tmp_path: Path, name: str) -> None:
    site = renderer(write_site(tmp_path / "site", {"soutenir.md": DON}), name)
    html = site.render_path("soutenir").body
    assert html.count("data-estrade-legal") == 1 and '<html lang="fr">' in html


def test_video_is_click_to_load(tmp_path: Path) -> None:
    page = ("---\ntitle: Vidéo\n---\n::: video url=\"https://www.youtube.com/watch?v=aqz-KE-bpKQ\""
            " titre=\"Clip\"\n:::\n")
    site = renderer(write_site(tmp_path / "site", {"video.md": page}))
    output = site.render_path("video")
    assert "<iframe" not in output.body
    assert 'src="https://' not in output.body and "ytimg" not in output.body
    assert 'data-video-embed="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in output.body
    assert "frame-src https://www.youtube-nocookie.com" in output.csp
    assert "'unsafe-inline'" not in output.csp and "script-src 'self'" in output.csp


def test_head_has_seo_and_social_tags(tmp_path: Path) -> None:
    page = "---\ntitle: Programme\ndescription: Nos idées\nimage: media/p.jpg\n---\nTexte\n"
    html = renderer(write_site(tmp_path / "site", {"programme.md": page})).render_path(
        "programme").body
    for needle in ('<link rel="canonical" href="https://essai.example/programme/">',
                   '<meta name="description" content="Nos idées">',
                   '<meta property="og:title" content="Programme">',
                   '<meta property="og:image" content="https://essai.example/media/p.jpg">',
                   '<meta name="twitter:card" content="summary_large_image">',
                   "<title>Programme · Liste Essai</title>"):
        assert needle in html


def test_one_bad_page_never_takes_the_site_down(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"x.md": HOME, "casse.md": "---\ntitle: [\n---\n"})
    site = renderer(root)
    assert "Bonjour" in site.render_path("x").body
    assert [e.line for e in site.content.errors] == [2]
    assert "pages/casse.md" in str(site.content.errors[0])


def test_unknown_block_shows_a_warning_not_a_crash(tmp_path: Path) -> None:
    page = "---\ntitle: Essai\n---\n::: carrousel\n:::\n"
    output = renderer(write_site(tmp_path / "site", {"x.md": page})).render_path("x")
    assert 'class="block-error" role="alert"' in output.body
    assert any("carrousel" in w for w in output.warnings)


def test_render_cache_follows_page_and_theme_changes(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"x.md": HOME})
    assert "Bonjour" in renderer(root).render_path("x").body
    (root / "pages" / "x.md").write_text(HOME.replace("Bonjour", "Salut"), encoding="utf-8")
    later = time.time() + 5
    os.utime(root / "pages" / "x.md", (later, later))
    assert "Salut" in renderer(root).render_path("x").body
    themes = _evil_theme(tmp_path, "<main>A{{ content }}</main>")
    first = renderer(root, "evil", themes)
    assert first.render_path("x").body.startswith("<main>A")
    template = themes / "evil" / "templates" / "page.html"
    template.write_text("<main>B{{ content }}</main>", encoding="utf-8")
    os.utime(template, (later + 5, later + 5))
    theme_environment.cache_clear()
    second = renderer(root, "evil", themes)
    assert second.fingerprint != first.fingerprint
    assert second.render_path("x").body.startswith("<main>B")
