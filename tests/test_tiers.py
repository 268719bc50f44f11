"""The ``slow`` list of tests/support/tiers.py names tests that exist (a renamed test would leave
the quick loop silently)."""

from __future__ import annotations

import re

from tests.support.paths import ROOT
from tests.support.tiers import SLOW


def test_every_slow_entry_names_a_test_file_and_function() -> None:
    missing = []
    for entry in SLOW:
        path, _, name = entry.partition("::")
        name = name.split("[", 1)[0]
        source = ROOT / path
        if not source.is_file():
            missing.append(entry)
            continue
        if name and not re.search(rf"^def {re.escape(name)}", source.read_text(), re.M):
            missing.append(entry)
    assert missing == []


def test_the_quick_loop_leaves_slow_tests_out() -> None:
    makefile = (ROOT / "Makefile").read_text()
    quick = next(line for line in makefile.splitlines() if "pytest" in line and "-n auto" in line)
    assert "not slow" in quick
