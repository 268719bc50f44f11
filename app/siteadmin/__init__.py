"""A site's administration under ``/admin/sites/<slug>/``: its settings (``site.toml``, host
names), its campaign's facts, its people and invitations, and its journal (the audit rows
about it). Every change is an action of :mod:`app.siteadmin.actions` or
:mod:`app.accounts.invitations` (permission, change, audit row)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.siteadmin import facts_views, journal, team_views  # noqa: F401
    from app.siteadmin.views import bp

    app.register_blueprint(bp)
