"""The administrator ``estrade init`` generates (security issue, item 5): its password is shown
once, and at first login every staff page asks for a new one, then for the second factor;
``estrade init`` says so."""

from __future__ import annotations

import pyotp
from flask import Flask

from app.accounts.actions import find_user
from app.extensions import db
from tests.support.app import AuthActions, separate_client


def _init(app: Flask, monkeypatch) -> str:
    monkeypatch.delenv("ESTRADE_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("ESTRADE_ADMIN_EMAIL", raising=False)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_generated_admin_must_change_its_password_first(app, monkeypatch) -> None:
    output = _init(app, monkeypatch)
    assert "un nouveau mot de passe vous sera demandé" in output
    assert "double authentification" in output
    password = output.split("mot de passe : ")[1].split()[0]
    admin = find_user("admin@example.org")
    assert admin is not None and admin.must_change_password
    client = separate_client(app)
    assert AuthActions(client).login("admin@example.org", password).status_code == 302
    for url in ("/admin/", "/admin/equipe", "/admin/tresorerie/", "/admin/compte",
                "/admin/compte/double-authentification"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/admin/compte/mot-de-passe", url
    form = client.get("/admin/compte/mot-de-passe").get_data(as_text=True)
    assert "mot de passe provisoire" in form and 'autocomplete="new-password"' in form
    same = client.post("/admin/compte/mot-de-passe", data={
        "current": password, "new": password, "confirm": password})
    assert same.status_code == 422
    new = "mon-secret-a-moi-2027"
    done = client.post("/admin/compte/mot-de-passe", data={
        "current": password, "new": new, "confirm": new})
    assert done.status_code == 302
    db.session.refresh(admin)
    assert not admin.must_change_password and admin.check_password(new)
    # Then the second factor, before anything else (an installation admin must have one).
    assert client.get("/admin/").headers["Location"] == "/admin/compte/double-authentification"
    page = client.get("/admin/compte/double-authentification").get_data(as_text=True)
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert client.post("/admin/compte/double-authentification", data={
        "code": pyotp.TOTP(secret).now()}).status_code == 201
    assert client.get("/admin/").status_code == 200
    # estrade init no longer shows the old password.
    again = _init(app, monkeypatch)
    assert password not in again and "un nouveau mot de passe" not in again


def test_a_chosen_password_is_kept(app, monkeypatch) -> None:
    monkeypatch.setenv("ESTRADE_ADMIN_PASSWORD", "choisi-par-l-operateur-27")
    result = app.test_cli_runner().invoke(args=["init", "--no-demo"])
    assert result.exit_code == 0, result.output
    admin = find_user("admin@example.org")
    assert admin is not None and not admin.must_change_password
