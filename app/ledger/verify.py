"""`estrade ledger verify`: recompute every campaign's hash chain and running totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.campaigns.models import Campaign
from app.core.finance.chain import ChainProblem, verify_chain
from app.extensions import db
from app.ledger.models import LedgerEntry


@dataclass(frozen=True)
class CampaignCheck:
    campaign_id: int
    site_slug: str
    entries: int
    balance_cents: int
    problem: ChainProblem | None


def _entries(campaign_id: int) -> list[LedgerEntry]:
    query = (select(LedgerEntry).where(LedgerEntry.campaign_id == campaign_id)
             .order_by(LedgerEntry.seq))
    return list(db.session.scalars(query).all())


def _rows(entries: list[LedgerEntry]) -> Any:
    for entry in entries:
        fields = entry.chained_fields()
        fields["prev_hash"] = entry.prev_hash
        fields["hash"] = entry.hash
        yield fields


def _links_problem(campaign: Campaign, entries: list[LedgerEntry]) -> ChainProblem | None:
    """Columns kept beside the digest must agree with what it covers: the election (which
    DON-2 totals use) follows from the campaign, the related entry from its sequence number."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        if entry.election_id != campaign.election_id:
            return ChainProblem(entry.seq, f"écriture n° {entry.seq} : élection modifiée après "
                                           "enregistrement")
        related = by_id.get(entry.related_entry_id) if entry.related_entry_id else None
        expected = related.seq if related is not None else None
        if expected != entry.related_entry_seq:  # also a link to no entry of this campaign
            return ChainProblem(entry.seq, f"écriture n° {entry.seq} : écriture liée modifiée "
                                           "après enregistrement")
    return None


def verify_campaign(campaign: Campaign) -> CampaignCheck:
    entries = _entries(campaign.id)
    balance = entries[-1].cumulative_cents if entries else 0
    problem = verify_chain(_rows(entries)) or _links_problem(campaign, entries)
    return CampaignCheck(campaign.id, campaign.site.slug, len(entries), balance, problem)


def verify_all(site_slug: str | None = None) -> list[CampaignCheck]:
    query = select(Campaign).order_by(Campaign.id)
    campaigns = [c for c in db.session.scalars(query)
                 if site_slug is None or c.site.slug == site_slug]
    return [verify_campaign(c) for c in campaigns]
