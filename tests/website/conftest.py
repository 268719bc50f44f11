"""Fixtures of the website tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.paths import ROOT


@pytest.fixture
def own_demo(app: Flask, demo_site: Any, tmp_path: Path) -> tuple[Any, Path]:
    """A private copy of the demo content, so tests may edit it."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    return demo_site, content / "demo"
