"""The « Créer un site » wizard's pages under the outside judges (Nu HTML checker, axe-core,
links) at desktop and phone widths: every step as the admin sees it, a step with its errors
and the list of communes of the search without JavaScript, each saved with what it links to
(the judges cannot log in, so they judge a folder)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges
URL = "/admin/sites/nouveau"
VALUES = {
    "title": "Rennes en commun", "candidate": "Nadia Le Gall", "kind": "municipales",
    "round1": "2032-03-14", "round2": "2032-03-21", "commune": "Rennes",
    "mandataire_type": "AFE", "mandataire_name": "Association de financement",
    "mandataire_declared_on": "2031-09-15", "directeur": "Nadia Le Gall",
}


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    return target


def _save(out: Path, url: str, data: bytes, html: bool) -> None:
    target = out / url.lstrip("/")
    if html:
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_wizard_pages_pass_the_judges(client: Any, auth: Any, users: Any,
                                          tmp_path: Path) -> None:
    auth.login("admin@example.org")
    out = tmp_path / "assistant"
    answers = {
        "/admin/sites/nouveau/": client.get(URL),
        "/admin/sites/etape-2/": client.post(URL, data={**VALUES, "step": "site"}),
        "/admin/sites/recherche/": client.post(URL, data={**VALUES, "commune": "Pacé",
                                                          "step": "election", "search": "1"}),
        "/admin/sites/etape-3/": client.post(URL, data={**VALUES, "step": "election"}),
        "/admin/sites/etape-4/": client.post(URL, data={**VALUES, "step": "mandataire"}),
        "/admin/sites/etape-5/": client.post(URL, data={**VALUES, "step": "mentions"}),
        "/admin/sites/erreurs/": client.post(URL, data={**VALUES, "title": "",
                                                        "mandataire_declared_on": "2033-01-01",
                                                        "step": "mandataire"}),
        "/admin/sites/petite-commune/": client.post(URL, data={**VALUES, "commune": "Acigné",
                                                               "step": "election"}),
    }
    for page, response in answers.items():
        assert response.mimetype == "text/html", page
        assert response.status_code in (200, 400), page
        _save(out, page, response.data, html=True)
    assert "Étape 5 sur 5" in answers["/admin/sites/etape-5/"].get_data(as_text=True)
    assert 'href="#f-title"' in answers["/admin/sites/erreurs/"].get_data(as_text=True)
    seen = set(answers)
    for page in list(answers):
        html = (out / page.lstrip("/") / "index.html").read_text(encoding="utf-8")
        for href in set(re.findall(r'href="(/admin/[^"#?]*)', html)):
            key = href.rstrip("/") + "/"
            if key in seen or href.startswith("/admin/sites/nouveau"):
                continue
            seen.add(key)
            response = client.get(href)
            assert response.status_code == 200, href
            _save(out, href, response.data, html=response.mimetype == "text/html")
    shutil.copytree(ROOT / "app" / "static", out / "static")
    pages = list(answers)
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *pages, "--no-crawl", "--viewport", viewport,
                                 "--verbose")
        assert f"{len(pages)} passed, 0 failed" in verdict
