"""The build's page cache: unchanged files are not read again, changed ones always are."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.content import load_pages
from app.site.page_cache import PageCache


def write(path: Path, title: str) -> None:
    path.write_text(f"---\ntitle: {title}\n---\nTexte de {title}.\n", encoding="utf-8")


def test_cache_reuses_unchanged_pages_and_rereads_changed_ones(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a", "b", "c"):
        write(pages / f"{name}.md", name.upper())
    cache_dir = tmp_path / "cache"
    first = PageCache(cache_dir, pages)
    loaded, errors = load_pages(pages, first.reuse)
    first.remember(loaded)
    assert not errors and first.changed and len(list(cache_dir.iterdir())) == 1

    write(pages / "b.md", "B modifiée")
    stat = (pages / "b.md").stat()
    os.utime(pages / "b.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (pages / "c.md").unlink()
    second = PageCache(cache_dir, pages)
    reused: list[str] = []

    def reuse(path: Path, st: os.stat_result):  # type: ignore[no-untyped-def]
        page = second.reuse(path, st)
        if page is not None:
            reused.append(path.name)
        return page

    loaded, _ = load_pages(pages, reuse)
    second.remember(loaded)
    assert reused == ["a.md"]
    assert {p.title for p in loaded} == {"A", "B modifiée"}
    third = PageCache(cache_dir, pages)
    assert sorted(Path(name).name for name in third.entries) == ["a.md", "b.md"]


def test_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    write(pages / "a.md", "A")
    cache = PageCache(tmp_path / "cache", pages)
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(b"not a pickle")
    again = PageCache(tmp_path / "cache", pages)
    loaded, _ = load_pages(pages, again.reuse)
    again.remember(loaded)
    assert [p.title for p in loaded] == ["A"] and PageCache(tmp_path / "cache", pages).entries
