"""Site and campaign services shared by the CLI and the web views."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text

from app import audit
from app.campaigns.models import Campaign, Election, Site, SiteHost
from app.core.finance.elections import (
    ElectionError,
    ElectionIdentity,
    check_mode_population,
    election_identity,
)
from app.core.finance.vocabulary import CAMPAIGN_MODES, ELECTION_KINDS, MANDATAIRE_TYPES
from app.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
HOST_RE = re.compile(r"^[a-z0-9.-]+(:\d+)?$")


class SiteError(ValueError):
    """A French message for whoever set the site up."""


#: Called with a campaign id after its dates were loaded and committed (DON-15: the donations
#: package stops monthly gifts at the new end of collection). Each returns French lines.
DatesListener = Callable[[int], list[str]]
DATES_LISTENERS_KEY = "estrade.campaign_dates_listeners"


def register_dates_listener(app: Any, listener: DatesListener) -> None:
    listeners: list[DatesListener] = app.extensions.setdefault(DATES_LISTENERS_KEY, [])
    if listener not in listeners:
        listeners.append(listener)


def notify_dates_changed(campaign_id: int) -> list[str]:
    """Run the registered listeners (outside any transaction: they may call Stripe)."""
    listeners: list[DatesListener] = current_app.extensions.get(DATES_LISTENERS_KEY, [])
    return [line for listener in listeners for line in listener(campaign_id)]


def normalise_host(host: str) -> str:
    return host.strip().lower().split(":", 1)[0].rstrip(".")


def site_for_host(host: str, default_slug: str = "") -> Site | None:
    """The site that declares ``host``. A name no site declares gets the installation's
    explicitly named default (``ESTRADE_DEFAULT_SITE``, or a site created with ``--default``),
    or None: a site never answers for a name it does not own (canonical addresses, the sitemap
    and payment return addresses would otherwise carry an attacker's name)."""
    name = normalise_host(host)
    site = db.session.scalar(select(Site).join(SiteHost).where(SiteHost.host == name))
    if site is None and default_slug:
        site = db.session.scalar(select(Site).where(Site.slug == default_slug))
    if site is None:
        site = db.session.scalar(select(Site).where(Site.is_default.is_(True)))
    return site


def create_site(slug: str, title: str, hosts: list[str] | None = None, *, theme: str = "base",
                content_dir: str | None = None, is_default: bool = False, user: Any = None) -> Site:
    if not SLUG_RE.match(slug):
        raise SiteError(f"Identifiant de site invalide « {slug} » : lettres minuscules, "
                        "chiffres et tirets uniquement.")
    if db.session.scalar(select(Site).where(Site.slug == slug)):
        raise SiteError(f"Le site « {slug} » existe déjà.")
    site = Site(slug=slug, title=title.strip() or slug, theme=theme,
                content_dir=content_dir or slug, is_default=is_default)
    for host in hosts or []:
        add_host(site, host)
    db.session.add(site)
    db.session.flush()
    audit.record("site.create", site, user=user, slug=slug, hosts=site.host_names)
    return site


def add_host(site: Site, host: str) -> None:
    name = normalise_host(host)
    if not name or not HOST_RE.match(name):
        raise SiteError(f"Nom d'hôte invalide « {host} ».")
    owner = db.session.scalar(select(Site).join(SiteHost).where(SiteHost.host == name))
    if owner is not None and owner is not site:
        raise SiteError(f"Le nom d'hôte « {name} » est déjà utilisé par le site « {owner.slug} ».")
    if name not in site.host_names:
        site.hosts.append(SiteHost(host=name))


@dataclass(frozen=True)
class CampaignSpec:
    """A validated campaign file (docs/campaign-file.md)."""

    election: dict[str, Any]
    campaign: dict[str, Any]
    mandataire: dict[str, Any] | None


def _date(section: str, key: str, value: Any, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise SiteError(f"[{section}] {key} est obligatoire (date AAAA-MM-JJ).")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SiteError(f"[{section}] {key} : date invalide « {value} » "
                        "(format attendu AAAA-MM-JJ).") from None


def _silence_settings(election: dict[str, Any]) -> tuple[str | None, str | None]:
    """``timezone`` (an IANA zone, Europe/Paris when absent) and ``polls_close`` ("HH:MM",
    20:00 when absent) of [election]: the electoral silence's bounds (WEB-1)."""
    from datetime import time
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = str(election.get("timezone") or "").strip() or None
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SiteError(f"[election] timezone « {zone} » n'est pas un fuseau horaire "
                            "connu (par exemple « America/Cayenne »).") from None
    close = str(election.get("polls_close") or "").strip() or None
    if close is not None:
        try:
            time.fromisoformat(close)
        except ValueError:
            raise SiteError(f"[election] polls_close « {close} » : indiquez une heure "
                            "HH:MM, par exemple « 20:00 ».") from None
    return zone, close


def parse_campaign_file(path: Path) -> CampaignSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"Fichier introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteError(f"{path.name} : TOML invalide ({exc}).") from None
    return campaign_spec(data)


def campaign_spec(data: dict[str, Any]) -> CampaignSpec:
    """Check a campaign's facts given as the campaign file's tables (the file, or the
    « Campagne » form of the site's settings)."""
    election = dict(data.get("election") or {})
    campaign = dict(data.get("campaign") or {})
    mandataire = data.get("mandataire")
    if election.get("kind") not in ELECTION_KINDS:
        raise SiteError("[election] kind doit être l'un de : " + ", ".join(ELECTION_KINDS))
    election["round1"] = _date("election", "round1", election.get("round1"), required=True)
    election["round2"] = _date("election", "round2", election.get("round2"))
    election["timezone"], election["polls_close"] = _silence_settings(election)
    try:  # DON-2: which election this is, whatever the campaign calls it
        election["identity"] = election_identity(
            election["kind"], election["round1"], str(election.get("scope") or ""),
            str(election.get("territory") or ""))
    except ElectionError as exc:
        raise SiteError(str(exc)) from None
    mode = campaign.get("mode", "candidat")
    if mode not in CAMPAIGN_MODES:
        raise SiteError("[campaign] mode doit être l'un de : " + ", ".join(CAMPAIGN_MODES))
    campaign["mode"] = mode
    population = campaign.get("population")
    if population is not None and (isinstance(population, bool) or not isinstance(population, int)
                                   or population < 0):
        raise SiteError("[campaign] population doit être un nombre entier d'habitants.")
    setup = check_mode_population(mode, election["kind"], population)  # MAND-4, DON-5
    if not setup.allowed:
        raise SiteError(" ".join(f"{r.message} ({r.rule})" for r in setup.refusals))
    colistiers = campaign.get("colistiers", [])
    if not isinstance(colistiers, list) or not all(isinstance(n, str) for n in colistiers):
        raise SiteError("[campaign] colistiers doit être une liste de noms complets.")
    campaign["filing_date"] = _date("campaign", "filing_date", campaign.get("filing_date"))
    campaign["collection_start"] = _date("campaign", "collection_start",
                                         campaign.get("collection_start"))
    if mandataire is not None:
        mandataire = dict(mandataire)
        if mandataire.get("type") not in MANDATAIRE_TYPES:
            raise SiteError("[mandataire] type doit être MF ou AFE.")
        if not str(mandataire.get("name", "")).strip():
            raise SiteError("[mandataire] name est obligatoire.")
        mandataire["declared_on"] = _date("mandataire", "declared_on",
                                          mandataire.get("declared_on"), required=True)
    return CampaignSpec(election=election, campaign=campaign, mandataire=mandataire)


def has_money(campaign: Campaign) -> bool:
    """Whether anything was booked or asked for under the campaign's election: ledger entries
    or online donations (read by table name: campaigns imports neither ledger nor donations)."""
    if campaign.id is None:
        return False
    return any(db.session.execute(text(f"SELECT 1 FROM {table} WHERE campaign_id = :id LIMIT 1"),
                                  {"id": campaign.id}).first() is not None
               for table in ("ledger_entries", "donations"))


def find_election(identity: ElectionIdentity) -> Election | None:
    return db.session.scalar(select(Election).where(
        Election.kind == identity.kind, Election.round1 == identity.round1,
        Election.scope == identity.scope, Election.territory == identity.territory))


def _legacy(campaign: Campaign | None, identity: ElectionIdentity) -> Election | None:
    """The campaign's election when it was recorded before identities (migration 0012, scope
    ``ancienne``: a by-election, or a second name of a general election holding money) and
    matches the file's kind and first round: the file may give it its identity."""
    election = campaign.election if campaign is not None else None
    if election is None or election.scope != "ancienne":
        return None
    return election if (election.kind, election.round1) == (identity.kind,
                                                            identity.round1) else None


def _update_election_facts(election: Election, current: Campaign | None, e: dict[str, Any],
                           user: Any) -> None:
    """The second round and WEB-1's time zone and poll closing of an election found again.

    An election other campaigns share is theirs too (a rival's site, on the same install):
    one campaign's file or wizard may not rewrite its dates; a different value is refused
    with the recorded one, naming no other site. A change of an election this campaign alone
    uses is audited with before and after."""
    wanted = {"round2": e["round2"] or election.round2, "timezone": e["timezone"],
              "polls_close": e["polls_close"]}
    before = {"round2": election.round2, "timezone": election.timezone,
              "polls_close": election.polls_close}
    changed = {key for key, value in wanted.items() if value != before[key]}
    if not changed:
        return
    others = db.session.scalar(select(func.count()).select_from(Campaign).where(
        Campaign.election_id == election.id,
        Campaign.id != (current.id if current is not None and current.id else -1)))
    if others:
        shared = {key for key in changed if e[key] is not None}
        if shared:
            recorded = ", ".join(f"{_FACT_LABELS[key]} : {before[key] or 'non renseigné'}"
                                 for key in sorted(shared))
            raise SiteError(
                f"L'élection « {election.name} » est déjà enregistrée ({recorded}). Ces "
                "dates sont communes à toutes les candidatures de cette élection : reprenez "
                "celles-ci, ou demandez à l'administrateur de l'installation de les corriger.")
        return  # what the file leaves out stays as recorded
    for key in changed:
        setattr(election, key, wanted[key])
    audit.record("election.facts", election, user=user,
                 before={key: str(before[key] or "") for key in sorted(changed)},
                 after={key: str(wanted[key] or "") for key in sorted(changed)})


_FACT_LABELS = {"round2": "second tour", "timezone": "fuseau horaire",
                "polls_close": "fermeture des bureaux de vote"}


def load_campaign(site: Site, spec: CampaignSpec, user: Any = None) -> Campaign:
    """Create or update ``site``'s campaign from ``spec`` (idempotent).

    DON-2: the election is found by its identity (kind, first round, scope, territory), so
    every campaign of one general election shares the donor's 4 600 €; a campaign that has
    gifts can never move to another election (its donors' totals would start again)."""
    e = spec.election
    identity: ElectionIdentity = e["identity"]
    election = find_election(identity)
    current = site.campaign
    legacy = _legacy(current, identity)
    if legacy is not None and election is None:
        # Recorded under a name (migration 0012): the file states its identity.
        legacy.scope, legacy.territory, legacy.name = (identity.scope, identity.territory,
                                                       identity.label)
        audit.record("election.identity", legacy, user=user, scope=identity.scope,
                     territory=identity.territory)
        election = legacy
    elif legacy is not None and current is not None and has_money(current):
        election = legacy  # its sealed entries name it: kept apart (docs/campaign-file.md)
    if current is not None and current.election_id is not None and (
            election is None or election.id != current.election_id) and has_money(current):
        raise SiteError(
            f"La campagne de « {site.slug} » a déjà des dons pour l'élection "
            f"« {current.election.name} » : elle ne peut pas passer à une autre élection "
            f"(« {identity.label} »), sinon le plafond de 4 600 € par donateur repartirait de "
            "zéro (art. L52-8, al. 1, du code électoral, DON-2). Vérifiez [election] kind, "
            "round1, scope et territory.")
    if election is None:
        election = Election(name=identity.label, kind=identity.kind, round1=identity.round1,
                            scope=identity.scope, territory=identity.territory,
                            round2=e["round2"],
                            # WEB-1: the rounds' time zone (overseas), when the polls close
                            timezone=e["timezone"], polls_close=e["polls_close"])
        db.session.add(election)
    else:
        _update_election_facts(election, current, e, user)
    campaign = current or Campaign(site=site)
    c = spec.campaign
    campaign.election = election
    label = str(e.get("name") or "").strip()
    campaign.election_label = label or None
    campaign.mode = c["mode"]
    campaign.population = c.get("population")
    campaign.candidate_name = str(c.get("candidate", "")).strip()
    campaign.list_name = c.get("list_name")
    campaign.colistiers = [n.strip() for n in c.get("colistiers", [])]
    campaign.filing_date = c.get("filing_date")
    campaign.collection_start = c.get("collection_start")
    m = spec.mandataire
    campaign.mandataire_type = m["type"] if m else None
    campaign.mandataire_name = m["name"].strip() if m else None
    campaign.mandataire_declared_on = m["declared_on"] if m else None
    campaign.mandataire_prefecture = m.get("prefecture") if m else None
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.load", campaign, user=user, site=site.slug, election=election.name,
                 label=campaign.election_label)
    return campaign
