"""Media library, menu and theme in real Chromium (issue 11, acceptance 2, 3 and 4): refused
uploads say why in French and store nothing, an image without alt text cannot be inserted, a
theme colour changes the public site while a low contrast is refused with its ratio, and the
menu reordered with the keyboard alone changes the public navigation. The screenshots go to
docs/images/site/ for docs/guide-redaction.md."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from tests.factories import create_user
from tests.support.browser import staff_login
from tests.support.paths import ROOT

SHOTS = ROOT / "docs" / "images" / "site"


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    yield target / "demo"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "#2f6f4f").save(out, "JPEG")
    return out.getvalue()


def files(folder: Path) -> set[str]:
    return {p.name for p in (folder / "media").iterdir()}


def send(page: Any, name: str, data: bytes, mime: str, sent: bool = True) -> None:
    page.get_by_label("Fichier (image JPEG, PNG, WebP, GIF ou document PDF)").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data})
    button = page.get_by_role("button", name="Envoyer le fichier")
    if not sent:  # refused in the page itself, before sending
        button.click()
        return
    with page.expect_navigation():
        button.click()


def submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def enter(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_refused_uploads_and_an_image_without_alt_text(page, live_server, users,
                                                       content_copy: Path) -> None:
    base = live_server.url
    staff_login(page, base, "editor@example.org")
    page.goto(f"{base}/admin/medias/demo/")
    before = files(content_copy)
    send(page, "affiche-geante.jpg", b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024),
         "image/jpeg", sent=False)
    alert = page.get_by_role("alert")
    assert "Fichier trop lourd : la limite est de 10,5 Mo" in alert.inner_text()
    send(page, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 5000, "image/jpeg")
    assert "n’est ni une image" in page.get_by_role("alert").inner_text()
    shot(page, "mediatheque-refus")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    send(page, "logo.svg", svg, "image/svg+xml")
    assert "Les images SVG sont refusées" in page.get_by_role("alert").inner_text()
    assert files(content_copy) == before
    assert not (content_copy / "media.json").exists()
    send(page, "Tract marché.jpg", jpeg(), "image/jpeg")
    assert "tract-marche.jpg" in files(content_copy)
    assert "Sans description" in page.locator("#media-tract-marche\\.jpg").inner_text()
    shot(page, "mediatheque")
    # the page editor's « Image » button refuses it until it is described
    page.goto(f"{base}/admin/pages/")
    page.get_by_role("link", name="Programme").first.click()
    page.wait_for_selector("form[data-mode=visual]")
    body_before = page.input_value("#body")
    page.get_by_role("toolbar", name="Mise en forme").get_by_role("button", name="Image").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Insérer tract-marche.jpg").click()
    assert "n’a pas de description" in dialog.get_by_role("alert").inner_text()
    shot(page, "image-sans-description")
    dialog.get_by_role("button", name="Annuler").click()
    page.wait_for_selector("dialog", state="detached")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert "tract-marche" not in page.input_value("#body")
    assert not any("tract-marche" in f.read_text() for f in (content_copy / "pages").rglob("*.md"))
    assert body_before


def test_a_theme_colour_changes_the_public_site_and_a_low_contrast_is_refused(
        page, live_server, users, content_copy: Path) -> None:
    base = live_server.url
    create_user("admin-site@example.org", "site_admin")
    staff_login(page, base, "admin-site@example.org")
    page.goto(f"{base}/admin/theme/demo/")
    page.get_by_label("Couleur principale", exact=True).fill("#7c2d12")
    frame = page.frame_locator("#theme-preview")
    page.wait_for_function(
        """() => { const d = document.getElementById('theme-preview').contentDocument;
                   return d && d.defaultView && d.documentElement &&
                     d.defaultView.getComputedStyle(d.documentElement)
                     .getPropertyValue('--couleur-principale').trim() === '#7c2d12' }""")
    assert frame.locator("body").count() == 1
    shot(page, "theme")
    submit(page, "Enregistrer les réglages")
    assert "Réglages du thème enregistrés" in page.inner_text("main")
    public = page.context.new_page()
    public.goto(f"{base}/")
    colour = public.evaluate("getComputedStyle(document.documentElement)"
                             ".getPropertyValue('--couleur-principale').trim()")
    assert colour == "#7c2d12"
    page.get_by_label("Couleur du texte", exact=True).fill("#aaaaaa")
    submit(page, "Enregistrer les réglages")
    errors = page.get_by_role("alert").inner_text()
    assert "Contraste insuffisant" in errors and "2,32:1" in errors and "4,5:1" in errors
    shot(page, "theme-contraste")
    public.reload()
    assert public.evaluate("getComputedStyle(document.documentElement)"
                           ".getPropertyValue('--couleur-texte').trim()") != "#aaaaaa"


def test_the_menu_reordered_with_the_keyboard_alone_changes_the_public_navigation(
        page, live_server, users, content_copy: Path) -> None:
    base = live_server.url
    staff_login(page, base, "editor@example.org")
    page.goto(f"{base}/admin/menus/demo/")
    target = "Descendre « Accueil »"
    for _ in range(80):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")
        if name == target:
            break
    else:
        pytest.fail(f"« {target} » introuvable au clavier")
    enter(page)
    # the moved entry keeps the focus on its own button: Enter again moves it once more
    focused = page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")
    assert focused == target
    enter(page)
    assert "est maintenant en position 3" in page.inner_text("main")
    shot(page, "menu")
    page.goto(f"{base}/")
    labels = [t.strip() for t in page.locator("header nav a").all_inner_texts()]
    assert labels[:3] == ["Programme", "L'équipe", "Accueil"], labels
