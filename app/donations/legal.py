"""DON-9 legal block, rendered by the app from the campaign settings (never by themes)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from app.core.legal_text import LegalMentions, MandateFacts, legal_mentions
from app.sites.models import Campaign

LEGAL_BLOCK_MARKER = "data-estrade-legal"


def mandate_facts(campaign: Campaign) -> MandateFacts:
    election = campaign.election
    return MandateFacts(
        candidate_name=campaign.candidate_name,
        list_name=campaign.list_name,
        election_label=f"« {election.name} »",
        round1=election.round1,
        round2=election.round2,
        mandataire_type=campaign.mandataire_type,
        mandataire_name=campaign.mandataire_name,
        mandataire_declared_on=campaign.mandataire_declared_on,
        prefecture=campaign.mandataire_prefecture,
    )


def mentions_for(campaign: Campaign | None) -> LegalMentions | None:
    return legal_mentions(mandate_facts(campaign)) if campaign is not None else None


def render_legal_block(campaign: Campaign | None) -> Markup:
    """The HTML block of DON-9 (an explanation instead when facts are missing: MAND-1)."""
    mentions = mentions_for(campaign)
    html = render_template("donations/_legal.html", mentions=mentions,
                           marker=LEGAL_BLOCK_MARKER)
    return Markup(html)


def render_legal_text(campaign: Campaign | None) -> str:
    """Plain-text version for e-mails."""
    mentions = mentions_for(campaign)
    if mentions is None or not mentions.complete:
        return ""
    parts = [mentions.intro, "", "Article L. 52-8 du code électoral (alinéas 1 à 3) :",
             *mentions.l52_8, "", "Article L. 113-1 du code électoral, III :", *mentions.l113_1]
    return "\n".join(parts)
