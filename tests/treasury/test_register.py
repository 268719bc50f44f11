"""The donor register: search, filters, sorting, a donor's page with the election-wide
cumulative and the room left (DON-2), merging and keeping apart with a reason; never a
rival campaign's donor."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import Donor, DonorDistinction
from tests.factories import identity, tx


def _give(campaign_id: int, cents: int, nom: str, prenom: str = "Alice", method: str = "cheque",
          ref: str = "", **extra) -> int:  # type: ignore[no-untyped-def]
    outcome = tx(record_gift, GiftInput(
        campaign_id=campaign_id, amount_cents=cents, on=date(2026, 11, 3), method=method,
        identity=identity(nom, prenom, **extra), source_ref=ref or f"{nom}:{cents}:{method}"),
        enforce=False)
    return outcome.donor_id


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


def test_search_filter_and_sort(client, auth, demo_site) -> None:
    cid = demo_site.campaign.id
    _give(cid, 10_000, "Martin")
    _give(cid, 400_000, "Bernard", "Luc", method="carte", commune="Sablé")
    _give(cid, 5_000, "Petit", "Zoé")
    auth.login("treasurer@example.org")
    base = f"/admin/tresorerie/{cid}/donateurs/"
    html = _text(client.get(base))
    assert "3 donateurs" in html
    assert html.index("Bernard") < html.index("Martin") < html.index("Petit")  # by name
    by_total = _text(client.get(base + "?tri=total"))
    assert by_total.index("Bernard") < by_total.index("Martin") < by_total.index("Petit")
    found = _text(client.get(base + "?q=sable"))  # accents and case do not matter
    assert "1 donateur" in found and "Bernard" in found and "Martin" not in found
    card = _text(client.get(base + "?canal=carte"))
    assert "Bernard" in card and "Petit" not in card
    near = _text(client.get(base + "?etat=plafond"))  # 4 000 € ≥ 80 % of 4 600 €
    assert "Bernard" in near and "Martin" not in near


def test_a_donors_page_shows_the_election_cumulative_and_the_room_left(
        client, auth, demo_site, rival) -> None:
    cid = demo_site.campaign.id
    donor = _give(cid, 200_000, "Secret", "Donatrice", method="carte")  # the rival's donor
    _give(cid, 50_000, "Secret", "Donatrice", method="virement")
    auth.login("treasurer@example.org")
    html = _text(client.get(f"/admin/tresorerie/{cid}/donateurs/{donor}"))
    # 2 500 € here, 1 000 € to the rival list: 3 500 € for the election, 1 100 € left.
    assert 'id="total-campagne">2 500,00 €' in html
    assert 'id="cumul-election">3 500,00 €' in html
    assert 'id="reste">1 100,00 €' in html
    assert "Carte bancaire" in html and "Virement" in html
    assert "1 000,00" not in html  # the rival's gift itself is never detailed


def test_a_rivals_donor_is_not_found(client, auth, demo_site, rival) -> None:
    auth.login("treasurer@example.org")
    rival_donor = db.session.scalar(select(Donor.id).where(Donor.nom == "Secret"))
    cid = demo_site.campaign.id
    assert client.get(f"/admin/tresorerie/{cid}/donateurs/{rival_donor}").status_code == 404
    assert "Secret" not in _text(client.get(f"/admin/tresorerie/{cid}/donateurs/"))
    other = rival["campaign"].id
    assert client.get(f"/admin/tresorerie/{other}/donateurs/").status_code == 404
    assert client.get(f"/admin/tresorerie/{other}/donateurs/{rival_donor}").status_code == 404
    client.post("/admin/logout")
    auth.login("editor@example.org")
    assert client.get(f"/admin/tresorerie/{cid}/donateurs/").status_code == 403


def test_merge_and_keep_apart_need_a_reason(client, auth, demo_site) -> None:
    cid = demo_site.campaign.id
    first = _give(cid, 300_000, "Dupont", "Jean")
    second = _give(cid, 200_000, "Dupond", "Jean")
    third = _give(cid, 1_000, "Durand", "Jeanne", adresse="9 rue Basse")
    fourth = _give(cid, 1_000, "Durant", "Jeanne", adresse="9 rue Basse")
    auth.login("treasurer@example.org")
    page = _text(client.get(f"/admin/tresorerie/{cid}/donateurs/{first}"))
    assert f"fiche {second}" in page and "Même personne : fusionner" in page
    url = f"/admin/tresorerie/{cid}/donateurs/{first}/fusionner"
    refused = client.post(url, data={"other": second, "reason": " "}, follow_redirects=True)
    assert "Indiquez le motif" in _text(refused)
    done = client.post(url, data={"other": second, "reason": "Même chéquier"},
                       follow_redirects=True)
    html = _text(done)
    assert "Fiches fusionnées : total de la personne 5 000,00 €" in html
    assert "400,00 € à rembourser" in html  # DON-2 excess, flagged DON-16
    db.session.expire_all()
    assert db.session.get(Donor, second).merged_into_id == first
    merge = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "donor.merge"))
    assert merge is not None and "Même chéquier" in str(merge.details)
    apart = client.post(f"/admin/tresorerie/{cid}/donateurs/{third}/distinguer",
                        data={"other": fourth, "reason": "Sœurs jumelles"},
                        follow_redirects=True)
    assert "gardées distinctes" in _text(apart)
    assert db.session.scalar(select(DonorDistinction.reason)) == "Sœurs jumelles"
