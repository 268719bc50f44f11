"""/admin/tresorerie/<campaign>/donateurs/: the donor register (search, filter, sort), a
donor's page, and the two decisions about look-alike records, merge or keep apart, with a
reason (the same actions as ``estrade donors merge`` / ``keep-apart``, audited)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.accounts.decorators import site_required
from app.core.finance.money import format_cents
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.dbutil import transaction
from app.ledger.donors import (
    campaign_donor_ids,
    holds_other_campaigns,
    keep_apart,
    merge_donors,
)
from app.ledger.errors import LedgerError
from app.ledger.receipts import receipt_numbers
from app.ledger.totals import money_to_refund
from app.treasury.downloads import own_campaign
from app.treasury.register import PAGE, Query, gifts_of, look_alikes, person_of, search
from app.treasury.views import _campaign_site, bp


class DecisionForm(FlaskForm):
    """Merge two records of one person, or keep two look-alikes apart: always with why."""

    other = IntegerField(validators=[InputRequired()])
    reason = TextAreaField(_l("Motif (gardé au journal)"), validators=[
        DataRequired(_l("Indiquez le motif de la décision.")), Length(max=500)])


@bp.route("/<int:campaign_id>/donateurs/")
@site_required("treasury", _campaign_site)
def donors(campaign_id: int) -> Any:
    campaign = own_campaign(campaign_id)
    query = Query.from_args(request.args)
    found, count, cap = search(campaign, query)
    pages = max(1, -(-count // PAGE))
    return render_template("treasury/donors.html", campaign=campaign, query=query,
                           people=found, count=count, cap=cap, pages=pages,
                           methods=PAYMENT_METHODS, money=format_cents)


@bp.route("/<int:campaign_id>/donateurs/<int:donor_id>")
@site_required("treasury", _campaign_site)
def donor(campaign_id: int, donor_id: int) -> Any:
    campaign = own_campaign(campaign_id)
    person = person_of(campaign, donor_id)
    if person is None:
        abort(404)  # not a donor of this campaign: maybe a rival's (never shown)
    from app.core.finance.rules import donor_cap
    from app.ledger.facts import campaign_facts

    cap = donor_cap(campaign_facts(campaign))
    return render_template(
        "treasury/donor.html", campaign=campaign, person=person, gifts=gifts_of(campaign, person),
        cap=cap, room=max(0, cap - person.election_cents + person.to_refund_cents),
        to_refund=money_to_refund(campaign.id), look_alikes=look_alikes(campaign, person),
        form=DecisionForm(), methods=PAYMENT_METHODS, money=format_cents,
        receipts=receipt_numbers(campaign.id))  # DON-11: the register's, voids applied


def _decide(campaign_id: int, donor_id: int, merge: bool) -> Any:
    campaign = own_campaign(campaign_id)
    form = DecisionForm()
    own = campaign_donor_ids(campaign.id)
    if donor_id not in own:
        abort(404)
    back = url_for("treasury.donor", campaign_id=campaign.id, donor_id=donor_id)
    if not form.validate_on_submit() or form.other.data not in own:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        if form.other.data not in own:
            flash(_("Choisissez une fiche parmi les donateurs de cette campagne."), "error")
        return redirect(back, 303)
    reason = form.reason.data.strip()
    if merge and holds_other_campaigns(campaign.id, (donor_id, form.other.data)):
        # A merge changes what the person may still give in every campaign of the election
        # and can flag another campaign's gifts (DON-16): not one campaign's decision.
        flash(_("Ces fiches ne peuvent pas être fusionnées depuis cette campagne : demandez "
                "la fusion à l'administrateur de l'installation (estrade donors merge)."),
              "error")
        return redirect(back, 303)
    try:
        with transaction():
            if merge:
                result = merge_donors(donor_id, form.other.data, by_id=current_user.id,
                                      reason=reason)
                message = result.message
            else:
                keep_apart(donor_id, form.other.data, by_id=current_user.id, reason=reason)
                message = _("Fiches %(a)s et %(b)s gardées distinctes.", a=donor_id,
                            b=form.other.data)
    except LedgerError as exc:
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return redirect(back, 303)


@bp.post("/<int:campaign_id>/donateurs/<int:donor_id>/fusionner")
@site_required("treasury", _campaign_site)
def merge(campaign_id: int, donor_id: int) -> Any:
    """DON-2: two records are one person; the cap then covers both (excess flagged DON-16)."""
    return _decide(campaign_id, donor_id, merge=True)


@bp.post("/<int:campaign_id>/donateurs/<int:donor_id>/distinguer")
@site_required("treasury", _campaign_site)
def distinguish(campaign_id: int, donor_id: int) -> Any:
    """Two look-alike records are two people: no longer suggested for a merge."""
    return _decide(campaign_id, donor_id, merge=False)
