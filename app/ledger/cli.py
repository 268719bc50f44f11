"""``estrade donations …``, ``estrade ledger …`` and ``estrade campaign cap``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.campaigns.models import Site
from app.clitools import fail
from app.core.finance.money import format_cents
from app.core.finance.spending_cap import cash_ceiling, reimbursement_ceiling
from app.dbutil import transaction
from app.extensions import db

STATUS_FR = {"accepted": "accepté", "warning": "accepté avec avertissement",
             "refused": "refusé"}


def site_campaign(slug: str) -> Any:
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        fail(f"Site inconnu « {slug} » (voir « estrade sites list »).")
    if site.campaign is None:
        fail(f"Le site « {slug} » n'a pas de campagne : « estrade campaign load » d'abord.")
    return site.campaign


def _user_id(email: str | None) -> int | None:
    if not email:
        return None
    from app.accounts.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        fail(f"Aucun compte pour {email}.")
    return user.id


@click.group("donations")
def donations_cli() -> None:
    """Dons hors ligne (import) et liste des donateurs (export)."""


@donations_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--dry-run", is_flag=True, help="Vérifier sans rien enregistrer.")
@click.option("--json", "as_json", is_flag=True, help="Une ligne JSON par ligne de données.")
@click.option("--by", "by_email", help="E-mail du trésorier qui importe (journal).")
@with_appcontext
def import_command(file: Path, slug: str, dry_run: bool, as_json: bool,
                   by_email: str | None) -> None:
    """Importe des dons (chèques, virements, espèces…) depuis un CSV (docs/import.md)."""
    from app.ledger.importer import ImportFileError, import_gifts

    campaign = site_campaign(slug)
    by_id = _user_id(by_email)
    try:
        with transaction(dry_run=dry_run):
            results = import_gifts(file, campaign.id, recorded_by_id=by_id)
    except ImportFileError as exc:
        fail(f"{file.name} : {exc}. Rien n'a été enregistré.")
    counts = {"accepted": 0, "warning": 0, "refused": 0, "duplicate": 0}
    for result in results:
        counts["duplicate" if result.duplicate else result.status] += 1
        if as_json:
            click.echo(json.dumps(result.as_json(), ensure_ascii=False))
            continue
        label = "déjà importé" if result.duplicate else STATUS_FR[result.status]
        click.echo(f"ligne {result.row} : {label}")
        for rule, message in zip(result.rules, result.messages, strict=False):
            click.echo(f"    {rule} : {message}")
    if not as_json:
        verb = "seraient enregistrés" if dry_run else "enregistrés"
        click.echo(f"{len(results)} lignes : {counts['accepted'] + counts['warning']} "
                   f"dons {verb} (dont {counts['warning']} avec avertissement), "
                   f"{counts['refused']} refusés, {counts['duplicate']} déjà importés."
                   + (" Simulation : rien n'a été enregistré." if dry_run else ""))


@donations_cli.command("export")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "xlsx"]), required=True,
              help="Format du fichier.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier à écrire.")
@click.option("--for-filing", is_flag=True,
              help="Export pour le dépôt du compte : refusé tant qu'un don reste à "
                   "rembourser (DON-16).")
@with_appcontext
def export_command(slug: str, fmt: str, out: Path, for_filing: bool) -> None:
    """Liste des donateurs (annexe du compte de campagne, R39-1), totaux à la fin."""
    from app.ledger.errors import LedgerError
    from app.ledger.exporter import export_donors

    try:
        count = export_donors(site_campaign(slug), fmt, out, for_filing=for_filing)
    except LedgerError as exc:
        fail(str(exc))
    click.echo(f"{count} lignes écrites dans {out}.")


@click.group("ledger")
def ledger_cli() -> None:
    """Registre financier (en ajout seul, chaîné par empreintes)."""


def _head_text(head: Any) -> str:
    return f"n° {head.seq}, empreinte {head.hash}" if head.seq else "vide"


@ledger_cli.command("verify")
@click.option("--site", "slug", help="Vérifier seulement ce site.")
@click.option("--anchor", "anchor_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Ancre écrite plus tôt par « estrade ledger anchor » : détecte aussi une "
                   "chaîne tronquée ou réécrite depuis.")
@with_appcontext
def verify_command(slug: str | None, anchor_file: Path | None) -> None:
    """Recalcule les chaînes (écritures, signalements et remboursements, fusions) et les totaux,
    affiche la tête de chaque chaîne ; code 1 à la première anomalie."""
    from app.ledger.anchor import AnchorError, check_anchor, load_anchor, written_at
    from app.ledger.verify import french_time, verify_all
    from app.timeutil import utcnow

    if slug:
        site_campaign(slug)
    anchor = None
    if anchor_file is not None:
        try:
            anchor = load_anchor(anchor_file)
        except AnchorError as exc:
            fail(str(exc))
    checks = verify_all(slug)
    if checks:
        click.echo(f"Têtes des chaînes au {french_time(utcnow())} :")
    bad = [c for c in checks if c.problem is not None]
    for check in checks:
        state = "ALTÉRÉ" if check.problem else "intègre"
        click.echo(f"{check.site_slug} : {check.entries} écritures, solde "
                   f"{format_cents(check.balance_cents)}, {state}")
        for head in check.heads:
            click.echo(f"    {head.label} : {_head_text(head)}")
        if check.problem:
            click.echo(f"    première anomalie : {check.problem.message}")
    findings = check_anchor(anchor, slug) if anchor is not None else []
    if anchor is not None:
        when = french_time(written_at(anchor))
        for finding in findings:
            click.echo(f"ANCRE DU {when} : {finding.message}")
        if not findings:
            click.echo(f"Ancre du {when} : conforme (rien de ce qu'elle couvre n'a été "
                       "supprimé ni modifié).")
    if bad or findings:
        raise SystemExit(1)
    if not checks:
        click.echo("Aucune campagne à vérifier.")


@ledger_cli.command("anchor")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier de l'ancre à écrire (JSON).")
@click.option("--site", "slug", help="Seulement la campagne de ce site.")
@with_appcontext
def anchor_command(out: Path, slug: str | None) -> None:
    """Écrit l'ancre du registre (la tête de chaque chaîne) à garder hors du serveur, pour
    « estrade ledger verify --anchor » ; refusé sur un registre altéré."""
    from app.campaigns.models import Campaign
    from app.ledger.anchor import build_anchor, write_anchor
    from app.ledger.verify import verify_all

    if slug:
        site_campaign(slug)
    checks = verify_all(slug)
    if (bad := next((c for c in checks if c.problem is not None), None)) is not None:
        assert bad.problem is not None
        fail(f"Registre de « {bad.site_slug} » altéré ({bad.problem.message}) : pas d'ancre "
             "sur un registre altéré (voir « estrade ledger verify »).")
    campaigns = [c for c in (db.session.get(Campaign, check.campaign_id) for check in checks)
                 if c is not None]
    anchor = build_anchor(campaigns)
    write_anchor(out, anchor)
    for check in checks:
        click.echo(f"{check.site_slug} :")
        for head in check.heads:
            click.echo(f"    {head.label} : {_head_text(head)}")
    click.echo(f"Ancre de {len(campaigns)} campagne(s) écrite dans {out} : gardez-la hors du "
               "serveur (envoyez-la à l'expert-comptable, imprimez-la).")


@click.command("cap")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@with_appcontext
def cap_command(slug: str) -> None:
    """Plafond de dépenses, plafond des espèces et remboursement maximal (CAP-1, DON-5, RMB-1)."""
    from app.ledger.facts import campaign_cap

    campaign = site_campaign(slug)
    if campaign.population is None:
        fail("Population inconnue : ajoutez « population » au fichier de campagne.")
    if campaign.election.kind == "senatoriales":
        fail("Sénatoriales : le plafond dépend du nombre de sièges du département, qu'Estrade "
             "ne connaît pas encore ; calculez-le d'après l'article L308-1 du code électoral.")
    for round_ in (1, 2):
        cap = campaign_cap(campaign, round=round_)
        assert cap is not None
        click.echo(f"Tour {round_} — plafond des dépenses (CAP-1, CAP-2) : "
                   f"{format_cents(cap.cents) if cap.applies else 'aucun'}")
        click.echo("    " + cap.formula.replace("\n", "\n    "))
        if not cap.applies:
            continue
        ceiling = cash_ceiling(cap)
        click.echo("    plafond des espèces (DON-5) : " + (
            f"{format_cents(ceiling)} (20 % du plafond)" if ceiling is not None
            else "sans objet (plafond inférieur à 15 000 €)"))
        click.echo(f"    remboursement forfaitaire maximal (RMB-1) : "
                   f"{format_cents(reimbursement_ceiling(cap))} (47,5 % du plafond)")
        if campaign.election.round2 is None:
            break


@click.group("donors")
def donors_cli() -> None:
    """Fiches de donateurs : doublons probables, fusion, distinction (DON-2)."""


def _treasurer_id(email: str, campaign: Any) -> int:
    """The staff member answering for a donor decision: an active treasurer of the site."""
    from app.accounts.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.can("treasury", campaign.site_id):
        fail(f"{email} n'est pas un compte actif de trésorier de ce site : seul son mandataire "
             "financier décide que deux fiches sont une personne.")
    return user.id


def _own_donors(campaign: Any, *donor_ids: int) -> None:
    """Refuse donor records with no gift to this campaign (they may be a rival's donors)."""
    from app.ledger.donors import campaign_donor_ids

    unknown = [str(i) for i in donor_ids if i not in campaign_donor_ids(campaign.id)]
    if unknown:
        fail(f"Fiche(s) {', '.join(unknown)} inconnue(s) pour ce site (« estrade donors "
             "duplicates --site … » liste les fiches de ses donateurs).")


@donors_cli.command("duplicates")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@with_appcontext
def duplicates_command(slug: str) -> None:
    """Fiches qui désignent probablement la même personne (le plafond est par personne)."""
    from app.ledger.donors import duplicates_for
    from app.ledger.locks import donor_group
    from app.ledger.models import Donor
    from app.ledger.totals import donor_total

    campaign = site_campaign(slug)
    pairs = duplicates_for(campaign.id)
    if not pairs:
        click.echo("Aucun doublon probable.")
        return
    for pair in pairs:
        click.echo(f"{pair.score} % — {pair.reason}")
        for donor_id in (pair.first, pair.second):
            donor = db.session.get(Donor, donor_id)
            assert donor is not None
            total = donor_total(campaign.election_id, donor_group(donor_id))
            click.echo(f"    fiche {donor_id} : {donor.full_name}, {donor.adresse}, "
                       f"{donor.code_postal} {donor.commune} — {format_cents(total)}")
    click.echo(f"{len(pairs)} paire(s). Même personne : « estrade donors merge GARDÉE "
               f"FUSIONNÉE --site {slug} --by EMAIL --reason … » ; deux personnes : "
               f"« estrade donors keep-apart A B --site {slug} --by EMAIL --reason … ».")


@donors_cli.command("merge")
@click.argument("kept", type=int)
@click.argument("merged", type=int)
@click.option("--by", "email", required=True, help="E-mail du trésorier qui décide.")
@click.option("--reason", required=True, help="Pourquoi ces fiches sont une seule personne.")
@click.option("--site", "slug", required=True, help="Le site dont on est le trésorier.")
@with_appcontext
def merge_command(kept: int, merged: int, email: str, reason: str, slug: str) -> None:
    """Fusionne deux fiches d'une même personne ; le plafond de 4 600 € les couvre ensemble."""
    from app.ledger.donors import merge_donors
    from app.ledger.errors import LedgerError

    campaign = site_campaign(slug)
    by_id = _treasurer_id(email, campaign)
    _own_donors(campaign, kept, merged)
    try:
        with transaction():
            result = merge_donors(kept, merged, by_id=by_id, reason=reason)
    except LedgerError as exc:
        fail(str(exc))
    click.echo(result.message)


@donors_cli.command("keep-apart")
@click.argument("first", type=int)
@click.argument("second", type=int)
@click.option("--by", "email", required=True, help="E-mail du trésorier qui décide.")
@click.option("--reason", required=True, help="Pourquoi ce sont deux personnes.")
@click.option("--site", "slug", required=True, help="Le site dont on est le trésorier.")
@with_appcontext
def keep_apart_command(first: int, second: int, email: str, reason: str, slug: str) -> None:
    """Deux fiches qui se ressemblent sont deux personnes : elles ne sont plus proposées."""
    from app.ledger.donors import keep_apart
    from app.ledger.errors import LedgerError

    campaign = site_campaign(slug)
    by_id = _treasurer_id(email, campaign)
    _own_donors(campaign, first, second)
    try:
        with transaction():
            keep_apart(first, second, by_id=by_id, reason=reason)
    except LedgerError as exc:
        fail(str(exc))
    click.echo(f"Fiches {first} et {second} gardées distinctes.")


def register(cli: click.Group) -> None:
    from app.campaigns.cli import campaign_cli

    cli.add_command(donors_cli)
    cli.add_command(donations_cli)
    cli.add_command(ledger_cli)
    campaign_cli.add_command(cap_command)
