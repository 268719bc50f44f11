"""Booking Stripe money into the ledger, exactly once per charge, refund and dispute id.

Every function here runs inside the caller's transaction (the webhook's, or the refund
approval's: :func:`app.dbutil.transaction`) and never commits: the Stripe event id, the ledger
entries, the donation update, the refund proposal and the queued confirmation e-mail are
committed together or not at all.

Business keys (``source_ref``, UNIQUE in the ledger) make every booking idempotent whatever
the order and the number of deliveries:

* ``stripe:charge:<ch>``  the gift (gross amount: the receipt, DON-14);
* ``stripe:fee:<txn>``    Stripe's fee on a balance transaction (an expense, DON-14);
* ``stripe:refund:<re>``  money given back (R39-1-1: traced), and
  ``stripe:refund-failed:<re>`` the reversal of a refund that failed;
* ``stripe:dispute:<dp>`` funds withdrawn by a dispute, and
  ``stripe:dispute-reinstated:<dp>`` their return when the dispute is won.

Locks are always taken in the same order: donation row (once per event, by the webhook
handler), donor, campaign (the ledger's own order is donor then campaign), so that PostgreSQL
never deadlocks and every "already booked?" check runs under the lock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from app.core.finance.identity import Identity
from app.core.finance.money import format_cents
from app.dbutil import require_transaction
from app.donations import consent
from app.donations.models import Donation, RefundRequest
from app.donations.stripe.shapes import (
    balance_transaction_of,
    charge_fee_cents,
    id_of,
    payment_intent_id_of,
)
from app.extensions import db
from app.ledger.entries import record_entry, record_refund, reverse_entry
from app.ledger.gifts import DonorIdentity, GiftInput, record_gift
from app.ledger.journal import find_by_source
from app.ledger.locks import lock_campaign, lock_donor
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import refunded_so_far
from app.timeutil import PARIS, paris_today, utcnow

log = logging.getLogger(__name__)

#: Refund statuses that move money back (Stripe books a balance transaction at once).
REFUND_BOOKED_STATUSES = ("succeeded", "pending", "requires_action")
REFUND_FAILED_STATUSES = ("failed", "canceled")


class BookingError(RuntimeError):
    """A Stripe object that cannot be booked (not paid, no amount)."""


@dataclass(frozen=True)
class BookingResult:
    entry_id: int | None
    duplicate: bool = False
    flagged_cents: int = 0
    refund_request_id: int | None = None
    fee_entry_id: int | None = None
    mail_key: str | None = None


def charge_ref(charge_id: str) -> str:
    return f"stripe:charge:{charge_id}"


def paris_date(timestamp: Any) -> date:
    """The day (Europe/Paris) of a Stripe Unix timestamp; today when it is missing."""
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        return datetime.fromtimestamp(timestamp, PARIS).date()
    return paris_today()


def subscription_end_timestamp(end: datetime) -> int:
    """DON-15: Unix time a monthly gift must stop, the end (Europe/Paris) of the last day of
    the collection window (``Donation.subscription_end_at``; the filing day is included)."""
    return int(datetime.combine(end.date(), time(23, 59, 59), PARIS).timestamp())


def payment_method_of(charge: Mapping[str, Any]) -> str:
    """Ledger method: "prelevement" for a SEPA direct debit, "carte" otherwise."""
    details = charge.get("payment_method_details")
    kind = details.get("type") if isinstance(details, Mapping) else None
    return "prelevement" if kind == "sepa_debit" else "carte"


def charge_amount(charge: Mapping[str, Any]) -> int:
    for key in ("amount_captured", "amount"):
        value = charge.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    raise BookingError(f"charge {charge.get('id')} has no amount")


def charge_succeeded(charge: Mapping[str, Any] | None) -> bool:
    return (charge is not None and charge.get("status") == "succeeded"
            and charge.get("paid", True) is not False)


def lock_donation(donation_id: str) -> Donation | None:
    """The donation row, locked and re-read (its counters are updated under the lock)."""
    return db.session.scalar(select(Donation).where(Donation.id == donation_id)
                             .with_for_update().execution_options(populate_existing=True))


def lock_entry(entry: LedgerEntry) -> None:
    """Donor then campaign of an existing entry: later checks run under the lock."""
    if entry.donor_id is not None:
        lock_donor(entry.donor_id)
    lock_campaign(entry.campaign_id)


def identity_of(donation: Donation) -> DonorIdentity:
    """The R39-1 identity declared on /don. The form refuses a gift without the DON-1 /
    DON-13 attestations (stored with their time on the row), hence the two flags."""
    return DonorIdentity(**Identity.from_mapping(donation).as_dict(), email=donation.email,
                         natural_person=True, attests_eligibility=True)


# -- the gift -------------------------------------------------------------------------------


def book_payment(donation: Donation, charge: dict[str, Any], *,
                 checkout_session_id: str | None = None,
                 invoice_id: str | None = None) -> BookingResult:
    """Book one succeeded Stripe charge for ``donation`` (idempotent per charge id).

    ``donation`` is locked by the caller (:func:`lock_donation`). ``charge`` must come from the
    Stripe API (never from an event payload), ideally with its ``balance_transaction``
    expanded so that the fee is booked at once.
    """
    require_transaction(db.session)
    if not charge_succeeded(charge):
        raise BookingError(f"charge {charge.get('id')} is not succeeded")
    charge_id = str(charge["id"])
    amount = charge_amount(charge)
    on = paris_date(charge.get("created"))
    method = payment_method_of(charge)
    pi_id = payment_intent_id_of(charge)
    details = {"donation_id": donation.id, "payment_intent": pi_id, "charge": charge_id,
               "source": donation.source, "checkout_session":
               checkout_session_id or donation.checkout_session_id}
    if invoice_id:
        details["invoice"] = invoice_id
    outcome = record_gift(GiftInput(
        campaign_id=donation.campaign_id, amount_cents=amount, on=on, method=method,
        identity=identity_of(donation), source_ref=charge_ref(charge_id),
        reason=("Don de démonstration (aucun paiement)" if donation.demo else
                "Don en ligne (Stripe)") + (" — mensuel" if donation.monthly else ""),
        details=details, reservation_ref=f"donation:{donation.id}", demo=donation.demo),
        enforce=False)
    entry_id = outcome.entry_id
    assert entry_id is not None
    fee_id = book_fee(donation.campaign_id, charge, entry_id)
    if outcome.duplicate:
        return BookingResult(entry_id, duplicate=True, fee_entry_id=fee_id)
    _settle(donation, amount, entry_id, pi_id, checkout_session_id)
    if donation.newsletter and donation.first_entry_id == entry_id:
        record_newsletter_consent(donation)
    request_id = None
    if outcome.flagged_cents > 0:
        request_id = propose_refund(entry_id, charge_id, outcome.flagged_cents)
    from app.donations import mail

    key = mail.queue_confirmation(donation, entry_id, charge_id)
    return BookingResult(entry_id, flagged_cents=outcome.flagged_cents,
                         refund_request_id=request_id, fee_entry_id=fee_id, mail_key=key)


def record_newsletter_consent(donation: Donation) -> None:
    """GDPR-1: the opt-in ticked on /don becomes a consent record once the gift is paid (an
    abandoned form is no donor and gets no news), with the time it was ticked and the
    version of the wording shown then."""
    ticked = donation.attestations.get("newsletter") if donation.attestations else None
    try:
        at = datetime.fromisoformat(ticked).astimezone(UTC).replace(tzinfo=None) if ticked \
            else donation.created_at
    except (TypeError, ValueError):
        at = donation.created_at
    consent.record(donation.site_id, donation.email, consent.GIVEN, at=at,
                   version=donation.attestations.get("newsletter_text_version") or None,
                   source=f"formulaire /don, don {donation.id}")


def _settle(donation: Donation, amount: int, entry_id: int, pi_id: str | None,
            session_id: str | None) -> None:
    donation.paid_cents = (donation.paid_cents or 0) + amount
    if donation.status not in ("ended", "cancelled"):
        donation.status = "active" if donation.monthly else "paid"
    donation.paid_at = donation.paid_at or utcnow()
    donation.first_entry_id = donation.first_entry_id or entry_id
    if pi_id and not donation.monthly and not donation.payment_intent_id:
        donation.payment_intent_id = pi_id
    if session_id and not donation.checkout_session_id:
        donation.checkout_session_id = session_id


def propose_refund(entry_id: int, charge_id: str | None, amount: int) -> int | None:
    """DON-16: prepare the refund of what must not be kept; only approval executes it."""
    flag = db.session.scalar(select(ComplianceFlag).where(
        ComplianceFlag.entry_id == entry_id).order_by(ComplianceFlag.id.desc()).limit(1))
    if flag is not None and db.session.scalar(select(RefundRequest.id).where(
            RefundRequest.flag_id == flag.id)) is not None:
        return None
    request = RefundRequest(
        entry_id=entry_id, flag_id=flag.id if flag else None, charge_id=charge_id,
        amount_cents=amount, status="proposed",
        reason=flag.message if flag else f"À rembourser (DON-16) : {format_cents(amount)}.")
    db.session.add(request)
    db.session.flush()
    log.warning("donation over the rules: refund of %s proposed (request %s)",
                format_cents(amount), request.id)
    return request.id


def book_fee(campaign_id: int, charge: Mapping[str, Any], entry_id: int) -> int | None:
    """Stripe's fee on the charge as an expense entry (DON-14), once, when it is known."""
    fee = charge_fee_cents(charge)
    txn = balance_transaction_of(charge)
    if not fee or fee <= 0 or txn is None or not txn.get("id"):
        return None
    entry = record_entry(
        campaign_id, kind="fee", amount_cents=fee, on=paris_date(txn.get("created")
                                                                 or charge.get("created")),
        method=payment_method_of(charge), source_ref=f"stripe:fee:{txn['id']}",
        related_id=entry_id, reason=f"Frais Stripe sur le paiement {charge.get('id')}",
        details={"charge": charge.get("id"), "balance_transaction": txn["id"]})
    return entry.id


