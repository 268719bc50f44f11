from __future__ import annotations

from pathlib import Path

import pytest

from app.core.publishing.pages import ContentError
from app.core.publishing.site_config import Hebergeur, NavItem, load_site_config

SITE_TOML = """\
title = "Rennes en commun"
description = "Liste citoyenne pour les municipales 2026"
language = "fr"
base_url = "https://rennes-en-commun.fr/"

[[navigation]]
label = "Programme"
url = "/programme"

[[navigation]]
label = "Faire un don"
url = "/don"

[social]
mastodon = "https://piaille.fr/@rennesencommun"

[legal]
directeur_publication = "Camille Martin"

[legal.hebergeur]
name = "OVH SAS"
address = "2 rue Kellermann, 59100 Roubaix"
phone = "1007"

[theme]
name = "bocage"

[theme.settings]
couleur = "#2a7d4f"
afficher_compteur = true

[donations]
presets = [20, 50, 100]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_site_config_happy_path(tmp_path: Path) -> None:
    config = load_site_config(write(tmp_path, SITE_TOML))
    assert config.title == "Rennes en commun"
    assert config.language == "fr"
    assert config.base_url == "https://rennes-en-commun.fr"
    assert config.navigation == (
        NavItem("Programme", "/programme"),
        NavItem("Faire un don", "/don"),
    )
    assert config.social == {"mastodon": "https://piaille.fr/@rennesencommun"}
    assert config.directeur_publication == "Camille Martin"
    assert config.hebergeur == Hebergeur("OVH SAS", "2 rue Kellermann, 59100 Roubaix", "1007")
    assert config.theme_name == "bocage"
    assert config.theme_settings == {"couleur": "#2a7d4f", "afficher_compteur": True}
    assert config.donation_presets == (20, 50, 100)
    assert config.raw["theme"]["name"] == "bocage"
    assert config.legal_warnings() == []


def test_minimal_site_config_has_defaults_and_legal_warnings(tmp_path: Path) -> None:
    config = load_site_config(write(tmp_path, 'title = "Démo"\n'))
    assert (config.language, config.theme_name, config.navigation) == ("fr", "base", ())
    assert len(config.legal_warnings()) == 2


def test_toml_syntax_error_has_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load_site_config(write(tmp_path, 'title = "x"\n\n[legal]\ndirecteur_publication\n'))
    assert info.value.line == 4
    assert str(info.value).startswith("fichier site.toml, ligne 4 : TOML invalide")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('description = "x"\n', None, "« title » est obligatoire"),
        ('title = "x"\nbase_url = "rennes.fr"\n', 2, "https://"),
        ('title = "x"\n[[navigation]]\nlabel = "A"\nurl = "javascript:alert(1)"\n', 2, "refusé"),
        ('title = "x"\n[[navigation]]\nlabel = "A"\n', 2, "« navigation.url » est obligatoire"),
        ('title = "x"\n[donations]\npresets = [20, -5]\n', 3, "euros entiers"),
        ('title = "x"\n[donations]\npresets = [20.5]\n', 3, "euros entiers"),
        ('title = 3\n', 1, "texte"),
        ('title = "x"\n[social]\nfacebook = "http://fb.com/x"\n', 3, "https://"),
    ],
)
def test_site_config_errors(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    with pytest.raises(ContentError) as info:
        load_site_config(write(tmp_path, text))
    assert words in info.value.message
    if line is not None:
        assert info.value.line == line, str(info.value)


def test_missing_site_config(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="lecture impossible"):
        load_site_config(tmp_path / "absent.toml")
