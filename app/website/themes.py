"""Theme loading. Themes are folders (templates, static, theme.toml) and never contain Python.

Templates render in a Jinja sandbox that only sees what the renderer passes in: no config,
no request, no secrets. Every theme extends ``base``: a template missing from a theme is
taken from ``themes/base``.
"""

from __future__ import annotations

import hashlib
import threading
import time
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape

from app.core.publishing.theme_settings import (
    ContrastRule,
    SettingsCheck,
    SettingSpec,
    check_settings,
    parse_contrast_rules,
    parse_specs,
)
from app.website.sandbox import ThemeSandbox

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
    specs: dict[str, SettingSpec] = field(default_factory=dict)
    contrast: tuple[ContrastRule, ...] = ()

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
    for key, spec in data.get("settings", {}).items():
        settings[key] = {**settings.get(key, {}), **spec}  # a theme may only change a default
    contrast = list(load_manifest(base).get("contrast", [])) if parents else []
    contrast += [rule for rule in data.get("contrast", []) if rule not in contrast]
    try:
        specs = parse_specs(settings)
        rules = tuple(parse_contrast_rules(contrast, specs))
    except (ValueError, KeyError) as exc:
        raise ThemeError(f"{path / 'theme.toml'} : {exc}") from None
    return Theme(name=name, path=path, label=data.get("label", name),
                 description=data.get("description", ""), settings=settings, parents=parents,
                 specs=specs, contrast=rules)


def check_theme_settings(theme: Theme, values: dict[str, Any]) -> SettingsCheck:
    """Validate a site's setting values for ``theme`` (contrast included)."""
    return check_settings(theme.specs, list(theme.contrast), values)


class ThemeState(NamedTuple):
    """What a theme's files look like now: ``fingerprint`` changes whenever a file of the theme
    (or of the base theme) changes; ``newest_mtime_ns`` dates the newest of them."""

    fingerprint: str
    newest_mtime_ns: int


def theme_state(themes_dir: str, name: str) -> ThemeState:
    """Walk the theme's folders (and the base theme's): a stat of every file."""
    theme = load_theme(themes_dir, name)
    digest = hashlib.sha256(name.encode())
    newest = 0
    for folder in theme.search_path:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                newest = max(newest, stat.st_mtime_ns)
                relative = path.relative_to(folder).as_posix()
                digest.update(f"{folder.name}/{relative}:{stat.st_mtime_ns}:{stat.st_size};"
                              .encode())
    return ThemeState(digest.hexdigest()[:20], newest)


def theme_fingerprint(themes_dir: str, name: str) -> str:
    return theme_state(themes_dir, name).fingerprint


class ThemeVersions:
    """Theme states taken at most once every ``max_age`` seconds (the live site passes
    ESTRADE_CONTENT_RECHECK_SECONDS): walking a theme on every page view cost more than the
    page itself.

    When a theme's fingerprint changes, the manifests and template environments cached by
    :func:`load_theme` and :func:`theme_environment` are dropped, so an edited ``theme.toml``
    shows on the next view too (templates alone would be reloaded by Jinja anyway).
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[ThemeState, float]] = {}
        self._lock = threading.Lock()

    def current(self, themes_dir: str, name: str, max_age: float = 0.0) -> ThemeState:
        key = (themes_dir, name)
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
        if seen is not None and max_age > 0 and now - seen[1] < max_age:
            return seen[0]
        state = theme_state(themes_dir, name)
        if seen is not None and seen[0].fingerprint != state.fingerprint:
            load_theme.cache_clear()
            theme_environment.cache_clear()
            load_theme(themes_dir, name)  # read again now: a broken manifest raises ThemeError
        with self._lock:
            self._seen[key] = (state, now)
        return state


def static_files(themes_dir: str, name: str) -> list[str]:
    """Every static file name the theme serves (its own and the base theme's)."""
    theme = load_theme(themes_dir, name)
    names: set[str] = set()
    for folder in theme.search_path:
        root = folder / "static"
        if root.is_dir():
            names.update(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(names)


@lru_cache(maxsize=32)
def theme_environment(themes_dir: str, name: str) -> ThemeSandbox:
    theme = load_theme(themes_dir, name)
    # "page.html" resolves in the theme, then in base; "base/page.html" is always base's, so a
    # theme can extend the template it overrides.
    base = Path(themes_dir) / BASE_THEME / "templates"
    loader = ChoiceLoader([*(FileSystemLoader(str(p / "templates")) for p in theme.search_path),
                           PrefixLoader({BASE_THEME: FileSystemLoader(str(base))})])
    env = ThemeSandbox(
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
