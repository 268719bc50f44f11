"""Configuration: declared settings, read from defaults, then instance/config.py, then env.

Every setting is declared once here with its help text; ``instance/config.example.py`` and
``docs/configuration.md`` document each one (a test checks that they do).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    env: str | None = None  # environment variable overriding the value
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", None, "Secret used to sign sessions and CSRF tokens.",
            "ESTRADE_SECRET_KEY"),
    Setting("SQLALCHEMY_DATABASE_URI", None,
            "Database URL; default SQLite file instance/estrade.sqlite.", "ESTRADE_DATABASE_URL"),
    Setting("ESTRADE_CONTENT_DIR", str(PROJECT_ROOT / "content"),
            "Folder holding one sub-folder of Markdown content per site.", "ESTRADE_CONTENT_DIR"),
    Setting("ESTRADE_THEMES_DIR", str(PROJECT_ROOT / "themes"),
            "Folder holding the themes.", "ESTRADE_THEMES_DIR"),
    Setting("ESTRADE_CONTENT_RECHECK_SECONDS", 1.0,
            "Live site: how long a site's pages are served before its folder is checked for "
            "changes again (0: on every request; costs a file scan, long on large sites).",
            "ESTRADE_CONTENT_RECHECK_SECONDS", float),
    Setting("ESTRADE_DEFAULT_SITE", "demo",
            "Slug of the site served when no host name matches.", "ESTRADE_DEFAULT_SITE"),
    Setting("BABEL_DEFAULT_LOCALE", "fr", "Default interface language (fr or en).",
            "ESTRADE_LOCALE"),
    Setting("ESTRADE_LANGUAGES", "fr,en", "Interface languages offered, comma separated.",
            "ESTRADE_LANGUAGES"),
    Setting("ESTRADE_DONATE_URL", "",
            "Absolute URL of the live app's /don used by static exports (empty: same site).",
            "ESTRADE_DONATE_URL"),
    Setting("STRIPE_SECRET_KEY", "", "Stripe secret key (sk_…); empty means demonstration mode.",
            "STRIPE_SECRET_KEY"),
    Setting("STRIPE_PUBLISHABLE_KEY", "", "Stripe publishable key (pk_…).",
            "STRIPE_PUBLISHABLE_KEY"),
    Setting("STRIPE_WEBHOOK_SECRET", "", "Signing secret of the Stripe webhook endpoint (whsec_…).",
            "STRIPE_WEBHOOK_SECRET"),
    Setting("STRIPE_API_BASE", "", "Alternative Stripe API base URL (a local server in tests).",
            "STRIPE_API_BASE"),
    Setting("ESTRADE_MAIL_SERVER", "", "SMTP host for outgoing mail (empty: mail is only logged).",
            "ESTRADE_MAIL_SERVER"),
    Setting("ESTRADE_MAIL_PORT", 25, "SMTP port.", "ESTRADE_MAIL_PORT", int),
    Setting("ESTRADE_MAIL_SENDER", "Estrade <no-reply@localhost>", "From address of e-mails.",
            "ESTRADE_MAIL_SENDER"),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only.",
            "ESTRADE_SESSION_COOKIE_SECURE", bool),
)


def _coerce(setting: Setting, raw: str) -> Any:
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "oui", "on"}
    if setting.kind is int:
        return int(raw)
    if setting.kind is float:
        return float(raw)
    return raw


def load_config(app: Any, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config``: declared defaults, instance/config.py, environment, ``overrides``."""
    for setting in SETTINGS:
        app.config[setting.key] = setting.default
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.from_pyfile("config.py", silent=True)
    for setting in SETTINGS:
        if setting.env and setting.env in os.environ:
            app.config[setting.key] = _coerce(setting, os.environ[setting.env])
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "estrade.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if "SQLALCHEMY_ENGINE_OPTIONS" not in app.config:
        from app.dbutil import engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        # No secret yet (before `estrade init`): an ephemeral one keeps the app usable,
        # sessions simply do not survive a restart.
        app.config["SECRET_KEY"] = os.urandom(32).hex()
        app.config["ESTRADE_EPHEMERAL_SECRET"] = True
