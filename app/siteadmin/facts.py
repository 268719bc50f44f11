"""The campaign's facts (election, dates, population, mandataire, filing date), changed from
the « Campagne » page: checked and applied by the same code as ``estrade campaign load``
(:func:`app.campaigns.service.campaign_spec` and :func:`~app.campaigns.service.load_campaign`),
so a campaign that has gifts never moves to another election (DON-2: its donors' totals would
start again), and audited with every value before and after.

After the view commits, :func:`app.campaigns.service.notify_dates_changed` tells the donations
package about new dates (DON-15: monthly gifts stop at the end of collection).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app import audit
from app.campaigns.models import Campaign, Site
from app.campaigns.service import SiteError, campaign_spec, load_campaign
from app.dbutil import require_transaction
from app.extensions import db
from app.siteadmin.actions import Refused, changes_between

#: The facts the form edits, as ``table.key`` of the campaign file (docs/campaign-file.md).
FACT_KEYS = (
    "election.kind", "election.round1", "election.round2", "election.scope",
    "election.territory", "election.name", "campaign.mode", "campaign.population",
    "campaign.candidate", "campaign.list_name", "campaign.collection_start",
    "campaign.filing_date", "mandataire.type", "mandataire.name", "mandataire.declared_on",
    "mandataire.prefecture",
)
#: Facts whose change moves the collection window (DON-15 listeners are told).
DATE_KEYS = frozenset({"election.round1", "election.round2", "campaign.collection_start",
                       "campaign.filing_date", "mandataire.declared_on"})


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def campaign_facts(campaign: Campaign | None) -> dict[str, Any]:
    """The campaign's facts by ``table.key`` (dates as ISO text; None when unset)."""
    if campaign is None:
        return {}
    election = campaign.election
    values: dict[str, Any] = {
        "election.kind": election.kind, "election.round1": election.round1,
        "election.round2": election.round2, "election.scope": election.scope,
        "election.territory": election.territory, "election.name": campaign.election_label,
        "campaign.mode": campaign.mode, "campaign.population": campaign.population,
        "campaign.candidate": campaign.candidate_name or None,
        "campaign.list_name": campaign.list_name,
        "campaign.collection_start": campaign.collection_start,
        "campaign.filing_date": campaign.filing_date,
        "mandataire.type": campaign.mandataire_type,
        "mandataire.name": campaign.mandataire_name,
        "mandataire.declared_on": campaign.mandataire_declared_on,
        "mandataire.prefecture": campaign.mandataire_prefecture,
    }
    return {key: _text(value) if value != "" else None for key, value in values.items()}


def _tables(facts: dict[str, Any], campaign: Campaign | None) -> dict[str, Any]:
    data: dict[str, dict[str, Any]] = {"election": {}, "campaign": {}, "mandataire": {}}
    for key in FACT_KEYS:
        table, name = key.split(".")
        value = facts.get(key)
        if value not in (None, ""):
            data[table][name] = value
    if campaign is not None:  # what the form does not show is kept
        data["campaign"]["colistiers"] = campaign.colistiers
        for name in ("timezone", "polls_close"):
            if value := getattr(campaign.election, name):
                data["election"][name] = value
    if not data["mandataire"]:
        del data["mandataire"]
    return data


def update_facts(site: Site, facts: dict[str, Any], *, actor: Any) -> dict[str, list[Any]]:
    """Apply ``facts`` (by ``table.key``) to the site's campaign; the changes, before and
    after. Refused (nothing changed) with the campaign file's French messages, and when the
    election would change under gifts (DON-2)."""
    require_transaction(db.session)
    if actor is not None and not actor.can("settings", site.id):
        raise Refused("Votre rôle ne permet pas de régler ce site.")
    before = campaign_facts(site.campaign)
    try:
        spec = campaign_spec(_tables(facts, site.campaign))
        campaign = load_campaign(site, spec, user=actor)
    except SiteError as exc:
        raise Refused(str(exc)) from None
    changes = changes_between(before, campaign_facts(campaign))
    if changes:
        audit.record("campaign.facts", campaign, user=actor, changes=changes)
    return changes


def dates_changed(changes: dict[str, list[Any]]) -> bool:
    return bool(DATE_KEYS & set(changes))
