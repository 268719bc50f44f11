"""/admin/tresorerie: every campaign's figures and compliance alerts."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import select

from app.accounts.decorators import roles_required
from app.core.money import format_cents
from app.donations.refunds import list_requests
from app.extensions import db
from app.sites.models import Campaign
from app.treasury import bp
from app.treasury.overview import overview


@bp.route("/")
@roles_required("treasurer")
def dashboard() -> Any:
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id)).all()
    views = [overview(c) for c in campaigns]
    refunds = [r for r in list_requests() if r.status != "executed"]
    return render_template("treasury/dashboard.html", views=views, refunds=refunds,
                           money=format_cents)
