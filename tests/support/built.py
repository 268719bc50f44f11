"""What a static build wrote."""

from __future__ import annotations

from pathlib import Path

from app.website.build import MANIFEST


def built_files(root: Path) -> dict[str, bytes]:
    """Every file of the built tree by its relative path, the build's own manifest left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}
