"""Issue 12 defect 14: nationality is a choice (française / autre) on /don and in the
treasurer's entry; « autre » needs a fiscal domicile in France (DON-1, CE L52-8 al. 1)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from app.donations.models import Donation
from app.extensions import db
from app.ledger.models import LedgerEntry
from tests.factories import DONATION_FORM as VALID


def donations() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count(Donation.id))) or 0)


def post(client: Any, **fields: str) -> Any:
    return client.post("/don", data={**VALID, **fields})


def test_the_form_offers_a_choice_not_a_text_box(client, demo_site, in_window) -> None:
    html = client.get("/don").get_data(as_text=True)
    select_tag = re.search(r'<select[^>]*name="nationalite".*?</select>', html, re.S)
    assert select_tag is not None
    assert 'value="française"' in select_tag.group(0) and 'value="autre"' in select_tag.group(0)


def test_other_nationality_living_in_france_may_give(client, demo_site, in_window) -> None:
    response = post(client, nationalite="autre", pays="France")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.rollback()
    stored = db.session.scalar(select(Donation.nationalite))
    assert stored == "autre"


def test_other_nationality_living_abroad_is_refused_with_the_rule(client, demo_site,
                                                                   in_window) -> None:
    response = post(client, nationalite="autre", pays="Belgique", code_postal="1000",
                    commune="Bruxelles")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "ni de nationalité française" in html and "L52-8" in html
    assert donations() == 0


def test_french_however_written_is_french(client, demo_site, in_window) -> None:
    """« French » and « franco-allemande » were refused as free text."""
    for value in ("French", "franco-allemande"):
        response = post(client, nationalite=value, pays="Allemagne", code_postal="10115",
                        commune="Berlin")
        assert response.status_code == 303, (value, response.get_data(as_text=True))
    db.session.rollback()
    assert set(db.session.scalars(select(Donation.nationalite))) == {"française"}


def test_free_text_other_than_the_choices_is_refused(client, demo_site, in_window) -> None:
    response = post(client, nationalite="belge")
    assert response.status_code == 422 and donations() == 0


def test_treasurer_entry_uses_the_same_choice(client, auth, users, demo_site,
                                              in_window) -> None:
    auth.login("treasurer@example.org")
    page = client.get("/admin/tresorerie/enregistrer").get_data(as_text=True)
    assert re.search(r'<select[^>]*name="nationalite"', page)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token
    data = {"token": token.group(1), "campaign": "1", "on": "2026-11-20", "method": "cheque",
            "amount": "150,00", "civilite": "M.", "nom": "Keller", "prenom": "Hans",
            "adresse": "3 rue des Lilas", "code_postal": "72000", "commune": "Le Mans",
            "pays": "France", "nationalite": "autre", "natural_person": "y",
            "attested": "y", "reference": "CHQ-0099"}
    assert client.post("/admin/tresorerie/enregistrer", data=data).status_code == 303
    db.session.rollback()
    entry = db.session.scalar(select(LedgerEntry))
    assert entry is not None and entry.donor_snapshot["nationalite"] == "autre"
