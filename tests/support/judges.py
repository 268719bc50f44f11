"""The outside judges (Nu HTML checker, axe-core in Chromium, broken links): ``check-site``.

Skipped with the reason when the judges cannot run here, except in CI (``CI`` or
``ESTRADE_REQUIRE_BROWSER`` set), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT

CHECK_SITE = Path(os.environ.get("ESTRADE_CHECK_SITE",
                                 ROOT.parent / "shared" / "judges" / "check-site"))
REQUIRED = bool(os.environ.get("CI") or os.environ.get("ESTRADE_REQUIRE_BROWSER"))


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


def run_check_site(target: str, *args: str) -> str:
    """Run the judges; their verdict is the last line of standard output (standard error
    carries set-up chatter such as ``npm ci`` on a first run)."""
    if not CHECK_SITE.exists():
        _unavailable(f"juges introuvables ({CHECK_SITE})")
    result = subprocess.run([str(CHECK_SITE), target, *args], capture_output=True,
                            text=True, timeout=900)
    output = result.stdout + result.stderr
    if result.returncode == 2:
        _unavailable(f"check-site ne peut pas s'installer ou démarrer ici :\n{output[-2000:]}")
    assert result.returncode == 0, output
    verdict = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert " 0 failed" in verdict, output
    return result.stdout
