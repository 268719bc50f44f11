"""The ``estrade`` command (console script): a Flask CLI group over :func:`app.create_app`.

Commands are added by the app factory (:mod:`app.commands`); this module is only the entry
point, and nothing in the app imports it.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo

from app.clitools import EstradeError
from app.config import ConfigError


def _create_app() -> Flask:
    from app import create_app

    return create_app()


def _create_site_app() -> Flask:
    from app import create_app

    return create_app(site_only=True)


#: Commands that need only the public site: they run in ``create_app(site_only=True)``, which
#: imports neither the staff nor the money packages (``estrade build`` after a one-page change
#: was mostly start-up).
SITE_ONLY_COMMANDS = {"build": ("app.website.cli", "build_command")}


class EstradeGroup(FlaskGroup):
    """Turns "the database was never initialised" or "cannot be reached" into a French hint
    instead of a traceback."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SITE_ONLY_COMMANDS and not ctx.resilient_parsing:
            import importlib

            module, attribute = SITE_ONLY_COMMANDS[name]
            info = ctx.ensure_object(ScriptInfo)
            if info._loaded_app is None:  # not loaded yet: the site-only app will do
                info.create_app = _create_site_app
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise EstradeError(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig)
            if "no such table" in text or "does not exist" in text:
                raise EstradeError(
                    "La base de données n'est pas initialisée ou pas à jour : lancez "
                    "« estrade init » (ou « estrade db upgrade »).") from None
            if isinstance(exc, OperationalError) and any(
                    sign in text.lower() for sign in _UNREACHABLE):
                url = current_app.config.get("SQLALCHEMY_DATABASE_URI", "")
                raise EstradeError(
                    f"Base de données inaccessible ({_safe_url(url)}) : {text.strip()}. "
                    "Vérifiez ESTRADE_DATABASE_URL (dossier existant, serveur démarré, "
                    "droits d'accès).") from None
            raise


#: Driver messages meaning the database cannot be opened or reached at all.
_UNREACHABLE = ("unable to open database file", "connection refused", "could not connect",
                "connection failed", "could not translate host name", "no such host")


def _safe_url(url: str) -> str:
    """The database address without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed address is shown as "?"
        return "?"


@click.group(cls=EstradeGroup, create_app=_create_app, add_version_option=True,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Estrade : sites de campagne et dons conformes au droit électoral français.

    Chaque commande utilise la base indiquée par ESTRADE_DATABASE_URL
    (par défaut instance/estrade.sqlite).
    """
