"""Static export: ``estrade build`` writes the published site to a folder.

Two paths, one renderer (:class:`app.website.render.SiteRenderer`, as the live views):

* content pages (the ``page`` routes of the renderer's URL map) are rendered by calling the
  renderer directly (in worker processes when there are many), skipped when their key (page
  text + everything site-wide) is unchanged since the last build, and written only when their
  bytes differ;
* everything else (the map's other routes: home, news lists, feed, sitemap, robots.txt, legal
  pages, generated CSS; plus theme assets, media and image sizes) is frozen by Frozen-Flask
  through the live views, which also leaves a file untouched when its content has not changed.

``<out>/.estrade-build.json`` remembers the keys and files of the previous build.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_frozen import Freezer, FrozenFlaskWarning

from app.campaigns.models import Site
from app.core.publishing.pages import page_fingerprint
from app.website.body_store import CODE_VERSION, BodyStore, store_path
from app.website.images import RASTER
from app.website.live import make_renderer
from app.website.render import RenderOptions, SiteRenderer
from app.website.repository import site_content
from app.website.routes import NEWS_SLUG, Kind
from app.website.themes import ThemeError, static_files
from app.website.views import BUILD_RENDERER

MANIFEST = ".estrade-build.json"
PARALLEL_FROM = 300  # pages to convert (not cached) before worker processes pay off
logger = logging.getLogger(__name__)


class BuildError(Exception):
    """A French message explaining why the site cannot be exported."""


@dataclass
class BuildReport:
    pages_written: list[str] = field(default_factory=list)
    pages_unchanged: int = 0
    frozen_written: list[str] = field(default_factory=list)
    frozen_unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> list[str]:
        return self.pages_written + self.frozen_written


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    temp.replace(path)
    return True


def page_file(out: Path, slug: str) -> str:
    return f"{out}/{slug}/index.html"


_WORKER: tuple[SiteRenderer, Path] | None = None


def _render_pages(slugs: list[str]) -> list[tuple[str, bool, list[str]]]:
    """Render and write pages; runs in the builder or in a forked worker."""
    assert _WORKER is not None
    renderer, out = _WORKER
    results = []
    for slug in slugs:
        output = renderer.render_page(renderer.content.pages[slug])
        written = _write_if_changed(Path(page_file(out, slug)), output.body.encode("utf-8"))
        results.append((slug, written, list(output.warnings)))
    if renderer.body_store is not None:
        renderer.body_store.commit()
    return results


def resolve_options(app: Flask, renderer_base: str, base_url: str | None,
                    donate_url: str | None) -> RenderOptions:
    base = (base_url or renderer_base or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise BuildError("Adresse publique du site inconnue : indiquez --base-url "
                         "https://mon-site.fr, ou base_url dans site.toml (elle sert aux "
                         "adresses canoniques, au plan du site et au flux).")
    donate = donate_url or app.config.get("ESTRADE_DONATE_URL") or ""
    if not donate:
        donate = f"{(renderer_base or base).rstrip('/')}/don"
    if not donate.startswith(("http://", "https://")):
        raise BuildError(f"Adresse de don « {donate} » invalide : une adresse complète de "
                         "l’application en ligne est attendue (https://…/don).")
    return RenderOptions(base_url=base, donate_url=donate, export=True)


def content_slugs(renderer: SiteRenderer) -> list[str]:
    """The pages the builder renders itself: the map's content pages, by slug."""
    return [route.page.slug for route in renderer.routes()
            if route.kind is Kind.PAGE and route.page is not None]


def frozen_urls(renderer: SiteRenderer) -> list[str]:
    """The URLs Frozen-Flask freezes: the map's other exported routes (indexes, feeds, legal
    pages…), then files (theme assets, media and their generated sizes)."""
    urls = [route.path for route in renderer.routes()
            if route.exported and route.kind is not Kind.PAGE]
    urls += [f"/_theme/{name}" for name in static_files(renderer.themes_dir, renderer.theme_name)
             if name != "settings.css"]
    media = renderer.images.media_root
    if media.is_dir():
        for path in sorted(media.rglob("*")):
            relative = path.relative_to(media).as_posix()
            if not path.is_file() or relative.startswith(("_img/", ".")):
                continue
            urls.append(f"/media/{relative}")
            if path.suffix.lower() in RASTER:
                urls += renderer.images.variant_urls(relative)
    return urls


