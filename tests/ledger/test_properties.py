"""Property-based: whatever the sequence of gifts, refunds and merges, over several sites and
channels, no person's accepted total passes the cap, totals equal the entries, and
`ledger verify` passes until someone alters a stored entry."""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.campaigns.models import Campaign, Election, Site
from app.core.finance.chain import signed_amount
from app.core.finance.money import DONATION_CAP
from app.extensions import db
from app.ledger.donors import merge_donors
from app.ledger.entries import record_refund, refunded_so_far
from app.ledger.errors import LedgerError
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.locks import canonical_id
from app.ledger.models import Donor, LedgerEntry
from app.ledger.totals import accepted_total
from app.ledger.verify import verify_campaign
from tests.factories import identity, tx
from tests.support.database import tamper

PEOPLE = [identity("Arnaud", "Bea"), identity("Arnaud", "Béa", adresse="3, rue des lilas"),
          identity("Costa", "Rui"), identity("Dumas", "Eve", code_postal="72100")]
METHODS = ["carte", "cheque", "virement", "prelevement", "especes", "nature"]
counter = itertools.count()

# Amounts near the cap's edges are where mistakes hide: mix them with arbitrary ones.
amounts = st.one_of(st.integers(1, 300_000),
                    st.sampled_from([1, 15_000, 15_001, 160_000, 230_000, 300_000, 460_000]))
gift = st.tuples(st.just("gift"), st.integers(0, 1), st.integers(0, 3), amounts,
                 st.sampled_from(METHODS), st.booleans())
refund = st.tuples(st.just("refund"), st.integers(0, 50), st.floats(0.01, 1.0))
merge = st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3))
operations = st.lists(st.one_of(gift, gift, gift, refund, merge), min_size=10, max_size=30)


def _setup() -> list[int]:
    n = next(counter)
    election = Election(name=f"Propriétés {n}", kind="municipales", round1=date(2027, 3, 14),
                        scope="partielle", territory=f"propriétés {n}")
    campaigns = []
    for side in ("a", "b"):
        site = Site(slug=f"p{n}{side}", title="P", content_dir="demo")
        campaign = Campaign(site=site, election=election, mode="candidat", population=20_000,
                            candidate_name="Tête de Liste", mandataire_type="MF",
                            mandataire_name="M. Mandataire",
                            mandataire_declared_on=date(2026, 9, 1),
                            filing_date=date(2027, 5, 21))
        db.session.add(campaign)
        campaigns.append(campaign)
    db.session.commit()
    return [c.id for c in campaigns]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations, data=st.data())
def test_ledger_invariants(app, ops, data) -> None:
    campaign_ids = _setup()
    for op in ops:
        if op[0] == "gift":
            _, site, who, amount, method, received = op
            if method == "especes":
                amount = min(amount, 15_000)
            tx(record_gift, GiftInput(campaign_id=campaign_ids[site], amount_cents=amount,
                                  on=date(2026, 12, 1), method=method, identity=PEOPLE[who],
                                  source_ref=f"op:{next(counter)}"), enforce=not received)
        elif op[0] == "refund":
            gifts = db.session.scalars(select(LedgerEntry).where(
                LedgerEntry.campaign_id.in_(campaign_ids),
                LedgerEntry.kind.in_(("donation", "in_kind"))).order_by(LedgerEntry.id)).all()
            if gifts:
                target = gifts[op[1] % len(gifts)]
                left = target.amount_cents - refunded_so_far(target.id)
                if left > 0:
                    tx(record_refund, target.id, max(1, int(left * op[2])), on=date(2026, 12, 2),
                                  source_ref=f"re:{next(counter)}", reason="test")
        else:
            donors = db.session.scalars(select(Donor).where(
                Donor.election_id == db.session.get(Campaign, campaign_ids[0]).election_id)
                .order_by(Donor.id)).all()
            if len(donors) >= 2:
                a, b = donors[op[1] % len(donors)], donors[op[2] % len(donors)]
                try:
                    tx(merge_donors, a.id, b.id, by_id=None, reason="test")
                except LedgerError:
                    db.session.rollback()  # same person already, or the same record
    _check_invariants(campaign_ids)
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id.in_(campaign_ids))).all()
    if entries:
        victim = data.draw(st.sampled_from(entries))
        column = data.draw(st.sampled_from(["amount_cents", "donor_id", "on"]))
        value = {"amount_cents": "amount_cents + 1", "donor_id": "NULL",
                 "on": "'2020-01-01'"}[column]
        if column == "donor_id" and victim.donor_id is None:
            value = "(SELECT MIN(id) FROM donors)"
        tamper(f'UPDATE ledger_entries SET "{column}" = {value} WHERE id = {victim.id}')
        db.session.expire_all()
        campaign = db.session.get(Campaign, victim.campaign_id)
        assert verify_campaign(campaign).problem is not None


def _check_invariants(campaign_ids: list[int]) -> None:
    election_id = db.session.get(Campaign, campaign_ids[0]).election_id
    donors = db.session.scalars(select(Donor.id).where(Donor.election_id == election_id)).all()
    for person in {canonical_id(d) for d in donors}:
        assert accepted_total(election_id, person) <= DONATION_CAP
    for campaign_id in campaign_ids:
        rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_cents).where(
            LedgerEntry.campaign_id == campaign_id)).all()
        last = db.session.scalar(select(LedgerEntry.cumulative_cents).where(
            LedgerEntry.campaign_id == campaign_id).order_by(LedgerEntry.seq.desc()).limit(1))
        assert (last or 0) == sum(signed_amount(k, a) for k, a in rows)
        count = db.session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.campaign_id == campaign_id))
        check = verify_campaign(db.session.get(Campaign, campaign_id))
        assert check.problem is None and check.entries == count
    assert sa is not None
