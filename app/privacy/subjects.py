"""One person's data on one site, as the site's treasurer may see it (and nothing of a rival
campaign's, even for the same election: donor records are shared by an election's sites).

A person is named by an e-mail address. They are found in the site's donations, the donor
records holding a gift to this campaign (by address, or by the identity given on this site),
the ledger entries of those records in this campaign, the newsletter consents and the mail
sent by this site.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.campaigns.models import Campaign, Site
from app.donations.consent import NewsletterConsent
from app.donations.models import Donation, RefundRequest
from app.extensions import db
from app.ledger.models import ComplianceFlag, Donor, LedgerEntry
from app.mail import OutgoingMail


class PrivacyError(ValueError):
    """A refused request (French message)."""


def normalise(email: str) -> str:
    return email.strip().lower()


def pseudonym(email: str) -> str:
    """What replaces an address: a keyed digest, the same for the same address on this
    installation (a later request can still be matched to what was erased), useless to
    anyone without the secret key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"estrade.privacy:" + normalise(email).encode(), hashlib.sha256)
    return f"efface-{digest.hexdigest()[:20]}@invalid"


def treasurer(email: str, site: Site) -> User:
    """The operator answering the request: an active treasurer of this site (the donor data
    of a campaign are its mandataire's, R39-1; rivals share the installation)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise(email)))
    if user is None or not user.active or not user.can("treasury", site.id):
        raise PrivacyError(f"{email} n'est pas un compte actif de trésorier du site "
                           f"« {site.slug} » : seul le mandataire de la campagne répond pour "
                           "les données de ses donateurs.")
    return user


@dataclass
class Holdings:
    """Every row about the person on the site."""

    site: Site
    campaign: Campaign | None
    email: str
    donations: list[Donation] = field(default_factory=list)
    donors: list[Donor] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)
    flags: list[ComplianceFlag] = field(default_factory=list)
    refunds: list[RefundRequest] = field(default_factory=list)
    consents: list[NewsletterConsent] = field(default_factory=list)
    mails: list[OutgoingMail] = field(default_factory=list)


def find(site: Site, email: str) -> Holdings:
    email = normalise(email)
    found = Holdings(site, site.campaign, email)
    found.donations = list(db.session.scalars(select(Donation).where(
        Donation.site_id == site.id, func.lower(Donation.email) == email)
        .order_by(Donation.created_at)))
    campaign = site.campaign
    if campaign is not None:
        keys = {d.identity_key for d in found.donations}
        candidates = db.session.scalars(select(Donor).where(
            Donor.election_id == campaign.election_id,
            or_(func.lower(Donor.email) == email, Donor.identity_key.in_(keys)))).all()
        ids = [d.id for d in candidates]
        found.entries = list(db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.donor_id.in_(ids))
            .order_by(LedgerEntry.seq))) if ids else []
        with_gifts = {e.donor_id for e in found.entries}
        # A record with no entry in this campaign is another campaign's donor: not shown.
        found.donors = [d for d in candidates if d.id in with_gifts]
        entry_ids = [e.id for e in found.entries]
        if entry_ids:
            found.flags = list(db.session.scalars(select(ComplianceFlag).where(
                ComplianceFlag.entry_id.in_(entry_ids)).order_by(ComplianceFlag.id)))
            found.refunds = list(db.session.scalars(select(RefundRequest).where(
                RefundRequest.entry_id.in_(entry_ids)).order_by(RefundRequest.id)))
    found.consents = list(db.session.scalars(select(NewsletterConsent).where(
        NewsletterConsent.site_id == site.id, NewsletterConsent.email == email)
        .order_by(NewsletterConsent.id)))
    charges = {f"confirmation:{e.details.get('charge')}" for e in found.entries
               if isinstance(e.details, dict) and e.details.get("charge")}
    found.mails = list(db.session.scalars(select(OutgoingMail).where(
        func.lower(OutgoingMail.to) == email,
        or_(OutgoingMail.site_id == site.id,  # mail queued before sites were recorded:
            OutgoingMail.site_id.is_(None) & OutgoingMail.key.in_(charges)))
        .order_by(OutgoingMail.id)))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


DONATION_FIELDS = ("id", "created_at", "status", "amount_cents", "monthly", "months",
                   "paid_cents", "paid_at", "civilite", "nom", "prenom", "adresse",
                   "code_postal", "commune", "pays", "nationalite", "email", "client_ip",
                   "source", "newsletter", "attestations", "demo", "erased_at")
DONOR_FIELDS = ("id", "civilite", "nom", "prenom", "adresse", "code_postal", "commune",
                "pays", "nationalite", "email", "created_at")
ENTRY_FIELDS = ("seq", "kind", "amount_cents", "on", "method", "receipt_number", "reason",
                "donor_snapshot", "recorded_at", "demo", "hash")
CONSENT_FIELDS = ("action", "at", "text_version", "text", "source")
MAIL_FIELDS = ("to", "subject", "created_at", "sent_at", "text", "purged_at")


def holdings_data(found: Holdings) -> dict[str, Any]:
    """Everything held about the person on the site (GDPR art. 15 and 20), as plain data."""
    campaign = found.campaign
    return {
        "personne": found.email,
        "site": found.site.slug,
        "responsable": {
            "candidat": getattr(campaign, "candidate_name", "") or "",
            "liste": getattr(campaign, "list_name", "") or "",
            "mandataire": getattr(campaign, "mandataire_name", "") or "",
        },
        "dons": [_row(d, DONATION_FIELDS) for d in found.donations],
        "fiches_donateur": [_row(d, DONOR_FIELDS) for d in found.donors],
        "registre": [_row(e, ENTRY_FIELDS) for e in found.entries],
        "signalements": [_row(f, ("rule", "amount_cents", "message", "created_at",
                                  "resolved_at")) for f in found.flags],
        "remboursements": [_row(r, ("amount_cents", "reason", "status", "created_at",
                                    "approved_at")) for r in found.refunds],
        "consentements": [_row(c, CONSENT_FIELDS) for c in found.consents],
        "courriels": [_row(m, MAIL_FIELDS) for m in found.mails],
    }
