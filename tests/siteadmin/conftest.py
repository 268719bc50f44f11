"""A site's administration writes ``site.toml``: each test gets its own copy of the content,
the demo site, its site admin and editor, and the installation admin."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.factories import create_user
from tests.support.paths import ROOT


@pytest.fixture
def content(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    return target


@pytest.fixture
def people(users: dict[str, Any], demo_site: Any, content: Path) -> dict[str, Any]:
    """The installation admin, an editor and a treasurer of the demo site (``users``), and
    its site admin."""
    return {**users, "site_admin": create_user("chef@example.org", "site_admin",
                                               sites=[demo_site])}
