"""Golden test: the demo site's static export, compared file by file with tests/golden/demo/.

Regenerate after an intended change with ``ESTRADE_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from app.website.build import MANIFEST, build_site

EXPECTED = Path(__file__).parent / "demo"
TEXT = {".html", ".xml", ".txt", ".css", ".js", ".svg"}


def _tree(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def test_demo_export_matches_golden(app, demo_site, tmp_path) -> None:
    out = tmp_path / "out"
    build_site(app, demo_site, out, base_url="https://saint-aubin.example",
               donate_url="https://app.saint-aubin.example/don", echo=lambda _: None)
    built = _tree(out)
    if os.environ.get("ESTRADE_UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for name, path in built.items():
            if path.suffix in TEXT:
                (EXPECTED / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, EXPECTED / name)
        (EXPECTED / "FILES.txt").write_text("\n".join(built) + "\n", encoding="utf-8")
    listed = (EXPECTED / "FILES.txt").read_text(encoding="utf-8").split()
    assert list(built) == listed
    for name, path in built.items():
        if path.suffix not in TEXT:
            continue
        expected = (EXPECTED / name).read_text(encoding="utf-8")
        actual = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                                  f"golden/{name}", f"built/{name}", lineterm=""))
            raise AssertionError(f"{name} differs from the golden copy:\n{diff[:4000]}")
