"""/admin/tresorerie/<campagne>/recus: the receipts register (DON-11) — numbers issued by the
CNCCFP, assigned to gifts, voided; gifts without a receipt and unused numbers."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.accounts.decorators import site_required
from app.campaigns.models import Campaign
from app.core.finance.money import format_cents
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.dbutil import transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.ledger.receipts import gifts_without_receipt, receipt_numbers, register
from app.treasury import actions
from app.treasury.views import _campaign_site, bp


class IssueForm(FlaskForm):
    action = HiddenField(default="issue")
    first = StringField(_l("Premier numéro"), validators=[DataRequired(), Length(max=40)])
    last = StringField(_l("Dernier numéro"), validators=[DataRequired(), Length(max=40)])
    finpol = BooleanField(_l("Numéros délivrés par Fin'Pol (sinon un carnet)"))


class AssignForm(FlaskForm):
    action = HiddenField(default="assign")
    seq = IntegerField(_l("N° de l'écriture du don"), validators=[NumberRange(min=1)])
    number = StringField(_l("N° du reçu"), validators=[DataRequired(), Length(max=40)])
    on = DateField(_l("Date d'émission"), validators=[InputRequired()])


class VoidForm(FlaskForm):
    action = HiddenField(default="void")
    number = StringField(_l("N° du reçu à annuler"), validators=[DataRequired(), Length(max=40)])
    reason = StringField(_l("Motif"), validators=[DataRequired(), Length(max=300)])


@bp.route("/<int:campaign_id>/recus", methods=["GET", "POST"])
@site_required("treasury", _campaign_site)
def receipts(campaign_id: int) -> Any:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    forms: dict[str, FlaskForm] = {"issue": IssueForm(prefix="issue"),
                                   "assign": AssignForm(prefix="assign"),
                                   "void": VoidForm(prefix="void")}
    refusal = None
    posted = forms.get(request.form.get("issue-action") or request.form.get("assign-action")
                       or request.form.get("void-action") or "")
    if posted is not None and posted.validate_on_submit():
        try:
            with transaction():
                _apply(campaign, posted)
        except LedgerError as exc:
            refusal = str(exc)
        else:
            flash(_("Registre des reçus mis à jour."), "success")
            return redirect(url_for("treasury.receipts", campaign_id=campaign.id), 303)
    state = register(campaign.id)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "treasury/receipts.html", campaign=campaign, forms=forms, refusal=refusal,
        waiting=gifts_without_receipt(campaign.id), unused=state.unused(),
        voided=state.voided, numbers=receipt_numbers(campaign.id), money=format_cents,
        methods=PAYMENT_METHODS), status


def _apply(campaign: Campaign, form: Any) -> None:
    if isinstance(form, IssueForm):
        actions.issue_receipts(campaign, current_user, form.first.data, form.last.data,
                               source="finpol" if form.finpol.data else "carnet")
    elif isinstance(form, AssignForm):
        actions.assign_receipt(campaign, current_user, form.seq.data, form.number.data,
                               issued_on=form.on.data)
    else:
        actions.void_receipt(campaign, current_user, form.number.data, reason=form.reason.data)
