"""The head of each chain (last number and digest): printed by ``verify``, carried by every
export of the donor list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.ledger.models import LedgerEntry
from tests.factories import identity


def gifts(give, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        give(10_000 * (n + 1), who=identity(f"Donateur{n}"), ref=f"c:{n}")


def verify(runner, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["ledger", "verify", *extra])


def test_verify_prints_the_head_of_each_chain(runner, give, campaign) -> None:
    gifts(give, 3)
    last = db.session.scalar(select(LedgerEntry).where(LedgerEntry.seq == 3))
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert f"    écritures : n° 3, empreinte {last.hash}" in result.output
    assert "    signalements et remboursements (DON-16) : vide" in result.output
    assert "Têtes des chaînes au " in result.output and "(heure de Paris)" in result.output


def test_the_donor_list_carries_the_heads(runner, give, tmp_path) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    gifts(give, 2)
    give(10_000, on=date(2026, 11, 20), who=identity("Donateur0"), ref="c:again")
    last = db.session.scalar(select(LedgerEntry).where(LedgerEntry.seq == 3))
    for fmt, delimiter in (("csv", ";"), ("tsv", "\t")):
        out = tmp_path / f"d.{fmt}"
        result = runner.invoke(args=["donations", "export", "--site", "demo", "--format", fmt,
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")),
                               delimiter=delimiter))
        assert ["écritures", "3", last.hash] in rows
        assert ["signalements et remboursements (DON-16)", "0", "vide"] in rows
        assert any(r and r[0].startswith("Têtes des chaînes du registre au ") for r in rows)
    out = tmp_path / "d.xlsx"
    runner.invoke(args=["donations", "export", "--site", "demo", "--format", "xlsx",
                        "--out", str(out)])
    sheet = load_workbook(out)["Registre"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["écritures", 3, last.hash] in values
    assert str(values[0][0]).startswith("Têtes des chaînes du registre au ")