def book_fee_for_charge(charge: Mapping[str, Any]) -> int | None:
    """``charge.updated``: the fee of an already booked charge (None if not booked yet)."""
    gift = find_by_source(charge_ref(str(charge["id"])))
    if gift is None:
        return None
    lock_entry(gift)
    return book_fee(gift.campaign_id, charge, gift.id)


# -- money going back -----------------------------------------------------------------------


def book_refunds(charge_id: str, refunds: list[dict[str, Any]]) -> list[int]:
    """Every refund of a booked charge, each once; a refund that failed is reversed."""
    gift = find_by_source(charge_ref(charge_id))
    if gift is None:
        log.warning("refunds of %s ignored: the charge is not booked", charge_id)
        return []
    lock_entry(gift)
    booked: list[int] = []
    for refund in sorted(refunds, key=lambda r: (r.get("created") or 0, str(r.get("id")))):
        refund_id = str(refund.get("id"))
        status = refund.get("status")
        amount = refund.get("amount")
        existing = find_by_source(f"stripe:refund:{refund_id}")
        if status in REFUND_BOOKED_STATUSES and existing is None and isinstance(amount, int):
            entry = record_refund(
                gift.id, amount, on=paris_date(refund.get("created")),
                source_ref=f"stripe:refund:{refund_id}",
                reason="Remboursement au donateur (Stripe)",
                details={"refund": refund_id, "charge": charge_id,
                         "status": status})
            booked.append(entry.id)
        elif status in REFUND_FAILED_STATUSES and existing is not None:
            ref = f"stripe:refund-failed:{refund_id}"
            if find_by_source(ref) is None:
                booked.append(reverse_entry(
                    existing.id, reason=f"Remboursement Stripe {refund_id} échoué : "
                    "l'argent est resté sur le compte de campagne.", on=paris_date(None),
                    recorded_by_id=None, source_ref=ref).id)
    return booked


