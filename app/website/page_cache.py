"""Parsed pages kept on disk between runs, so that a command rebuilding one page of a large
site reads and parses only the files that changed (a file is unchanged while its size and
modification time are). The cache lives in the instance folder and is rebuilt if unreadable.

It keeps pages without their text (:func:`app.core.publishing.pages.slim_page`): a tenth of
the size, so loading and rewriting it stays cheap; the few pages rendered read their file
again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import fields
from pathlib import Path

from app.core.publishing.pages import Page, slim_page
from app.fileutil import atomic_write_bytes

logger = logging.getLogger(__name__)
#: Changes whenever the Page data class changes, so an old cache is never misread.
FORMAT = hashlib.sha256(("fields-v2:" + ",".join(f.name for f in fields(Page))).encode()
                        ).hexdigest()[:12]


def _stored(page: Page) -> dict[str, object]:
    """A page's fields as kept on disk, without its source: the file's name is the entry's
    key, and unpickling 5,000 ``Path`` objects cost a one-page rebuild more than the page."""
    return {name: value for name, value in page.__dict__.items() if name != "source"}


def _page(name: str, stored: dict[str, object]) -> Page:
    page = object.__new__(Page)
    page.__dict__.update(stored, source=Path(name))  # a frozen data class: no __setattr__
    return page


class PageCache:
    def __init__(self, folder: Path, pages_root: Path) -> None:
        key = hashlib.sha256(str(pages_root.resolve()).encode()).hexdigest()[:16]
        self.path = folder / f"pages-{key}-{FORMAT}.pickle"
        self._older = [p for p in folder.glob(f"pages-{key}-*.pickle") if p != self.path]
        self.entries: dict[str, tuple[int, int, Page]] = {}
        self.changed = False
        try:
            with self.path.open("rb") as handle:
                stored = pickle.load(handle)
            self.entries = {name: (mtime, size, _page(name, fields))
                            for name, (mtime, size, fields) in stored.items()}
        except FileNotFoundError:
            pass
        except Exception as exc:
            logger.warning("cache des pages illisible (%s) : reconstruit", exc)
        self.seen: dict[str, tuple[int, int]] = {}  # file → (mtime, size) read this run

    def reuse(self, name: str, stat: os.stat_result) -> Page | None:
        self.seen[name] = (stat.st_mtime_ns, stat.st_size)
        entry = self.entries.get(name)
        if entry is not None and entry[:2] == self.seen[name]:
            return entry[2]
        self.changed = True
        return None

    def remember(self, pages: list[Page]) -> None:
        for page in pages:
            name = str(page.source)
            if name in self.seen and (name not in self.entries
                                      or self.entries[name][2] is not page):
                # The stat taken before reading: a file changed meanwhile is re-read next time.
                self.entries[name] = (*self.seen[name], slim_page(page) if page.complete else page)
        gone = set(self.entries) - set(self.seen)
        for name in gone:
            del self.entries[name]
        if self.changed or gone:
            try:
                stored = {name: (mtime, size, _stored(page))
                          for name, (mtime, size, page) in self.entries.items()}
                atomic_write_bytes(self.path, pickle.dumps(stored, protocol=5))
                for older in self._older:  # written by a version with another Page format
                    older.unlink(missing_ok=True)
            except OSError as exc:
                logger.warning("cache des pages non écrit (%s)", exc)
