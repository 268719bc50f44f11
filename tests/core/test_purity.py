"""The pure core stays pure (design.md; app/core/README.md states the rules tested here).

``finance``: the standard library only. ``publishing``: the standard library, markdown, yaml and
nh3, plus ``app.core.finance.money``. Neither imports flask, flask_*, sqlalchemy or stripe.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.support.paths import ROOT

CORE = ROOT / "app" / "core"
FORBIDDEN = ("flask", "sqlalchemy", "stripe")
PUBLISHING_LIBRARIES = {"markdown", "yaml", "nh3"}


def _forbidden(module: str) -> bool:
    root = module.split(".")[0]
    return root in FORBIDDEN or root.startswith("flask_")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, nested and lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules = [node.args[0].value]
        found += [(node.lineno, m) for m in modules]
    return found


def forbidden_imports(path: Path) -> list[str]:
    """``"file:line module"`` for every flask, flask_*, sqlalchemy or stripe import."""
    return [f"{path.name}:{line} {m}" for line, m in imported_modules(path) if _forbidden(m)]


def check_package(folder: Path) -> list[str]:
    return [hit for path in sorted(folder.rglob("*.py")) for hit in forbidden_imports(path)]


def outside_imports(folder: Path, allowed: set[str], app_allowed: tuple[str, ...]) -> list[str]:
    """Imports of anything but the standard library, ``allowed`` packages and ``app`` modules
    starting with one of ``app_allowed``."""
    hits = []
    for path in sorted(folder.rglob("*.py")):
        for line, module in sorted(imported_modules(path)):
            root = module.split(".")[0]
            if root == "app":
                if not module.startswith(app_allowed):
                    hits.append(f"{path.name}:{line} {module}")
            elif root not in sys.stdlib_module_names and root not in allowed | {"__future__"}:
                hits.append(f"{path.name}:{line} {module}")
    return hits


def test_core_is_pure() -> None:
    modules = {p.name for p in CORE.rglob("*.py")}
    assert {"money.py", "rules.py", "spending_cap.py", "donors.py", "pages.py",
            "blocks.py"} <= modules
    assert check_package(CORE) == []


def test_finance_uses_the_standard_library_only() -> None:
    assert outside_imports(CORE / "finance", set(), ("app.core.finance",)) == []


def test_publishing_uses_only_its_libraries() -> None:
    allowed = ("app.core.publishing", "app.core.finance.money")
    assert outside_imports(CORE / "publishing", PUBLISHING_LIBRARIES, allowed) == []


def test_readmes_list_every_module() -> None:
    for half in ("publishing", "finance"):
        readme = (CORE / half / "README.md").read_text(encoding="utf-8")
        for path in sorted((CORE / half).glob("*.py")):
            if path.name != "__init__.py":
                assert f"`{path.name}`" in readme, f"{half}/README.md does not list {path.name}"


def test_purity_checker_can_fail(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(
        "import re\nfrom app.core.finance.money import parse_amount\n")
    (tmp_path / "bad.py").write_text(
        "import flask\n"
        "from sqlalchemy.orm import Session\n"
        "import flask_login as fl\n"
        "def f():\n"
        "    import stripe\n"
        "    import importlib\n"
        "    return importlib.import_module('flask_wtf')\n"
        "import flasky\n"
    )
    assert forbidden_imports(tmp_path / "good.py") == []
    assert check_package(tmp_path) == [
        "bad.py:1 flask",
        "bad.py:2 sqlalchemy.orm",
        "bad.py:3 flask_login",
        "bad.py:5 stripe",
        "bad.py:7 flask_wtf",
    ]
    assert outside_imports(tmp_path, set(), ("app.core.finance",)) == [
        "bad.py:1 flask", "bad.py:2 sqlalchemy.orm", "bad.py:3 flask_login", "bad.py:5 stripe",
        "bad.py:7 flask_wtf", "bad.py:8 flasky"]
    (tmp_path / "good.py").write_text("import yaml\nfrom app.website import views\n")
    assert "good.py:2 app.website" in outside_imports(tmp_path, {"yaml"}, ("app.core",))
    assert not any(hit.startswith("good.py:1") for hit in outside_imports(tmp_path, {"yaml"}, ()))
