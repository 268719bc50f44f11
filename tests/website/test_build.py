"""``estrade build``: static export, incremental rebuilds, theme settings, CLI."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from flask import has_request_context

from app.extensions import db
from app.website import build, render
from app.website.build import BuildError, build_site


def _touch(path: Path, text: str | None = None) -> None:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    later = time.time() + 10
    os.utime(path, (later, later))


def _main(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html[html.index("<main"):html.index("</main>")]


def _build(app, site, out: Path, **options):
    lines: list[str] = []
    report = build_site(app, site, out, echo=lines.append, **options)
    return report, lines


def test_build_writes_the_whole_site(app, own_demo, tmp_path) -> None:
    site, _ = own_demo
    out = tmp_path / "out"
    report, lines = _build(app, site, out)
    for name in ("index.html", "programme/ecologie/index.html", "actualites/index.html",
                 "actualites/atom.xml", "sitemap.xml", "robots.txt", "404.html",
                 "mentions-legales/index.html", "confidentialite/index.html",
                 "_theme/base.css", "_theme/settings.css", "_theme/site.js",
                 "media/logo.svg", "media/_img/480/place-du-marche.webp",
                 "media/_img/1600/place-du-marche.jpg"):
        assert (out / name).is_file(), name
    assert [line[:5] for line in lines] == ["[1/4]", "     ", "[2/4]", "[3/4]", "[4/4]"]
    don = (out / "faire-un-don" / "index.html").read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:5000/don?montant=20"' in don and 'href="/don' not in don
    assert don.count("data-estrade-legal") == 1
    assert len(report.pages_written) == 7 and not report.removed


def test_the_export_renders_the_legal_block_without_a_request(app, own_demo, tmp_path,
                                                             monkeypatch) -> None:
    site, _ = own_demo
    during: list[bool] = []
    original = build.make_renderer

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        during.append(has_request_context())
        return original(*args, **kwargs)

    monkeypatch.setattr(build, "make_renderer", spy)
    _build(app, site, tmp_path / "out")
    assert during == [False]
    don = (tmp_path / "out" / "faire-un-don" / "index.html").read_text(encoding="utf-8")
    assert don.count("data-estrade-legal") == 1 and "L. 52-8" in don


def test_second_build_rewrites_only_what_changed(app, own_demo, tmp_path) -> None:
    site, content = own_demo
    out = tmp_path / "out"
    _build(app, site, out)
    again, lines = _build(app, site, out)
    assert again.written == [] and "0 à rendre" in lines[2]
    _touch(content / "pages" / "programme" / "ecole.md",
           (content / "pages" / "programme" / "ecole.md").read_text(encoding="utf-8")
           + "\nUne ligne de plus.\n")
    one, lines = _build(app, site, out)
    assert one.pages_written == ["programme/ecole/index.html"]
    assert one.frozen_written == [] and "1 à rendre, 6 inchangées" in lines[2]
    assert "Une ligne de plus." in (out / "programme/ecole/index.html").read_text(encoding="utf-8")
    # A news item's title is shown by the indexes that list it: they are rewritten too.
    news = content / "pages" / "actualites" / "lancement-campagne.md"
    _touch(news, news.read_text(encoding="utf-8").replace("Lancement de la campagne",
                                                          "Lancement officiel"))
    listed, _ = _build(app, site, out)
    assert listed.pages_written == ["actualites/lancement-campagne/index.html"]
    assert sorted(listed.frozen_written) == ["actualites/atom.xml", "actualites/index.html",
                                             "index.html"]
    # A page taken offline disappears from the export.
    _touch(content / "pages" / "programme" / "ecole.md", "---\ntitle: École\nstatus: draft\n---\n")
    removed, _ = _build(app, site, out)
    assert removed.removed == ["programme/ecole/index.html"]
    assert not (out / "programme" / "ecole").exists()


def test_theme_settings_change_the_built_site(app, own_demo, tmp_path) -> None:
    site, content = own_demo
    out = tmp_path / "out"
    first, _ = _build(app, site, out)
    mains = {name: _main(out / name) for name in first.pages_written}
    toml = content / "site.toml"
    text = toml.read_text(encoding="utf-8")
    _touch(toml, text.replace('logo = "media/logo.svg"', 'logo = "media/autre-logo.svg"\n'
                              'couleur_principale = "#7a1f5c"'))
    shutil.copy(content / "media" / "logo.svg", content / "media" / "autre-logo.svg")
    render._cache.clear()  # as in a new process: no page body already rendered
    report, _ = _build(app, site, out)
    assert "--couleur-principale: #7a1f5c;" in (out / "_theme/settings.css").read_text()
    assert 'src="/media/autre-logo.svg"' in (out / "equipe/index.html").read_text()
    assert len(report.pages_written) == 7  # a site-wide change rewrites every page
    # ...from the page cache, which keeps no page text: each body is read back in full.
    assert {name: _main(out / name) for name in report.pages_written} == mains
    _touch(toml, text.replace('slogan =', 'couleur_texte = "#999999"\nslogan ='))
    with pytest.raises(BuildError) as refused:
        _build(app, site, out)
    assert "Contraste insuffisant" in str(refused.value) and "4,5:1" in str(refused.value)


def test_build_with_another_theme_keeps_the_site_setting(app, own_demo, tmp_path) -> None:
    site, _ = own_demo
    _build(app, site, tmp_path / "out", theme="moderne")
    assert "theme-moderne" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    db.session.refresh(site)
    assert site.theme == "base"


def test_bad_page_is_reported_and_the_rest_is_built(app, own_demo, tmp_path) -> None:
    site, content = own_demo
    _touch(content / "pages" / "casse.md", "---\ntitle: Cassée\ndate: demain\n---\n")
    report, lines = _build(app, site, tmp_path / "out")
    assert any("pages/casse.md, ligne 3" in w for w in report.warnings)
    assert any("avertissement" in line for line in lines)
    assert (tmp_path / "out" / "programme" / "index.html").is_file()


def test_cli_build(app, runner, own_demo, tmp_path) -> None:
    out = tmp_path / "cli-out"
    result = runner.invoke(args=["build", "--site", "demo", "--out", str(out),
                                 "--base-url", "https://saint-aubin.example",
                                 "--donate-url", "https://app.saint-aubin.example/don"])
    assert result.exit_code == 0, result.output
    assert "[2/4] Pages : 7 à rendre" in result.output and "Terminé en" in result.output
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://saint-aubin.example/">' in home
    assert 'href="https://app.saint-aubin.example/don?montant=20"' in home
    again = runner.invoke(args=["build", "--site", "demo", "--out", str(out),
                                "--base-url", "https://saint-aubin.example",
                                "--donate-url", "https://app.saint-aubin.example/don"])
    assert "0 fichier(s) réécrit(s)" in again.output
    missing = runner.invoke(args=["build", "--site", "nulle", "--out", str(out)])
    assert missing.exit_code == 1 and "introuvable" in missing.output
    bad_theme = runner.invoke(args=["build", "--site", "demo", "--out", str(out),
                                    "--theme", "inexistant"])
    assert bad_theme.exit_code == 1 and "Thème introuvable" in bad_theme.output
