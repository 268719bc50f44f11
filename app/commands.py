"""Wiring the ``estrade`` commands into the app: each package adds its own."""

from __future__ import annotations

import importlib

from flask import Flask

# Each package that has commands exposes ``register(cli: click.Group)`` in its ``cli`` module.
COMMAND_MODULES = ("app.accounts.cli", "app.campaigns.cli", "app.website.cli",
                   "app.ledger.cli", "app.donations.cli", "app.privacy.cli", "app.editor.cli",
                   "app.treasury.cli", "app.treasury.account_cli", "app.serve",
                   "app.backup")


def register_commands(app: Flask) -> None:
    from app.install import init_command
    from app.schema import db_cli

    app.cli.add_command(init_command)
    app.cli.add_command(db_cli)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a package not built yet has no commands
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.register(app.cli)
