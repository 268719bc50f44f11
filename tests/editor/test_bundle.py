"""The committed editor bundle is exactly what frontend/editor builds (no hand edit, no
stale build), with its third-party licences beside it, and the editor loads nothing from
elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT

FRONTEND = ROOT / "frontend" / "editor"
VENDOR = ROOT / "app" / "static" / "vendor"
FILES = ("estrade-editor.js", "estrade-editor.LICENSES.txt")
REQUIRED = bool(os.environ.get("CI") or os.environ.get("ESTRADE_REQUIRE_BROWSER"))


@pytest.mark.node
def test_rebuilding_the_editor_gives_the_same_bytes(tmp_path: Path) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js absent : le paquet de l'éditeur ne peut pas être reconstruit ici")
    if not (FRONTEND / "node_modules").is_dir():
        if not REQUIRED:
            pytest.skip("dépendances absentes : lancez « cd frontend/editor && npm ci »")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True,
                       timeout=600)
    subprocess.run([node, "build.mjs", str(tmp_path)], cwd=FRONTEND, check=True, timeout=300)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (VENDOR / name).read_bytes(), (
            f"{name} n'est pas ce que frontend/editor construit : lancez « node build.mjs »")


def test_the_bundle_is_committed_with_its_licences_and_pinned_sources() -> None:
    licences = (VENDOR / "estrade-editor.LICENSES.txt").read_text(encoding="utf-8")
    for package in ("@tiptap/core", "@tiptap/markdown", "prosemirror-model", "marked"):
        assert package in licences
    package = (FRONTEND / "package.json").read_text(encoding="utf-8")
    assert not re.search(r'"[~^]\d', package), "versions must be pinned exactly"
    assert (FRONTEND / "package-lock.json").is_file()
    glue = (ROOT / "app" / "static" / "editor.js").read_text(encoding="utf-8")
    assert "import('./vendor/estrade-editor.js')" in glue  # served by the app itself
    bundle = (VENDOR / "estrade-editor.js").read_text(encoding="utf-8")
    assert not re.search(r"""import\s*\(?\s*["']https?://""", bundle)  # nothing from a CDN
