"""The staff area passes the outside judges too (Nu HTML checker, axe-core in Chromium, links):
every page an admin can open, saved as a logged-in admin sees it, with the app's static files.
(The judges cannot log in, so the pages are judged from a folder.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyotp
import pytest

from app.accounts import actions
from app.accounts.models import SITE_ROLES
from app.accounts.reset import make_token
from tests.factories import PASSWORD, create_user, tx
from tests.support.app import AuthActions, separate_client
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


def _save(out: Path, path: str, html: bytes) -> str:
    target = out / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)
    return path


def _before_login_pages(app, out: Path) -> list[str]:
    """What someone not signed in sees: login, its second step, the reset pages."""
    anonymous = separate_client(app)
    saved = [_save(out, "/admin/login/", anonymous.get("/admin/login").data),
             _save(out, "/admin/mot-de-passe-oublie/",
                   anonymous.get("/admin/mot-de-passe-oublie").data),
             _save(out, "/admin/mot-de-passe/perime/",
                   anonymous.get("/admin/mot-de-passe/perime").data)]
    token = make_token(actions.find_user("editor@example.org"))
    page = anonymous.get(f"/admin/mot-de-passe/{token}")
    assert page.status_code == 200
    saved.append(_save(out, f"/admin/mot-de-passe/{token}/", page.data))
    anonymous.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD})
    code = anonymous.get("/admin/login/code")
    assert code.status_code == 200
    saved.append(_save(out, "/admin/login/code/", code.data))
    return saved


def _enrolment_pages(app, out: Path) -> list[str]:
    """A treasurer's enrolment (QR code) and the recovery codes shown after it."""
    create_user("nouvelle.tresoriere@example.org", "treasurer", second_factor=False)
    newcomer = separate_client(app)
    newcomer.post("/admin/login", data={"email": "nouvelle.tresoriere@example.org",
                                        "password": PASSWORD})
    enrol = newcomer.get("/admin/compte/double-authentification")
    assert enrol.status_code == 200
    html = enrol.get_data(as_text=True)
    secret = html.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    done = newcomer.post("/admin/compte/double-authentification",
                         data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 201
    return [_save(out, "/admin/compte/double-authentification/", enrol.data),
            _save(out, "/admin/compte/codes-de-secours/", done.data)]


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
            "/admin/tresorerie/enregistrer/", "/admin/compte/mot-de-passe/"} <= set(pages)
    pages += _before_login_pages(app, out) + _enrolment_pages(app, out)
    # Files the pages link to (the donor list downloads) and the staff pages they link to
    # (the treasury's register and account) are saved too, for the link check.
    saved = {page.rstrip("/") for page in pages}
    linked = {href for page in pages for href in re.findall(
        r'href="(/admin/[^"#?]+)"', (out / page.lstrip("/") / "index.html").read_text())
        if href.rstrip("/") not in saved}
    assert any(re.search(r"\.\w+$", href) for href in linked), "the treasury's downloads"
    admin = separate_client(app)  # the other clients above shared the app context's user
    AuthActions(admin).login()
    for href in linked:  # an index of one site's pages may send on to that site's page
        response = admin.get(href, follow_redirects=True)
        assert response.status_code == 200, href
        target = out / href.lstrip("/")
        if response.mimetype == "text/html":
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.data)
    shutil.copytree(ROOT / "app" / "static", out / "static")
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *sorted(pages), "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
