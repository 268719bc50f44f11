"""The treasurer sees every campaign's figures and compliance alerts."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import LedgerEntry
from tests.factories import create_user, identity, tx


def test_treasurer_sees_flags_and_cash_meter(client, auth, demo_site) -> None:
    campaign = demo_site.campaign
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=450_000,
                          on=date(2026, 11, 2), method="cheque", identity=identity(),
                          source_ref="c:1"))
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=30_000, on=date(2026, 11, 3),
                          method="carte", identity=identity(), source_ref="stripe:charge:ch_1"),
                enforce=False)  # money already received over the cap: flagged DON-16
    for n in range(25):  # 3 750 € of cash and quêtes against a 3 703,48 € ceiling
        tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=15_000,
                              on=date(2026, 11, 4), method="quete", identity=None,
                              source_ref=f"q:{n}"), enforce=False)
    auth.login("treasurer@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True).replace("\u202f", " ")
    assert "DON-2" in html and "À rembourser (DON-16)" in html
    assert "DON-5" in html and "101 %" in html
    assert "18 517,40" in html  # the spending cap
    # DON-16: the 200 € over the cap and the 150 € of cash over its ceiling are not
    # receipts until refunded.
    html = html.replace("\xa0", " ")
    assert "Recettes — Carte bancaire</th><td>100,00 €" in html
    assert "Recettes — Quête</th><td>3 600,00 €" in html
    assert "À rembourser, hors recettes (DON-16)</th><td>350,00 €" in html
    client.post("/admin/logout")
    auth.login("editor@example.org")
    assert client.get("/admin/tresorerie/").status_code == 403


def test_likely_double_donor_records_are_an_alert(client, auth, demo_site) -> None:
    for n, nom in enumerate(("Dupont", "Dupond")):
        tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=10_000,
                              on=date(2026, 11, 2), method="cheque",
                              identity=identity(nom, "Jean"), source_ref=f"c:d{n}"))
    auth.login("treasurer@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "1 paire(s) de fiches de donateurs" in html and "estrade donors duplicates" in html


def test_empty_state(client, auth, users, tmp_path) -> None:
    from app.campaigns.service import create_site

    site = tx(create_site, "sans-campagne", "Site sans campagne", content_dir=str(tmp_path))
    create_user("tresoriere@example.org", "treasurer", sites=[site])
    auth.login("tresoriere@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "Aucune campagne" in html and "Aucun remboursement en attente" in html


def _form(client, **fields):  # type: ignore[no-untyped-def]
    page = client.get("/admin/tresorerie/enregistrer").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token, page
    data = {"token": token.group(1), "campaign": "1", "on": "2026-11-20", "method": "cheque",
            "amount": "150,00", "civilite": "Mme", "nom": "Martin", "prenom": "Alice",
            "adresse": "3 rue des Lilas", "code_postal": "72000", "commune": "Le Mans",
            "pays": "France", "nationalite": "française", "natural_person": "y",
            "attested": "y", "reference": "CHQ-0042"}
    data.update(fields)
    return data


def _entries() -> list[LedgerEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)))


def test_treasurer_records_a_cheque_once_even_if_sent_twice(client, auth, demo_site,
                                                            in_window) -> None:
    auth.login("treasurer@example.org")
    data = _form(client)
    first = client.post("/admin/tresorerie/enregistrer", data=data)
    assert first.status_code == 303
    again = client.post("/admin/tresorerie/enregistrer", data=data)  # a double click
    assert again.status_code == 303
    [entry] = _entries()
    assert (entry.kind, entry.amount_cents, entry.method) == ("donation", 15_000, "cheque")
    assert db.session.get(User, entry.recorded_by_id).email == "treasurer@example.org"
    assert entry.details["reference"] == "CHQ-0042" and entry.receipt_number is None
    html = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "Don de 150,00" in html and "déjà enregistré" in html


def test_refused_gifts_write_nothing_and_keep_what_was_typed(client, auth, demo_site,
                                                             in_window) -> None:
    auth.login("treasurer@example.org")
    cash = client.post("/admin/tresorerie/enregistrer",
                       data=_form(client, method="especes", amount="150,01"))
    html = cash.get_data(as_text=True)
    assert cash.status_code == 422 and "DON-4" in html and "Don refusé : rien n" in html
    assert 'value="Martin"' in html and 'value="150,01"' in html
    company = client.post("/admin/tresorerie/enregistrer",
                          data=_form(client, natural_person=""))
    assert company.status_code == 422 and "DON-3" in company.get_data(as_text=True)
    bad = client.post("/admin/tresorerie/enregistrer", data=_form(client, amount="12,345",
                                                                  nom=""))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "deux décimales" in html
    assert "Obligatoire pour un don nominatif." in html
    assert _entries() == []
    # An anonymous collection needs no donor (DON-17).
    quete = client.post("/admin/tresorerie/enregistrer", data=_form(
        client, method="quete", amount="87,40", nom="", prenom="", adresse="",
        code_postal="", commune=""))
    assert quete.status_code == 303
    [entry] = _entries()
    assert entry.kind == "collection" and entry.donor_id is None


def test_donor_list_downloads(client, auth, demo_site, in_window) -> None:
    auth.login("treasurer@example.org")
    client.post("/admin/tresorerie/enregistrer", data=_form(client))
    response = client.get("/admin/tresorerie/1/donateurs.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="donateurs-demo-')
    text = response.data.decode("utf-8-sig")
    assert "Martin;Alice" in text and "CHQ-0042" in text
    xlsx = client.get("/admin/tresorerie/1/donateurs.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/admin/tresorerie/1/donateurs.pdf").status_code == 404
    assert client.get("/admin/tresorerie/99/donateurs.csv").status_code == 404


def test_the_treasurer_sees_the_head_of_each_chain(client, auth, demo_site) -> None:
    campaign = demo_site.campaign
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=450_000,
                              on=date(2026, 11, 2), method="cheque", identity=identity(),
                              source_ref="c:1"))
    tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=30_000, on=date(2026, 11, 3),
                              method="carte", identity=identity(),
                              source_ref="stripe:charge:ch_1"), enforce=False)
    last = db.session.scalar(select(LedgerEntry).where(LedgerEntry.seq == 2))
    from app.ledger.models import LedgerEvent

    event = db.session.scalar(select(LedgerEvent))  # the DON-16 flag on the card payment
    auth.login("treasurer@example.org")
    html = client.get("/admin/tresorerie/").get_data(as_text=True)
    assert "Têtes des chaînes du registre le " in html

    def row(label: str, seq: int, digest: str) -> str:
        return (f'<th scope="row">{label}</th><td>{seq}</td><td><code>{digest[:32]}<wbr>'
                f"{digest[32:]}</code></td>")

    assert row("Écritures", 2, last.hash) in html
    assert row("Signalements et remboursements (DON-16)", 1, event.hash) in html
    assert "Fusions et distinctions de fiches (DON-2, toute l'élection)</th><td>0</td>" in html
    assert "estrade ledger verify --anchor" in html
    assert f'href="/admin/tresorerie/{campaign.id}/ancre.json"' in html
    csv_text = client.get(f"/admin/tresorerie/{campaign.id}/donateurs.csv").data.decode(
        "utf-8-sig")
    assert f"écritures;2;{last.hash}" in csv_text
    assert f"signalements et remboursements (DON-16);1;{event.hash}" in csv_text


def test_the_treasurer_downloads_the_anchor_and_it_shows_a_truncation_later(
        client, auth, demo_site, runner, tmp_path) -> None:
    from tests.support.database import tamper

    campaign = demo_site.campaign
    for n in range(3):
        tx(record_gift, GiftInput(campaign_id=campaign.id, amount_cents=10_000,
                                  on=date(2026, 11, 2), method="cheque",
                                  identity=identity(f"Nom{n}"), source_ref=f"c:{n}"))
    auth.login("treasurer@example.org")
    response = client.get(f"/admin/tresorerie/{campaign.id}/ancre.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ancre-demo-')
    path = tmp_path / "ancre.json"
    path.write_bytes(response.data)
    assert runner.invoke(args=["ledger", "verify", "--anchor", str(path)]).exit_code == 0
    tamper("DELETE FROM ledger_entries WHERE seq = 3")
    result = runner.invoke(args=["ledger", "verify", "--anchor", str(path)])
    assert result.exit_code == 1
    assert "chaîne tronquée à partir de l'écriture n° 3" in result.output
    # No anchor of an altered ledger; never another campaign's.
    tamper("UPDATE ledger_entries SET amount_cents = 1 WHERE seq = 1")
    refused = client.get(f"/admin/tresorerie/{campaign.id}/ancre.json")
    assert refused.status_code == 303
    assert client.get("/admin/tresorerie/99/ancre.json").status_code == 404
    client.post("/admin/logout")
    auth.login("editor@example.org")
    assert client.get(f"/admin/tresorerie/{campaign.id}/ancre.json").status_code == 403


def test_a_refused_booking_is_audited_and_refusals_are_limited(client, auth, demo_site, rival,
                                                               in_window) -> None:
    """A rival list's treasurer typing names from the electoral roll to read DON-2 refusals
    leaves a trace, and cannot go on for long (issue 9: nothing leaks anyone's giving)."""
    from app.audit import AuditEntry

    auth.login("treasurer@example.org")
    probe = client.post("/admin/tresorerie/enregistrer", data=_form(
        client, amount="4600,00", nom="Secret", prenom="Donatrice"))
    assert probe.status_code == 422 and "DON-2" in probe.get_data(as_text=True)
    db.session.rollback()
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "gift.refused"))
    details = json.loads(row.details)
    assert details["rules"] == ["DON-2"] and details["amount_cents"] == 460_000
    assert "Secret" not in row.details and len(details["identity"]) == 16
    assert _entries()[-1].source_ref == "rival:1"  # nothing booked
    answers = [client.post("/admin/tresorerie/enregistrer", data=_form(
        client, amount="4600,00", nom="Secret", prenom="Donatrice")).status_code
        for _ in range(30)]
    assert answers[:29] == [422] * 29 and answers[-1] == 429


def test_a_campaign_cannot_merge_records_that_hold_a_rivals_gifts(client, auth, demo_site,
                                                                  rival, in_window) -> None:
    """Merging changes the cap of the person in every campaign and may flag a rival's gift
    (DON-16): a campaign's treasurer may only merge records that are its own alone."""
    from app.ledger.models import ComplianceFlag, Donor

    cid = demo_site.campaign.id
    theirs = tx(record_gift, GiftInput(campaign_id=cid, amount_cents=100, on=date(2026, 11, 3),
                                       method="cheque", identity=identity("Secret", "Donatrice"),
                                       source_ref="a:1"))
    mine = tx(record_gift, GiftInput(campaign_id=cid, amount_cents=370_000,
                                     on=date(2026, 11, 3), method="cheque",
                                     identity=identity("Inventé", "Nom"), source_ref="a:2"))
    auth.login("treasurer@example.org")
    answer = client.post(f"/admin/tresorerie/{cid}/donateurs/{mine.donor_id}/fusionner",
                         data={"other": theirs.donor_id, "reason": "même personne"},
                         follow_redirects=True)
    assert "demandez la fusion" in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(ComplianceFlag)).all() == []
    assert db.session.get(Donor, mine.donor_id).merged_into_id is None
