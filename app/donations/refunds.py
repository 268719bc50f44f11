"""Refunds to donors: proposed by the system (DON-16), executed only once approved.

R39-1-1: no refund by the payment provider without the mandataire's authorisation, and every
refund is traced. A proposal becomes a Stripe refund only through :func:`approve` by an active
treasurer of that campaign's site, and only an approved request is executed (:func:`execute`).
It is paid once: the charge's refunds are looked up on Stripe before one is created (an
idempotency key ``refund-request:<id>`` lives about 24 h only), what is still owed is checked
in every state, the refund entry is booked under ``stripe:refund:<refund id>`` and linked to
the request (``refund_entry_id``), and the ``charge.refunded`` webhook marks the request
executed if it books the refund first. The audit log keeps who approved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app import audit
from app.accounts.models import User
from app.campaigns.models import Campaign, Site
from app.core.finance.money import format_cents
from app.dbutil import transaction
from app.donations.booking import REFUND_FAILED_STATUSES, lock_entry, mark_executed
from app.donations.models import RefundRequest
from app.donations.stripe import open_gateway
from app.donations.stripe.shapes import metadata_of
from app.extensions import db
from app.ledger.entries import record_refund
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import outstanding_flags, refunded_so_far
from app.timeutil import paris_today, utcnow

STATUS_LABELS = {"proposed": "proposé", "approved": "approuvé", "executed": "exécuté",
                 "cancelled": "annulé (remboursé par ailleurs)"}


class RefundApprovalError(Exception):
    """A refusal, in French, for the treasurer."""


class RefundNotApproved(RefundApprovalError):
    """Execution asked for a request the mandataire has not approved (answered 403)."""


@dataclass(frozen=True)
class RefundRow:
    id: int
    status: str
    amount_cents: int
    donor: str
    site_slug: str
    charge_id: str | None
    reason: str
    created_at: datetime
    stripe_refund_id: str | None
    last_error: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class ApprovalResult:
    request_id: int
    executed_now: bool
    stripe_refund_id: str | None
    entry_id: int | None
    message: str


def list_requests(site_slug: str | None = None) -> list[RefundRow]:
    query = (select(RefundRequest, LedgerEntry, Site.slug)
             .join(LedgerEntry, RefundRequest.entry_id == LedgerEntry.id)
             .join(Campaign, LedgerEntry.campaign_id == Campaign.id)
             .join(Site, Campaign.site_id == Site.id).order_by(RefundRequest.id))
    if site_slug:
        query = query.where(Site.slug == site_slug)
    rows = []
    for request, entry, slug in db.session.execute(query).all():
        snapshot = entry.donor_snapshot or {}
        donor = " ".join(p for p in (snapshot.get("civilite"), snapshot.get("prenom"),
                                     snapshot.get("nom")) if p) or "donateur inconnu"
        rows.append(RefundRow(request.id, request.status, request.amount_cents, donor, slug,
                              request.charge_id, request.reason, request.created_at,
                              request.stripe_refund_id, request.last_error))
    return rows


def refund_site_id(request_id: object) -> int | None:
    """The site whose campaign a refund request is about (None when there is no such
    request)."""
    if not isinstance(request_id, int):
        return None
    return db.session.scalar(
        select(Campaign.site_id).join(LedgerEntry, LedgerEntry.campaign_id == Campaign.id)
        .join(RefundRequest, RefundRequest.entry_id == LedgerEntry.id)
        .where(RefundRequest.id == request_id))


def approver(email: str, site_id: int | None) -> User:
    """The user approving: an active treasurer of the campaign the refund is about
    (R39-1-1 5°: no refund without the mandataire's authorisation)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise RefundApprovalError(f"Aucun compte pour {email}.")
    if not user.active:
        raise RefundApprovalError(f"Le compte {user.email} est désactivé : il ne peut pas "
                                  "approuver de remboursement.")
    if site_id is None or not user.can("treasury", site_id):
        raise RefundApprovalError(
            f"Le compte {user.email} n'est pas trésorier de cette campagne : seul son "
            "mandataire financier (rôle trésorier du site) peut approuver un remboursement "
            "(article R39-1-1 du code électoral : aucun remboursement sans l'autorisation du "
            "mandataire).")
    return user


def _locked(request_id: int) -> RefundRequest:
    request = db.session.scalar(select(RefundRequest).where(RefundRequest.id == request_id)
                                .with_for_update().execution_options(populate_existing=True))
    if request is None:
        raise RefundApprovalError(f"Demande de remboursement n° {request_id} introuvable "
                                  "(voir « estrade refunds list »).")
    return request


def _already(request: RefundRequest) -> ApprovalResult:
    when = request.approved_at.strftime("%d/%m/%Y") if request.approved_at else "?"
    return ApprovalResult(request.id, False, request.stripe_refund_id, None,
                          f"Remboursement n° {request.id} déjà exécuté (approuvé le {when}, "
                          f"remboursement Stripe {request.stripe_refund_id}) : rien de plus.")


def owed_on(request: RefundRequest) -> int:
    """What is still owed back on the request's gift: its DON-16 flags less the refunds
    standing (any channel), never more than what is left of the gift itself."""
    gift = db.session.get(LedgerEntry, request.entry_id)
    if gift is None:
        return 0
    left = gift.amount_cents - refunded_so_far(gift.id)
    if request.flag_id is None:
        return max(left, 0)
    owed = outstanding_flags(ComplianceFlag.entry_id == request.entry_id).get(
        request.entry_id, 0)
    return max(min(owed, left), 0)


def _not_owed(request: RefundRequest, owed: int, user: User) -> str:
    """Refunded meanwhile (Stripe's dashboard, an offline refund, a dispute…): the request is
    off the list of work when nothing is left; the French refusal."""
    if owed == 0:
        request.status = "cancelled"
        audit.record("refund.cancel", request, user=user, reason="already refunded")
    return (f"La demande n° {request.id} porte sur {format_cents(request.amount_cents)}, "
            f"mais il ne reste que {format_cents(owed)} à rendre sur ce don (DON-16) : déjà "
            "remboursé par ailleurs. Aucun remboursement n'a été fait ; vérifiez le registre.")


def _record_approval(request_id: int, user: User) -> ApprovalResult | None:
    """Step 1, its own transaction: the approval is recorded before any money moves (None),
    or the result when there is nothing left to do."""
    refusal = None
    with transaction():
        request = _locked(request_id)
        if request.status == "executed":
            return _already(request)
        if request.status == "cancelled":
            raise RefundApprovalError(f"La demande n° {request_id} est annulée : le don a été "
                                      "remboursé par ailleurs.")
        if not request.charge_id:
            raise RefundApprovalError(f"La demande n° {request_id} ne porte sur aucun paiement "
                                      "Stripe : remboursez le donateur par virement ou chèque, "
                                      "puis enregistrez-le (« estrade treasury refund »).")
        if request.status == "proposed":
            owed = owed_on(request)
            if owed < request.amount_cents:
                refusal = _not_owed(request, owed, user)
            else:
                # The approver first: reading ``user.id`` may autoflush, and each flush of a
                # changed request is an event of the evidence journal (one, with the approver).
                request.approved_by_id = user.id
                request.approved_at = utcnow()
                request.status = "approved"
                audit.record("refund.approve", request, user=user,
                             amount_cents=request.amount_cents, charge=request.charge_id)
    if refusal:
        raise RefundApprovalError(refusal)
    return None


def approve(request_id: int, by_email: str) -> ApprovalResult:
    """Approve and execute a refund request once; approving again does nothing more.

    The approval is committed first (R39-1-1 5°: the mandataire's authorisation), then
    :func:`execute` pays it.
    """
    site_id = refund_site_id(request_id)
    if site_id is None:
        raise RefundApprovalError(f"Demande de remboursement n° {request_id} introuvable "
                                  "(voir « estrade refunds list »).")
    user = approver(by_email, site_id)
    done = _record_approval(request_id, user)
    if done is not None:
        return done
    return execute(request_id, user)


def stripe_refund_for(refunds: list[dict[str, Any]], request_id: int) -> dict[str, Any] | None:
    """The refund of the charge made for this request (our metadata), unless it failed."""
    for refund in refunds:
        if (metadata_of(refund).get("refund_request") == str(request_id)
                and refund.get("status") not in REFUND_FAILED_STATUSES):
            return refund
    return None


def _to_execute(request_id: int, user: User) -> ApprovalResult | tuple[str, int]:
    with transaction():
        request = _locked(request_id)
        if request.status == "executed":
            return _already(request)
        if request.status != "approved":
            state = STATUS_LABELS.get(request.status, request.status)
            raise RefundNotApproved(
                f"La demande n° {request_id} n'est pas approuvée ({state}) : "
                "seul un remboursement approuvé par le mandataire est exécuté (R39-1-1).")
        if not request.charge_id:
            raise RefundApprovalError(f"La demande n° {request_id} ne porte sur aucun paiement "
                                      "Stripe.")
        return request.charge_id, request.amount_cents


def execute(request_id: int, user: User) -> ApprovalResult:
    """Pay an approved request through Stripe exactly once, then book it.

    Stripe keeps an idempotency key about 24 hours only, so before creating a refund the
    charge's refunds are listed and one made for this request (its metadata) is taken
    instead: an answer lost to a timeout, a retry days later or a second approval never pays
    twice. What is still owed is checked under the lock before any refund is created.
    """
    step = _to_execute(request_id, user)
    if isinstance(step, ApprovalResult):
        return step
    charge_id, amount = step
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    gateway, owned = open_gateway(app)
    try:
        refund_id = _pay_once(gateway, request_id, charge_id, amount, user)
    except RefundApprovalError:
        raise
    except Exception as exc:
        with transaction():
            _locked(request_id).last_error = f"{type(exc).__name__}: {exc}"[:2000]
        raise RefundApprovalError(
            f"Stripe n'a pas effectué le remboursement n° {request_id} ({exc}). La demande reste "
            "approuvée : relancez la même commande, le remboursement ne sera fait qu'une fois."
        ) from exc
    finally:
        if owned:
            gateway.close()
    return _book(request_id, refund_id, charge_id, amount, user)


def _pay_once(gateway: Any, request_id: int, charge_id: str, amount: int, user: User) -> str:
    refunds = gateway.list_refunds(charge_id)
    found = stripe_refund_for(refunds, request_id)
    if found is not None:
        return str(found["id"])
    # A refund of this request that failed is done with: the next one needs a key of its own.
    failed = sum(1 for r in refunds if metadata_of(r).get("refund_request") == str(request_id))
    refusal = None
    with transaction():
        request = _locked(request_id)
        owed = owed_on(request)
        if owed < amount:
            refusal = _not_owed(request, owed, user)
    if refusal:
        raise RefundApprovalError(refusal)
    return str(gateway.create_refund(
        charge_id=charge_id, amount_cents=amount,
        idempotency_key=f"refund-request:{request_id}" + (f":{failed}" if failed else ""),
        metadata={"refund_request": str(request_id), "motif": "DON-16"}))


def _book(request_id: int, refund_id: str, charge_id: str, amount: int,
          user: User) -> ApprovalResult:
    with transaction():
        # Donor and campaign first, then the request: the webhook's order (no deadlock).
        gift = db.session.scalar(select(LedgerEntry).join(
            RefundRequest, RefundRequest.entry_id == LedgerEntry.id).where(
            RefundRequest.id == request_id))
        assert gift is not None
        lock_entry(gift)
        request = _locked(request_id)
        if request.status == "executed":  # the webhook or another approval finished meanwhile
            return _already(request)
        entry = record_refund(
            gift.id, amount, on=paris_today(), source_ref=f"stripe:refund:{refund_id}",
            reason=f"Remboursement approuvé par {user.email} : {request.reason}",
            recorded_by_id=user.id, details={"refund": refund_id, "charge": charge_id,
                                             "refund_request": request_id})
        mark_executed(request, entry, refund_id)
        request.last_error = None
        audit.record("refund.execute", request, user=user, amount_cents=amount,
                     refund=refund_id, entry_id=entry.id)
    return ApprovalResult(request_id, True, refund_id, entry.id,
                          f"Remboursement n° {request_id} de {format_cents(amount)} effectué "
                          f"(Stripe {refund_id}) et inscrit au registre.")
