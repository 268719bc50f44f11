"""The treasurer's downloads, streamed: the donor list (CSV with a BOM, TSV for Fin'Pol,
XLSX), the same files as ``estrade donations export``. Text formats go out chunk by chunk as
the ledger is read; XLSX is written by openpyxl's write-only mode to a temporary file that is
sent in blocks, then removed (nothing is held in memory: bench/export_bench.py)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from flask import Response, abort, stream_with_context

from app.accounts.decorators import site_required
from app.campaigns.models import Campaign
from app.extensions import db
from app.ledger.donor_list import text_chunks
from app.ledger.exporter import write_donors
from app.timeutil import utcnow
from app.treasury.views import _campaign_site, bp

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
BLOCK = 64 * 1024


def own_campaign(campaign_id: int) -> Campaign:
    """The campaign of the URL (its site's membership is checked by ``site_required``)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def attachment(name: str, fmt: str, body: Any) -> Response:
    return Response(body, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",  # donor data (GDPR art. 9): never kept by a cache
        "X-Content-Type-Options": "nosniff"})


def spooled(write: Callable[[BinaryIO], Any]) -> Iterator[bytes]:
    """Run ``write`` into an unnamed temporary file, then yield it block by block."""
    with tempfile.TemporaryFile() as handle:
        write(handle)
        handle.seek(0)
        while block := handle.read(BLOCK):
            yield block


def lazily(start: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """Start the body's generator only once the response is being sent."""
    yield from start()


def fresh(campaign_id: int) -> Campaign:
    """The campaign, read again where a streamed body runs: by then the view has returned and
    its session may be gone, so no object of the view's is used there."""
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    return campaign


def file_name(campaign: Campaign, stem: str, fmt: str) -> str:
    return f"{stem}-{campaign.site.slug}-{utcnow():%Y-%m-%d}.{fmt}"


@bp.route("/<int:campaign_id>/donateurs.<fmt>")
@site_required("treasury", _campaign_site)
def export(campaign_id: int, fmt: str) -> Any:
    """The donor list of REP-1 (REP-2 for the TSV) as a streamed download."""
    campaign = own_campaign(campaign_id)
    if fmt not in ("csv", "tsv", "xlsx"):
        abort(404)
    if fmt == "xlsx":
        body = spooled(lambda handle: write_donors(fresh(campaign_id), fmt, handle))
    else:
        body = lazily(lambda: text_chunks(fresh(campaign_id), fmt))
    return attachment(file_name(campaign, "donateurs", fmt), fmt, stream_with_context(body))


@bp.route("/<int:campaign_id>/compte/")
@site_required("treasury", _campaign_site)
def account(campaign_id: int) -> Any:
    """REP-4: the campaign account on screen, its downloads, and REP-5's surplus list."""
    from flask import render_template

    from app.core.finance.money import format_cents
    from app.treasury.account import campaign_account, surplus_list

    campaign = own_campaign(campaign_id)
    figures = campaign_account(campaign)
    return render_template("treasury/account.html", campaign=campaign, account=figures,
                           surplus=surplus_list(campaign, figures), money=format_cents)


@bp.route("/<int:campaign_id>/compte.<fmt>")
@site_required("treasury", _campaign_site)
def account_file(campaign_id: int, fmt: str) -> Any:
    from app.treasury.account import campaign_account
    from app.treasury.account_files import write_account_pdf, write_account_xlsx

    campaign = own_campaign(campaign_id)
    writers = {"xlsx": write_account_xlsx, "pdf": write_account_pdf}
    if fmt not in writers:
        abort(404)
    body = spooled(lambda handle: writers[fmt](campaign_account(fresh(campaign_id)), handle))
    return attachment(file_name(campaign, "compte-de-campagne", fmt), fmt,
                      stream_with_context(body))


@bp.route("/<int:campaign_id>/dossier-expert-comptable.zip")
@site_required("treasury", _campaign_site)
def package(campaign_id: int) -> Any:
    """ACC-3: everything the expert-comptable needs, in one zip; refused on an altered
    ledger (as the anchor is)."""
    from flask import flash, redirect, url_for
    from flask_babel import gettext as _

    from app.ledger.verify import verify_campaign
    from app.treasury.account_files import write_package

    campaign = own_campaign(campaign_id)
    if verify_campaign(campaign).problem is not None:
        flash(_("Registre altéré : aucun dossier n'est délivré tant que l'anomalie signalée "
                "n'est pas expliquée."), "error")
        return redirect(url_for("treasury.dashboard"), 303)
    body = spooled(lambda handle: write_package(fresh(campaign_id), handle))
    return attachment(file_name(campaign, "dossier-expert-comptable", "zip"), "zip",
                      stream_with_context(body))


@bp.route("/<int:campaign_id>/virements-stripe.csv")
@site_required("treasury", _campaign_site)
def payouts_file(campaign_id: int) -> Any:
    """REP-3: the payouts with the operations of this campaign they carry, as CSV (the file of
    the accountant's package; ``estrade donations payouts`` is the twin)."""
    from app.treasury.package_parts import payouts_csv, read_payouts

    campaign = own_campaign(campaign_id)
    views, unavailable = read_payouts(campaign)
    body = spooled(lambda handle: payouts_csv(views, handle, unavailable=unavailable))
    return attachment(file_name(campaign, "virements-stripe", "csv"), "csv",
                      stream_with_context(body))


@bp.route("/<int:campaign_id>/recus.csv")
@site_required("treasury", _campaign_site)
def receipts_file(campaign_id: int) -> Any:
    """DON-11: the receipts register (numbers issued, used, voided, unused) as CSV, the file
    of the accountant's package."""
    from app.treasury.package_parts import receipts_csv

    campaign = own_campaign(campaign_id)
    body = spooled(lambda handle: receipts_csv(fresh(campaign_id), handle))
    return attachment(file_name(campaign, "registre-des-recus", "csv"), "csv",
                      stream_with_context(body))
