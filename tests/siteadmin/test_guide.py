"""docs/guide-redaction.md shows the site screenshots (images/site/) that the browser tests of
the site's administration and of its media, menu and theme take, and only those."""

from __future__ import annotations

import re

from tests.support.paths import ROOT

TESTS = ("test_siteadmin.py", "test_media_menus_theme.py")


def test_the_guide_shows_the_site_screenshots_the_browser_tests_take() -> None:
    guide = (ROOT / "docs" / "guide-redaction.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(images/site/([\w-]+)\.png\)", guide))
    taken: set[str] = set()
    for name in TESTS:
        test = (ROOT / "tests" / "browser" / name).read_text(encoding="utf-8")
        found = set(re.findall(r'shot\(\w+, "([\w-]+)"', test))
        assert len(found) >= 5, name
        taken |= found
    assert shown == taken
    for name in shown:
        assert (ROOT / "docs" / "images" / "site" / f"{name}.png").is_file(), name
    for section in ("## Réglages du site", "## Équipe", "## Journal", "## La médiathèque",
                    "## Le menu du site", "## Le thème"):
        assert section in guide
