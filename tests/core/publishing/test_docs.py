"""docs/blocks.md documents every block declared in BLOCK_SPECS (declare once, document all)."""

from __future__ import annotations

import pytest

from app.core.publishing.blocks import BLOCK_SPECS, BlockSpec
from tests.support.paths import ROOT

DOC = ROOT / "docs" / "blocks.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", list(BLOCK_SPECS.values()), ids=list(BLOCK_SPECS))
def test_every_block_is_documented(doc: str, spec: BlockSpec) -> None:
    assert f"### `{spec.name}` — {spec.label}" in doc
    for param in spec.params + spec.item_fields:
        assert f"| `{param.name}` | {param.label} |" in doc, param.name
    assert spec.example in doc


@pytest.mark.parametrize("spec", list(BLOCK_SPECS.values()), ids=list(BLOCK_SPECS))
def test_every_declaration_has_labels_and_help(spec: BlockSpec) -> None:
    assert spec.label and spec.help and spec.example.startswith(f"::: {spec.name}")
    assert spec.body in {"markdown", "yaml", "none"}
    assert bool(spec.item_fields) == (spec.body == "yaml")
    for param in spec.params + spec.item_fields:
        assert param.label and param.help, (spec.name, param.name)
        assert param.kind in {"text", "markdown", "url", "image", "file", "amounts", "bool",
                              "video"}
