"""Database migrations (Alembic through Flask-Migrate), loaded only when needed.

Importing Alembic costs about 0.4 s; every ``estrade`` command and every web worker would pay
it at start-up, so the ``Migrate`` extension is set up on demand: by ``estrade init``, by the
``estrade db …`` commands and by the tests, which always build the schema by migrating.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from app.config import PROJECT_ROOT
from app.extensions import db

MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")


def init_migrate(app: Flask) -> None:
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)


def upgrade_database(app: Flask) -> None:
    """Apply every migration (call inside an application context)."""
    init_migrate(app)
    from flask_migrate import upgrade

    upgrade(directory=MIGRATIONS_DIR)


class LazyDbGroup(click.Group):
    """``estrade db …``: Flask-Migrate's command group, imported on first use."""

    def _real(self, ctx: click.Context) -> click.Group:
        from flask.cli import ScriptInfo

        init_migrate(ctx.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as real

        return real

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> Any:
        return self._real(ctx).get_command(ctx, name)


@click.group("db", cls=LazyDbGroup)
@click.option("-d", "--directory", default=None, help="Dossier des migrations.")
@click.option("-x", "--x-arg", multiple=True, help="Arguments pour env.py.")
@with_appcontext
def db_cli(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Migrations de la base de données (Alembic) : « estrade db upgrade », « db current »…"""
    init_migrate(current_app._get_current_object())  # type: ignore[attr-defined]
    g.directory = directory  # read by Flask-Migrate's commands, as its own group does
    g.x_arg = x_arg
