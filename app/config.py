"""Configuration: the declared settings (:mod:`app.settings`), read from their defaults, then
instance/config.py, then the environment, then the app factory's ``config`` (tests)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from app.settings import PROJECT_ROOT, SETTINGS, ConfigError, Setting

__all__ = ["PROJECT_ROOT", "SETTINGS", "ConfigError", "Setting", "load_config"]



def _coerce(setting: Setting, raw: str) -> Any:
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "oui", "on"}
    if setting.kind is int:
        return int(raw)
    if setting.kind is float:
        return float(raw)
    return raw


#: Stripe needs both: the secret key calls the API, the webhook secret verifies its events.
STRIPE_REQUIRED = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")
STRIPE_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


def check_stripe(config: Any) -> None:
    """Refuse a partial Stripe configuration (a misspelt or forgotten key would otherwise
    leave the site without payments, or accept unverifiable events)."""
    given = [key for key in STRIPE_SETTINGS if str(config.get(key) or "").strip()]
    missing = [key for key in STRIPE_REQUIRED if key not in given]
    if given and missing:
        raise ConfigError(
            "Configuration Stripe incomplète : " + " et ".join(missing) + " manque"
            + ("nt" if len(missing) > 1 else "") + " (" + ", ".join(given) + " est renseigné"
            + ("s" if len(given) > 1 else "") + "). Renseignez STRIPE_SECRET_KEY et "
            "STRIPE_WEBHOOK_SECRET ensemble, ou aucune clé Stripe.")


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
    check_stripe(app.config)
    if str(app.config.get("ESTRADE_MAIL_SECURITY") or "none") not in ("none", "starttls", "tls"):
        raise ConfigError("ESTRADE_MAIL_SECURITY doit valoir starttls, tls ou none (et non "
                          f"« {app.config.get('ESTRADE_MAIL_SECURITY')} »).")
    if str(app.config.get("ESTRADE_SQLITE_SYNCHRONOUS") or "FULL").upper() not in (
            "FULL", "NORMAL"):
        raise ConfigError("ESTRADE_SQLITE_SYNCHRONOUS doit valoir FULL ou NORMAL (et non "
                          f"« {app.config.get('ESTRADE_SQLITE_SYNCHRONOUS')} »).")
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
