"""The privacy actions, each with its audit row, for the CLI and the unsubscribe page: export
what is held about a person, erase what the law does not require, withdraw a newsletter
consent. The caller owns the transaction (``dbutil.transaction``, ``dry_run`` to preview).

What erasure keeps, and why (docs/security-privacy.md): the ledger is the campaign's legal
account. For each gift the mandataire must record the donor's identity, nationality and fiscal
address, the amount, date and method (Code électoral R39-1, DON-10) and file them with the
compte de campagne at the CNCCFP (L52-12, ACC-1); that processing rests on a legal obligation
(GDPR art. 6.1.c, GDPR-1) and is kept until the end of the account's control and of any appeal
(GDPR-3). The ledger is append-only and hash-chained: it is never altered, and neither are its
donor records. Everything else is pseudonymised or erased.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app import audit
from app.accounts.models import User
from app.campaigns.models import Site
from app.dbutil import require_transaction
from app.donations import consent
from app.donations.models import RESERVING_STATUSES, Donation
from app.extensions import db
from app.mail import MAX_ATTEMPTS, OutgoingMail
from app.privacy.subjects import (
    PrivacyError,
    find,
    holdings_data,
    normalise,
    pseudonym,
    treasurer,
)
from app.timeutil import utcnow

#: Donations that were never paid: nothing of them is legally required.
UNPAID_STATUSES = ("failed", "expired", "cancelled")
#: The identity columns of a donation (R39-1 fields).
IDENTITY_COLUMNS = ("civilite", "nom", "prenom", "adresse", "code_postal", "commune", "pays",
                    "nationalite")
ERASED = "effacé"

LEGAL_REASON = (
    "conservé par obligation légale (RGPD art. 6.1.c ; règle GDPR-1) : pour chaque don, le "
    "mandataire tient l'identité, la nationalité, l'adresse du domicile fiscal, le montant, la "
    "date et le mode de paiement (article R. 39-1 du code électoral ; règle DON-10) et les "
    "joint au compte de campagne déposé à la CNCCFP (article L. 52-12 ; règle ACC-1), jusqu'à "
    "la fin du contrôle du compte et des recours (règle GDPR-3). Le registre, en ajout seul et "
    "chaîné par empreintes, n'est pas modifié.")
PAID_REASON = (
    "identité et e-mail conservés : pièce justificative des écritures du registre (données du "
    "prestataire de paiement, article R. 39-1-1 ; règle DON-13) et envoi du reçu-don (règle "
    "DON-11) ; adresse IP et inscription aux nouvelles effacées.")


def _site(slug: str) -> Site:
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        raise PrivacyError(f"Site inconnu « {slug} » (voir « estrade sites list »).")
    return site


def export_person(slug: str, email: str, *, by: str) -> dict[str, Any]:
    """What the site holds about ``email`` (JSON-ready), for its treasurer; audited."""
    require_transaction(db.session)
    site = _site(slug)
    actor = treasurer(by, site)
    found = find(site, email)
    data = holdings_data(found)
    data["conservation_du_registre"] = LEGAL_REASON
    audit.record("privacy.export", user=actor, object_type="Site", object_id=site.id,
                 person=pseudonym(email), donations=len(found.donations),
                 entries=len(found.entries), mails=len(found.mails))
    return data


def never_paid(donation: Donation, now: datetime) -> bool:
    """Nothing of it reached the ledger, and no payment can still arrive."""
    return donation.first_entry_id is None and not donation.paid_cents and (
        donation.status in UNPAID_STATUSES
        or (donation.status == "pending" and donation.expires_at <= now))


def pseudonymise_donation(donation: Donation, alias: str) -> None:
    """A donation never paid: nothing of it stays that names the person."""
    for column in IDENTITY_COLUMNS:
        setattr(donation, column, ERASED if column == "nom" else "")
    donation.email = alias
    donation.identity_key = f"efface:{alias}"
    donation.client_ip = None
    donation.newsletter = False
    donation.attestations = {k: v for k, v in (donation.attestations or {}).items()
                             if not k.startswith("newsletter")}
    donation.erased_at = utcnow()


def purge_mail(mail: OutgoingMail, alias: str) -> None:
    """Keep that a mail existed (key, subject, dates), not what it said nor to whom."""
    if mail.sent_at is None:  # never sent now: it would go out empty
        mail.attempts = MAX_ATTEMPTS
        mail.last_error = "effacé avant envoi"
    mail.to = alias
    mail.text = ""
    mail.html = ""
    mail.unsubscribe_url = None
    mail.purged_at = utcnow()


@dataclass
class Erasure:
    """What an erasure did (or would do, in a dry run), in French lines."""

    erased_donations: int = 0
    paid_donations: int = 0
    in_flight: int = 0
    mails: int = 0
    consents: int = 0
    withdrawn: bool = False
    kept_entries: int = 0
    kept_donors: int = 0
    lines: list[str] = field(default_factory=list)


def erase_person(slug: str, email: str, *, by: str) -> Erasure:
    """Pseudonymise everything about ``email`` on the site that the law does not require;
    keep the ledger's legal minimum and say why. Audited (with the pseudonym only)."""
    require_transaction(db.session)
    site = _site(slug)
    actor = treasurer(by, site)
    found = find(site, email)
    alias = pseudonym(email)
    now = utcnow()
    result = Erasure(kept_entries=len(found.entries), kept_donors=len(found.donors))
    for donation in found.donations:
        if never_paid(donation, now):
            pseudonymise_donation(donation, alias)
            result.erased_donations += 1
        elif donation.status in RESERVING_STATUSES:
            result.in_flight += 1  # a payment may still arrive: the webhook books it
        else:
            donation.client_ip = None
            donation.newsletter = False
            result.paid_donations += 1
    if consent.subscribed(site.id, email):
        consent.record(site.id, email, consent.WITHDRAWN,
                       source="demande d'effacement (estrade donors erase)")
        result.withdrawn = True
    for row in db.session.scalars(select(consent.NewsletterConsent).where(
            consent.NewsletterConsent.site_id == site.id,
            consent.NewsletterConsent.email == normalise(email))):
        row.email = alias  # the proof of consent and withdrawal stays, without the address
        result.consents += 1
    for mail in found.mails:
        purge_mail(mail, alias)
        result.mails += 1
    db.session.flush()
    audit.record("privacy.erase", user=actor, object_type="Site", object_id=site.id,
                 person=alias, erased_donations=result.erased_donations,
                 paid_donations=result.paid_donations, in_flight=result.in_flight,
                 mails=result.mails, consents=result.consents,
                 kept_entries=result.kept_entries, kept_donors=result.kept_donors)
    result.lines = _describe(result)
    return result


