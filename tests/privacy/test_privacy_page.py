"""The public privacy notice (/confidentialite/) says what the installation does: the
retention durations of its settings, the newsletter purpose only when the campaign has one,
the controller and mandataire of the site's campaign, and no cookie on the site's pages
(GDPR-2, GDPR-3; issue 9, item 15)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.website.legal_pages import duration
from tests.support.app import build_app, inside


def _privacy(app: Flask) -> str:
    response = app.test_client().get("/confidentialite/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_durations_follow_the_settings(database_url: str, tmp_path: Path) -> None:
    with inside(build_app(database_url, tmp_path)) as app:
        page = _privacy(app)
        assert page.count("60 jours (2 mois)") == 3  # the defaults (GDPR-3)
        app.config.update(ESTRADE_RETENTION_ABANDONED_DAYS=45, ESTRADE_RETENTION_IP_DAYS=90,
                          ESTRADE_RETENTION_MAIL_DAYS=7)
        page = _privacy(app)  # the live renderer notices the change: no restart needed
        assert "60 jours" not in page
        assert "effacées\n45 jours après le formulaire" in page
        assert "effacée\n90 jours (3 mois) après" in page
        assert "effacée 7 jours\naprès l’envoi" in page
        form = app.test_client().get("/don").get_data(as_text=True)
        assert "effacées au bout de 45 jours" in form  # told at collection too (GDPR-2)


def test_the_newsletter_purpose_only_when_there_is_one(database_url: str,
                                                       tmp_path: Path) -> None:
    with inside(build_app(database_url, tmp_path)) as app:
        page = _privacy(app)
        assert "consentement explicite" in page and "jusqu’à votre désinscription" in page
        assert "recevoir des nouvelles" in app.test_client().get("/don").get_data(as_text=True)
        app.config["ESTRADE_NEWSLETTER"] = False
        page = _privacy(app)
        assert "consentement explicite" not in page
        assert "n’envoie pas de lettre d’information" in page
        assert "recevoir des nouvelles" not in app.test_client().get("/don").get_data(
            as_text=True)


def test_the_controller_and_the_cookie_claims_are_true(database_url: str,
                                                       tmp_path: Path) -> None:
    with inside(build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)) as app:
        client = app.test_client()
        # First: the test keeps one app context, so ``g`` outlives a request here.
        assert "Set-Cookie" in client.get("/don").headers  # the form's session, as stated
        text = client.get("/confidentialite/").get_data(as_text=True)
        assert "Claire Morel" in text and "Julien Besson" in text  # the demo campaign's
        assert "ne déposent aucun cookie" in text
        assert "après l’élection" not in text  # no longer promised: nothing does it
        for path in ("/", "/confidentialite/", "/programme/"):  # the site's own pages
            assert "Set-Cookie" not in app.test_client().get(path).headers, path
        assert "cookie de session strictement nécessaire" in text


def test_durations_in_french() -> None:
    assert (duration(1), duration(45), duration(60), duration(365)) == \
        ("1 jour", "45 jours", "60 jours (2 mois)", "365 jours")
