"""Fixtures of the treasurer's pages: a rival list of the same election, with its own
treasurer and a donor the demo campaign's treasurer must never see."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.config import PROJECT_ROOT
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import create_user, identity, tx


@pytest.fixture
def rival(app: Flask, users: dict[str, Any]) -> dict[str, Any]:
    spec = parse_campaign_file(PROJECT_ROOT / "content" / "demo" / "campaign.toml")
    site = tx(create_site, "rivale", "Liste rivale", ["rivale.example"])
    tx(load_campaign, site, spec)
    treasurer = create_user("tresorier.rival@example.org", "treasurer", sites=[site])
    outcome = tx(record_gift, GiftInput(
        campaign_id=site.campaign.id, amount_cents=100_000, on=date(2026, 11, 15),
        method="cheque", identity=identity("Secret", "Donatrice"), source_ref="rival:1"))
    return {"site": site, "campaign": site.campaign, "treasurer": treasurer,
            "entry_id": outcome.entry_id}
