"""Outgoing mail over a real aiosmtpd server with TLS: STARTTLS and implicit TLS with a
password, the server's certificate checked (a certificate from an authority the app does not
trust is refused and nothing is sent), never a fallback to clear text (issue 9, item 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.dbutil import transaction
from app.extensions import db
from app.mail import OutgoingMail, queue, send_pending
from tests.support.smtp import Password, free_port, smtp_server
from tests.support.tls import Certificates, make_certificates

USER, SECRET = "campagne@example.org", "mot-de-passe-smtp"


@pytest.fixture
def certs(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path / "tls")


def _queue_one(key: str = "test:1") -> None:
    with transaction():
        queue(key, "alice@example.org", "Objet", "Bonjour", "<p>Bonjour</p>")


def _mail(key: str = "test:1") -> OutgoingMail:
    db.session.expire_all()
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.key == key))
    assert mail is not None
    return mail


def _configure(app: Flask, port: int, security: str, ca_file: Path | None, **extra: Any) -> None:
    app.config.update({"ESTRADE_MAIL_SERVER": "127.0.0.1", "ESTRADE_MAIL_PORT": port,
                       "ESTRADE_MAIL_SECURITY": security,
                       "ESTRADE_MAIL_CA_FILE": str(ca_file) if ca_file else "",
                       "ESTRADE_MAIL_USERNAME": USER, "ESTRADE_MAIL_PASSWORD": SECRET, **extra})


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_sent_over_tls_with_a_password_and_a_checked_certificate(
        app: Flask, certs: Certificates, security: str) -> None:
    port = free_port()
    _configure(app, port, security, certs.ca_file)
    _queue_one()
    server = ({"starttls": certs.server_context()} if security == "starttls"
              else {"implicit_tls": certs.server_context()})
    with smtp_server(port, password=Password(USER, SECRET), **server) as inbox:
        assert send_pending() == (1, 0)
    assert inbox.encrypted == [True] and inbox.users == [USER]
    assert inbox.recipients == [["alice@example.org"]]
    assert _mail().sent_at is not None


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_unknown_authority_is_refused(app: Flask, certs: Certificates, tmp_path: Path,
                                         security: str) -> None:
    """The system's authorities (no ESTRADE_MAIL_CA_FILE) or another CA: refused."""
    stranger = make_certificates(tmp_path / "other", authority="Another CA")
    port = free_port()
    server = ({"starttls": certs.server_context()} if security == "starttls"
              else {"implicit_tls": certs.server_context()})
    for trusted in (None, stranger.ca_file):
        _configure(app, port, security, trusted)
        _queue_one(f"test:{trusted}")
        with smtp_server(port, password=Password(USER, SECRET), **server) as inbox:
            assert send_pending(keys=[f"test:{trusted}"]) == (0, 1)
        assert inbox.messages == []
        mail = _mail(f"test:{trusted}")
        assert mail.sent_at is None and "CERTIFICATE_VERIFY_FAILED" in (mail.last_error or "")


def test_a_server_without_starttls_is_refused_not_used_in_clear(app: Flask) -> None:
    port = free_port()
    _configure(app, port, "starttls", None, ESTRADE_MAIL_USERNAME="")
    _queue_one()
    with smtp_server(port) as inbox:  # plain SMTP, no STARTTLS offered
        assert send_pending() == (0, 1)
    assert inbox.messages == [] and "STARTTLS" in (_mail().last_error or "")


def test_a_misspelt_security_mode_never_sends_in_clear(app: Flask) -> None:
    port = free_port()
    _configure(app, port, "startls", None, ESTRADE_MAIL_USERNAME="")
    _queue_one()
    with smtp_server(port) as inbox:
        assert send_pending() == (0, 1)
    assert inbox.messages == [] and "startls" in (_mail().last_error or "")


def test_no_resolver_call_when_sending(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """EHLO and Message-ID name the sender's domain: smtplib and email.utils would ask the
    resolver for this machine's FQDN per mail, stalling it where DNS is slow (a CI failure:
    an invitation not received within 10 s)."""
    import socket

    port = free_port()
    _configure(app, port, "none", None, ESTRADE_MAIL_USERNAME="",
               ESTRADE_MAIL_SENDER="Campagne <no-reply@rennes-en-commun.fr>")
    _queue_one()
    with smtp_server(port) as inbox:
        def no_dns(*args: Any) -> str:
            raise AssertionError("socket.getfqdn() called while sending")

        monkeypatch.setattr(socket, "getfqdn", no_dns)
        assert send_pending() == (1, 0)
    assert inbox.messages[0]["Message-ID"].endswith("@rennes-en-commun.fr>")


def test_helo_name_is_the_sender_domain() -> None:
    from app.mail import helo_name

    assert helo_name("Campagne <no-reply@example.fr>") == "example.fr"
    assert helo_name("no-reply@localhost") == "localhost"
    assert helo_name("pas une adresse") == "localhost"
    assert helo_name("x@exa_mple;.fr") == "localhost"
