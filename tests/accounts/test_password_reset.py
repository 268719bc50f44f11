"""Password reset by e-mail (security issue, item 5), through a real SMTP server: signed links
that expire after an hour and work once, the same answer whether an account has the address
or not, throttled requests, no link for a forged host name."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.mail import OutgoingMail
from tests.factories import PASSWORD, create_user
from tests.support.app import AuthActions, inside, make_app, separate_client
from tests.support.smtp import Inbox, free_port, smtp_server

NEW = "un-nouveau-secret-2027"


@pytest.fixture
def mailer(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Inbox]]:
    port = free_port()
    with smtp_server(port) as inbox:
        application = make_app(database_url, tmp_path, ESTRADE_MAIL_SERVER="127.0.0.1",
                               ESTRADE_MAIL_PORT=port)
        with inside(application):
            from app.campaigns.demo import seed_demo

            seed_demo(application)
            create_user("editor@example.org", "editor")
            yield application, inbox


def _wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 30  # the mail goes after the response
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _ask(client: Any, email: str, host: str = "localhost") -> Any:
    response = client.post("/admin/mot-de-passe-oublie", data={"email": email},
                           base_url=f"http://{host}")
    response.close()  # as a WSGI server does once the answer has gone: the mail leaves then
    return response


def _link(inbox: Inbox) -> str:
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    found = re.search(r"http://localhost(/admin/mot-de-passe/\S+)", body)
    assert found, body
    return found.group(1)


def test_a_reset_link_works_once(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    client, elsewhere = separate_client(app), separate_client(app)
    AuthActions(elsewhere).login("editor@example.org")
    asked = _ask(client, "Editor@Example.org")
    assert asked.status_code == 303 and asked.headers["Location"] == "/admin/login"
    _wait_for(inbox, 1)
    assert inbox.recipients == [["editor@example.org"]]
    assert inbox.messages[0]["Subject"] == "Réinitialisation de votre mot de passe Estrade"
    link = _link(inbox)
    form = client.get(link)
    assert form.status_code == 200 and 'autocomplete="new-password"' in form.get_data(
        as_text=True)
    weak = client.post(link, data={"new": "court", "confirm": "court"})
    assert weak.status_code == 422
    done = client.post(link, data={"new": NEW, "confirm": NEW})
    assert done.status_code == 303
    assert AuthActions(client).login("editor@example.org", NEW).status_code == 302
    assert elsewhere.get("/admin/").status_code == 302  # every earlier session has ended
    # The same link again: dead, as the password it was made for is gone.
    client.post("/admin/logout")
    assert client.get(link).status_code == 410
    assert client.post(link, data={"new": "encore-un-autre-9", "confirm": "encore-un-autre-9"}
                       ).status_code == 410
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"user.password_reset_request", "user.password_reset"} <= set(actions)


def test_the_answer_is_the_same_for_an_unknown_address(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    known, unknown = separate_client(app), separate_client(app)
    a, b = _ask(known, "editor@example.org"), _ask(unknown, "personne@example.org")
    assert (a.status_code, a.headers["Location"]) == (b.status_code, b.headers["Location"])
    pages = [c.get("/admin/login").get_data(as_text=True) for c in (known, unknown)]
    assert pages[0] == pages[1] and "Si un compte existe pour cette adresse" in pages[0]
    _wait_for(inbox, 1)
    time.sleep(0.3)
    assert inbox.recipients == [["editor@example.org"]]
    assert db.session.scalar(select(OutgoingMail.to).where(
        OutgoingMail.to == "personne@example.org")) is None


def test_an_expired_or_forged_link_is_refused(mailer: tuple[Flask, Inbox], monkeypatch) -> None:
    app, inbox = mailer
    client = separate_client(app)
    _ask(client, "editor@example.org")
    _wait_for(inbox, 1)
    link = _link(inbox)
    assert client.get(link[:-3] + "abc").status_code == 410
    later = time.time() + 3601
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get(link).status_code == 410


def test_a_forged_host_gets_no_link(mailer: tuple[Flask, Inbox]) -> None:
    app, inbox = mailer
    response = _ask(separate_client(app), "editor@example.org", host="evil.example")
    assert response.status_code == 303  # the same answer…
    time.sleep(0.5)
    assert inbox.messages == []  # …but no mail pointing at someone else's server
    assert "evil.example" not in " ".join(db.session.scalars(select(OutgoingMail.text)))
    app.config["ESTRADE_STAFF_URL"] = "https://equipe.example.fr"
    _ask(separate_client(app), "editor@example.org", host="evil.example")
    _wait_for(inbox, 1)
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "https://equipe.example.fr/admin/mot-de-passe/" in body and "evil" not in body


def test_reset_requests_are_throttled(mailer: tuple[Flask, Inbox]) -> None:
    app, _ = mailer
    client = separate_client(app)
    statuses = [client.post("/admin/mot-de-passe-oublie", data={"email": "editor@example.org"},
                            environ_base={"REMOTE_ADDR": f"10.5.0.{i}"},
                            base_url="http://localhost").status_code for i in range(6)]
    assert statuses == [303] * 5 + [429]
    page = client.post("/admin/mot-de-passe-oublie", data={"email": f"x{PASSWORD}@example.org"},
                       environ_base={"REMOTE_ADDR": "10.5.1.1"})
    assert page.status_code == 303  # another address and e-mail: not held back


def test_on_a_live_server_the_mail_leaves_after_the_answer(mailer: tuple[Flask, Inbox]) -> None:
    import requests

    from tests.support.live import LiveServer

    app, inbox = mailer
    server = LiveServer(app)
    server.start()
    try:
        answer = requests.post(f"{server.url}/admin/mot-de-passe-oublie", timeout=30,
                               data={"email": "editor@example.org"}, allow_redirects=False)
        assert answer.status_code == 303
        _wait_for(inbox, 1)
    finally:
        server.stop()
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert f"{server.url}/admin/mot-de-passe/" in body  # this machine: its own address
