"""« Campagne »: the site admin changes the campaign's facts; every change is audited with its
values before and after; the election of a campaign with gifts never changes (DON-2); a new
filing date reaches the donations package (DON-15 listeners)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.audit import AuditEntry
from app.campaigns.service import register_dates_listener
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import demo_site, identity, tx

URL = "/admin/sites/demo/campagne"
DEMO = {
    "election_kind": "partielle", "election_round1": "2027-03-14",
    "election_round2": "2027-03-21", "election_scope": "partielle",
    "election_territory": "Saint-Aubin-des-Prés",
    "election_name": "Municipale partielle de Saint-Aubin-des-Prés 2027",
    "campaign_mode": "candidat", "campaign_population": "12340",
    "campaign_candidate": "Claire Morel", "campaign_list_name": "Saint-Aubin en commun",
    "campaign_collection_start": "2026-10-01", "campaign_filing_date": "2027-05-21",
    "mandataire_type": "MF", "mandataire_name": "Julien Besson",
    "mandataire_declared_on": "2026-10-05", "mandataire_prefecture": "Préfecture de la Sarthe",
}


def _rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_form_shows_the_campaign(client, auth, people) -> None:
    auth.login("chef@example.org")
    html = client.get(URL).get_data(as_text=True)
    assert 'value="Julien Besson"' in html and 'value="2027-05-21"' in html
    assert 'value="12340"' in html


def test_a_change_is_audited_and_told_to_the_date_listeners(app: Flask, client, auth,
                                                            people) -> None:
    told: list[int] = []

    def listener(campaign_id: int) -> list[str]:
        told.append(campaign_id)
        return ["Don mensuel sub_1 arrêté : fin de la période de collecte (DON-15)."]

    register_dates_listener(app, listener)
    auth.login("chef@example.org")
    response = client.post(URL, data={**DEMO, "campaign_filing_date": "2027-04-30",
                                      "mandataire_name": "Julie Besson"})
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    campaign = demo_site().campaign
    assert campaign.filing_date == date(2027, 4, 30)
    assert campaign.mandataire_name == "Julie Besson"
    assert told == [campaign.id]
    [row] = _rows("campaign.facts")
    assert row.site_id == demo_site().id and row.user_id == people["site_admin"].id
    assert json.loads(row.details)["changes"] == {
        "campaign.filing_date": ["2027-05-21", "2027-04-30"],
        "mandataire.name": ["Julien Besson", "Julie Besson"]}
    page = client.get(URL).get_data(as_text=True)
    assert "DON-15" in page  # what the listeners said is shown


def test_no_change_writes_no_row(client, auth, people) -> None:
    auth.login("chef@example.org")
    assert client.post(URL, data=DEMO).status_code == 303
    assert _rows("campaign.facts") == []


def test_the_election_of_a_campaign_with_gifts_never_changes(client, auth, people) -> None:
    site = demo_site()
    tx(record_gift, GiftInput(campaign_id=site.campaign.id, amount_cents=10_000,
                              on=date(2026, 11, 15), method="cheque", identity=identity()))
    auth.login("chef@example.org")
    assert "ne peut plus changer" in client.get(URL).get_data(as_text=True)
    response = client.post(URL, data={**DEMO, "election_round1": "2027-03-28"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "4 600 €" in html and "DON-2" in html
    assert 'value="2027-03-28"' in html  # what was typed is kept
    db.session.expire_all()
    assert demo_site().campaign.election.round1 == date(2027, 3, 14)
    assert _rows("campaign.facts") == []
    # Facts that are not the election still change.
    assert client.post(URL, data={**DEMO, "campaign_population": "12400"}).status_code == 303


def test_a_contradiction_gets_the_campaign_files_message(client, auth, people) -> None:
    auth.login("chef@example.org")
    response = client.post(URL, data={**DEMO, "campaign_mode": "petite-commune"})
    assert response.status_code == 422
    assert "MAND-4" in response.get_data(as_text=True) or "9 000" in response.get_data(
        as_text=True)


def test_an_editor_cannot_change_the_campaign(client, auth, people: dict[str, Any]) -> None:
    auth.login("editor@example.org")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=DEMO).status_code == 403
