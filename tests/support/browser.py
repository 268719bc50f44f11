"""Headless Debian Chromium (driven by Playwright) and what a donor does in it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("ESTRADE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def fill_donation_form(page: Any, base: str, *, amount_label: str = "50 €") -> None:
    page.goto(f"{base}/don?source=tract-marche")
    page.get_by_role("radio", name=amount_label, exact=True).check()
    page.get_by_label("Civilité").select_option("Mme")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Rousseau")
    page.get_by_label("Adresse de votre domicile fiscal").fill("12 rue du Moulin")
    page.get_by_label("Code postal").fill("72000")
    page.get_by_label("Commune").fill("Le Mans")
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.get_by_label("Je certifie être une personne physique").check()
    page.get_by_label("Je certifie que ce don provient de mes fonds personnels").check()
    page.get_by_label("Je certifie que le total de mes dons").check()
    page.get_by_role("button", name="Continuer vers le paiement sécurisé").click()


def staff_login(page: Any, base: str, email: str) -> None:
    """Log in through the real forms, typing the current TOTP code when the account has a
    second factor (admins, treasurers, site admins: tests.factories.create_user enrols them)."""
    from tests.factories import PASSWORD, totp_code

    page.goto(f"{base}/admin/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/admin/login/code" in page.url:
        page.get_by_label("Code de vérification").fill(totp_code(email))
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(f"{base}/admin/**")
    assert "/admin/login" not in page.url, page.url
