"""Every /admin route declares who may reach it; anonymous visitors go to the login page;
a member of one site gets 403 or 404 on each of a rival site's resources; every POST needs
its CSRF token."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.access import access_of
from app.campaigns.models import Site
from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.config import PROJECT_ROOT
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import PASSWORD, create_user, identity, tx
from tests.support.app import make_app


def admin_routes(app: Flask) -> list[tuple[str, str, str, Any]]:
    """(endpoint, url, method, access) for every /admin rule (access None: undeclared)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        access = access_of(app.view_functions[rule.endpoint])
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
            url = url.replace(f"<path:{arg}>", "x")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, url, method, access))
    return routes


def _routes() -> list[tuple[str, str, str, Any]]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        return admin_routes(make_app("sqlite://", Path(tmp)))


ROUTES = _routes()
PROTECTED = [r for r in ROUTES if r[3] is not None and r[3].audience != "public"]


def test_routes_were_found() -> None:
    endpoints = {r[0] for r in ROUTES}
    assert {"accounts.login", "accounts.dashboard", "accounts.people",
            "treasury.export"} <= endpoints


@pytest.mark.parametrize(("endpoint", "url", "method", "access"), ROUTES,
                         ids=[f"{r[2]} {r[1]}" for r in ROUTES])
def test_every_admin_view_declares_its_access(endpoint: str, url: str, method: str,
                                              access: Any) -> None:
    assert access is not None, f"{endpoint} declares no access (app.access)"


@pytest.mark.parametrize(("endpoint", "url", "method", "access"), PROTECTED,
                         ids=[f"{r[2]} {r[1]}" for r in PROTECTED])
def test_anonymous_is_sent_to_login(client, endpoint: str, url: str, method: str,
                                    access: Any) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 302, endpoint
    assert "/admin/login" in response.headers["Location"]


def test_editors_cannot_reach_people_or_money(client, auth) -> None:
    auth.login("editor@example.org")
    assert client.get("/admin/equipe").status_code == 403
    assert client.get("/admin/tresorerie/").status_code == 403
    client.post("/admin/logout")
    auth.login("admin@example.org")
    assert client.get("/admin/equipe").status_code == 200
    # The installation admin manages people, not a campaign's money.
    assert client.get("/admin/tresorerie/").status_code == 403


# --------------------------------------------------------------------------- rival sites


@pytest.fixture
def rival(app: Flask, users: dict[str, Any], tmp_path) -> dict[str, Any]:
    """A rival list of the same election, its treasurer, a donor's gift and a refund request."""
    spec = parse_campaign_file(PROJECT_ROOT / "content" / "demo" / "campaign.toml")
    site = tx(create_site, "rivale", "Liste rivale", ["rivale.example"])
    tx(load_campaign, site, spec)
    treasurer = create_user("tresorier.rival@example.org", "treasurer", sites=[site])
    editor = create_user("redaction.rival@example.org", "editor", sites=[site])
    outcome = tx(record_gift, GiftInput(
        campaign_id=site.campaign.id, amount_cents=460_000, on=date(2026, 11, 15),
        method="cheque", identity=identity("Secret", "Donatrice")))
    from app.donations.models import RefundRequest

    request = RefundRequest(entry_id=outcome.entry_id, charge_id="ch_rival", amount_cents=100,
                            reason="essai")
    db.session.add(request)
    db.session.commit()
    return {"site": site, "treasurer": treasurer, "editor": editor, "refund": request.id}


def rival_urls(rival: dict[str, Any]) -> list[tuple[str, str]]:
    site = rival["site"]
    return [
        ("GET", f"/admin/tresorerie/{site.campaign.id}/donateurs.csv"),
        ("GET", f"/admin/tresorerie/{site.campaign.id}/donateurs.xlsx"),
        ("POST", f"/admin/tresorerie/remboursements/{rival['refund']}/approuver"),
        ("POST", f"/admin/equipe/{rival['treasurer'].id}/roles/rivale/treasurer/retirer"),
        ("POST", f"/admin/equipe/{rival['editor'].id}/roles"),
    ]


@pytest.mark.parametrize("member", ["treasurer", "editor"])
def test_a_member_of_one_site_gets_nothing_of_a_rival_site(client, auth, users, rival,
                                                           member: str) -> None:
    auth.login(f"{member}@example.org")
    for method, url in rival_urls(rival):
        response = client.open(url, method=method, data={"site": "rivale", "role": "editor"})
        assert response.status_code in (403, 404), f"{member}: {method} {url}"
    page = client.get("/admin/tresorerie/")
    if member == "treasurer":
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Liste rivale" not in html
        assert "Secret" not in html
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Liste rivale" not in dashboard
    db.session.expire_all()
    assert rival["treasurer"].roles_on(rival["site"].id) == {"treasurer"}


def test_the_rival_treasurer_sees_only_their_own_campaign(client, auth, users, rival) -> None:
    auth.login("tresorier.rival@example.org")
    demo = db.session.scalar(select(Site).where(Site.slug == "demo"))
    assert client.get(f"/admin/tresorerie/{demo.campaign.id}/donateurs.csv").status_code == 404
    own = client.get(f"/admin/tresorerie/{rival['site'].campaign.id}/donateurs.csv")
    assert own.status_code == 200 and "Secret" in own.get_data(as_text=True)
    assert client.get("/admin/equipe").status_code == 403


def test_the_demo_treasurer_cannot_approve_the_rivals_refund(runner, users, rival) -> None:
    result = runner.invoke(args=["refunds", "approve", str(rival["refund"]), "--by",
                                 "treasurer@example.org"])
    assert result.exit_code == 1
    assert "n'est pas trésorier de cette campagne" in result.output


POSTS = [r for r in ROUTES if r[2] == "POST"]


@pytest.mark.parametrize(("endpoint", "url", "method", "access"), POSTS,
                         ids=[f"{r[2]} {r[1]}" for r in POSTS])
def test_post_without_csrf_token_is_refused(database_url, tmp_path, endpoint: str, url: str,
                                            method: str, access: Any) -> None:
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user("admin@example.org", "admin")
        client = app.test_client()
        # Log in with a valid token, then post without one.
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        ok = client.post("/admin/login", data={"email": "admin@example.org",
                                               "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 302
        response = client.post(url, data={"role": "editor", "email": "x@example.org"})
        db.session.remove()
        db.engine.dispose()
        assert response.status_code == 400, endpoint
        assert "Rechargez la page" in response.get_data(as_text=True)
