"""The « Créer un site » wizard under /admin/sites/ (issue 11): a new candidate's site, its
election and campaign, its folder and starter pages, from the browser."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.builder.views import bp

    app.register_blueprint(bp)
