"""The demo site (``content/demo``), seeded by ``estrade init`` so ``make run`` shows a site."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.campaigns.models import Site
from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.dbutil import transaction
from app.extensions import db


def seed_demo(app: Flask) -> str:
    """The demo site of ``content/demo`` and its campaign, once; says what it did."""
    if db.session.scalar(select(Site).where(Site.slug == "demo")):
        return "Site de démonstration déjà présent : conservé tel quel."
    content = Path(app.config["ESTRADE_CONTENT_DIR"]) / "demo"
    title = "Site de démonstration"
    theme = "base"
    site_toml = content / "site.toml"
    if site_toml.exists():
        import tomllib

        data = tomllib.loads(site_toml.read_text(encoding="utf-8"))
        title = data.get("title", title)
        theme = (data.get("theme") or {}).get("name", theme)
    campaign_file = content / "campaign.toml"
    with transaction():
        site = create_site("demo", title, ["localhost", "127.0.0.1"], theme=theme)
        if campaign_file.exists():
            load_campaign(site, parse_campaign_file(campaign_file))
    return f"Site de démonstration « {title} » créé."
