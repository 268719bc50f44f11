"""The media library, menu and theme pages under the outside judges (Nu HTML checker,
axe-core, broken links) at desktop and phone widths, with what they link to saved beside them;
the library shows a refused upload and the theme form a refused contrast, as staff see them."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.factories import create_user
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


def save(client, out: Path, url: str, data: bytes | None = None) -> str:
    if data is None:
        with client.get(url, follow_redirects=True) as response:  # streamed: closed here
            response.make_sequence()
        assert response.status_code == 200, url
        data, mimetype = response.data, response.mimetype
    else:
        mimetype = "text/html"
    target = out / url.lstrip("/")
    if url.endswith("/") or mimetype == "text/html":
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return data.decode() if mimetype == "text/html" else ""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_media_menu_and_theme_pages_pass_the_judges(client, auth, demo_site,
                                                    tmp_path: Path) -> None:
    create_user("admin-site@example.org", "site_admin")
    auth.login("admin-site@example.org")
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), "#336699").save(picture, "JPEG")
    client.post("/admin/medias/demo/envoyer", data={
        "file": (io.BytesIO(picture.getvalue()), "affiche.jpg"), "alt": ""},
        content_type="multipart/form-data")
    out = tmp_path / "site-builder"
    pages = ["/admin/medias/demo/", "/admin/menus/demo/", "/admin/theme/demo/"]
    linked: set[str] = set()
    for url in pages:
        linked |= set(re.findall(r'(?:href|src)="(/[^"#?]*)"', save(client, out, url)))
    refused = client.post("/admin/medias/demo/envoyer", data={
        "file": (io.BytesIO(b"MZ" + b"\x00" * 100), "photo.jpg")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    save(client, out, "/admin/medias/refus/", refused.data)
    page = client.get("/admin/theme/demo/").get_data(as_text=True)
    form = page.split('id="theme-form"', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'<input[^>]*name="(reglage-[\w]+)"[^>]*value="([^"]*)"', form))
    data["reglage-couleur_texte"] = "#aaaaaa"
    low = client.post("/admin/theme/demo/reglages", data=data)
    assert low.status_code == 422 and "2,32:1" in low.get_data(as_text=True)
    save(client, out, "/admin/theme/contraste/", low.data)
    pages += ["/admin/medias/refus/", "/admin/theme/contraste/"]
    for _depth in range(2):  # the pages linked, and what the theme's preview itself loads
        found: set[str] = set()
        for url in sorted(linked - set(pages)):
            done = out / url.lstrip("/")
            if url.startswith(("/static/", "/admin/logout")) or done.is_file() or (
                    done / "index.html").is_file():
                continue
            html = save(client, out, url)
            found |= set(re.findall(r'(?:href|src)="(/[^"#? ]*)', html))
            for srcset in re.findall(r'srcset="([^"]*)"', html):
                found |= {part.split()[0] for part in srcset.split(",") if part.strip()}
        linked = found
    shutil.copytree(ROOT / "app" / "static", out / "static")
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *pages, "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
