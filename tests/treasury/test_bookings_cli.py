"""Booking what Stripe cannot see (defect 7) through ``estrade treasury …``: offline refunds
that clear a merge's flags so the filing export runs (acceptance 3), expenses with their
invoice (MAND-3, CAP-3), loans (LOAN-1, LOAN-2, LOAN-3), bounced cheques, corrections, and an
in-kind gift reversed with its expense (defect 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.locks import donor_group
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.ledger.totals import donor_total, money_to_refund
from tests.factories import IN_WINDOW, identity, tx

BY = ["--site", "demo", "--by", "treasurer@example.org"]
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def cheque(campaign: Any, cents: int, who: Any, ref: str) -> LedgerEntry:
    outcome = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=cents,
                                        on=IN_WINDOW, method="cheque", identity=who,
                                        source_ref=ref))
    assert outcome.status != "refused", outcome.decision
    entry = db.session.get(LedgerEntry, outcome.entry_id)
    assert entry is not None
    return entry


def run(runner: Any, *args: str) -> Any:
    result = runner.invoke(args=list(args))
    db.session.expire_all()
    return result


def entries(kind: str) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == kind)
                                   .order_by(LedgerEntry.seq)))


def test_offline_refunds_clear_a_merge_so_the_filing_export_runs(
        runner: Any, users: Any, demo_site: Any, tmp_path: Path) -> None:
    campaign = demo_site.campaign
    first = cheque(campaign, 300_000, identity("Durand", "Jean"), "chq:1")
    second = cheque(campaign, 300_000, identity("Durand", "Jean-Pierre",
                                                adresse="5 rue Haute"), "chq:2")
    merged = run(runner, "donors", "merge", str(first.donor_id), str(second.donor_id),
                 "--reason", "même personne (signature)", *BY)
    assert merged.exit_code == 0 and "1 400,00" in merged.output.replace("\u202f", " "), \
        merged.output
    out = tmp_path / "liste.csv"
    refused = run(runner, "donations", "export", "--site", "demo", "--format", "csv",
                  "--out", str(out), "--for-filing")
    assert refused.exit_code == 1 and "DON-16" in refused.output

    # An editor cannot book; the treasurer refunds in two cheques, more is refused.
    assert run(runner, "treasury", "refund", str(second.seq), "--amount", "1400",
               "--on", "2026-11-20", "--method", "cheque", "--reason", "DON-2",
               "--site", "demo", "--by", "editor@example.org").exit_code == 1
    for amount, ref in (("1000", "CHQ-R1"), ("400", "CHQ-R2")):
        done = run(runner, "treasury", "refund", str(second.seq), "--amount", amount,
                   "--on", "2026-11-20", "--method", "cheque", "--reference", ref,
                   "--reason", "excédent après fusion (DON-2)", *BY)
        assert done.exit_code == 0, done.output
    too_much = run(runner, "treasury", "refund", str(second.seq), "--amount", "2000",
                   "--on", "2026-11-20", "--method", "cheque", "--reason", "erreur", *BY)
    assert too_much.exit_code == 1 and "supérieur au montant restant" in too_much.output
    assert money_to_refund(campaign.id) == {}
    flag = db.session.scalar(select(ComplianceFlag))
    assert flag is not None and flag.resolved_entry_id == entries("refund")[-1].id
    assert [(r.method, r.details["reference"]) for r in entries("refund")] == \
        [("cheque", "CHQ-R1"), ("cheque", "CHQ-R2")]
    assert donor_total(campaign.election_id, donor_group(first.donor_id)) == 460_000
    filed = run(runner, "donations", "export", "--site", "demo", "--format", "csv",
                "--out", str(out), "--for-filing")
    assert filed.exit_code == 0, filed.output
    assert "-1000,00" in out.read_text(encoding="utf-8-sig")
    assert run(runner, "ledger", "verify").exit_code == 0


def test_expenses_with_invoice_payer_and_cap(runner: Any, users: Any, demo_site: Any,
                                             tmp_path: Path) -> None:
    invoice = tmp_path / "facture-imprimeur.pdf"
    invoice.write_bytes(PDF)
    base = ["treasury", "expense", "--invoice", str(invoice), "--on", "2026-11-10",
            "--supplier", "Imprimerie Sarthoise", "--nature", "impression", *BY]
    ok = run(runner, *base, "--amount", "1 200,00")
    assert ok.exit_code == 0, ok.output
    [expense] = entries("expense")
    assert expense.amount_cents == 120_000 and expense.details["paid_by"] == "mandataire"
    stored = Path(runner.app.instance_path) / "justificatifs" / expense.details["invoice"]["file"]
    assert stored.read_bytes() == PDF
    # Paid by the candidate after the mandataire's declaration (2026-10-05): MAND-3 warning,
    # and its counterpart apport personnel (no money of the account paid it).
    by_candidate = run(runner, *base, "--amount", "50", "--paid-by", "candidat")
    assert by_candidate.exit_code == 0 and "MAND-3" in by_candidate.output
    [apport] = entries("personal_contribution")
    assert apport.amount_cents == 5_000 and apport.related_entry_seq == expense.seq + 1
    # CAP-3: the demo cap is 18 517,40 €; 17 500 € more is refused without a reason.
    over = run(runner, *base, "--amount", "17500")
    assert over.exit_code == 1 and "CAP-3" in over.output and len(entries("expense")) == 2
    forced = run(runner, *base, "--amount", "17500", "--override-reason", "erreur à corriger")
    assert forced.exit_code == 0 and "CAP-3" in forced.output
    no_invoice = tmp_path / "facture.txt"
    no_invoice.write_text("pas une facture")
    bad = run(runner, *base[:2], "--invoice", str(no_invoice), *base[4:], "--amount", "10")
    assert bad.exit_code == 1 and "PDF" in bad.output
    assert run(runner, "ledger", "verify").exit_code == 0
    stored.write_bytes(PDF + b"% changed\n")  # the invoice changed on disk: verify says so
    tampered = run(runner, "ledger", "verify")
    assert tampered.exit_code == 1 and "justificatif" in tampered.output, tampered.output


def test_loans_follow_loan_1_and_loan_2(runner: Any, users: Any, demo_site: Any) -> None:
    base = ["treasury", "loan", "--on", "2026-11-01", "--lender-kind", "personne",
            "--lender", "Paul Morel", *BY]
    long = run(runner, *base, "--amount", "2000", "--schedule", "2028-11-01=2000")
    assert long.exit_code == 1 and "LOAN-2" in long.output
    bad_schedule = run(runner, *base, "--amount", "2000", "--schedule", "2027-05-01=1500")
    assert bad_schedule.exit_code == 1 and "LOAN-1" in bad_schedule.output
    too_big = run(runner, *base, "--amount", "9000", "--schedule", "2027-11-01=9000")
    assert too_big.exit_code == 1 and "47,5 %" in too_big.output  # 8 795,76 € here
    ok = run(runner, *base, "--amount", "2000", "--schedule", "2027-02-01=1000",
             "--schedule", "2027-05-01=1000")
    assert ok.exit_code == 0, ok.output
    [loan] = entries("loan")
    assert loan.details["schedule"] == [["2027-02-01", 100_000], ["2027-05-01", 100_000]]
    repaid = run(runner, "treasury", "repay", str(loan.seq), "--amount", "1000",
                 "--on", "2027-02-01", *BY)
    assert repaid.exit_code == 0, repaid.output
    over = run(runner, "treasury", "repay", str(loan.seq), "--amount", "1500",
               "--on", "2027-03-01", *BY)
    assert over.exit_code == 1 and "1 000,00" in over.output.replace("\u202f", " ")
    assert run(runner, "ledger", "verify").exit_code == 0


def test_no_loan_from_a_person_for_the_presidentielle(runner: Any, users: Any,
                                                      demo_site: Any) -> None:
    demo_site.campaign.election.kind = "presidentielle"
    db.session.commit()
    refused = run(runner, "treasury", "loan", "--on", "2026-11-01", "--lender-kind",
                  "personne", "--lender", "Paul", "--amount", "100",
                  "--schedule", "2027-01-01=100", *BY)
    assert refused.exit_code == 1 and "LOAN-3" in refused.output
    assert entries("loan") == []


def test_bounced_cheque_and_correction(runner: Any, users: Any, demo_site: Any) -> None:
    campaign = demo_site.campaign
    gift = cheque(campaign, 50_000, identity(), "chq:b")
    done = run(runner, "treasury", "bounce", str(gift.seq), "--on", "2026-11-25", *BY)
    assert done.exit_code == 0, done.output
    assert donor_total(campaign.election_id, [gift.donor_id]) == 0
    again = run(runner, "treasury", "bounce", str(gift.seq), "--on", "2026-11-25", *BY)
    assert "déjà" in again.output or again.exit_code == 0
    assert len(entries("reversal")) == 1
    contribution = run(runner, "treasury", "contribution", "--kind", "apport", "--amount", "500",
                       "--on", "2026-11-02", *BY)
    assert contribution.exit_code == 0, contribution.output
    [apport] = entries("personal_contribution")
    no_reason = run(runner, "treasury", "reverse", str(apport.seq), "--on", "2026-11-03",
                    "--reason", " ", *BY)
    assert no_reason.exit_code == 1
    fixed = run(runner, "treasury", "reverse", str(apport.seq), "--on", "2026-11-03",
                "--reason", "montant erroné", *BY)
    assert fixed.exit_code == 0, fixed.output
    party = run(runner, "treasury", "contribution", "--kind", "parti", "--amount", "500",
                "--on", "2026-11-02", *BY)
    assert party.exit_code == 1 and "DON-3" in party.output
    assert run(runner, "ledger", "verify").exit_code == 0


def test_reversing_an_in_kind_gift_reverses_its_expense(runner: Any, users: Any,
                                                        demo_site: Any) -> None:
    """Defect 16 (DON-18): the gift and its counterpart expense are cancelled together;
    the counterpart alone cannot be."""
    campaign = demo_site.campaign
    outcome = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=30_000,
                                        on=IN_WINDOW, method="nature", identity=identity(),
                                        source_ref="nature:1"))
    gift = db.session.get(LedgerEntry, outcome.entry_id)
    assert gift is not None
    [expense] = entries("in_kind_expense")
    alone = run(runner, "treasury", "reverse", str(expense.seq), "--on", "2026-11-20",
                "--reason", "erreur", *BY)
    assert alone.exit_code == 1 and "contrepartie" in alone.output
    done = run(runner, "treasury", "reverse", str(gift.seq), "--on", "2026-11-20",
               "--reason", "don en nature jamais reçu", *BY)
    assert done.exit_code == 0, done.output
    reversals = entries("reversal")
    assert sorted(r.related_entry_id for r in reversals) == sorted([gift.id, expense.id])
    balance = db.session.scalar(select(LedgerEntry.cumulative_cents).where(
        LedgerEntry.campaign_id == campaign.id).order_by(LedgerEntry.seq.desc()).limit(1))
    assert balance == 0
    assert run(runner, "ledger", "verify").exit_code == 0
