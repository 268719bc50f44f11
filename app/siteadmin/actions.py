"""Changes to a site's settings and its campaign's facts: each checks the person's right on
the site, makes the change, writes its audit row with the values before and after, and
refreshes the live site. The views and ``estrade sites`` open the transaction.

``site.toml`` stays the truth: it is rewritten through
:func:`app.campaigns.sitefile.update_site_file` (comments kept, validated by the site
reader, atomic), after the audit row is in the session, so a refused change writes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from flask import current_app
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from app import audit
from app.campaigns.models import Site
from app.campaigns.service import SiteError, add_host, normalise_host
from app.campaigns.sitefile import ContentError, update_site_file
from app.core.publishing.site_config import SiteConfig, load_site_config
from app.dbutil import require_transaction
from app.extensions import db


class Refused(ValueError):
    """A refusal in French; ``field`` names the form field it is about. Nothing changed."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


#: [legal] keys the form edits (the LCEN mentions), and [legal.hebergeur]'s.
LEGAL_KEYS = ("directeur_publication", "editeur", "contact_email", "adresse")
HOST_KEYS = ("name", "address", "phone")


@dataclass(frozen=True)
class SiteSettings:
    """What the « Réglages du site » form edits of ``site.toml`` (navigation and theme are
    the menu's and the theme's pages)."""

    title: str = ""
    description: str = ""
    language: str = "fr"
    base_url: str = ""
    social: dict[str, str] = field(default_factory=dict)
    presets: tuple[int, ...] = ()
    directeur_publication: str = ""
    editeur: str = ""
    contact_email: str = ""
    adresse: str = ""
    hebergeur_name: str = ""
    hebergeur_address: str = ""
    hebergeur_phone: str = ""


def site_folder(site: Site) -> Path:
    return Path(current_app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir


def load_config(site: Site) -> SiteConfig:
    """The site's ``site.toml`` as the website reads it (a bare one when there is none)."""
    path = site_folder(site) / "site.toml"
    return load_site_config(path) if path.exists() else SiteConfig(title=site.title)


def read_settings(site: Site) -> SiteSettings:
    config = load_config(site)
    legal = config.raw.get("legal", {})
    return SiteSettings(
        title=config.title, description=config.description, language=config.language,
        base_url=config.base_url, social=dict(config.social),
        presets=config.donation_presets,
        **{key: str(legal.get(key, "")) for key in LEGAL_KEYS},
        hebergeur_name=config.hebergeur.name, hebergeur_address=config.hebergeur.address,
        hebergeur_phone=config.hebergeur.phone)


def _require(actor: Any, capability: str, site: Site) -> None:
    if actor is not None and not actor.can(capability, site.id):
        raise Refused("Votre rôle ne permet pas de régler ce site.")


def _set(table: TOMLDocument | Table, key: str, value: str, keep_empty: bool = False) -> None:
    if value or keep_empty:
        table[key] = value
    elif key in table:
        del table[key]


def _table(parent: TOMLDocument | Table, key: str) -> Table:
    found = parent.get(key)
    if not isinstance(found, Table):
        found = tomlkit.table()
        parent[key] = found
    return found


def _write(new: SiteSettings) -> Any:
    def change(doc: TOMLDocument) -> None:
        _set(doc, "title", new.title, keep_empty=True)
        _set(doc, "description", new.description)
        _set(doc, "language", new.language)
        _set(doc, "base_url", new.base_url)
        social = _table(doc, "social")
        for name in list(social):
            if name not in new.social:
                del social[name]
        for name, url in new.social.items():
            social[name] = url
        donations = _table(doc, "donations")
        key = "montants" if "montants" in donations and "presets" not in donations else "presets"
        if new.presets:
            donations[key] = list(new.presets)
        elif key in donations:
            del donations[key]
        legal = _table(doc, "legal")
        for name in LEGAL_KEYS:
            _set(legal, name, getattr(new, name))
        hosting = _table(legal, "hebergeur")
        for name in HOST_KEYS:
            _set(hosting, name, getattr(new, f"hebergeur_{name}"))
        for parent, name in ((legal, "hebergeur"), (doc, "legal"), (doc, "social"),
                             (doc, "donations")):
            if name in parent and not len(parent[name]):
                del parent[name]

    return change


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{key: [before, after]}`` for every key whose value differs (the audit row)."""
    return {key: [before.get(key), after.get(key)] for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)}


def _plain(settings: SiteSettings) -> dict[str, Any]:
    values = asdict(settings)
    values["presets"] = list(settings.presets)
    return values


def update_settings(site: Site, new: SiteSettings, *, actor: Any) -> dict[str, list[Any]]:
    """Write ``new`` into the site's ``site.toml``; the changed values, before and after."""
    require_transaction(db.session)
    _require(actor, "settings", site)
    folder = site_folder(site)
    before = read_settings(site)
    changes = changes_between(_plain(before), _plain(new))
    if not changes:
        return {}
    site.title = new.title.strip() or site.title
    audit.record("site.settings", site, user=actor, changes=changes)
    db.session.flush()
    try:
        update_site_file(folder, _write(new))
    except ContentError as exc:
        raise Refused(exc.message) from None
    refresh_live(site)
    return changes


def set_hosts(site: Site, hosts: list[str], *, actor: Any) -> dict[str, list[Any]]:
    """The host names the site answers for (installation administrator only: a name decides
    which campaign a visitor and a payment return reach)."""
    require_transaction(db.session)
    if actor is not None and not actor.is_admin:
        raise Refused("Seul l'administrateur de l'installation choisit les noms d'hôte.",
                      "hosts")
    before = list(site.host_names)
    wanted: list[str] = []
    for host in hosts:
        name = normalise_host(host)
        if name and name not in wanted:
            wanted.append(name)
    for row in list(site.hosts):
        if row.host not in wanted:
            site.hosts.remove(row)
    db.session.flush()
    try:
        for name in wanted:
            add_host(site, name)
        db.session.flush()
    except SiteError as exc:
        raise Refused(str(exc), "hosts") from None
    after = sorted(site.host_names)
    if sorted(before) == after:
        return {}
    audit.record("site.hosts", site, user=actor, changes={"hosts": [sorted(before), after]})
    return {"hosts": [sorted(before), after]}


def refresh_live(site: Site) -> None:
    """The live site shows the new settings at once (and the static copy, when there is one,
    is rewritten)."""
    from app.website import PUBLIC_PAGES, static_root
    from app.website.live import live_renderers
    from app.website.repository import forget

    forget(site_folder(site))
    live_renderers(current_app).forget_recent()
    if (kept := current_app.extensions.get(PUBLIC_PAGES)) is not None:
        kept.clear()
    static_root.publish(site)

