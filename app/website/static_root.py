"""Publish to static: the published pages written as files that nginx serves without the app.

With ``ESTRADE_STATIC_ROOT`` set, ``publish(site, paths)`` (called by the editor when it
publishes, by ``estrade static sync`` and by ``estrade build`` without ``--out``) renders the
addresses given, plus what they touch (the home page, the news lists, the feed and the
sitemap), through the very renderer the live site uses, and writes each one atomically
(temporary file + rename: a reader sees the old file or the new one, never a torn one) under
``<root>/<host>/``, one folder per host name of the site (the first host holds the files, the
others are symbolic links to it). nginx looks there first (``try_files``) and falls back to the
app for everything else: ``/don``, ``/admin``, the webhook, media, and any address not written
(docs/nginx/estrade.conf, docs/operations.md).

An address that is no longer a route (a page unpublished or deleted) has its file removed, so
nginx falls back to the app, which answers 404. Addresses under the app's own prefixes
(``/admin``, ``/don``, ``/stripe``…) are never written, whatever a page's slug.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from app.campaigns.models import Site
from app.website.live import live_renderers
from app.website.render import SiteRenderer
from app.website.repository import site_content
from app.website.routes import FEED_PATH, NEWS_SLUG, SITEMAP_PATH, Kind
from app.website.serving import served

MARKER = ".estrade-static.json"  # in each host folder: which site owns it, what was written


@dataclass
class PublishReport:
    site: str
    folder: Path | None = None
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # reserved for the app, never written
    hosts: list[str] = field(default_factory=list)
    seconds: float = 0.0


class StaticRootError(Exception):
    """A French message: why the static root cannot be written."""


def static_root() -> Path | None:
    """The configured static root (None: publish-to-static is off)."""
    value = current_app.config.get("ESTRADE_STATIC_ROOT") or ""
    return Path(value).resolve() if value else None


def file_for(path: str) -> str:
    """The file, relative to a host folder, holding the address ``path``."""
    relative = path.lstrip("/")
    return relative + "index.html" if path.endswith("/") else relative


def app_prefixes() -> tuple[str, ...]:
    """First path segments the app keeps for itself (every rule outside the public site's
    blueprint): nginx must always hand them to the app, so no file is written there."""
    prefixes = set()
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("website."):
            continue
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            prefixes.add(first)
    return tuple(sorted(prefixes))


def _touched(renderer: SiteRenderer) -> set[str]:
    """What any page change can alter besides the page itself: the home page (latest news,
    menu), the news lists, the feed and the sitemap."""
    paths = {"/", SITEMAP_PATH}
    for route in renderer.routes():
        if route.kind is Kind.NEWS or route.path == FEED_PATH:
            paths.add(route.path)
    paths.add(f"/{NEWS_SLUG}/")
    return paths


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path`` atomically unless it already holds it."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    except IsADirectoryError:
        raise StaticRootError(f"« {path} » est un dossier : fichier attendu.") from None
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)  # nginx's user reads it
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def _remove(folder: Path, relative: str) -> bool:
    target = folder / relative
    if not target.is_file():
        return False
    target.unlink()
    parent = target.parent
    while parent != folder and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True


def _host_folders(root: Path, site: Site) -> tuple[Path | None, list[str]]:
    """The site's folder (its first host's) with the other hosts linked to it."""
    hosts = sorted(site.host_names)
    if not hosts:
        return None, []
    root.mkdir(parents=True, exist_ok=True)
    folder = root / hosts[0]
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(exist_ok=True)
    for host in hosts[1:]:
        link = root / host
        if link.is_symlink() and os.readlink(link) == hosts[0]:
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            raise StaticRootError(f"« {link} » est un dossier : Estrade y attend un lien vers "
                                  f"« {hosts[0]} ».")
        link.symlink_to(hosts[0])
    return folder, hosts


def _read_marker(folder: Path, slug: str) -> list[str]:
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    if marker.get("site") != slug:
        raise StaticRootError(f"Le dossier « {folder} » appartient au site "
                              f"« {marker.get('site')} », pas à « {slug} ».")
    return list(marker.get("files", []))


def publish(site: Site, paths: Iterable[str] | None = None) -> PublishReport:
    """Write ``paths`` of ``site`` (and what they touch) into the static root; ``None``: every
    address of the site, removing files that no longer are one (a full sync). Needs an
    application context; does nothing when ``ESTRADE_STATIC_ROOT`` is empty or the site has
    no host name (a site reached only as the default site is served by the app)."""
    started = time.perf_counter()
    report = PublishReport(site.slug)
    root = static_root()
    if root is None:
        return report
    folder, report.hosts = _host_folders(root, site)
    if folder is None:
        return report
    report.folder = folder
    config = current_app.config
    # Read the folder now (a page just saved must show at once), then take the live renderer,
    # which sees that same content: static files and app-served pages are the same bytes.
    content = site_content(Path(config["ESTRADE_CONTENT_DIR"]) / site.content_dir, max_age=0)
    base = content.config.base_url or f"https://{report.hosts[0]}"
    renderer = live_renderers(current_app).renderer(site, base)
    routes = {route.path: route for route in renderer.routes() if route.exported}
    before = set(_read_marker(folder, site.slug))
    wanted = set(routes) if paths is None else set(paths) | _touched(renderer)
    reserved = app_prefixes()
    for path in sorted(wanted):
        first = path.lstrip("/").split("/", 1)[0]
        if first in reserved:
            report.skipped.append(path)
            continue
        relative = file_for(path)
        route = routes.get(path)
        if route is None:
            if _remove(folder, relative):
                report.removed.append(relative)
            continue
        output = served(renderer, path).output  # the bytes the app serves, rendered once
        if output.status != 200:
            continue
        if _write(folder / relative, output.body.encode("utf-8")):
            report.written.append(relative)
        else:
            report.unchanged += 1
    expected = {file_for(p) for p in routes if p.lstrip("/").split("/", 1)[0] not in reserved}
    if paths is None:
        for relative in sorted(before - expected):
            if _remove(folder, relative):
                report.removed.append(relative)
        files = expected
    else:
        files = (before | {file_for(p) for p in wanted if p in routes}) - set(report.removed)
    pages = current_app.extensions.get("estrade.public_pages")
    if pages is not None:  # this worker answers the new page at once (others within a recheck)
        pages.clear()
    marker = {"site": site.slug, "hosts": report.hosts, "files": sorted(files & expected)}
    _write(folder / MARKER, json.dumps(marker, indent=0, sort_keys=True).encode("utf-8"))
    report.seconds = time.perf_counter() - started
    return report


def prune_hosts(known: Iterable[str]) -> list[str]:
    """Remove host folders and links of the static root that no site declares any more (only
    those Estrade wrote: a link, or a folder holding its marker)."""
    root = static_root()
    if root is None or not root.is_dir():
        return []
    keep = set(known)
    removed = []
    for entry in sorted(root.iterdir()):
        if entry.name in keep or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            entry.unlink()
        elif entry.is_dir() and (entry / MARKER).is_file():
            for path in sorted(entry.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
            entry.rmdir()
        else:
            continue
        removed.append(entry.name)
    return removed
