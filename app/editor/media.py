"""A site's media library: ``content/<site>/media/`` and what is known of each file.

The folder stays the truth: the files are in ``media/``, and their description (alt text,
SHA-256, size, type, who sent them and when) in ``content/<site>/media.json`` beside
``site.toml`` (not under ``media/``, so never served). A file copied into ``media/`` by hand
simply has no description yet.

An upload is checked by its content, never by its name: the first bytes must be those of a
JPEG, PNG, WebP, GIF or PDF, and an image must open and verify with Pillow. SVG is refused
(an SVG can carry a script; sanitising it is not worth the risk). The upload is streamed to a
temporary file of the folder, then linked under a fresh, safe name (``os.link`` never replaces
a file), so a refused or interrupted upload leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from PIL import Image

from app.fileutil import atomic_write_text

META_FILE = "media.json"
LOCK_FILE = ".media.lock"
#: Detected kind → (extension, MIME type, French label).
KINDS: dict[str, tuple[str, str, str]] = {
    "jpeg": ("jpg", "image/jpeg", "image JPEG"),
    "png": ("png", "image/png", "image PNG"),
    "webp": ("webp", "image/webp", "image WebP"),
    "gif": ("gif", "image/gif", "image GIF"),
    "pdf": ("pdf", "application/pdf", "document PDF"),
}
IMAGE_KINDS = frozenset({"jpeg", "png", "webp", "gif"})
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}
#: Larger pictures are refused: decoding one would take the server's memory.
MAX_PIXELS = 40_000_000
EXTENSION_KIND = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif",
                  "pdf": "pdf", "svg": "svg"}
CHUNK = 1 << 16


class MediaError(ValueError):
    """A refused upload or change, with its French explanation."""


@dataclass(frozen=True)
class Usage:
    where: str  # French: « la page « Programme » (programme.md) »
    page_path: str = ""


@dataclass
class MediaFile:
    name: str
    kind: str
    size: int
    alt: str = ""
    sha256: str = ""
    width: int = 0
    height: int = 0
    uploaded_by: str = ""
    uploaded_at: str = ""
    usages: list[Usage] = field(default_factory=list)

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS or self.kind == "svg"

    @property
    def label(self) -> str:
        return KINDS[self.kind][2] if self.kind in KINDS else self.kind.upper()

    @property
    def url(self) -> str:
        return f"/media/{self.name}"


def sniff(head: bytes) -> str | None:
    """The kind of file its first bytes say it is (``svg`` included, to refuse it by name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]:
        return "svg"
    return None


