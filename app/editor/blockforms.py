"""The « Insérer un bloc » forms' two ends: a block's text read into the values of its
declared fields, and values written back as the block's text. The editor's forms are made in
the browser from ``BLOCK_SPECS`` (passed to the page as JSON); the parsing is the core's, so a
block reads the same in the editor and on the site."""

from __future__ import annotations

import json
from typing import Any

import yaml

from app.core.publishing import blocks
from app.core.publishing.block_specs import BLOCK_SPECS


def patterns() -> dict[str, str]:
    """The core's block fences, for the editor's Markdown tokenizer (same regexes)."""
    return {"open": blocks._OPEN.pattern, "close": blocks._CLOSE.pattern}


def read_block(raw: str) -> dict[str, Any]:
    """``{"name", "params", "body", "items"}`` of a block's text (``error`` if unreadable)."""
    parts = [p for p in blocks.split_blocks(raw.strip("\n")) if isinstance(p, blocks.RawBlock)]
    if len(parts) != 1 or not parts[0].closed:
        return {"error": "Ce bloc ne se lit pas : modifiez-le en mode source."}
    block = parts[0]
    spec = BLOCK_SPECS.get(block.name)
    if spec is None:
        return {"error": f"Bloc « {block.name} » inconnu."}
    try:
        params = blocks.parse_params(block.params_text)
    except blocks.BlockProblem as exc:
        return {"error": str(exc)}
    found: dict[str, Any] = {"name": block.name, "params": params, "body": "", "items": []}
    if spec.body == "yaml":
        try:
            items = yaml.safe_load(block.body) or []
        except yaml.YAMLError:
            return {"error": "La liste de ce bloc ne se lit pas : modifiez-le en mode source."}
        found["items"] = [{k: "" if v is None else str(v) for k, v in item.items()}
                          for item in items if isinstance(item, dict)]
    elif spec.body == "markdown":
        found["body"] = block.body
    return found


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_block(name: str, params: dict[str, str], body: str = "",
                items: list[dict[str, str]] | None = None) -> str:
    """The block's text: ``::: name key="value"…``, its body, ``:::``. Empty values are left
    out; list items are written as YAML with every value quoted (as JSON strings, valid
    YAML), so a colon or a leading dash in a text never changes its meaning."""
    spec = BLOCK_SPECS[name]
    declared = [p.name for p in spec.params]
    line = f"::: {name}"
    for key in declared:
        value = str(params.get(key, "")).strip()
        if value:
            line += f" {key}={_quote(value)}" if not value.isalnum() else f" {key}={value}"
    lines = [line]
    if spec.body == "markdown" and body.strip():
        lines.append(body.strip("\n"))
    if spec.body == "yaml":
        fields = [f.name for f in spec.item_fields]
        for item in items or []:
            kept = [(k, str(item.get(k, "")).strip()) for k in fields]
            kept = [(k, v) for k, v in kept if v]
            for n, (key, value) in enumerate(kept):
                prefix = "- " if n == 0 else "  "
                lines.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append(":::")
    return "\n".join(lines)
