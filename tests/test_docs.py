"""Every declared setting and every CLI command is documented (after Datasette)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.key for s in SETTINGS])
def test_setting_documented(setting) -> None:
    example = (ROOT / "instance" / "config.example.py").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert setting.key in example and f"[{setting.env}]" in example
    assert f"`{setting.key}`" in docs and f"`{setting.env}`" in docs


def test_every_cli_command_documented(app) -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in app.cli.commands.items():
        subcommands = getattr(command, "commands", None)
        if name == "db":  # Flask-Migrate's own group, documented upstream
            assert "estrade db upgrade" in docs
        elif subcommands:
            for sub in subcommands:
                assert f"estrade {name} {sub}" in docs, f"estrade {name} {sub} undocumented"
        else:
            assert f"estrade {name}" in docs, f"estrade {name} undocumented"
