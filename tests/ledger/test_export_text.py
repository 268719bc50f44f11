"""The donor list's CSV and TSV as written fast (acceptance 5): each line is what csv.writer
writes for the row, quotes and all; typed text never becomes a formula; merged records and
three merge levels share one running total (DON-2)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from app.ledger.donor_list import COLUMNS, CUMULATIVE, build_rows, inert, text_chunks
from app.ledger.donors import merge_donors
from tests.factories import identity, tx

NASTY = [
    identity("Point;Virgule", "Jean"),
    identity('Guillemet "dit" Lou', "Ana"),
    identity("Ligne", "Eva", adresse="1 rue\nbis"),
    identity("Tab", "Léo", commune="Le\tMans"),
    identity("+33 6 12", "Zoé"),
    identity("-Moins", "Max"),
    identity("@Arobase", "Ida"),
    identity("Normal", "=SOMME(A1)"),
]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_every_line_is_what_csv_writer_writes(give, campaign, fmt) -> None:
    for n, who in enumerate(NASTY):
        give(1_000 + n, who=who, on=date(2026, 11, 2 + n), ref=f"n:{n}",
             details={"reference": "=cmd|' /C calc'!A0" if n == 0 else f"R;{n}"})
    rows, _ = build_rows(campaign)
    expected = io.StringIO()
    csv.writer(expected, delimiter=";" if fmt == "csv" else "\t",
               lineterminator="\r\n").writerows([list(COLUMNS), *rows])
    body = b"".join(text_chunks(campaign, fmt)).decode("utf-8")
    body = body.removeprefix("\ufeff")
    assert body.startswith(expected.getvalue())
    assert (fmt == "csv") == b"".join(text_chunks(campaign, fmt)).startswith(
        "\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(body), delimiter=";" if fmt == "csv" else "\t"))
    names = [row[3] for row in parsed[1:len(NASTY) + 1]]
    assert names == [inert(who.nom) for who in NASTY]
    assert "'+33 6 12" in names and "'-Moins" in names and "'@Arobase" in names
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in parsed[1:len(NASTY) + 1] for i, cell in enumerate(row)
               if i not in (COLUMNS.index("Montant (€)"), COLUMNS.index(CUMULATIVE)))
    reference = COLUMNS.index("Référence")
    assert parsed[1][reference] == "'=cmd|' /C calc'!A0"
    assert parsed[1][4] == "Jean" and parsed[8][4] == "'=SOMME(A1)"


def test_merged_records_share_one_running_total(give, campaign) -> None:
    first = give(100_000, who=identity("Martin", "Alice"), on=date(2026, 11, 2), ref="m:1")
    second = give(50_000, who=identity("Martinn", "Alice"), on=date(2026, 11, 3), ref="m:2")
    third = give(20_000, who=identity("Martyn", "Alice"), on=date(2026, 11, 4), ref="m:3")
    give(7_000, who=identity("Autre", "Bob"), on=date(2026, 11, 5), ref="m:4")
    tx(merge_donors, second.donor_id, third.donor_id, by_id=None, reason="même personne")
    tx(merge_donors, first.donor_id, second.donor_id, by_id=None, reason="même personne")
    give(1_000, who=identity("Martyn", "Alice"), on=date(2026, 11, 6), ref="m:5")
    rows, _ = build_rows(campaign)
    column = COLUMNS.index(CUMULATIVE)
    assert [row[column] for row in rows] == ["1000,00", "1500,00", "1700,00", "70,00",
                                             "1710,00"]
