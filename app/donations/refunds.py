"""Refunds to donors: proposed by the system (DON-16), executed only once approved.

R39-1-1: no refund by the payment provider without the mandataire's authorisation, and every
refund is traced. A proposal becomes a Stripe refund only through :func:`approve` by an active
treasurer of that campaign's site; it runs through Stripe once (idempotency key
``refund-request:<id>``), the refund entry is booked at once under ``stripe:refund:<refund id>``
(so the later ``charge.refunded`` webhook adds nothing) and the audit log keeps who approved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app import audit
from app.accounts.models import User
from app.campaigns.models import Campaign, Site
from app.core.finance.money import format_cents
from app.dbutil import transaction
from app.donations.booking import lock_entry
from app.donations.models import RefundRequest
from app.donations.stripe import open_gateway
from app.extensions import db
from app.ledger.entries import record_refund
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import outstanding_flags
from app.timeutil import paris_today, utcnow

STATUS_LABELS = {"proposed": "proposé", "approved": "approuvé", "executed": "exécuté",
                 "cancelled": "annulé (remboursé par ailleurs)"}


class RefundApprovalError(Exception):
    """A refusal, in French, for the treasurer."""


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


def _record_approval(request_id: int, user: User) -> ApprovalResult | tuple[str, int]:
    """Step 1, its own transaction: the approval is recorded before any money moves.
    (charge id, amount) to refund, or the result when there is nothing left to do."""
    refusal = None
    with transaction():
        request = _locked(request_id)
        if request.status == "executed":
            return _already(request)
        if not request.charge_id:
            raise RefundApprovalError(f"La demande n° {request_id} ne porte sur aucun paiement "
                                      "Stripe : remboursez le donateur par virement ou chèque.")
        owed = outstanding_flags(ComplianceFlag.entry_id == request.entry_id).get(
            request.entry_id, 0)
        if request.status == "proposed" and owed < request.amount_cents:
            # Refunded meanwhile (Stripe's dashboard, a dispute…): nothing more to give back.
            if owed == 0:
                request.status = "cancelled"
                audit.record("refund.cancel", request, user=user, reason="already refunded")
            refusal = (f"La demande n° {request_id} porte sur "
                       f"{format_cents(request.amount_cents)}, mais il ne reste que "
                       f"{format_cents(owed)} à rendre sur ce don (DON-16) : déjà remboursé par "
                       "ailleurs. Aucun remboursement n'a été fait ; vérifiez le registre.")
        elif request.status == "proposed":
            # The approver first: reading ``user.id`` may autoflush, and each flush of a
            # changed request is an event of the evidence journal (one, with the approver).
            request.approved_by_id = user.id
            request.approved_at = utcnow()
            request.status = "approved"
            audit.record("refund.approve", request, user=user,
                         amount_cents=request.amount_cents, charge=request.charge_id)
        charge_id, amount = request.charge_id, request.amount_cents
    if refusal:
        raise RefundApprovalError(refusal)
    return charge_id, amount


def approve(request_id: int, by_email: str) -> ApprovalResult:
    """Approve and execute a refund request once; approving again does nothing more.

    An action with three transactions of its own, since Stripe is called between them: the
    approval is committed first, then Stripe refunds, then the refund is booked.
    """
    site_id = refund_site_id(request_id)
    if site_id is None:
        raise RefundApprovalError(f"Demande de remboursement n° {request_id} introuvable "
                                  "(voir « estrade refunds list »).")
    user = approver(by_email, site_id)
    step = _record_approval(request_id, user)
    if isinstance(step, ApprovalResult):
        return step
    charge_id, amount = step

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    gateway, owned = open_gateway(app)
    try:
        refund_id = gateway.create_refund(
            charge_id=charge_id, amount_cents=amount,
            idempotency_key=f"refund-request:{request_id}",
            metadata={"refund_request": str(request_id), "motif": "DON-16"})
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

    with transaction():
        request = _locked(request_id)
        if request.status == "executed":  # another approval finished meanwhile
            return _already(request)
        gift = db.session.get(LedgerEntry, request.entry_id)
        assert gift is not None
        lock_entry(gift)
        entry = record_refund(
            gift.id, amount, on=paris_today(), source_ref=f"stripe:refund:{refund_id}",
            reason=f"Remboursement approuvé par {user.email} : {request.reason}",
            recorded_by_id=user.id, details={"refund": refund_id, "charge": charge_id,
                                             "refund_request": request_id})
        request.stripe_refund_id = refund_id
        request.last_error = None
        request.status = "executed"
        audit.record("refund.execute", request, user=user, amount_cents=amount,
                     refund=refund_id, entry_id=entry.id)
    return ApprovalResult(request_id, True, refund_id, entry.id,
                          f"Remboursement n° {request_id} de {format_cents(amount)} effectué "
                          f"(Stripe {refund_id}) et inscrit au registre.")
