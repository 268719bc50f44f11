"""/admin/tresorerie: booking what Stripe cannot see.

Each form is one action of :mod:`app.treasury.actions` (permission, compliance core, audit
row) in the view's transaction, the same as its ``estrade treasury …`` twin. A refusal names
its rule and writes nothing; a double submission books once (the form's token).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import site_required
from app.campaigns.models import Campaign
from app.core.finance.money import format_cents
from app.dbutil import transaction
from app.extensions import db
from app.ledger.errors import LedgerError
from app.treasury import actions
from app.treasury.entry_forms import ENTRY_FORMS, EntryForm
from app.treasury.views import _campaign_site, bp


@bp.route("/<int:campaign_id>/ecritures/")
@site_required("treasury", _campaign_site)
def entries_index(campaign_id: int) -> Any:
    campaign = _campaign(campaign_id)
    return render_template("treasury/entries/index.html", campaign=campaign,
                           forms=ENTRY_FORMS, rows=actions.recent_entries(campaign),
                           money=format_cents)


@bp.route("/<int:campaign_id>/ecritures/<kind>", methods=["GET", "POST"])
@site_required("treasury", _campaign_site)
def book_entry(campaign_id: int, kind: str) -> Any:
    """One form per kind of entry (expense, loan, offline refund, correction…)."""
    campaign = _campaign(campaign_id)
    spec = ENTRY_FORMS.get(kind)
    if spec is None:
        abort(404)
    if kind == "pret" and not actions.loans_allowed(campaign):
        flash(_("Présidentielle : les prêts de personnes physiques sont interdits (LOAN-3)."),
              "error")
        return redirect(url_for("treasury.entries_index", campaign_id=campaign.id), 303)
    form: EntryForm = spec.form()
    form.prepare(campaign)
    if request.method == "GET":
        form.token.data = secrets.token_urlsafe(24)
    refusal = None
    if form.validate_on_submit():
        try:
            with transaction():
                outcome = spec.book(campaign, form, current_user)
        except LedgerError as exc:
            refusal = str(exc)
        else:
            flash(outcome.message, "success")
            for warning in outcome.warnings:
                flash(warning, "warning")
            return redirect(url_for("treasury.entries_index", campaign_id=campaign.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("treasury/entries/form.html", campaign=campaign, form=form,
                           spec=spec, kind=kind, refusal=refusal), status


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign
