"""Before payment: what /don decides about a gift, and the pending donation it becomes.

/don decides only what concerns this gift alone (``core.finance.rules.evaluate_single_gift``):
its answer never depends on what anyone gave before, on this site or another, so the form
tells nobody anything about a named person's giving (docs/security-donations.md). The
person's total is checked when Stripe's money is booked (the webhook, ``enforce=False``): an
excess over the cap is kept, flagged DON-16 and a refund proposed to the treasurer.

A pending donation holds its amount (monthly: every payment until the end of the collection
window, DON-15) against the donor's 4,600 € (DON-2) once its Checkout Session is open and
until it is paid, fails or expires (:data:`CHECKOUT_LIFETIME`): a cheque recorded meanwhile,
or another tab's payment, is checked with it. A donation whose session never opened, or a
demonstration, holds nothing.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select

from app.campaigns.models import Campaign, Site
from app.core.finance.decision import Decision, Gift
from app.core.finance.eligibility import collection_window
from app.core.finance.identity import Identity
from app.core.finance.rules import evaluate_single_gift
from app.dbutil import require_transaction
from app.donations.models import Donation
from app.extensions import db
from app.ledger.facts import campaign_facts
from app.ledger.gifts import DonorIdentity
from app.ledger.models import Donor
from app.timeutil import paris_today, utcnow

#: How long a Stripe Checkout Session, and so its reservation, lives. Stripe wants 30 minutes
#: to 24 hours from the session's creation, which follows the donation's by a moment.
CHECKOUT_LIFETIME = timedelta(minutes=31)


def pending_reservations(election_id: int, donor_ids: list[int], exclude_ref: str | None) -> int:
    """What online gifts in flight hold for these donors (registered with the ledger by
    ``donations.init_app``): a pending gift once its Checkout Session is open and until it
    expires, a payment Stripe is still processing, what a monthly gift has left to pay. A
    demonstration, or a pending gift whose session never opened, holds nothing."""
    # The donors are usually in the session already (the booking just locked them).
    known = [db.session.get(Donor, donor_id) for donor_id in donor_ids]
    keys = [donor.identity_key for donor in known if donor is not None]
    if not keys:
        return 0
    now = utcnow()
    # A monthly gift paid beyond its plan holds nothing more (never a negative reservation
    # that would give room to other gifts): its payments are in the ledger already.
    left = case((Donation.reserved_cents > Donation.paid_cents,
                 Donation.reserved_cents - Donation.paid_cents), else_=0)
    query = select(func.sum(left)).where(
        Donation.election_id == election_id, Donation.identity_key.in_(keys),
        Donation.demo.is_(False),
        or_(Donation.status == "processing", Donation.status == "active",
            (Donation.status == "pending") & (Donation.expires_at > now)
            & Donation.checkout_session_id.is_not(None)))
    if exclude_ref and exclude_ref.startswith("donation:"):
        query = query.where(Donation.id != exclude_ref.removeprefix("donation:"))
    return int(db.session.scalar(query) or 0)


@dataclass(frozen=True)
class DonationRequest:
    identity: DonorIdentity
    amount_cents: int
    monthly: bool
    email: str
    source: str | None
    newsletter: bool
    attestations: dict[str, Any]
    client_ip: str | None


@dataclass(frozen=True)
class Reservation:
    donation: Donation | None
    decision: Decision
    message: str = ""  # French, for the donor when refused


def collection_state(campaign: Campaign | None, today: date) -> tuple[bool, str]:
    """(open, French explanation when closed): MAND-1 then MAND-2."""
    if campaign is None or (campaign.mode == "candidat" and not campaign.has_mandataire):
        return False, ("Cette campagne ne peut pas encore recevoir de dons : aucun mandataire "
                       "financier ni association de financement n'a été déclaré (article L. 52-4 "
                       "du code électoral). Revenez bientôt !")
    start, end = collection_window(campaign_facts(campaign))
    if campaign.mode != "parti" and today < start:
        return False, (f"Les dons seront possibles à partir du {start.strftime('%d/%m/%Y')}, "
                       "début de la période de collecte fixée par la loi (article L. 52-4).")
    if campaign.mode != "parti" and end is not None and today > end:
        if campaign.filing_date is not None and end == campaign.filing_date:
            return False, ("La période de collecte des dons est terminée : le compte de "
                           "campagne a été déposé (article L. 52-4 du code électoral). Merci "
                           "de votre soutien.")
        return False, ("La période de collecte des dons est terminée : la date limite de "
                       "dépôt du compte de campagne est passée (articles L. 52-4 et L. 52-12 "
                       "du code électoral). Merci de votre soutien.")
    return True, ""


#: Without a filing date, a monthly gift runs for a year at most (and stops then, DON-15).
MONTHS_WITHOUT_END = 12


def months_until(end: date | None, today: date) -> int:
    """Monthly payments still possible before ``end`` (the first one is today). Stripe bills
    on today's day of the month, or on the last day of a shorter month."""
    if end is None:
        return MONTHS_WITHOUT_END
    months = (end.year - today.year) * 12 + (end.month - today.month)
    if min(today.day, monthrange(end.year, end.month)[1]) > end.day:
        months -= 1
    return max(1, months + 1)


def last_payment_day(today: date, months: int) -> date:
    """The day of the ``months``-th monthly payment started ``today`` (Stripe's calendar)."""
    index = today.month - 1 + months - 1
    year, month = today.year + index // 12, index % 12 + 1
    return date(year, month, min(today.day, monthrange(year, month)[1]))


def reserve(site: Site, request: DonationRequest, today: date | None = None) -> Reservation:
    """Decide on the gift by itself (:func:`evaluate_single_gift`) and, if allowed, store it
    as pending in the caller's transaction (a refused gift adds nothing). Nothing here reads
    the ledger: the same request gets the same answer whoever the donor is."""
    require_transaction(db.session)
    today = today or paris_today()
    campaign = site.campaign
    is_open, why = collection_state(campaign, today)
    if campaign is None or not is_open:
        return Reservation(None, Decision.refuse("MAND-1", why), why)
    facts = campaign_facts(campaign)
    _, end = collection_window(facts)
    months = months_until(end, today) if request.monthly else 1
    if request.monthly and end is None:  # no filing date yet: stop after the months reserved
        end = last_payment_day(today, months)
    decision = evaluate_single_gift(Gift(request.amount_cents, today, "carte", request.identity),
                                    facts, months=months)
    if not decision.allowed:
        return Reservation(None, decision, " ".join(r.message for r in decision.refusals))
    donation = Donation(
        site_id=site.id, campaign_id=campaign.id, election_id=campaign.election_id,
        identity_key=request.identity.key, email=request.email,
        **Identity.from_mapping(request.identity.as_dict()).as_dict(),
        amount_cents=request.amount_cents, monthly=request.monthly, months=months,
        reserved_cents=request.amount_cents * months, source=request.source,
        newsletter=request.newsletter, attestations=request.attestations,
        client_ip=request.client_ip, expires_at=utcnow() + CHECKOUT_LIFETIME,
        subscription_end_at=(datetime.combine(end, datetime.min.time())
                             if request.monthly and end else None))
    db.session.add(donation)
    db.session.flush()
    return Reservation(donation, decision)
