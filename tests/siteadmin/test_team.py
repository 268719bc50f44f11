"""« Équipe du site »: an invitation by e-mail (through a real SMTP server) carries a link that
sets a password once and expires; an address that already has an account just gets the role
and a notification, and whoever invites sees the same answer either way; roles are set and
taken back on this site only."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.audit import AuditEntry
from app.extensions import db
from tests.factories import create_user, demo_site, rival_site
from tests.support.app import AuthActions, inside, make_app, separate_client
from tests.support.paths import ROOT
from tests.support.smtp import Inbox, free_port, smtp_server

NEW = "un-mot-de-passe-choisi-2032"
TEAM = "/admin/sites/demo/equipe"


@pytest.fixture
def mailer(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Inbox]]:
    port = free_port()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with smtp_server(port) as inbox:
        application = make_app(database_url, tmp_path, ESTRADE_MAIL_SERVER="127.0.0.1",
                               ESTRADE_MAIL_PORT=port, ESTRADE_CONTENT_DIR=str(content))
        with inside(application):
            from app.campaigns.demo import seed_demo

            seed_demo(application)
            create_user("chef@example.org", "site_admin")
            create_user("deja@example.org", "editor", sites=[])
            yield application, inbox


def _wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 30  # the mail goes after the response
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _invite(client: Any, email: str, role: str = "editor") -> Any:
    response = client.post(TEAM, data={"email": email, "role": role},
                           base_url="http://localhost")
    # The request's session ends with the request (here, the test's context lives on: end
    # its read), then the WSGI server closes the answer and the mail leaves.
    db.session.rollback()
    response.close()
    return response


def _flash(client: Any) -> str:
    html = client.get(TEAM).get_data(as_text=True)
    found = re.search(r'<p class="flash flash-success">([^<]*)</p>', html)
    assert found, html
    return found.group(1)


def test_an_invitation_link_sets_a_password_once(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    admin = separate_client(app)
    AuthActions(admin).login("chef@example.org")
    assert _invite(admin, "Nouvelle@Example.org").status_code == 303
    _wait_for(inbox, 1)
    assert inbox.recipients == [["nouvelle@example.org"]]
    assert "Saint-Aubin" in inbox.messages[0]["Subject"]
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "Rédacteur" in body and "7 jours" in body
    link = re.search(r"http://localhost(/admin/invitation/\S+)", body)
    assert link, body
    person = separate_client(app)
    form = person.get(link.group(1))
    assert form.status_code == 200 and "Bienvenue" in form.get_data(as_text=True)
    assert person.post(link.group(1), data={"new": NEW, "confirm": NEW}).status_code == 303
    assert AuthActions(person).login("nouvelle@example.org", NEW).status_code == 302
    assert person.get("/admin/pages/").status_code == 200  # an editor of the demo site
    person.post("/admin/logout")
    assert person.get(link.group(1)).status_code == 410  # used
    user = db.session.scalar(select(User).where(User.email == "nouvelle@example.org"))
    assert user is not None and user.roles_on(demo_site().id) == {"editor"}


def test_an_expired_invitation_is_refused(mailer: tuple[Flask, Inbox], monkeypatch) -> None:
    app, inbox = mailer
    admin = separate_client(app)
    AuthActions(admin).login("chef@example.org")
    _invite(admin, "tard@example.org")
    _wait_for(inbox, 1)
    link = re.search(r"http://localhost(/admin/invitation/\S+)",
                     inbox.messages[0].get_body(("plain",)).get_content())
    assert link
    from app.accounts import invitations

    monkeypatch.setattr(invitations, "INVITE_MAX_AGE_SECONDS", -1)
    assert separate_client(app).get(link.group(1)).status_code == 410
    # A reset link is no invitation, nor the other way round.
    assert separate_client(app).get(link.group(1).replace("/invitation/", "/mot-de-passe/")
                                    ).status_code == 410


def test_an_existing_account_is_not_revealed(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    admin = separate_client(app)
    AuthActions(admin).login("chef@example.org")
    fresh, known = _invite(admin, "inconnue@example.org"), None
    fresh_flash = _flash(admin)
    known = _invite(admin, "deja@example.org")
    known_flash = _flash(admin)
    assert (fresh.status_code, fresh.headers["Location"]) == (known.status_code,
                                                              known.headers["Location"])
    assert fresh_flash.replace("inconnue", "X") == known_flash.replace("deja", "X")
    _wait_for(inbox, 2)
    notice = next(m for m in inbox.messages if m["To"] == "deja@example.org")
    text = notice.get_body(("plain",)).get_content()
    assert "/admin/invitation/" not in text and "/admin/login" in text
    existing = db.session.scalar(select(User).where(User.email == "deja@example.org"))
    assert existing is not None and existing.roles_on(demo_site().id) == {"editor"}
    # The site's journal holds the same rows for both; the account's creation is the
    # installation's, not the site's.
    rows = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.site_id == demo_site().id, AuditEntry.action.like("membership.%"))).all()
    assert sorted(rows) == ["membership.grant"] * 2 + ["membership.invite"] * 2
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert created is not None and created.site_id is None


def test_roles_are_set_and_taken_back_on_this_site(mailer: tuple[Flask, Inbox]) -> None:
    app, _ = mailer
    admin = separate_client(app)
    AuthActions(admin).login("chef@example.org")
    _invite(admin, "deja@example.org")
    person = db.session.scalar(select(User).where(User.email == "deja@example.org"))
    assert person is not None
    url = f"{TEAM}/{person.id}"
    assert admin.post(f"{url}/role", data={"role": "treasurer"}).status_code == 303
    db.session.expire_all()
    assert person.roles_on(demo_site().id) == {"treasurer"}
    assert admin.post(f"{url}/retirer").status_code == 303
    db.session.expire_all()
    assert person.roles_on(demo_site().id) == set()
    assert admin.post(f"{url}/retirer").status_code == 404  # no longer of this site
    chef = db.session.scalar(select(User).where(User.email == "chef@example.org"))
    assert chef is not None
    admin.post(f"{TEAM}/{chef.id}/retirer")
    assert "vous retirer vous-même" in admin.get(TEAM).get_data(as_text=True)
    db.session.expire_all()
    assert chef.roles_on(demo_site().id) == {"site_admin"}


def test_the_installation_admin_manages_every_sites_team(mailer: tuple[Flask, Inbox]) -> None:
    app, _ = mailer
    rival_site(Path(app.config["ESTRADE_CONTENT_DIR"]))
    create_user("admin@example.org", "admin")
    admin = separate_client(app)
    AuthActions(admin).login("admin@example.org")
    assert admin.get("/admin/sites/rivale/equipe").status_code == 200
    invited = _invite(admin, "x@example.org")
    assert invited.status_code == 303, invited.get_data(as_text=True)
    chef = separate_client(app)
    AuthActions(chef).login("chef@example.org")
    assert chef.get("/admin/sites/rivale/equipe").status_code == 404


def test_the_command_line_invites_too(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    app.config["ESTRADE_STAFF_URL"] = "https://equipe.example"
    result = app.test_cli_runner().invoke(args=["users", "invite", "cli@example.org",
                                                "--site", "demo", "--role", "treasurer"])
    assert result.exit_code == 0, result.output
    assert "Trésorier" in result.output
    _wait_for(inbox, 1)
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "https://equipe.example/admin/invitation/" in body
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
    assert user is not None and user.roles_on(demo_site().id) == {"treasurer"}
