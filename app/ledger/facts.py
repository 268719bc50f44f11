"""Turning database rows into the plain facts the pure rules take (app.core.finance.rules)."""

from __future__ import annotations

import logging

from app.campaigns.models import Campaign
from app.core.finance.decision import CampaignFacts
from app.core.finance.spending_cap import CapResult, spending_cap

logger = logging.getLogger(__name__)


def campaign_cap(campaign: Campaign, round: int = 1) -> CapResult | None:
    """CAP-1 for the campaign's election; None when it cannot be worked out (no population;
    sénatoriales, whose cap needs the département's number of seats, not yet recorded): the
    rules that depend on the cap (DON-5) are then not applied, rather than every gift failing."""
    if campaign.population is None:
        return None
    try:
        return spending_cap(campaign.election.kind, campaign.population, round=round)
    except ValueError as exc:
        logger.warning("plafond de dépenses inconnu pour la campagne %s : %s", campaign.id, exc)
        return None


def campaign_facts(campaign: Campaign) -> CampaignFacts:
    cap = campaign_cap(campaign)
    return CampaignFacts(
        mode=campaign.mode,
        election_kind=campaign.election.kind,
        population=campaign.population,  # None: cap unknown, never 0 inhabitants (DON-5)
        round1=campaign.election.round1,
        filing_date=campaign.filing_date,
        collection_start=campaign.collection_start,
        mandataire_declared=campaign.has_mandataire,
        mandataire_declared_on=campaign.mandataire_declared_on,
        candidate_name=campaign.candidate_name,
        colistiers=tuple(campaign.colistiers),
        spending_cap_cents=cap.cents if cap is not None and cap.applies else None,
    )