def size_text(size: int) -> str:
    """« 2,4 Mo », « 830 ko »."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1000))} ko"


def safe_stem(filename: str) -> str:
    """A plain name from what the person's computer called the file: lower-case ASCII,
    digits and hyphens (« Photo d'équipe (2).JPG » → ``photo-d-equipe-2``)."""
    stem = Path(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug if slug and not slug.startswith("_") else "fichier"


class MediaLibrary:
    """The media of one site folder (``content/<site>``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.media = folder / "media"

    # ------------------------------------------------------------------ description
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One change at a time, across the server's processes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_meta(self) -> dict[str, dict[str, Any]]:
        path = self.folder / META_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        return {k: v for k, v in (files or {}).items() if isinstance(v, dict)}

    def write_meta(self, files: dict[str, dict[str, Any]]) -> None:
        text = json.dumps({"files": dict(sorted(files.items()))}, ensure_ascii=False, indent=2)
        atomic_write_text(self.folder / META_FILE, text + "\n")

    # ------------------------------------------------------------------ listing
    def names(self) -> list[str]:
        if not self.media.is_dir():
            return []
        return sorted(p.name for p in self.media.iterdir()
                      if p.is_file() and not p.name.startswith((".", "_")))

    def files(self) -> list[MediaFile]:
        meta = self.read_meta()
        found = []
        for name in self.names():
            info = meta.get(name, {})
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            kind = str(info.get("kind") or EXTENSION_KIND.get(extension, extension or "?"))
            found.append(MediaFile(
                name=name, kind=kind, size=(self.media / name).stat().st_size,
                alt=str(info.get("alt", "")), sha256=str(info.get("sha256", "")),
                width=int(info.get("width", 0)), height=int(info.get("height", 0)),
                uploaded_by=str(info.get("uploaded_by", "")),
                uploaded_at=str(info.get("uploaded_at", ""))))
        return found

    def get(self, name: str) -> MediaFile | None:
        return next((f for f in self.files() if f.name == name), None)

    # ------------------------------------------------------------------ upload
    def store(self, stream: IO[bytes], filename: str, alt: str, max_bytes: int,
              uploaded_by: str) -> MediaFile:
        """Check ``stream`` and keep it under a fresh name; MediaError (nothing kept) if not."""
        self.media.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=".upload-", dir=self.media)
        temp = Path(temp_name)
        try:
            digest, size, head = hashlib.sha256(), 0, b""
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaError(too_large_message(max_bytes))
                    if len(head) < 2048:
                        head += chunk[:2048 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise MediaError("Le fichier est vide : rien n’a été enregistré.")
            kind = sniff(head)
            width, height = self._check(temp, kind, filename)
            assert kind is not None
            with self.locked():
                meta = self.read_meta()
                sha = digest.hexdigest()
                twin = next((n for n, info in meta.items()
                             if info.get("sha256") == sha and (self.media / n).is_file()), None)
                if twin:
                    raise MediaError(f"Ce fichier est déjà dans la médiathèque sous le nom "
                                     f"« {twin} » : rien n’a été ajouté.")
                name = self._link_fresh(temp, safe_stem(filename), KINDS[kind][0])
                meta[name] = {
                    "alt": alt.strip(), "sha256": sha, "size": size, "kind": kind,
                    "type": KINDS[kind][1], "width": width, "height": height,
                    "uploaded_by": uploaded_by,
                    "uploaded_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
                self.write_meta(meta)
        finally:
            temp.unlink(missing_ok=True)
        found = self.get(name)
        assert found is not None
        return found

    def _check(self, path: Path, kind: str | None, filename: str) -> tuple[int, int]:
        """Refuse what is not what we accept (French); the picture's size for an image."""
        if kind == "svg" or (kind is None and filename.lower().endswith(".svg")):
            raise MediaError("Les images SVG sont refusées : elles peuvent contenir du code "
                             "qui s’exécuterait chez les visiteurs. Enregistrez l’image en PNG "
                             "(ou demandez le logo en PNG) puis envoyez ce fichier. Rien n’a "
                             "été enregistré.")
        if kind is None:
            raise MediaError(
                f"« {Path(filename).name} » n’est ni une image (JPEG, PNG, WebP, GIF) ni un "
                "document PDF : son contenu a été vérifié, pas seulement son nom. Rien n’a été "
                "enregistré.")
        if kind == "pdf":
            with open(path, "rb") as handle:
                handle.seek(max(0, path.stat().st_size - 2048))
                if b"%%EOF" not in handle.read():
                    raise MediaError("Ce PDF est incomplet ou abîmé : rien n’a été enregistré.")
            return 0, 0
        broken = MediaError(f"Cette {KINDS[kind][2]} est abîmée ou incomplète : elle ne "
                            "s’ouvre pas. Rien n’a été enregistré.")
        try:
            with Image.open(path) as image:
                if image.format != PILLOW_FORMATS[kind]:
                    raise broken
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise MediaError(f"Image trop grande ({width} × {height} pixels) : réduisez-"
                                     "la à moins de 40 millions de pixels. Rien n’a été "
                                     "enregistré.")
                image.verify()
            with Image.open(path) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise broken from None
        return width, height

    def _link_fresh(self, temp: Path, stem: str, extension: str) -> str:
        # A stem is the file's key for its resized versions (media/_img/<w>/<stem>.webp, the
        # thumbnails): « photo.png » and « photo.jpg » would share them, so a stem already
        # taken under any extension is not given again.
        taken = {path.stem.lower() for path in self.media.iterdir() if path.is_file()} \
            if self.media.is_dir() else set()
        for n in range(1, 1000):
            fresh = stem if n == 1 else f"{stem}-{n}"
            if fresh.lower() in taken:
                continue
            name = f"{fresh}.{extension}"
            try:
                os.link(temp, self.media / name)
            except FileExistsError:
                continue
            return name
        raise MediaError("Trop de fichiers portent déjà ce nom : renommez le fichier.")

    # ------------------------------------------------------------------ changes
    def set_alt(self, name: str, alt: str) -> tuple[str, str]:
        """The alt text before and after."""
        with self.locked():
            if not (self.media / name).is_file() or name not in self.names():
                raise MediaError("Ce fichier n’est plus dans la médiathèque.")
            meta = self.read_meta()
            info = meta.setdefault(name, {})
            before = str(info.get("alt", ""))
            info["alt"] = alt.strip()
            self.write_meta(meta)
        return before, alt.strip()

    def delete(self, name: str, usages: list[Usage]) -> dict[str, Any]:
        """Remove a file no page or setting uses; what was known of it."""
        if usages:
            listed = " ; ".join(u.where for u in usages)
            raise MediaError(f"« {name} » est encore utilisé : {listed}. Retirez-le de ces "
                             "pages ou réglages, puis supprimez-le.")
        with self.locked():
            if name not in self.names():
                raise MediaError("Ce fichier n’est plus dans la médiathèque.")
            meta = self.read_meta()
            info = meta.pop(name, {})
            (self.media / name).unlink()
            self.write_meta(meta)
        return info


def too_large_message(max_bytes: int) -> str:
    return (f"Fichier trop lourd : la limite est de {size_text(max_bytes)} par fichier. "
            "Réduisez l’image (ou compressez le PDF) puis envoyez-la à nouveau. Rien n’a été "
            "enregistré.")


def reference_pattern(name: str) -> re.Pattern[str]:
    """``media/<name>`` or ``/media/<name>`` as a whole path."""
    return re.compile(r"(?<![\w./-])/?media/" + re.escape(name) + r"(?![\w.-])")


def setting_usages(name: str, raw: dict[str, Any], labels: dict[str, str]) -> list[Usage]:
    """Where ``site.toml`` names the file (the theme's logo and photos, the share image…)."""
    pattern = reference_pattern(name)
    found: list[Usage] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for item in value:
                walk(item, where)
        elif isinstance(value, str) and pattern.search(value):
            key = where.rsplit(".", 1)[-1]
            label = labels.get(key) if where.startswith("theme.settings.") else None
            found.append(Usage(f"le réglage du thème « {label} »" if label
                               else f"le réglage « {where} » de site.toml"))

    walk(raw, "")
    return found


def page_usages(name: str, pages: list[tuple[str, str, str]]) -> list[Usage]:
    """``pages``: (path, title, text) of each page, published or draft."""
    pattern = reference_pattern(name)
    return [Usage(f"la page « {title or path} » ({path})", path)
            for path, title, text in pages if pattern.search(text)]
