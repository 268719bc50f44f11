"""Publish to static (ESTRADE_STATIC_ROOT): the files nginx serves are the app's own pages."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from app.website.static_root import MARKER, app_prefixes, file_for, publish
from tests.support.paths import ROOT


@pytest.fixture
def static(app, demo_site, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    root = tmp_path / "static"
    app.config.update(ESTRADE_CONTENT_DIR=str(content), ESTRADE_STATIC_ROOT=str(root),
                      ESTRADE_CONTENT_RECHECK_SECONDS=30.0)
    return demo_site, content / "demo", root


def test_file_for_addresses() -> None:
    assert file_for("/") == "index.html"
    assert file_for("/programme/ecologie/") == "programme/ecologie/index.html"
    assert file_for("/sitemap.xml") == "sitemap.xml"


def test_sync_writes_every_address_as_the_app_serves_it(app, client, static) -> None:
    site, _, root = static
    report = publish(site)
    folder = root / "127.0.0.1"  # hosts sorted: the first holds the files
    assert report.folder == folder and report.hosts == ["127.0.0.1", "localhost"]
    assert (root / "localhost").is_symlink() and os.readlink(root / "localhost") == "127.0.0.1"
    for name in ("index.html", "programme/index.html", "actualites/index.html",
                 "actualites/atom.xml", "sitemap.xml", "robots.txt",
                 "mentions-legales/index.html", "_theme/settings.css"):
        assert (folder / name).is_file(), name
    for path in ("/", "/programme/", "/actualites/atom.xml", "/sitemap.xml"):
        response = client.get(path, base_url="http://127.0.0.1:5000")
        assert response.status_code == 200
        assert (folder / file_for(path)).read_bytes() == response.data, path
    marker = json.loads((folder / MARKER).read_text())
    assert marker["site"] == "demo" and "programme/index.html" in marker["files"]
    again = publish(site)
    assert again.written == [] and again.unchanged == len(marker["files"])


def test_publish_one_page_rewrites_it_and_what_it_touches(app, static) -> None:
    site, content, root = static
    publish(site)
    folder = root / "127.0.0.1"
    page = content / "pages" / "programme" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: ", "title: Nouveau titre publié ", 1), encoding="utf-8")
    report = publish(site, ["/programme/"])
    assert "programme/index.html" in report.written
    assert "Nouveau titre publié" in (folder / "programme/index.html").read_text()
    untouched = {"mentions-legales/index.html", "confidentialite/index.html", "robots.txt"}
    assert not untouched & set(report.written)


def test_unpublished_page_file_is_removed(app, static) -> None:
    site, content, root = static
    publish(site)
    folder = root / "127.0.0.1"
    assert (folder / "programme/ecologie/index.html").is_file()
    (content / "pages" / "programme" / "ecologie.md").unlink()
    report = publish(site, ["/programme/ecologie/"])
    assert "programme/ecologie/index.html" in report.removed
    assert not (folder / "programme/ecologie/index.html").exists()


def test_app_prefixes_are_never_written(app, static) -> None:
    site, content, root = static
    assert {"admin", "don", "stripe"} <= set(app_prefixes())
    (content / "pages" / "admin.md").write_text("---\ntitle: Piège\n---\nPas ici.\n")
    (content / "pages" / "don.md").write_text("---\ntitle: Piège\n---\nPas ici.\n")
    report = publish(site)
    assert "/admin/" in report.skipped and "/don/" in report.skipped
    assert not (root / "127.0.0.1" / "admin").exists()
    assert not (root / "127.0.0.1" / "don").exists()


def test_off_without_a_static_root(app, demo_site) -> None:
    app.config["ESTRADE_STATIC_ROOT"] = ""
    assert publish(demo_site).folder is None


def test_a_folder_of_another_site_is_refused(app, static) -> None:
    from app.website.static_root import StaticRootError

    site, _, root = static
    folder = root / "127.0.0.1"
    folder.mkdir(parents=True)
    (folder / MARKER).write_text(json.dumps({"site": "rival", "files": []}))
    with pytest.raises(StaticRootError, match="rival"):
        publish(site)


def test_static_sync_command(app, runner, static) -> None:
    _, _, root = static
    stray = root / "ancien.example"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.symlink_to("127.0.0.1")
    result = runner.invoke(args=["static", "sync"])
    assert result.exit_code == 0, result.output
    assert "demo (127.0.0.1, localhost)" in result.output
    assert (root / "127.0.0.1" / "index.html").is_file()
    assert not stray.is_symlink()  # no site declares it any more
    result = runner.invoke(args=["build", "--site", "demo"])
    assert result.exit_code == 0 and "0 fichier(s) écrit(s)" in result.output


def test_static_sync_without_a_root_says_so(app, runner, demo_site) -> None:
    app.config["ESTRADE_STATIC_ROOT"] = ""
    result = runner.invoke(args=["static", "sync"])
    assert result.exit_code == 1 and "ESTRADE_STATIC_ROOT" in result.output


def test_build_all_into_a_folder(app, runner, static, tmp_path: Path) -> None:
    result = runner.invoke(args=["build", "--all", "--out", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "all" / "demo" / "index.html").is_file()
