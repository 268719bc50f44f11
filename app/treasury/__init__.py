"""The treasurer's workspace: figures and alerts, offline gifts, donor list downloads
(refund approval is still ``estrade refunds approve``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.treasury import refund_views  # noqa: F401  (routes on the treasury blueprint)
    from app.treasury.views import bp

    app.register_blueprint(bp)
