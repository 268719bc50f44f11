"""Published pages rendered once and served from memory until the site changes.

The live renderer of a site is replaced whenever anything it was built from changes (a page
published, site.toml, the theme, the campaign's DON-9 facts: ``app.website.live``), so what it
rendered stays right for as long as it lives: each address is rendered once per renderer,
with its ETag, and a conditional request is answered 304 without rendering anything. Per
worker process, bounded.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from app.website.render import Output, SiteRenderer

MAX_PAGES = 2_000  # per site renderer: a page is a few tens of kB


@dataclass(frozen=True)
class Served:
    output: Output
    etag: str
    last_modified: datetime


class ServedPages:
    """What one renderer has served, by address (kept on the renderer itself)."""

    def __init__(self) -> None:
        self._pages: OrderedDict[str, Served] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, renderer: SiteRenderer, path: str) -> Served:
        with self._lock:
            found = self._pages.get(path)
            if found is not None:
                self._pages.move_to_end(path)
                return found
        output = renderer.render_url(path)
        newest = max(renderer.content.newest_mtime_ns, renderer.theme_mtime_ns())
        served = Served(output, hashlib.sha256(output.body.encode("utf-8")).hexdigest()[:32],
                        datetime.fromtimestamp(newest / 1e9, UTC).replace(microsecond=0))
        with self._lock:
            self._pages[path] = served
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        return served


_ATTRIBUTE = "_estrade_served_pages"
_lock = threading.Lock()


def served(renderer: SiteRenderer, path: str) -> Served:
    """``path`` as ``renderer`` renders it, rendered at most once."""
    pages = getattr(renderer, _ATTRIBUTE, None)
    if pages is None:
        with _lock:
            pages = getattr(renderer, _ATTRIBUTE, None)
            if pages is None:
                pages = ServedPages()
                setattr(renderer, _ATTRIBUTE, pages)
    return pages.get(renderer, path)
