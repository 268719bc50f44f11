"""The compliance core stays pure: no flask, flask_*, sqlalchemy or stripe import (design.md)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[3] / "app" / "core"
FORBIDDEN = ("flask", "sqlalchemy", "stripe")


def _forbidden(module: str) -> bool:
    root = module.split(".")[0]
    return root in FORBIDDEN or root.startswith("flask_")


def forbidden_imports(path: Path) -> list[str]:
    """``"file:line module"`` for every forbidden import in ``path`` (incl. nested/lazy ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
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
        found += [f"{path.name}:{node.lineno} {m}" for m in modules if _forbidden(m)]
    return found


def check_package(folder: Path) -> list[str]:
    return [hit for path in sorted(folder.rglob("*.py")) for hit in forbidden_imports(path)]


def test_core_is_pure() -> None:
    modules = sorted(CORE.rglob("*.py"))
    assert {"money.py", "rules.py", "spending_cap.py", "donors.py"} <= {p.name for p in modules}
    assert check_package(CORE) == []


def test_purity_checker_can_fail(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("import re\nfrom app.core.money import parse_amount\n")
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