def _describe(result: Erasure) -> list[str]:
    lines = [f"Dons jamais payés pseudonymisés (identité, e-mail, adresse IP) : "
             f"{result.erased_donations}.",
             f"Courriels effacés (contenu et destinataire) : {result.mails}.",
             f"Consentements aux nouvelles pseudonymisés : {result.consents}"
             + (" (désinscription enregistrée)." if result.withdrawn else ".")]
    if result.paid_donations:
        lines.append(f"Dons payés : {result.paid_donations} — {PAID_REASON}")
    if result.in_flight:
        lines.append(f"Dons en cours de paiement laissés tels quels : {result.in_flight} — "
                     "relancez l'effacement après leur expiration (31 minutes).")
    lines.append(f"Registre : {result.kept_entries} écriture(s) et {result.kept_donors} "
                 f"fiche(s) donateur — {LEGAL_REASON}")
    return lines


def withdraw(site_id: int, key: str, *, source: str, user: User | None = None) -> bool:
    """Record a newsletter withdrawal for the address an unsubscribe link names (by its keyed
    digest, app.mail.address_key); handled at once (GDPR-2). False when that address never
    consented on this site (then nothing is held to withdraw)."""
    require_transaction(db.session)
    latest = consent.latest_by_key(site_id, key)
    was = latest is not None and latest.action == consent.GIVEN
    if latest is not None and was:
        consent.record(site_id, latest.email, consent.WITHDRAWN, source=source)
        for donation in db.session.scalars(select(Donation).where(
                Donation.site_id == site_id, Donation.newsletter.is_(True),
                func.lower(Donation.email) == latest.email)):
            donation.newsletter = False
    audit.record("privacy.unsubscribe", user=user, object_type="Site", object_id=site_id,
                 person=key, was_subscribed=was, source=source)
    return was
