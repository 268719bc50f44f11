"""Pages of a site: ``content/<site>/pages/**/*.md``, YAML front matter then Markdown.

One bad page never takes the site down: :func:`load_pages` reports it as a
:class:`ContentError` (French message, file and line) and carries on with the others.
Rendering the Markdown body is :mod:`app.core.publishing.markdown`'s job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from app.core.publishing.sanitize import is_safe_media_path

PAGE_KINDS = ("page", "actualite", "programme", "resultats")
PAGE_STATUSES = ("published", "draft")


class ContentError(Exception):
    """A content problem for staff: ``str()`` is ``fichier pages/x.md, ligne 3 : …``."""

    def __init__(self, path: Path, line: int | None, message: str, display: str | None = None):
        self.path = path
        self.line = line
        self.message = message
        self.display = display or path.as_posix()
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"fichier {self.display}" + (f", ligne {self.line}" if self.line else "")
        return f"{where} : {self.message}"


# --------------------------------------------------------------------------------------------
# Pages


@dataclass(frozen=True)
class Page:
    source: Path
    slug: str
    title: str
    description: str = ""
    date: dt.date | None = None
    kind: str = "page"
    menu_order: int | None = None
    image: str = ""
    status: str = "published"
    body: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    body_line: int = 1
    text: str = field(default="", repr=False, compare=False)  # the whole source file
    #: sha256 of ``text``; kept when a cache drops the text (see :func:`slim_page`).
    fingerprint: str = field(default="", repr=False, compare=False)
    #: False for a page kept without its text and body, read back by :func:`full_page`.
    complete: bool = field(default=True, repr=False, compare=False)

    @property
    def is_published(self) -> bool:
        return self.status == "published"


# libyaml's parser is ten times faster than the pure-Python one on large sites.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that keeps dates as text, so a bad date is reported with its line."""


class _SlowFrontMatterLoader(yaml.SafeLoader):
    """Pure-Python twin, used only to report an error: its error lines are more precise."""


_FrontMatterLoader.yaml_implicit_resolvers = _SlowFrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_KNOWN_KEYS = {"title", "slug", "description", "date", "kind", "menu_order", "image", "status"}


@lru_cache(maxsize=8192)
def key_line(text: str, key: str) -> int | None:
    """Best-effort line of ``key =`` (or ``[key]``) in a TOML or YAML text."""
    if not key:
        return None
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}\s*[=:]|\[+\s*{re.escape(key)}\s*\]+)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def slugify(value: str) -> str:
    """``"Écologie & Climat"`` → ``"ecologie-climat"``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _relative(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` as a POSIX string, or None; string operations only
    (``Path.relative_to`` dominated the loading of large sites)."""
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    if not text.startswith(prefix):
        return None
    return text[len(prefix):].replace(os.sep, "/")


def slug_from_path(path: Path, pages_root: Path) -> str:
    """``pages/programme/ecologie.md`` → ``programme/ecologie``; ``index.md`` → its folder."""
    relative = _relative(path, pages_root) or path.name
    parts = [slugify(p) for p in os.path.splitext(relative)[0].split("/")]
    if parts and parts[-1] == "index":
        parts.pop()
    return "/".join(p for p in parts if p)


def _front_matter(text: str, fail: Callable[[int | None, str], ContentError]) -> tuple[
    dict[str, Any], dict[str, int], int
]:
    """Return (front matter, line of each key, line where the body starts)."""
    first_end = text.find("\n")
    if text[:first_end if first_end >= 0 else len(text)].rstrip() != "---":
        raise fail(1, "en-tête manquant : le fichier doit commencer par une ligne « --- », "
                   "suivie de « title: … » et d’une autre ligne « --- »")
    closing = _CLOSING.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise fail(1, "en-tête jamais fermé : ajoutez une ligne « --- » après « title: … »")
    end = text.count("\n", 0, closing.start())  # index of the closing line
    source = text[first_end + 1:max(first_end + 1, closing.start() - 1)]
    try:
        return _parse_front_matter(_FrontMatterLoader, source, end, fail)
    except _RetryWithPurePython:
        return _parse_front_matter(_SlowFrontMatterLoader, source, end, fail)


