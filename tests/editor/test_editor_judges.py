"""The editor's pages under the outside judges (Nu HTML checker, axe-core, broken links) at
desktop and phone widths, with every page they link to saved beside them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.editor.models import EditorPage
from app.extensions import db
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


def save(client, out: Path, url: str, required: bool = True) -> str:
    """Save ``url`` into ``out``; one that is missing is left to the judges to report."""
    # files are streamed: closed here; an index of one site's pages sends on to that site's
    with client.get(url, follow_redirects=True) as response:
        response.make_sequence()
    if not required and response.status_code != 200:
        return ""
    assert response.status_code == 200, url
    target = out / url.lstrip("/")
    if url.endswith("/") or response.mimetype == "text/html":
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.data)
    return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_editor_pages_pass_the_judges(client, auth, users, tmp_path: Path) -> None:
    auth.login("editor@example.org")
    client.get("/admin/pages/")
    client.post("/admin/pages/demo/nouvelle", data={"kind": "page", "title": "Nos idées"})
    new = db.session.scalar(select(EditorPage.id).where(EditorPage.path == "nos-idees.md"))
    home = db.session.scalar(select(EditorPage.id).where(EditorPage.path == "index.md"))
    # A new page opens in the visual mode without asking the server (a static copy cannot
    # answer the fidelity check's POST).
    pages = ["/admin/pages/", f"/admin/pages/{new}/", f"/admin/pages/{home}/historique",
             "/admin/pages/demo/nouvelle"]
    out = tmp_path / "editor-site"
    linked: set[str] = set()
    for url in pages:
        html = save(client, out, url)
        linked |= set(re.findall(r'(?:href|src)="(/[^"#?]*)"', html))
    for _depth in range(2):  # the pages linked, and what the preview itself loads
        found: set[str] = set()
        for url in sorted(linked - set(pages)):
            done = out / url.lstrip("/")
            if url.startswith(("/static/", "/admin/logout")) or done.is_file() or (
                    done / "index.html").is_file():
                continue
            html = save(client, out, url, required=False)
            found |= set(re.findall(r'(?:href|src|srcset)="(/[^"#? ]*)', html))
        linked = found
    shutil.copytree(ROOT / "app" / "static", out / "static")
    starts = [p if p.endswith("/") else p + "/" for p in pages]
    for viewport in ("1280x800", "375x812"):
        run_check_site(str(out), *starts, "--no-crawl", "--viewport", viewport, "--verbose")
