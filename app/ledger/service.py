"""Booking money into the ledger: one lock, one rules check, one append, one commit.

Every channel (Stripe webhook, CSV import, the treasurer's forms) goes through
:func:`record_gift` or :func:`append_entry`. The cap check and the write happen in one
transaction holding a lock on the donor (PostgreSQL ``SELECT … FOR UPDATE``; SQLite
``BEGIN IMMEDIATE``), so two simultaneous gifts can never pass the cap together (DON-2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.core.finance.chain import GENESIS, entry_digest, signed_amount
from app.core.finance.donors import donor_key
from app.core.finance.rules import (
    ANONYMOUS_DONOR,
    Decision,
    Gift,
    History,
    Reason,
    evaluate_gift,
    excess_to_refund,
)
from app.core.finance.rules import Donor as CoreDonor
from app.core.finance.rules import donor_cap as rules_donor_cap
from app.core.finance.rules import donor_total_for_cap as history_total
from app.dbutil import begin_write
from app.extensions import db
from app.ledger.facts import campaign_facts
from app.ledger.models import ComplianceFlag, Donor, LedgerEntry
from app.timeutil import utcnow

#: Entry kinds (and their signs) that make up a donor's contribution (DON-2, DON-18).
DONOR_KINDS = ("donation", "in_kind", "refund", "reversal")
CASH_METHODS = ("especes", "quete")
KIND_FOR_METHOD = {"nature": "in_kind", "quete": "collection"}

#: Pending amounts reserved against the cap by other modules (e.g. unpaid online gifts):
#: callables (election_id, donor_ids, exclude_ref) -> cents.
RESERVATIONS: list[Callable[[int, list[int], str | None], int]] = []


class LedgerError(ValueError):
    """A French message for the treasurer."""


@dataclass(frozen=True)
class DonorIdentity(CoreDonor):
    """A donor as declared (R39-1 fields, DON-10, and the DON-1 attestations) plus the e-mail
    address the receipt goes to. Paper gifts carry their attestations on the signed CNCCFP
    form, hence ``attests_eligibility`` defaults to True here."""

    pays: str = "France"
    nationalite: str = "française"
    attests_eligibility: bool = True
    email: str = ""

    @property
    def key(self) -> str:
        return donor_key(self.nom, self.prenom, self.code_postal, self.adresse)


@dataclass(frozen=True)
class GiftInput:
    campaign_id: int
    amount_cents: int
    on: date
    method: str
    identity: DonorIdentity | None  # None for an anonymous quête
    source_ref: str | None = None
    receipt_number: str | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    recorded_by_id: int | None = None
    #: The pending reservation this gift settles (not counted against itself), e.g.
    #: ``donation:<id>`` for an online gift being booked.
    reservation_ref: str | None = None


@dataclass(frozen=True)
class GiftOutcome:
    status: str  # accepted | warning | refused | duplicate
    decision: Decision
    entry_id: int | None = None
    donor_id: int | None = None
    flagged_cents: int = 0

    @property
    def duplicate(self) -> bool:
        return self.status == "duplicate"


# --------------------------------------------------------------------------- donors


def _find_donor(election_id: int, key: str) -> Donor | None:
    return db.session.scalar(select(Donor).where(Donor.election_id == election_id,
                                                 Donor.identity_key == key))


def ensure_donor(election_id: int, identity: DonorIdentity) -> Donor:
    """The donor with this identity in this election, created when new (race-safe)."""
    donor = _find_donor(election_id, identity.key)
    if donor is not None:
        return donor
    donor = Donor(election_id=election_id, identity_key=identity.key, civilite=identity.civilite,
                  nom=identity.nom.strip(), prenom=identity.prenom.strip(),
                  adresse=identity.adresse.strip(), code_postal=identity.code_postal.strip(),
                  commune=identity.commune.strip(), pays=identity.pays.strip(),
                  nationalite=identity.nationalite.strip(), email=identity.email or None)
    try:
        with db.session.begin_nested():
            db.session.add(donor)
    except IntegrityError:  # created meanwhile by a concurrent gift
        donor = _find_donor(election_id, identity.key)
        if donor is None:
            raise
    return donor


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


def donor_group(donor_id: int) -> list[int]:
    """Every donor record merged (directly or not) into ``donor_id``'s person."""
    root = canonical_id(donor_id)
    group, frontier = {root}, [root]
    while frontier:
        children = db.session.scalars(select(Donor.id).where(
            Donor.merged_into_id.in_(frontier))).all()
        frontier = [c for c in children if c not in group]
        group.update(frontier)
    return sorted(group)


