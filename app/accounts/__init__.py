"""Staff accounts: login, roles, people management, own password."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts.models import User
    from app.extensions import db, login_manager

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à l'espace d'administration.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    from app.accounts import people  # noqa: F401  (the team pages, on the same blueprint)
    from app.accounts.views import bp

    app.register_blueprint(bp)
