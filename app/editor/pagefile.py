"""A page file's text: its fields (front matter) and body, put together without rewriting what
nobody changed (an unchanged page is never rewritten), and the addresses a page may take.

No Flask here: the actions, the views and the CLI share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.core.publishing.pages import ContentError, Page, parse_page, slug_from_path, slugify
from app.website.routes import LEGAL_SLUG, NEWS_SLUG, PRIVACY_SLUG

#: Addresses the app answers itself: no page may take them (nor anything under them).
RESERVED = frozenset({"admin", "don", "media", "_theme", "static", "stripe", "sitemap.xml",
                      "robots.txt", LEGAL_SLUG, PRIVACY_SLUG})
#: Fields staff edit, in the order a new front matter lists them.
FIELDS = ("title", "slug", "description", "image", "kind", "date", "menu_order")


@dataclass(frozen=True)
class Kind:
    name: str  # the front matter's kind (accueil is a page at /)
    label: str
    folder: str  # where new files of this kind go, under pages/
    layout: str  # the body a new page starts with


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("page", "Page", "", "## Premier intertitre\n\nVotre texte ici.\n"),
    Kind("actualite", "Actualité", NEWS_SLUG,
         "Le chapeau : une ou deux phrases qui résument l’actualité.\n\n## Ce qui s’est "
         "passé\n\nVotre texte ici.\n"),
    Kind("programme", "Programme", "programme",
         "Notre constat en une phrase.\n\n## Nos propositions\n\n1. Première proposition\n"
         "2. Deuxième proposition\n\n::: appel titre=\"Une idée à partager ?\" "
         "bouton=\"Écrivez-nous\" lien=\"/contact/\"\nChaque proposition s’enrichit de vos "
         "retours.\n:::\n"),
    Kind("accueil", "Accueil", "",
         "::: hero titre=\"Le nom de votre liste\" bouton=\"Découvrir le programme\" "
         "lien=\"/programme/\"\nUne phrase qui dit pourquoi vous vous présentez.\n:::\n\n"
         "## Pourquoi nous nous présentons\n\nVotre texte ici.\n\n::: don "
         "montants=\"20,50,100\" texte=\"Je soutiens la liste\"\n:::\n"),
    Kind("resultats", "Résultats", "",
         "## Résultats du premier tour\n\n| Liste | Voix | % |\n| --- | --- | --- |\n"
         "| Notre liste | 0 | 0 % |\n"),
)}


@dataclass(frozen=True)
class Fields:
    title: str
    slug: str = ""  # the address; "" on the home page
    description: str = ""
    image: str = ""
    kind: str = "page"
    date: str = ""
    menu_order: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_OPENING = re.compile(r"\A---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.M)


def split(text: str) -> tuple[str, str]:
    """(front matter with its fences, body); no front matter: ("", text)."""
    opening = _OPENING.match(text)
    if not opening:
        return "", text
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        return "", text
    return text[:closing.end()], text[closing.end():]


def read(path: str, text: str, pages_root: Path) -> tuple[Page | None, str]:
    """The page ``text`` makes at ``path`` (under ``pages_root``), or None and why not."""
    try:
        return parse_page(pages_root / path, text, pages_root), ""
    except ContentError as exc:
        return None, str(exc)


def fields_of(page: Page) -> Fields:
    return Fields(title=page.title, slug=page.slug, description=page.description,
                  image=page.image, kind=page.kind,
                  date=page.date.isoformat() if page.date else "",
                  menu_order=page.menu_order, extra=dict(page.meta))


def compose(fields: Fields, body: str, path: str, pages_root: Path,
            previous: str = "") -> str:
    """The file text for ``fields`` and ``body``. The previous front matter is kept byte for
    byte when the fields it gives are the same (hand-written comments and order survive)."""
    if previous:
        page, _ = read(path, previous, pages_root)
        head, old_body = split(previous)
        if old_body == body:
            body = old_body  # unchanged: byte for byte
        else:  # the visual editor trims the blank lines around the text: keep the file's
            body = body.strip("\n") + "\n"
            if old_body.startswith("\n"):
                body = "\n" + body
        if page is not None and head and _same(fields_of(page), fields, path, pages_root):
            return head + body
    if not body.endswith("\n"):
        body += "\n"
    data: dict[str, Any] = {"title": fields.title}
    if fields.slug != slug_from_path(pages_root / path, pages_root):
        data["slug"] = fields.slug
    for key in ("description", "image", "date"):
        if getattr(fields, key):
            data[key] = getattr(fields, key)
    if fields.kind != "page":
        data["kind"] = fields.kind
    if fields.menu_order is not None:
        data["menu_order"] = fields.menu_order
    data.update({k: v for k, v in fields.extra.items() if k not in FIELDS and k != "status"})
    head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{body.lstrip(chr(10))}"


def _same(old: Fields, new: Fields, path: str, pages_root: Path) -> bool:
    return (old.title, old.slug, old.description, old.image, old.kind, old.date,
            old.menu_order) == (new.title, new.slug, new.description, new.image, new.kind,
                                new.date, new.menu_order)


def published_text(text: str) -> str:
    """What the file holds once live: a ``status: draft`` line (hand-made drafts) goes."""
    head, body = split(text)
    if not head:
        return text
    kept = [line for line in head.splitlines(keepends=True)
            if not re.match(r"^status\s*:", line)]
    return "".join(kept) + body


def address_problem(slug: str, taken: dict[str, str], path: str) -> str | None:
    """Why a page at ``path`` may not take the address ``slug`` (French), or None.
    ``taken``: address → file of the site's other pages."""
    first = slug.split("/", 1)[0]
    if first in RESERVED:
        return f"L’adresse « /{slug} » est réservée au site (/{first}) : choisissez-en une autre."
    if slug and not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$", slug):
        return ("Adresse invalide : lettres minuscules sans accents, chiffres et tirets, par "
                "exemple programme/ecologie.")
    owner = taken.get(slug)
    if owner is not None and owner != path:
        return f"L’adresse « /{slug} » est déjà celle de la page {owner}."
    return None


def new_path(kind: str, title: str, existing: set[str]) -> tuple[str, str]:
    """(file under pages/, address) for a new page of ``kind`` titled ``title``."""
    spec = KINDS.get(kind, KINDS["page"])
    if spec.name == "accueil":
        return "index.md", ""
    base = slugify(title) or "page"
    stem = f"{spec.folder}/{base}" if spec.folder else base
    candidate, n = stem, 2
    while f"{candidate}.md" in existing or f"{candidate}/index.md" in existing:
        candidate, n = f"{stem}-{n}", n + 1
    return f"{candidate}.md", candidate
