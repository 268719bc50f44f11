"""Turning database rows into the plain facts the pure rules take (app.core.rules)."""

from __future__ import annotations

from app.core.rules import CampaignFacts
from app.core.spending_cap import CapResult, spending_cap
from app.sites.models import Campaign


def campaign_cap(campaign: Campaign, round: int = 1) -> CapResult | None:
    """CAP-1 for the campaign's election; None without a population."""
    if campaign.population is None:
        return None
    return spending_cap(campaign.election.kind, campaign.population, round=round)


def campaign_facts(campaign: Campaign) -> CampaignFacts:
    cap = campaign_cap(campaign)
    return CampaignFacts(
        mode=campaign.mode,
        election_kind=campaign.election.kind,
        population=campaign.population or 0,
        round1=campaign.election.round1,
        filing_date=campaign.filing_date,
        collection_start=campaign.collection_start,
        mandataire_declared=campaign.has_mandataire,
        candidate_name=campaign.candidate_name,
        colistiers=tuple(campaign.colistiers),
        spending_cap_cents=cap.cents if cap is not None and cap.applies else None,
    )


