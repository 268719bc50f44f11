"""Build a :class:`SiteRenderer` from a temporary folder, without a database."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from app.website.images import ImageStore
from app.website.legal_pages import CampaignInfo
from app.website.render import RenderOptions, SiteRenderer
from app.website.repository import site_content
from app.website.themes import ThemeState

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "themes"
LEGAL = Markup('<section class="mentions-dons" data-estrade-legal>MENTIONS DON-9</section>')
SITE_TOML = """title = "Liste Essai"
description = "Site d'essai"
base_url = "https://essai.example"

[[navigation]]
label = "Accueil"
url = "/"

[theme.settings]
{settings}
"""


def write_site(root: Path, pages: dict[str, str], settings: str = "") -> Path:
    (root / "pages").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML.format(settings=settings), encoding="utf-8")
    for name, text in pages.items():
        path = root / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def renderer(root: Path, theme: str = "base", themes_dir: Path = THEMES,
             donate_url: str = "", theme_files: ThemeState | None = None) -> SiteRenderer:
    content = site_content(root)
    return SiteRenderer(content=content, themes_dir=str(themes_dir), theme_name=theme,
                        legal_html=LEGAL, campaign=CampaignInfo(list_name="Liste Essai"),
                        options=RenderOptions(base_url="https://essai.example",
                                              donate_url=donate_url, export=bool(donate_url)),
                        images=ImageStore(root / "media", root.parent / "cache"),
                        theme_files=theme_files)
