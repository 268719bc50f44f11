"""Newsletter consent (GDPR-1: a purpose of its own, opt-in, never shared across sites), kept
as proof: each consent and each withdrawal is a row of its own, with its time, the version of
the wording the person saw and where it came from. Rows are only ever added; the latest row of
an address on a site says whether the campaign may write to it.

The wording is declared here (the form shows it, the privacy notice quotes it); its version is
a digest of the French text, so changing a word gives a new version and the old consents still
name the text they were given for.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model, db
from app.mail import address_key
from app.timeutil import utcnow


def N_(message: str) -> str:
    """Babel's marker: the text is extracted for translation and translated when shown."""
    return message


#: The consent box of /don (app/donations/forms.py shows it, translated when shown).
NEWSLETTER_TEXT = N_("J'accepte de recevoir des nouvelles de la campagne par e-mail "
                     "(facultatif, désinscription à tout moment).")
GIVEN, WITHDRAWN = "given", "withdrawn"


def text_version(text: str = NEWSLETTER_TEXT) -> str:
    """The version of a consent wording: ``v-`` and the start of its SHA-256."""
    return "v-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


#: Wordings by version, so a stored consent always names the exact text it was given for.
TEXTS = {text_version(NEWSLETTER_TEXT): NEWSLETTER_TEXT}


class NewsletterConsent(Model):
    """One consent or withdrawal of one address for one site's newsletter."""

    __tablename__ = "newsletter_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    #: The address's keyed digest (app.mail.address_key): what an unsubscribe link names.
    email_key: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))  # given | withdrawn
    at: Mapped[datetime]  # when the person ticked the box or withdrew
    text_version: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255))  # « formulaire /don, don <id> », a link…
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


def normalise(email: str) -> str:
    return email.strip().lower()


def record(site_id: int, email: str, action: str, *, at: datetime | None = None,
           version: str | None = None, source: str) -> NewsletterConsent:
    """Add one consent or withdrawal row in the current transaction."""
    version = version or text_version()
    row = NewsletterConsent(site_id=site_id, email=normalise(email),
                            email_key=address_key(email), action=action,
                            at=at or utcnow(), text_version=version,
                            text=TEXTS.get(version, ""), source=source[:255])
    db.session.add(row)
    db.session.flush()
    return row


def latest_by_key(site_id: int, key: str) -> NewsletterConsent | None:
    """The latest row of the address an unsubscribe link names."""
    return db.session.scalar(
        select(NewsletterConsent)
        .where(NewsletterConsent.site_id == site_id, NewsletterConsent.email_key == key)
        .order_by(NewsletterConsent.id.desc()).limit(1))


def subscribed(site_id: int, email: str) -> bool:
    """Whether the latest row for this address on this site is a consent."""
    latest = db.session.scalar(
        select(NewsletterConsent.action)
        .where(NewsletterConsent.site_id == site_id,
               func.lower(NewsletterConsent.email) == normalise(email))
        .order_by(NewsletterConsent.id.desc()).limit(1))
    return latest == GIVEN
