"""Staff accounts: login (password, then a second factor), roles, people management, own
password and second factor, password reset, revocable sessions (docs/security-accounts.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts import limits, sessions
    from app.accounts.models import User
    from app.extensions import db, login_manager

    limits.check_settings(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à l'espace d'administration.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The session's person, unless the session was revoked or has timed out."""
        user = db.session.get(User, int(user_id))
        if user is None or not sessions.is_current(user):
            return None
        return user

    # The team pages, the second factor's and password resets, on the same blueprint.
    from app.accounts import invitations, people, reset, twofactor_views  # noqa: F401
    from app.accounts.views import bp

    app.register_blueprint(bp)
    app.before_request(sessions.guard)
