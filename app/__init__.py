"""Estrade: campaign websites and lawful donations for French elections."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def select_locale() -> str:
    """Staff pick their language for the staff area (/admin); public pages (the site, /don)
    follow the site (French by default), even for a logged-in staff member."""
    from flask import current_app, g, has_request_context, request
    from flask_login import current_user

    if not has_request_context():  # a command: French, the installation's default
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    languages = [code.strip() for code in str(current_app.config["ESTRADE_LANGUAGES"]).split(",")]
    requested = request.args.get("lang")
    if requested in languages:
        return requested
    staff_area = request.path == "/admin" or request.path.startswith("/admin/")
    if (staff_area and current_user and current_user.is_authenticated
            and current_user.locale in languages):
        return current_user.locale
    site_lang = getattr(g, "site_language", None)
    if site_lang in languages:
        return site_lang
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def create_app(config: dict[str, Any] | None = None, *, site_only: bool = False) -> Flask:
    """App factory: defaults, then instance/config.py, then environment, then ``config``.

    ``site_only``: the public site alone (its views, the sites' tables), for ``estrade build``:
    a one-page rebuild is mostly start-up, and the staff, donation and treasury packages are
    then neither imported nor registered (app.cli.SITE_ONLY_COMMANDS)."""
    from flask import Flask

    from app.config import PROJECT_ROOT, load_config
    from app.extensions import db

    instance_path = ((config or {}).get("INSTANCE_PATH") or os.environ.get("ESTRADE_INSTANCE_PATH")
                     or str(PROJECT_ROOT / "instance"))
    # A relative ESTRADE_INSTANCE_PATH is taken from the current folder (Flask wants it absolute).
    app = Flask(__name__, instance_path=os.path.abspath(instance_path),
                instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from app import security

    security.init_app(app)
    db.init_app(app)
    if site_only:
        # The public site alone: no form (CSRF), no login, no rate limit, no staff language
        # (its pages are French or the site's, from its files): those extensions are
        # neither imported nor registered.
        from app.campaigns import models as _sites  # noqa: F401
        from app.website import init_app as init_site_only

        init_site_only(app)
        return app

    from app.extensions import babel, csrf, limiter, login_manager

    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["ESTRADE_RATELIMIT_STORAGE_URL"])
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))

    # Import models so Alembic and relationships see every table.
    from app import audit, dbutil, mail  # noqa: F401
    from app.accounts import init_app as init_accounts
    from app.accounts import models as _accounts  # noqa: F401
    from app.builder import init_app as init_builder
    from app.campaigns import models as _campaigns  # noqa: F401
    from app.donations import consent as _consent  # noqa: F401
    from app.donations import init_app as init_donations
    from app.donations import models as _donations  # noqa: F401
    from app.editor import init_app as init_editor
    from app.editor import models as _editor  # noqa: F401
    from app.ledger import models as _ledger  # noqa: F401
    from app.privacy import init_app as init_privacy
    from app.siteadmin import init_app as init_siteadmin
    from app.treasury import init_app as init_treasury
    from app.website import init_app as init_website

    init_accounts(app)
    init_donations(app)  # /don and /stripe/webhook before the site's catch-all pages
    init_treasury(app)
    init_privacy(app)  # /desinscription/<token>
    init_editor(app)
    init_builder(app)  # /admin/sites/nouveau
    init_siteadmin(app)  # /admin/sites/<slug>/…: settings, campaign, team, journal
    init_website(app)

    from app import errors

    errors.init_app(app)

    from app.commands import register_commands

    register_commands(app)

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        return {"estrade_version": __version__, "current_locale": str(get_locale())}

    return app
