"""Outgoing mail: a queue in the database, sent over SMTP after the transaction that decided it.

Whoever decides a mail (a booked donation's confirmation, a password reset) calls
:func:`queue` inside its transaction; :func:`send_pending` sends after commit, with retries: a
mail problem never loses what decided it. SMTP can use STARTTLS or implicit TLS and
credentials (``ESTRADE_MAIL_SECURITY``, ``ESTRADE_MAIL_USERNAME``, ``ESTRADE_MAIL_PASSWORD``);
without ``ESTRADE_MAIL_SERVER`` mail is only logged and marked sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.dbutil import transaction
from app.extensions import Model, db
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
SMTP_TIMEOUT_SECONDS = 10
SECURITY_MODES = ("none", "starttls", "tls")


class OutgoingMail(Model):
    """Mail is queued in the transaction that decides it and sent after commit, with retries:
    a mail failure never loses a donation."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)  # e.g. confirmation:<charge>
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


def queue(key: str, to: str, subject: str, text: str, html: str) -> str:
    """Queue one mail in the current transaction, once per ``key``."""
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)) is None:
        db.session.add(OutgoingMail(key=key, to=to, subject=subject, text=text, html=html))
        db.session.flush()
    return key


def _message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=mail.key.replace(":", "-"))
    message["Content-Language"] = "fr"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def deliver(mail: OutgoingMail) -> None:
    """Send one mail now (raises ``smtplib.SMTPException`` / ``OSError`` on failure)."""
    config = current_app.config
    server = str(config.get("ESTRADE_MAIL_SERVER") or "")
    message = _message(mail, str(config.get("ESTRADE_MAIL_SENDER")))
    if not server:
        log.info("mail not sent (no ESTRADE_MAIL_SERVER): to=%s subject=%s", mail.to,
                 mail.subject)
        return
    port = int(config.get("ESTRADE_MAIL_PORT") or 25)
    security = str(config.get("ESTRADE_MAIL_SECURITY") or "none")
    context = ssl.create_default_context()
    smtp = (smtplib.SMTP_SSL(server, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
            if security == "tls" else smtplib.SMTP(server, port, timeout=SMTP_TIMEOUT_SECONDS))
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        username = str(config.get("ESTRADE_MAIL_USERNAME") or "")
        if username:
            smtp.login(username, str(config.get("ESTRADE_MAIL_PASSWORD") or ""))
        smtp.send_message(message)


def send_pending(limit: int = 50, keys: Iterable[str] | None = None) -> tuple[int, int]:
    """Send queued mail (oldest first); returns (sent, failed). Each mail is claimed first,
    so two senders never send the same one; a failure is recorded for the next attempt."""
    query = (select(OutgoingMail.id, OutgoingMail.attempts)
             .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
             .order_by(OutgoingMail.id).limit(limit))
    if keys is not None:
        wanted = list(keys)
        if not wanted:
            return 0, 0
        query = query.where(OutgoingMail.key.in_(wanted))
    rows = db.session.execute(query).all()
    db.session.commit()
    sent = failed = 0
    for mail_id, attempts in rows:
        with transaction():
            claimed = db.session.execute(  # type: ignore[attr-defined]
                update(OutgoingMail).where(OutgoingMail.id == mail_id,
                                           OutgoingMail.sent_at.is_(None),
                                           OutgoingMail.attempts == attempts)
                .values(attempts=attempts + 1)).rowcount
        if not claimed:
            continue
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail is not None
        try:
            deliver(mail)
        except (smtplib.SMTPException, OSError) as exc:
            failed += 1
            log.warning("mail %s not sent (attempt %s): %s", mail.key, attempts + 1, exc)
            with transaction():
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            sent += 1
            with transaction():
                mail.sent_at = utcnow()
                mail.last_error = None
    return sent, failed
