"""Online donations before and after payment, Stripe events seen, refunds awaiting approval
(a projection of the evidence journal, :mod:`app.ledger.evidence`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.ledger.evidence import Tracked, track
from app.timeutil import utcnow

#: pending → (processing) → paid | failed | expired | cancelled; monthly: paid → ended.
RESERVING_STATUSES = ("pending", "processing")


def new_public_id() -> str:
    return uuid.uuid4().hex


class Donation(Model):
    """A gift asked for on /don. Pending, it holds its amount against the donor's cap once its
    Checkout Session is open (``checkout_session_id``), until ``expires_at``."""

    __tablename__ = "donations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_public_id)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    identity_key: Mapped[str] = mapped_column(String(400), index=True)
    civilite: Mapped[str] = mapped_column(String(20), default="")
    nom: Mapped[str] = mapped_column(String(200))
    prenom: Mapped[str] = mapped_column(String(200))
    adresse: Mapped[str] = mapped_column(String(400))
    code_postal: Mapped[str] = mapped_column(String(20))
    commune: Mapped[str] = mapped_column(String(200))
    pays: Mapped[str] = mapped_column(String(100))
    nationalite: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    monthly: Mapped[bool] = mapped_column(default=False)
    #: What the donation reserves against DON-2: the amount, or every monthly payment until the
    #: end of the collection window (DON-15).
    reserved_cents: Mapped[int] = mapped_column(BigInteger)
    months: Mapped[int] = mapped_column(default=1)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # booked so far
    source: Mapped[str | None] = mapped_column(String(100))  # refcode from /don?source=…
    newsletter: Mapped[bool] = mapped_column(default=False)  # GDPR-1: separate, opt-in
    attestations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # DON-1, DON-13
    client_ip: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    demo: Mapped[bool] = mapped_column(default=False)
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    subscription_end_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    first_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    #: Pseudonymised (never paid): by ``estrade donors erase`` or the retention job.
    erased_at: Mapped[datetime | None]

    site = relationship("Site")
    campaign = relationship("Campaign")

    @property
    def full_name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()


class StripeEvent(Model):
    """An event already applied: stored in the same transaction as its effects."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookInboxRow(Model):
    """A signed event acknowledged to Stripe and not yet booked (``ESTRADE_WEBHOOK_INBOX``):
    the webhook stores it and answers 200 at once, a drainer books it
    (:mod:`app.donations.inbox`) and deletes the row in the booking's own transaction, so an
    event acknowledged before a crash is booked exactly once afterwards."""

    __tablename__ = "webhook_inbox"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # Stripe's event id
    type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)  # the verified payload, as Stripe signed it
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class RefundRequest(Model):
    """A refund prepared by the system (DON-16) or staff; executed only once approved by the
    treasurer or an admin (R39-1-1: no refund without the mandataire's authorisation)."""

    __tablename__ = "refund_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_flags.id"), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(255))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # → approved → executed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255))
    #: The refund entry that paid it back (by Stripe or offline), whoever booked it.
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    last_error: Mapped[str | None] = mapped_column(Text)


def _refund_kind(row: RefundRequest, inserted: bool, changed: frozenset[str]) -> str:
    if inserted or "status" in changed:
        return f"refund.{row.status}"  # proposed, approved, executed, cancelled
    return "refund.changed"


#: What is owed back is evidence: every change of a refund request (all but ``last_error``,
#: Stripe's last complaint) is chained in its campaign's journal (app.ledger.evidence).
REFUND_REQUESTS = track(Tracked(
    RefundRequest, "refund_request", "demande de remboursement",
    ("entry_id", "flag_id", "charge_id", "amount_cents", "reason", "status", "created_at",
     "approved_by_id", "approved_at", "stripe_refund_id", "refund_entry_id"),
    scope="campaign", link="entry_id", kind_of=_refund_kind,
    field_labels={"entry_id": "don remboursé", "flag_id": "signalement", "charge_id":
                  "paiement Stripe", "amount_cents": "montant", "reason": "motif",
                  "status": "état", "created_at": "date", "approved_by_id": "approuvé par",
                  "approved_at": "date d'approbation",
                  "stripe_refund_id": "remboursement Stripe",
                  "refund_entry_id": "écriture de remboursement"}))
