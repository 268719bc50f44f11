"""The donor list's streamed downloads (CSV with a BOM, TSV for Fin'Pol, XLSX) and their CLI
twin; never another campaign's."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from app.ledger.exporter import COLUMNS
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import identity, tx


def _gifts(campaign_id: int) -> None:
    tx(record_gift, GiftInput(campaign_id=campaign_id, amount_cents=440_000,
                              on=date(2026, 11, 2), method="carte",
                              identity=identity("Durand", "Paul"),
                              source_ref="stripe:charge:ch_a"), enforce=False)
    tx(record_gift, GiftInput(campaign_id=campaign_id, amount_cents=20_000,
                              on=date(2026, 11, 5), method="cheque",
                              identity=identity("Durand", "Paul"), source_ref="c:1"))
    tx(record_gift, GiftInput(campaign_id=campaign_id, amount_cents=5_000,
                              on=date(2026, 11, 6), method="virement",
                              identity=identity("=HYPERLINK(\"x\")", "Eve"),
                              source_ref="v:1"))


def test_csv_tsv_and_xlsx_hold_the_same_rows(client, auth, demo_site, tmp_path) -> None:
    _gifts(demo_site.campaign.id)
    auth.login("treasurer@example.org")
    base = f"/admin/tresorerie/{demo_site.campaign.id}/donateurs"
    response = client.get(base + ".csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3:5] == ["Durand", "Paul"] and rows[1][-2] == "4400,00"
    method, amount, running = (COLUMNS.index(c) for c in (
        "Mode de paiement", "Montant (€)", "Cumul du donateur pour l'élection (€, DON-2)"))
    assert rows[2][-2] == "4600,00" and rows[2][method] == "Chèque"
    assert rows[3][3].startswith("'=")  # a formula typed as a name stays text
    tsv = client.get(base + ".tsv")
    assert tsv.mimetype == "text/tab-separated-values"
    text = tsv.get_data(as_text=True)
    assert not text.startswith("\ufeff") and "Durand\tPaul" in text
    xlsx = client.get(base + ".xlsx")
    assert xlsx.status_code == 200 and xlsx.is_streamed
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx.get_data())
    book = load_workbook(path)
    sheet = book["Donateurs"]
    values = [[c for c in row] for row in sheet.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert [(r[3], r[amount], r[method], r[running]) for r in values] == [
        ("Durand", 4400, "Carte bancaire", 4400), ("Durand", 200, "Chèque", 4600),
        ('=HYPERLINK("x")', 50, "Virement", 50)]
    assert sheet.cell(row=4, column=4).data_type == "s"
    assert "Registre" in book.sheetnames


def test_cli_twin_writes_the_same_files(runner, demo_site, tmp_path) -> None:
    _gifts(demo_site.campaign.id)
    for fmt in ("csv", "tsv", "xlsx"):
        out = tmp_path / f"d.{fmt}"
        result = runner.invoke(args=["donations", "export", "--site", "demo", "--format", fmt,
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "3 lignes écrites" in result.output
    assert (tmp_path / "d.csv").read_bytes().startswith("\ufeff".encode())
    assert load_workbook(tmp_path / "d.xlsx")["Donateurs"].max_row >= 4


def test_the_treasurer_never_downloads_a_rivals_list(client, auth, users, demo_site,
                                                     rival) -> None:
    auth.login("treasurer@example.org")
    for fmt in ("csv", "tsv", "xlsx"):
        url = f"/admin/tresorerie/{rival['campaign'].id}/donateurs.{fmt}"
        assert client.get(url).status_code == 404, url
    own = client.get(f"/admin/tresorerie/{demo_site.campaign.id}/donateurs.csv")
    assert "Secret" not in own.get_data(as_text=True)
