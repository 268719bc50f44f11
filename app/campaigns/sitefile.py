"""Writing ``content/<site>/site.toml`` back from the browser (wizard, site and theme settings).

The folder stays the truth: a change is applied to the parsed document with tomlkit (which
keeps the comments, order and layout a person wrote), checked by the same reader the website
uses (:func:`load_site_config`), then written atomically. A change that would make the file
invalid is refused with the reader's French message and the old file is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tomlkit
from tomlkit.toml_document import TOMLDocument

from app.core.publishing.pages import ContentError
from app.core.publishing.site_config import SiteConfig, load_site_config
from app.fileutil import atomic_write_text

FILENAME = "site.toml"


def read_document(folder: Path) -> TOMLDocument:
    """The site's ``site.toml`` as an editable document (empty when the file is absent)."""
    path = folder / FILENAME
    if not path.exists():
        return tomlkit.document()
    return tomlkit.parse(path.read_text(encoding="utf-8"))


def update_site_file(folder: Path, change: Callable[[TOMLDocument], None]) -> SiteConfig:
    """Apply ``change`` to the document, validate the result, write it atomically.

    Raises :class:`ContentError` (nothing written) when the result is not a valid site file.
    """
    document = read_document(folder)
    change(document)
    text = tomlkit.dumps(document)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".{FILENAME}.check"
    try:
        probe.write_text(text, encoding="utf-8")
        config = load_site_config(probe)
    finally:
        probe.unlink(missing_ok=True)
    atomic_write_text(folder / FILENAME, text)
    return config


__all__ = ["ContentError", "read_document", "update_site_file"]
