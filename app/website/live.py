"""The renderers of the live site: one per site and address, kept until what it shows changes.

Building a :class:`SiteRenderer` reads the theme and validates its settings; before this cache,
every public request built one (and walked the theme and media folders to do it). Now a page
view only checks what the page depends on and reuses the renderer while all of it is unchanged:

* the content folder: :func:`site_content` returns the same :class:`SiteContent` object while
  the folder is unchanged (re-scanned at most every ESTRADE_CONTENT_RECHECK_SECONDS);
* the theme: its fingerprint, re-taken at most every ESTRADE_CONTENT_RECHECK_SECONDS too;
* the site's row and campaign: theme name, DON-9 mentions, campaign facts for the legal pages;
* the address the site is reached at (canonical links are absolute).

The cache lives on the application (``app.extensions``), so each app — and each test — has its
own; a lock guards it, since a renderer is shared by the threads serving the site.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from app.campaigns.mentions import mentions_for
from app.campaigns.models import Site
from app.website.images import ImageStore
from app.website.legal_pages import campaign_info, legal_block_html, privacy_facts
from app.website.render import RenderOptions, SiteRenderer
from app.website.repository import SiteContent, site_content
from app.website.themes import ThemeState, ThemeVersions

EXTENSION = "estrade.live_renderers"  # app.extensions key
#: Any Host header reaches the default site: the caches must stay bounded (500 sites reached
#: at two names each fit).
MAX_RENDERERS = 1024


@dataclass(frozen=True)
class Recent:
    """What a request to one address needed, kept for ESTRADE_CONTENT_RECHECK_SECONDS: a page
    view within that time asks the database nothing (which site the host is, its theme and
    campaign) and the folder nothing."""

    renderer: SiteRenderer
    language: str
    taken: float


def legal_block(site: Site) -> Markup:
    """The DON-9 block, rendered by the app (never by the theme)."""
    return legal_block_html(mentions_for(site.campaign))


def make_renderer(site: Site, options: RenderOptions, theme: str | None = None,
                  image_cache: Path | None = None, content: SiteContent | None = None,
                  theme_files: ThemeState | None = None) -> SiteRenderer:
    """Build the renderer of ``site`` (needs an application context)."""
    config = current_app.config
    content = content or site_content(Path(config["ESTRADE_CONTENT_DIR"]) / site.content_dir,
                                      max_age=float(config["ESTRADE_CONTENT_RECHECK_SECONDS"]))
    cache = image_cache or Path(current_app.instance_path) / "cache" / "images" / site.slug
    return SiteRenderer(content=content, themes_dir=config["ESTRADE_THEMES_DIR"],
                        theme_name=theme or site.theme, legal_html=legal_block(site),
                        campaign=campaign_info(site.campaign), options=options,
                        images=ImageStore(content.root / "media", cache),
                        theme_files=theme_files, privacy=privacy_facts(config))


@dataclass(frozen=True)
class _Entry:
    content: SiteContent  # compared by identity: a new object means the folder changed
    version: tuple[Any, ...]  # everything else the renderer was built from, compared by value
    renderer: SiteRenderer


class LiveRenderers:
    """The per-site renderer cache of one application."""

    def __init__(self, max_entries: int = MAX_RENDERERS) -> None:
        self.max_entries = max_entries
        self.themes = ThemeVersions()
        self._entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
        self._recent: OrderedDict[str, Recent] = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, address: str, max_age: float) -> Recent | None:
        """The renderer last used for ``address`` (scheme and Host as received), if it was
        looked up less than ``max_age`` seconds ago (never when ``max_age`` is 0)."""
        if max_age <= 0:
            return None
        with self._lock:
            found = self._recent.get(address)
        if found is None or time.monotonic() - found.taken >= max_age:
            return None
        return found

    def remember(self, address: str, renderer: SiteRenderer, language: str) -> None:
        with self._lock:
            self._recent[address] = Recent(renderer, language, time.monotonic())
            self._recent.move_to_end(address)
            while len(self._recent) > self.max_entries:
                self._recent.popitem(last=False)

    def renderer(self, site: Site, request_base: str) -> SiteRenderer:
        """The renderer of ``site`` (needs an application context). Canonical addresses, the
        sitemap and the feed use the site's own ``base_url`` (site.toml); only a site without
        one falls back to the address it was reached at (one of its declared host names)."""
        config = current_app.config
        max_age = float(config["ESTRADE_CONTENT_RECHECK_SECONDS"])
        content = site_content(Path(config["ESTRADE_CONTENT_DIR"]) / site.content_dir,
                               max_age=max_age)
        base_url = content.config.base_url or request_base
        themes_dir = config["ESTRADE_THEMES_DIR"]
        theme_files = self.themes.current(themes_dir, site.theme, max_age)
        image_cache = Path(current_app.instance_path) / "cache" / "images" / site.slug
        # LegalMentions and CampaignInfo are frozen data classes: compared by value, cheaply.
        version = (themes_dir, site.theme, theme_files, mentions_for(site.campaign),
                   campaign_info(site.campaign), str(image_cache), privacy_facts(config))
        slot = (site.id, base_url)
        with self._lock:
            entry = self._entries.get(slot)
            if entry is not None and entry.content is content and entry.version == version:
                self._entries.move_to_end(slot)
                return entry.renderer
        built = make_renderer(site, RenderOptions(base_url=base_url), content=content,
                              image_cache=image_cache, theme_files=theme_files)
        with self._lock:
            self._entries[slot] = _Entry(content, version, built)
            self._entries.move_to_end(slot)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return built

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._recent.clear()

    def forget_recent(self) -> None:
        """A page was published: the next request looks its site's content up again."""
        with self._lock:
            self._recent.clear()


def live_renderers(app: Flask) -> LiveRenderers:
    cache = app.extensions.get(EXTENSION)
    if cache is None:
        cache = app.extensions.setdefault(EXTENSION, LiveRenderers())
    return cache
