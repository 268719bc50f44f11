"""``estrade users …`` commands (the same actions as the « Équipe » page)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import actions
from app.accounts.models import SITE_ROLES, User
from app.campaigns.models import Site
from app.clitools import fail, read_password
from app.dbutil import transaction
from app.extensions import db


@click.group("users")
def users_cli() -> None:
    """Comptes de l'équipe et leurs rôles par site (rédacteur, trésorier, administrateur)."""


def _site(slug: str) -> Site:
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        known = ", ".join(db.session.scalars(select(Site.slug).order_by(Site.slug))) or "aucun"
        fail(f"Site « {slug} » introuvable (sites existants : {known}).")
    return site


def _user(email: str) -> User:
    user = actions.find_user(email)
    if user is None:
        fail(f"Aucun compte pour {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--admin", "is_admin", is_flag=True,
              help="Administrateur de l'installation (crée les sites, gère les équipes).")
@click.option("--site", "slug", default=None, help="Site du premier rôle (avec --role).")
@click.option("--role", type=click.Choice(tuple(SITE_ROLES)), default=None,
              help="Rôle sur ce site : editor (rédacteur), treasurer (trésorier), site_admin.")
@with_appcontext
def create_user(email: str, is_admin: bool, slug: str | None, role: str | None) -> None:
    """Crée un compte ; mot de passe demandé (ou lu sur l'entrée standard)."""
    if bool(slug) != bool(role):
        fail("Indiquez à la fois --site et --role (ou aucun des deux).")
    if not is_admin and not slug:
        fail("Un compte a un rôle : --admin, ou --site SITE --role ROLE.")
    site = _site(slug) if slug else None
    try:
        address = actions.normalise_email(email)
    except actions.AccountError as exc:
        fail(f"Adresse e-mail invalide « {email} » : {exc}")
    if actions.find_user(address) is not None:
        fail(f"Un compte existe déjà pour {address}.")
    password = read_password()
    try:
        with transaction():
            account = actions.create_user(address, password=password, actor=None, via="cli",
                                          is_admin=is_admin, site=site, role=role)
    except actions.AccountError as exc:
        fail(("Mot de passe refusé : " if exc.field == "password" else "") + str(exc))
    what = ["administrateur de l'installation"] if is_admin else []
    if site is not None and role is not None:
        what.append(f"{SITE_ROLES[role]} de « {site.slug} »")
    click.echo(f"Compte créé : {account.user.email} ({', '.join(what)}).")


@users_cli.command("grant")
@click.argument("email")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--role", type=click.Choice(tuple(SITE_ROLES)), required=True,
              help="editor (rédacteur), treasurer (trésorier), site_admin.")
@with_appcontext
def grant(email: str, slug: str, role: str) -> None:
    """Donne un rôle sur un site à un compte."""
    user, site = _user(email), _site(slug)
    with transaction():
        added = actions.grant(user, site, role, actor=None)
    click.echo(f"{user.email} : {SITE_ROLES[role]} de « {site.slug} »"
               + ("." if added else " (déjà le cas)."))


@users_cli.command("invite")
@click.argument("email")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--role", type=click.Choice(tuple(SITE_ROLES)), required=True,
              help="editor (rédacteur), treasurer (trésorier), site_admin.")
@with_appcontext
def invite(email: str, slug: str, role: str) -> None:
    """Invite une personne sur un site par e-mail (lien pour choisir son mot de passe, valable
    sept jours ; un compte existant reçoit seulement son rôle). Liens : ESTRADE_STAFF_URL."""
    from app import mail
    from app.accounts.invitations import invite as invite_person

    site = _site(slug)
    try:
        with transaction():
            invited = invite_person(email, site, role, actor=None)
    except actions.AccountError as exc:
        fail(str(exc))
    if invited.mail_key is not None:
        mail.send_pending(keys=[invited.mail_key])
    click.echo(f"{invited.user.email} : {SITE_ROLES[role]} de « {site.slug} »"
               + ("" if invited.mail_key else " ; aucun e-mail : réglez ESTRADE_STAFF_URL")
               + ".")


@users_cli.command("revoke")
@click.argument("email")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.option("--role", type=click.Choice(tuple(SITE_ROLES)), required=True,
              help="Le rôle à retirer.")
@with_appcontext
def revoke(email: str, slug: str, role: str) -> None:
    """Retire un rôle sur un site à un compte."""
    user, site = _user(email), _site(slug)
    with transaction():
        removed = actions.revoke(user, site, role, actor=None)
    click.echo(f"{user.email} n'est plus {SITE_ROLES[role].lower()} de « {site.slug} »."
               if removed else f"{user.email} n'avait pas ce rôle sur « {site.slug} ».")


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


@users_cli.command("totp-reset")
@click.argument("email")
@with_appcontext
def totp_reset(email: str) -> None:
    """Retire la double authentification d'un compte (téléphone et codes de secours perdus)."""
    from app.accounts import second_factor

    user = _user(email)
    with transaction():
        second_factor.reset(user, actor=None)
    click.echo(f"Double authentification de {user.email} retirée ; ses sessions sont closes. "
               "Un nouvel enrôlement lui sera demandé à la prochaine connexion si son rôle "
               "l'exige.")


@users_cli.command("list")
@with_appcontext
def list_users() -> None:
    """Liste les comptes."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    if not users:
        click.echo("Aucun compte. Lancez « estrade init » ou « estrade users create ».")
    slugs = {site_id: slug for site_id, slug in db.session.execute(select(Site.id, Site.slug))}
    for user in users:
        state = "actif" if user.active else "désactivé"
        roles = (["admin"] if user.is_admin else []) + [
            f"{m.role}@{slugs.get(m.site_id, m.site_id)}" for m in user.memberships]
        click.echo(f"{user.email}\t{' '.join(roles) or '-'}\t{state}")


def register(cli: click.Group) -> None:
    cli.add_command(users_cli)
