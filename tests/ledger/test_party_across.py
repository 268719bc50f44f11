"""Issue 12 defect 11: PARTY-1 counts one person's gifts to every party of the install in the
calendar year (loi 88-227 art. 11-4: « à un ou plusieurs partis »), not per election row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.campaigns.models import Site
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import identity, tx


def party(runner: Any, tmp_path: Path, slug: str, kind: str, round1: str) -> int:
    path = tmp_path / f"{slug}.toml"
    path.write_text(f"""
[election]
kind = "{kind}"
name = "Financement {slug}"
round1 = {round1}
[campaign]
mode = "parti"
candidate = "Parti {slug}"
""", encoding="utf-8")
    runner.invoke(args=["sites", "create", slug, "--title", slug])
    result = runner.invoke(args=["campaign", "load", "--site", slug, str(path)])
    assert result.exit_code == 0, result.output
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    assert site is not None and site.campaign is not None
    return site.campaign.id


def gift(campaign_id: int, cents: int, on: date) -> Any:
    return tx(record_gift, GiftInput(campaign_id=campaign_id, amount_cents=cents, on=on,
                                     method="cheque", identity=identity("Partisan")))


def test_party1_is_per_person_across_parties(runner, tmp_path) -> None:
    a = party(runner, tmp_path, "parti-a", "legislatives", "2029-06-10")
    b = party(runner, tmp_path, "parti-b", "europeennes", "2029-05-27")
    assert gift(a, 500_000, date(2027, 2, 1)).status == "accepted"
    over = gift(b, 300_000, date(2027, 3, 1))
    assert over.status == "refused" and over.decision.rules == ("PARTY-1",)
    message = over.decision.messages[0].replace("\u202f", " ").replace("\xa0", " ")
    assert "2 500,00 €" in message  # the room left, never which party had the rest
    assert "parti-a" not in message and "Parti parti-a" not in message
    assert gift(b, 250_000, date(2027, 3, 1)).status == "accepted"
    assert gift(b, 100_000, date(2028, 1, 5)).status == "accepted"  # a new calendar year
