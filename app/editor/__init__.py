"""The staff editor: pages, revisions, preview, publishing and electoral silence (see
README.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.editor import publishing_views, scheduler  # noqa: F401 (routes on the blueprint)
    from app.editor.views import bp

    app.register_blueprint(bp)
    scheduler.init_app(app)
