"""``estrade init``: configuration, database, demo site and first administrator."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.clitools import fail
from app.fileutil import atomic_write_text
from app.schema import upgrade_database

ADMIN_FILE = "initial-admin.txt"
DEFAULT_ADMIN_EMAIL = "admin@example.org"


def _ensure_instance_config(app: Flask) -> bool:
    path = Path(app.instance_path) / "config.py"
    if path.exists():
        return False
    secret = secrets.token_hex(32)
    atomic_write_text(path, "# Généré par « estrade init ». Voir instance/config.example.py.\n"
                      f"SECRET_KEY = {secret!r}\n"
                      "# Paiements de démonstration pour un essai sur cette machine (jamais sur\n"
                      "# une adresse publique, jamais avec des clés Stripe) : mettez False en\n"
                      "# production.\n"
                      "ESTRADE_DEMO_PAYMENTS = True\n", mode=0o600)
    app.config["SECRET_KEY"] = secret
    return True


def _ensure_admin(app: Flask) -> tuple[str, str | None]:
    """Create the first admin if there is none; return (email, password still valid or None)."""
    from app.accounts import actions
    from app.accounts.models import SITE_ROLES, User
    from app.campaigns.models import Site
    from app.dbutil import transaction
    from app.extensions import db

    secret_file = Path(app.instance_path) / ADMIN_FILE
    admin = db.session.scalar(select(User).where(User.is_admin.is_(True),
                                                 User.active.is_(True)).order_by(User.id))
    if admin is None:
        email = os.environ.get("ESTRADE_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL)
        try:
            with transaction():
                account = actions.create_user(
                    email, password=os.environ.get("ESTRADE_ADMIN_PASSWORD") or None,
                    actor=None, via="estrade init", is_admin=True)
                # The demo shows every part of the product to whoever installs it.
                demo = db.session.scalar(select(Site).where(Site.slug == "demo"))
                if demo is not None:
                    for role in SITE_ROLES:
                        actions.grant(account.user, demo, role, actor=None)
        except actions.AccountError as exc:
            fail(f"ESTRADE_ADMIN_PASSWORD refusé : {exc}" if exc.field == "password"
                 else f"ESTRADE_ADMIN_EMAIL refusé : {exc}")
        password = account.generated_password or os.environ["ESTRADE_ADMIN_PASSWORD"]
        atomic_write_text(secret_file, f"{account.user.email}\n{password}\n", mode=0o600)
        return account.user.email, password
    if secret_file.exists():
        lines = secret_file.read_text(encoding="utf-8").splitlines()
        if len(lines) >= 2 and lines[0] == admin.email and admin.check_password(lines[1]):
            return admin.email, lines[1]
    return admin.email, None


def _must_change(email: str) -> bool:
    from app.accounts.actions import find_user

    user = find_user(email)
    return bool(user and user.must_change_password)


@click.command("init")
@click.option("--no-demo", is_flag=True, help="Ne pas créer le site de démonstration.")
@with_appcontext
def init_command(no_demo: bool) -> None:
    """Prépare l'installation : configuration, base de données, site de démo, administrateur."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    steps = 4 if not no_demo else 3
    click.echo(f"[1/{steps}] Configuration…", nl=False)
    click.echo(" instance/config.py créé (clé secrète aléatoire)."
               if _ensure_instance_config(app) else " instance/config.py conservé.")
    click.echo(f"[2/{steps}] Base de données : migrations…", nl=False)
    upgrade_database(app)
    click.echo(" à jour.")
    if not no_demo:
        from app.campaigns.demo import seed_demo

        click.echo(f"[3/{steps}] {seed_demo(app)}")
    email, password = _ensure_admin(app)
    click.echo(f"[{steps}/{steps}] Administrateur : {email}")
    click.echo("")
    click.echo("Connexion : http://127.0.0.1:5000/admin/login")
    click.echo(f"  e-mail       : {email}")
    if password:
        click.echo(f"  mot de passe : {password}")
        click.echo(f"  (aussi dans instance/{ADMIN_FILE} tant qu'il n'a pas été changé)")
        if _must_change(email):
            click.echo("  À la première connexion, un nouveau mot de passe vous sera demandé,")
        click.echo("  puis l'activation de la double authentification (une application comme")
        click.echo("  FreeOTP ou Aegis sur votre téléphone).")
    else:
        click.echo("  mot de passe : celui que vous avez choisi "
                   "(oublié ? « estrade users password EMAIL »)")
