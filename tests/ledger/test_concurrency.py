"""Simultaneous gifts can never pass the cap together (DON-2), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import Donor, LedgerEntry
from app.ledger.totals import accepted_total
from tests.factories import IN_WINDOW, identity, tx


def _race(app, campaign_id: int, who, writers: int, amount: int) -> Counter:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(writers)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                outcome = tx(record_gift, GiftInput(
                    campaign_id=campaign_id, amount_cents=amount, on=IN_WINDOW,
                    method="carte", identity=who, source_ref=f"race:{n}"))
                with lock:
                    results.append(outcome.status if outcome.status != "refused"
                                   else "refused:" + ",".join(outcome.decision.rules))
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return Counter(results)


def test_twenty_parallel_writers_only_three_pass(app, campaign, give) -> None:
    who = identity("Parallèle", "Paula")
    assert give(300_000, who=who).status == "accepted"
    campaign_id, election_id = campaign.id, campaign.election_id
    db.session.remove()
    results = _race(app, campaign_id, who, writers=20, amount=50_000)
    assert results == Counter({"accepted": 3, "refused:DON-2": 17})
    donor = db.session.scalar(select(Donor).where(Donor.nom == "Parallèle"))
    assert accepted_total(election_id, donor.id) == 450_000


def test_a_new_donor_racing_with_itself_is_created_once(app, campaign) -> None:
    who = identity("Nouvelle", "Nina")
    campaign_id = campaign.id
    db.session.remove()
    results = _race(app, campaign_id, who, writers=12, amount=50_000)
    assert results == Counter({"accepted": 9, "refused:DON-2": 3})
    assert db.session.scalar(select(func.count(Donor.id)).where(Donor.nom == "Nouvelle")) == 1
    seqs = db.session.scalars(select(LedgerEntry.seq).order_by(LedgerEntry.seq)).all()
    assert seqs == list(range(1, 10))  # one unbroken chain
