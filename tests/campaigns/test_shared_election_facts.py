"""An election two campaigns share keeps its dates: one campaign cannot rewrite them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.campaigns.models import Campaign, Site
from app.campaigns.service import SiteError, campaign_spec, create_site, load_campaign
from app.dbutil import transaction
from app.extensions import db


def spec(round2: str, **election: Any) -> Any:
    return campaign_spec({
        "election": {"kind": "municipales", "round1": dt.date(2032, 3, 14),
                     "round2": dt.date.fromisoformat(round2), "scope": "generale",
                     **election},
        "campaign": {"mode": "candidat", "population": 230890, "candidate": "Ana Lopez"},
        "mandataire": {"type": "AFE", "name": "AFE Rennes",
                       "declared_on": dt.date(2031, 6, 1)}})


def site(slug: str) -> Site:
    with transaction():
        return create_site(slug, slug.title(), [f"{slug}.example"])


def test_a_second_campaign_cannot_move_the_shared_second_round(app) -> None:
    first, rival = site("premier"), site("rival")
    with transaction():
        load_campaign(first, spec("2032-03-21"))
    election_id = db.session.scalar(sa.select(Campaign.election_id).where(
        Campaign.site_id == first.id))
    with pytest.raises(SiteError) as refused, transaction():
        load_campaign(rival, spec("2032-04-25"))
    assert "second tour : 2032-03-21" in str(refused.value)
    assert "premier" not in str(refused.value).lower()  # names no other site
    db.session.expire_all()
    assert first.campaign.election.round2 == dt.date(2032, 3, 21)
    with transaction():  # the recorded dates: accepted, on the same election
        load_campaign(rival, spec("2032-03-21"))
    assert rival.campaign.election_id == election_id


def test_a_campaign_alone_on_its_election_may_move_it_and_it_is_audited(app) -> None:
    alone = site("seul")
    with transaction():
        load_campaign(alone, spec("2032-03-21"))
    with transaction():
        load_campaign(alone, spec("2032-03-28", timezone="America/Cayenne"))
    assert alone.campaign.election.round2 == dt.date(2032, 3, 28)
    row = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "election.facts"))
    assert row is not None
    assert "2032-03-21" in str(row.details) and "America/Cayenne" in str(row.details)
