"""Booking gifts through the ledger service against a real database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.extensions import db
from app.ledger.donors import merge_donors
from app.ledger.entries import record_entry, record_refund, refunded_so_far, reverse_entry
from app.ledger.models import ComplianceFlag, Donor, LedgerEntry
from app.ledger.totals import accepted_total
from app.ledger.verify import verify_all
from tests.factories import identity, tx
from tests.support.database import tamper


def test_cap_boundary_is_exact(give) -> None:
    assert give(400_000).status == "accepted"
    assert give(60_000).status == "accepted"  # 4 600,00 €
    refused = give(1)  # 4 600,01 €
    assert refused.status == "refused" and "DON-2" in refused.decision.rules
    assert "0,00" in " ".join(refused.decision.messages)
    assert db.session.scalar(select(sa.func.count(LedgerEntry.id))) == 2


def test_refused_gift_writes_nothing_not_even_the_donor(give) -> None:
    outcome = give(500_000, who=identity("Nouveau", "Donateur"))
    assert outcome.status == "refused"
    assert db.session.scalar(select(sa.func.count(Donor.id))) == 0


def test_cash_over_150_refused(give) -> None:
    assert give(15_000, method="especes").status == "accepted"
    out = give(15_001, method="especes", who=identity("Autre"))
    assert out.status == "refused" and "DON-4" in out.decision.rules


def test_same_source_ref_books_once(give) -> None:
    first = give(10_000, ref="cheque:1234")
    again = give(10_000, ref="cheque:1234")
    assert first.status == "accepted" and again.duplicate
    assert again.entry_id == first.entry_id


def test_cap_is_shared_across_sites_of_the_same_election(give, campaign, app) -> None:
    other = tx(create_site, "voisine", "Liste voisine")
    spec = parse_campaign_file(Path(app.config["ESTRADE_CONTENT_DIR"]) / "demo/campaign.toml")
    tx(load_campaign, other, spec)
    db.session.commit()
    assert other.campaign.election_id == campaign.election_id
    assert give(300_000).status == "accepted"
    out = give(200_000, campaign_id=other.campaign.id)
    assert out.status == "refused" and "vous pouvez encore donner 1 600,00" in " ".join(
        out.decision.messages).replace("\u202f", " ").replace("\xa0", " ")


def test_refund_frees_room_under_the_cap(give) -> None:
    first = give(460_000)
    assert give(10_000).status == "refused"
    tx(record_refund, first.entry_id, 20_000, on=date(2026, 11, 20), source_ref="ref:1",
                  reason="Erreur de saisie du donateur")
    assert give(10_000).status == "accepted"


def test_money_already_received_is_flagged_not_lost(give) -> None:
    give(450_000)
    out = give(20_000, enforce=False, ref="ch_1")  # e.g. a card payment after a cheque
    assert out.status == "warning" and out.flagged_cents == 10_000
    flag = db.session.scalar(select(ComplianceFlag))
    assert flag.rule == "DON-2" and flag.amount_cents == 10_000
    donor_id = out.donor_id
    assert accepted_total(flag.entry.election_id, donor_id) == 460_000
    tx(record_refund, out.entry_id, 10_000, on=date(2026, 11, 21), source_ref="re_1",
                  reason="Excédent DON-16")
    db.session.refresh(flag)
    assert flag.resolved_entry_id is not None
    assert accepted_total(flag.entry.election_id, donor_id) == 460_000


def test_a_failed_refund_reopens_the_flag_and_gives_the_room_back(give) -> None:
    give(450_000)
    out = give(20_000, enforce=False, ref="ch_2")
    flag = db.session.scalar(select(ComplianceFlag))
    refund = tx(record_refund, out.entry_id, 10_000, on=date(2026, 11, 21), source_ref="re_2",
                           reason="Excédent DON-16")
    db.session.refresh(flag)
    assert flag.resolved_entry_id == refund.id
    assert refunded_so_far(out.entry_id) == 10_000
    # The bank sends the refund back: the excess is with the campaign again.
    tx(reverse_entry, refund.id, reason="Remboursement échoué", on=date(2026, 11, 22),
                  recorded_by_id=None, source_ref="re_2:failed")
    db.session.refresh(flag)
    assert flag.resolved_entry_id is None and flag.resolved_at is None
    assert refunded_so_far(out.entry_id) == 0
    assert accepted_total(flag.entry.election_id, out.donor_id) == 460_000
    # The whole gift can be refunded again, and the new refund resolves the flag.
    again = tx(record_refund, out.entry_id, 20_000, on=date(2026, 11, 23), source_ref="re_3",
                          reason="Excédent DON-16, second essai")
    db.session.refresh(flag)
    assert flag.resolved_entry_id == again.id
    assert all(check.problem is None for check in verify_all())


def test_a_partial_refund_of_flagged_money_counts_at_once(give) -> None:
    give(450_000)
    card = give(100_000, method="carte", enforce=False, ref="ch_p")
    assert card.flagged_cents == 90_000
    # Part of the excess goes back (e.g. from Stripe's dashboard): 400 € are still owed.
    tx(record_refund, card.entry_id, 50_000, on=date(2026, 11, 21), source_ref="re_p",
                  reason="Remboursement partiel")
    assert accepted_total(db.session.get(LedgerEntry, card.entry_id).election_id,
                          card.donor_id) == 460_000
    assert give(50_000, ref="c:apres").status == "refused"  # no room was made


def test_a_merge_spreads_the_excess_over_gifts_it_can_be_refunded_from(give, campaign,
                                                                       tmp_path) -> None:
    a = give(460_000, who=identity("Dupont", "Jean"))
    b = [give(100_000, who=identity("Dupond", "Jean", adresse="3 rue des lilas bis"),
              ref=f"c:b{n}") for n in range(3)]
    result = tx(merge_donors, a.donor_id, b[0].donor_id, by_id=None, reason="même personne")
    assert result.flagged_cents == 300_000
    flags = db.session.scalars(select(ComplianceFlag).order_by(ComplianceFlag.id)).all()
    assert all(f.amount_cents <= 100_000 for f in flags)  # never more than its gift
    assert sorted(f.entry_id for f in flags) == sorted(g.entry_id for g in b)
    for n, gift in enumerate(b):
        tx(record_refund, gift.entry_id, 100_000, on=date(2026, 11, 22), source_ref=f"re_b{n}",
                      reason="Excédent DON-16 après fusion")
    assert all(f.resolved_entry_id is not None for f in flags)
    assert give(100, who=identity("Dupont", "Jean"), ref="c:encore").status == "refused"
    from app.ledger.exporter import export_donors

    assert export_donors(campaign, "csv", tmp_path / "depot.csv", for_filing=True) == 7


def test_merge_makes_the_cap_follow(give) -> None:
    a = give(300_000, who=identity("Dupont", "Jean"))
    b = give(300_000, who=identity("Dupond", "Jean", adresse="3 rue des lilas bis"))
    result = tx(merge_donors, a.donor_id, b.donor_id, by_id=None, reason="même personne")
    assert result.flagged_cents == 140_000
    assert give(100, who=identity("Dupont", "Jean")).status == "refused"


def test_entries_are_append_only(give) -> None:
    out = give(10_000)
    entry = db.session.get(LedgerEntry, out.entry_id)
    entry.amount_cents = 1
    with pytest.raises(RuntimeError, match="ajout seul"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):  # the database refuses it too
        db.session.execute(sa.text("UPDATE ledger_entries SET amount_cents = 1"))
    db.session.rollback()


def test_verify_detects_tampering(give, campaign) -> None:
    give(10_000)
    give(20_000, who=identity("Durand"))
    tx(record_entry, campaign.id, kind="fee", amount_cents=150, on=date(2026, 11, 15),
                 source_ref="fee:1", reason="Frais")
    tx(reverse_entry, 1, reason="Chèque sans provision", on=date(2026, 11, 16), recorded_by_id=None)
    checks = verify_all()
    assert [c.problem for c in checks] == [None]
    assert checks[0].entries == 4 and checks[0].balance_cents == 20_000 - 150
    tamper("UPDATE ledger_entries SET amount_cents = 99 WHERE seq = 2")
    problem = verify_all()[0].problem
    assert problem is not None and problem.seq == 2


def test_verify_detects_a_gift_moved_to_another_election_or_link(give, campaign) -> None:
    gift = give(10_000)
    tx(record_refund, gift.entry_id, 1_000, on=date(2026, 11, 20), source_ref="re:v",
                  reason="Remboursement partiel")
    other = give(20_000, who=identity("Durand"))
    assert verify_all()[0].problem is None
    from app.campaigns.models import Election

    elsewhere = Election(name="Une autre élection", kind="legislatives",
                         round1=date(2027, 6, 13))
    db.session.add(elsewhere)
    db.session.commit()
    # Out of the donor's DON-2 total, though every hashed field is intact.
    tamper(f"UPDATE ledger_entries SET election_id = {elsewhere.id} "
           f"WHERE id = {gift.entry_id}")
    problem = verify_all()[0].problem
    assert problem is not None and "élection" in problem.message
    tamper(f"UPDATE ledger_entries SET election_id = {campaign.election_id}")
    assert verify_all()[0].problem is None
    tamper(f"UPDATE ledger_entries SET related_entry_id = {other.entry_id} "
           "WHERE kind = 'refund'")
    problem = verify_all()[0].problem
    assert problem is not None and "liée" in problem.message


def test_a_senatoriales_campaign_takes_gifts_though_its_cap_is_unknown(give, campaign,
                                                                       runner) -> None:
    campaign.election.kind = "senatoriales"
    db.session.commit()
    assert give(10_000, ref="c:senat").status == "accepted"  # the cap needs the seats count
    result = runner.invoke(args=["campaign", "cap", "--site", campaign.site.slug])
    assert result.exit_code == 1 and "L308-1" in result.output


def test_party_mode_counts_each_calendar_year_apart(give, campaign) -> None:
    campaign.mode = "parti"
    db.session.commit()
    december = give(750_000, on=date(2026, 12, 10), ref="p:dec")
    assert december.status == "accepted"
    # A December gift refunded in January frees room in December's year, not January's.
    tx(record_refund, december.entry_id, 50_000, on=date(2027, 1, 5), source_ref="p:re",
                  reason="Remboursement partiel")
    assert give(750_001, on=date(2027, 2, 1), ref="p:feb-over").status == "refused"
    assert give(750_000, on=date(2027, 2, 1), ref="p:feb").status == "accepted"
    assert give(50_000, on=date(2026, 12, 20), ref="p:dec2").status == "accepted"
    # Money already received over the yearly cap: only the yearly excess is flagged.
    card = give(100_000, on=date(2027, 3, 1), method="carte", enforce=False, ref="p:card")
    assert card.flagged_cents == 100_000  # February already used the whole of 2027
    other_year = give(100_000, on=date(2028, 1, 3), method="carte", enforce=False, ref="p:28")
    assert other_year.status == "accepted" and other_year.flagged_cents == 0
    someone = identity("Annuel", "Anne")
    give(700_000, who=someone, on=date(2026, 6, 1), ref="a:26")
    give(700_000, who=someone, on=date(2027, 6, 1), ref="a:27")
    late = give(100_000, who=someone, on=date(2027, 7, 1), method="carte", enforce=False,
                ref="a:card")
    assert late.flagged_cents == 50_000  # 7 000 € + 1 000 € in 2027: 500 € over


def test_an_in_kind_gift_is_also_an_expense_of_the_same_value(give, campaign) -> None:
    gift = give(25_000, method="nature", ref="nature:salle",
                details={"reference": "Prêt d'une salle, valeur locative"})
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    assert [(e.kind, e.amount_cents) for e in entries] == [("in_kind", 25_000),
                                                          ("in_kind_expense", 25_000)]
    assert entries[1].related_entry_id == gift.entry_id and entries[1].donor_id is None
    assert entries[1].cumulative_cents == 0  # nothing reached the bank account
    assert accepted_total(entries[0].election_id, gift.donor_id) == 25_000  # counts for DON-2
    assert all(check.problem is None for check in verify_all())
