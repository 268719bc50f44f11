"""The design's shape holds: no import cycle between modules or between packages, and the
public website never imports the donations package; in the test tree, no module imports a test
module or a conftest (tests/support/imports.py reads the graphs)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tests.support.imports import (
    cycles,
    describe,
    forbidden_test_imports,
    import_graph,
    package_graph,
)

APP = Path(__file__).resolve().parent.parent / "app"
TESTS = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def app_graph() -> dict[str, set[str]]:
    """The app's import graph, read once for the tests of this module (callers copy)."""
    return import_graph(APP, "app")


def test_no_cycle_between_modules() -> None:
    graph = {name: set(targets) for name, targets in app_graph().items()}
    assert describe(cycles(graph), graph) == []


def test_no_cycle_between_packages() -> None:
    graph = package_graph({name: set(targets) for name, targets in app_graph().items()})
    assert describe(cycles(graph), graph) == []


def test_website_does_not_import_donations() -> None:
    graph = package_graph({name: set(targets) for name, targets in app_graph().items()})
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


def test_no_test_module_imports_another_or_a_conftest() -> None:
    """What two test modules share lives in tests/factories.py or tests/support/; fixtures come
    from conftest.py files through pytest, never through an import (tests/README.md)."""
    assert forbidden_test_imports(TESTS) == []


def test_the_test_import_rule_can_fail(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "support").mkdir(parents=True)
    (root / "ledger").mkdir()
    for folder in (root, root / "support", root / "ledger"):
        (folder / "__init__.py").write_text("")
    (root / "conftest.py").write_text('from tests.support.app import make_app\n'
                                      'pytest_plugins = ["tests.support.app"]\n')
    (root / "factories.py").write_text("from tests.support import app\n")
    (root / "support" / "app.py").write_text("from tests.factories import tx\n")
    (root / "ledger" / "conftest.py").write_text("from tests import factories\n")
    (root / "ledger" / "test_a.py").write_text("from tests.factories import tx\n"
                                               "from ..support.app import make_app\n")
    assert forbidden_test_imports(root) == []
    (root / "ledger" / "test_b.py").write_text("from tests.ledger.test_a import helper\n")
    (root / "ledger" / "test_c.py").write_text("def f():\n    from .conftest import identity\n")
    (root / "test_d.py").write_text("import tests.conftest\n")
    (root / "support" / "live.py").write_text('pytest_plugins = ["tests.ledger.conftest"]\n')
    (root / "factories.py").write_text("from tests.ledger import test_a\n")
    assert forbidden_test_imports(root) == [
        "tests.factories → tests.ledger.test_a",
        "tests.ledger.test_b → tests.ledger.test_a",
        "tests.ledger.test_c → tests.ledger.conftest",
        "tests.support.live → tests.ledger.conftest",
        "tests.test_d → tests.conftest",
    ]
