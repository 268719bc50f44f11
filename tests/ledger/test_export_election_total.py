"""Issue 12 defect 12: the donor list's running total covers the donor's whole election
(DON-2), yet names nothing of the rival campaigns (GDPR art. 9: rivals share the install)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.extensions import db
from app.ledger.exporter import COLUMNS, CUMULATIVE, build_rows
from tests.factories import identity, tx


def test_running_total_counts_the_other_campaigns_as_a_sum_only(give, campaign, app) -> None:
    rival = tx(create_site, "rivale", "Liste rivale")
    spec = parse_campaign_file(Path(app.config["ESTRADE_CONTENT_DIR"]) / "demo/campaign.toml")
    tx(load_campaign, rival, spec)
    db.session.commit()
    assert rival.campaign.election_id == campaign.election_id
    donor = identity("Commun")
    give(100_000, who=donor, on=date(2026, 11, 2), ref="ici:1")
    give(300_000, who=donor, on=date(2026, 11, 10), ref="rival:secret-ref",
         campaign_id=rival.campaign.id, details={"reference": "RIVAL-CHQ-77"})
    give(50_000, who=donor, on=date(2026, 11, 20), ref="ici:2")
    rows, _ = build_rows(campaign)
    column = COLUMNS.index(CUMULATIVE)
    assert [row[column] for row in rows] == ["1000,00", "4500,00"]
    text = repr(rows)
    for secret in ("rivale", "Liste rivale", "secret-ref", "RIVAL-CHQ-77", "3000,00", "10/11"):
        assert secret not in text
    rival_rows, _ = build_rows(rival.campaign)  # and the other way round
    assert [row[column] for row in rival_rows] == ["4000,00"]
