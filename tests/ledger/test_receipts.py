"""The receipts register (defect 6, DON-11): numbers the CNCCFP issued, assigned to gifts after
booking (card gifts too) as records of their own, chained and append-only; a number used
once; voids with a reason; gifts without a receipt and unused numbers listed; verify checks
the register."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.ledger import receipts
from app.ledger.errors import LedgerError
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import LedgerEntry, LedgerEvent
from app.ledger.verify import verify_campaign
from tests.factories import IN_WINDOW, identity, tx

BY = ["--site", "demo", "--by", "treasurer@example.org"]


def gift(campaign: Any, cents: int, ref: str, method: str = "cheque",
         **kw: Any) -> Any:
    return tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=cents, on=IN_WINDOW,
                                     method=method, identity=identity(), source_ref=ref, **kw),
              enforce=method != "carte")


def seq_of(outcome: Any) -> int:
    entry = db.session.get(LedgerEntry, outcome.entry_id)
    assert entry is not None
    return entry.seq


def test_numbers_are_issued_assigned_once_and_voided(runner: Any, users: Any,
                                                     demo_site: Any) -> None:
    campaign = demo_site.campaign
    card = gift(campaign, 10_000, "stripe:charge:ch_r1", method="carte")
    cheque = gift(campaign, 20_000, "chq:r2")
    other = gift(campaign, 5_000, "chq:r3")

    def run(*args: str) -> Any:
        result = runner.invoke(args=["treasury", "receipts", *args])
        db.session.expire_all()
        return result

    invented = run("assign", str(seq_of(card)), "A000101", "--on", "2026-11-20", *BY)
    assert invented.exit_code == 1 and "n'invente aucun" in invented.output
    assert run("issue", "A000101", "A000105", *BY).exit_code == 0
    assert run("issue", "A000104", "A000110", *BY).exit_code == 1  # overlaps
    ok = run("assign", str(seq_of(card)), "A000101", "--on", "2026-11-20", *BY)
    assert ok.exit_code == 0, ok.output
    twice = run("assign", str(seq_of(cheque)), "A000101", "--on", "2026-11-20", *BY)
    assert twice.exit_code == 1 and "ne sert qu'une fois" in twice.output
    assert run("assign", str(seq_of(card)), "A000102", "--on", "2026-11-20",
               *BY).exit_code == 1  # the card gift has its receipt
    assert run("assign", str(seq_of(cheque)), "A000102", "--on", "2026-11-20",
               *BY).exit_code == 0
    assert run("void", "A000103", "--reason", " ", *BY).exit_code == 1
    assert run("void", "A000103", "--reason", "reçu déchiré", *BY).exit_code == 0
    assert run("assign", str(seq_of(other)), "A000103", "--on", "2026-11-20",
               *BY).exit_code == 1  # voided numbers are never reused
    assert run("assign", "1", "A000104", "--on", "2026-11-20", "--site", "demo",
               "--by", "editor@example.org").exit_code == 1

    listing = run("list", *BY)
    assert listing.exit_code == 0
    assert "Dons sans reçu : 1" in listing.output and f"n° {seq_of(other)} " in listing.output
    assert "Numéros inutilisés : 2 (A000104, A000105)" in listing.output
    assert "A000103 : reçu déchiré" in listing.output
    assert receipts.receipt_numbers(campaign.id) == {card.entry_id: "A000101",
                                                     cheque.entry_id: "A000102"}
    # The gifts' sealed entries are untouched; the numbers are in the export.
    assert db.session.get(LedgerEntry, card.entry_id).receipt_number is None  # type: ignore[union-attr]
    out = runner.app.instance_path + "/liste.csv"
    assert runner.invoke(args=["donations", "export", "--site", "demo", "--format", "csv",
                               "--out", out]).exit_code == 0
    with open(out, encoding="utf-8-sig") as handle:
        text_out = handle.read()
    assert "A000101" in text_out and "A000102" in text_out
    verify = runner.invoke(args=["ledger", "verify"])
    assert verify.exit_code == 0 and "registre des reçus-dons (DON-11) : n° 4" in verify.output


def test_a_number_typed_at_booking_is_used_once(demo_site: Any) -> None:
    """Defect 6: one number was accepted on two gifts."""
    campaign = demo_site.campaign
    first = gift(campaign, 10_000, "chq:t1", receipt_number="B-0001")
    assert first.status == "accepted"
    second = gift(campaign, 10_000, "chq:t2", receipt_number="B-0001")
    assert second.status == "refused" and second.decision.rules == ("DON-11",)
    assert db.session.scalar(select(LedgerEntry).where(LedgerEntry.source_ref == "chq:t2")) \
        is None


def test_the_register_is_append_only_and_verified(demo_site: Any) -> None:
    campaign = demo_site.campaign
    outcome = gift(campaign, 10_000, "chq:v1")
    tx(receipts.issue, campaign.id, "C01", "C03", source="finpol", by_id=None)
    tx(receipts.assign, campaign.id, seq_of(outcome), "C01", issued_on=IN_WINDOW, by_id=None)
    with pytest.raises(LedgerError):
        tx(receipts.assign, campaign.id, seq_of(outcome), "C02", issued_on=IN_WINDOW,
           by_id=None)
    assert verify_campaign(campaign).problem is None
    event = db.session.scalar(select(LedgerEvent).where(
        LedgerEvent.kind == "receipt.assigned"))
    assert event is not None
    with pytest.raises(Exception):  # noqa: B017 - the trigger refuses, whatever the driver
        db.session.execute(text("UPDATE ledger_events SET data = '{}' WHERE id = :id"),
                           {"id": event.id})
        db.session.commit()
    db.session.rollback()
    # A second assignment of C01 slipped in by hand (a valid link appended at the end).
    from app.core.finance.chain import event_digest

    last = db.session.scalar(select(LedgerEvent).where(LedgerEvent.chain == event.chain)
                             .order_by(LedgerEvent.seq.desc()).limit(1))
    assert last is not None
    fields = {"chain": last.chain, "seq": last.seq + 1, "kind": "receipt.assigned",
              "subject": "receipt", "subject_id": event.subject_id,
              "data": {**event.data, "entry_seq": 99}, "recorded_at": last.recorded_at}
    db.session.add(LedgerEvent(**fields, campaign_id=campaign.id,
                               election_id=campaign.election_id, prev_hash=last.hash,
                               hash=event_digest(fields, last.hash)))
    db.session.commit()
    problem = verify_campaign(campaign).problem
    assert problem is not None and "C01 utilisé deux fois" in problem.message
