"""Anchors: the heads of a campaign's chains, kept outside the database.

``estrade ledger verify`` alone cannot see the last entries deleted (with the triggers
dropped), nor a chain rewritten with consistent digests from some entry on: what is left is a
valid chain. An anchor written earlier (``estrade ledger anchor --out FILE``) and kept
elsewhere (sent to the expert-comptable, printed and signed) can: ``estrade ledger verify
--anchor FILE`` then names the campaign and the first entry (or event) that the database lost
or changed. Entries added since the anchor are fine.

The file is JSON: for each campaign, its three chains (entries, DON-16 journal, the election's
donor decisions) with the last sequence number and digest, and every digest before it, so the
first difference can be named. The head alone proves the rest: each digest covers the one
before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.campaigns.models import Campaign
from app.core.finance.chain import GENESIS, compare_with_anchor
from app.extensions import db
from app.fileutil import atomic_write_text
from app.ledger.verify import CHAIN_LABELS, CHAIN_NOUNS, chain_keys, digests, french_time
from app.timeutil import utcnow

FORMAT = "estrade-ancre-registre"
VERSION = 1
KINDS = tuple(CHAIN_LABELS)


class AnchorError(Exception):
    """An anchor file that cannot be read (the message, in French, says why)."""


@dataclass(frozen=True)
class AnchorFinding:
    site_slug: str
    message: str  # French: the campaign, the chain and the first entry that differs


def build_anchor(campaigns: list[Campaign], *, now: datetime | None = None) -> dict[str, Any]:
    """The anchor of these campaigns' chains as they are stored now."""
    written = (now or utcnow()).replace(microsecond=0)
    groups = []
    for campaign in campaigns:
        chains = []
        for kind, key in chain_keys(campaign):
            stored = digests(key)
            ordered = [stored[seq] for seq in sorted(stored)]
            chains.append({"key": key, "kind": kind, "label": CHAIN_LABELS[kind],
                           "seq": max(stored, default=0),
                           "hash": ordered[-1] if ordered else GENESIS, "digests": ordered})
        groups.append({"campaign_id": campaign.id, "site": campaign.site.slug,
                       "title": campaign.site.title, "election": campaign.election.name,
                       "chains": chains})
    return {"format": FORMAT, "version": VERSION, "written_at": written.isoformat() + "Z",
            "campaigns": groups}


def write_anchor(path: Path, anchor: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(anchor, ensure_ascii=False, indent=1) + "\n")


def written_at(anchor: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(anchor["written_at"]).removesuffix("Z"))


def load_anchor(path: Path) -> dict[str, Any]:
    """Read and check an anchor file (:class:`AnchorError` with the reason otherwise)."""
    try:
        anchor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AnchorError(f"{path.name} : ancre illisible ({exc}).") from exc
    if not isinstance(anchor, dict) or anchor.get("format") != FORMAT:
        raise AnchorError(f"{path.name} n'est pas une ancre du registre Estrade "
                          "(« estrade ledger anchor --out FICHIER » en écrit une).")
    if anchor.get("version") != VERSION:
        raise AnchorError(f"{path.name} : version d'ancre {anchor.get('version')} inconnue.")
    try:
        written_at(anchor)
        for group in anchor["campaigns"]:
            int(group["campaign_id"]), str(group["site"])
            for chain in group["chains"]:
                _check_chain(chain)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnchorError(f"{path.name} : ancre incomplète ou modifiée ({exc}).") from exc
    return anchor


def _check_chain(chain: dict[str, Any]) -> None:
    if chain["kind"] not in KINDS or not isinstance(chain["seq"], int) or chain["seq"] < 0:
        raise ValueError(f"chaîne {chain.get('key')}")
    found = chain.get("digests")
    if found is not None and (len(found) != chain["seq"]
                              or (found and found[-1] != chain["hash"])):
        raise ValueError(f"empreintes de la chaîne {chain['key']} incohérentes avec sa tête")


def check_anchor(anchor: dict[str, Any], site_slug: str | None = None) -> list[AnchorFinding]:
    """Where the stored chains differ from the anchor (empty: each still starts with what
    was anchored)."""
    when = french_time(written_at(anchor))
    groups = [g for g in anchor["campaigns"] if site_slug is None or g["site"] == site_slug]
    if site_slug is not None and not groups:
        return [AnchorFinding(site_slug, f"l'ancre du {when} ne porte pas sur le site "
                                         f"« {site_slug} ».")]
    findings = []
    for group in groups:
        site = str(group["site"])
        campaign = db.session.scalar(select(Campaign).where(
            Campaign.id == int(group["campaign_id"])))
        if campaign is None:
            findings.append(AnchorFinding(site, f"campagne « {site} » : absente de la base, "
                                                f"alors que l'ancre du {when} la contient."))
            continue
        for chain in group["chains"]:
            if (message := _chain_finding(chain, when)) is not None:
                findings.append(AnchorFinding(site, f"campagne « {site} » — {message}"))
    return findings


def _chain_finding(chain: dict[str, Any], when: str) -> str | None:
    current = digests(str(chain["key"]))
    found = chain.get("digests")
    diff = compare_with_anchor(int(chain["seq"]), str(chain["hash"]),
                               list(found) if found is not None else None, current)
    if diff is None:
        return None
    kind = str(chain["kind"])
    label, noun = CHAIN_LABELS[kind], f"l'{CHAIN_NOUNS[kind]}"
    if diff.truncated and any(seq > diff.seq for seq in current):  # a gap, not an end cut
        return (f"{label} : {noun} n° {diff.seq} de l'ancre du {when} manque dans la "
                "base.")
    if diff.truncated:
        last = max(current, default=0)
        rest = f"la base s'arrête au n° {last}" if last else "la chaîne est vide dans la base"
        return (f"{label} : chaîne tronquée à partir de {noun} n° {diff.seq} (l'ancre du "
                f"{when} va jusqu'au n° {chain['seq']}, {rest}).")
    where = "à partir de" if diff.exact else "au plus tard à"
    return (f"{label} : chaîne réécrite {where} {noun} n° {diff.seq} (son empreinte n'est "
            f"plus celle de l'ancre du {when}).")
