"""The media library over HTTP: uploads checked by their content (413, SVG, a .exe renamed
.jpg, nothing stored on refusal), alt text, usages, refused deletion, search, the picker."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.audit import AuditEntry
from app.extensions import db


def jpeg(width: int = 1200, height: int = 800, colour: str = "#336699") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def media_dir(content_copy: Path) -> Path:
    return content_copy.parent / "media"


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def upload(client: Any, data: bytes, name: str, alt: str = "") -> Any:
    # Encoded in memory: werkzeug's own encoder spools a large body to a temporary file that
    # nobody closes when the app refuses the request without reading it.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name), "alt": alt})
    return client.post("/admin/medias/demo/envoyer", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_a_jpeg_is_stored_under_a_safe_name_with_its_description(
        editor_login: Any, content_copy: Path, app: Any) -> None:
    response = upload(editor_login, jpeg(), "Photo d'équipe (2).JPG", "L’équipe au marché")
    assert response.status_code == 302
    folder = media_dir(content_copy)
    assert (folder / "photo-d-equipe-2.jpg").is_file()
    meta = json.loads((content_copy.parent / "media.json").read_text())["files"]
    info = meta["photo-d-equipe-2.jpg"]
    assert info["alt"] == "L’équipe au marché" and info["kind"] == "jpeg"
    assert info["width"] == 1200 and len(info["sha256"]) == 64
    page = editor_login.get("/admin/medias/demo/").get_data(as_text=True)
    assert "photo-d-equipe-2.jpg" in page and "L’équipe au marché" in page
    # the responsive sizes were made at once
    cache = Path(app.instance_path) / "cache" / "images" / "demo"
    assert (cache / "480" / "photo-d-equipe-2.webp").is_file()
    assert (cache / "960" / "photo-d-equipe-2.jpg").is_file()
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "media.upload"))
    assert row is not None and row.details_dict["file"] == "photo-d-equipe-2.jpg"
    # the same name again gets a fresh one; the same bytes again are refused
    assert upload(editor_login, jpeg(colour="#993366"), "photo d'equipe 2.jpg").status_code == 302
    assert (folder / "photo-d-equipe-2-2.jpg").is_file()
    again = upload(editor_login, jpeg(), "autre.jpg")
    assert again.status_code == 422 and "déjà dans la médiathèque" in again.get_data(as_text=True)


def test_refused_uploads_store_nothing_and_say_why_in_french(
        editor_login: Any, content_copy: Path, app: Any) -> None:
    folder = media_dir(content_copy)
    before = listing(folder)
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000
    refused = upload(editor_login, exe, "photo.jpg")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "n’est ni une image" in text and "son contenu a été vérifié" in text
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = upload(editor_login, svg, "logo.png")
    assert refused.status_code == 422 and "SVG sont refusées" in refused.get_data(as_text=True)
    refused = upload(editor_login, svg, "logo.svg")
    assert refused.status_code == 422 and "SVG sont refusées" in refused.get_data(as_text=True)
    broken = jpeg()[:600]
    refused = upload(editor_login, broken, "coupee.jpg")
    assert refused.status_code == 422 and "abîmée" in refused.get_data(as_text=True)
    pdf = upload(editor_login, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "Tract.pdf")
    assert pdf.status_code == 302 and (folder / "tract.pdf").is_file()
    assert listing(folder) - before == {"tract.pdf"}  # no temporary file left behind
    with editor_login.get("/media/tract.pdf") as served:  # downloaded, never shown inline
        assert served.status_code == 200 and served.mimetype == "application/pdf"
        assert served.headers["Content-Disposition"].startswith("attachment")
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_30_mb_upload_is_refused_before_it_is_read(
        editor_login: Any, content_copy: Path, app: Any) -> None:
    folder = media_dir(content_copy)
    before = listing(folder)
    big = b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024)
    response = upload(editor_login, big, "enorme.jpg")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Fichier trop lourd : la limite est de 10,5 Mo" in text
    assert "Médiathèque" in text  # the library page itself, with its upload form
    assert listing(folder) == before
    # the limit is a setting: just over it is refused by the check while streaming
    app.config["ESTRADE_MEDIA_MAX_BYTES"] = 50_000
    response = upload(editor_login, jpeg(2000, 2000) + b"\x00" * 60_000, "lourde.jpg")
    assert response.status_code in (413, 422)
    assert "Fichier trop lourd" in response.get_data(as_text=True)
    assert listing(folder) == before


def test_alt_text_usages_search_and_deletion(editor_login: Any, content_copy: Path) -> None:
    upload(editor_login, jpeg(), "affiche.jpg")
    page = editor_login.get("/admin/medias/demo/").get_data(as_text=True)
    assert "Sans description : ne peut pas être insérée" in page
    picker = editor_login.get("/admin/medias/demo/images.json").get_json()
    item = next(i for i in picker["images"] if i["name"] == "affiche.jpg")
    assert item["alt"] == "" and item["url"] == "/media/affiche.jpg"
    response = editor_login.post("/admin/medias/demo/affiche.jpg/description",
                                 data={"alt": "L’affiche de la campagne"})
    assert response.status_code == 302
    picker = editor_login.get("/admin/medias/demo/images.json").get_json()
    assert next(i for i in picker["images"] if i["name"] == "affiche.jpg")["alt"]
    found = editor_login.get("/admin/medias/demo/?q=affiche+de+la").get_data(as_text=True)
    assert "affiche.jpg" in found and "reunion-publique.jpg" not in found
    # used by a page (the news item) and by a theme setting: deletion refused, listing where
    used = editor_login.post("/admin/medias/demo/reunion-publique.jpg/supprimer")
    assert used.status_code == 409
    text = used.get_data(as_text=True)
    assert "est encore utilisé" in text and "reunion-publique-gare.md" in text
    assert (media_dir(content_copy) / "reunion-publique.jpg").is_file()
    logo = editor_login.post("/admin/medias/demo/logo.svg/supprimer").get_data(as_text=True)
    assert "le réglage du thème « Logo »" in logo
    assert editor_login.post("/admin/medias/demo/affiche.jpg/supprimer").status_code == 302
    assert not (media_dir(content_copy) / "affiche.jpg").exists()
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"media.upload", "media.alt", "media.delete"} <= actions


def test_the_thumbnail_is_served_to_members_only(editor_login: Any) -> None:
    with editor_login.get("/admin/medias/demo/vignette/place-du-marche.jpg") as response:
        assert response.status_code == 200 and response.mimetype == "image/webp"
    assert editor_login.get("/admin/medias/demo/fichier/..%2Fsite.toml").status_code != 200
    assert editor_login.get("/admin/medias/demo/fichier/media.json").status_code == 404


def test_one_stem_under_two_extensions_gets_two_names(
        editor_login: Any, content_copy: Path, app: Any) -> None:
    """Resized versions are keyed by the stem: « photo.png » then « photo.jpg » would show
    one another's picture (review finding)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "#cc0000").save(buffer, "PNG")
    assert upload(editor_login, buffer.getvalue(), "photo.png", "Rouge").status_code == 302
    assert upload(editor_login, jpeg(colour="#0000cc"), "photo.jpg", "Bleu").status_code == 302
    names = sorted(p.name for p in media_dir(content_copy).iterdir() if p.name.startswith(
        "photo"))
    assert names == ["photo-2.jpg", "photo.png"]
