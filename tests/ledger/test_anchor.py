"""Anchors: ``ledger anchor`` writes each chain's head to a file kept elsewhere, and ``verify
--anchor`` finds a chain cut short or rewritten, which the chain alone cannot show."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.core.finance.chain import entry_digest, signed_amount
from app.extensions import db
from app.ledger.models import ComplianceFlag, LedgerEntry
from tests.factories import identity
from tests.support.database import tamper


def gifts(give, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        give(10_000 * (n + 1), who=identity(f"Donateur{n}"), ref=f"c:{n}")


def anchor(runner, path: Path, *extra: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["ledger", "anchor", "--out", str(path), *extra])
    assert result.exit_code == 0, result.output
    assert f"écrite dans {path}" in result.output


def verify(runner, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["ledger", "verify", *extra])


def test_an_anchor_accepts_a_chain_that_only_grew(runner, give, tmp_path) -> None:
    gifts(give, 2)
    path = tmp_path / "ancre.json"
    anchor(runner, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    chains = written["campaigns"][0]["chains"]
    assert [c["kind"] for c in chains] == ["entries", "campaign", "election", "receipts"]
    assert chains[0]["seq"] == 2 and len(chains[0]["digests"]) == 2
    give(50_000, who=identity("Nouveau"), ref="c:new")
    give(460_000, who=identity("Nouveau"), method="carte", enforce=False, ref="stripe:ch_n")
    result = verify(runner, "--anchor", str(path))
    assert result.exit_code == 0, result.output
    assert "conforme" in result.output


def test_an_anchor_detects_the_last_entries_deleted(runner, give, tmp_path) -> None:
    gifts(give, 4)
    path = tmp_path / "ancre.json"
    anchor(runner, path)
    tamper("DELETE FROM ledger_entries WHERE seq >= 3")
    alone = verify(runner)
    assert alone.exit_code == 0 and "intègre" in alone.output  # what is left is a valid chain
    result = verify(runner, "--anchor", str(path))
    assert result.exit_code == 1, result.output
    assert ("campagne « demo » — écritures : chaîne tronquée à partir de l'écriture n° 3 "
            "(l'ancre du ") in result.output
    assert "va jusqu'au n° 4, la base s'arrête au n° 2)" in result.output


def rewrite_from(seq: int, amount_cents: int) -> None:
    """Change one entry's amount and recompute every digest and running total from it on, as
    someone who knows the chain's rules would: the chain verifies again."""
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    prev, running = entries[seq - 2].hash if seq > 1 else "0" * 64, 0
    updates = []
    for entry in entries:
        fields = entry.chained_fields()
        if entry.seq == seq:
            fields["amount_cents"] = amount_cents
        running += signed_amount(entry.kind, fields["amount_cents"])
        if entry.seq < seq:
            continue
        fields["cumulative_cents"] = running
        digest = entry_digest(fields, prev)
        updates.append(f"UPDATE ledger_entries SET amount_cents = {fields['amount_cents']}, "
                       f"cumulative_cents = {running}, prev_hash = '{prev}', hash = '{digest}' "
                       f"WHERE id = {entry.id}")
        prev = digest
    for sql in updates:
        tamper(sql)


def test_an_anchor_detects_a_consistent_rewrite(runner, give, tmp_path) -> None:
    gifts(give, 4)
    path = tmp_path / "ancre.json"
    anchor(runner, path)
    rewrite_from(2, 1_000)
    db.session.expire_all()
    alone = verify(runner)
    assert alone.exit_code == 0 and "intègre" in alone.output, alone.output
    result = verify(runner, "--anchor", str(path))
    assert result.exit_code == 1
    assert ("campagne « demo » — écritures : chaîne réécrite à partir de l'écriture n° 2 (son "
            "empreinte n'est plus celle de l'ancre du ") in result.output
    # An anchor kept as its heads only (e.g. typed from a printout) still sees it.
    written = json.loads(path.read_text(encoding="utf-8"))
    for chain in written["campaigns"][0]["chains"]:
        del chain["digests"]
    path.write_text(json.dumps(written), encoding="utf-8")
    result = verify(runner, "--anchor", str(path))
    assert result.exit_code == 1
    assert "chaîne réécrite au plus tard à l'écriture n° 4" in result.output


def test_an_anchor_detects_the_last_events_of_the_journal_deleted(runner, give,
                                                                   tmp_path) -> None:
    give(450_000)
    give(30_000, method="carte", enforce=False, ref="stripe:charge:ch_a")  # flagged DON-16
    path = tmp_path / "ancre.json"
    anchor(runner, path, "--site", "demo")
    flag_id = db.session.scalar(select(ComplianceFlag.id))
    # The flag and the event proving it, gone: the rest is consistent, the donor may give
    # 200 € more than the cap allows.
    tamper(f"DELETE FROM compliance_flags WHERE id = {flag_id}")
    tamper("DELETE FROM ledger_events")
    assert verify(runner).exit_code == 0
    result = verify(runner, "--site", "demo", "--anchor", str(path))
    assert result.exit_code == 1
    assert ("campagne « demo » — signalements et remboursements (DON-16) : chaîne tronquée à "
            "partir de l'événement n° 1") in result.output
    assert "la chaîne est vide dans la base" in result.output


def test_no_anchor_of_an_altered_ledger_and_no_reading_of_a_bad_one(runner, give,
                                                                   tmp_path) -> None:
    gifts(give, 2)
    tamper("UPDATE ledger_entries SET amount_cents = 1 WHERE seq = 1")
    refused = runner.invoke(args=["ledger", "anchor", "--out", str(tmp_path / "a.json")])
    assert refused.exit_code == 1 and "pas d'ancre sur un registre altéré" in refused.output
    assert not (tmp_path / "a.json").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = verify(runner, "--anchor", str(bad))
    assert result.exit_code == 1 and "ancre illisible" in result.output
    bad.write_text(json.dumps({"format": "autre"}), encoding="utf-8")
    assert "n'est pas une ancre" in verify(runner, "--anchor", str(bad)).output


def test_an_anchor_of_another_site_says_so(runner, give, tmp_path) -> None:
    gifts(give, 1)
    path = tmp_path / "ancre.json"
    anchor(runner, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    written["campaigns"][0]["site"] = "ailleurs"
    path.write_text(json.dumps(written), encoding="utf-8")
    result = verify(runner, "--site", "demo", "--anchor", str(path))
    assert result.exit_code == 1 and "ne porte pas sur le site « demo »" in result.output


def test_an_anchor_names_an_entry_missing_from_the_middle(runner, give, tmp_path) -> None:
    gifts(give, 3)
    path = tmp_path / "ancre.json"
    anchor(runner, path)
    tamper("DELETE FROM ledger_entries WHERE seq = 2")
    result = verify(runner, "--anchor", str(path))
    assert result.exit_code == 1
    assert "écriture n° 2 manquante" in result.output  # the chain says it too
    assert ("campagne « demo » — écritures : l'écriture n° 2 de l'ancre du " in result.output
            and "manque dans la base." in result.output)
