"""An incremental ``estrade build`` leaves exactly the tree a fresh full build writes."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from app.website import build, render
from app.website.build import build_site
from tests.support.built import built_files


def _edit(path: Path, old: str | None, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old is None or old in text
    path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 10
    os.utime(path, (later, later))


def _fresh(app, site, out: Path) -> dict[str, bytes]:
    """A full build from nothing: no output folder, no cache of pages or bodies."""
    shutil.rmtree(Path(app.instance_path) / "cache", ignore_errors=True)
    render._cache.clear()
    build_site(app, site, out, echo=lambda _: None)
    return built_files(out)


def test_each_incremental_build_equals_a_fresh_full_build(app, own_demo, tmp_path,
                                                           monkeypatch) -> None:
    site, content = own_demo
    out = tmp_path / "out"
    build_site(app, site, out, echo=lambda _: None)
    freezes: list[int] = []
    original = build._freeze

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        freezes.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(build, "_freeze", counted)
    pages = content / "pages"
    changes = [
        # A page's text: that page alone; the indexes are not frozen again.
        ("texte", lambda: _edit(pages / "programme" / "ecole.md", None, "\nUne ligne.\n"), 0),
        # A news item's title: its page and the indexes that list it.
        ("titre", lambda: _edit(pages / "actualites" / "lancement-campagne.md",
                                "Lancement de la campagne", "Lancement officiel"), 1),
        # A theme setting: everything.
        ("réglage", lambda: _edit(content / "site.toml", "slogan =",
                                  'couleur_principale = "#7a1f5c"\nslogan ='), 1),
        # A page taken offline: removed, and gone from the indexes.
        ("dépublication", lambda: _edit(pages / "programme" / "ecole.md", "---\n",
                                        "---\nstatus: draft\n"), 1),
    ]
    for number, (name, change, frozen) in enumerate(changes):
        change()
        freezes.clear()
        report = build_site(app, site, out, echo=lambda _: None)
        assert len(freezes) == frozen, name
        assert report.written or report.removed, name
        assert built_files(out) == _fresh(app, site, tmp_path / f"fresh-{number}"), name
