"""Issue 11, acceptance 1, in real Chromium: from a fresh install, the installation admin
creates « Rennes en commun » for the 2032 municipal election through the wizard alone (the
commune autocompletes, the population and the spending cap are shown), publishes the home
page, which the public sees, and the site's /don works in demo mode. The time from « Créer un
site » to the published home page is measured and printed; the screenshots illustrate
docs/guide-redaction.md."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.campaigns.models import Campaign, Site
from app.core.finance.money import format_cents, format_int
from app.core.finance.spending_cap import spending_cap
from app.extensions import db
from tests.factories import create_user
from tests.support.browser import fill_donation_form, staff_login
from tests.support.paths import ROOT

SHOTS = ROOT / "docs" / "images" / "sites"
#: Inside the 2032 campaign's collection window (from 1 September 2031, MAND-2).
GIFT_DAY = dt.datetime(2032, 1, 15, 10, 0)


@pytest.fixture(autouse=True)
def fresh_install(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """No site yet: an empty content folder and the installation admin only."""
    target = tmp_path / "content"
    target.mkdir()
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    create_user("admin@example.org", "admin")
    yield target


@pytest.fixture
def in_2032(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from app.donations import service, views
    from app.donations.stripe import demo

    monkeypatch.setattr(service, "utcnow", lambda: GIFT_DAY)
    # The demonstration charge is dated by the clock too (booking reads its « created »).
    paid_at = GIFT_DAY.replace(tzinfo=dt.UTC).timestamp()
    monkeypatch.setattr(demo, "time", SimpleNamespace(time=lambda: paid_at))
    for module in (service, views):
        monkeypatch.setattr(module, "paris_today", lambda: GIFT_DAY.date())


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_admin_creates_rennes_en_commun_with_the_wizard_alone(
        page, live_server, fresh_install: Path, in_2032) -> None:
    base = live_server.url
    public_base = base.replace("127.0.0.1", "localhost")  # the new site's own host name
    staff_login(page, base, "admin@example.org")
    page.set_viewport_size({"width": 1100, "height": 900})
    started = time.monotonic()
    page.get_by_role("link", name="Créer un site").click()
    page.wait_for_selector("text=Étape 1 sur 5")
    page.get_by_label("Nom de la liste ou du candidat").fill("Rennes en commun")
    page.get_by_label("Candidat ou tête de liste").fill("Nadia Le Gall")
    page.get_by_label("Adresse du site (nom de domaine)").fill("localhost")
    shot(page, "etape-1-le-site")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_selector("text=Étape 2 sur 5")
    page.get_by_label("Type d’élection").select_option(label="Municipales")
    page.get_by_label("Date du premier tour").fill("2032-03-14")
    page.get_by_label("Date du second tour").fill("2032-03-21")
    commune = page.get_by_label("Commune", exact=False).first
    commune.click()
    page.keyboard.type("renn", delay=60)
    proposed = page.get_by_role("button", name="Rennes (35) —")
    proposed.wait_for()
    assert f"{format_int(230_890)} habitants" in proposed.inner_text()
    page.wait_for_selector("text=commune(s) proposée(s)")
    shot(page, "etape-2-la-commune")
    proposed.click()
    assert commune.input_value() == "Rennes (35) · 35238"
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_selector("text=Étape 3 sur 5")
    figures = page.inner_text("section.plan")
    assert f"{format_int(230_890)} habitants" in figures, figures
    cap = spending_cap("municipales", 230_890, round=1)
    assert format_cents(cap.cents) in figures
    assert "Candidat (mandataire, compte de campagne)" in figures
    page.get_by_label("Association de financement électorale (AFE)").check()
    page.get_by_label("Nom du mandataire ou de l’association").fill(
        "Association de financement de Rennes en commun")
    page.get_by_label("Date de déclaration en préfecture").fill("2031-09-15")
    shot(page, "etape-3-le-mandataire")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_selector("text=Étape 4 sur 5")
    assert page.get_by_label("Directeur ou directrice de la publication").input_value() == \
        "Nadia Le Gall"
    page.get_by_label("Adresse e-mail de contact").fill("contact@rennes-en-commun.example")
    page.get_by_label("Hébergeur : nom").fill("Hébergeur Solidaire")
    page.get_by_label("Hébergeur : adresse").fill("1 rue du Port, 35000 Rennes")
    page.get_by_label("Hébergeur : téléphone").fill("02 99 00 00 00")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_selector("text=Étape 5 sur 5")
    page.get_by_label("Institutionnel").check()
    assert page.get_by_label("Couleur principale").input_value() == "#12284b"  # its colour
    shot(page, "etape-5-apparence")
    page.get_by_role("button", name="Créer le site").click()

    page.wait_for_selector("text=est créé")
    assert "/admin/pages/" in page.url
    shot(page, "pages-de-depart")
    for title in ("Accueil", "Programme", "L’équipe", "Actualités", "Faire un don"):
        assert page.get_by_role("link", name=title, exact=True).count() == 1, title
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.wait_for_selector("form[data-mode]")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_selector("text=Page publiée")
    elapsed = time.monotonic() - started
    print(f"\n« Créer un site » → page d’accueil publiée : {elapsed:.1f} s")
    assert elapsed < 300

    public = page.context.new_page()
    public.goto(f"{public_base}/")
    assert "Rennes en commun" in public.inner_text("main")
    assert "Nadia Le Gall" in public.inner_text("main")
    public.goto(f"{public_base}/mentions-legales/")
    legal = public.inner_text("main")
    assert "Hébergeur Solidaire" in legal and "Association de financement" in legal
    fill_donation_form(public, public_base)
    public.wait_for_url("**/don/demo/**")
    assert "Mode démonstration — aucun paiement réel" in public.content()
    public.get_by_role("button", name="Simuler le paiement").click()
    public.wait_for_url("**/don/merci/**")
    assert "Merci Camille" in public.content()

    db.session.rollback()  # the server wrote from its own threads
    site = db.session.scalar(select(Site).where(Site.slug == "rennes-en-commun"))
    assert site is not None and site.theme == "institutionnel"
    campaign = db.session.scalar(select(Campaign).where(Campaign.site_id == site.id))
    assert campaign is not None and campaign.population == 230_890
    assert (fresh_install / "rennes-en-commun" / "pages" / "index.md").is_file()
    from app.ledger.models import ComplianceFlag, LedgerEntry

    gifts = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind == "donation")).all()
    assert [(g.amount_cents, g.demo) for g in gifts] == [(5000, True)]
    assert db.session.scalars(select(ComplianceFlag)).all() == []  # a lawful gift
    shutil.rmtree(fresh_install / "rennes-en-commun")
