"""The editor writes content files: each test gets its own copy of the demo content."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.paths import ROOT


@pytest.fixture(autouse=True)
def content_copy(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    app.config["ESTRADE_CONTENT_DIR"] = str(target)
    return target / "demo" / "pages"


@pytest.fixture
def editor_login(client: Any, auth: Any) -> Any:
    auth.login("editor@example.org")
    client.get("/admin/pages/")  # the list picks the site's files up as pages
    return client
