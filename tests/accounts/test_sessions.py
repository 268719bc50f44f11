"""Sessions can be revoked and end on their own (security issue, item 6): logout, a password
change, a second-factor reset and deactivation end every session of that person, a copied
cookie included; staff sessions end after 30 minutes idle and 12 hours in all. (A cookie
replayed against a live server after logout: tests/test_live_attacks.py.)"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.accounts import sessions
from app.settings import SETTINGS
from tests.factories import PASSWORD
from tests.support.app import AuthActions, separate_client


def _copy(app: Flask, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = separate_client(app)
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_logout_no_longer_opens_admin(app, users) -> None:
    client = separate_client(app)
    AuthActions(client).login("editor@example.org")
    thief = _copy(app, client)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives
    client.post("/admin/logout")
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_logout_ends_the_sessions_on_other_machines_too(app, users) -> None:
    laptop, phone = separate_client(app), separate_client(app)
    AuthActions(laptop).login("admin@example.org")
    AuthActions(phone).login("admin@example.org")
    laptop.post("/admin/logout")
    assert phone.get("/admin/").status_code == 302


def test_a_password_change_ends_every_other_session(app, users) -> None:
    client, other = separate_client(app), separate_client(app)
    AuthActions(client).login("editor@example.org")
    AuthActions(other).login("editor@example.org")
    thief = _copy(app, client)
    new = "un-tout-autre-secret-42"
    changed = client.post("/admin/compte", data={"current": PASSWORD, "new": new,
                                                  "confirm": new})
    assert changed.status_code == 302
    assert client.get("/admin/").status_code == 200  # whoever changed it goes on
    assert other.get("/admin/").status_code == 302
    assert thief.get("/admin/").status_code == 302  # the cookie copied before the change


def test_deactivation_ends_the_sessions(app, users) -> None:
    admin, editor = separate_client(app), separate_client(app)
    AuthActions(editor).login("editor@example.org")
    AuthActions(admin).login("admin@example.org")
    assert admin.post(f"/admin/equipe/{users['editor'].id}/activation").status_code == 303
    assert editor.get("/admin/").status_code == 302
    admin.post(f"/admin/equipe/{users['editor'].id}/activation")  # reactivated
    assert editor.get("/admin/").status_code == 302  # the old session stays dead


def test_a_session_ends_after_30_minutes_idle(app, users, monkeypatch) -> None:
    clock = [sessions.now()]
    monkeypatch.setattr(sessions, "now", lambda: clock[0])
    client = separate_client(app)
    AuthActions(client).login("editor@example.org")
    for _ in range(3):  # active: each request moves the idle clock on
        clock[0] += 29 * 60
        assert client.get("/admin/").status_code == 200
    clock[0] += 31 * 60
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_a_session_ends_12_hours_after_login(app, users, monkeypatch) -> None:
    clock = [sessions.now()]
    monkeypatch.setattr(sessions, "now", lambda: clock[0])
    client = separate_client(app)
    AuthActions(client).login("editor@example.org")
    for _ in range(28):  # busy all day, a request every 25 minutes: 11 h 40 min
        clock[0] += 25 * 60
        assert client.get("/admin/").status_code == 200
    clock[0] += 25 * 60  # 12 h 5 min after login
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_durations_are_declared_settings(tmp_path) -> None:
    declared = {s.key: s.default for s in SETTINGS}
    assert declared["ESTRADE_STAFF_IDLE_MINUTES"] == 30
    assert declared["ESTRADE_STAFF_SESSION_HOURS"] == 12
