"""docs/guide-redaction.md shows the site administration's screenshots the browser tests take,
and only those."""

from __future__ import annotations

import re

from tests.support.paths import ROOT


def test_the_guide_shows_the_site_screenshots_the_browser_test_takes() -> None:
    guide = (ROOT / "docs" / "guide-redaction.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(images/site/([\w-]+)\.png\)", guide))
    test = (ROOT / "tests" / "browser" / "test_siteadmin.py").read_text(encoding="utf-8")
    taken = set(re.findall(r'shot\(\w+, "([\w-]+)"', test))
    assert shown == taken and len(taken) >= 5
    for name in shown:
        assert (ROOT / "docs" / "images" / "site" / f"{name}.png").is_file(), name
    for section in ("## Réglages du site", "## Équipe", "## Journal"):
        assert section in guide
