"""The build's page cache: unchanged files are not read again, changed ones always are."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.publishing.pages import full_page, load_pages, page_fingerprint
from app.website.page_cache import PageCache


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

    def reuse(name: str, st: os.stat_result):  # type: ignore[no-untyped-def]
        page = second.reuse(name, st)
        if page is not None:
            reused.append(os.path.basename(name))
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


def test_cache_keeps_pages_without_their_text_and_reads_it_back(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    write(pages / "a.md", "A")
    first = PageCache(tmp_path / "cache", pages)
    fresh, _ = load_pages(pages, first.reuse)
    first.remember(fresh)
    second = PageCache(tmp_path / "cache", pages)
    cached, _ = load_pages(pages, second.reuse)
    page = cached[0]
    assert not page.complete and page.body == "" and page.text == ""
    assert page_fingerprint(page) == page_fingerprint(fresh[0])
    assert page == fresh[0].__class__(**{**vars(fresh[0]), "body": ""})  # same front matter
    assert full_page(page).body == fresh[0].body == "Texte de A.\n"


def test_a_cache_of_an_older_format_is_removed_when_rewritten(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    write(pages / "a.md", "A")
    cache = PageCache(tmp_path / "cache", pages)
    older = cache.path.with_name(cache.path.name.rsplit("-", 1)[0] + "-000000000000.pickle")
    older.parent.mkdir(parents=True)
    older.write_bytes(b"old")
    cache = PageCache(tmp_path / "cache", pages)
    loaded, _ = load_pages(pages, cache.reuse)
    cache.remember(loaded)
    assert cache.path.is_file() and not older.exists()
