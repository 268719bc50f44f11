"""Locks the ledger takes before deciding: the donor (the person, across merges), then the
campaign. Always in that order, so PostgreSQL never deadlocks; SQLite's ``BEGIN IMMEDIATE``
(:func:`app.dbutil.transaction`) already serialises writers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.core.finance.identity import Identity
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.models import Donor


def find_donor(election_id: int, key: str) -> Donor | None:
    """The donor record with this identity key in this election, if any."""
    return db.session.scalar(select(Donor).where(Donor.election_id == election_id,
                                                 Donor.identity_key == key))


def ensure_donor(election_id: int, identity: Identity, email: str = "") -> Donor:
    """The donor with this identity in this election, created when new (race-safe)."""
    key = identity.key
    donor = find_donor(election_id, key)
    if donor is not None:
        return donor
    donor = Donor(election_id=election_id, identity_key=key, email=email or None,
                  **{name: value.strip() for name, value in identity.as_dict().items()})
    if not row_locks():  # SQLite: BEGIN IMMEDIATE, nobody else can create it meanwhile
        db.session.add(donor)
        db.session.flush()
        return _created(donor)
    try:
        with db.session.begin_nested():
            db.session.add(donor)
    except IntegrityError:  # created meanwhile by a concurrent gift
        donor = find_donor(election_id, key)
        if donor is None:
            raise
        return donor
    return _created(donor)


NEW_DONORS = "estrade_new_donors"


def _created(donor: Donor) -> Donor:
    db.session.info.setdefault(NEW_DONORS, set()).add(donor.id)
    return pin(donor)


def created_now(donor: Donor) -> bool:
    """Whether this transaction inserted ``donor``: nobody else sees the row before commit, so
    it is its own person (nothing merged into it, merged into nothing) and needs no lock."""
    return donor.id in db.session.info.get(NEW_DONORS, ()) and inspect(donor).persistent


BOOKED_DONORS = "estrade_booked_donors"


def mark_booked(donor_id: int) -> None:
    """An entry naming this donor was appended by this transaction (:func:`unbooked_new`)."""
    db.session.info.setdefault(BOOKED_DONORS, set()).add(donor_id)


def unbooked_new(donor: Donor) -> bool:
    """Created by this transaction and named by none of its entries yet: the donor's totals
    are 0 without reading them. A webhook batch books several gifts in one transaction, so
    a donor created by the batch's first gift is no longer empty for the second."""
    return created_now(donor) and donor.id not in db.session.info.get(BOOKED_DONORS, ())


def canonical_id(donor_id: int) -> int:
    """Follow merges to the donor record that stands for the person."""
    seen = set()
    current = donor_id
    while True:
        target = db.session.scalar(select(Donor.merged_into_id).where(Donor.id == current))
        if target is None or current in seen:
            return current
        seen.add(current)
        current = target


def donor_group(donor_id: int, *, root: int | None = None) -> list[int]:
    """Every donor record merged (directly or not) into ``donor_id``'s person (``root``: its
    canonical id when the caller already has it, e.g. from :func:`lock_donor`)."""
    root = canonical_id(donor_id) if root is None else root
    group, frontier = {root}, [root]
    while frontier:
        children = db.session.scalars(select(Donor.id).where(
            Donor.merged_into_id.in_(frontier))).all()
        frontier = [c for c in children if c not in group]
        group.update(frontier)
    return sorted(group)


def row_locks() -> bool:
    """Whether rows must be locked one by one (PostgreSQL ``SELECT … FOR UPDATE``). SQLite
    renders no ``FOR UPDATE``: its ``BEGIN IMMEDIATE`` already holds the whole database for
    the writing transaction, so the locking reads are skipped there."""
    return db.session.get_bind().dialect.name != "sqlite"


def lock_donor(donor_id: int) -> int:
    """Lock the person's canonical donor row for the rest of the transaction."""
    root = canonical_id(donor_id)
    if row_locks():
        db.session.execute(select(Donor.id).where(Donor.id == root).with_for_update())
    return root


def lock_campaign(campaign_id: int) -> Campaign:
    """The campaign row, locked: its chain is appended to one entry at a time. The row is
    kept for the rest of the transaction (:func:`pin`), so later reads of it cost no query."""
    locked: set[int] = db.session.info.setdefault(LOCKED_CAMPAIGNS, set())
    if row_locks() and campaign_id not in locked:
        campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id)
                                     .with_for_update())
    else:  # SQLite, or locked already by this transaction (the fee after its gift)
        campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise LedgerError(f"Campagne inconnue (n° {campaign_id}).")
    locked.add(campaign_id)
    return pin(campaign)


#: Campaign rows this transaction holds locked. PostgreSQL releases a lock taken inside a
#: savepoint that is rolled back, so any rollback forgets them all (they are locked again).
LOCKED_CAMPAIGNS = "estrade_locked_campaigns"


@event.listens_for(Session, "after_soft_rollback")
def _forget_locks(session: Session, previous_transaction: Any) -> None:
    session.info.pop(LOCKED_CAMPAIGNS, None)


PINNED = "estrade_pinned_rows"


def pin(row: Any) -> Any:
    """Keep ``row`` referenced until the transaction ends: the session's identity map holds
    rows weakly, and a row dropped by its last Python reference is read again by the next
    ``session.get`` (one query each for the campaign, its entries, its election)."""
    db.session.info.setdefault(PINNED, []).append(row)
    return row


@event.listens_for(Session, "after_transaction_end")
def _unpin(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(PINNED, None)
        session.info.pop(NEW_DONORS, None)
        session.info.pop(BOOKED_DONORS, None)
        session.info.pop(LOCKED_CAMPAIGNS, None)
