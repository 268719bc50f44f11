"""Every declared setting and every CLI command is documented (after Datasette); docs/rules.md
is what the rulebook generates."""

from __future__ import annotations

import importlib.util
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


# --------------------------------------------------------------------------- docs/rules.md


def _rules_doc_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("rules_doc", ROOT / "scripts" / "rules_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_what_the_rulebook_generates() -> None:
    """A rule changed in app/core/finance/rulebook.py (or a message changed in the rules) without
    running ``python scripts/rules_doc.py`` fails here."""
    script = _rules_doc_script()
    expected = script.render()
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run python scripts/rules_doc.py"
    assert script.main(["--check"]) == 0


def test_rules_doc_shows_the_real_messages() -> None:
    from app.core.finance import rule_examples

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "### DON-2 — 4 600 € par donateur et par élection" in doc
    assert rule_examples.over_donor_cap().messages[0] in doc
