"""The evidence journal: every change of a row that decides what a donor may give or what is
owed back is also an append-only, hash-chained event (``ledger_events``).

The rows are DON-16 compliance flags (created, resolved, reopened), refund requests
(proposed, approved, executed, cancelled) and the treasurer's decisions on donor records
(merged, kept apart: DON-2 is per person). The application keeps updating those rows as
before; they are projections of the journal. Each event carries the whole state of its row
after the change, so ``estrade ledger verify`` (:mod:`app.ledger.verify`) checks every row
against the last event about it, and a row deleted, edited or added by hand is reported.

Nobody has to remember to write the events: a model is declared once with :func:`track`, and
every flush that inserts or changes one of its rows appends the events in the same transaction
(an ``after_flush`` hook). A tracked row is never deleted through the ORM. Raw SQL bypasses
the hook, which is the point: what did not go through the application does not verify.

Chains: one per campaign (``campaign:<id>``: flags and refund requests, found through the
ledger entry they are about), one per election (``election:<id>``: merges and keep-apart
decisions, which span every site of the election). Appending locks the chain's campaign or
election row (PostgreSQL ``SELECT … FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already
serialises writers). Lock order stays donor → election → campaign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign, Election
from app.core.finance.chain import GENESIS, event_digest, plain
from app.ledger.models import (
    ComplianceFlag,
    Donor,
    DonorDistinction,
    DonorMerge,
    LedgerEntry,
    LedgerEvent,
)
from app.timeutil import utcnow

#: How the event of a change is named: (row, inserted?, names of the fields changed) → kind.
KindOf = Callable[[Any, bool, frozenset[str]], str]


@dataclass(frozen=True)
class Tracked:
    """A model whose rows are projections of the journal."""

    model: type[Any]
    subject: str  # the event's ``subject``: flag, refund_request, merge, distinction
    label: str  # French, in verify's messages: « signalement DON-16 »
    fields: tuple[str, ...]  # the state recorded by each event (and checked by verify)
    scope: str  # "campaign" (``link`` is a ledger entry id) or "election" (a donor id)
    link: str  # the column that says which chain a row belongs to
    kind_of: KindOf
    field_labels: Mapping[str, str] = field(default_factory=dict)  # French names of fields

    def snapshot(self, row: Any) -> dict[str, Any]:
        return {name: plain(getattr(row, name)) for name in self.fields}

    def rows(self, scope_id: int) -> Any:
        """The rows that belong to the chain of this campaign (or election)."""
        column = getattr(self.model, self.link)
        if self.scope == "campaign":
            return (select(self.model).join(LedgerEntry, column == LedgerEntry.id)
                    .where(LedgerEntry.campaign_id == scope_id).order_by(self.model.id))
        return (select(self.model).join(Donor, column == Donor.id)
                .where(Donor.election_id == scope_id).order_by(self.model.id))


TRACKED: dict[type[Any], Tracked] = {}


def track(spec: Tracked) -> Tracked:
    """Declare ``spec.model`` a projection of the journal (idempotent)."""
    if spec.model not in TRACKED:
        event.listen(spec.model, "before_delete", _refuse_delete)
    TRACKED[spec.model] = spec
    return spec


def tracked(scope: str) -> list[Tracked]:
    """The declared models of one scope, in the order verify reports them."""
    return [spec for spec in TRACKED.values() if spec.scope == scope]


def _refuse_delete(mapper: Any, connection: Any, target: Any) -> None:
    raise RuntimeError("Cette ligne est une preuve du registre (journal en ajout seul) : "
                       "elle ne se supprime pas.")


# -- writing -----------------------------------------------------------------------------------


def chain_of(connection: Connection, spec: Tracked, link_id: int
             ) -> tuple[str, int | None, int]:
    """(chain, campaign id, election id) of a row whose ``link`` column holds ``link_id``."""
    if spec.scope == "campaign":
        campaign_id, election_id = connection.execute(
            select(LedgerEntry.campaign_id, LedgerEntry.election_id)
            .where(LedgerEntry.id == link_id)).one()
        return f"campaign:{campaign_id}", int(campaign_id), int(election_id)
    election = connection.scalar(select(Donor.election_id).where(Donor.id == link_id))
    if election is None:
        raise RuntimeError(f"fiche de donateur n° {link_id} inconnue")
    return f"election:{election}", None, int(election)


def append_event(connection: Connection, spec: Tracked, row: Any, kind: str) -> int:
    """Append the event of one change of ``row`` to its chain; its sequence number."""
    chain, campaign_id, election_id = chain_of(connection, spec, getattr(row, spec.link))
    if campaign_id is not None:
        connection.execute(select(Campaign.id).where(Campaign.id == campaign_id)
                           .with_for_update())
    else:
        connection.execute(select(Election.id).where(Election.id == election_id)
                           .with_for_update())
    last = connection.execute(
        select(LedgerEvent.seq, LedgerEvent.hash).where(LedgerEvent.chain == chain)
        .order_by(LedgerEvent.seq.desc()).limit(1)).first()
    seq, prev_hash = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    fields = {"chain": chain, "seq": seq, "kind": kind, "subject": spec.subject,
              "subject_id": int(row.id), "data": spec.snapshot(row),
              "recorded_at": utcnow().replace(microsecond=0)}
    connection.execute(insert(LedgerEvent).values(
        **fields, campaign_id=campaign_id, election_id=election_id, prev_hash=prev_hash,
        hash=event_digest(fields, prev_hash)))
    return seq


@event.listens_for(Session, "after_flush")
def _journal_changes(session: Session, flush_context: Any) -> None:
    """After each flush: one event per tracked row inserted, or changed in a recorded field
    (the lists and the attributes' history still show what this flush wrote)."""
    changes: list[tuple[Tracked, Any, bool, frozenset[str]]] = []
    for row in session.new:
        if (spec := TRACKED.get(type(row))) is not None:
            changes.append((spec, row, True, frozenset(spec.fields)))
    for row in session.dirty:
        if (spec := TRACKED.get(type(row))) is None:
            continue
        state = inspect(row)
        changed = frozenset(name for name in spec.fields
                            if state.attrs[name].history.has_changes())
        if changed:
            changes.append((spec, row, False, changed))
    if not changes:
        return
    order = {spec.subject: n for n, spec in enumerate(TRACKED.values())}
    connection = session.connection()
    for spec, row, inserted, changed in sorted(changes,
                                               key=lambda c: (order[c[0].subject], c[1].id)):
        append_event(connection, spec, row, spec.kind_of(row, inserted, changed))


# -- the ledger's own projections --------------------------------------------------------------


def _flag_kind(row: ComplianceFlag, inserted: bool, changed: frozenset[str]) -> str:
    if inserted:
        return "flag.created"
    if "resolved_entry_id" in changed:
        return "flag.resolved" if row.resolved_entry_id is not None else "flag.reopened"
    return "flag.changed"


FLAGS = track(Tracked(
    ComplianceFlag, "flag", "signalement DON-16",
    ("entry_id", "campaign_id", "rule", "amount_cents", "message", "created_at",
     "resolved_entry_id", "resolved_at"),
    scope="campaign", link="entry_id", kind_of=_flag_kind,
    field_labels={"entry_id": "écriture signalée", "campaign_id": "campagne", "rule": "règle",
                  "amount_cents": "montant à rembourser", "message": "motif",
                  "created_at": "date", "resolved_entry_id": "remboursement qui le solde",
                  "resolved_at": "date de solde"}))

MERGES = track(Tracked(
    DonorMerge, "merge", "fusion de fiches de donateurs",
    ("kept_id", "merged_id", "by_id", "at", "reason"),
    scope="election", link="kept_id",
    kind_of=lambda row, inserted, changed: "donor.merged" if inserted else "donor.merge_changed",
    field_labels={"kept_id": "fiche gardée", "merged_id": "fiche fusionnée",
                  "by_id": "trésorier", "at": "date", "reason": "motif"}))

DISTINCTIONS = track(Tracked(
    DonorDistinction, "distinction", "distinction de fiches de donateurs",
    ("first_id", "second_id", "by_id", "at", "reason"),
    scope="election", link="first_id",
    kind_of=lambda row, inserted, changed: ("donor.kept_apart" if inserted
                                            else "donor.kept_apart_changed"),
    field_labels={"first_id": "première fiche", "second_id": "seconde fiche",
                  "by_id": "trésorier", "at": "date", "reason": "motif"}))
