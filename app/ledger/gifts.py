"""Booking gifts: one lock, one rules check, one append — inside the caller's transaction.

Every channel (the Stripe webhook, the CSV import, the treasurer's forms) goes through
:func:`record_gift`. The cap check and the write happen in the transaction of the view, CLI
command or webhook that owns it (:func:`app.dbutil.transaction`), holding a lock on the donor
(PostgreSQL ``SELECT … FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``), so two simultaneous gifts can
never pass the cap together (DON-2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.campaigns.models import Campaign
from app.core.finance.decision import ANONYMOUS_DONOR, Decision, Donor, Gift, History
from app.core.finance.rules import donor_cap, donor_total_for_cap, evaluate_gift, excess_to_refund
from app.core.finance.vocabulary import CASH_METHODS
from app.dbutil import require_transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.facts import campaign_facts
from app.ledger.journal import append_entry, find_by_source, reasons_json
from app.ledger.locks import (
    created_now,
    donor_group,
    ensure_donor,
    lock_campaign,
    lock_donor,
    unbooked_new,
)
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.models import Donor as DonorRow
from app.ledger.receipts import number_in_use
from app.ledger.totals import (
    campaign_cash_total,
    donor_total,
    party_year_total,
    reserved,
    unresolved_flags,
)

KIND_FOR_METHOD = {"nature": "in_kind", "quete": "collection"}


@dataclass(frozen=True)
class DonorIdentity(Donor):
    """A donor as declared (R39-1 fields, DON-10, and the DON-1 attestations) plus the e-mail
    address the receipt goes to. Paper gifts carry their attestations on the signed CNCCFP
    form, hence ``attests_eligibility`` defaults to True here."""

    pays: str = "France"
    nationalite: str = "française"
    attests_eligibility: bool = True
    email: str = ""


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
    #: A demonstration payment: booked and marked, never counted (no money moved).
    demo: bool = False


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


def record_gift(gift: GiftInput, *, enforce: bool = True) -> GiftOutcome:
    """Check a gift against every rule and book it, exactly once per ``source_ref``.

    ``enforce=True`` (treasurer entries, imports): a refused gift writes nothing, not even a
    new donor record. ``enforce=False`` (money already received, e.g. a Stripe charge): the
    gift is booked and what must not be kept is flagged for refund (DON-16).
    """
    require_transaction(db.session)
    savepoint = db.session.begin_nested()
    try:
        outcome = _decide(gift, enforce)
    except BaseException:
        savepoint.rollback()
        raise
    if outcome.status == "refused" or outcome.duplicate:
        savepoint.rollback()
    else:
        savepoint.commit()
    return outcome


def gift_history(campaign_id: int, election_id: int, group: list[int] | None,
                 gift: GiftInput, *, party: bool = False, fresh: bool = False) -> History:
    """What the rules need to know of the past to decide on ``gift`` (the cap check): the
    donor group's totals in the election and the year (DON-2, PARTY-1), read through the
    ledger's (election, donor) index, so its cost does not grow with the ledger
    (bench/cap_bench.py). DON-5 needs the campaign's cash total, a sum over the campaign's
    entries: read for a cash gift only. ``party``: a party-mode campaign, whose year total
    covers every party of the install (PARTY-1). ``fresh``: the group is one donor record this
    transaction created and has booked nothing for yet (:func:`app.ledger.locks.unbooked_new`):
    its two sums (DON-2) are 0 without reading them (a peak's gifts are mostly new donors);
    its gifts in flight (two open tabs) are still read."""
    cash = campaign_cash_total(campaign_id) if gift.method in CASH_METHODS else 0
    if group is None or gift.demo:  # a demo gift is checked as if it were the first
        return History(campaign_cash_total_cents=cash)
    kept = 0 if fresh else donor_total(election_id, group) - unresolved_flags(group, election_id)
    before = kept + reserved(election_id, group, gift.reservation_ref)
    # The year's total is what PARTY-1 measures (rules.donor_total_for_cap): a candidate's
    # campaign (DON-2, per election) never reads it, so its four queries are skipped there.
    return History(donor_election_total_cents=before,
                   donor_year_total_cents=(  # PARTY-1: every party of the install, one person
                       party_year_total(group, gift.on.year, gift.reservation_ref) if party
                       else 0),
                   campaign_cash_total_cents=cash)


def _decide(gift: GiftInput, enforce: bool) -> GiftOutcome:
    campaign = db.session.get(Campaign, gift.campaign_id)
    if campaign is None:
        raise LedgerError(f"Campagne inconnue (n° {gift.campaign_id}).")
    election_id = campaign.election_id
    donor: DonorRow | None = None
    group: list[int] = []
    fresh = False
    if gift.identity is not None and gift.method != "quete":
        donor = ensure_donor(election_id, gift.identity, gift.identity.email)
        fresh = unbooked_new(donor)
        group = ([donor.id] if created_now(donor)
                 else donor_group(donor.id, root=lock_donor(donor.id)))
    campaign = lock_campaign(gift.campaign_id)
    if gift.source_ref and (existing := find_by_source(gift.source_ref)) is not None:
        return GiftOutcome("duplicate", Decision.accept(), existing.id, existing.donor_id)
    if gift.receipt_number and number_in_use(campaign.id, gift.receipt_number.strip()):
        return GiftOutcome("refused", Decision.refuse(
            "DON-11", f"Le reçu n° {gift.receipt_number.strip()} est déjà utilisé ou annulé : "
            "un numéro de reçu ne sert qu'une fois."), donor_id=donor.id if donor else None)
    facts = campaign_facts(campaign)
    core_gift = Gift(gift.amount_cents, gift.on, gift.method,
                     gift.identity if donor is not None and gift.identity else ANONYMOUS_DONOR)
    history = gift_history(campaign.id, election_id, group if donor is not None else None, gift,
                           party=campaign.mode == "parti", fresh=fresh)
    decision = evaluate_gift(core_gift, facts, history)
    donor_id = donor.id if donor else None
    if not decision.allowed and enforce:
        return GiftOutcome("refused", decision, donor_id=donor_id)
    kind = KIND_FOR_METHOD.get(gift.method, "donation")
    entry = append_entry(
        campaign, kind=kind, amount_cents=gift.amount_cents, on=gift.on, method=gift.method,
        donor=donor, source_ref=gift.source_ref, receipt_number=gift.receipt_number,
        recorded_by_id=gift.recorded_by_id, reason=gift.reason,
        rules=reasons_json(decision.reasons), details=gift.details, demo=gift.demo)
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
        flagged = _flag(entry, decision, donor_total_for_cap(facts, history), facts)
    return GiftOutcome("warning" if decision.reasons else "accepted", decision, entry.id,
                       donor_id, flagged)


def _flag(entry: LedgerEntry, decision: Decision, before: int, facts: Any) -> int:
    """DON-16: money received that must be refunded (only the excess for a cap rule)."""
    refusal = decision.refusals[0]
    cap_rules = {"DON-2", "PARTY-1"}
    only_cap = all(r.rule in cap_rules for r in decision.refusals)
    amount = (excess_to_refund(before, entry.amount_cents, donor_cap(facts))
              if only_cap else entry.amount_cents)
    message = "À rembourser (DON-16) : " + " ".join(r.message for r in decision.refusals)
    db.session.add(ComplianceFlag(entry_id=entry.id, campaign_id=entry.campaign_id,
                                  rule=refusal.rule, amount_cents=amount, message=message))
    return amount
