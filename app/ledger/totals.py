"""What a donor has given and may still give, what is owed back, what the campaign holds in
cash: the sums every rule check reads (DON-2, DON-5, DON-16, PARTY-1).

Pending online gifts hold part of a donor's cap until they are paid or expire; the donations
package registers that reservation with :func:`register_reservation` when the app starts
(``donations.init_app``), so the totals never depend on which module was imported first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import extract, func, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.vocabulary import CASH_METHODS
from app.extensions import db
from app.ledger.locks import donor_group
from app.ledger.models import ComplianceFlag, Donor, LedgerEntry

#: Entry kinds (and their signs) that make up a donor's contribution (DON-2, DON-18).
DONOR_KINDS = ("donation", "in_kind", "refund", "reversal")

#: A reservation: (election id, donor ids, reference of the gift being booked, which must not
#: count against itself) → cents held.
Reservation = Callable[[int, list[int], str | None], int]
RESERVATIONS_KEY = "estrade.cap_reservations"


def register_reservation(app: Any, provider: Reservation) -> None:
    """Make ``provider``'s held amounts count against donors' caps in ``app``."""
    providers: list[Reservation] = app.extensions.setdefault(RESERVATIONS_KEY, [])
    if provider not in providers:
        providers.append(provider)


def reserved(election_id: int, donor_ids: list[int], exclude_ref: str | None) -> int:
    """Cents held for these donors by gifts in flight (every registered reservation)."""
    providers: list[Reservation] = current_app.extensions.get(RESERVATIONS_KEY, [])
    return sum(provider(election_id, donor_ids, exclude_ref) for provider in providers)


def donor_total(election_id: int, donor_ids: Iterable[int], year: int | None = None) -> int:
    """DON-2: gifts minus refunds of these donors in this election, every site and channel."""
    ids = list(donor_ids)
    rows = select(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.election_id == election_id, LedgerEntry.donor_id.in_(ids),
        LedgerEntry.kind.in_(DONOR_KINDS), LedgerEntry.demo.is_(False)
    ).group_by(LedgerEntry.kind)
    if year is not None:
        # PARTY-1 counts a calendar year's gifts: a refund or a reversal belongs to the year of
        # the entry it corrects (a December gift refunded in January lowers December's year).
        related = aliased(LedgerEntry)
        rows = rows.outerjoin(related, LedgerEntry.related_entry_id == related.id).where(
            extract("year", func.coalesce(related.on, LedgerEntry.on)) == year)
    return sum(signed_amount(kind, int(total or 0)) for kind, total in db.session.execute(rows))


def reversed_ids() -> Any:
    """The ids of entries cancelled by a reversal (a subquery)."""
    return select(LedgerEntry.related_entry_id).where(
        LedgerEntry.kind == "reversal", LedgerEntry.related_entry_id.is_not(None))


def refunded_so_far(entry_id: int) -> int:
    """Refunds of the gift ``entry_id`` still standing (a failed refund, or a dispute won
    after the funds were withdrawn, is reversed and gives the room back)."""
    total = db.session.scalar(select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.related_entry_id == entry_id, LedgerEntry.kind == "refund",
        LedgerEntry.id.not_in(reversed_ids())))
    return int(total or 0)


def outstanding_flags(*where: Any) -> dict[int, int]:
    """DON-16 money still to give back, by flagged entry: its flags less the refunds of that
    entry still standing, so a partial refund counts at once (a flag is marked resolved only
    when refunds cover it whole); a reversed gift (a bounced cheque) owes nothing. ``where``
    filters the flags."""
    rows = db.session.execute(select(ComplianceFlag.entry_id,
                                     func.sum(ComplianceFlag.amount_cents))
                              .where(*where, ComplianceFlag.entry_id.not_in(reversed_ids()))
                              .group_by(ComplianceFlag.entry_id)).all()
    left = {int(entry_id): int(total) - refunded_so_far(int(entry_id)) for entry_id, total in rows}
    return {entry_id: cents for entry_id, cents in left.items() if cents > 0}


def unresolved_flags(donor_ids: Iterable[int], election_id: int | None = None) -> int:
    """DON-16 money these donors are still owed back (out of what they may keep, DON-2).
    With ``election_id`` the donors' entries are found through the (election, donor) index
    instead of a scan of the ledger (a donor belongs to one election)."""
    of_donors = select(LedgerEntry.id).where(LedgerEntry.donor_id.in_(list(donor_ids)))
    if election_id is not None:
        of_donors = of_donors.where(LedgerEntry.election_id == election_id)
    return sum(outstanding_flags(ComplianceFlag.entry_id.in_(of_donors)).values())


def money_to_refund(campaign_id: int) -> dict[int, int]:
    """Unresolved DON-16 amounts by ledger entry: money received that must go back to the
    donor, so it stays out of the receipts ("recettes") until the refund is booked."""
    return outstanding_flags(ComplianceFlag.campaign_id == campaign_id)


def accepted_total(election_id: int, donor_id: int) -> int:
    """What the person may keep counting toward DON-2: total less unresolved DON-16 flags."""
    group = donor_group(donor_id)
    return donor_total(election_id, group) - unresolved_flags(group, election_id)


def year_total(election_id: int, group: list[int], year: int, exclude_ref: str | None) -> int:
    """PARTY-1: the calendar year's gifts, less money still owed back from that year, plus
    online gifts in flight (two open tabs must not pass the yearly cap together)."""
    of_year = select(LedgerEntry.id).where(  # election first: the (election, donor) index
        LedgerEntry.election_id == election_id, LedgerEntry.donor_id.in_(group),
        extract("year", LedgerEntry.on) == year)
    return (donor_total(election_id, group, year=year)
            - sum(outstanding_flags(ComplianceFlag.entry_id.in_(of_year)).values())
            + reserved(election_id, group, exclude_ref))


#: What makes up the DON-5 cash total: cash gifts, collections, and what corrects them.
CASH_KINDS = ("donation", "collection", "refund")


def party_year_total(group: list[int], year: int, exclude_ref: str | None) -> int:
    """PARTY-1 (loi 88-227 art. 11-4): one person's gifts to one **or several** parties in the
    calendar year, across every party-mode campaign of the installation: the records with the
    same identity key in each party's election, with the records merged into them. Only the
    sum is returned; nothing here names the other party."""
    keys = select(Donor.identity_key).where(Donor.id.in_(group))
    parties = select(Campaign.election_id).where(Campaign.mode == "parti")
    found = db.session.execute(select(Donor.id, Donor.election_id).where(
        Donor.identity_key.in_(keys), Donor.election_id.in_(parties))).all()
    own = db.session.execute(select(Donor.id, Donor.election_id).where(
        Donor.id.in_(group))).all()
    by_election: dict[int, set[int]] = {}
    for donor_id, election_id in [*own, *found]:
        by_election.setdefault(int(election_id), set()).update(donor_group(int(donor_id)))
    return sum(year_total(election_id, sorted(ids), year, exclude_ref)
               for election_id, ids in by_election.items())


def campaign_cash_total(campaign_id: int) -> int:
    """DON-5: cash gifts and collections the campaign has booked and keeps: less their refunds
    and reversals (a reversed refund counts again), each entry with its sign."""
    related = aliased(LedgerEntry)
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .outerjoin(related, LedgerEntry.related_entry_id == related.id)
        .where(LedgerEntry.campaign_id == campaign_id, LedgerEntry.method.in_(CASH_METHODS),
               LedgerEntry.demo.is_(False),
               LedgerEntry.kind.in_(CASH_KINDS)
               | ((LedgerEntry.kind == "reversal") & related.kind.in_(CASH_KINDS)))
        .group_by(LedgerEntry.kind))
    return sum(signed_amount(kind, int(total or 0)) for kind, total in rows)
