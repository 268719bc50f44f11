"""Staff accounts and their memberships of sites. Users are never deleted: the audit log keeps
its authors.

Roles are per site (a :class:`Membership`): rival campaigns on one installation never see each
other's people, pages or money. The installation administrator (``User.is_admin``) manages
sites and people; their rights on a site's content or money come from memberships like anyone.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.passwords import hash_password, verify_password
from app.extensions import Model, db
from app.timeutil import utcnow

#: Roles on one site, and what each lets a member do there.
SITE_ROLES: dict[str, str] = {
    "editor": "Rédacteur",
    "treasurer": "Trésorier (mandataire financier)",
    "site_admin": "Administrateur du site",
}
CAPABILITIES: dict[str, frozenset[str]] = {
    "editor": frozenset({"content"}),
    "treasurer": frozenset({"treasury"}),
    "site_admin": frozenset({"content", "settings", "people"}),
}
#: What each capability is, for messages and the route inventory.
CAPABILITY_LABELS: dict[str, str] = {
    "content": "modifier les pages et les médias",
    "settings": "régler le site",
    "people": "gérer l'équipe du site",
    "treasury": "tenir la trésorerie",
}
ADMIN_LABEL = "Administrateur de l'installation"
#: Roles whose holders must use a second factor (TOTP): they reach money or people.
SECOND_FACTOR_ROLES = frozenset({"treasurer", "site_admin"})


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The installation administrator: creates sites, invites people, names their roles.
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Every session carries the version it was opened under; bumping it (logout, password
    #: change, 2FA reset, deactivation) ends every session of this person at once.
    session_version: Mapped[int] = mapped_column(default=0)
    #: Set for a generated password (``estrade init``): every staff page asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: TOTP (RFC 6238) secret, base32, once enrolment is confirmed; None: no second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    #: The last time step a code was accepted for: a code is never accepted twice.
    totp_last_step: Mapped[int | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id",
        order_by="Membership.id")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret)

    @property
    def requires_second_factor(self) -> bool:
        """Installation admins, treasurers and site admins must enrol TOTP (security.md)."""
        return self.is_admin or any(m.role in SECOND_FACTOR_ROLES for m in self.memberships)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def roles_on(self, site_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.site_id == site_id}

    def can(self, capability: str, site_id: int) -> bool:
        """May this person do ``capability`` on the site? Only memberships give rights on a
        site's content and money; the installation admin also manages every site's people."""
        if capability == "people" and self.is_admin:
            return True
        return any(capability in CAPABILITIES.get(m.role, ()) for m in self.memberships
                   if m.site_id == site_id)

    def site_ids(self, capability: str | None = None) -> list[int]:
        """Sites this person is a member of (with ``capability``, when given)."""
        return sorted({m.site_id for m in self.memberships
                       if capability is None or capability in CAPABILITIES.get(m.role, ())})

    def can_anywhere(self, capability: str) -> bool:
        return bool(self.site_ids(capability)) or (capability == "people" and self.is_admin)

    @property
    def role_label(self) -> str:
        """What the top bar says this person is."""
        if self.is_admin:
            return ADMIN_LABEL
        roles = sorted({SITE_ROLES[m.role] for m in self.memberships if m.role in SITE_ROLES})
        return ", ".join(roles) or "Membre de l'équipe"


class Membership(Model):
    """One role of one person on one site (a person may hold several roles on a site)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "site_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])

    @property
    def role_label(self) -> str:
        return SITE_ROLES.get(self.role, self.role)


def members_of(site_id: int, role: str | None = None) -> list[User]:
    """Active people with a membership of the site (of ``role``, when given)."""
    query = select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.site_id == site_id, User.active.is_(True))
    if role is not None:
        query = query.where(Membership.role == role)
    return list(db.session.scalars(query.distinct().order_by(User.email)))


class RecoveryCode(Model):
    """A single-use code that stands in for a TOTP code (a lost phone); only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
