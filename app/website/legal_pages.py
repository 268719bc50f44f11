"""Texts the law requires, written by the app: mentions légales, privacy notice, DON-9 block.

Their templates live in ``app/website/templates/`` (not in themes) and render in plain Jinja
environments (no request needed, so the static export renders them as the live site does): a
theme only frames them, so no theme can drop a legally required mention (LCEN art. 6 III;
RGPD art. 13, GDPR-2; CE L52-9, DON-9).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.core.finance.legal_text import LegalMentions
from app.core.finance.vocabulary import MANDATAIRE_TYPES
from app.core.publishing.site_config import SiteConfig

#: Attribute of the DON-9 block: the renderer adds the block itself when a theme left it out.
LEGAL_BLOCK_MARKER = "data-estrade-legal"
_TEMPLATES = str(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class CampaignInfo:
    """What the legal pages need from the campaign (read from the database by the caller)."""

    candidate: str = ""
    list_name: str = ""
    election: str = ""
    mandataire_type: str = ""
    mandataire_name: str = ""
    prefecture: str = ""


@dataclass(frozen=True)
class PrivacyFacts:
    """What the privacy notice states about the installation's processing, read from its
    settings (so the notice says what the app does: GDPR-2, GDPR-3)."""

    newsletter: bool = True  # ESTRADE_NEWSLETTER
    abandoned_days: int = 60  # ESTRADE_RETENTION_ABANDONED_DAYS
    ip_days: int = 60  # ESTRADE_RETENTION_IP_DAYS
    mail_days: int = 60  # ESTRADE_RETENTION_MAIL_DAYS


def privacy_facts(config: Any) -> PrivacyFacts:
    return PrivacyFacts(newsletter=bool(config.get("ESTRADE_NEWSLETTER", True)),
                        abandoned_days=int(config["ESTRADE_RETENTION_ABANDONED_DAYS"]),
                        ip_days=int(config["ESTRADE_RETENTION_IP_DAYS"]),
                        mail_days=int(config["ESTRADE_RETENTION_MAIL_DAYS"]))


def duration(days: int) -> str:
    """« 60 jours (2 mois) », in French."""
    text = "1 jour" if days == 1 else f"{days} jours"
    if days >= 30 and days % 30 == 0:
        text += f" ({days // 30} mois)"
    return text


def campaign_info(campaign: Any) -> CampaignInfo:
    if campaign is None:
        return CampaignInfo()
    return CampaignInfo(
        candidate=campaign.candidate_name or "", list_name=campaign.list_name or "",
        election=getattr(campaign, "election_name", "") or "",  # the campaign's own label
        mandataire_type=MANDATAIRE_TYPES.get(campaign.mandataire_type or "", "").lower(),
        mandataire_name=campaign.mandataire_name or "",
        prefecture=campaign.mandataire_prefecture or "")


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(_TEMPLATES),
                       autoescape=select_autoescape(default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _block_env() -> Environment:
    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True,
                       undefined=StrictUndefined)


def legal_block_html(mentions: LegalMentions | None) -> Markup:
    """DON-9's HTML block (an explanation instead when facts are missing: MAND-1)."""
    return Markup(_block_env().get_template("legal_block.html").render(
        mentions=mentions, marker=LEGAL_BLOCK_MARKER))


def _context(config: SiteConfig, info: CampaignInfo, site_url: str) -> dict[str, Any]:
    legal = config.raw.get("legal", {}) if isinstance(config.raw.get("legal"), dict) else {}
    return {"site": config, "campaign": info, "site_url": site_url,
            "contact": str(legal.get("contact_email", "")),
            "editeur": str(legal.get("editeur", "")) or info.list_name or config.title,
            "adresse": str(legal.get("adresse", ""))}


def legal_notice_html(config: SiteConfig, info: CampaignInfo, site_url: str) -> Markup:
    return Markup(_env().get_template("legal_notice.html").render(
        **_context(config, info, site_url)))


def privacy_html(config: SiteConfig, info: CampaignInfo, site_url: str,
                 facts: PrivacyFacts | None = None) -> Markup:
    return Markup(_env().get_template("privacy.html").render(
        **_context(config, info, site_url), facts=facts or PrivacyFacts(), duration=duration))
