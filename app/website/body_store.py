"""Rendered page bodies kept on disk between static builds, by content hash.

Converting a page's Markdown (blocks, sanitising, typography) is nine tenths of the cost of
rendering it. ``estrade build`` keeps what it converted in ``instance/cache/bodies-*.sqlite``,
keyed by a hash of everything the body is made from: the page's text, the theme's files (its
block templates), the site's theme settings and donation presets, and the code and library
versions that convert it (:data:`CODE_VERSION`). A build from an empty output folder then only
fills the theme's templates for pages whose text it has converted before.

One SQLite file per site (the standard library's ``sqlite3``, WAL mode): the build's forked
workers open their own connection and write what they converted; bodies are read one at a
time, so memory does not grow with the site. Rows no page uses any more are pruned after a
build. An unreadable or locked file is never an error: the page is converted again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3

logger = logging.getLogger(__name__)

_CODE_FILES = ("markdown.py", "fast_inline.py", "blocks.py", "block_html.py", "block_specs.py",
               "sanitize.py", "typography.py", "pages.py")


def _code_version() -> str:
    """Changes when the conversion code or the libraries doing it change."""
    digest = hashlib.sha256(b"bodies-v1")
    folder = Path(__file__).resolve().parent.parent / "core" / "publishing"
    for name in _CODE_FILES:
        digest.update((folder / name).read_bytes())
    digest.update((Path(__file__).resolve().parent / "render.py").read_bytes())
    # Module attributes, not importlib.metadata: its scan of the installed packages costs a
    # one-page rebuild more than the page.
    for module in (markdown, nh3, jinja2):
        digest.update(f"{module.__name__}={getattr(module, '__version__', '?')};".encode())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


class BodyStore:
    """Bodies by key in one SQLite file; one connection per process (safe across fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._buffer: list[tuple[str, bytes]] = []
        self._buffer_pid = os.getpid()
        self.hits = 0
        self.misses = 0
        self.broken = False
        #: The keys :meth:`missing` found absent (never looked up again by :meth:`get`).
        self._absent: set[str] = set()

    def _db(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        if self._connection is None or self._pid != os.getpid():
            # A connection inherited through fork is never used: the child opens its own.
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                             check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("CREATE TABLE IF NOT EXISTS bodies "
                                   "(key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            except sqlite3.Error as exc:
                logger.warning("cache des pages converties inutilisable (%s)", exc)
                self.broken = True
                return None
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def get(self, key: str) -> dict[str, Any] | None:
        if key in self._absent:
            self.misses += 1  # not stored when the build started (a first build: none is)
            return None
        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM bodies WHERE key = ?", (key,)).fetchone()
            found = None if row is None else json.loads(zlib.decompress(row[0]))
        except (sqlite3.Error, zlib.error, ValueError) as exc:
            logger.warning("cache des pages converties illisible (%s)", exc)
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found if isinstance(found, dict) else None

    def missing(self, keys: list[str]) -> int:
        """How many of ``keys`` have no body stored (the pages a build must convert)."""
        db = self._db()
        if db is None:
            return len(keys)
        try:
            known = {k for (k,) in db.execute("SELECT key FROM bodies")}
        except sqlite3.Error:
            return len(keys)
        # Kept for get(): a key absent now is not looked up (its page is converted).
        self._absent = {k for k in keys if k not in known}
        return len(self._absent)

    def put(self, key: str, body: dict[str, Any]) -> None:
        """Keep ``body``; written by :meth:`commit`, in one short transaction, so that workers
        writing the same file never wait on each other while they render."""
        data = zlib.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"), 1)
        if self._buffer_pid != os.getpid():
            self._buffer = []  # inherited through fork: the builder's to write, not ours
            self._buffer_pid = os.getpid()
        self._buffer.append((key, data))
        if len(self._buffer) >= 50:
            self.commit()

    def commit(self) -> None:
        if not self._buffer or self._buffer_pid != os.getpid():
            return
        rows, self._buffer = self._buffer, []
        db = self._db()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO bodies (key, data) VALUES (?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            logger.warning("cache des pages converties non écrit (%s)", exc)
            self._rollback()

    def _rollback(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")

    def prune(self, keep: set[str]) -> int:
        """Delete the bodies no current page uses (only when they are many: cheap otherwise)."""
        self.commit()
        db = self._db()
        if db is None:
            return 0
        try:
            (count,) = db.execute("SELECT count(*) FROM bodies").fetchone()
            if count <= len(keep) + max(50, len(keep) // 10):
                return 0
            stale = [(k,) for (k,) in db.execute("SELECT key FROM bodies") if k not in keep]
            db.execute("BEGIN")
            db.executemany("DELETE FROM bodies WHERE key = ?", stale)
            db.execute("COMMIT")
            return len(stale)
        except sqlite3.Error as exc:
            logger.warning("cache des pages converties non nettoyé (%s)", exc)
            self._rollback()
            return 0

    def close(self) -> None:
        self.commit()
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def store_path(cache_dir: Path, content_root: Path) -> Path:
    key = hashlib.sha256(str(content_root.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"bodies-{key}.sqlite"
