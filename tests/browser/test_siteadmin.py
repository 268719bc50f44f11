"""A site's administration in real Chromium: the site admin changes the settings and the
public site shows them (a wrong address is refused next to its field first); a person invited
from « Équipe du site » opens the mailed link, chooses a password and reaches the editor; the
journal shows both. The screenshots illustrate docs/guide-redaction.md."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.factories import PASSWORD, create_user
from tests.support.browser import staff_login
from tests.support.paths import ROOT
from tests.support.smtp import Inbox, free_port, smtp_server

SHOTS = ROOT / "docs" / "images" / "site"


@pytest.fixture
def content(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    return target


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    port = free_port()
    with smtp_server(port) as received:
        app.config.update(ESTRADE_MAIL_SERVER="127.0.0.1", ESTRADE_MAIL_PORT=port)
        yield received


def shot(page: Any, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def _mail_link(inbox: Inbox) -> str:
    deadline = time.monotonic() + 30  # the mail goes after the response
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert inbox.messages, "aucun e-mail reçu"
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    found = re.search(r"(http://\S+/admin/invitation/\S+)", body)
    assert found, body
    return found.group(1)


def test_settings_change_the_public_site_and_an_invitation_is_accepted(
        browser: Any, page: Any, live_server: Any, demo_site: Any, content: Path,
        inbox: Inbox) -> None:
    base = live_server.url
    create_user("chef@example.org", "site_admin", sites=[demo_site])
    staff_login(page, base, "chef@example.org")
    page.get_by_role("link", name="Sites").click()
    page.get_by_role("link", name="Réglages").first.click()
    assert page.get_by_label("Titre du site").input_value() == "Saint-Aubin en commun"
    shot(page, "reglages-du-site")
    # A wrong public address: refused next to its field, what was typed kept.
    page.get_by_label("Adresse publique du site").fill("ftp://saint-aubin")
    page.get_by_label("Titre du site").fill("Saint-Aubin demain")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    error = page.locator("#base_url-error")
    assert "https://www.ma-liste.fr" in error.inner_text()
    assert page.get_by_label("Titre du site").input_value() == "Saint-Aubin demain"
    error.scroll_into_view_if_needed()
    shot(page, "reglages-erreur")
    page.get_by_label("Adresse publique du site").fill(base)
    page.get_by_label("Montants de don proposés (en euros)").fill("15, 40, 90")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    assert "Réglages enregistrés" in page.locator(".flashes").inner_text()
    page.goto(f"{base}/")
    assert "Saint-Aubin demain" in page.title() or "Saint-Aubin demain" in page.content()
    page.goto(f"{base}/don")
    assert page.get_by_role("radio", name="40 €", exact=True).count() == 1

    # The team: an invitation by e-mail.
    page.goto(f"{base}/admin/sites/demo/equipe")
    page.get_by_label("Adresse e-mail").fill("nouvelle@example.org")
    page.get_by_label("Rôle sur ce site").select_option("editor")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert "Invitation envoyée à nouvelle@example.org" in page.locator(".flashes").inner_text()
    shot(page, "equipe-du-site")
    link = _mail_link(inbox)
    other = browser.new_context(locale="fr-FR")
    person = other.new_page()
    person.goto(link)
    assert "Bienvenue" in person.locator("h1").inner_text()
    shot(person, "invitation")
    person.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    person.get_by_label("Confirmez le nouveau mot de passe").fill(PASSWORD)
    person.get_by_role("button", name="Enregistrer").click()
    person.wait_for_url(f"{base}/admin/login")
    staff_login(person, base, "nouvelle@example.org")
    person.goto(f"{base}/admin/pages/")
    assert person.get_by_role("heading", level=1).count() == 1
    assert "/admin/pages/" in person.url
    person.goto(link)
    assert "ne fonctionne plus" in person.content()  # used once
    other.close()

    # The journal shows who did what.
    page.goto(f"{base}/admin/sites/demo/journal")
    text = page.locator("table").inner_text()
    assert "site.settings" in text and "membership.invite" in text
    assert "title : Saint-Aubin en commun → Saint-Aubin demain" in text
    shot(page, "journal")
