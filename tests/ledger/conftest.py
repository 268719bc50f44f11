"""Ledger fixtures: the demo campaign and helpers to give."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.ledger.gifts import DonorIdentity, GiftInput, record_gift
from tests.factories import IN_WINDOW, identity, tx


@pytest.fixture
def campaign(demo_site) -> Any:
    return demo_site.campaign


@pytest.fixture
def give(campaign):  # type: ignore[no-untyped-def]
    def give(amount_cents: int, *, who: DonorIdentity | None = None, method: str = "cheque",
             on: date = IN_WINDOW, ref: str | None = None, campaign_id: int | None = None,
             enforce: bool = True, **kw: Any):  # type: ignore[no-untyped-def]
        return tx(record_gift, GiftInput(
            campaign_id=campaign_id or campaign.id, amount_cents=amount_cents, on=on,
            method=method, identity=who if who is not None else identity(),
            source_ref=ref, **kw), enforce=enforce)
    return give
