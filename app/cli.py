"""The ``estrade`` command: a Flask CLI group; each package adds its own commands."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from app.fileutil import atomic_write_text
from app.schema import upgrade_database

ADMIN_FILE = "initial-admin.txt"
DEFAULT_ADMIN_EMAIL = "admin@example.org"


def _create_app() -> Flask:
    from app import create_app

    return create_app()


class EstradeGroup(FlaskGroup):
    """Turns "the database was never initialised" or "cannot be reached" into a French hint
    instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig)
            if "no such table" in text or "does not exist" in text:
                raise EstradeError(
                    "La base de données n'est pas initialisée ou pas à jour : lancez "
                    "« estrade init » (ou « estrade db upgrade »).") from None
            if isinstance(exc, OperationalError) and any(
                    sign in text.lower() for sign in _UNREACHABLE):
                url = current_app.config.get("SQLALCHEMY_DATABASE_URI", "")
                raise EstradeError(
                    f"Base de données inaccessible ({_safe_url(url)}) : {text.strip()}. "
                    "Vérifiez ESTRADE_DATABASE_URL (dossier existant, serveur démarré, "
                    "droits d'accès).") from None
            raise


#: Driver messages meaning the database cannot be opened or reached at all.
_UNREACHABLE = ("unable to open database file", "connection refused", "could not connect",
                "connection failed", "could not translate host name", "no such host")


def _safe_url(url: str) -> str:
    """The database address without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed address is shown as "?"
        return "?"


@click.group(cls=EstradeGroup, create_app=_create_app, add_version_option=True,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Estrade : sites de campagne et dons conformes au droit électoral français.

    Chaque commande utilise la base indiquée par ESTRADE_DATABASE_URL
    (par défaut instance/estrade.sqlite).
    """


class EstradeError(click.ClickException):
    """A refusal: French message on stderr, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    """Stop a command with a French message and exit status 1."""
    raise EstradeError(message)


# Each package that has commands exposes ``register(cli: click.Group)`` in its ``cli`` module.
COMMAND_MODULES = ("app.accounts.cli", "app.sites.cli", "app.site.cli", "app.ledger.cli",
                   "app.donations.cli")


def register_commands(app: Flask) -> None:
    import importlib

    from app.schema import db_cli

    app.cli.add_command(init_command)
    app.cli.add_command(db_cli)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a package not built yet has no commands
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.register(app.cli)


def _ensure_instance_config(app: Flask) -> bool:
    path = Path(app.instance_path) / "config.py"
    if path.exists():
        return False
    secret = secrets.token_hex(32)
    atomic_write_text(path, "# Généré par « estrade init ». Voir instance/config.example.py.\n"
                      f"SECRET_KEY = {secret!r}\n", mode=0o600)
    app.config["SECRET_KEY"] = secret
    return True


def _seed_demo(app: Flask) -> str:
    from app.extensions import db
    from app.sites.models import Site
    from app.sites.service import create_site, load_campaign, parse_campaign_file

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
    site = create_site("demo", title, ["localhost", "127.0.0.1"], theme=theme, is_default=True)
    campaign_file = content / "campaign.toml"
    if campaign_file.exists():
        load_campaign(site, parse_campaign_file(campaign_file))
    db.session.commit()
    return f"Site de démonstration « {title} » créé."


def _ensure_admin(app: Flask) -> tuple[str, str | None]:
    """Create the first admin if there is none; return (email, password still valid or None)."""
    from app import audit
    from app.accounts.models import User
    from app.accounts.passwords import generate_password, password_problems
    from app.extensions import db

    secret_file = Path(app.instance_path) / ADMIN_FILE
    admin = db.session.scalar(select(User).where(User.role == "admin", User.active.is_(True))
                              .order_by(User.id))
    if admin is None:
        email = os.environ.get("ESTRADE_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL).strip().lower()
        password = os.environ.get("ESTRADE_ADMIN_PASSWORD") or generate_password()
        if problems := password_problems(password, email):
            fail("ESTRADE_ADMIN_PASSWORD refusé : " + " ".join(problems))
        admin = User(email=email, role="admin", active=True)
        admin.set_password(password)
        db.session.add(admin)
        db.session.flush()
        audit.record("user.create", admin, role="admin", via="estrade init")
        db.session.commit()
        atomic_write_text(secret_file, f"{email}\n{password}\n", mode=0o600)
        return email, password
    if secret_file.exists():
        lines = secret_file.read_text(encoding="utf-8").splitlines()
        if len(lines) >= 2 and lines[0] == admin.email and admin.check_password(lines[1]):
            return admin.email, lines[1]
    return admin.email, None


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
        click.echo(f"[3/{steps}] {_seed_demo(app)}")
    email, password = _ensure_admin(app)
    click.echo(f"[{steps}/{steps}] Administrateur : {email}")
    click.echo("")
    click.echo("Connexion : http://127.0.0.1:5000/admin/login")
    click.echo(f"  e-mail       : {email}")
    if password:
        click.echo(f"  mot de passe : {password}")
        click.echo(f"  (aussi dans instance/{ADMIN_FILE} tant qu'il n'a pas été changé)")
    else:
        click.echo("  mot de passe : celui que vous avez choisi "
                   "(oublié ? « estrade users password EMAIL »)")


def read_password(prompt: str = "Mot de passe") -> str:
    """Password from an interactive prompt (asked twice) or the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")
