"""/admin/tresorerie: every campaign's figures and compliance alerts."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app import audit
from app.accounts.decorators import site_required
from app.campaigns.models import Campaign
from app.core.finance.identity import IDENTITY_FIELDS
from app.core.finance.money import format_cents
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.dbutil import transaction
from app.donations.refunds import RefundApprovalError, approve, list_requests, refund_site_id
from app.extensions import db, limiter
from app.forms import identity_of
from app.ledger.anchor import build_anchor
from app.ledger.gifts import DonorIdentity, GiftInput, record_gift
from app.ledger.verify import verify_campaign
from app.timeutil import utcnow
from app.treasury.chart import chart
from app.treasury.forms import OfflineGiftForm
from app.treasury.overview import overview

bp = Blueprint("treasury", __name__, url_prefix="/admin/tresorerie", template_folder="templates")

def _my_campaigns() -> list[Campaign]:
    """The campaigns of the sites this person keeps the treasury of: never another's."""
    return list(db.session.scalars(select(Campaign).where(
        Campaign.site_id.in_(current_user.site_ids("treasury"))).order_by(Campaign.id)))


def _campaign_site(kwargs: dict[str, Any]) -> int | None:
    campaign = db.session.get(Campaign, kwargs.get("campaign_id"))
    return campaign.site_id if campaign else None


def _refund_site(kwargs: dict[str, Any]) -> int | None:
    return refund_site_id(kwargs.get("request_id"))


@bp.route("/")
@site_required("treasury")
def dashboard() -> Any:
    campaigns = _my_campaigns()
    views = [overview(c) for c in campaigns]
    slugs = {c.site.slug for c in campaigns}
    refunds = [r for r in list_requests() if r.site_slug in slugs
               and r.status not in ("executed", "cancelled")]
    return render_template("treasury/dashboard.html", views=views, refunds=refunds,
                           money=format_cents, chart=chart, methods=PAYMENT_METHODS)


def _campaign_choices() -> list[SelectChoice]:
    return [SelectChoice(c.id, f"{c.site.title} — {c.election_name}") for c in _my_campaigns()]


def _identity(form: OfflineGiftForm) -> DonorIdentity | None:
    if form.method.data == "quete":
        return None  # an anonymous collection (DON-17)
    return DonorIdentity(**identity_of(form).as_dict(), natural_person=form.natural_person.data,
                         attests_eligibility=form.attested.data)


def _refused(response: Any) -> bool:
    return bool(response.status_code == 422)


def _treasurer_key() -> str:
    return f"treasurer:{current_user.get_id()}"


@bp.route("/enregistrer", methods=["GET", "POST"])
@site_required("treasury")
@limiter.limit("30 per hour", methods=["POST"], key_func=_treasurer_key, deduct_when=_refused,
               scope="treasury-refusals")
def record() -> Any:
    """A gift received outside the website, checked by the compliance core before booking:
    a refused gift writes nothing but its audit row, and the form keeps what was typed.

    DON-2 is decided over the person's gifts to the whole election, so a refusal tells the
    treasurer something of what others gave: every refusal is audited (who, which rules, a
    keyed digest of the identity tried) and refusals are limited per treasurer, so a rival
    list's treasurer cannot probe the electoral roll unseen (docs/security.md)."""
    form = OfflineGiftForm()
    form.campaign.choices = _campaign_choices()
    if not form.campaign.choices:
        flash(_("Aucune campagne : chargez-en une avec « estrade campaign load »."), "error")
        return redirect(url_for("treasury.dashboard"))
    if request.method == "GET":
        form.token.data = secrets.token_urlsafe(24)
    decision = None
    if form.validate_on_submit():
        amount = form.amount_cents
        with transaction():
            outcome = record_gift(GiftInput(
                campaign_id=form.campaign.data, amount_cents=amount, on=form.on.data,
                method=form.method.data, identity=_identity(form),
                source_ref=f"manual:{form.token.data}",
                receipt_number=(form.receipt_number.data or "").strip() or None,
                reason="Saisie de la trésorerie",  # the ledger is kept in French
                details={"reference": (form.reference.data or "").strip()},
                recorded_by_id=current_user.id))
        if outcome.duplicate:
            flash(_("Ce don était déjà enregistré (formulaire envoyé deux fois) : "
                    "rien n'a été ajouté."), "info")
            return redirect(url_for("treasury.dashboard"), 303)
        if outcome.status != "refused":
            flash(_("Don de %(amount)s enregistré.", amount=format_cents(amount)), "success")
            for reason in outcome.decision.reasons:
                flash(f"{reason.rule} — {reason.message}", "warning")
            return redirect(url_for("treasury.dashboard"), 303)
        decision = outcome.decision
        identity = _identity(form)
        digest = "" if identity is None else hmac.new(
            str(current_app.config["SECRET_KEY"]).encode(), identity.key.encode(),
            hashlib.sha256).hexdigest()[:16]
        with transaction():
            audit.record("gift.refused", db.session.get(Campaign, form.campaign.data),
                         rules=list(decision.rules), amount_cents=amount, identity=digest)
    status = 422 if request.method == "POST" else 200
    return render_template("treasury/record.html", form=form, decision=decision,
                           identity_fields=IDENTITY_FIELDS), status


@bp.route("/<int:campaign_id>/ancre.json")
@site_required("treasury", _campaign_site)
def anchor(campaign_id: int) -> Any:
    """The anchor of the campaign's chains (the same file as ``estrade ledger anchor --site``),
    to keep off the server: ``estrade ledger verify --anchor`` later shows a chain cut short or
    rewritten since. Refused on an altered ledger."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    if verify_campaign(campaign).problem is not None:
        flash(_("Registre altéré : aucune ancre n'est délivrée tant que l'anomalie signalée "
                "n'est pas expliquée."), "error")
        return redirect(url_for("treasury.dashboard"), 303)
    data = json.dumps(build_anchor([campaign]), ensure_ascii=False, indent=1) + "\n"
    name = f"ancre-{campaign.site.slug}-{utcnow():%Y-%m-%d}.json"
    return Response(data, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/remboursements/<int:request_id>/approuver")
@site_required("treasury", _refund_site)
def approve_refund(request_id: int) -> Any:
    """R39-1-1: the mandataire approves a prepared refund; it is executed through Stripe once
    (the same as ``estrade refunds approve``)."""
    try:  # CSRF is checked by CSRFProtect before this view runs
        result = approve(request_id, current_user.email)
    except RefundApprovalError as exc:
        flash(str(exc), "error")
    else:
        flash(result.message, "success" if result.executed_now else "info")
    return redirect(url_for("treasury.dashboard"), 303)
