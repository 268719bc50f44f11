"""The evidence journal: DON-16 flags, refund requests and donor decisions are chained, and
``verify`` reports any of them deleted, edited or added behind the application's back."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.donations.booking import propose_refund
from app.donations.models import RefundRequest
from app.donations.refunds import approve
from app.extensions import db
from app.ledger.donors import keep_apart, merge_donors
from app.ledger.entries import reverse_entry
from app.ledger.models import ComplianceFlag, Donor, LedgerEvent
from app.ledger.totals import accepted_total
from app.ledger.verify import verify_all
from tests.factories import identity, tx
from tests.support.database import tamper


def problem() -> str | None:
    db.session.expire_all()
    found = [c.problem.message for c in verify_all() if c.problem is not None]
    return found[0] if found else None


def kinds(chain: str) -> list[str]:
    return list(db.session.scalars(select(LedgerEvent.kind).where(LedgerEvent.chain == chain)
                                   .order_by(LedgerEvent.seq)))


@pytest.fixture
def over_cap(give):  # type: ignore[no-untyped-def]
    """4 500 € by cheque, then 300 € by card already received: 200 € flagged DON-16."""
    give(450_000)
    card = give(30_000, method="carte", enforce=False, ref="stripe:charge:ch_ev")
    assert card.flagged_cents == 20_000
    return card


@pytest.fixture
def proposed(over_cap):  # type: ignore[no-untyped-def]
    """The refund of the 200 € proposed (as the webhook does), not yet approved."""
    request_id = tx(propose_refund, over_cap.entry_id, "ch_ev", over_cap.flagged_cents)
    assert request_id is not None
    return request_id


def test_every_change_is_an_event_of_its_campaign_chain(over_cap, proposed, users,
                                                        campaign) -> None:
    result = approve(proposed, "treasurer@example.org")  # the demonstration gateway refunds
    assert result.executed_now
    chain = f"campaign:{campaign.id}"
    assert kinds(chain) == ["flag.created", "refund.proposed", "refund.approved",
                            "flag.resolved", "refund.executed"]
    # The bank sends the refund back: the flag is open again.
    refund = db.session.get(RefundRequest, proposed)
    from app.ledger.journal import find_by_source

    entry = find_by_source(f"stripe:refund:{refund.stripe_refund_id}")
    tx(reverse_entry, entry.id, reason="Remboursement échoué", on=date(2026, 11, 22),
       recorded_by_id=None)
    assert kinds(chain)[-1] == "flag.reopened"
    events = db.session.scalars(select(LedgerEvent).where(LedgerEvent.chain == chain)
                                .order_by(LedgerEvent.seq)).all()
    assert events[-1].data["resolved_entry_id"] is None
    assert events[1].data["status"] == "proposed" and events[2].data["approved_by_id"]
    assert problem() is None


def test_deleting_a_flag_is_detected(over_cap, campaign) -> None:
    election_id = campaign.election_id
    assert accepted_total(election_id, over_cap.donor_id) == 460_000
    flag_id = db.session.scalar(select(ComplianceFlag.id))
    assert problem() is None
    tamper(f"DELETE FROM compliance_flags WHERE id = {flag_id}")
    # What the deletion does: the person now keeps 4 800 €, over the 4 600 € cap (DON-2).
    assert accepted_total(election_id, over_cap.donor_id) == 480_000
    assert problem() == (f"journal des signalements et remboursements (DON-16) : signalement "
                         f"DON-16 n° {flag_id} : ligne supprimée hors de l'application (son "
                         "dernier état est l'événement n° 1 du journal)")


def test_editing_a_flag_is_detected(over_cap) -> None:
    flag = db.session.scalar(select(ComplianceFlag))
    tamper(f"UPDATE compliance_flags SET amount_cents = 0 WHERE id = {flag.id}")
    message = problem() or ""
    assert f"signalement DON-16 n° {flag.id} : champ « montant à rembourser » modifié" in message
    assert "journal : 200,00" in message and "base : 0,00" in message


def test_a_flag_added_by_hand_is_detected(over_cap, campaign) -> None:
    tamper("INSERT INTO compliance_flags (entry_id, campaign_id, rule, amount_cents, message, "
           f"created_at) VALUES ({over_cap.entry_id}, {campaign.id}, 'DON-2', 100, 'x', "
           "'2026-11-02 10:00:00')")
    assert "ligne absente du journal" in (problem() or "")


@pytest.mark.parametrize("sql, expected", [
    ("UPDATE refund_requests SET status = 'cancelled'", "champ « état » modifié"),
    ("UPDATE refund_requests SET amount_cents = 100", "champ « montant » modifié"),
    ("DELETE FROM refund_requests", "ligne supprimée"),
])
def test_editing_or_deleting_a_refund_request_is_detected(proposed, sql, expected) -> None:
    assert problem() is None
    tamper(sql)
    message = problem() or ""
    assert f"demande de remboursement n° {proposed} : {expected}" in message


@pytest.fixture
def merged(give):  # type: ignore[no-untyped-def]
    a = give(300_000, who=identity("Dupont", "Jean"))
    b = give(300_000, who=identity("Dupond", "Jean", adresse="3 rue des lilas bis"))
    result = tx(merge_donors, a.donor_id, b.donor_id, by_id=None, reason="même personne")
    assert result.flagged_cents == 140_000
    return result


def test_a_merge_is_an_event_of_the_election_chain(merged, campaign) -> None:
    assert kinds(f"election:{campaign.election_id}") == ["donor.merged"]
    assert kinds(f"campaign:{campaign.id}") == ["flag.created"]  # the excess, on a gift
    assert problem() is None


@pytest.mark.parametrize("sql", [
    "UPDATE donors SET merged_into_id = NULL",  # the cap no longer follows the person
    "DELETE FROM donor_merges",
    "UPDATE donor_merges SET reason = 'autre'",
])
def test_undoing_or_editing_a_merge_is_detected(merged, sql) -> None:
    tamper(sql)
    message = problem() or ""
    assert message.startswith("journal des fusions et distinctions de fiches"), message
    assert (f"fiche de donateur n° {merged.merged_id} : rattachement modifié" in message
            or "fusion de fiches de donateurs n° " in message), message


def test_undoing_a_merge_whole_is_detected(merged) -> None:
    tamper("UPDATE donors SET merged_into_id = NULL")
    tamper("DELETE FROM donor_merges")
    message = problem() or ""
    assert "fusion de fiches de donateurs n° 1 : ligne supprimée" in message


def test_deleting_a_keep_apart_decision_is_detected(give, users) -> None:
    a = give(10_000, who=identity("Martin", "Paul", adresse="1 rue Haute"))
    b = give(10_000, who=identity("Martin", "Paul", adresse="9 rue Basse", code_postal="72100"))
    tx(keep_apart, a.donor_id, b.donor_id, by_id=None, reason="père et fils")
    assert problem() is None
    tamper("DELETE FROM donor_distinctions")
    assert "distinction de fiches de donateurs n° 1 : ligne supprimée" in (problem() or "")


def test_the_journal_is_append_only(over_cap) -> None:
    event = db.session.scalar(select(LedgerEvent))
    event.kind = "autre"
    with pytest.raises(RuntimeError, match="ajout seul"):
        db.session.flush()
    db.session.rollback()
    for sql in ("UPDATE ledger_events SET kind = 'autre'", "DELETE FROM ledger_events"):
        with pytest.raises(sa.exc.DatabaseError):  # the database refuses it too
            db.session.execute(sa.text(sql))
        db.session.rollback()
    flag = db.session.scalar(select(ComplianceFlag))
    db.session.delete(flag)
    with pytest.raises(RuntimeError, match="preuve"):
        db.session.flush()
    db.session.rollback()


def test_editing_or_removing_an_event_is_detected(over_cap, proposed) -> None:
    tamper("UPDATE ledger_events SET data = '{}' WHERE seq = 1")
    assert problem() == ("journal des signalements et remboursements (DON-16), événement n° 1 "
                         ": contenu modifié après enregistrement")


def test_removing_an_event_from_the_middle_is_detected(over_cap, proposed) -> None:
    tamper("DELETE FROM ledger_events WHERE seq = 1")
    assert "événement n° 1 manquant" in (problem() or "")


def test_rows_of_one_campaign_are_checked_in_its_own_chain(over_cap, campaign) -> None:
    donor = db.session.get(Donor, over_cap.donor_id)
    assert donor is not None
    check = verify_all()[0]
    assert [h.key for h in check.heads] == [f"entries:{campaign.id}", f"campaign:{campaign.id}",
                                            f"election:{campaign.election_id}",
                                            f"receipts:{campaign.id}"]
    assert [h.seq for h in check.heads] == [2, 1, 0, 0]


def test_rows_written_before_the_journal_get_one_event_each(over_cap, proposed, merged,
                                                            app, campaign) -> None:
    """Migration 0008 journals the flags, refund requests and merges already stored."""
    from flask_migrate import downgrade, upgrade

    from app.schema import MIGRATIONS_DIR, init_migrate

    chains = f"campaign:{campaign.id}", f"election:{campaign.election_id}"
    db.session.remove()
    init_migrate(app)
    downgrade(directory=MIGRATIONS_DIR, revision="0006")
    try:
        assert "ledger_events" not in sa.inspect(db.engine).get_table_names()
    finally:
        upgrade(directory=MIGRATIONS_DIR)
    assert kinds(chains[0]) == ["flag.existing", "flag.existing", "refund_request.existing"]
    assert kinds(chains[1]) == ["merge.existing"]
    assert problem() is None
    tamper("UPDATE refund_requests SET amount_cents = 1")
    assert "demande de remboursement" in (problem() or "")
