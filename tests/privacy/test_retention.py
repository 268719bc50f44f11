"""``estrade privacy purge``: the retention job (GDPR-3) pseudonymises donations never paid,
erases IP addresses and mail bodies after the durations of app/settings.py, counts what it
did, changes nothing with ``--dry-run`` and never touches the ledger."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app.audit import AuditEntry
from app.donations.models import Donation
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_campaign
from app.mail import OutgoingMail
from app.timeutil import utcnow
from tests.factories import demo_site


def _purge(app: Flask, *args: str) -> Any:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge", *args])
    db.session.expire_all()
    assert result.exit_code == 0, result.output
    return result


def _age(days: int) -> None:
    """Everything stored so far happened ``days`` ago."""
    then = utcnow() - timedelta(days=days)
    db.session.execute(update(Donation).values(created_at=then))
    db.session.execute(update(OutgoingMail).values(created_at=then, sent_at=then))
    db.session.commit()


def test_purge_after_the_configured_durations(papp, give) -> None:
    paid = give("paid@example.org", prenom="Paule", nom="Payé")
    abandoned = give("gone@example.org", prenom="Gaston", nom="Parti", pay=False)
    _age(61)
    fresh = give("new@example.org", prenom="Nina", nom="Neuve", pay=False)  # today
    hashes = [e.hash for e in db.session.scalars(select(LedgerEntry))]

    preview = _purge(papp, "--dry-run")
    assert "rien n'a été modifié" in preview.output
    assert "adresse IP) : 1 à traiter" in preview.output  # the abandoned gift
    assert "Adresses IP de plus de 60 jours effacées : 1 à traiter" in preview.output
    assert "(contenu et destinataire) : 1 à traiter" in preview.output
    assert db.session.get(Donation, abandoned.id).nom == "Parti"

    done = _purge(papp)
    assert "adresse IP) : 1 traités" in done.output and "effacées : 1 traités" in done.output
    gone = db.session.get(Donation, abandoned.id)
    assert (gone.nom, gone.client_ip, gone.erased_at is not None) == ("effacé", None, True)
    assert "gone" not in gone.email
    kept = db.session.get(Donation, paid.id)
    assert (kept.nom, kept.email, kept.client_ip) == ("Payé", "paid@example.org", None)
    still = db.session.get(Donation, fresh.id)
    assert (still.nom, still.client_ip) == ("Neuve", "127.0.0.1")  # too recent
    [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert mail.text == mail.html == "" and "paid" not in mail.to
    assert [e.hash for e in db.session.scalars(select(LedgerEntry))] == hashes
    assert verify_campaign(demo_site().campaign).problem is None
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purge")
                               ).all()
    assert row.details_dict["abandoned"] == 1 and row.details_dict["ip_addresses"] == 1

    again = _purge(papp)  # idempotent: nothing left to do
    assert again.output.count(": 0 traités") == 3


def test_the_durations_are_the_settings(papp, give) -> None:
    abandoned = give(pay=False)
    _age(61)
    papp.config.update(ESTRADE_RETENTION_ABANDONED_DAYS=90, ESTRADE_RETENTION_IP_DAYS=90)
    assert "de plus de 90 jours" in _purge(papp).output
    assert db.session.get(Donation, abandoned.id).client_ip == "127.0.0.1"
    papp.config.update(ESTRADE_RETENTION_ABANDONED_DAYS=30)
    _purge(papp)
    assert db.session.get(Donation, abandoned.id).nom == "effacé"


def test_a_pending_gift_whose_checkout_is_open_is_left(papp, give) -> None:
    pending = give(pay=False)
    db.session.execute(update(Donation).values(
        created_at=utcnow() - timedelta(days=61), expires_at=utcnow() + timedelta(minutes=20)))
    _purge(papp)
    assert db.session.get(Donation, pending.id).nom == "Martin"  # a payment may still come


def test_a_gift_that_reached_the_ledger_is_never_pseudonymised(papp, give) -> None:
    """Whatever its status says later (a monthly gift stopped, a payment reversed), a gift
    with a ledger entry keeps the identity the entry was booked from."""
    paid = give()
    db.session.execute(update(Donation).values(status="cancelled"))
    _age(61)
    _purge(papp)
    kept = db.session.get(Donation, paid.id)
    assert (kept.nom, kept.email, kept.erased_at) == ("Martin", "alice@example.org", None)
    assert kept.client_ip is None  # the IP address goes all the same
