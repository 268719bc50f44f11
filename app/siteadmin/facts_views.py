"""« Campagne »: the campaign's facts (election, dates, population, mandataire, filing date),
edited by the site admin; the checks and the DON-2 refusal are those of ``estrade campaign
load`` (:mod:`app.siteadmin.facts`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import site_required
from app.campaigns.service import has_money, notify_dates_changed
from app.dbutil import transaction
from app.siteadmin import facts
from app.siteadmin.actions import Refused
from app.siteadmin.forms import FactsForm
from app.siteadmin.views import bp, get_site, slug_site


def _field(key: str) -> str:
    return key.replace(".", "_")


def _fill(form: FactsForm, values: dict[str, Any]) -> None:
    for key in facts.FACT_KEYS:
        value = values.get(key)
        target = form[_field(key)]
        if isinstance(target.data, date) or target.type == "DateField":
            target.data = date.fromisoformat(value) if value else None
        else:
            target.data = value if value is not None else ("" if target.type != "IntegerField"
                                                           else None)


def _submitted(form: FactsForm) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in facts.FACT_KEYS:
        value = form[_field(key)].data
        values[key] = value.strip() if isinstance(value, str) else value
    return values


@bp.route("/<slug>/campagne", methods=["GET", "POST"], endpoint="facts")
@site_required("settings", slug_site)
def facts_page(slug: str) -> Any:
    site = get_site(slug)
    form = FactsForm()
    refusal = ""
    if not form.is_submitted():
        _fill(form, facts.campaign_facts(site.campaign))
    elif form.validate():
        try:
            with transaction():
                changes = facts.update_facts(site, _submitted(form), actor=current_user)
        except Refused as exc:
            refusal = str(exc)
        else:
            lines = notify_dates_changed(site.campaign.id) if facts.dates_changed(
                changes) and site.campaign is not None else []
            flash(_("Campagne enregistrée.") if changes else _("Aucun changement."),
                  "success")
            for line in lines:  # DON-15: monthly gifts stopped at the new end of collection
                flash(line, "info")
            return redirect(url_for("siteadmin.facts", slug=site.slug), 303)
    locked = site.campaign is not None and has_money(site.campaign)
    status = 422 if form.errors or refusal else 200
    return render_template("siteadmin/facts.html", site=site, form=form, refusal=refusal,
                           locked=locked), status
