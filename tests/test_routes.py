"""The route inventory: every route of the app declares who may reach it and whether its POSTs
need a CSRF token (app.access), and the declaration matches what the app does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app.access import Access, access_of, public
from app.extensions import csrf
from tests.support.app import make_app

#: Flask's own route for app/static (the staff area's CSS and scripts): public files.
FLASK_STATIC = {"static"}


def inventory(app: Flask) -> list[tuple[str, str, Access | None]]:
    """(rule, endpoint, declared access) of every route."""
    return sorted((rule.rule, rule.endpoint, access_of(app.view_functions[rule.endpoint]))
                  for rule in app.url_map.iter_rules() if rule.endpoint not in FLASK_STATIC)


def undeclared(app: Flask) -> list[str]:
    return [f"{rule} ({endpoint})" for rule, endpoint, access in inventory(app)
            if access is None]


def csrf_exempt(app: Flask, endpoint: str) -> bool:
    view = app.view_functions[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    exempt_blueprints = {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints}
    return (f"{view.__module__}.{view.__name__}" in csrf._exempt_views
            or blueprint in exempt_blueprints)


def _app(tmp_path: Path) -> Flask:
    return make_app("sqlite://", tmp_path)


def test_every_route_is_declared(tmp_path: Path) -> None:
    app = _app(tmp_path)
    found = {endpoint for _, endpoint, _ in inventory(app)}
    assert {"website.page", "donations.donate", "stripe_webhook.receive",
            "accounts.login", "treasury.dashboard"} <= found
    assert undeclared(app) == []


def test_declared_csrf_is_what_the_app_checks(tmp_path: Path) -> None:
    app = _app(tmp_path)
    for rule, endpoint, access in inventory(app):
        assert access is not None
        assert csrf_exempt(app, endpoint) == (not access.csrf), f"{rule}: {access}"
    webhooks = [endpoint for _, endpoint, access in inventory(app)
                if access and access.audience == "webhook"]
    assert webhooks == ["stripe_webhook.receive"]


#: The staff area's pages for people not signed in yet: logging in, resetting a password,
#: accepting an invitation.
BEFORE_LOGIN = {"/admin/login", "/admin/login/code", "/admin/mot-de-passe-oublie",
                "/admin/mot-de-passe/<token>", "/admin/invitation/<token>"}


def test_staff_routes_live_under_admin(tmp_path: Path) -> None:
    for rule, _, access in inventory(_app(tmp_path)):
        assert access is not None
        staff = access.audience in ("staff", "admin", "site")
        assert staff == (rule.startswith("/admin") and rule not in BEFORE_LOGIN), rule


def test_the_inventory_finds_an_undeclared_route(tmp_path: Path) -> None:
    app = _app(tmp_path)

    def forgotten() -> Any:
        return "?"

    def declared() -> Any:
        return "!"

    app.add_url_rule("/oubli", "oubli", forgotten)
    app.add_url_rule("/declaree", "declaree", public(declared))
    assert undeclared(app) == ["/oubli (oubli)"]