def index_key(renderer: SiteRenderer, urls: list[str]) -> str:
    """Changes whenever a file Frozen-Flask writes may change: anything site-wide (theme,
    settings, ``site.toml``, campaign, media, options), the front matter of any page (menus,
    listings, the feed and the sitemap show it), the text of the pages whose body an index
    shows (home, news), the list of files itself and the code."""
    pages = renderer.content.pages
    shown = [page_fingerprint(pages[slug]) for slug in ("", NEWS_SLUG) if slug in pages]
    fronts = [[p.slug, p.title, p.description, p.date, p.kind, p.menu_order, p.image, p.status,
               p.meta] for p in pages.values()]
    text = json.dumps([CODE_VERSION, renderer.global_key, shown, fronts, urls], sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def build_site(app: Flask, site: Site, out: Path, *, base_url: str | None = None,
               theme: str | None = None, donate_url: str | None = None,
               echo: Callable[[str], None] = print, workers: int | None = None) -> BuildReport:
    """Export ``site`` into ``out`` (needs an application context)."""
    global _WORKER
    started = time.perf_counter()
    report = BuildReport()
    out = out.resolve()
    echo(f"[1/4] Lecture du site « {site.slug} » et du thème…")
    content = site_content(Path(app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir,
                           Path(app.instance_path) / "cache")
    options = resolve_options(app, content.config.base_url, base_url, donate_url)
    try:
        renderer = make_renderer(site, options, theme, image_cache=out / "media" / "_img",
                                 content=content)
    except ThemeError as exc:
        raise BuildError(str(exc)) from None
    if renderer.setting_errors:
        raise BuildError("Réglages du thème refusés :\n- " + "\n- ".join(renderer.setting_errors))
    renderer.body_store = BodyStore(store_path(Path(app.instance_path) / "cache", content.root))
    for error in renderer.content.errors:
        report.warnings.append(str(error))
        echo(f"      avertissement : {error}")
    echo(f"      {len(renderer.content.pages)} pages publiées, thème « {renderer.theme_name} », "
         f"adresse {options.base_url}, dons vers {options.donate_url}")

    manifest_path = out / MANIFEST
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        previous = {}
    old_keys: dict[str, str] = previous.get("pages", {})
    slugs = content_slugs(renderer)
    keys = {slug: renderer.page_key(renderer.content.pages[slug]) for slug in slugs}
    todo = [s for s in slugs  # os.path: 5,000 pathlib objects cost more than the check
            if old_keys.get(s) != keys[s] or not os.path.isfile(page_file(out, s))]
    report.pages_unchanged = len(slugs) - len(todo)
    echo(f"[2/4] Pages : {len(todo)} à rendre, {report.pages_unchanged} inchangées depuis "
         "la dernière construction")
    # Worker processes pay off only for pages to convert: filling templates with bodies
    # converted by an earlier build is cheaper than forking (and keeps memory to one process).
    to_convert = renderer.body_store.missing([renderer.body_key(renderer.content.pages[s])
                                              for s in todo])
    _WORKER = (renderer, out)
    try:
        results = _run(todo, workers, to_convert)
    finally:
        _WORKER = None
    if todo:
        renderer.body_store.prune({renderer.body_key(p) for p in renderer.content.pages.values()})
    for slug, written, page_warnings in results:
        if written:
            report.pages_written.append(f"{slug}/index.html")
        else:
            report.pages_unchanged += 1
        report.warnings += [f"pages/{slug} : {w}" for w in page_warnings]

    echo("[3/4] Accueil, actualités, flux, plan du site et fichiers (Frozen-Flask)…")
    urls = frozen_urls(renderer)
    indexes = index_key(renderer, urls)
    kept: list[str] = previous.get("frozen", [])
    if previous.get("indexes") == indexes and kept and all(
            os.path.isfile(os.path.join(out, name)) for name in kept):
        # Nothing the indexes, feed, sitemap and files are made of has changed (a page's
        # text only, say): they are the files already there, not frozen again.
        frozen_files = set(kept)
        report.frozen_unchanged = len(frozen_files)
    else:
        frozen_files = _freeze(app, renderer, out, urls, report)
        report.frozen_unchanged = len(urls) + 1 - len(report.frozen_written)

    echo("[4/4] Nettoyage des fichiers qui ne sont plus publiés…")
    keep_pages = {f"{s}/index.html" for s in slugs}
    stale = [f"{s}/index.html" for s in old_keys if f"{s}/index.html" not in keep_pages]
    stale += [f for f in previous.get("frozen", []) if f not in frozen_files]
    for relative in stale:
        if relative in frozen_files or relative in keep_pages:
            continue
        path = out / relative
        if path.is_file():
            path.unlink()
            report.removed.append(relative)
            _prune(path.parent, out)
    manifest = {"version": 1, "site": site.slug, "theme": renderer.theme_name,
                "indexes": indexes, "pages": keys, "frozen": sorted(frozen_files)}
    _write_if_changed(manifest_path, json.dumps(manifest, indent=0, sort_keys=True).encode())
    renderer.body_store.close()
    report.seconds = time.perf_counter() - started
    return report


def _run(todo: list[str], workers: int | None,
         to_convert: int | None = None) -> list[tuple[str, bool, list[str]]]:
    count = workers if workers is not None else (os.cpu_count() or 1)
    heavy = len(todo) if to_convert is None else to_convert
    if count < 2 or heavy < PARALLEL_FROM or "fork" not in (
            multiprocessing.get_all_start_methods()):
        return _render_pages(todo)
    # The builder renders beside count - 1 forked workers: one process fewer in memory. They
    # take small chunks in turn from a shared counter, so a process slowed down (by the
    # machine's other work) takes fewer and none waits for the other at the end. The
    # builder's objects are frozen out of the collector first, so the children's collections
    # do not touch (and so copy) every page the builder had loaded.
    global _SHARE
    size = max(10, min(100, len(todo) // (count * 16)))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    context = multiprocessing.get_context("fork")
    _SHARE = (chunks, context.Value("i", 0))
    gc.collect()
    gc.freeze()
    try:
        with context.Pool(count - 1) as pool:
            others = [pool.apply_async(_render_share) for _ in range(count - 1)]
            results = _render_share()
            for other in others:
                results += other.get()
            return results
    finally:
        _SHARE = None
        gc.unfreeze()


#: The chunks of slugs to render and the index of the next one, shared through fork.
_SHARE: tuple[list[list[str]], Any] | None = None


def _render_share() -> list[tuple[str, bool, list[str]]]:
    """Render chunks taken in turn until none is left (the builder and each worker)."""
    assert _SHARE is not None
    chunks, counter = _SHARE
    results: list[tuple[str, bool, list[str]]] = []
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        if index >= len(chunks):
            return results
        results += _render_pages(chunks[index])


def _freeze(app: Flask, renderer: SiteRenderer, out: Path, urls: list[str],
            report: BuildReport) -> set[str]:
    freezer = Freezer(with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    saved = {k: app.config.get(k) for k in app.config if k.startswith("FREEZER_")}
    freezer.init_app(app)
    app.config.update(FREEZER_DESTINATION=str(out), FREEZER_REMOVE_EXTRA_FILES=False,
                      FREEZER_IGNORE_MIMETYPE_WARNINGS=True, FREEZER_REDIRECT_POLICY="error",
                      FREEZER_SKIP_EXISTING=False, FREEZER_BASE_URL=None)
    freezer.register_generator(lambda: iter(urls))
    before = {u: _stat(out / freezer.urlpath_to_filepath(u)) for u in urls}
    app.extensions[BUILD_RENDERER] = renderer
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FrozenFlaskWarning)
            freezer.freeze()
    finally:
        app.extensions.pop(BUILD_RENDERER, None)
        for key in [k for k in app.config if k.startswith("FREEZER_")]:
            app.config.pop(key)
        app.config.update(saved)
    files = {freezer.urlpath_to_filepath(u) for u in urls}
    report.frozen_written += [freezer.urlpath_to_filepath(u) for u in urls
                              if _stat(out / freezer.urlpath_to_filepath(u)) != before[u]]
    not_found = renderer.render_not_found()
    if _write_if_changed(out / "404.html", not_found.body.encode("utf-8")):
        report.frozen_written.append("404.html")
    files.add("404.html")
    return files


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _prune(folder: Path, out: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def summary(report: BuildReport) -> str:
    return (f"Terminé en {report.seconds:.2f} s : {len(report.written)} fichier(s) réécrit(s) "
            f"({len(report.pages_written)} page(s), {len(report.frozen_written)} index, flux "
            f"et fichiers), {report.pages_unchanged + report.frozen_unchanged} inchangé(s), "
            f"{len(report.removed)} supprimé(s), {len(report.warnings)} avertissement(s).")
