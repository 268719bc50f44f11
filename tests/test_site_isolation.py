"""Issue 11, acceptance 5: a member of one site cannot see or change another site's pages,
media, settings, people or money. Generic over the route inventory: every route declared for
the members of a site (``Access.audience == "site"``) that names a site, a page, a person…
in its URL is called with the OTHER site's values, by GET and by POST with a valid CSRF token,
and must answer 403 or 404 and change nothing (database and content folder). A route whose
URL parameter is not in :data:`VALUES` fails the test: a route added later is covered once
its parameter is named here. Routes without URL parameters (lists, forms naming the site in
their body) must not show the other site's data and, posted to with the other site's ids,
change nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from app.access import access_of
from app.accounts.models import Membership
from app.campaigns.models import Site
from app.dbutil import transaction
from app.extensions import db
from tests.factories import PASSWORD, create_user, identity, rival_site, totp_code, tx
from tests.support.app import inside, make_app, separate_client
from tests.support.paths import ROOT

#: What the other site's data shows as, if a page ever leaks it.
MARKERS = ("Liste rivale", "redaction.rival@example.org", "Secretdonatrice", "po_rival")


def _routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(rule, endpoint, methods) of every route declared for a site's members."""
    found = []
    for rule in app.url_map.iter_rules():
        access = access_of(app.view_functions[rule.endpoint])
        if access is not None and access.audience == "site":
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            found.append((rule.rule, rule.endpoint, methods))
    return sorted(found)


def _url(rule: str, values: dict[str, str]) -> str:
    unknown = [name for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)
               if name not in values]
    if unknown:
        pytest.fail(f"{rule}: paramètre(s) {unknown} inconnu(s) du test d'isolement : "
                    "ajoutez leur valeur pour l'autre site dans VALUES.")
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule)


def _snapshot(content: Path) -> str:
    """Every row of every table, and every file of the content folder."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in sorted(db.metadata.sorted_tables, key=lambda t: t.name):
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}\n".encode())
    for path in sorted(content.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(content).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Two sites of one election: ours (« demo ») and the rival's, with a page, a person, a
    gift, a donor and a refund request on the rival's side."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True,
                   ESTRADE_CONTENT_DIR=str(content))
    with inside(app):
        from app.campaigns.demo import seed_demo
        from app.donations.models import RefundRequest
        from app.editor.actions import sync_site
        from app.ledger.gifts import GiftInput, record_gift

        seed_demo(app)
        demo = db.session.scalar(sa.select(Site).where(Site.slug == "demo"))
        rival = rival_site(content)
        rival_editor = create_user("redaction.rival@example.org", "editor", sites=[rival])
        editor = create_user("editor@example.org", "editor", sites=[demo])
        every = create_user("tout@example.org", "site_admin", sites=[demo])
        for role in ("editor", "treasurer"):
            every.memberships.append(Membership(site_id=demo.id, role=role))
        db.session.commit()
        with transaction():
            pages = sync_site(rival)
            sync_site(demo)
        outcome = tx(record_gift, GiftInput(
            campaign_id=rival.campaign.id, amount_cents=30_000, on=date(2026, 11, 15),
            method="cheque", identity=identity("Secretdonatrice", "Ines")))
        request = RefundRequest(entry_id=outcome.entry_id, charge_id="ch_rival",
                                amount_cents=100, reason="essai")
        db.session.add(request)
        db.session.commit()
        page = pages[0]
        values = {
            "slug": rival.slug, "site": rival.slug, "user_id": str(rival_editor.id),
            "role": "editor", "page_id": str(page.id), "revision_id": str(page.head_id),
            "campaign_id": str(rival.campaign.id), "request_id": str(request.id),
            "donor_id": str(outcome.donor_id), "fmt": "csv", "kind": "depense",
            "payout_id": "po_rival",
            # media (the media library names a file of the site's media/ folder)
            "name": "place-du-marche.jpg", "filename": "place-du-marche.jpg",
            "media_id": "place-du-marche.jpg",
        }
        body = {"site": rival.slug, "role": "editor", "email": "intrus@example.org",
                "campaign": str(rival.campaign.id), "campaign_id": str(rival.campaign.id),
                "page_id": str(page.id), "title": "Piraté", "slug": rival.slug}
        yield {"app": app, "content": content, "values": values, "body": body,
               "actors": {"editor": editor.email, "every role": every.email}}


def _login(client: FlaskClient, email: str) -> str:
    """Log in through the forms with their CSRF tokens; the session's token."""
    def token(path: str) -> str:
        # The test's one app context keeps Flask-WTF's token in ``g`` across requests (and
        # sessions): forget it, so the page puts a token in this session.
        g.pop("csrf_token", None)
        page = client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, page
        return found.group(1)

    answer = client.post("/admin/login", data={"email": email, "password": PASSWORD,
                                               "csrf_token": token("/admin/login")})
    if answer.headers.get("Location", "").endswith("/admin/login/code"):
        answer = client.post("/admin/login/code", data={
            "code": totp_code(email), "csrf_token": token("/admin/login/code")})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return token("/admin/compte")


@pytest.mark.parametrize("actor", ["editor", "every role"])
def test_a_member_of_one_site_gets_nothing_of_another(world: dict[str, Any],
                                                      actor: str) -> None:
    app, content = world["app"], world["content"]
    client = separate_client(app)
    csrf = _login(client, world["actors"][actor])
    routes = _routes(app)
    assert {"siteadmin.settings", "siteadmin.team", "editor.edit", "treasury.export"} <= {
        endpoint for _, endpoint, _ in routes}
    for rule, _, methods in routes:  # the lists first: they pick their own site's files up
        if "<" not in rule and "GET" in methods:
            client.get(rule)
    db.session.rollback()
    before = _snapshot(content)
    leaks, answered = [], []
    for rule, endpoint, methods in routes:
        scoped = "<" in rule
        url = _url(rule, world["values"])
        for method in ("GET", "POST"):
            if method not in methods:
                continue
            data = {**world["body"], "csrf_token": csrf} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            text = response.get_data(as_text=True)
            db.session.rollback()
            if scoped and response.status_code not in (403, 404):
                leaks.append(f"{method} {url} ({endpoint}) : {response.status_code}")
            if any(marker in text for marker in MARKERS):
                leaks.append(f"{method} {url} ({endpoint}) montre l'autre site")
            if _snapshot(content) != before:
                leaks.append(f"{method} {url} ({endpoint}) a changé quelque chose")
                before = _snapshot(content)
            answered.append(url)
    assert leaks == [], "\n".join(leaks)
    assert len(answered) >= 40


def test_the_walk_fails_on_an_unknown_parameter() -> None:
    with pytest.raises(pytest.fail.Exception, match="inconnu"):
        _url("/admin/sites/<slug>/nouveau/<int:gadget_id>", {"slug": "x"})
    assert _url("/admin/pages/<int:page_id>/", {"page_id": "7"}) == "/admin/pages/7/"
