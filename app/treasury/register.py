"""The donor register of one campaign: its donors as people (merged records together), what
each gave here and by which channels, and, as a figure only, what the person has given for
the whole election against the DON-2 cap. Gifts to rival campaigns are never listed: only
their sum shows, in the cumulative the cap is measured on (CE L52-8 al. 1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.core.finance.chain import signed_amount
from app.core.finance.donors import normalise_name as normalise
from app.core.finance.rules import donor_cap
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.extensions import db
from app.ledger.donor_list import canonical_map, donor_money
from app.ledger.donors import campaign_donor_ids, duplicates_for
from app.ledger.facts import campaign_facts
from app.ledger.models import Donor, LedgerEntry
from app.ledger.totals import DONOR_KINDS, money_to_refund

SORTS = ("nom", "total", "cumul", "dernier")
PAGE = 50


@dataclass
class Person:
    """One person among the campaign's donors (the record standing for them)."""

    donor: Donor
    records: list[int] = field(default_factory=list)
    gifts: int = 0
    campaign_cents: int = 0
    election_cents: int = 0
    to_refund_cents: int = 0
    channels: set[str] = field(default_factory=set)
    last_on: date | None = None

    @property
    def id(self) -> int:
        return self.donor.id

    @property
    def channel_labels(self) -> str:
        return ", ".join(sorted(PAYMENT_METHODS.get(c, c) for c in self.channels))


def _election_totals(election_id: int, records: set[int]) -> dict[int, int]:
    """DON-2 sums by donor record over every campaign of the election (gifts less refunds)."""
    rows = db.session.execute(select(LedgerEntry.donor_id, LedgerEntry.kind,
                                     func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.election_id == election_id, LedgerEntry.donor_id.in_(records),
        LedgerEntry.kind.in_(DONOR_KINDS), LedgerEntry.demo.is_(False))
        .group_by(LedgerEntry.donor_id, LedgerEntry.kind))
    totals: dict[int, int] = defaultdict(int)
    for donor_id, kind, cents in rows:
        totals[donor_id or 0] += signed_amount(kind, int(cents or 0))
    return totals


def people(campaign: Campaign) -> dict[int, Person]:
    """The campaign's donors by person (canonical record id)."""
    own = campaign_donor_ids(campaign.id)
    if not own:
        return {}
    roots = canonical_map(campaign.election_id)
    group: dict[int, list[int]] = defaultdict(list)
    for record, root in roots.items():
        group[root].append(record)
    persons: dict[int, Person] = {}
    wanted = {roots.get(r, r) for r in own}
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(wanted)))}
    for root in wanted:
        persons[root] = Person(donors[root], records=sorted(group.get(root, [root])))
    to_refund = money_to_refund(campaign.id)
    for entry_id, kind, cents, on, method, donor_id in db.session.execute(select(
            LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.on,
            LedgerEntry.method, LedgerEntry.donor_id).where(
            LedgerEntry.campaign_id == campaign.id, LedgerEntry.donor_id.is_not(None),
            donor_money(LedgerEntry))):
        record = donor_id or 0  # never None: the query keeps named gifts only
        person = persons[roots.get(record, record)]
        person.campaign_cents += signed_amount(kind, cents)
        person.to_refund_cents += to_refund.get(entry_id, 0)
        if kind in ("donation", "in_kind"):
            person.gifts += 1
            person.channels.add(method or "")
            person.last_on = max(person.last_on or on, on)
    records = {r for p in persons.values() for r in p.records}
    by_record = _election_totals(campaign.election_id, records)
    for person in persons.values():
        person.election_cents = sum(by_record.get(r, 0) for r in person.records)
    return persons


@dataclass(frozen=True)
class Query:
    """What the treasurer asked of the register (all from the URL: a bookmarkable view)."""

    text: str = ""
    channel: str = ""
    state: str = ""  # "" | "plafond" (≥ 80 % of the cap) | "rembourser" | "doublons"
    sort: str = "nom"
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Query:
        sort = args.get("tri", "nom")
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        return cls(text=args.get("q", "").strip()[:100], channel=args.get("canal", "")[:20],
                   state=args.get("etat", "")[:20], sort=sort if sort in SORTS else "nom",
                   page=page)


def search(campaign: Campaign, query: Query) -> tuple[list[Person], int, int]:
    """The people matching ``query``, sorted, one page of them; the count and the cap."""
    cap = donor_cap(campaign_facts(campaign))
    found = list(people(campaign).values())
    if query.text:
        words = normalise(query.text).split()
        found = [p for p in found if all(w in normalise(
            f"{p.donor.nom} {p.donor.prenom} {p.donor.commune} {p.donor.code_postal}")
            for w in words)]
    if query.channel:
        found = [p for p in found if query.channel in p.channels]
    if query.state == "plafond":
        found = [p for p in found if p.election_cents * 100 >= cap * 80]
    elif query.state == "rembourser":
        found = [p for p in found if p.to_refund_cents]
    elif query.state == "doublons":
        pairs = {int(str(x)) for pair in duplicates_for(campaign.id)
                 for x in (pair.first, pair.second)}
        found = [p for p in found if pairs & set(p.records)]
    keys: dict[str, Any] = {
        "nom": lambda p: (normalise(p.donor.nom), normalise(p.donor.prenom), p.id),
        "total": lambda p: (-p.campaign_cents, p.id),
        "cumul": lambda p: (-p.election_cents, p.id),
        "dernier": lambda p: (-(p.last_on.toordinal() if p.last_on else 0), p.id)}
    found.sort(key=keys[query.sort])
    start = (query.page - 1) * PAGE
    return found[start:start + PAGE], len(found), cap


def person_of(campaign: Campaign, donor_id: int) -> Person | None:
    """The person behind ``donor_id`` if they gave to this campaign (else None: 404)."""
    if donor_id not in campaign_donor_ids(campaign.id):
        return None
    roots = canonical_map(campaign.election_id)
    return people(campaign).get(roots.get(donor_id, donor_id))


def gifts_of(campaign: Campaign, person: Person) -> list[LedgerEntry]:
    """This campaign's entries for the person, every channel, oldest first."""
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.donor_id.in_(person.records),
        donor_money(LedgerEntry)).order_by(LedgerEntry.on, LedgerEntry.seq)))


def look_alikes(campaign: Campaign, person: Person) -> list[tuple[Any, Donor]]:
    """Likely duplicates of this person among the campaign's donors (pair, other record)."""
    found = []
    for pair in duplicates_for(campaign.id):
        first, second = int(str(pair.first)), int(str(pair.second))
        if first in person.records or second in person.records:
            other = db.session.get(Donor, second if first in person.records else first)
            if other is not None:
                found.append((pair, other))
    return found