class _RetryWithPurePython(Exception):
    pass


def _parse_front_matter(
    loader_class: Any, source: str, end: int, fail: Callable[[int | None, str], ContentError]
) -> tuple[dict[str, Any], dict[str, int], int]:
    loader = loader_class(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        if loader_class is _FrontMatterLoader:
            raise _RetryWithPurePython from exc
        mark = exc.problem_mark or exc.context_mark
        raise fail(mark.line + 2 if mark else 1, f"en-tête YAML invalide ({exc.problem})") from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise fail(1, f"en-tête YAML invalide ({exc})") from exc
    finally:
        getattr(loader, "dispose", lambda: None)()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode | None):
        raise fail(2, "l’en-tête doit être une suite de lignes « clé: valeur »")
    key_lines = {
        k.value: k.start_mark.line + 2 for k, _ in (node.value if node else [])
        if isinstance(k, yaml.ScalarNode)
    }
    return data, key_lines, end + 2


def parse_page(path: Path, text: str, pages_root: Path) -> Page:
    """Parse one page file; raise :class:`ContentError` (French, with the line) if it is bad."""
    display = _relative(path, pages_root.parent) or path.as_posix()

    def fail(line: int | None, message: str) -> ContentError:
        return ContentError(path, line, message, display)

    text = _normalise(text)
    meta, key_lines, body_line = _front_matter(text, fail)

    def text_field(key: str, required: bool = False) -> str:
        value = meta.get(key)
        if value is None or value == "":
            if required:
                raise fail(key_lines.get(key, 2), f"« {key} » est obligatoire (le titre de la "
                           "page, par exemple « title: Notre programme »)")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise fail(key_lines.get(key), f"« {key} » doit être un texte")
        return str(value).strip()

    title = text_field("title", required=True)
    slug = slug_from_path(path, pages_root)
    if "slug" in meta:
        slug = text_field("slug").strip("/")
        if slug and not _SLUG.match(slug):
            raise fail(key_lines["slug"], f"adresse (slug) « {slug} » invalide : minuscules "
                       "sans accents, chiffres et tirets (programme/ecologie)")
    date = None
    if meta.get("date") not in (None, ""):
        raw_date = text_field("date")
        try:
            found = _DATE.match(raw_date)
            date = dt.date.fromisoformat(found.group(1)) if found else None
        except ValueError:
            date = None
        if date is None:
            raise fail(key_lines.get("date"), f"date « {raw_date} » invalide : format attendu "
                       "AAAA-MM-JJ, par exemple 2026-03-15")
    kind = text_field("kind").replace("é", "e") or "page"
    if kind not in PAGE_KINDS:
        raise fail(key_lines.get("kind"), f"type de page (kind) « {kind} » inconnu : choisissez "
                   f"parmi {', '.join(PAGE_KINDS)}")
    status = text_field("status") or "published"
    if status not in PAGE_STATUSES:
        raise fail(key_lines.get("status"), f"statut (status) « {status} » inconnu : choisissez "
                   "published (en ligne) ou draft (brouillon)")
    menu_order = meta.get("menu_order")
    if menu_order is not None and (isinstance(menu_order, bool) or not isinstance(menu_order, int)):
        raise fail(key_lines.get("menu_order"), "menu_order doit être un nombre entier "
                   "(position dans le menu) ou être absent")
    image = text_field("image")
    if image and not is_safe_media_path(image):
        raise fail(key_lines.get("image"), f"image « {image} » refusée : indiquez un fichier du "
                   "site, par exemple media/partage.jpg")
    return Page(
        source=path, slug=slug, title=title, description=text_field("description"), date=date,
        kind=kind, menu_order=menu_order, image=image, status=status,
        body=_body_from_line(text, body_line),
        meta={k: v for k, v in meta.items() if k not in _KNOWN_KEYS},
        body_line=body_line, text=text, fingerprint=_sha256(text),
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def slim_page(page: Page) -> Page:
    """``page`` without its text and body: what a cache of thousands of pages keeps, since
    listings, menus and change detection need only the front matter and the fingerprint."""
    return replace(page, text="", body="", fingerprint=page_fingerprint(page), complete=False)


def full_page(page: Page) -> Page:
    """``page`` with its text and body, read back from its file if a cache dropped them.

    A file edited since it was cached gives its new text (its front matter is picked up by the
    next reading of the site)."""
    if page.complete:
        return page
    text = _normalise(page.source.read_text(encoding="utf-8"))
    return replace(page, text=text, body=_body_from_line(text, page.body_line),
                   fingerprint=_sha256(text), complete=True)


def _body_from_line(text: str, line: int) -> str:
    """``text`` from its ``line``-th line (1-based) on."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    return text[start:]


def page_files(pages_root: Path) -> list[tuple[str, str]]:
    """``(relative POSIX path, full path)`` of every ``*.md`` under ``pages_root``, sorted,
    leaving out files and folders whose name starts with "." or "_". Plain ``os.walk`` and
    strings: on thousands of pages, ``pathlib`` globbing dominated the reading of a site."""
    root = str(pages_root)
    found: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith((".", "_"))]
        prefix = _relative(Path(folder), pages_root) if folder != root else ""
        for name in names:
            if name.endswith(".md") and not name.startswith((".", "_")):
                found.append((f"{prefix}/{name}" if prefix else name, os.path.join(folder, name)))
    found.sort()
    return found


#: Optional callback giving back an already parsed, unchanged page: (file name, stat) → Page.
Reuse = Callable[[str, os.stat_result], "Page | None"]


def load_pages(pages_root: Path, reuse: Reuse | None = None, *, slim: bool = False
               ) -> tuple[list[Page], list[ContentError]]:
    """Read every ``*.md`` under ``pages_root`` (hidden files skipped), sorted by path.

    Bad pages and slug collisions are returned as errors and left out; the others load.
    Drafts are returned too (``status == "draft"``): filtering is the caller's choice.
    ``reuse`` lets a caller skip reading and parsing files it knows are unchanged; ``slim``
    drops each page's text as soon as it is parsed (:func:`slim_page`): reading thousands of
    pages then never holds all their texts at once.
    """
    errors: list[ContentError] = []
    if not pages_root.is_dir():
        return [], [ContentError(pages_root, None, "dossier des pages introuvable")]
    parsed: list[Page] = []
    for relative, name in page_files(pages_root):
        try:
            known = reuse(name, os.stat(name)) if reuse is not None else None
            if known is None:
                path = Path(name)
                known = parse_page(path, path.read_text(encoding="utf-8"), pages_root)
                if slim:
                    known = slim_page(known)
            parsed.append(known)
        except ContentError as exc:
            errors.append(exc)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(ContentError(Path(name), None, f"lecture impossible ({exc})",
                                       f"{pages_root.name}/{relative}"))
    # On a collision, the page whose file name gives the slug keeps it over a page that claims
    # it with ``slug:``; otherwise the first file in path order keeps it.
    claimants: dict[str, list[Page]] = {}
    for page in parsed:
        claimants.setdefault(page.slug, []).append(page)
    owners: dict[str, Page] = {}
    for slug, group in claimants.items():
        if len(group) > 1:  # rare: only then is each file's own slug worth computing
            group.sort(key=lambda p: p.slug != slug_from_path(p.source, pages_root))
        owners[slug] = group[0]
        for page in group[1:]:
            owner = group[0].source.relative_to(pages_root.parent).as_posix()
            errors.append(ContentError(
                page.source, key_line(full_page(page).text, "slug") or 1,
                f"adresse « /{page.slug} » déjà utilisée par {owner} : "
                "changez le nom du fichier ou le slug",
                page.source.relative_to(pages_root.parent).as_posix()))
    pages = [page for page in parsed if owners[page.slug] is page]
    return pages, errors


def page_fingerprint(page: Page) -> str:
    """sha256 of the page's source text, for render caches."""
    return page.fingerprint or _sha256(page.text)
