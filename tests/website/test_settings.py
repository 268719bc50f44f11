"""Theme settings: WCAG contrast, typed values, generated CSS (pure, no database)."""

from __future__ import annotations

import pytest

from app.core.publishing.theme_settings import (
    FONT_STACKS,
    check_settings,
    contrast_problem,
    contrast_ratio,
    parse_contrast_rules,
    parse_specs,
    settings_css,
)

SPECS = parse_specs({
    "texte": {"type": "color", "label": "Couleur du texte", "default": "#1f2933",
              "css": "--couleur-texte"},
    "fond": {"type": "color", "label": "Couleur de fond", "default": "#ffffff",
             "css": "--couleur-fond"},
    "police": {"type": "font", "label": "Police", "default": "systeme", "css": "--police"},
    "logo": {"type": "image", "label": "Logo"},
    "reseaux": {"type": "bool", "label": "Réseaux", "default": True},
})
RULES = parse_contrast_rules([{"text": "texte", "background": "fond", "label": "le texte"}],
                             SPECS)


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),
    ("#767676", "#ffffff", 4.54),
    ("#fff", "#000", 21.0),
])
def test_contrast_ratio_matches_wcag(first: str, second: str, expected: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_low_contrast_is_refused_with_an_explanation() -> None:
    problem = contrast_problem("#777777", "#ffffff", "Couleur du texte", "Couleur de fond")
    assert problem is not None
    assert "4,48:1" in problem and "4,5:1" in problem and "WCAG" in problem
    assert "#777777" in problem and "Couleur de fond" in problem
    assert contrast_problem("#767676", "#ffffff", "a", "b") is None


def test_check_settings_refuses_pair_and_keeps_site_readable() -> None:
    check = check_settings(SPECS, RULES, {"texte": "#aaaaaa", "fond": "#ffffff"})
    assert not check.ok
    assert "Contraste insuffisant" in check.errors[0] and "le texte" in check.errors[0]
    assert (check.values["texte"], check.values["fond"]) == ("#1f2933", "#ffffff")
    good = check_settings(SPECS, RULES, {"texte": "#222222", "fond": "#fafafa"})
    assert good.ok and good.values["texte"] == "#222222"


@pytest.mark.parametrize(("values", "words"), [
    ({"texte": "rouge"}, "couleur « rouge » invalide"),
    ({"police": "Comic Sans"}, "inconnu"),
    ({"logo": "https://cdn.example/logo.png"}, "refusé"),
    ({"logo": "../../etc/passwd"}, "refusé"),
    ({"reseaux": "oui"}, "true ou false"),
])
def test_invalid_values_are_reported_and_reset(values: dict[str, str], words: str) -> None:
    check = check_settings(SPECS, RULES, values)
    assert any(words in e for e in check.errors), check.errors
    name = next(iter(values))
    assert check.values[name] == SPECS[name].default


def test_settings_css_declares_custom_properties() -> None:
    css = settings_css(SPECS, {"texte": "#123ABC", "fond": "#ffffff", "police": "serif"})
    assert "--couleur-texte: #123abc;" in css
    assert f"--police: {FONT_STACKS['serif'][1]};" in css
    assert "url(" not in css and "@import" not in css  # nothing fetched from elsewhere


def test_bad_declaration_is_an_error() -> None:
    with pytest.raises(ValueError, match="type"):
        parse_specs({"x": {"type": "couleur", "label": "X"}})
    with pytest.raises(ValueError, match="couleur"):
        parse_contrast_rules([{"text": "logo", "background": "fond"}], SPECS)
