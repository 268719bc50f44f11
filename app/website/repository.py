"""Reading a site's content folder, cached until a file in it changes."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.publishing.pages import ContentError, Page, load_pages
from app.core.publishing.site_config import SiteConfig, load_site_config
from app.website.page_cache import PageCache


@dataclass(frozen=True)
class SiteContent:
    root: Path
    config: SiteConfig
    pages: dict[str, Page]  # published pages by slug
    drafts: dict[str, Page]
    errors: tuple[ContentError, ...]
    newest_mtime_ns: int = 0

    def news(self) -> list[Page]:
        items = [p for p in self.pages.values() if p.kind == "actualite"]
        return sorted(items, key=lambda p: (p.date is not None, p.date, p.slug), reverse=True)

    def menu(self) -> list[Page]:
        items = [p for p in self.pages.values() if p.menu_order]  # 0 = not in the menu
        return sorted(items, key=lambda p: (p.menu_order, p.title))


logger = logging.getLogger(__name__)
#: root → (signature, content, monotonic time the signature was last taken)
_cache: dict[Path, tuple[tuple[int, int], SiteContent, float]] = {}
_lock = threading.Lock()


#: Top-level folders whose files are never read as content: a page view looks up the images
#: it shows by name, so thousands of media files must not slow the change scan down.
NOT_CONTENT = frozenset({"media"})


def _signature(root: Path) -> tuple[int, int]:
    """Cheap change detector: newest mtime and file count of the folder's pages and settings."""
    newest, count = 0, 0
    for folder, subfolders, names in os.walk(root):
        if folder == str(root):
            subfolders[:] = [name for name in subfolders if name not in NOT_CONTENT]
        for name in names:
            if name.endswith((".md", ".toml")):
                try:
                    mtime = os.stat(os.path.join(folder, name)).st_mtime_ns
                except FileNotFoundError:  # removed while we were looking
                    continue
                newest = max(newest, mtime)
                count += 1
    return newest, count


_languages: dict[Path, tuple[int, str]] = {}


def site_language(root: Path) -> str:
    """The ``language`` of the site's ``site.toml`` ("fr" when absent or unreadable), read
    again only when the file changes: public pages ask for it on every request."""
    path = root / "site.toml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return "fr"
    cached = _languages.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        language = load_site_config(path).language
    except ContentError:
        language = "fr"
    _languages[path] = (mtime, language)
    return language


def site_content(root: Path, cache_dir: Path | None = None,
                 max_age: float = 0.0) -> SiteContent:
    """The site's settings and pages; ``cache_dir`` keeps parsed pages between runs.

    The folder is scanned for changes on each call, or only once every ``max_age`` seconds:
    the live site passes ESTRADE_CONTENT_RECHECK_SECONDS, since on thousands of pages the scan
    costs more than serving the page itself."""
    root = root.resolve()
    now = time.monotonic()
    with _lock:
        cached = _cache.get(root)
    if cached and max_age > 0 and now - cached[2] < max_age:
        return cached[1]
    signature = _signature(root)
    if cached and cached[0] == signature:
        with _lock:
            _cache[root] = (signature, cached[1], now)
        return cached[1]
    config = load_site_config(root / "site.toml")
    if cache_dir is None:
        pages, errors = load_pages(root / "pages")
    else:
        page_cache = PageCache(cache_dir, root / "pages")
        # Without their text, as the cache keeps them, from the moment each is parsed: a
        # first build of thousands of pages would otherwise hold every text in memory (and
        # in each forked worker); the pages converted read their file again (full_page).
        pages, errors = load_pages(root / "pages", page_cache.reuse, slim=True)
        page_cache.remember(pages)
    published = {p.slug: p for p in pages if p.status == "published"}
    drafts = {p.slug: p for p in pages if p.status != "published"}
    for error in errors:
        logger.warning("%s", error)
    content = SiteContent(root=root, config=config, pages=published, drafts=drafts,
                          errors=tuple(errors), newest_mtime_ns=signature[0])
    with _lock:
        _cache[root] = (signature, content, now)
    return content


def forget(root: Path) -> None:
    """Read the folder again on the next call: the editor wrote a page and the live site must
    show it at once, not after ESTRADE_CONTENT_RECHECK_SECONDS (the live renderers are keyed
    by the content object, so a new one replaces them)."""
    with _lock:
        _cache.pop(root.resolve(), None)
