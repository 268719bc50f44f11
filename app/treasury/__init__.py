"""The treasurer's workspace: figures and alerts, offline gifts, the donor register, streamed
downloads, the campaign account and the accountant's package, refund approval, entries Stripe
cannot see (expenses, apports, loans, offline refunds, corrections) and the receipts register;
``estrade treasury`` is the command-line twin."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Routes on the treasury blueprint, in modules of their own.
    from app.treasury import (  # noqa: F401
        donor_views,
        downloads,
        entries,
        payouts_views,
        receipts_views,
        refund_views,
    )
    from app.treasury.views import bp

    app.register_blueprint(bp)
