"""Changes to a site's media, menu and theme: each checks the person's right on the site,
makes the change in the site's folder, refreshes the live site and writes its audit row.

The views open the transaction (the audit row is committed with it); the file change is
atomic on its own (temp file + rename, :func:`app.campaigns.sitefile.update_site_file`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

from flask import current_app
from tomlkit.toml_document import TOMLDocument

from app import audit
from app.campaigns.models import Site
from app.campaigns.sitefile import read_document, update_site_file
from app.dbutil import require_transaction
from app.editor import actions
from app.editor.media import MediaFile, MediaLibrary, Usage, page_usages, setting_usages
from app.extensions import db
from app.website.repository import forget
from app.website.themes import list_themes, load_theme

_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.M)


class ActionRefused(ValueError):
    """Not allowed, or not possible (French message)."""


def site_folder(site: Site) -> Path:
    return Path(current_app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir


def library(site: Site) -> MediaLibrary:
    return MediaLibrary(site_folder(site))


def require(user: Any, site: Site, capability: str) -> None:
    if not user.can(capability, site.id):
        raise ActionRefused("Votre rôle ne permet pas de faire ce changement sur ce site.")


def live_changed(site: Site) -> None:
    """The whole site may look different (menu, theme): the next view shows it."""
    from app.website import PUBLIC_PAGES, static_root
    from app.website.live import live_renderers

    forget(site_folder(site))
    renderers = live_renderers(current_app)
    renderers.forget_recent()
    if (kept := current_app.extensions.get(PUBLIC_PAGES)) is not None:
        kept.clear()
    static_root.publish(site, None)


# ------------------------------------------------------------------ media

def page_texts(site: Site) -> list[tuple[str, str, str]]:
    """(path, title, text) of every page: the newest version and the published one."""
    found = []
    for page in actions.sync_site(site):
        for revision in {r.id: r for r in (page.head, page.published) if r}.values():
            title = _TITLE.search(revision.text)
            found.append((page.path, title.group(1) if title else "", revision.text))
    return found


def usages(site: Site, names: list[str]) -> dict[str, list[Usage]]:
    pages = page_texts(site)
    raw: dict[str, Any] = read_document(site_folder(site)).unwrap()
    try:
        labels = {name: spec.label for name, spec in
                  load_theme(current_app.config["ESTRADE_THEMES_DIR"], site.theme).specs.items()}
    except ValueError:
        labels = {}
    result: dict[str, list[Usage]] = {}
    for name in names:
        seen: dict[str, Usage] = {}
        for usage in page_usages(name, pages) + setting_usages(name, raw, labels):
            seen.setdefault(usage.where, usage)
        result[name] = list(seen.values())
    return result


def upload_media(site: Site, user: Any, stream: IO[bytes], filename: str, alt: str,
                 max_bytes: int) -> MediaFile:
    require_transaction(db.session)
    require(user, site, "content")
    stored = library(site).store(stream, filename, alt, max_bytes, str(user.id))
    audit.record("media.upload", site, object_type="Site", object_id=site.id,
                 file=stored.name, original=filename[:200], size=stored.size, kind=stored.kind,
                 sha256=stored.sha256, alt=stored.alt)
    if stored.kind in ("jpeg", "png", "webp"):
        make_variants(site, stored.name)
    return stored


def make_variants(site: Site, name: str) -> None:
    """The responsive sizes, made once now rather than on the first visitor's view."""
    from app.website.images import ImageStore

    cache = Path(current_app.instance_path) / "cache" / "images" / site.slug
    store = ImageStore(site_folder(site) / "media", cache)
    stem, ext = name.rsplit(".", 1)
    for width in store.widths(name):
        for extension in ("webp", ext):
            store.variant(width, f"{stem}.{extension}")


def set_media_alt(site: Site, user: Any, name: str, alt: str) -> None:
    require_transaction(db.session)
    require(user, site, "content")
    before, after = library(site).set_alt(name, alt)
    audit.record("media.alt", site, object_type="Site", object_id=site.id, file=name,
                 before=before, after=after)


def delete_media(site: Site, user: Any, name: str) -> None:
    require_transaction(db.session)
    require(user, site, "content")
    info = library(site).delete(name, usages(site, [name])[name])
    cache = Path(current_app.instance_path) / "cache" / "images" / site.slug
    stem = name.rsplit(".", 1)[0]
    if cache.is_dir():
        for variant in cache.glob(f"*/{stem}.*"):
            variant.unlink(missing_ok=True)
    audit.record("media.delete", site, object_type="Site", object_id=site.id, file=name,
                 sha256=info.get("sha256", ""), alt=info.get("alt", ""))


# ------------------------------------------------------------------ menu and theme

def save_navigation(site: Site, user: Any, entries: list[dict[str, str]], what: str) -> None:
    """Write the whole ``[[navigation]]`` list (already checked by :mod:`app.editor.menus`)."""
    import tomlkit

    require_transaction(db.session)
    require(user, site, "content")
    before = [dict(e) for e in read_document(site_folder(site)).unwrap().get("navigation", [])]

    def change(document: TOMLDocument) -> None:
        table = tomlkit.aot()
        for entry in entries:
            item = tomlkit.table()
            item["label"] = entry["label"]
            item["url"] = entry["url"]
            table.append(item)
        if "navigation" in document:
            del document["navigation"]
        document["navigation"] = table

    update_site_file(site_folder(site), change)
    audit.record("menu.change", site, object_type="Site", object_id=site.id, what=what,
                 before=before, after=entries)
    live_changed(site)


def choose_theme(site: Site, user: Any, name: str) -> None:
    require_transaction(db.session)
    require(user, site, "settings")
    themes_dir = current_app.config["ESTRADE_THEMES_DIR"]
    if name not in {t.name for t in list_themes(themes_dir)}:
        raise ActionRefused("Ce thème n’est pas installé.")
    before = site.theme

    def change(document: TOMLDocument) -> None:
        import tomlkit

        if "theme" not in document:
            document["theme"] = tomlkit.table()
        document["theme"]["name"] = name

    update_site_file(site_folder(site), change)
    site.theme = name
    audit.record("theme.choose", site, object_type="Site", object_id=site.id, before=before,
                 after=name)
    live_changed(site)


def save_theme_settings(site: Site, user: Any, values: dict[str, Any]) -> None:
    """``values``: every declared setting of the site's theme, already checked."""
    import tomlkit

    require_transaction(db.session)
    require(user, site, "settings")
    document = read_document(site_folder(site)).unwrap()
    before = dict((document.get("theme") or {}).get("settings") or {})

    def change(doc: TOMLDocument) -> None:
        if "theme" not in doc:
            doc["theme"] = tomlkit.table()
        theme = doc["theme"]
        if "name" not in theme:
            theme["name"] = site.theme
        if "settings" not in theme:
            theme["settings"] = tomlkit.table()
        settings = theme["settings"]
        for key, value in values.items():
            settings[key] = value

    update_site_file(site_folder(site), change)
    changed = {k: {"before": before.get(k), "after": v} for k, v in values.items()
               if before.get(k) != v}
    audit.record("theme.settings", site, object_type="Site", object_id=site.id,
                 changed=changed)
    live_changed(site)
