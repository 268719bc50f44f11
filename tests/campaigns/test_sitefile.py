from pathlib import Path

import pytest

from app.campaigns.sitefile import ContentError, update_site_file

SITE = '''# Réglages écrits à la main
title = "Ancien titre"
language = "fr"
base_url = "https://exemple.fr"

[legal]
directeur_publication = "Claire Morel"
contact_email = "contact@exemple.fr"
'''


def test_update_keeps_comments_and_validates(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE, encoding="utf-8")
    config = update_site_file(tmp_path, lambda doc: doc.__setitem__("title", "Nouveau titre"))
    text = (tmp_path / "site.toml").read_text(encoding="utf-8")
    assert config.title == "Nouveau titre"
    assert "# Réglages écrits à la main" in text and 'title = "Nouveau titre"' in text
    assert [p.name for p in tmp_path.iterdir()] == ["site.toml"]


def test_invalid_change_leaves_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE, encoding="utf-8")
    with pytest.raises(ContentError):
        update_site_file(tmp_path, lambda doc: doc.__setitem__("title", 42))
    assert (tmp_path / "site.toml").read_text(encoding="utf-8") == SITE
    assert [p.name for p in tmp_path.iterdir()] == ["site.toml"]
