"""The design's shape holds: no import cycle between modules or between packages, and the
public website never imports the donations package (tests/support/imports.py reads the graph)."""

from __future__ import annotations

from pathlib import Path

from tests.support.imports import cycles, describe, import_graph, package_graph

APP = Path(__file__).resolve().parent.parent / "app"


def test_no_cycle_between_modules() -> None:
    graph = import_graph(APP, "app")
    assert describe(cycles(graph), graph) == []


def test_no_cycle_between_packages() -> None:
    graph = package_graph(import_graph(APP, "app"))
    assert describe(cycles(graph), graph) == []


def test_website_does_not_import_donations() -> None:
    graph = package_graph(import_graph(APP, "app"))
    assert "app.donations" not in graph["app.website"]
    assert "app.editor" not in graph["app.website"]


def test_the_cycle_test_can_fail(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "alpha").mkdir(parents=True)
    (root / "beta").mkdir()
    (root / "__init__.py").write_text("")
    (root / "alpha" / "__init__.py").write_text("")
    (root / "beta" / "__init__.py").write_text("")
    (root / "alpha" / "one.py").write_text("from pkg.beta import two\n")
    (root / "beta" / "two.py").write_text("def f():\n    from pkg.alpha.one import x\n")
    (root / "beta" / "three.py").write_text("from . import two\n")
    graph = import_graph(root, "pkg")
    assert graph["pkg.alpha.one"] == {"pkg.beta.two"}
    assert graph["pkg.beta.three"] == {"pkg.beta.two"}
    assert cycles(graph) == [["pkg.alpha.one", "pkg.beta.two"]]
    assert describe(cycles(graph), graph) == ["pkg.alpha.one → pkg.beta.two; "
                                              "pkg.beta.two → pkg.alpha.one"]
    (root / "beta" / "two.py").write_text("X = 1\n")
    (root / "alpha" / "one.py").write_text("from pkg.beta.two import X\n")
    (root / "beta" / "three.py").write_text("import pkg.alpha.one\n")
    (root / "alpha" / "four.py").write_text("from pkg.beta import three\n")
    graph = import_graph(root, "pkg")
    assert cycles(graph) == []  # modules: one → two, three → one, four → three
    assert cycles(package_graph(graph, ("pkg.alpha", "pkg.beta"))) == [["pkg.alpha",
                                                                       "pkg.beta"]]
