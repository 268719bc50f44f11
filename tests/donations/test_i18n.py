"""The /don pages go through Flask-Babel (French msgids) and follow the site's language,
never a logged-in staff member's interface preference."""

from __future__ import annotations

import shutil
from typing import Any

import flask_babel
from flask.testing import FlaskClient

from tests.factories import DONATION_FORM as VALID
from tests.support.paths import ROOT


def fetch(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    # The test's app context outlives each request and Flask-Babel caches the locale on g:
    # forget it, as a new request in production does.
    flask_babel.refresh()
    return client.post(url, data=data) if data is not None else client.get(url)


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_an_english_site_gets_the_donation_pages_in_english(app, client, demo_site,
                                                            in_window, tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    toml = content / "demo" / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('language = "fr"',
                                                             'language = "en"'))
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    html = text(fetch(client, "/don"))
    assert '<html lang="en">' in html
    assert "<legend>Amount of your donation</legend>" in html
    assert '<label for="prenom">First name</label>' in html
    assert "I certify that I am a natural person" in html
    assert "Continue to secure payment" in html
    assert "€50" in html and "Other amount" in html
    assert "Montant de votre don" not in html and "Prénom" not in html
    # The DON-9 legal block quotes the law: it stays in French.
    assert "Article L. 52-8 du code électoral (alinéas 1 à 3)" in html

    refused = fetch(client, "/don", data={"montant": "autre", "montant_libre": "",
                                          "email": "not-an-address"})
    html = text(refused)
    assert refused.status_code == 422
    assert "Your donation was not recorded" in html
    assert "First name: Enter your first name." in html
    assert "Enter the amount of your donation." in html
    assert "This email address is not valid." in html
    assert "This statement is required to donate" in html

    paying = fetch(client, "/don", data=VALID)
    assert paying.status_code == 303
    html = text(fetch(client, paying.headers["Location"]))
    assert "Demonstration mode — no real payment." in html
    assert "Simulate the payment of 200,00" in html


def test_staff_english_preference_does_not_change_the_public_don_page(client, auth, demo_site,
                                                                      in_window) -> None:
    auth.login()
    client.post("/admin/compte/langue", data={"locale": "en"})
    assert "Dashboard" in text(fetch(client, "/admin/"))  # the staff area is in English

    html = text(fetch(client, "/don"))
    assert '<html lang="fr">' in html
    assert "<legend>Montant de votre don</legend>" in html
    assert '<label for="email">Adresse e-mail</label>' in html
    assert "Continuer vers le paiement sécurisé" in html
    assert "Amount of your donation" not in html and "Email address" not in html

    html = text(fetch(client, "/don", data={}))
    assert "Prénom : Indiquez votre prénom." in html
    assert "Enter your first name." not in html
