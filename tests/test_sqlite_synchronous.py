"""ESTRADE_SQLITE_SYNCHRONOUS: FULL (a commit survives a power cut) unless NORMAL is asked
for (a commit survives a crash of the app: SQLite's usual WAL setting); anything else is
refused at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from app.settings import ConfigError
from tests.support.app import inside, make_app


def _synchronous(tmp_path: Path, **config: object) -> int:
    url = f"sqlite:///{tmp_path / 'sync.sqlite'}"
    with inside(make_app(url, tmp_path, **config)):
        return int(db.session.execute(text("PRAGMA synchronous")).scalar_one())


def test_full_by_default_and_normal_when_asked(tmp_path: Path) -> None:
    assert _synchronous(tmp_path) == 2  # FULL
    assert _synchronous(tmp_path, ESTRADE_SQLITE_SYNCHRONOUS="normal") == 1  # NORMAL


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ESTRADE_SQLITE_SYNCHRONOUS"):
        _synchronous(tmp_path, ESTRADE_SQLITE_SYNCHRONOUS="OFF")
