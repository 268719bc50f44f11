"""The retention job (GDPR-3): ``estrade privacy purge``, run daily from cron.

After the durations declared in app/settings.py (defaults: 2 months, GDPR-3), it pseudonymises
donations that were never paid (identity, e-mail, IP address), erases the IP address kept with
every donation, and erases the body and address of mail sent (or given up). It never touches
the ledger (its legal minimum is kept: app.privacy.actions). Idempotent: a second run the same
day finds nothing more to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from app import audit
from app.dbutil import require_transaction
from app.donations.models import Donation
from app.extensions import db
from app.mail import MAX_ATTEMPTS, OutgoingMail
from app.privacy.actions import UNPAID_STATUSES, pseudonymise_donation, purge_mail
from app.privacy.subjects import pseudonym
from app.timeutil import utcnow


@dataclass(frozen=True)
class Policy:
    """Retention durations in days (ESTRADE_RETENTION_*)."""

    abandoned_days: int
    ip_days: int
    mail_days: int

    @classmethod
    def from_config(cls, config: Any) -> Policy:
        return cls(int(config["ESTRADE_RETENTION_ABANDONED_DAYS"]),
                   int(config["ESTRADE_RETENTION_IP_DAYS"]),
                   int(config["ESTRADE_RETENTION_MAIL_DAYS"]))


@dataclass(frozen=True)
class PurgeReport:
    abandoned: int
    ip_addresses: int
    mails: int

    def lines(self, policy: Policy, dry_run: bool) -> list[str]:
        verb = "à traiter" if dry_run else "traités"
        return [
            f"Dons jamais payés de plus de {policy.abandoned_days} jours pseudonymisés "
            f"(identité, e-mail, adresse IP) : {self.abandoned} {verb}.",
            f"Adresses IP de plus de {policy.ip_days} jours effacées : {self.ip_addresses} "
            f"{verb}.",
            f"Courriels de plus de {policy.mail_days} jours effacés (contenu et destinataire) : "
            f"{self.mails} {verb}.",
            "Registre (écritures et fiches donateur) : inchangé, conservé par obligation "
            "légale (articles R. 39-1 et L. 52-12 du code électoral ; règles DON-10, ACC-1, "
            "GDPR-3).",
        ]


def purge(policy: Policy, now: datetime | None = None) -> PurgeReport:
    """Apply the retention durations in the caller's transaction; audited with the counts."""
    require_transaction(db.session)
    now = now or utcnow()
    abandoned_before = now - timedelta(days=policy.abandoned_days)
    abandoned = db.session.scalars(select(Donation).where(
        Donation.erased_at.is_(None), Donation.created_at < abandoned_before,
        Donation.first_entry_id.is_(None), Donation.paid_cents == 0,  # never booked
        or_(Donation.status.in_(UNPAID_STATUSES),
            (Donation.status == "pending") & (Donation.expires_at <= now)))).all()
    for donation in abandoned:
        pseudonymise_donation(donation, pseudonym(donation.email))
    ips = db.session.scalars(select(Donation).where(
        Donation.client_ip.is_not(None),
        Donation.created_at < now - timedelta(days=policy.ip_days))).all()
    for donation in ips:
        donation.client_ip = None
    mail_before = now - timedelta(days=policy.mail_days)
    mails = db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.purged_at.is_(None),
        or_(OutgoingMail.sent_at < mail_before,
            OutgoingMail.sent_at.is_(None) & (OutgoingMail.attempts >= MAX_ATTEMPTS)
            & (OutgoingMail.created_at < mail_before)))).all()
    for mail in mails:
        purge_mail(mail, pseudonym(mail.to))
    db.session.flush()
    report = PurgeReport(len(abandoned), len(ips), len(mails))
    audit.record("privacy.purge", object_type="retention", object_id="-",
                 abandoned=report.abandoned, ip_addresses=report.ip_addresses,
                 mails=report.mails, abandoned_days=policy.abandoned_days,
                 ip_days=policy.ip_days, mail_days=policy.mail_days)
    return report
