"""The treasurer's workspace: figures and alerts, offline gifts, donor list downloads
(refund approval is still ``estrade refunds approve``)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("treasury", __name__, url_prefix="/admin/tresorerie", template_folder="templates")


def init_app(app: Flask) -> None:
    from app.treasury import views  # noqa: F401  (registers routes on bp)

    app.register_blueprint(bp)
