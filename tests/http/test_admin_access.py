"""Every /admin route refuses anonymous users and wrong roles; every POST needs CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.accounts.models import ROLES
from app.extensions import db
from tests.conftest import PASSWORD, make_app


def admin_routes(app: Flask) -> list[tuple[str, str, str, tuple[str, ...] | None]]:
    """(endpoint, url, method, roles) for every /admin rule; roles None = public view."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        view = app.view_functions[rule.endpoint]
        roles = None if getattr(view, "estrade_public", False) else getattr(
            view, "estrade_roles", "MISSING")
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
            url = url.replace(f"<path:{arg}>", "x")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, url, method, roles))
    return routes


def _routes() -> list[tuple[str, str, str, Any]]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        return admin_routes(make_app("sqlite://", Path(tmp)))


ROUTES = _routes()
PROTECTED = [r for r in ROUTES if r[3] is not None]


def test_routes_were_found() -> None:
    endpoints = {r[0] for r in ROUTES}
    assert {"accounts.login", "accounts.dashboard", "accounts.people"} <= endpoints


@pytest.mark.parametrize(("endpoint", "url", "method", "roles"), ROUTES,
                         ids=[f"{r[2]} {r[1]}" for r in ROUTES])
def test_every_admin_view_declares_its_roles(endpoint: str, url: str, method: str,
                                             roles: Any) -> None:
    assert roles != "MISSING", f"{endpoint} has no @roles_required or @public"


@pytest.mark.parametrize(("endpoint", "url", "method", "roles"), PROTECTED,
                         ids=[f"{r[2]} {r[1]}" for r in PROTECTED])
def test_anonymous_is_sent_to_login(client, endpoint: str, url: str, method: str,
                                    roles: Any) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 302, endpoint
    assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize(("endpoint", "url", "method", "roles"), PROTECTED,
                         ids=[f"{r[2]} {r[1]}" for r in PROTECTED])
def test_wrong_roles_get_403(client, auth, endpoint: str, url: str, method: str,
                             roles: Any) -> None:
    wrong = [role for role in ROLES if roles and role not in roles and role != "admin"]
    for role in wrong:
        client.post("/admin/logout")
        assert auth.login(f"{role}@example.org", PASSWORD).status_code == 302
        response = client.open(url, method=method)
        assert response.status_code == 403, f"{role} reached {endpoint}"


def test_admin_routes_need_the_right_role_for_people(client, auth) -> None:
    # A concrete case of the rule above that cannot pass vacuously.
    auth.login("editor@example.org")
    assert client.get("/admin/equipe").status_code == 403
    client.post("/admin/logout")
    auth.login("admin@example.org")
    assert client.get("/admin/equipe").status_code == 200


POSTS = [r for r in ROUTES if r[2] == "POST"]


@pytest.mark.parametrize(("endpoint", "url", "method", "roles"), POSTS,
                         ids=[f"{r[2]} {r[1]}" for r in POSTS])
def test_post_without_csrf_token_is_refused(database_url, tmp_path, endpoint: str, url: str,
                                            method: str, roles: Any) -> None:
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.conftest import create_user

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