def lock_donor(donor_id: int) -> int:
    """Lock the person's canonical donor row for the rest of the transaction."""
    root = canonical_id(donor_id)
    db.session.execute(select(Donor.id).where(Donor.id == root).with_for_update())
    return root


# --------------------------------------------------------------------------- totals


def donor_total(election_id: int, donor_ids: Iterable[int], year: int | None = None) -> int:
    """DON-2: gifts minus refunds of these donors in this election, every site and channel."""
    ids = list(donor_ids)
    rows = select(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.election_id == election_id, LedgerEntry.donor_id.in_(ids),
        LedgerEntry.kind.in_(DONOR_KINDS)).group_by(LedgerEntry.kind)
    if year is not None:
        # PARTY-1 counts a calendar year's gifts: a refund or a reversal belongs to the year of
        # the entry it corrects (a December gift refunded in January lowers December's year).
        related = aliased(LedgerEntry)
        rows = rows.outerjoin(related, LedgerEntry.related_entry_id == related.id).where(
            extract("year", func.coalesce(related.on, LedgerEntry.on)) == year)
    return sum(signed_amount(kind, int(total or 0)) for kind, total in db.session.execute(rows))


def _reversed_ids() -> Any:
    return select(LedgerEntry.related_entry_id).where(
        LedgerEntry.kind == "reversal", LedgerEntry.related_entry_id.is_not(None))


def refunded_so_far(entry_id: int) -> int:
    """Refunds of the gift ``entry_id`` still standing (a failed refund, or a dispute won
    after the funds were withdrawn, is reversed and gives the room back)."""
    total = db.session.scalar(select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.related_entry_id == entry_id, LedgerEntry.kind == "refund",
        LedgerEntry.id.not_in(_reversed_ids())))
    return int(total or 0)


def outstanding_flags(*where: Any) -> dict[int, int]:
    """DON-16 money still to give back, by flagged entry: its flags less the refunds of that
    entry still standing, so a partial refund counts at once (a flag is marked resolved only
    when refunds cover it whole). ``where`` filters the flags."""
    rows = db.session.execute(select(ComplianceFlag.entry_id,
                                     func.sum(ComplianceFlag.amount_cents))
                              .where(*where).group_by(ComplianceFlag.entry_id)).all()
    left = {int(entry_id): int(total) - refunded_so_far(int(entry_id)) for entry_id, total in rows}
    return {entry_id: cents for entry_id, cents in left.items() if cents > 0}


def unresolved_flags(donor_ids: Iterable[int]) -> int:
    """DON-16 money these donors are still owed back (out of what they may keep, DON-2)."""
    of_donors = select(LedgerEntry.id).where(LedgerEntry.donor_id.in_(list(donor_ids)))
    return sum(outstanding_flags(ComplianceFlag.entry_id.in_(of_donors)).values())


def money_to_refund(campaign_id: int) -> dict[int, int]:
    """Unresolved DON-16 amounts by ledger entry: money received that must go back to the
    donor, so it stays out of the receipts ("recettes") until the refund is booked."""
    return outstanding_flags(ComplianceFlag.campaign_id == campaign_id)


def accepted_total(election_id: int, donor_id: int) -> int:
    """What the person may keep counting toward DON-2: total less unresolved DON-16 flags."""
    group = donor_group(donor_id)
    return donor_total(election_id, group) - unresolved_flags(group)


def reserved(election_id: int, donor_ids: list[int], exclude_ref: str | None) -> int:
    return sum(provider(election_id, donor_ids, exclude_ref) for provider in RESERVATIONS)


