"""The second factor (security issue, item 5): TOTP with recovery codes, enrolled in the browser
from a QR code, required for installation admins, treasurers and site admins before anything
else; login asks for a code after the password; an admin can reset it (audited)."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from sqlalchemy import select

from app.accounts import sessions
from app.accounts.models import RecoveryCode, User
from app.audit import AuditEntry
from app.extensions import db
from tests.factories import PASSWORD, create_user, totp_code, totp_secret
from tests.support.app import AuthActions, separate_client


def _enrolled_secret(html: str) -> str:
    found = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert found, html[:2000]
    return found.group(1).replace(" ", "")


def _recovery_codes(html: str) -> list[str]:
    return re.findall(r'<li><code class="secret">([0-9a-f]{5}-[0-9a-f]{5})</code></li>', html)


def test_a_treasurer_must_enrol_before_anything_else(client, demo_site) -> None:
    user = create_user("nouveau.tresorier@example.org", "treasurer", second_factor=False)
    first = AuthActions(client).login("nouveau.tresorier@example.org")
    assert first.status_code == 302  # no code asked: there is none yet
    for url in ("/admin/", "/admin/tresorerie/", "/admin/compte"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/admin/compte/double-authentification"
    page = client.get("/admin/compte/double-authentification")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="fr"' in html
    assert 'src="data:image/svg+xml' in html  # the QR code: an image, no script
    assert 'autocomplete="one-time-code"' in html and '<label for="code">' in html
    secret = _enrolled_secret(html)
    assert client.get("/admin/compte/double-authentification").get_data(as_text=True).count(
        secret[:4]) >= 1  # the same secret until confirmed
    wrong = client.post("/admin/compte/double-authentification", data={"code": "000000"})
    assert wrong.status_code == 422 and "pas valide" in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret is None
    done = client.post("/admin/compte/double-authentification",
                       data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 201
    codes = _recovery_codes(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_secret == secret and user.has_second_factor
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never kept as such
    assert client.get("/admin/tresorerie/").status_code == 200
    assert "user.totp_enable" in db.session.scalars(select(AuditEntry.action)).all()


def test_an_editor_is_not_forced(client, users) -> None:
    AuthActions(client).login("editor@example.org")
    assert client.get("/admin/").status_code == 200
    account = client.get("/admin/compte").get_data(as_text=True)
    assert "Activer la double authentification" in account


def test_login_asks_for_the_code_after_the_password(client, users) -> None:
    response = client.post("/admin/login?next=/admin/equipe",
                           data={"email": "admin@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/login/code"
    assert client.get("/admin/").status_code == 302  # not logged in yet
    page = client.get("/admin/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and "codes de secours" in page
    refused = client.post("/admin/login/code", data={"code": "123456"})
    assert refused.status_code == 422 and "pas valide" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    code = totp_code("admin@example.org")
    ok = client.post("/admin/login/code", data={"code": code})
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/equipe"
    assert client.get("/admin/").status_code == 200
    reasons = [e.details_dict.get("reason") for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "login.failed"))]
    assert reasons == ["code"]
    # The same code a second time (a code seen over a shoulder) is refused.
    client.post("/admin/logout")
    client.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD})
    again = client.post("/admin/login/code", data={"code": code})
    assert again.status_code == 422


def test_no_code_step_without_the_password_first(client, users) -> None:
    response = client.post("/admin/login/code", data={"code": totp_code("admin@example.org")})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    assert client.get("/admin/").status_code == 302


def test_the_code_step_expires(client, users, monkeypatch) -> None:
    client.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD})
    later = sessions.now() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.post("/admin/login/code", data={"code": totp_code("admin@example.org")})
    assert response.headers["Location"] == "/admin/login"
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled(client, users) -> None:
    client.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD})
    statuses = [client.post("/admin/login/code", data={"code": f"{i:06d}"},
                            environ_base={"REMOTE_ADDR": f"10.9.0.{i}"}).status_code
                for i in range(6)]
    assert statuses == [422] * 5 + [429]


def test_a_recovery_code_works_once(client, demo_site) -> None:
    create_user("tresoriere@example.org", "treasurer", second_factor=False)
    auth = AuthActions(client)
    auth.login("tresoriere@example.org")
    secret = _enrolled_secret(client.get("/admin/compte/double-authentification")
                              .get_data(as_text=True))
    codes = _recovery_codes(client.post("/admin/compte/double-authentification", data={
        "code": pyotp.TOTP(secret).now()}).get_data(as_text=True))
    client.post("/admin/logout")
    for attempt, expected in ((codes[0].upper().replace("-", " "), 302), (codes[0], 422)):
        client.post("/admin/login", data={"email": "tresoriere@example.org",
                                          "password": PASSWORD})
        response = client.post("/admin/login/code", data={"code": attempt})
        assert response.status_code == expected, attempt
        client.post("/admin/logout")
    assert "user.recovery_code_used" in db.session.scalars(select(AuditEntry.action)).all()


def test_new_recovery_codes_replace_the_old_ones(client, auth) -> None:
    auth.login()
    account = client.get("/admin/compte").get_data(as_text=True)
    assert "Codes de secours encore utilisables : 0" in account
    assert client.post("/admin/compte/codes-de-secours", data={"code": "000000"}
                       ).status_code == 303
    first = _recovery_codes(client.post("/admin/compte/codes-de-secours", data={
        "code": totp_code("admin@example.org")}).get_data(as_text=True))
    second = _recovery_codes(client.post("/admin/compte/codes-de-secours", data={
        "code": totp_code("admin@example.org")}).get_data(as_text=True))
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    client.post("/admin/logout")
    client.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert client.post("/admin/login/code", data={"code": first[0]}).status_code == 422
    assert client.post("/admin/login/code", data={"code": second[0]}).status_code == 302


def test_the_admin_resets_someones_second_factor(app, users) -> None:
    treasurer = users["treasurer"]
    client, other = separate_client(app), separate_client(app)
    auth = AuthActions(client)
    AuthActions(other).login("treasurer@example.org")
    assert other.get("/admin/tresorerie/").status_code == 200
    auth.login()
    assert "Réinitialiser la double authentification" in client.get(
        "/admin/equipe").get_data(as_text=True)
    response = client.post(f"/admin/equipe/{treasurer.id}/double-authentification/reinitialiser")
    assert response.status_code == 303
    db.session.refresh(treasurer)
    assert treasurer.totp_secret is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.totp_reset"))
    assert entry is not None and entry.object_id == str(treasurer.id)
    assert entry.user_id == users["admin"].id
    # Their sessions ended; at their next login they enrol again.
    assert other.get("/admin/tresorerie/").status_code == 302
    AuthActions(other).login("treasurer@example.org")
    assert other.get("/admin/").headers["Location"] == "/admin/compte/double-authentification"


def test_only_the_installation_admin_resets_a_second_factor(client, users, demo_site) -> None:
    create_user("chef@example.org", "site_admin", sites=[demo_site])
    AuthActions(client).login("chef@example.org")
    target: Any = users["treasurer"]
    response = client.post(f"/admin/equipe/{target.id}/double-authentification/reinitialiser")
    assert response.status_code == 403
    assert db.session.get(User, target.id).totp_secret == totp_secret("treasurer@example.org")


def test_the_operator_resets_a_second_factor_from_the_command_line(runner, users) -> None:
    result = runner.invoke(args=["users", "totp-reset", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "retirée" in result.output
    admin = db.session.get(User, users["admin"].id)
    db.session.refresh(admin)
    assert admin.totp_secret is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.totp_reset"))
    assert entry is not None and entry.details_dict["via"] == "cli" and entry.user_id is None
