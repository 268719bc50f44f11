"""``estrade users …`` commands."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app import audit
from app.accounts.models import ROLES, User
from app.accounts.passwords import password_problems
from app.clitools import fail, read_password
from app.extensions import db


@click.group("users")
def users_cli() -> None:
    """Comptes de l'équipe (administrateurs, rédacteurs, trésoriers)."""


def _valid_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        fail(f"Adresse e-mail invalide « {raw} » : {exc}")
        raise AssertionError from exc  # unreachable, fail() raises


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Rôle du compte.")
@with_appcontext
def create_user(email: str, role: str) -> None:
    """Crée un compte ; mot de passe demandé (ou lu sur l'entrée standard)."""
    address = _valid_email(email)
    if db.session.scalar(select(User).where(func.lower(User.email) == address)):
        fail(f"Un compte existe déjà pour {address}.")
    password = read_password()
    if problems := password_problems(password, address):
        fail("Mot de passe refusé : " + " ".join(problems))
    user = User(email=address, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, role=role, via="cli")
    db.session.commit()
    click.echo(f"Compte créé : {address} ({role}).")


@users_cli.command("password")
@click.argument("email")
@with_appcontext
def set_password(email: str) -> None:
    """Change le mot de passe d'un compte (demandé ou lu sur l'entrée standard)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        fail(f"Aucun compte pour {email}.")
    password = read_password("Nouveau mot de passe")
    if problems := password_problems(password, user.email):
        fail("Mot de passe refusé : " + " ".join(problems))
    user.set_password(password)
    audit.record("user.password", user, via="cli")
    db.session.commit()
    click.echo(f"Mot de passe de {user.email} modifié.")


@users_cli.command("list")
@with_appcontext
def list_users() -> None:
    """Liste les comptes."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    if not users:
        click.echo("Aucun compte. Lancez « estrade init » ou « estrade users create ».")
    for user in users:
        state = "actif" if user.active else "désactivé"
        click.echo(f"{user.email}\t{user.role}\t{state}")


def register(cli: click.Group) -> None:
    cli.add_command(users_cli)
