"""Every change to a staff account, as one action: permission check, change, audit row.

The web views and the ``estrade users`` commands call these, inside the transaction they own
(:func:`app.dbutil.transaction`); an action never commits. ``actor`` is the staff member
acting, or None for the operator at the server's command line (``estrade init``,
``estrade users …``), who already holds every right over the installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.accounts.models import ROLES, User
from app.accounts.passwords import generate_password, password_problems
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
    if actor is not None and not actor.has_role("admin"):
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
        User.role == "admin", User.active.is_(True), User.id != excluding.id)) or 0


def create_user(email: str, role: str, *, password: str | None, actor: User | None,
                via: str) -> NewAccount:
    """A new active account; without ``password`` one is generated (returned once)."""
    require_transaction(db.session)
    _require_admin(actor)
    if role not in ROLES:
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
    user = User(email=address, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, user=actor, role=role, via=via)
    return NewAccount(user, generated)


def change_role(user: User, role: str, *, actor: User | None) -> bool:
    """True when the role changed; the last active administrator keeps theirs."""
    require_transaction(db.session)
    _require_admin(actor)
    if role not in ROLES:
        raise AccountError(_("Rôle inconnu."), "role")
    if role == user.role:
        return False
    if user.role == "admin" and _admins_left(user) == 0:
        raise AccountError(_("Il doit rester au moins un administrateur actif."), "role")
    audit.record("user.role", user, user=actor, before=user.role, after=role)
    user.role = role
    return True


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    """Deactivate or reactivate an account; never oneself, never the last administrator."""
    require_transaction(db.session)
    _require_admin(actor)
    if user.active == active:
        return
    if not active and ((actor is not None and user.id == actor.id)
                       or (user.role == "admin" and _admins_left(user) == 0)):
        raise AccountError(_("Vous ne pouvez pas désactiver ce compte : il doit rester un "
                             "administrateur actif, et on ne se désactive pas soi-même."))
    user.active = active
    audit.record("user.activate" if active else "user.deactivate", user, user=actor)


def change_password(user: User, new: str, *, actor: User | None,
                    current: str | None = None) -> None:
    """A new password. A staff member changing their own gives the current one; the
    operator (``actor`` None) resets any."""
    require_transaction(db.session)
    if actor is not None:
        if actor.id != user.id:
            _require_admin(actor)
        elif current is None or not user.check_password(current):
            raise AccountError(_("Le mot de passe actuel est incorrect."), "current")
    if problems := password_problems(new, user.email):
        raise AccountError(" ".join(problems), "new")
    user.set_password(new)
    audit.record("user.password", user, user=actor, via="cli" if actor is None else "web")
