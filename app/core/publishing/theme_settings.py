"""Typed theme settings: validation, WCAG colour contrast and the generated CSS.

Pure (no Flask): the editor builds its settings form from the same declarations, and the
builder refuses a site whose colours are not readable. Declarations live in ``theme.toml``::

    [settings.couleur_texte]
    type = "color"
    label = "Couleur du texte"
    help = "…"
    default = "#1f2933"
    css = "--couleur-texte"

    [[contrast]]
    text = "couleur_texte"
    background = "couleur_fond"
    label = "le texte des pages sur le fond"
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.publishing.sanitize import is_safe_media_path, is_safe_url

#: WCAG 2.1 AA minimum contrast for normal text (success criterion 1.4.3).
MIN_CONTRAST = 4.5

SETTING_TYPES = ("text", "textarea", "color", "image", "url", "bool", "font", "select")

#: System font stacks (https://modernfontstacks.com): nothing is downloaded, no font CDN.
FONT_STACKS: dict[str, tuple[str, str]] = {
    "systeme": ("Police du système", "system-ui, -apple-system, 'Segoe UI', Roboto, "
                "'Noto Sans', 'Liberation Sans', Arial, sans-serif"),
    "humaniste": ("Sans empattements humaniste", "Seravek, 'Gill Sans Nova', Ubuntu, Calibri, "
                  "'DejaVu Sans', source-sans-pro, sans-serif"),
    "geometrique": ("Géométrique", "Avenir, Montserrat, Corbel, 'URW Gothic', "
                    "source-sans-pro, sans-serif"),
    "arrondie": ("Arrondie", "ui-rounded, 'Hiragino Maru Gothic ProN', Quicksand, Comfortaa, "
                 "Manjari, 'Arial Rounded MT', 'Arial Rounded MT Bold', Calibri, "
                 "source-sans-pro, sans-serif"),
    "serif": ("Avec empattements (classique)", "Charter, 'Bitstream Charter', 'Sitka Text', "
              "Cambria, 'DejaVu Serif', 'Liberation Serif', serif"),
    "didone": ("Didone (titres élégants)", "Didot, 'Bodoni MT', 'Noto Serif Display', "
               "'URW Palladio L', P052, Sylfaen, serif"),
    "industrielle": ("Industrielle (titres forts)", "Bahnschrift, 'DIN Alternate', "
                     "'Franklin Gothic Medium', 'Nimbus Sans Narrow', sans-serif-condensed, "
                     "sans-serif"),
}

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_CSS_PROPERTY = re.compile(r"^--[a-z0-9-]+$")


@dataclass(frozen=True)
class SettingSpec:
    name: str
    type: str
    label: str
    help: str = ""
    default: Any = ""
    css: str = ""  # the CSS custom property it sets (colour and font settings)
    options: tuple[tuple[str, str], ...] = ()  # (value, French label) for select settings


@dataclass(frozen=True)
class ContrastRule:
    text: str
    background: str
    label: str


@dataclass(frozen=True)
class SettingsCheck:
    values: dict[str, Any]  # every declared setting, defaults filled in, invalid ones reset
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_specs(declared: dict[str, dict[str, Any]]) -> dict[str, SettingSpec]:
    """``[settings.*]`` tables of a ``theme.toml`` → specs; raise ValueError when malformed."""
    specs: dict[str, SettingSpec] = {}
    for name, raw in declared.items():
        kind = raw.get("type", "text")
        if kind not in SETTING_TYPES:
            raise ValueError(f"réglage « {name} » : type « {kind} » inconnu "
                             f"({', '.join(SETTING_TYPES)})")
        if not raw.get("label"):
            raise ValueError(f"réglage « {name} » : libellé (label) manquant")
        css = raw.get("css", "")
        if css and not _CSS_PROPERTY.match(css):
            raise ValueError(f"réglage « {name} » : propriété CSS « {css} » invalide")
        options: tuple[tuple[str, str], ...] = ()
        if kind == "font":
            options = tuple((key, label) for key, (label, _) in FONT_STACKS.items())
        elif kind == "select":
            options = tuple((str(k), str(v)) for k, v in raw.get("options", {}).items())
        specs[name] = SettingSpec(name, kind, raw["label"], raw.get("help", ""),
                                  raw.get("default", False if kind == "bool" else ""), css,
                                  options)
    return specs


def parse_contrast_rules(declared: list[dict[str, str]],
                         specs: dict[str, SettingSpec]) -> list[ContrastRule]:
    rules = []
    for raw in declared:
        rule = ContrastRule(raw["text"], raw["background"], raw.get("label", ""))
        for name in (rule.text, rule.background):
            if name not in specs or specs[name].type != "color":
                raise ValueError(f"contraste : « {name} » n’est pas un réglage de couleur")
        rules.append(rule)
    return rules


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rgb`` or ``#rrggbb``."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = []
    for i in (0, 2, 4):
        c = int(value[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio_text(ratio: float) -> str:
    """French notation, rounded down so that 4.496 never reads as the 4,5 it misses."""
    shown = round(ratio, 2)
    if ratio < MIN_CONTRAST <= shown:
        shown = math.floor(ratio * 100) / 100
    return f"{shown:g}".replace(".", ",") + ":1"


def contrast_problem(text: str, background: str, text_label: str, background_label: str,
                     where: str = "") -> str | None:
    """A French explanation when ``text`` on ``background`` is below WCAG AA, else None."""
    ratio = contrast_ratio(text, background)
    if ratio >= MIN_CONTRAST:
        return None
    darker = ("foncez" if relative_luminance(text) <= relative_luminance(background)
              else "éclaircissez")
    return (f"Contraste insuffisant entre « {text_label} » ({text}) et « {background_label} » "
            f"({background}){f' pour {where}' if where else ''} : {_ratio_text(ratio)}, alors "
            f"qu’il faut au moins {_ratio_text(MIN_CONTRAST)} (WCAG 2.1 niveau AA, critère "
            "1.4.3, repris par le RGAA). En dessous, le texte devient difficile à lire pour les "
            "personnes malvoyantes ou sur un téléphone en plein soleil. Choisissez des couleurs "
            f"plus éloignées : {darker} la couleur du texte ou modifiez celle du fond.")


def _check_value(spec: SettingSpec, value: Any) -> str | None:
    label = f"« {spec.label} »"
    if spec.type == "color":
        if not isinstance(value, str) or not _HEX.match(value):
            return f"{label} : couleur « {value} » invalide, format attendu #1a2b3c"
    elif spec.type == "bool":
        if not isinstance(value, bool):
            return f"{label} : true ou false attendu"
    elif not isinstance(value, str):
        return f"{label} : texte attendu"
    elif spec.type == "image" and value and not is_safe_media_path(value):
        return f"{label} : « {value} » refusé, indiquez un fichier du site (media/logo.png)"
    elif spec.type == "url" and value and not is_safe_url(value):
        return f"{label} : adresse « {value} » refusée"
    elif spec.type in {"font", "select"} and value not in dict(spec.options):
        choices = ", ".join(k for k, _ in spec.options)
        return f"{label} : « {value} » inconnu (choix possibles : {choices})"
    elif spec.type == "text" and len(value) > 300:
        return f"{label} : 300 caractères au plus"
    return None


def check_settings(specs: dict[str, SettingSpec], rules: list[ContrastRule],
                   values: dict[str, Any]) -> SettingsCheck:
    """Validate a site's setting values against a theme; never raises.

    Invalid values fall back to the theme default (so a live site stays readable) and are
    reported in ``errors`` (French). Unknown keys are ignored: another theme may use them.
    """
    resolved: dict[str, Any] = {}
    errors: list[str] = []
    for name, spec in specs.items():
        value = values.get(name, spec.default)
        if isinstance(value, str) and spec.type != "textarea":
            value = value.strip()
        problem = _check_value(spec, value)
        if problem:
            errors.append(problem)
            value = spec.default
        resolved[name] = value
    for rule in rules:
        text, background = resolved[rule.text], resolved[rule.background]
        problem = contrast_problem(text, background, specs[rule.text].label,
                                   specs[rule.background].label, rule.label)
        if problem:
            errors.append(problem)
            if (specs[rule.text].default, specs[rule.background].default) != (text, background):
                resolved[rule.text] = specs[rule.text].default
                resolved[rule.background] = specs[rule.background].default
    return SettingsCheck(resolved, errors)


def settings_css(specs: dict[str, SettingSpec], values: dict[str, Any]) -> str:
    """The generated stylesheet: one CSS custom property per colour or font setting."""
    lines = ["/* Généré par Estrade à partir des réglages du thème. */", ":root {"]
    for name, spec in specs.items():
        if not spec.css:
            continue
        value = values.get(name, spec.default)
        if spec.type == "color" and isinstance(value, str) and _HEX.match(value):
            lines.append(f"  {spec.css}: {value.lower()};")
        elif spec.type == "font" and value in FONT_STACKS:
            lines.append(f"  {spec.css}: {FONT_STACKS[value][1]};")
    lines.append("}")
    return "\n".join(lines) + "\n"
