"""The « Créer un site » section of docs/guide-redaction.md shows the screenshots the
wizard's browser test takes, and only those."""

from __future__ import annotations

import re

from tests.support.paths import ROOT


def test_the_guide_shows_the_wizard_screenshots_the_browser_test_takes() -> None:
    guide = (ROOT / "docs" / "guide-redaction.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(images/sites/([\w-]+)\.png\)", guide))
    test = (ROOT / "tests" / "browser" / "test_wizard.py").read_text(encoding="utf-8")
    taken = set(re.findall(r'shot\(page, "([\w-]+)"\)', test))
    assert shown == taken
    for name in shown:
        assert (ROOT / "docs" / "images" / "sites" / f"{name}.png").is_file(), name
