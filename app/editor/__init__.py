"""The staff editor: pages, revisions, preview, publishing and electoral silence (see
README.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.editor import publishing_views, scheduler  # noqa: F401 (routes on the blueprint)
    from app.editor.media_views import bp as media_bp
    from app.editor.menu_views import bp as menu_bp
    from app.editor.theme_views import bp as theme_bp
    from app.editor.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(menu_bp)
    app.register_blueprint(theme_bp)
    scheduler.init_app(app)
