"""docs/guide-redaction.md shows the screenshots the browser tests take, and only those."""

from __future__ import annotations

import re

from tests.support.paths import ROOT


def test_the_guide_shows_the_screenshots_the_browser_tests_take() -> None:
    guide = (ROOT / "docs" / "guide-redaction.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(images/editeur/([\w-]+)\.png\)", guide))
    taken: set[str] = set()
    for test in (ROOT / "tests" / "browser").glob("test_editor*.py"):
        text = test.read_text(encoding="utf-8")
        taken |= set(re.findall(r'shot\(page, "([\w-]+)"\)', text))
        taken |= set(re.findall(r'SHOTS / "([\w-]+)\.png"', text))
    assert shown == taken
    for name in shown:
        assert (ROOT / "docs" / "images" / "editeur" / f"{name}.png").is_file(), name
