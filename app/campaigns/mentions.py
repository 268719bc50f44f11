"""The DON-9 mentions of a campaign (CE L52-9): its facts read into the pure core's terms.

The HTML block is rendered by the website (``app.website.legal_pages``), the plain text of
e-mails by :func:`legal_text`; neither is ever left to a theme.
"""

from __future__ import annotations

from app.campaigns.models import Campaign
from app.core.finance.legal_text import LegalMentions, MandateFacts, legal_mentions


def mandate_facts(campaign: Campaign) -> MandateFacts:
    election = campaign.election
    return MandateFacts(
        candidate_name=campaign.candidate_name,
        list_name=campaign.list_name,
        election_label=f"« {campaign.election_name} »",
        round1=election.round1,
        round2=election.round2,
        mandataire_type=campaign.mandataire_type,
        mandataire_name=campaign.mandataire_name,
        mandataire_declared_on=campaign.mandataire_declared_on,
        prefecture=campaign.mandataire_prefecture,
        mode=campaign.mode,
    )


def mentions_for(campaign: Campaign | None) -> LegalMentions | None:
    return legal_mentions(mandate_facts(campaign)) if campaign is not None else None


def legal_text(campaign: Campaign | None) -> str:
    """Plain-text DON-9 mentions for e-mails ("" when facts are missing: MAND-1)."""
    mentions = mentions_for(campaign)
    if mentions is None or not mentions.complete:
        return ""
    parts = [mentions.intro]
    for title, paragraphs in mentions.sections:
        parts += ["", f"{title} :", *paragraphs]
    return "\n".join(parts)
