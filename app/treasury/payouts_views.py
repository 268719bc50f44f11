"""/admin/tresorerie/<campagne>/virements-stripe: each Stripe payout with what it carries, and
its match with the bank statement, by hand or from the bank's CSV (REP-3)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.accounts.decorators import site_required
from app.campaigns.models import Campaign
from app.core.finance.money import MoneyError, format_cents, parse_amount
from app.dbutil import transaction
from app.donations.stripe import open_gateway
from app.donations.stripe.gateway import stripe as sdk
from app.extensions import db
from app.ledger.errors import LedgerError
from app.treasury import payouts
from app.treasury.views import _campaign_site, bp

MAX_STATEMENT_BYTES = 2 * 1024 * 1024


class MatchForm(FlaskForm):
    on = DateField(_l("Date de l'opération sur le relevé"), validators=[InputRequired()])
    amount = StringField(_l("Montant crédité"), validators=[DataRequired(), Length(max=30)])
    label = StringField(_l("Libellé"), validators=[Length(max=300)])


class StatementForm(FlaskForm):
    statement = FileField(_l("Relevé bancaire (CSV : date ; libellé ; montant)"),
                          validators=[FileRequired()])


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _payouts(campaign: Campaign) -> list[payouts.PayoutView] | None:
    """The campaign's payouts read from Stripe, or None (and a message) when Stripe cannot be
    asked: demonstration mode or an error."""
    gateway, owned = open_gateway(current_app)
    try:
        if gateway.demo_mode:
            flash(_("Mode démonstration : aucun compte Stripe, donc aucun virement."), "info")
            return None
        return payouts.campaign_payouts(campaign, gateway)
    except sdk.StripeError:  # Stripe down or refusing: say so, keep the page
        current_app.logger.exception("Stripe payouts could not be read")
        flash(_("Stripe ne répond pas : les virements ne peuvent pas être lus pour le moment."),
              "error")
        return None
    finally:
        if owned:
            gateway.close()


def _page(campaign: Campaign, views: list[payouts.PayoutView] | None,
          report: payouts.StatementReport | None = None, status: int = 200) -> Any:
    return render_template("treasury/payouts.html", campaign=campaign, payouts=views or [],
                           unavailable=views is None, report=report,
                           statement_form=StatementForm(), match_form=MatchForm(),
                           money=format_cents), status


@bp.route("/<int:campaign_id>/virements-stripe")
@site_required("treasury", _campaign_site)
def payouts_index(campaign_id: int) -> Any:
    campaign = _campaign(campaign_id)
    return _page(campaign, _payouts(campaign))


@bp.post("/<int:campaign_id>/virements-stripe/<payout_id>/rapprocher")
@site_required("treasury", _campaign_site)
def payout_match(campaign_id: int, payout_id: str) -> Any:
    """Mark one payout matched to the bank line the treasurer found (who and when kept)."""
    campaign = _campaign(campaign_id)
    form = MatchForm()
    views = _payouts(campaign)
    payout = next((p for p in views or [] if p.id == payout_id), None)
    if views is not None and payout is None:
        abort(404)  # not a payout of this campaign
    if payout is None or not form.validate_on_submit():
        flash(_("Rapprochement refusé : indiquez la date et le montant du relevé."), "error")
        return _page(campaign, views, status=422)
    try:
        amount = parse_amount(form.amount.data or "")
        with transaction():
            payouts.match_payout(campaign, current_user, payout, bank_on=form.on.data,
                                 bank_amount_cents=amount, bank_label=form.label.data or "")
    except (MoneyError, LedgerError) as exc:
        flash(str(exc), "error")
        return _page(campaign, views, status=422)
    flash(_("Virement %(id)s rapproché du relevé.", id=payout.id), "success")
    return redirect(url_for("treasury.payouts_index", campaign_id=campaign.id), 303)


@bp.post("/<int:campaign_id>/virements-stripe/releve")
@site_required("treasury", _campaign_site)
def payout_statement(campaign_id: int) -> Any:
    """Import the bank's CSV: each credit is matched to a payout (amount, date ±3 days); the
    lines left over are listed in French."""
    campaign = _campaign(campaign_id)
    form = StatementForm()
    views = _payouts(campaign)
    if views is None:
        return _page(campaign, views, status=503)
    if not form.validate_on_submit():
        flash(_("Choisissez le fichier CSV du relevé."), "error")
        return _page(campaign, views, status=422)
    data = form.statement.data.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        flash(_("Relevé trop volumineux (2 Mo au plus)."), "error")
        return _page(campaign, views, status=422)
    try:
        with transaction():
            report = payouts.import_statement(campaign, current_user, data, views)
    except LedgerError as exc:
        flash(str(exc), "error")
        return _page(campaign, views, status=422)
    flash(_("%(n)d virement(s) rapproché(s), %(left)d ligne(s) non rapprochée(s).",
            n=len(report.matched), left=len(report.unmatched)),
          "success" if not report.unmatched else "warning")
    return _page(campaign, views, report=report)
