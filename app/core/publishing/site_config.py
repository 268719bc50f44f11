"""``content/<site>/site.toml``: the site's settings, read into a frozen :class:`SiteConfig`.

Pure: no Flask, SQLAlchemy or Stripe. Errors are :class:`~app.core.publishing.pages.ContentError`
with the file and line, in French.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.publishing.pages import ContentError, key_line
from app.core.publishing.sanitize import is_safe_url


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


@dataclass(frozen=True)
class Hebergeur:
    name: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str = ""
    language: str = "fr"
    base_url: str = ""
    navigation: tuple[NavItem, ...] = ()
    social: dict[str, str] = field(default_factory=dict)
    directeur_publication: str = ""
    hebergeur: Hebergeur = Hebergeur()
    theme_name: str = "base"
    theme_settings: dict[str, Any] = field(default_factory=dict)
    donation_presets: tuple[int, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    def legal_warnings(self) -> list[str]:
        """Missing legal notices (LCEN art. 6: publisher and host must be named)."""
        missing = []
        if not self.directeur_publication:
            missing.append("[legal] directeur_publication : le directeur de la publication "
                           "doit figurer dans les mentions légales")
        if not (self.hebergeur.name and self.hebergeur.address and self.hebergeur.phone):
            missing.append("[legal.hebergeur] : nom, adresse et téléphone de l’hébergeur "
                           "doivent figurer dans les mentions légales")
        return missing


def load_site_config(path: Path) -> SiteConfig:
    """Read ``site.toml``; raise :class:`ContentError` with a French message on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, None, f"lecture impossible ({exc})", path.name) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise ContentError(path, line, f"TOML invalide ({detail})", path.name) from exc

    def fail(key: str, message: str, table: str = "") -> ContentError:
        line = key_line(text, key) or (key_line(text, table) if table else None)
        return ContentError(path, line, message, path.name)

    def text_of(table: dict[str, Any], key: str, where: str = "", required: bool = False) -> str:
        """A text value; ``where`` (a table name) locates the error when the key is absent."""
        value, label = table.get(key, ""), f"{where}.{key}" if where else key
        if not isinstance(value, str):
            raise fail(key, f"« {label} » doit être un texte entre guillemets", where)
        if required and not value.strip():
            raise fail(key if key in table else where, f"« {label} » est obligatoire")
        return value.strip()

    for table in ("social", "legal", "theme", "donations"):
        if not isinstance(raw.get(table, {}), dict):
            raise fail(table, f"[{table}] doit être une table")
    legal, theme, donations = raw.get("legal", {}), raw.get("theme", {}), raw.get("donations", {})
    base_url = text_of(raw, "base_url")
    if base_url and not re.match(r"^https?://[^/\s]+", base_url):
        raise fail("base_url", f"base_url « {base_url} » doit commencer par https://")
    navigation = raw.get("navigation", [])
    if not isinstance(navigation, list) or not all(isinstance(n, dict) for n in navigation):
        raise fail("navigation", "[[navigation]] doit être une liste d’entrées label/url")
    nav = tuple(NavItem(text_of(n, "label", "navigation", True),
                        text_of(n, "url", "navigation", True)) for n in navigation)
    for item in nav:
        if not is_safe_url(item.url):
            raise fail("navigation", f"lien de menu « {item.url} » refusé")
    social = raw.get("social", {})
    for name, url in social.items():
        if not isinstance(url, str) or not url.startswith("https://"):
            raise fail(name, f"[social] {name} : adresse https:// attendue")
    hebergeur = legal.get("hebergeur", {})
    if not isinstance(hebergeur, dict):
        raise fail("hebergeur", "[legal.hebergeur] doit être une table (name, address, phone)")
    presets = donations.get("presets", donations.get("montants", []))
    if not isinstance(presets, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in presets
    ):
        raise fail("presets", "[donations] presets doit être une liste d’euros entiers positifs, "
                   "par exemple [20, 50, 100]")
    settings = theme.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("settings", "[theme.settings] doit être une table")
    return SiteConfig(
        title=text_of(raw, "title", required=True),
        description=text_of(raw, "description"),
        language=text_of(raw, "language") or "fr",
        base_url=base_url.rstrip("/"),
        navigation=nav,
        social=dict(social),
        directeur_publication=text_of(legal, "directeur_publication", "legal"),
        hebergeur=Hebergeur(*(text_of(hebergeur, k, "hebergeur") for k in ("name", "address",
                                                                          "phone"))),
        theme_name=text_of(theme, "name", "theme") or "base",
        theme_settings=dict(settings),
        donation_presets=tuple(presets),
        raw=raw,
    )
