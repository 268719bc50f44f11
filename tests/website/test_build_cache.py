"""Build speed: converted bodies kept between builds, and ``estrade build`` in the site-only app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.website import render
from app.website.body_store import BodyStore, store_path
from app.website.build import build_site
from tests.support.built import built_files
from tests.support.paths import ROOT

GOLDEN = ROOT / "tests" / "golden" / "demo"
ESTRADE = str(Path(sys.executable).parent / "estrade")


def _count_conversions(monkeypatch) -> list[str]:
    converted: list[str] = []
    original = render.render_markdown

    def spy(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        converted.append(text[:40])
        return original(text, *args, **kwargs)

    monkeypatch.setattr(render, "render_markdown", spy)
    return converted


def test_a_build_from_an_empty_folder_converts_nothing_again(app, own_demo, tmp_path,
                                                              monkeypatch) -> None:
    site, content = own_demo
    build_site(app, site, tmp_path / "first", echo=lambda _: None)
    converted = _count_conversions(monkeypatch)
    build_site(app, site, tmp_path / "second", echo=lambda _: None)
    assert converted == []
    assert built_files(tmp_path / "second") == built_files(tmp_path / "first")
    # One page's text changes: that page alone is converted again.
    page = content / "pages" / "programme" / "ecole.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUne ligne de plus.\n",
                    encoding="utf-8")
    build_site(app, site, tmp_path / "third", echo=lambda _: None)
    assert len(converted) == 1
    assert "Une ligne de plus." in (tmp_path / "third" / "programme" / "ecole" /
                                    "index.html").read_text(encoding="utf-8")


def test_theme_settings_are_part_of_the_body_key(app, own_demo, tmp_path, monkeypatch) -> None:
    site, _ = own_demo
    build_site(app, site, tmp_path / "first", echo=lambda _: None)
    converted = _count_conversions(monkeypatch)
    build_site(app, site, tmp_path / "other-theme", theme="moderne", echo=lambda _: None)
    assert converted  # block templates come from the theme: converted again


def test_an_unreadable_store_is_converted_again(app, own_demo, tmp_path) -> None:
    site, content = own_demo
    build_site(app, site, tmp_path / "first", echo=lambda _: None)
    path = store_path(Path(app.instance_path) / "cache", content)
    assert path.is_file()
    for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    build_site(app, site, tmp_path / "second", echo=lambda _: None)
    assert built_files(tmp_path / "second") == built_files(tmp_path / "first")


def test_store_prunes_bodies_no_page_uses(tmp_path) -> None:
    store = BodyStore(tmp_path / "bodies.sqlite")
    for i in range(80):
        store.put(f"k{i}", {"html": str(i)})
    store.commit()
    assert store.missing(["k1", "k2", "absent"]) == 1
    assert store.prune({"k1", "k2"}) == 78
    assert store.get("k1") == {"html": "1"} and store.get("k3") is None


def _site_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESTRADE_", "STRIPE_"))}
    env.update(ESTRADE_INSTANCE_PATH=str(tmp_path / "instance"),
               ESTRADE_DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite'}")
    return env


def test_site_only_app_imports_neither_staff_nor_money_packages(tmp_path) -> None:
    code = ("import sys; from app import create_app; app = create_app(site_only=True); "
            "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['app', 'editor'], "
            "['app', 'donations'], ['app', 'treasury'], ['app', 'ledger'], ['app', 'accounts'],"
            " ['app', 'privacy']) or m in ('stripe', 'openpyxl', 'fpdf', 'lxml', 'pyrage'))); "
            "print(sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith("
            "('/admin', '/don', '/stripe'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=_site_env(tmp_path), cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "[]"]


def test_cli_build_in_the_site_only_app_matches_the_golden_export(tmp_path) -> None:
    env = _site_env(tmp_path)
    init = subprocess.run([ESTRADE, "init"], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert init.returncode == 0, init.stderr + init.stdout
    out = tmp_path / "out"
    built = subprocess.run([ESTRADE, "build", "--site", "demo", "--out", str(out),
                            "--base-url", "https://saint-aubin.example",
                            "--donate-url", "https://app.saint-aubin.example/don"],
                           capture_output=True, text=True, env=env, timeout=300, check=False)
    assert built.returncode == 0, built.stderr + built.stdout
    files = built_files(out)
    assert list(files) == (GOLDEN / "FILES.txt").read_text(encoding="utf-8").split()
    for name, data in files.items():
        expected = GOLDEN / name
        if expected.is_file():
            assert data == expected.read_bytes(), name


def test_workers_are_forked_only_for_pages_to_convert(monkeypatch) -> None:
    from app.website import build

    forked: list[str] = []

    def no_fork(method: str):  # type: ignore[no-untyped-def]
        forked.append(method)
        raise RuntimeError("forked")

    monkeypatch.setattr(build, "_render_pages", lambda slugs: [(s, True, []) for s in slugs])
    monkeypatch.setattr(build.multiprocessing, "get_context", no_fork)
    todo = [f"p{i}" for i in range(build.PARALLEL_FROM + 100)]
    assert len(build._run(todo, 2, to_convert=3)) == len(todo)  # bodies stored: one process
    assert forked == []
    with pytest.raises(RuntimeError, match="forked"):
        build._run(todo, 2, to_convert=len(todo))
    assert forked == ["fork"]
