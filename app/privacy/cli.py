"""``estrade donors export`` / ``estrade donors erase`` (one person, one site, for its
treasurer) and ``estrade privacy purge`` (the retention job, for cron)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.clitools import fail
from app.dbutil import transaction
from app.fileutil import atomic_write_text


@click.command("export")
@click.option("--email", required=True, help="Adresse e-mail de la personne.")
@click.option("--site", "slug", required=True, help="Le site (la campagne) dont on répond.")
@click.option("--by", "by_email", required=True, help="E-mail du trésorier de ce site.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier JSON à écrire (par défaut : la sortie standard).")
@with_appcontext
def export_command(email: str, slug: str, by_email: str, out: Path | None) -> None:
    """Tout ce que le site détient sur une personne, en JSON (RGPD, articles 15 et 20)."""
    from app.privacy.actions import export_person
    from app.privacy.subjects import PrivacyError

    try:
        with transaction():
            data = export_person(slug, email, by=by_email)
    except PrivacyError as exc:
        fail(str(exc))
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(out, text, mode=0o600)  # GDPR art. 9 data
        click.echo(f"Export écrit dans {out}.")


@click.command("erase")
@click.option("--email", required=True, help="Adresse e-mail de la personne.")
@click.option("--site", "slug", required=True, help="Le site (la campagne) dont on répond.")
@click.option("--by", "by_email", required=True, help="E-mail du trésorier de ce site.")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait fait, sans rien changer.")
@with_appcontext
def erase_command(email: str, slug: str, by_email: str, dry_run: bool) -> None:
    """Pseudonymise ce que la loi n'oblige pas à garder ; le registre légal reste, motif à
    l'appui (articles R. 39-1 et L. 52-12 du code électoral)."""
    from app.privacy.actions import erase_person
    from app.privacy.subjects import PrivacyError

    try:
        with transaction(dry_run=dry_run):
            result = erase_person(slug, email, by=by_email)
    except PrivacyError as exc:
        fail(str(exc))
    if dry_run:
        click.echo("Simulation (--dry-run) : rien n'a été modifié.")
    for line in result.lines:
        click.echo(line)


@click.group("privacy")
def privacy_cli() -> None:
    """Données personnelles : durées de conservation (RGPD, règle GDPR-3)."""


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Compte ce qui serait effacé, sans rien changer.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Efface ce qui a dépassé sa durée de conservation (dons abandonnés, adresses IP,
    courriels) ; à lancer chaque jour par cron (docs/security-privacy.md)."""
    from app.privacy.retention import Policy, purge

    policy = Policy.from_config(current_app.config)
    with transaction(dry_run=dry_run):
        report = purge(policy)
    if dry_run:
        click.echo("Simulation (--dry-run) : rien n'a été modifié.")
    for line in report.lines(policy, dry_run):
        click.echo(line)


def register(cli: click.Group) -> None:
    from app.ledger.cli import donors_cli

    donors_cli.add_command(export_command)
    donors_cli.add_command(erase_command)
    cli.add_command(privacy_cli)