def campaign_cash_total(campaign_id: int) -> int:
    total = db.session.scalar(select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.campaign_id == campaign_id, LedgerEntry.method.in_(CASH_METHODS),
        LedgerEntry.kind.in_(("donation", "collection"))))
    return int(total or 0)


# --------------------------------------------------------------------------- appending


def _lock_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id)
                                 .with_for_update())
    if campaign is None:
        raise LedgerError(f"Campagne inconnue (n° {campaign_id}).")
    return campaign


def append_entry(campaign: Campaign, *, kind: str, amount_cents: int, on: date,
                 method: str | None = None, donor: Donor | None = None,
                 source_ref: str | None = None, receipt_number: str | None = None,
                 related: LedgerEntry | None = None, recorded_by_id: int | None = None,
                 reason: str = "", rules: list[dict[str, str]] | None = None,
                 details: dict[str, Any] | None = None) -> LedgerEntry:
    """Append one chained entry. The caller holds the locks and commits."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise LedgerError("Montant invalide : un nombre entier de centimes est attendu.")
    if kind != "reversal" and amount_cents <= 0:
        raise LedgerError("Le montant d'une écriture doit être positif.")
    last = db.session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash, LedgerEntry.cumulative_cents)
        .where(LedgerEntry.campaign_id == campaign.id)
        .order_by(LedgerEntry.seq.desc()).limit(1)).first()
    seq, prev_hash, cumulative = (last[0] + 1, last[1], last[2]) if last else (1, GENESIS, 0)
    entry = LedgerEntry(
        campaign_id=campaign.id, election_id=campaign.election_id, seq=seq, kind=kind,
        amount_cents=amount_cents, on=on, method=method,
        donor_id=donor.id if donor else None,
        donor_snapshot=donor.snapshot() if donor else None, source_ref=source_ref,
        receipt_number=receipt_number or None,
        related_entry_id=related.id if related else None,
        related_entry_seq=related.seq if related else None,
        recorded_by_id=recorded_by_id, recorded_at=utcnow().replace(microsecond=0),
        reason=reason, rules=rules or [], details=details or {},
        cumulative_cents=cumulative + signed_amount(kind, amount_cents), prev_hash=prev_hash)
    entry.hash = entry_digest(entry.chained_fields(), prev_hash)
    db.session.add(entry)
    db.session.flush()
    return entry


def _reasons_json(reasons: Iterable[Reason]) -> list[dict[str, str]]:
    return [{"rule": r.rule, "severity": r.severity, "message": r.message} for r in reasons]


def find_by_source(source_ref: str) -> LedgerEntry | None:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.source_ref == source_ref))


def record_gift(gift: GiftInput, *, enforce: bool = True, commit: bool = True) -> GiftOutcome:
    """Check a gift against every rule and book it, exactly once per ``source_ref``.

    ``enforce=True`` (treasurer entries, imports, pre-payment checks): a refused gift writes
    nothing. ``enforce=False`` (money already received, e.g. a Stripe charge): the gift is
    booked and what must not be kept is flagged for refund (DON-16).
    """
    begin_write(db.session)
    savepoint = db.session.begin_nested()
    try:
        outcome = _record_gift_locked(gift, enforce)
        if outcome.status == "refused" or outcome.duplicate:
            savepoint.rollback()  # nothing of a refused gift is kept, not even a new donor
        else:
            savepoint.commit()
        if commit:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return outcome


def check_gift(gift: GiftInput) -> GiftOutcome:
    """The rules' decision for ``gift`` under the donor lock, without booking anything.

    The caller's transaction keeps the lock: whatever it writes next (a pending online
    donation reserving the amount) is decided atomically with the check. The caller commits.
    """
    begin_write(db.session)
    return _record_gift_locked(gift, enforce=True, book=False)


def _record_gift_locked(gift: GiftInput, enforce: bool, book: bool = True) -> GiftOutcome:
    campaign = db.session.get(Campaign, gift.campaign_id)
    if campaign is None:
        raise LedgerError(f"Campagne inconnue (n° {gift.campaign_id}).")
    election_id = campaign.election_id
    donor: Donor | None = None
    group: list[int] = []
    if gift.identity is not None and gift.method != "quete":
        donor = ensure_donor(election_id, gift.identity)
        lock_donor(donor.id)
        group = donor_group(donor.id)
    campaign = _lock_campaign(gift.campaign_id)
    if gift.source_ref and (existing := find_by_source(gift.source_ref)) is not None:
        return GiftOutcome("duplicate", Decision.accept(), existing.id, existing.donor_id)
    facts = campaign_facts(campaign)
    core_gift = Gift(gift.amount_cents, gift.on, gift.method,
                     gift.identity if donor is not None else ANONYMOUS_DONOR)
    before = 0
    history = History(campaign_cash_total_cents=campaign_cash_total(campaign.id))
    if donor is not None:
        before = (donor_total(election_id, group) - unresolved_flags(group)
                  + reserved(election_id, group, gift.reservation_ref))
        # PARTY-1: the calendar year's gifts, less money still owed back from that year, plus
        # online gifts in flight (two open tabs must not pass the yearly cap together).
        of_year = select(LedgerEntry.id).where(
            LedgerEntry.donor_id.in_(group), extract("year", LedgerEntry.on) == gift.on.year)
        year_total = (donor_total(election_id, group, year=gift.on.year)
                      - sum(outstanding_flags(ComplianceFlag.entry_id.in_(of_year)).values())
                      + reserved(election_id, group, gift.reservation_ref))
        history = History(donor_election_total_cents=before, donor_year_total_cents=year_total,
                          campaign_cash_total_cents=history.campaign_cash_total_cents)
    decision = evaluate_gift(core_gift, facts, history)
    if not decision.allowed and enforce:
        return GiftOutcome("refused", decision, donor_id=donor.id if donor else None)
    if not book:
        return GiftOutcome(decision.status, decision, donor_id=donor.id if donor else None)
    kind = KIND_FOR_METHOD.get(gift.method, "donation")
    entry = append_entry(
        campaign, kind=kind, amount_cents=gift.amount_cents, on=gift.on, method=gift.method,
        donor=donor, source_ref=gift.source_ref, receipt_number=gift.receipt_number,
        recorded_by_id=gift.recorded_by_id, reason=gift.reason,
        rules=_reasons_json(decision.reasons), details=gift.details)
    if kind == "in_kind":
        # DON-18 (CE L52-12): an in-kind gift is a receipt and, for the same value, an
        # expense of the campaign; no money reaches the bank account.
        append_entry(campaign, kind="in_kind_expense", amount_cents=gift.amount_cents,
                     on=gift.on, method=gift.method,
                     source_ref=f"{gift.source_ref}:depense" if gift.source_ref else None,
                     related=entry, recorded_by_id=gift.recorded_by_id,
                     reason="Contrepartie en dépense du don en nature (DON-18)",
                     details=gift.details)
    flagged = 0
    if not decision.allowed:  # the excess is measured against the cap that was passed
        flagged = _flag(entry, decision, history_total(facts, history), facts)
    return GiftOutcome("warning" if decision.reasons else "accepted", decision, entry.id,
                       donor.id if donor else None, flagged)


def _flag(entry: LedgerEntry, decision: Decision, before: int, facts: Any) -> int:
    """DON-16: money received that must be refunded (only the excess for a cap rule)."""
    refusal = decision.refusals[0]
    cap_rules = {"DON-2", "PARTY-1"}
    only_cap = all(r.rule in cap_rules for r in decision.refusals)
    amount = (excess_to_refund(before, entry.amount_cents, rules_donor_cap(facts))
              if only_cap else entry.amount_cents)
    message = "À rembourser (DON-16) : " + " ".join(r.message for r in decision.refusals)
    db.session.add(ComplianceFlag(entry_id=entry.id, campaign_id=entry.campaign_id,
                                  rule=refusal.rule, amount_cents=amount, message=message))
    return amount
