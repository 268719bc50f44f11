"""`estrade ledger verify`: recompute every campaign's hash chain and running totals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.chain import ChainProblem, verify_chain
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.sites.models import Campaign


@dataclass(frozen=True)
class CampaignCheck:
    campaign_id: int
    site_slug: str
    entries: int
    balance_cents: int
    problem: ChainProblem | None


def _rows(campaign_id: int):  # type: ignore[no-untyped-def]
    query = (select(LedgerEntry).where(LedgerEntry.campaign_id == campaign_id)
             .order_by(LedgerEntry.seq))
    for entry in db.session.scalars(query).all():
        fields = entry.chained_fields()
        fields["prev_hash"] = entry.prev_hash
        fields["hash"] = entry.hash
        yield fields


def verify_campaign(campaign: Campaign) -> CampaignCheck:
    count = 0
    balance = 0

    def counted():  # type: ignore[no-untyped-def]
        nonlocal count, balance
        for row in _rows(campaign.id):
            count += 1
            balance = row["cumulative_cents"]
            yield row

    problem = verify_chain(counted())
    return CampaignCheck(campaign.id, campaign.site.slug, count, balance, problem)


def verify_all(site_slug: str | None = None) -> list[CampaignCheck]:
    query = select(Campaign).order_by(Campaign.id)
    campaigns = [c for c in db.session.scalars(query)
                 if site_slug is None or c.site.slug == site_slug]
    return [verify_campaign(c) for c in campaigns]
