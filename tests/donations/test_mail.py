"""Confirmation e-mails through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.donations.mail import compose
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from app.mail import SMTP_TIMEOUT_SECONDS, OutgoingMail
from tests.factories import new_donation
from tests.support.live import LiveServer
from tests.support.smtp import free_port, smtp_server
from tests.support.webhooks import SignedEvent, completed, entries, fresh, pay, post


def _use_smtp(app: Flask, port: int) -> None:
    app.config.update(ESTRADE_MAIL_SERVER="127.0.0.1", ESTRADE_MAIL_PORT=port,
                      ESTRADE_MAIL_SENDER="Campagne Claire Morel <dons@example.org>")


def _mails() -> list[OutgoingMail]:
    db.session.rollback()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_confirmation_mail_is_received_in_french_text_and_html(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    port = free_port()
    _use_smtp(wapp, port)
    donation = new_donation(5_000)
    intent = pay(stripe_gateway, donation)
    with smtp_server(port) as inbox:
        for _ in range(2):
            assert post(wclient, completed(signed_event, donation, intent)) == 200
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert inbox.recipients == [[donation.email]]
    assert message["From"] == "Campagne Claire Morel <dons@example.org>"
    assert message["Subject"].startswith("Merci pour votre don de 50,00")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "50,00" in part and "don ponctuel" in part
        assert "Claire Morel" in part and "Julien Besson" in part  # campaign, mandataire
        assert "reçu-don" in part and "CNCCFP" in part and "66 %" in part  # TAX-1
        assert "Les dons sont exclusivement versés à" in part  # DON-9 legal mentions
        assert "4 600 euros" in part and "45 000 €" in part  # L52-8, L113-1 III
        assert "Mode démonstration" not in part
    assert '<html lang="fr">' in html
    [mail] = _mails()
    assert (mail.key, mail.attempts, mail.last_error) == \
        (f"confirmation:{intent['latest_charge']['id']}", 1, None)
    assert mail.sent_at is not None


def test_smtp_down_keeps_the_gift_and_the_mail_is_sent_later(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    port = free_port()  # nothing listens there yet
    _use_smtp(wapp, port)
    donation = new_donation(12_000)
    intent = pay(stripe_gateway, donation)
    assert post(wclient, completed(signed_event, donation, intent)) == 200
    assert fresh(donation.id).status == "paid" and len(entries("donation")) == 1
    [mail] = _mails()
    assert mail.sent_at is None and mail.attempts == 1
    assert "Connection" in (mail.last_error or "")
    runner = wapp.test_cli_runner()
    down = runner.invoke(args=["mail", "send"])
    assert down.exit_code == 1 and "1 échec" in down.output
    with smtp_server(port) as inbox:
        sent = runner.invoke(args=["mail", "send"])
        assert sent.exit_code == 0, sent.output
        assert sent.output.startswith("1 courriel(s) envoyé(s)")
        again = runner.invoke(args=["mail", "send"])
        assert again.output.startswith("0 courriel(s) envoyé(s), 0 échec(s), 0 en attente")
    assert len(inbox.messages) == 1
    assert "120,00" in inbox.messages[0].get_body(("plain",)).get_content()
    [mail] = _mails()
    assert mail.sent_at is not None and mail.attempts == 3 and mail.last_error is None


def test_without_a_mail_server_mail_is_logged_and_marked_sent(
        wapp: Flask, wclient: FlaskClient, stripe_gateway: StripeGateway,
        signed_event: SignedEvent) -> None:
    wapp.config["ESTRADE_MAIL_SERVER"] = ""
    donation = new_donation(3_000)
    assert post(wclient, completed(signed_event, donation, pay(stripe_gateway, donation))) == 200
    [mail] = _mails()
    assert mail.sent_at is not None


def test_small_commune_and_monthly_wording(wapp: Flask, wclient: FlaskClient,
                                           stripe_gateway: StripeGateway,
                                           signed_event: SignedEvent) -> None:
    donation = new_donation(7_500)
    assert post(wclient, completed(signed_event, donation, pay(stripe_gateway, donation))) == 200
    donation = fresh(donation.id)
    entry = entries("donation")[0]
    donation.campaign.mode = "petite-commune"
    donation.prenom = "<b>Eve</b>"
    _, text, html = compose(donation, entry)
    assert "aucun reçu fiscal" in text and "66 %" not in text and "66 %" not in html
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html  # escaped
    assert "<b>Eve</b>" in text
    donation.campaign.mode = "candidat"
    donation.monthly = True
    subject, text, _ = compose(donation, entry, demo=True)
    assert "don mensuel" in subject and text.startswith("Mode démonstration")
    assert "Fin des versements" in text
    db.session.rollback()


class SilentSmtp:
    """A TCP server that accepts an SMTP connection and says nothing until told to hang up.
    It notes whether the webhook's answer reached the client while it was silent (waiting
    less than the sender's SMTP timeout, so a sender that blocks the answer is caught)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.answered = threading.Event()
        self.answered_while_silent = False
        self.decided = threading.Event()
        self.hang_up = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        self.connected.set()
        self.answered_while_silent = self.answered.wait(SMTP_TIMEOUT_SECONDS / 2)
        self.decided.set()
        self.hang_up.wait(30)
        connection.close()
        self.listener.close()


def test_stripe_gets_its_answer_before_a_silent_smtp_server_is_tried(
        wapp: Flask, stripe_gateway: StripeGateway, signed_event: SignedEvent) -> None:
    smtp = SilentSmtp()
    _use_smtp(wapp, smtp.port)
    donation = new_donation(4_000)
    body, headers = completed(signed_event, donation, pay(stripe_gateway, donation))
    db.session.commit()
    server = LiveServer(wapp)
    server.start()
    try:
        answer = urllib.request.urlopen(urllib.request.Request(
            f"{server.url}/stripe/webhook", data=body, headers=headers, method="POST"),
            timeout=60)
        assert answer.status == 200
        smtp.answered.set()
        assert smtp.connected.wait(30), "the mail is tried after the answer"
        assert smtp.decided.wait(30)
        # Stripe had its 200 while the SMTP server had not said a word.
        assert smtp.answered_while_silent
        assert fresh(donation.id).status == "paid" and len(entries("donation")) == 1
        smtp.hang_up.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (_mails() and _mails()[0].last_error):
            time.sleep(0.1)
        [mail] = _mails()
        assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
    finally:
        smtp.hang_up.set()
        server.stop()
