"""The treasurer's workspace: figures and alerts, offline gifts, the donor register, streamed
downloads, the campaign account and the accountant's package (refund approval is also
``estrade refunds approve``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.treasury import donor_views, downloads  # noqa: F401  (routes on the blueprint)
    from app.treasury.views import bp

    app.register_blueprint(bp)