def book_dispute(dispute: Mapping[str, Any]) -> list[int]:
    """Funds withdrawn by a dispute (a refund-like entry plus the dispute fee), and their
    reinstatement when the dispute is won, from the dispute's balance transactions."""
    dispute_id = str(dispute["id"])
    charge_id = id_of(dispute.get("charge"))
    gift = find_by_source(charge_ref(charge_id)) if charge_id else None
    if gift is None:
        log.warning("dispute %s ignored: the charge is not booked", dispute_id)
        return []
    lock_entry(gift)
    done: list[int] = []
    txns = [t for t in dispute.get("balance_transactions") or [] if isinstance(t, Mapping)]
    withdrawn_ref, back_ref = f"stripe:dispute:{dispute_id}", \
        f"stripe:dispute-reinstated:{dispute_id}"
    for txn in txns:
        amount, fee = int(txn.get("amount") or 0), int(txn.get("fee") or 0)
        on = paris_date(txn.get("created"))
        if amount < 0 and find_by_source(withdrawn_ref) is None:
            left = gift.amount_cents - refunded_so_far(gift.id)
            if min(-amount, left) > 0:
                done.append(record_refund(
                    gift.id, min(-amount, left), on=on, source_ref=withdrawn_ref,
                    reason=f"Litige bancaire {dispute_id} : fonds retirés par la banque du "
                    "donateur", details={"dispute": dispute_id, "charge": charge_id}).id)
        if fee > 0:
            done.append(record_entry(
                gift.campaign_id, kind="fee", amount_cents=fee, on=on,
                source_ref=f"stripe:fee:{txn.get('id')}", related_id=gift.id,
                reason=f"Frais de litige Stripe ({dispute_id})",
                details={"dispute": dispute_id, "balance_transaction": txn.get("id")}).id)
        if amount > 0:
            done.extend(_reinstate(dispute_id, withdrawn_ref, back_ref, on))
    if dispute.get("status") == "won":
        done.extend(_reinstate(dispute_id, withdrawn_ref, back_ref, paris_date(None)))
    return done


def _reinstate(dispute_id: str, withdrawn_ref: str, back_ref: str, on: date) -> list[int]:
    withdrawn = find_by_source(withdrawn_ref)
    if withdrawn is None or find_by_source(back_ref) is not None:
        return []
    return [reverse_entry(withdrawn.id, reason=f"Litige {dispute_id} gagné : fonds restitués",
                          on=on, recorded_by_id=None, source_ref=back_ref).id]
