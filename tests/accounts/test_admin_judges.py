"""The staff area passes the outside judges too (Nu HTML checker, axe-core in Chromium, links):
every page an admin can open, saved as a logged-in admin sees it, with the app's static files.
(The judges cannot log in, so the pages are judged from a folder.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.accounts import actions
from app.accounts.models import SITE_ROLES
from tests.factories import tx
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_staff_pages_pass_the_judges(app, client, auth, users, demo_site,
                                     tmp_path: Path) -> None:
    # The admin `estrade init` makes: the installation's, and every role on the demo site.
    for role in SITE_ROLES:
        tx(actions.grant, users["admin"], demo_site, role, actor=None)
    auth.login()
    out = tmp_path / "admin-site"
    pages = []
    for rule in app.url_map.iter_rules():
        url = str(rule)
        if not url.startswith("/admin") or "GET" not in (rule.methods or ()) or "<" in url:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # the login page sends a logged-in admin on
        path = url.rstrip("/") + "/"
        target = out / path.lstrip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.data)
        if not url.startswith("/admin/pages"):  # judged with what it links to: tests/editor
            pages.append(path)
    assert {"/admin/", "/admin/equipe/", "/admin/compte/", "/admin/tresorerie/",
            "/admin/tresorerie/enregistrer/"} <= set(pages)
    # Files the pages link to (the donor list downloads) are saved too, for the link check.
    linked = {href for page in pages for href in re.findall(
        r'href="(/admin/[^"#?]+\.\w+)"', (out / page.lstrip("/") / "index.html").read_text())}
    assert linked, "the treasury page links to its downloads"
    for href in linked:
        response = client.get(href)
        assert response.status_code == 200, href
        (out / href.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (out / href.lstrip("/")).write_bytes(response.data)
    shutil.copytree(ROOT / "app" / "static", out / "static")
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *sorted(pages), "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
