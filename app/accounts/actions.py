"""Every change to a staff account, as one action: permission check, change, audit row.

The web views and the ``estrade users`` commands call these, inside the transaction they own
(:func:`app.dbutil.transaction`); an action never commits. ``actor`` is the staff member
acting, or None for the operator at the server's command line (``estrade init``,
``estrade users …``), who already holds every right over the installation. People are
managed by the installation administrator, and a site's own people by its site admins.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.accounts import sessions
from app.accounts.models import SITE_ROLES, Membership, User
from app.accounts.passwords import generate_password, password_problems
from app.campaigns.models import Site
from app.dbutil import require_transaction
from app.extensions import db


class AccountError(ValueError):
    """A refusal in French; ``field`` names the form field it is about. Nothing changed."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewAccount:
    user: User
    generated_password: str | None  # shown once when the password was generated


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise AccountError(_("Votre rôle ne permet pas d'accéder à cette page."))


def _require_people(actor: User | None, site: Site) -> None:
    """The installation admin, or a site admin of ``site``, manages its people."""
    if actor is not None and not actor.can("people", site.id):
        raise AccountError(_("Votre rôle ne permet pas d'accéder à cette page."))


def normalise_email(raw: str) -> str:
    try:
        return str(validate_email(raw.strip(), check_deliverability=False).normalized).lower()
    except EmailNotValidError:
        raise AccountError(_("Cette adresse e-mail n'est pas valide."), "email") from None


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _admins_left(excluding: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.is_admin.is_(True), User.active.is_(True), User.id != excluding.id)) or 0


def create_user(email: str, *, password: str | None, actor: User | None, via: str,
                is_admin: bool = False, site: Site | None = None,
                role: str | None = None) -> NewAccount:
    """A new active account, optionally with a first role on a site; without ``password``
    one is generated (returned once)."""
    require_transaction(db.session)
    if is_admin or site is None:
        _require_admin(actor)
    else:
        _require_people(actor, site)
    if role is not None and role not in SITE_ROLES:
        raise AccountError(_("Rôle inconnu."), "role")
    address = normalise_email(email)
    if find_user(address) is not None:
        raise AccountError(_("Un compte existe déjà avec cette adresse."), "email")
    generated = None
    if password:
        if problems := password_problems(password, address):
            raise AccountError(" ".join(problems), "password")
    else:
        password = generated = generate_password()
    # A generated password has been seen by someone else: its holder must replace it.
    user = User(email=address, is_admin=is_admin, active=True,
                must_change_password=generated is not None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, user=actor, admin=is_admin, via=via)
    if site is not None and role is not None:
        grant(user, site, role, actor=actor)
    return NewAccount(user, generated)


def grant(user: User, site: Site, role: str, *, actor: User | None) -> bool:
    """Give ``user`` ``role`` on ``site``; False when they already had it."""
    require_transaction(db.session)
    _require_people(actor, site)
    if role not in SITE_ROLES:
        raise AccountError(_("Rôle inconnu."), "role")
    if role in user.roles_on(site.id):
        return False
    user.memberships.append(Membership(site_id=site.id, role=role,
                                       granted_by_id=actor.id if actor else None))
    db.session.flush()
    audit.record("membership.grant", user, user=actor, site=site.slug, role=role)
    return True


def revoke(user: User, site: Site, role: str, *, actor: User | None) -> bool:
    """Take ``role`` on ``site`` back from ``user``; False when they did not have it."""
    require_transaction(db.session)
    _require_people(actor, site)
    found = [m for m in user.memberships if m.site_id == site.id and m.role == role]
    if not found:
        return False
    for membership in found:
        user.memberships.remove(membership)
    db.session.flush()
    audit.record("membership.revoke", user, user=actor, site=site.slug, role=role)
    return True


def set_admin(user: User, is_admin: bool, *, actor: User | None) -> bool:
    """Make ``user`` the (or an) installation administrator, or not; never the last one."""
    require_transaction(db.session)
    _require_admin(actor)
    if user.is_admin == is_admin:
        return False
    if not is_admin and _admins_left(user) == 0:
        raise AccountError(_("Il doit rester au moins un administrateur actif."))
    user.is_admin = is_admin
    audit.record("user.admin", user, user=actor, admin=is_admin)
    return True


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    """Deactivate or reactivate an account; never oneself, never the last administrator."""
    require_transaction(db.session)
    _require_admin(actor)
    if user.active == active:
        return
    if not active and ((actor is not None and user.id == actor.id)
                       or (user.is_admin and _admins_left(user) == 0)):
        raise AccountError(_("Vous ne pouvez pas désactiver ce compte : il doit rester un "
                             "administrateur actif, et on ne se désactive pas soi-même."))
    user.active = active
    if not active:
        sessions.revoke_all(user)
    audit.record("user.activate" if active else "user.deactivate", user, user=actor)


def change_password(user: User, new: str, *, actor: User | None,
                    current: str | None = None) -> None:
    """A new password. A staff member changing their own gives the current one; the
    operator (``actor`` None) resets any. Every session of that person ends (the view keeps
    the one of whoever changed their own)."""
    require_transaction(db.session)
    if actor is not None:
        if actor.id != user.id:
            _require_admin(actor)
        elif current is None or not user.check_password(current):
            raise AccountError(_("Le mot de passe actuel est incorrect."), "current")
    if problems := password_problems(new, user.email):
        raise AccountError(" ".join(problems), "new")
    if user.check_password(new):
        raise AccountError(_("Choisissez un mot de passe différent de l'actuel."), "new")
    user.set_password(new)
    user.must_change_password = False
    sessions.revoke_all(user)
    audit.record("user.password", user, user=actor, via="cli" if actor is None else "web")


def reset_password(user: User, new: str) -> None:
    """A new password chosen through a reset link (the link proved the mailbox; the view
    checked it); every session of that person ends."""
    require_transaction(db.session)
    if problems := password_problems(new, user.email):
        raise AccountError(" ".join(problems), "new")
    user.set_password(new)
    user.must_change_password = False
    sessions.revoke_all(user)
    audit.record("user.password_reset", user, user=user, via="mail")


def log_out(user: User) -> None:
    """Logging out ends every session of that person, a copied cookie included."""
    require_transaction(db.session)
    sessions.revoke_all(user)
    audit.record("logout", user, user=user)


def set_site_role(user: User, site: Site, role: str, *, actor: User | None) -> bool:
    """Make ``role`` the one role of ``user`` on ``site``; False when it already was."""
    require_transaction(db.session)
    _require_people(actor, site)
    if role not in SITE_ROLES:
        raise AccountError(_("Rôle inconnu."), "role")
    held = user.roles_on(site.id)
    if held == {role}:
        return False
    if actor is not None and actor.id == user.id and "site_admin" in held and role != "site_admin":
        raise AccountError(_("Vous ne pouvez pas retirer vos propres droits d'administration "
                             "du site : demandez-le à un autre administrateur."))
    grant(user, site, role, actor=actor)
    for other in sorted(held - {role}):
        revoke(user, site, other, actor=actor)
    return True


def remove_from_site(user: User, site: Site, *, actor: User | None) -> bool:
    """Take every role of ``user`` on ``site`` back (never one's own)."""
    require_transaction(db.session)
    _require_people(actor, site)
    if actor is not None and actor.id == user.id:
        raise AccountError(_("Vous ne pouvez pas vous retirer vous-même de l'équipe du site."))
    held = user.roles_on(site.id)
    for role in sorted(held):
        revoke(user, site, role, actor=actor)
    return bool(held)
