"""DON-11: a receipt number typed when a gift was booked (sealed in its entry) is a used
number of the register: never listed as unused (unused booklets go back to the CNCCFP), never
given to another gift; once voided, it leaves its gift, which may then get another one."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from app.ledger import receipts
from app.ledger.errors import LedgerError
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_campaign
from tests.factories import IN_WINDOW, identity, tx

BY = ["--site", "demo", "--by", "treasurer@example.org"]


def gift(campaign: Any, cents: int, ref: str, number: str | None = None) -> LedgerEntry:
    outcome = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=cents,
                                        on=IN_WINDOW, method="cheque", identity=identity(),
                                        source_ref=ref, receipt_number=number))
    assert outcome.status != "refused", outcome.decision
    entry = db.session.get(LedgerEntry, outcome.entry_id)
    assert entry is not None
    return entry


def test_a_sealed_number_is_not_unused_nor_given_again(runner: Any, users: Any,
                                                       demo_site: Any) -> None:
    campaign = demo_site.campaign
    sealed = gift(campaign, 10_000, "chq:s1", number="A0005")
    other = gift(campaign, 10_000, "chq:s2")
    tx(receipts.issue, campaign.id, "A0001", "A0010", source="carnet", by_id=None)
    unused = receipts.unused_numbers(campaign.id)
    assert "A0005" not in unused and len(unused) == 9
    assert receipts.register(campaign.id).unused() == unused
    with pytest.raises(LedgerError, match="ne sert qu'une fois"):
        tx(receipts.assign, campaign.id, other.seq, "A0005", issued_on=IN_WINDOW, by_id=None)
    listing = runner.invoke(args=["treasury", "receipts", "list", *BY])
    assert "Numéros inutilisés : 9 (A0001, A0002, A0003, A0004, A0006" in listing.output
    assert receipts.receipt_numbers(campaign.id) == {sealed.id: "A0005"}
    assert verify_campaign(campaign).problem is None


def test_a_voided_sealed_number_leaves_its_gift_which_gets_another(
        runner: Any, users: Any, client: Any, auth: Any, demo_site: Any) -> None:
    campaign = demo_site.campaign
    outside = gift(campaign, 10_000, "chq:v1", number="Z-9")  # typed, no range registered
    inside = gift(campaign, 10_000, "chq:v2", number="B0002")
    tx(receipts.issue, campaign.id, "B0001", "B0004", source="carnet", by_id=None)
    with pytest.raises(LedgerError, match="motivée"):
        tx(receipts.void, campaign.id, "Z-9", reason=" ", by_id=None)
    with pytest.raises(LedgerError, match="pas au registre"):
        tx(receipts.void, campaign.id, "Z-10", reason="inconnu", by_id=None)
    voided = tx(receipts.void, campaign.id, "Z-9", reason="reçu déchiré", by_id=None)
    assert voided.subject_id == outside.id and voided.data["entry_id"] == outside.id
    tx(receipts.void, campaign.id, "B0002", reason="mal rempli", by_id=None)
    with pytest.raises(LedgerError, match="déjà annulé"):
        tx(receipts.void, campaign.id, "Z-9", reason="encore", by_id=None)
    assert receipts.receipt_numbers(campaign.id) == {}
    assert {g.id for g in receipts.gifts_without_receipt(campaign.id)} == {outside.id, inside.id}
    tx(receipts.assign, campaign.id, outside.seq, "B0001", issued_on=IN_WINDOW, by_id=None)
    tx(receipts.assign, campaign.id, inside.seq, "B0003", issued_on=IN_WINDOW, by_id=None)
    with pytest.raises(LedgerError, match="a déjà le reçu B0001"):
        tx(receipts.assign, campaign.id, outside.seq, "B0004", issued_on=IN_WINDOW, by_id=None)
    assert receipts.receipt_numbers(campaign.id) == {outside.id: "B0001", inside.id: "B0003"}
    assert receipts.unused_numbers(campaign.id) == ["B0004"]
    assert verify_campaign(campaign).problem is None
    listing = runner.invoke(args=["treasury", "receipts", "list", *BY])
    assert "Z-9 : reçu déchiré" in listing.output and "B0002 : mal rempli" in listing.output
    auth.login("treasurer@example.org")
    page = client.get(f"/admin/tresorerie/{campaign.id}/donateurs/{outside.donor_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "B0001" in html and "Z-9" not in html
