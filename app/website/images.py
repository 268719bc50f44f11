"""Responsive images: sizes generated with Pillow (WebP and the original format).

A page's ``<img src="/media/photo.jpg" alt="…">`` becomes a ``<picture>`` with a WebP
``<source>``, ``srcset``/``sizes``, ``width``/``height`` (no layout shift) and
``loading="lazy"`` for every image but the first of the page (above the fold). Generated files
live at ``/media/_img/<width>/<path>.<webp|jpg|png>`` and are cached on disk.
"""

from __future__ import annotations

import re
import threading
from html import escape, unescape
from pathlib import Path

from PIL import Image

WIDTHS = (480, 960, 1440)
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
SIZES = "(max-width: 50rem) 100vw, 50rem"
PREFIX = "/media/_img/"

_IMG = re.compile(r"<img\s[^>]*>", re.I)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def _clean_relative(rel: str) -> bool:
    """A relative path of plain names: no empty, ``.`` or ``..`` segment, no backslash, no
    control character."""
    if not rel or rel.startswith("/") or "\\" in rel or any(ord(c) < 32 for c in rel):
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


class ImageStore:
    """Original sizes and generated variants of a site's media folder."""

    def __init__(self, media_root: Path, cache_root: Path) -> None:
        self.media_root = media_root.resolve()
        self.cache_root = cache_root
        self._sizes: dict[tuple[str, int], tuple[int, int]] = {}
        self._lock = threading.Lock()

    def source(self, rel: str) -> Path | None:
        if not _clean_relative(rel):
            return None
        path = (self.media_root / rel).resolve()
        if self.media_root not in path.parents or not path.is_file():
            return None
        return path

    def size(self, rel: str) -> tuple[int, int] | None:
        path = self.source(rel)
        if path is None or path.suffix.lower() not in RASTER:
            return None
        key = (rel, path.stat().st_mtime_ns)
        with self._lock:
            if key in self._sizes:
                return self._sizes[key]
        try:
            with Image.open(path) as image:
                found = image.size
        except OSError:
            return None
        with self._lock:
            self._sizes[key] = found
        return found

    def widths(self, rel: str) -> list[int]:
        size = self.size(rel)
        if size is None:
            return []
        return [w for w in WIDTHS if w < size[0]] + [size[0]]

    def variant_urls(self, rel: str) -> list[str]:
        """Every generated file for ``rel`` (for the static export)."""
        stem, ext = rel.rsplit(".", 1)
        urls = []
        for width in self.widths(rel):
            urls.append(f"{PREFIX}{width}/{stem}.webp")
            urls.append(f"{PREFIX}{width}/{stem}.{ext}")
        return urls

    def variant(self, width: int, rel_with_ext: str) -> Path | None:
        """The generated file for ``/media/_img/<width>/<rel_with_ext>``, made if needed.

        Only for a file of the media folder, at one of its declared widths: ``.`` and ``..``
        segments, absolute paths and backslashes are refused, and the target must resolve
        inside the cache (nothing is ever written elsewhere, and the set of files that can be
        generated is bounded by the media folder)."""
        if not _clean_relative(rel_with_ext):
            return None
        stem, _, ext = rel_with_ext.rpartition(".")
        ext = ext.lower()
        original = next((f"{stem}.{e}" for e in (ext, "jpg", "jpeg", "png", "webp")
                         if self.source(f"{stem}.{e}") is not None), None)
        if original is None or width not in self.widths(original):
            return None
        target_format = RASTER.get(f".{ext}")
        if target_format is None or (target_format != "WEBP"
                                     and f".{ext}" != Path(original).suffix.lower()):
            return None
        source = self.source(original)
        assert source is not None
        target = self.cache_root / str(width) / rel_with_ext
        cache = self.cache_root.resolve()
        if cache not in target.resolve().parents:
            return None
        if target.is_file() and target.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as opened:
            opened.load()
            image: Image.Image = opened
            if image.width > width:
                height = round(image.height * width / image.width)
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            if target_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            temp = target.with_name(f".{target.name}.tmp")
            options = {"quality": 80} if target_format in {"JPEG", "WEBP"} else {"optimize": True}
            image.save(temp, target_format, **options)
        temp.replace(target)
        return target

    def picture(self, attrs: dict[str, str], lazy: bool) -> str | None:
        """``<picture>`` markup for an ``<img>`` whose src is a raster file of the site."""
        src = attrs.get("src", "")
        if not src.startswith("/media/") or src.startswith(PREFIX):
            return None
        rel = src.removeprefix("/media/")
        size = self.size(rel)
        if size is None:
            return None
        stem, ext = rel.rsplit(".", 1)
        widths = self.widths(rel)
        webp = ", ".join(f"{PREFIX}{w}/{stem}.webp {w}w" for w in widths)
        same = ", ".join(f"{PREFIX}{w}/{stem}.{ext} {w}w" for w in widths)
        extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items()
                        if k not in {"src", "width", "height", "loading", "decoding"})
        loading = ' loading="lazy"' if lazy else ""
        fallback = f"{PREFIX}{widths[-1]}/{stem}.{ext}"
        return (f'<picture><source type="image/webp" srcset="{webp}" sizes="{SIZES}">'
                f'<img src="{fallback}" srcset="{same}" sizes="{SIZES}"{extra} '
                f'width="{size[0]}" height="{size[1]}"{loading} decoding="async"></picture>')

    def rewrite(self, html: str, eager: int = 1) -> str:
        """Make every site image of ``html`` responsive; the first ``eager`` ones (above the
        fold: logo, hero) load at once, the others lazily."""
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            attrs = {k.lower(): unescape(v) for k, v in _ATTR.findall(match.group(0))}
            lazy = count >= eager
            count += 1
            result = self.picture(attrs, lazy)
            if result is None:
                if "loading" not in attrs and lazy:
                    return match.group(0)[:-1].rstrip("/ ") + ' loading="lazy">'
                return match.group(0)
            return result

        return _IMG.sub(replace, html)
