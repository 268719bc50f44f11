"""Ledger tables: donors, entries (append-only, hash-chained), merges and compliance flags,
and the evidence journal of the flags, refund requests and donor decisions (append-only,
hash-chained: :mod:`app.ledger.evidence`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.finance.identity import Identity
from app.core.finance.vocabulary import ENTRY_KINDS
from app.extensions import Model
from app.timeutil import utcnow

#: Kinds that are gifts from a donor and count toward DON-2 (DON-18: in-kind included).
DONATION_KINDS = ("donation", "in_kind")


class Donor(Model):
    """A donor of one election (the DON-2 cap is per donor per election, every site)."""

    __tablename__ = "donors"
    __table_args__ = (UniqueConstraint("election_id", "identity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    identity_key: Mapped[str] = mapped_column(String(400))
    civilite: Mapped[str] = mapped_column(String(20), default="")
    nom: Mapped[str] = mapped_column(String(200))
    prenom: Mapped[str] = mapped_column(String(200), default="")
    adresse: Mapped[str] = mapped_column(String(400), default="")
    code_postal: Mapped[str] = mapped_column(String(20), default="")
    commune: Mapped[str] = mapped_column(String(200), default="")
    pays: Mapped[str] = mapped_column(String(100), default="")
    nationalite: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def snapshot(self) -> dict[str, str]:
        """The R39-1 identity as it stood when a gift was recorded (DON-10)."""
        return Identity.from_mapping(self).as_dict()


class LedgerEntry(Model):
    """One immutable line of a campaign's account. Corrections are reversing entries."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "seq"),
        Index("ix_ledger_entries_election_donor", "election_id", "donor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    on: Mapped[date]
    method: Mapped[str | None] = mapped_column(String(20))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"))
    donor_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Business key making every booking idempotent (Stripe charge id, cheque number, import row).
    source_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    receipt_number: Mapped[str | None] = mapped_column(String(64))  # DON-11: never invented
    related_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    related_entry_seq: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[list[Any]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cumulative_cents: Mapped[int] = mapped_column(BigInteger)
    #: A demonstration payment (no money): never in totals, caps or filed exports.
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    donor: Mapped[Donor | None] = relationship()

    def chained_fields(self) -> dict[str, Any]:
        from app.core.finance.chain import CHAINED_FIELDS

        return {name: getattr(self, name) for name in CHAINED_FIELDS}

    @property
    def kind_label(self) -> str:
        return ENTRY_KINDS.get(self.kind, self.kind)


class DonorMerge(Model):
    """The treasurer said two donor records are one person (the cap follows: DON-2)."""

    __tablename__ = "donor_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("donors.id"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("donors.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class DonorDistinction(Model):
    """The treasurer said two donor records that look alike are two people: the pair is no
    longer suggested for a merge (``first_id`` < ``second_id``)."""

    __tablename__ = "donor_distinctions"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("donors.id"))
    second_id: Mapped[int] = mapped_column(ForeignKey("donors.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class ComplianceFlag(Model):
    """Money that must not be kept (DON-16): excess over a cap or a prohibited gift.

    Flagged amounts stay out of the receipts totals until a refund entry resolves them.
    """

    __tablename__ = "compliance_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    rule: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    resolved_at: Mapped[datetime | None]

    entry: Mapped[LedgerEntry] = relationship(foreign_keys=[entry_id])


class LedgerEvent(Model):
    """One immutable change of a row that decides what a donor may give or what is owed back
    (a DON-16 flag, a refund request, a merge or keep-apart decision), with the row's whole
    state after it. Chained per campaign (``campaign:<id>``) or, for the donor decisions that
    span every site of an election, per election (``election:<id>``)."""

    __tablename__ = "ledger_events"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def chained_fields(self) -> dict[str, Any]:
        from app.core.finance.chain import EVENT_FIELDS

        return {name: getattr(self, name) for name in EVENT_FIELDS}


def _refuse_change(mapper: Any, connection: Any, target: LedgerEntry) -> None:
    raise RuntimeError("Le registre est en ajout seul : écrivez une écriture d'annulation.")


def _refuse_event_change(mapper: Any, connection: Any, target: LedgerEvent) -> None:
    raise RuntimeError("Le journal des signalements, remboursements et fusions est en ajout "
                       "seul.")


event.listen(LedgerEntry, "before_update", _refuse_change)
event.listen(LedgerEntry, "before_delete", _refuse_change)
event.listen(LedgerEvent, "before_update", _refuse_event_change)
event.listen(LedgerEvent, "before_delete", _refuse_event_change)
