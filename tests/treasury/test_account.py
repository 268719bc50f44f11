"""The campaign account (REP-4) balances to the ledger and to totals computed by hand; its
XLSX, PDF and the accountant's package (ACC-3); the small-commune surplus list (REP-5)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import load_workbook

from app.extensions import db
from app.ledger.entries import record_entry, record_refund, reverse_entry
from app.ledger.gifts import GiftInput, record_gift
from app.treasury.account import campaign_account, surplus_list
from tests.factories import identity, tx

ON = date(2026, 11, 5)


def _book_everything(cid: int) -> None:
    def gift(cents: int, method: str, nom: str, ref: str, who=True):  # type: ignore[no-untyped-def]
        return tx(record_gift, GiftInput(campaign_id=cid, amount_cents=cents, on=ON,
                                         method=method, source_ref=ref,
                                         identity=identity(nom) if who else None),
                  enforce=False)

    card = gift(50_000, "carte", "Carte", "stripe:charge:ch_1")  # 500
    gift(30_000, "cheque", "Cheque", "c:1")  # 300
    bounced = gift(10_000, "cheque", "Rebond", "c:2")  # 100, then reversed (unpaid)
    gift(20_000, "virement", "Virement", "v:1")  # 200
    gift(15_000, "especes", "Especes", "e:1")  # 150
    gift(8_000, "quete", "", "q:1", who=False)  # 80
    gift(40_000, "nature", "Nature", "n:1")  # 400 in kind, and its 400 counterpart expense
    tx(record_entry, cid, kind="personal_contribution", amount_cents=100_000, on=ON,
       source_ref="ap:1")  # 1 000
    tx(record_entry, cid, kind="party_contribution", amount_cents=60_000, on=ON,
       source_ref="pp:1")  # 600
    loan = tx(record_entry, cid, kind="loan", amount_cents=200_000, on=ON,
              source_ref="l:1")  # 2 000
    tx(record_entry, cid, kind="loan_repayment", amount_cents=50_000, on=ON, source_ref="lr:1",
       related_id=loan.id)  # 500 repaid (REP-4: money out, not an expense under the cap)
    twice = tx(record_entry, cid, kind="loan_repayment", amount_cents=25_000, on=ON,
               source_ref="lr:2", related_id=loan.id)  # 250, then reversed (booked twice)
    tx(record_entry, cid, kind="expense", amount_cents=120_000, on=ON, source_ref="x:1",
       details={"nature": "Impression"})  # 1 200
    tx(record_entry, cid, kind="expense", amount_cents=30_000, on=ON, source_ref="x:2",
       details={"nature": "Réunions"})  # 300
    wrong = tx(record_entry, cid, kind="expense", amount_cents=9_900, on=ON, source_ref="x:3",
               details={"nature": "Impression"})  # 99, then corrected
    tx(record_entry, cid, kind="fee", amount_cents=750, on=ON, source_ref="f:1")  # 7,50
    tx(record_refund, card.entry_id, 5_000, on=ON, source_ref="re:1", reason="essai")  # 50
    tx(reverse_entry, bounced.entry_id, reason="Chèque impayé", on=ON, recorded_by_id=None)
    tx(reverse_entry, wrong.id, reason="Saisie en double", on=ON, recorded_by_id=None)
    tx(reverse_entry, twice.id, reason="Échéance saisie deux fois", on=ON, recorded_by_id=None)


def test_the_account_balances_to_the_ledger_and_to_hand_totals(demo_site) -> None:
    campaign = demo_site.campaign
    _book_everything(campaign.id)
    account = campaign_account(campaign)
    receipts = dict(account.receipts)
    assert receipts == {
        "Dons — Carte bancaire": 50_000, "Dons — Chèque": 30_000,  # the bounced one is gone
        "Dons — Virement": 20_000, "Dons — Espèces": 15_000, "Don en nature": 40_000,
        "Quête": 8_000, "Dons remboursés aux donateurs (en moins)": -5_000,
        "Apport personnel": 100_000, "Contribution d'un parti": 60_000, "Prêt": 200_000,
        "Prêts remboursés aux prêteurs (en moins)": -50_000}
    assert dict(account.expenses) == {
        "Impression": 120_000, "Réunions": 30_000, "Frais de paiement en ligne (DON-14)": 750,
        "Dépenses en nature, contrepartie des dons en nature (DON-18)": 40_000}
    hand_receipts = 500 + 300 + 200 + 150 + 400 + 80 - 50 + 1000 + 600 + 2000 - 500
    hand_expenses = 1200 + 300 + 7.5 + 400
    assert account.receipts_cents == hand_receipts * 100
    assert account.expenses_cents == int(hand_expenses * 100)
    assert account.balance_cents == account.ledger_balance_cents == 277_250
    assert account.balances and account.cap_percent == 10  # 1 907,50 € of 18 517,40 €


def test_account_files_and_the_package(client, auth, runner, demo_site, tmp_path) -> None:
    campaign = demo_site.campaign
    _book_everything(campaign.id)
    auth.login("treasurer@example.org")
    page = client.get(f"/admin/tresorerie/{campaign.id}/compte/").get_data(as_text=True)
    assert "égal au solde du registre" in page and "Impression" in page
    xlsx = client.get(f"/admin/tresorerie/{campaign.id}/compte.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data()))["Compte de campagne"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Total des recettes"] == 4_680 and values["Solde du registre"] == 2_772.5
    pdf = client.get(f"/admin/tresorerie/{campaign.id}/compte.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    archive = client.get(f"/admin/tresorerie/{campaign.id}/dossier-expert-comptable.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.get_data())) as package:
        names = package.namelist()
        report = package.read("verification-du-registre.txt").decode()
        donors = package.read("donateurs.csv")
    assert names == ["donateurs.csv", "donateurs.tsv", "donateurs.xlsx",
                     "compte-de-campagne.xlsx", "compte-de-campagne.pdf",
                     "virements-stripe.csv", "depenses.csv", "registre-des-recus.csv",
                     "verification-du-registre.txt", "ancre.json"]
    assert "intègre" in report and "empreinte" in report
    assert donors.startswith("\ufeff".encode())
    out = tmp_path / "dossier.zip"
    result = runner.invoke(args=["donations", "package", "--site", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(out).namelist() == names
    result = runner.invoke(args=["donations", "account", "--site", "demo", "--format", "pdf",
                                 "--out", str(tmp_path / "c.pdf")])
    assert result.exit_code == 0 and "(égal au registre)" in result.output


def test_a_rivals_account_is_not_found(client, auth, demo_site, rival) -> None:
    auth.login("treasurer@example.org")
    other = rival["campaign"].id
    for url in (f"/{other}/compte/", f"/{other}/compte.pdf", f"/{other}/compte.xlsx",
                f"/{other}/dossier-expert-comptable.zip"):
        assert client.get("/admin/tresorerie" + url).status_code == 404, url


def test_small_commune_surplus_goes_back_pro_rata(runner, demo_site) -> None:
    campaign = demo_site.campaign
    campaign.mode = "petite-commune"
    db.session.commit()
    for n, cents in enumerate((10_000, 20_000, 30_000)):
        tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=cents, on=ON,
                                  method="cheque", identity=identity(f"Nom{n}"),
                                  source_ref=f"s:{n}"), enforce=False)
    tx(record_entry, campaign.id, kind="expense", amount_cents=50_000, on=ON,
       source_ref="x:1", details={"nature": "Impression"})
    shares = surplus_list(campaign)  # 100 € left of 600 €: 1/6, 2/6, 3/6
    # 5 000 + 3 333 + 1 666 = 9 999: the cent left over goes to the largest gift.
    assert [(s.given_cents, s.share_cents) for s in shares] == [
        (30_000, 5_001), (20_000, 3_333), (10_000, 1_666)]
    assert sum(s.share_cents for s in shares) == 10_000
    result = runner.invoke(args=["donations", "surplus", "--site", "demo"])
    assert result.exit_code == 0 and "3 donateur(s)" in result.output


def test_small_commune_surplus_is_one_share_per_merged_person(runner, demo_site) -> None:
    from app.ledger.donors import merge_donors

    campaign = demo_site.campaign
    campaign.mode = "petite-commune"
    db.session.commit()
    gifts = [tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=cents, on=ON,
                                       method="cheque", identity=identity(nom, prenom),
                                       source_ref=f"p:{n}"), enforce=False)
             for n, (nom, prenom, cents) in enumerate((
                 ("Martin", "Alice", 10_000), ("Martinn", "Alice", 20_000),
                 ("Autre", "Bob", 30_000)))]
    tx(record_entry, campaign.id, kind="expense", amount_cents=48_000, on=ON,
       source_ref="x:1", details={"nature": "Impression"})
    apart = surplus_list(campaign)  # 120 € left of 600 €: 20, 40 and 60 € before the merge
    assert [s.share_cents for s in apart] == [6_000, 4_000, 2_000]
    tx(merge_donors, gifts[0].donor_id, gifts[1].donor_id, by_id=None, reason="même personne")
    shares = surplus_list(campaign)
    assert [(s.name, s.given_cents, s.share_cents) for s in shares] == [
        ("Alice Martin", 30_000, 6_000), ("Bob Autre", 30_000, 6_000)]
    assert shares[0].records == (gifts[0].donor_id, gifts[1].donor_id)
    result = runner.invoke(args=["donations", "surplus", "--site", "demo"])
    assert result.exit_code == 0 and "2 donateur(s)" in result.output
    assert "Martinn" not in result.output


def test_the_account_xlsx_holds_no_formula(client, auth, demo_site) -> None:
    """Names, addresses and labels typed by people are written as text: a donor named
    « =HYPERLINK(…) » is shown, never run, in the REP-5 sheet (nor anywhere else)."""
    campaign = demo_site.campaign
    campaign.mode = "petite-commune"
    db.session.commit()
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=10_000, on=ON,
                              method="cheque", source_ref="s:f",
                              identity=identity("Martin", '=HYPERLINK("http://x.test","c")',
                                                adresse="=1+1")), enforce=False)
    tx(record_entry, campaign.id, kind="expense", amount_cents=1_000, on=ON, source_ref="x:f",
       details={"nature": "=2+2"})
    auth.login("treasurer@example.org")
    book = load_workbook(io.BytesIO(
        client.get(f"/admin/tresorerie/{campaign.id}/compte.xlsx").get_data()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    rest = book["Excédent à rendre (REP-5)"]
    assert rest["A2"].value == '=HYPERLINK("http://x.test","c") Martin'
    assert rest["B2"].value == "=1+1, 72000 Le Mans" and rest["C2"].value == 100
    assert "=2+2" in [c.value for c in cells]
