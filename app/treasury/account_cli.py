"""``estrade donations account``, ``donations surplus``, ``donations payouts`` and ``donations
package``: the twins of the treasurer's downloads (the same writers)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from app.clitools import fail


def _write(out: Path, write: Callable[[Any], Any]) -> Any:
    """Atomically: a temporary file beside ``out``, then a rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


@click.command("account")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), required=True,
              help="Format du fichier.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier à écrire.")
@with_appcontext
def account_command(slug: str, fmt: str, out: Path) -> None:
    """Compte de campagne (REP-4) : recettes par origine, dépenses par nature, solde."""
    from app.core.finance.money import format_cents
    from app.ledger.cli import site_campaign
    from app.treasury.account import campaign_account
    from app.treasury.account_files import write_account_pdf, write_account_xlsx

    account = campaign_account(site_campaign(slug))
    writer = write_account_xlsx if fmt == "xlsx" else write_account_pdf
    _write(out, lambda handle: writer(account, handle))
    click.echo(f"Recettes {format_cents(account.receipts_cents)}, dépenses "
               f"{format_cents(account.expenses_cents)}, solde "
               f"{format_cents(account.balance_cents)} "
               + ("(égal au registre)" if account.balances else "(DIFFÈRE DU REGISTRE)")
               + f" : {out}.")
    if not account.balances:
        raise SystemExit(1)


@click.command("surplus")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@with_appcontext
def surplus_command(slug: str) -> None:
    """Commune de moins de 9 000 habitants : l'excédent à rendre aux donateurs (REP-5)."""
    from app.core.finance.money import format_cents
    from app.ledger.cli import site_campaign
    from app.treasury.account import surplus_list

    campaign = site_campaign(slug)
    if campaign.mode != "petite-commune":
        fail("Seulement en mode « petite commune » (MAND-4) : ailleurs, l'excédent suit les "
             "règles de dévolution du compte de campagne.")
    shares = surplus_list(campaign)
    for share in shares:
        click.echo(f"{share.name}, {share.address} : {format_cents(share.share_cents)} "
                   f"(dons {format_cents(share.given_cents)})")
    click.echo(f"{len(shares)} donateur(s), "
               f"{format_cents(sum(s.share_cents for s in shares))} à rendre.")


@click.command("package")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Archive .zip à écrire.")
@with_appcontext
def package_command(slug: str, out: Path) -> None:
    """Dossier de l'expert-comptable (ACC-3) : liste des donateurs, compte, vérification."""
    from app.ledger.cli import site_campaign
    from app.ledger.verify import verify_campaign
    from app.treasury.account_files import write_package

    campaign = site_campaign(slug)
    if (problem := verify_campaign(campaign).problem) is not None:
        fail(f"Registre altéré ({problem.message}) : pas de dossier sur un registre altéré.")
    names = _write(out, lambda handle: write_package(campaign, handle))
    click.echo(f"{out} : {', '.join(names)}.")


@click.command("payouts")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier CSV à écrire.")
@with_appcontext
def payouts_command(slug: str, out: Path) -> None:
    """Virements Stripe (REP-3) : chaque virement avec les opérations de la campagne (CSV)."""
    from app.ledger.cli import site_campaign
    from app.treasury.package_parts import payouts_csv, read_payouts

    views, unavailable = read_payouts(site_campaign(slug))
    count = _write(out, lambda handle: payouts_csv(views, handle, unavailable=unavailable))
    if views is None:
        click.echo(f"Virements non lus ({unavailable}) : {out}.", err=True)
        raise SystemExit(1)
    click.echo(f"{count} virement(s) écrit(s) : {out}.")


def register(cli: click.Group) -> None:
    from app.ledger.cli import donations_cli

    for command in (account_command, surplus_command, package_command, payouts_command):
        donations_cli.add_command(command)
