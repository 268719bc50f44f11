"""Theme loading. Themes are folders (templates, static, theme.toml) and never contain Python.

Templates render in a Jinja sandbox that only sees what the renderer passes in: no config,
no request, no secrets. Every theme extends ``base``: a template missing from a theme is
taken from ``themes/base``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

BASE_THEME = "base"


class ThemeError(ValueError):
    pass


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path
    label: str
    description: str
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: tuple[Path, ...] = ()

    @property
    def search_path(self) -> tuple[Path, ...]:
        return (self.path, *self.parents)


def load_manifest(path: Path) -> dict[str, Any]:
    manifest = path / "theme.toml"
    if not manifest.exists():
        return {}
    try:
        return tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{manifest} : TOML invalide ({exc})") from None


@lru_cache(maxsize=32)
def load_theme(themes_dir: str, name: str) -> Theme:
    root = Path(themes_dir)
    path = root / name
    if not (path / "templates").is_dir():
        raise ThemeError(f"Thème introuvable « {name} » dans {root}.")
    data = load_manifest(path)
    base = root / BASE_THEME
    parents = () if name == BASE_THEME else (base,)
    settings = dict(load_manifest(base).get("settings", {})) if parents else {}
    settings.update(data.get("settings", {}))
    return Theme(name=name, path=path, label=data.get("label", name),
                 description=data.get("description", ""), settings=settings, parents=parents)


@lru_cache(maxsize=32)
def theme_environment(themes_dir: str, name: str) -> ImmutableSandboxedEnvironment:
    theme = load_theme(themes_dir, name)
    loader = ChoiceLoader([FileSystemLoader(str(p / "templates")) for p in theme.search_path])
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def list_themes(themes_dir: str) -> list[Theme]:
    root = Path(themes_dir)
    return [load_theme(themes_dir, p.name) for p in sorted(root.iterdir())
            if (p / "templates").is_dir()]


def static_file(themes_dir: str, name: str, filename: str) -> Path | None:
    """The theme's static file, else the base theme's; None when neither has it."""
    theme = load_theme(themes_dir, name)
    for folder in theme.search_path:
        candidate = (folder / "static" / filename).resolve()
        static_root = (folder / "static").resolve()
        if candidate.is_file() and static_root in candidate.parents:
            return candidate
    return None
