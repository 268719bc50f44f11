"""Menus and theme over HTTP: reordering, renaming, adding pages and links (site.toml written
back, the public navigation changed at once), the theme's contrast refusal with its ratio, the
live preview, and every new route closed to an editor of another site."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from app.campaigns.service import create_site
from tests.factories import create_user, tx


def nav(content_copy: Path) -> list[str]:
    data = tomllib.loads((content_copy.parent / "site.toml").read_text(encoding="utf-8"))
    return [entry["label"] for entry in data.get("navigation", [])]


def version(client: Any) -> str:
    page = client.get("/admin/menus/demo/").get_data(as_text=True)
    found = re.search(r'name="version" value="([^"]+)"', page)
    assert found
    return found.group(1)


def public_menu(client: Any) -> list[str]:
    html = client.get("/", headers={"Host": "127.0.0.1"}).get_data(as_text=True)
    nav_html = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    assert nav_html
    return [re.sub(r"<[^>]+>", "", a).strip()
            for a in re.findall(r"<a [^>]*>(.*?)</a>", nav_html.group(1), re.S)]


def test_moving_renaming_adding_and_removing_menu_entries(editor_login: Any,
                                                         content_copy: Path) -> None:
    text_before = (content_copy.parent / "site.toml").read_text(encoding="utf-8")
    assert nav(content_copy)[:2] == ["Accueil", "Programme"]
    response = editor_login.post("/admin/menus/demo/changer", data={
        "op": "descendre", "index": "0", "version": version(editor_login)})
    assert response.status_code == 302
    assert nav(content_copy)[:2] == ["Programme", "Accueil"]
    assert public_menu(editor_login)[0] == "Programme"
    # a stale form is refused, nothing written
    stale = editor_login.post("/admin/menus/demo/changer", data={
        "op": "monter", "index": "1", "version": "0000"})
    assert stale.status_code == 409 and nav(content_copy)[:2] == ["Programme", "Accueil"]
    editor_login.post("/admin/menus/demo/changer", data={
        "op": "renommer", "index": "1", "label": "Bienvenue", "version": version(editor_login)})
    assert nav(content_copy)[1] == "Bienvenue"
    editor_login.post("/admin/menus/demo/changer", data={
        "op": "lien", "label": "Notre chaîne", "url": "https://video.example/c/saint-aubin",
        "version": version(editor_login)})
    assert nav(content_copy)[-1] == "Notre chaîne"
    for bad in ("javascript:alert(1)", "ftp://x.example/", "/local", "https://"):
        refused = editor_login.post("/admin/menus/demo/changer", data={
            "op": "lien", "label": "Piège", "url": bad, "version": version(editor_login)})
        assert refused.status_code == 422, bad
        assert "refusée" in refused.get_data(as_text=True)
    editor_login.post("/admin/menus/demo/changer", data={
        "op": "page", "page": "/don", "label": "", "version": version(editor_login)})
    assert nav(content_copy)[-1].startswith("Faire un don")
    editor_login.post("/admin/menus/demo/changer", data={
        "op": "ordre", "order": ",".join(str(i) for i in reversed(range(7))),
        "version": version(editor_login)})
    assert nav(content_copy)[0].startswith("Faire un don")
    editor_login.post("/admin/menus/demo/changer", data={
        "op": "retirer", "index": "0", "version": version(editor_login)})
    assert "Piège" not in nav(content_copy) and len(nav(content_copy)) == 6
    text_after = (content_copy.parent / "site.toml").read_text(encoding="utf-8")
    assert "[legal.hebergeur]" in text_after and text_after != text_before


@pytest.fixture
def site_admin(client: Any, auth: Any, demo_site: Any) -> Any:
    create_user("admin-site@example.org", "site_admin")
    auth.login("admin-site@example.org")
    return client


def colour_form(client: Any, **changes: str) -> dict[str, str]:
    page = client.get("/admin/theme/demo/").get_data(as_text=True)
    form = page.split('id="theme-form"', 1)[1].split("</form>", 1)[0]
    data = {}
    for name, value in re.findall(r'<input[^>]*name="(reglage-[\w]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for name in re.findall(r'<select id="(reglage-[\w]+)"', form):
        chosen = re.search(rf'<select id="{name}".*?<option value="([^"]*)"[^>]*selected', form,
                           re.S)
        data[name] = chosen.group(1) if chosen else ""
    data.update({f"reglage-{k}": v for k, v in changes.items()})
    return data


def test_a_low_contrast_colour_is_refused_with_its_ratio(site_admin: Any,
                                                         content_copy: Path) -> None:
    before = (content_copy.parent / "site.toml").read_text(encoding="utf-8")
    refused = site_admin.post("/admin/theme/demo/reglages",
                              data=colour_form(site_admin, couleur_texte="#aaaaaa"))
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Contraste insuffisant" in text and "2,32:1" in text and "4,5:1" in text
    assert (content_copy.parent / "site.toml").read_text(encoding="utf-8") == before
    saved = site_admin.post("/admin/theme/demo/reglages",
                            data=colour_form(site_admin, couleur_principale="#7c2d12"))
    assert saved.status_code == 302
    data = tomllib.loads((content_copy.parent / "site.toml").read_text(encoding="utf-8"))
    assert data["theme"]["settings"]["couleur_principale"] == "#7c2d12"
    assert data["theme"]["settings"]["slogan"] == "Une ville à vivre, ensemble."
    css = site_admin.get("/_theme/settings.css", headers={"Host": "127.0.0.1"})
    assert "--couleur-principale: #7c2d12;" in css.get_data(as_text=True)


def test_the_preview_shows_unsaved_settings_and_the_theme_can_change(
        site_admin: Any, content_copy: Path) -> None:
    before = (content_copy.parent / "site.toml").read_text(encoding="utf-8")
    preview = site_admin.post("/admin/theme/demo/apercu", data=colour_form(
        site_admin, couleur_principale="#065f46", slogan="Essai de slogan"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Essai de slogan" in html
    css_url = re.search(r'href="(/admin/theme/demo/apercu\.css[^"]+)"', html)
    assert css_url
    css = site_admin.get(css_url.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "--couleur-principale: #065f46;" in css
    assert (content_copy.parent / "site.toml").read_text(encoding="utf-8") == before
    assert site_admin.get("/admin/theme/demo/vignette/moderne.svg").mimetype == "image/svg+xml"
    assert site_admin.post("/admin/theme/demo/choisir", data={"theme": "moderne"}).status_code \
        == 302
    data = tomllib.loads((content_copy.parent / "site.toml").read_text(encoding="utf-8"))
    assert data["theme"]["name"] == "moderne"
    assert site_admin.post("/admin/theme/demo/choisir", data={"theme": "../x"}).status_code \
        == 422


def test_an_editor_cannot_set_the_theme(editor_login: Any) -> None:
    assert editor_login.get("/admin/theme/demo/").status_code == 403
    assert editor_login.post("/admin/theme/demo/choisir", data={"theme": "moderne"}) \
        .status_code == 403


ROUTES = [
    ("get", "/admin/medias/demo/"), ("post", "/admin/medias/demo/envoyer"),
    ("post", "/admin/medias/demo/logo.svg/description"),
    ("post", "/admin/medias/demo/place-du-marche.jpg/supprimer"),
    ("get", "/admin/medias/demo/fichier/place-du-marche.jpg"),
    ("get", "/admin/medias/demo/images.json"), ("get", "/admin/medias/demo/vignette/logo.svg"),
    ("get", "/admin/menus/demo/"), ("post", "/admin/menus/demo/changer"),
    ("get", "/admin/theme/demo/"), ("post", "/admin/theme/demo/choisir"),
    ("post", "/admin/theme/demo/reglages"), ("get", "/admin/theme/demo/apercu"),
    ("post", "/admin/theme/demo/apercu"), ("get", "/admin/theme/demo/apercu.css"),
    ("get", "/admin/theme/demo/vignette/base.svg"),
]


def test_every_new_route_is_closed_to_another_sites_editor(
        client: Any, auth: Any, users: Any, tmp_path: Path, content_copy: Path) -> None:
    rival = tx(create_site, "rival", "Liste rivale")
    create_user("rival@example.org", "editor", sites=[rival])
    create_user("rival-admin@example.org", "site_admin", sites=[rival])
    site_toml = (content_copy.parent / "site.toml").read_text(encoding="utf-8")
    for email in ("rival@example.org", "rival-admin@example.org"):
        auth.login(email)
        for method, url in ROUTES:
            response = getattr(client, method)(url, data={"op": "retirer", "index": "0",
                                                          "theme": "moderne", "alt": "x"})
            assert response.status_code == 404, (email, method, url)
        auth.logout()
    assert (content_copy.parent / "site.toml").read_text(encoding="utf-8") == site_toml
    assert (content_copy.parent / "media" / "place-du-marche.jpg").is_file()
