"""/admin/tresorerie: executing an approved refund again (after a timeout or an error)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.decorators import site_required
from app.donations.refunds import RefundApprovalError, RefundNotApproved, execute
from app.treasury.views import _refund_site, bp


@bp.post("/remboursements/<int:request_id>/executer")
@site_required("treasury", _refund_site)
def execute_refund(request_id: int) -> Any:
    """Retry an approved refund (after a timeout or an error of Stripe): paid once at most;
    a request the mandataire has not approved is refused with 403 (R39-1-1)."""
    try:
        result = execute(request_id, current_user)
    except RefundNotApproved as exc:
        return render_template("treasury/entries/refused.html", message=str(exc)), 403
    except RefundApprovalError as exc:
        flash(str(exc), "error")
    else:
        flash(result.message, "success" if result.executed_now else "info")
    return redirect(url_for("treasury.dashboard"), 303)
