"""« Réglages du site »: the form writes site.toml back (comments kept), the public site shows
it at once, each change is audited with its values before and after, a wrong value is refused
next to its field with what was typed kept, and only the installation admin names hosts."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.audit import AuditEntry
from app.campaigns.models import SiteHost
from app.extensions import db
from tests.factories import rival_site

URL = "/admin/sites/demo/reglages"


def _form(client: Any, **changes: str) -> dict[str, str]:
    """The form as the page shows it, with ``changes``."""
    html = client.get(URL).get_data(as_text=True)
    import re

    values = {name: value for name, value in re.findall(
        r'<input[^>]*?name="([a-z_]+)"[^>]*?value="([^"]*)"', html)}
    values.update({name: text for name, text in re.findall(
        r'<textarea[^>]*name="([a-z_]+)"[^>]*>\s*([^<]*)</textarea>', html)})
    values["language"] = "fr"
    values.pop("csrf_token", None)
    values.update(changes)
    return values


def test_the_form_shows_what_site_toml_holds(client, auth, people) -> None:
    auth.login("chef@example.org")
    page = client.get(URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Saint-Aubin en commun"' in html
    assert 'value="20, 50, 100, 250"' in html
    assert 'value="https://mastodon.example/@saintaubinencommun"' in html
    assert 'value="Association Hébergement Solidaire"' in html


def test_saving_rewrites_site_toml_and_the_public_site(client, auth, people, content) -> None:
    path = content / "demo" / "site.toml"
    path.write_text("# Écrit à la main : garder ce commentaire\n" + path.read_text("utf-8"),
                    encoding="utf-8")
    auth.login("chef@example.org")
    response = client.post(URL, data=_form(
        client, title="Saint-Aubin demain", presets="10, 30, 75",
        social_bluesky="https://bsky.example/saintaubin", social_peertube="",
        hebergeur_phone="02 43 11 11 11"))
    assert response.status_code == 303, response.get_data(as_text=True)
    text = path.read_text("utf-8")
    assert text.startswith("# Écrit à la main : garder ce commentaire\n")
    data = tomllib.loads(text)
    assert data["title"] == "Saint-Aubin demain"
    assert data["donations"] == {"montants": [10, 30, 75]}  # the key the file already used
    assert data["social"] == {"mastodon": "https://mastodon.example/@saintaubinencommun",
                              "bluesky": "https://bsky.example/saintaubin"}
    assert data["legal"]["hebergeur"]["phone"] == "02 43 11 11 11"
    assert len(data["navigation"]) == 5 and data["theme"]["name"] == "base"  # untouched
    home = client.get("/", base_url="http://localhost").get_data(as_text=True)
    assert "Saint-Aubin demain" in home
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.settings"))
    assert row is not None and row.site_id == people["site_admin"].memberships[0].site_id
    changes = json.loads(row.details)["changes"]
    assert changes["title"] == ["Saint-Aubin en commun", "Saint-Aubin demain"]
    assert changes["presets"] == [[20, 50, 100, 250], [10, 30, 75]]


def test_a_wrong_value_is_refused_next_to_its_field(client, auth, people, content) -> None:
    before = (content / "demo" / "site.toml").read_text("utf-8")
    auth.login("chef@example.org")
    response = client.post(URL, data=_form(client, base_url="ftp://exemple", presets="20, 5000",
                                           social_mastodon="http://pas-https.example",
                                           title="Titre tapé"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="base_url-error"' in html and "https://www.ma-liste.fr" in html
    assert 'id="presets-error"' in html and "4 600 €" in html
    assert 'id="social_mastodon-error"' in html
    assert 'value="Titre tapé"' in html and 'value="ftp://exemple"' in html  # kept
    assert (content / "demo" / "site.toml").read_text("utf-8") == before
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.settings")) \
        is None


def test_an_editor_cannot_open_the_settings(client, auth, people) -> None:
    auth.login("editor@example.org")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"title": "Piraté"}).status_code == 403


def test_only_the_installation_admin_names_hosts(client, auth, people, content) -> None:
    rival_site(content)
    auth.login("chef@example.org")
    assert client.get("/admin/sites/demo/hotes").status_code == 403
    client.post("/admin/logout")
    auth.login("admin@example.org")
    taken = client.post("/admin/sites/demo/hotes", data={"hosts": "localhost\nrivale.example"})
    assert taken.status_code == 422
    assert "déjà utilisé par le site « rivale »" in taken.get_data(as_text=True)
    done = client.post("/admin/sites/demo/hotes",
                       data={"hosts": "localhost\nWWW.Saint-Aubin.example"})
    assert done.status_code == 303
    hosts = set(db.session.scalars(select(SiteHost.host).where(
        SiteHost.site_id == people["editor"].memberships[0].site_id)))
    assert hosts == {"localhost", "www.saint-aubin.example"}
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.hosts"))
    assert row is not None and "127.0.0.1" in row.details


def test_the_installation_admin_sees_every_site(client, auth, people, content) -> None:
    rival_site(content)
    auth.login("admin@example.org")
    html = client.get("/admin/sites/").get_data(as_text=True)
    assert "Liste rivale" in html and "Saint-Aubin" in html
    client.post("/admin/logout")
    auth.login("chef@example.org")
    html = client.get("/admin/sites/").get_data(as_text=True)
    assert "Liste rivale" not in html and "/admin/sites/demo/reglages" in html


def test_site_folder_path_is_the_sites(people, content: Path) -> None:
    from app.siteadmin.actions import site_folder
    from tests.factories import demo_site

    assert site_folder(demo_site()) == content / "demo"
