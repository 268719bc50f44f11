"""One install serves several sites, chosen by host name."""

from __future__ import annotations

from app.campaigns.service import create_site
from app.extensions import db
from tests.factories import tx


def test_demo_site_home_is_french(client, demo_site) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Saint-Aubin en commun" in html
    assert "Pourquoi nous nous présentons" in html


def test_nested_page_and_404(client, demo_site) -> None:
    assert client.get("/programme/ecologie/").status_code == 200
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "introuvable" in missing.get_data(as_text=True).lower()


def test_site_chosen_by_host_name(client, demo_site, tmp_path, app) -> None:
    other = tmp_path / "content" / "autre"
    (other / "pages").mkdir(parents=True)
    (other / "site.toml").write_text('title = "Liste Autre"\nlanguage = "fr"\n',
                                     encoding="utf-8")
    (other / "pages" / "index.md").write_text("---\ntitle: Accueil Autre\n---\nBonjour Autre\n",
                                              encoding="utf-8")
    site = tx(create_site, "autre", "Liste Autre", ["autre.example"],
                       content_dir=str(other.resolve()))
    db.session.commit()
    assert site.host_names == ["autre.example"]
    on_other = client.get("/", headers={"Host": "autre.example"})
    assert "Bonjour Autre" in on_other.get_data(as_text=True)
    # A name no site declares gets 404: no site answers for a name it does not own.
    assert client.get("/", headers={"Host": "unknown.example"}).status_code == 404
    assert client.get("/don", headers={"Host": "unknown.example"}).status_code == 404
    # Unless the installation explicitly names a default site.
    app.config["ESTRADE_DEFAULT_SITE"] = "demo"
    on_default = client.get("/", headers={"Host": "unknown.example"})
    assert "Saint-Aubin" in on_default.get_data(as_text=True)
