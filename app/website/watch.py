"""``estrade build --watch``: rebuild as soon as a page, the site settings or a theme changes.

The process stays up, so a rebuild costs only the build itself (no Python start-up, imports
or database connection): under a second for one page of a 5,000-page site. File events come
from ``watchfiles`` (inotify on Linux, polling elsewhere).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

#: Editor leftovers and our own atomic-write temporary files never trigger a rebuild.
IGNORED_SUFFIXES = (".tmp", ".swp", ".swx", "~", ".part")


def relevant(path: str, ignored_folders: Iterable[Path]) -> bool:
    name = Path(path)
    if name.name.startswith((".", "#")) or name.name.endswith(IGNORED_SUFFIXES):
        return False
    return not any(name.is_relative_to(folder) for folder in ignored_folders)


def watch_and_rebuild(paths: list[Path], rebuild: Callable[[list[str]], None], *,
                      ignored_folders: list[Path], echo: Callable[[str], None],
                      stop_event: threading.Event | None = None) -> None:
    """Call ``rebuild(changed files)`` after each burst of changes under ``paths``, until
    ``stop_event`` is set or the user presses Ctrl-C."""
    from watchfiles import watch

    folders = [p.resolve() for p in ignored_folders]
    roots = [str(p) for p in paths if p.exists()]
    ready = False
    try:
        # With yield_on_timeout, the first (empty) answer means the watcher is in place: only
        # then is "save a page" true.
        for changes in watch(*roots, stop_event=stop_event, debounce=800, step=50,
                             rust_timeout=300, yield_on_timeout=True,
                             watch_filter=lambda _change, path: relevant(path, folders)):
            if not ready:
                ready = True
                echo("Surveillance de " + ", ".join(roots) + " : enregistrez une page pour "
                     "reconstruire (Ctrl-C pour arrêter).")
            if changes:
                rebuild(sorted({path for _change, path in changes}))
    except KeyboardInterrupt:
        pass
    echo("Surveillance arrêtée.")
