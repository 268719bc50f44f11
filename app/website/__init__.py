"""The public candidate site: pages rendered from content/<site>/ through the site's theme."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.website.live import EXTENSION, LiveRenderers
    from app.website.views import bp

    app.extensions.setdefault(EXTENSION, LiveRenderers())  # the site renderers, kept
    app.register_blueprint(bp)
