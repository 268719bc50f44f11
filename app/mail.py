"""Outgoing mail: a queue in the database, sent over SMTP after the transaction that decided it.

Whoever decides a mail (a booked donation's confirmation, a password reset) calls
:func:`queue` inside its transaction; :func:`send_pending` sends after commit, with retries: a
mail problem never loses what decided it. SMTP can use STARTTLS or implicit TLS and
credentials (``ESTRADE_MAIL_SECURITY``, ``ESTRADE_MAIL_USERNAME``, ``ESTRADE_MAIL_PASSWORD``);
the server's certificate is always checked (against ``ESTRADE_MAIL_CA_FILE`` when set, else the
system's authorities). Without ``ESTRADE_MAIL_SERVER`` mail is only logged and marked sent.

A mail to a donor carries an unsubscribe link (GDPR-2: in every e-mail), in its body and in a
``List-Unsubscribe`` header: a signed token naming the site and the address's keyed digest,
read back by ``/desinscription/<token>`` (app.privacy).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html import escape

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.dbutil import transaction
from app.extensions import Model, db
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
SMTP_TIMEOUT_SECONDS = 10
SECURITY_MODES = ("none", "starttls", "tls")
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
UNSUBSCRIBE_SALT = "estrade.unsubscribe"
UNSUBSCRIBE_TEXT = "Pour ne plus recevoir de courriels de la campagne : {url}"
UNSUBSCRIBE_HTML = ('<p style="font-size: small">Pour ne plus recevoir de courriels de la '
                    'campagne : <a href="{url}">se désinscrire</a>.</p>')


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
    site_id: Mapped[int | None]  # the site whose campaign wrote it (donor mail)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    #: Body and address pseudonymised (retention job or erasure: app.privacy).
    purged_at: Mapped[datetime | None]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=UNSUBSCRIBE_SALT)


def address_key(email: str) -> str:
    """A keyed digest of an address (HMAC-SHA256 under the secret key): names it in links
    and records without showing it."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = b"estrade.address:" + email.strip().lower().encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(site_id: int, email: str) -> str:
    """A token naming one address on one site, signed with the secret key: nobody can forge
    one to unsubscribe someone else, it never expires (old mails keep working), and it holds
    the address's keyed digest, not the address: a link seen in a log, a proxy or a link
    checker does not tell who gave to which campaign."""
    return _serializer().dumps([int(site_id), address_key(email)])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(site id, address key) of a token this installation signed, or None."""
    try:
        site_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(site_id, int) or not isinstance(key, str):
        return None
    return site_id, key


def queue(key: str, to: str, subject: str, text: str, html: str, *,
          site_id: int | None = None, unsubscribe_url: str | None = None) -> str:
    """Queue one mail in the current transaction, once per ``key``. With ``unsubscribe_url``
    (every mail to a donor), the link ends the body and goes in ``List-Unsubscribe``."""
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)) is None:
        if unsubscribe_url:
            text = text.rstrip("\n") + "\n\n-- \n" + UNSUBSCRIBE_TEXT.format(
                url=unsubscribe_url) + "\n"
            footer = UNSUBSCRIBE_HTML.format(url=escape(unsubscribe_url))
            html = (html.replace("</body>", footer + "\n</body>", 1) if "</body>" in html
                    else html + footer)
        db.session.add(OutgoingMail(key=key, to=to, subject=subject, text=text, html=html,
                                    site_id=site_id, unsubscribe_url=unsubscribe_url))
        db.session.flush()
    return key


def _message(mail: OutgoingMail, sender: str, domain: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=mail.key.replace(":", "-"),
                                       domain=domain)  # given: no resolver call
    message["Content-Language"] = "fr"
    if mail.unsubscribe_url:  # RFC 2369: mail clients show their own « unsubscribe » button
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def tls_context() -> ssl.SSLContext:
    """Certificate and host name checked (never an unverified context): the system's
    authorities, or only those of ESTRADE_MAIL_CA_FILE when set (a private relay)."""
    ca_file = str(current_app.config.get("ESTRADE_MAIL_CA_FILE") or "")
    return ssl.create_default_context(cafile=ca_file or None)


def helo_name(sender: str) -> str:
    """The name given in EHLO: the sender's domain. smtplib would otherwise ask the resolver
    for this machine's FQDN on every connection, which can stall a mail for seconds where
    DNS is slow or absent (a container, a host offline) and names a container id."""
    local, at, domain = parseaddr(sender)[1].rpartition("@")
    domain = domain.strip().strip(".")
    return domain if at and local and re.fullmatch(r"[A-Za-z0-9.-]{1,253}", domain) else "localhost"


def deliver(mail: OutgoingMail) -> None:
    """Send one mail now (raises ``smtplib.SMTPException`` / ``OSError`` on failure)."""
    config = current_app.config
    server = str(config.get("ESTRADE_MAIL_SERVER") or "")
    if not server:  # logged only: no MIME message to build (a third of a webhook's CPU)
        log.info("mail not sent (no ESTRADE_MAIL_SERVER): to=%s subject=%s", mail.to,
                 mail.subject)
        return
    sender = str(config.get("ESTRADE_MAIL_SENDER") or "")
    helo = helo_name(sender)
    message = _message(mail, sender, helo)
    port = int(config.get("ESTRADE_MAIL_PORT") or 25)
    security = str(config.get("ESTRADE_MAIL_SECURITY") or "none")
    if security not in SECURITY_MODES:  # a typo must never mean « in clear »
        raise smtplib.SMTPException(f"ESTRADE_MAIL_SECURITY « {security} » inconnu "
                                    f"(valeurs : {', '.join(SECURITY_MODES)})")
    # Loading the system's authorities costs ~40 ms: only when TLS is used.
    context = tls_context() if security in ("tls", "starttls") else None
    smtp = (smtplib.SMTP_SSL(server, port, helo, timeout=SMTP_TIMEOUT_SECONDS, context=context)
            if security == "tls"
            else smtplib.SMTP(server, port, helo, timeout=SMTP_TIMEOUT_SECONDS))
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        username = str(config.get("ESTRADE_MAIL_USERNAME") or "")
        if username and security == "none" and server not in LOOPBACK:
            raise smtplib.SMTPException("mot de passe SMTP refusé en clair : réglez "
                                        "ESTRADE_MAIL_SECURITY sur starttls ou tls")
        if username:
            smtp.login(username, str(config.get("ESTRADE_MAIL_PASSWORD") or ""))
        smtp.send_message(message)


def send_pending(limit: int = 50, keys: Iterable[str] | None = None) -> tuple[int, int]:
    """Send queued mail (oldest first); returns (sent, failed). The mails are claimed first
    (one transaction for all), so two senders never send the same one; the outcomes are
    recorded together afterwards (one more transaction), a failure for the next attempt."""
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
    if not rows:
        return 0, 0
    claimed: list[tuple[int, int]] = []
    with transaction():
        for mail_id, attempts in rows:
            if db.session.execute(  # type: ignore[attr-defined]
                    update(OutgoingMail).where(OutgoingMail.id == mail_id,
                                               OutgoingMail.sent_at.is_(None),
                                               OutgoingMail.attempts == attempts)
                    .values(attempts=attempts + 1)).rowcount:
                claimed.append((mail_id, attempts))
    outcomes: list[tuple[OutgoingMail, str | None]] = []
    for mail_id, attempts in claimed:
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail is not None
        try:
            deliver(mail)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("mail %s not sent (attempt %s): %s", mail.key, attempts + 1, exc)
            outcomes.append((mail, f"{type(exc).__name__}: {exc}"[:2000]))
        else:
            outcomes.append((mail, None))
    with transaction():
        now = utcnow()
        for mail, error in outcomes:
            if error is None:
                mail.sent_at = now
            mail.last_error = error
    failed = sum(1 for _, error in outcomes if error is not None)
    return len(outcomes) - failed, failed
