"""``estrade users …`` commands (the same actions as the « Équipe » page)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import actions
from app.accounts.models import ROLES, User
from app.clitools import fail, read_password
from app.dbutil import transaction
from app.extensions import db


@click.group("users")
def users_cli() -> None:
    """Comptes de l'équipe (administrateurs, rédacteurs, trésoriers)."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Rôle du compte.")
@with_appcontext
def create_user(email: str, role: str) -> None:
    """Crée un compte ; mot de passe demandé (ou lu sur l'entrée standard)."""
    try:
        address = actions.normalise_email(email)
    except actions.AccountError as exc:
        fail(f"Adresse e-mail invalide « {email} » : {exc}")
    if actions.find_user(address) is not None:
        fail(f"Un compte existe déjà pour {address}.")
    password = read_password()
    try:
        with transaction():
            account = actions.create_user(address, role, password=password, actor=None,
                                          via="cli")
    except actions.AccountError as exc:
        fail(("Mot de passe refusé : " if exc.field == "password" else "") + str(exc))
    click.echo(f"Compte créé : {account.user.email} ({role}).")


@users_cli.command("password")
@click.argument("email")
@with_appcontext
def set_password(email: str) -> None:
    """Change le mot de passe d'un compte (demandé ou lu sur l'entrée standard)."""
    user = actions.find_user(email)
    if user is None:
        fail(f"Aucun compte pour {email}.")
    password = read_password("Nouveau mot de passe")
    try:
        with transaction():
            actions.change_password(user, password, actor=None)
    except actions.AccountError as exc:
        fail(f"Mot de passe refusé : {exc}")
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
