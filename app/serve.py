"""``estrade serve``: the production server (gunicorn), with workers sized to the machine.

``estrade run`` stays Flask's development server. ``serve`` refuses the settings only a local
trial may use (a missing, short or example SECRET_KEY, debug mode, demonstration payments),
so that a public site never runs with them. Each worker makes its own app (``preload`` off):
database connections and the per-site renderer caches are never shared across a fork.
"""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.clitools import fail
from app.security import require_production_settings
from app.settings import ConfigError


def default_workers() -> int:
    """gunicorn's rule of thumb, (2 × cores) + 1, capped for small machines' memory."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def production_problems(app: Flask) -> list[str]:
    """What makes these settings a local trial's, in French (empty: fit for production)."""
    problems = []
    try:
        require_production_settings(app)
    except ConfigError as exc:
        problems.append(str(exc))
    if app.debug or app.config.get("TESTING"):
        problems.append("Le mode débogage ou de test est activé (FLASK_DEBUG, TESTING).")
    if app.config.get("ESTRADE_DEMO_PAYMENTS"):
        problems.append("Les paiements de démonstration sont activés (ESTRADE_DEMO_PAYMENTS) : "
                        "mettez ESTRADE_DEMO_PAYMENTS = False dans instance/config.py.")
    return problems


def run_gunicorn(options: dict[str, Any]) -> None:
    """gunicorn in this process, each worker making its own app (gunicorn is imported only by
    this command)."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from app import create_app

            return create_app()

    Application().run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute (derrière nginx : 127.0.0.1).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port d'écoute.")
@click.option("--workers", default=None, type=int,
              help="Processus de travail (par défaut : 2 × cœurs + 1, au plus 9).")
@click.option("--timeout", default=30, show_default=True, type=int,
              help="Secondes avant qu'une requête bloquée ne relance son processus.")
@click.option("--access-log", is_flag=True,
              help="Journal des requêtes sur la sortie standard (inutile derrière nginx, qui "
                   "journalise déjà ; il coûte jusqu'à la moitié du débit).")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None, timeout: int,
                  access_log: bool) -> None:
    """Sert l'application en production (gunicorn), sans réglage de développement."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    problems = production_problems(app)
    if problems:
        fail("Démarrage refusé pour la production :\n- " + "\n- ".join(problems))
    count = workers or default_workers()
    click.echo(f"Estrade : http://{host}:{port}/ ({count} processus gunicorn). Ctrl-C pour "
               "arrêter.")
    run_gunicorn({"bind": f"{host}:{port}", "workers": count, "timeout": timeout,
                       "preload_app": False, "accesslog": "-" if access_log else None,
                       "errorlog": "-",
                       "forwarded_allow_ips": "127.0.0.1"})


def register(cli: click.Group) -> None:
    cli.add_command(serve_command)
