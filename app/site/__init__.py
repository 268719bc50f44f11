"""The public candidate site: pages rendered from content/<site>/ through the site's theme."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("site", __name__)


def init_app(app: Flask) -> None:
    from app.site import views  # noqa: F401  (registers routes on bp)
