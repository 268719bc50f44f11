"""Login, logout, people management and own password."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.audit import AuditEntry
from app.extensions import db
from tests.factories import PASSWORD


def test_login_page_is_french(client) -> None:
    page = client.get("/admin/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="fr"' in html and "Connexion" in html and "Mot de passe" in html


def test_login_and_logout(client, auth, users) -> None:
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert users["admin"].last_login_at is not None
    auth.logout()
    assert client.get("/admin/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth) -> None:
    response = auth.login(password="not-the-password")
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_elsewhere(client, auth) -> None:
    response = auth.login(next="https://evil.example/")
    assert response.headers["Location"] == "/admin/"


def test_admin_creates_user_with_generated_password(client, auth, demo_site) -> None:
    auth.login()
    response = client.post("/admin/equipe", data={"email": "New@Example.org", "site": "demo",
                                                  "role": "editor"})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user is not None and user.roles_on(demo_site.id) == {"editor"}
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert user.check_password(secret)


def test_invalid_user_creation_explains(client, auth) -> None:
    auth.login()
    bad = client.post("/admin/equipe", data={"email": "pas-une-adresse", "site": "demo",
                                             "role": "editor"})
    assert bad.status_code == 422
    assert "pas valide" in bad.get_data(as_text=True)
    weak = client.post("/admin/equipe", data={"email": "a@example.org", "site": "demo",
                                              "role": "editor", "password": "court"})
    assert "au moins 12 caractères" in weak.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "a@example.org")) is None


def test_role_change_and_deactivation_are_audited(client, auth, users, demo_site) -> None:
    auth.login()
    editor = users["editor"]
    client.post(f"/admin/equipe/{editor.id}/roles", data={"site": "demo", "role": "treasurer"})
    client.post(f"/admin/equipe/{editor.id}/roles/demo/editor/retirer", data={})
    client.post(f"/admin/equipe/{editor.id}/activation", data={})
    db.session.refresh(editor)
    assert editor.roles_on(demo_site.id) == {"treasurer"} and editor.active is False
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_id == str(editor.id))).all()
    assert {"membership.grant", "membership.revoke", "user.deactivate"} <= set(actions)
    # Never deleted: the account is still there and can no longer log in.
    client.post("/admin/logout")
    response = client.post("/admin/login", data={"email": "editor@example.org",
                                                 "password": PASSWORD})
    assert response.status_code == 422 and "désactivé" in response.get_data(as_text=True)


def test_last_admin_cannot_be_deactivated(client, auth, users) -> None:
    auth.login()
    admin = users["admin"]
    response = client.post(f"/admin/equipe/{admin.id}/activation", data={})
    db.session.refresh(admin)
    assert admin.is_admin and admin.active
    assert "il doit rester un administrateur" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_change_own_password(client, auth, users) -> None:
    auth.login("editor@example.org")
    weak = client.post("/admin/compte", data={"current": PASSWORD, "new": "abc",
                                              "confirm": "abc"})
    assert weak.status_code == 422
    new = "un-tout-autre-secret-42"
    ok = client.post("/admin/compte", data={"current": PASSWORD, "new": new, "confirm": new})
    assert ok.status_code == 302
    db.session.refresh(users["editor"])
    assert users["editor"].check_password(new)


def test_english_is_available(client, auth, users) -> None:
    auth.login()
    client.post("/admin/compte/langue", data={"locale": "en"})
    html = client.get("/admin/").get_data(as_text=True)
    assert 'lang="en"' in html and "Dashboard" in html
