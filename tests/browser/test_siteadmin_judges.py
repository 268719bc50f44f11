"""A site's administration passes the outside judges (Nu HTML checker, axe-core, links) at
desktop and phone widths: settings (with an error shown), campaign, team, journal (with rows
and pages), the sites list, host names and the invitation page, saved as their users see them,
with every staff page they link to saved beside them (the judges cannot log in)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask

from app.accounts.invitations import INVITE_SALT
from app.accounts.reset import make_token
from tests.factories import create_user
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


def _save(out: Path, url: str, data: bytes, html: bool) -> None:
    target = out / url.lstrip("/")
    if html:
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_site_admin_pages_pass_the_judges(app: Flask, client, auth, users, demo_site,
                                          tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    create_user("chef@example.org", "site_admin", sites=[demo_site])
    auth.login("chef@example.org")
    client.post("/admin/sites/demo/equipe", data={"email": "nouvelle@example.org",
                                                  "role": "editor"})
    for n in range(55):  # two pages of journal
        client.post("/admin/sites/demo/reglages", data={
            "title": f"Saint-Aubin {n}", "language": "fr", "presets": "20, 50",
            "directeur_publication": "Claire Morel"})
    out = tmp_path / "sites"
    saved: dict[str, bytes] = {}
    seen: set[str] = set()

    def keep(page: str, data: bytes) -> None:
        """Save ``page`` and whatever staff page or file it links to (as whoever is logged
        in now)."""
        saved[page] = data
        _save(out, page, data, html=True)
        seen.add(page.rstrip("/"))
        for href in sorted(set(re.findall(r'href="(/admin/[^"#?]*)', data.decode()))):
            if href.rstrip("/") in seen or href.rstrip("/") + "/" in saved:
                continue
            seen.add(href.rstrip("/"))
            response = client.get(href, follow_redirects=True)  # one site's index: its page
            assert response.status_code == 200, href
            _save(out, href, response.data, html=response.mimetype == "text/html")
    for route in ("/admin/sites/", "/admin/sites/demo/reglages", "/admin/sites/demo/campagne",
                  "/admin/sites/demo/equipe", "/admin/sites/demo/journal"):
        response = client.get(route)
        assert response.status_code == 200 and response.mimetype == "text/html", route
        keep(route.rstrip("/") + "/", response.data)
    wrong = client.post("/admin/sites/demo/reglages", data={
        "title": "", "language": "fr", "base_url": "ftp://x", "presets": "9000"})
    assert wrong.status_code == 422
    keep("/admin/sites/demo/reglages-erreur/", wrong.data)
    refused = client.post("/admin/sites/demo/campagne", data={
        "election_kind": "municipales", "election_round1": "2032-03-14",
        "election_scope": "generale", "campaign_mode": "petite-commune",
        "campaign_population": "200000"})
    assert refused.status_code == 422
    assert "MAND-4" in refused.get_data(as_text=True)
    keep("/admin/sites/demo/campagne-refus/", refused.data)
    client.post("/admin/logout")
    auth.login("admin@example.org")
    keep("/admin/sites/demo/hotes/", client.get("/admin/sites/demo/hotes").data)
    keep("/admin/sites/journal/", client.get("/admin/sites/journal").data)
    client.post("/admin/logout")
    from app.accounts.actions import find_user

    invited = find_user("nouvelle@example.org")
    assert invited is not None
    link = f"/admin/invitation/{make_token(invited, INVITE_SALT)}"
    answer = client.get(link)
    assert answer.status_code == 200
    keep("/admin/invitation/", answer.data)
    pages = list(saved)
    shutil.copytree(ROOT / "app" / "static", out / "static")
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *pages, "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
