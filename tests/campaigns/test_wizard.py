"""« Créer un site » over HTTP: who may use it, each step's checks, what the law makes of the
commune (MAND-4 mode, CAP-1 cap, DON-5 cash ceiling), and what a creation leaves behind."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.campaigns.models import Campaign, Election, Site
from app.core.finance.money import format_cents, format_int
from app.core.finance.spending_cap import cash_ceiling, spending_cap
from app.editor.models import EditorPage
from app.extensions import db
from tests.support.paths import ROOT

URL = "/admin/sites/nouveau"
RENNES = {
    "title": "Rennes en commun", "candidate": "Nadia Le Gall", "host": "",
    "kind": "municipales", "round1": "2032-03-14", "round2": "2032-03-21",
    "commune": "Rennes", "commune_code": "",
    "mandataire_type": "AFE", "mandataire_name": "Association de financement Rennes en commun",
    "mandataire_declared_on": "2031-09-15", "mandataire_prefecture": "Préfecture d'Ille-et-Vilaine",
    "directeur": "Nadia Le Gall", "contact_email": "contact@rennes-en-commun.example",
    "adresse": "3 place de la Mairie, 35000 Rennes", "hebergeur_name": "Hébergeur Solidaire",
    "hebergeur_address": "1 rue du Port, 35000 Rennes", "hebergeur_phone": "02 99 00 00 00",
    "theme": "base", "couleur": "#1d4ed8", "slug": "",
}


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    return target


@pytest.fixture
def admin(client: Any, auth: Any) -> Any:
    auth.login("admin@example.org")
    return client


def post(client: Any, step: str, **changes: Any) -> Any:
    return client.post(URL, data={**RENNES, **changes, "step": step})


def create(client: Any, **changes: Any) -> Any:
    """The last step posted with every value: each step is checked again on the way."""
    return post(client, "apparence", **changes)


def test_a_non_admin_editor_gets_403_and_a_stranger_the_login_page(client, auth, users):
    assert client.get(URL).status_code == 302  # not signed in: the login page
    auth.login("editor@example.org")
    assert client.get(URL).status_code == 403
    assert client.get("/admin/sites/communes?q=renn").status_code == 403
    assert client.post(URL, data={**RENNES, "step": "apparence"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1
    assert "Créer un site" not in client.get("/admin/").get_data(as_text=True)


def test_site_admins_may_create_when_the_installation_allows_it(app, client, auth, users):
    from app.accounts.models import User
    from tests.factories import create_user

    create_user("chef@example.org", "site_admin")
    auth.login("chef@example.org")
    assert client.get(URL).status_code == 403
    app.config["ESTRADE_SITE_CREATORS"] = "site-admins"
    assert client.get(URL).status_code == 200
    answer = create(client)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    site = db.session.scalar(select(Site).where(Site.slug == "rennes-en-commun"))
    chef = db.session.scalar(select(User).where(User.email == "chef@example.org"))
    assert site is not None and chef.roles_on(site.id) == {"site_admin"}


def test_the_commune_autocompletion_answers_json(admin):
    found = admin.get("/admin/sites/communes?q=renn").get_json()
    assert found[0]["code"] == "35238"
    assert found[0]["population"] == 230_890
    assert found[0]["postal_codes"] == ["35000", "35200", "35700"]
    assert found[0]["value"] == "Rennes (35) · 35238"
    assert admin.get("/admin/sites/communes?q=").get_json() == []


def test_each_step_leads_to_the_next_and_rennes_is_in_candidate_mode_with_its_cap(admin):
    page = admin.get(URL).get_data(as_text=True)
    assert "Étape 1 sur 5" in page and "<legend>" in page
    page = post(admin, "site").get_data(as_text=True)
    assert "Étape 2 sur 5" in page and 'data-suggest="/admin/sites/communes"' in page
    answer = post(admin, "election")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "Étape 3 sur 5" in page
    assert "Rennes (35) · 35238" in page  # the commune, now exact
    assert f"{format_int(230_890)} habitants" in page
    cap = spending_cap("municipales", 230_890, round=1)
    assert format_cents(cap.cents) in page
    assert format_cents(spending_cap("municipales", 230_890, round=2).cents) in page
    cash = cash_ceiling(cap)
    assert cash is not None and format_cents(cash) in page  # DON-5: 20 % of the cap
    assert "Candidat (mandataire, compte de campagne)" in page
    assert "TAX-1" in page
    page = post(admin, "mandataire").get_data(as_text=True)
    assert "Étape 4 sur 5" in page
    page = post(admin, "mentions").get_data(as_text=True)
    assert "Étape 5 sur 5" in page and 'value="rennes-en-commun"' in page
    page = post(admin, "mentions", back="1").get_data(as_text=True)
    assert "Étape 3 sur 5" in page and "Association de financement Rennes en commun" in page


def test_without_javascript_a_search_lists_the_communes_to_choose_from(admin):
    page = post(admin, "election", commune="Pacé", search="1").get_data(as_text=True)
    assert "Communes trouvées" in page
    assert 'value="35210"' in page and 'value="61321"' in page
    answer = post(admin, "election", commune="Pacé")  # two Pacé: the person must choose
    assert answer.status_code == 400
    assert "Plusieurs communes correspondent" in answer.get_data(as_text=True)
    page = post(admin, "election", commune="Pacé", commune_code="35210").get_data(as_text=True)
    assert "Pacé (35)" in page and "Étape 3 sur 5" in page


def test_creating_rennes_makes_the_site_its_campaign_folder_and_starter_pages(
        admin, content_copy: Path):
    answer = create(admin)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith("/admin/pages/?site=rennes-en-commun")
    site = db.session.scalar(select(Site).where(Site.slug == "rennes-en-commun"))
    assert site is not None and site.title == "Rennes en commun" and site.theme == "base"
    campaign = db.session.scalar(select(Campaign).where(Campaign.site_id == site.id))
    assert campaign is not None
    assert (campaign.mode, campaign.population) == ("candidat", 230_890)
    assert campaign.candidate_name == "Nadia Le Gall"
    assert campaign.mandataire_type == "AFE" and campaign.has_mandataire
    assert campaign.election.identity.key[:3] == ("municipales",
                                                  campaign.election.round1, "generale")
    assert str(campaign.election.round1) == "2032-03-14"
    folder = content_copy / "rennes-en-commun"
    config = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    assert config["title"] == "Rennes en commun" and config["language"] == "fr"
    assert config["theme"] == {"name": "base", "settings": {"couleur_principale": "#1d4ed8"}}
    assert config["legal"]["directeur_publication"] == "Nadia Le Gall"
    assert config["legal"]["hebergeur"]["phone"] == "02 99 00 00 00"
    facts = tomllib.loads((folder / "campaign.toml").read_text(encoding="utf-8"))
    assert facts["campaign"]["commune"] == "35238"
    paths = set(db.session.scalars(select(EditorPage.path).where(EditorPage.site_id == site.id)))
    assert paths == {"index.md", "programme/index.md", "equipe.md", "actualites/index.md",
                     "faire-un-don.md"}
    assert not list((folder / "pages").iterdir())  # drafts until the team publishes them
    from app.accounts.models import User

    creator = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert "site_admin" in creator.roles_on(site.id)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.wizard"))
    assert audit is not None and audit.details_dict["commune"] == "35238"
    listing = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "est créé" in listing and "Faire un don" in listing
    home = db.session.scalar(select(EditorPage).where(EditorPage.site_id == site.id,
                                                      EditorPage.path == "index.md"))
    assert '::: don' in home.head.text and "Nadia Le Gall" in home.head.text


def test_the_legal_pages_say_what_was_entered(admin):
    create(admin, host="rennes-en-commun.example")
    page = admin.get("/mentions-legales/", headers={"Host": "rennes-en-commun.example"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nadia Le Gall" in text and "Hébergeur Solidaire" in text
    assert "Association de financement Rennes en commun" in text
    don = admin.get("/don", headers={"Host": "rennes-en-commun.example"})
    assert don.status_code == 200


def test_a_small_commune_is_in_small_commune_mode_without_a_mandataire(admin):
    page = post(admin, "election", commune="Acigné").get_data(as_text=True)
    assert "Petite commune" in page and "MAND-4" in page
    assert "Plafond des dépenses" not in page
    assert 'id="f-mandataire_name"' not in page  # nothing to fill in: no mandataire (MAND-4)
    assert '<input type="hidden" name="mandataire_name"' in page  # but nothing typed is lost
    answer = create(admin, title="Acigné ensemble", commune="Acigné")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    campaign = db.session.scalar(select(Campaign).join(Site).where(
        Site.slug == "acigne-ensemble"))
    assert campaign is not None and campaign.mode == "petite-commune"
    assert campaign.population == 6_874
    assert campaign.mandataire_name is None  # MAND-4: typed, said so, not recorded


def test_slugs_never_collide_nor_take_a_reserved_name(admin):
    assert create(admin).status_code == 302
    assert create(admin).status_code == 302
    slugs = set(db.session.scalars(select(Site.slug)))
    assert {"rennes-en-commun", "rennes-en-commun-2"} <= slugs
    for taken, message in (("demo", "réservé"), ("rennes-en-commun", "déjà"),
                           ("Pas Bon!", "Identifiant invalide")):
        answer = create(admin, slug=taken)
        assert answer.status_code == 400
        assert message in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Site)) == 3


def test_a_second_site_of_the_same_election_shares_it(admin):
    assert create(admin).status_code == 302
    answer = create(admin, title="Brest demain", commune="Brest", candidate="Yann Kerbrat",
                    mandataire_name="Marie Le Bris", mandataire_type="MF")
    assert answer.status_code == 302
    elections = db.session.scalars(select(Election).where(Election.kind == "municipales")).all()
    assert len(elections) == 1
    assert len(elections[0].campaigns) == 2
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "partage l’élection" in page


def test_bad_input_is_explained_and_kept(admin):
    answer = post(admin, "site", title="", candidate="Nadia Le Gall")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'href="#f-title"' in page and 'id="f-title"' in page and 'aria-invalid="true"' in page
    assert 'value="Nadia Le Gall"' in page  # nothing typed is lost
    answer = post(admin, "election", round1="2032-03-14", round2="2032-03-01",
                  commune="Zzzyx")
    page = answer.get_data(as_text=True)
    assert "Le second tour vient après le premier" in page
    assert "Aucune commune ne correspond" in page
    answer = post(admin, "mandataire", mandataire_declared_on="2032-04-01")
    assert "avant le premier tour" in answer.get_data(as_text=True)
    answer = post(admin, "mandataire", mandataire_name="Nadia Le Gall")
    assert "MAND-6" in answer.get_data(as_text=True)
    answer = create(admin, couleur="#f0f0f0")  # white on light grey: unreadable buttons
    assert answer.status_code == 400 and "contraste" in answer.get_data(as_text=True).lower()
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_created(admin, content_copy):
    import io

    data = {**RENNES, "step": "apparence",
            "logo": (io.BytesIO(b"MZ\x90\x00 not a picture"), "logo.png")}
    answer = admin.post(URL, data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "n’est pas une image PNG, JPEG ou WebP" in answer.get_data(as_text=True)
    assert not (content_copy / "rennes-en-commun").exists()
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_a_real_logo_lands_in_the_media_folder(admin, content_copy):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#1d4ed8").save(buffer, "WEBP")
    data = {**RENNES, "step": "apparence", "logo": (io.BytesIO(buffer.getvalue()), "x.jpg")}
    answer = admin.post(URL, data=data, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    folder = content_copy / "rennes-en-commun"
    assert (folder / "media" / "logo.webp").read_bytes() == buffer.getvalue()
    config = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    assert config["theme"]["settings"]["logo"] == "media/logo.webp"


def test_when_the_database_part_fails_the_folder_goes(admin, content_copy, monkeypatch):
    from app.editor import actions

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(actions, "create_page", broken)
    with pytest.raises(RuntimeError):
        create(admin)
    db.session.rollback()
    assert not (content_copy / "rennes-en-commun").exists()
    assert db.session.scalar(select(Site.id).where(Site.slug == "rennes-en-commun")) is None


def test_an_arrondissement_of_lyon_is_the_election_of_the_arrondissement_councils(admin):
    answer = create(admin, title="Lyon 3 en commun", commune="Lyon 3e Arrondissement")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    campaign = db.session.scalar(select(Campaign).join(Site).where(
        Site.slug == "lyon-3-en-commun"))
    assert campaign is not None and campaign.population == 100_679
    assert (campaign.election.scope, campaign.election.territory) == ("arrondissements", "lyon")
