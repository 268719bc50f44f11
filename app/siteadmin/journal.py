"""« Journal »: who did what and when, from the audit log. A site admin sees the rows about
their site only (``audit_log.site_id``); the installation administrator sees every row, the
installation's own (logins, accounts) included. Filterable by person, action and dates,
paginated, and downloadable as a streamed CSV (with a BOM for spreadsheets; a cell that a
spreadsheet would run as a formula is defused, as in the donor list)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, render_template, request, stream_with_context, url_for
from sqlalchemy import Select, func, select

from app.accounts.decorators import admin_required, site_required
from app.accounts.models import User
from app.audit import AuditEntry
from app.campaigns.models import Site
from app.extensions import db
from app.ledger.donor_list import inert
from app.siteadmin.views import bp, get_site, slug_site
from app.timeutil import utcnow

PARIS = ZoneInfo("Europe/Paris")
PER_PAGE = 50
BATCH = 1000
COLUMNS = ("Date (heure de Paris)", "Personne", "Action", "Objet", "Site", "Détails")


@dataclass(frozen=True)
class Filters:
    actor: int | None = None
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        actor = args.get("qui", "")
        return cls(int(actor) if actor.isdigit() else None, args.get("action", "")[:64],
                   day("du"), day("au"))

    def args(self) -> dict[str, str]:
        found = {"qui": str(self.actor or ""), "action": self.action,
                 "du": self.start.isoformat() if self.start else "",
                 "au": self.end.isoformat() if self.end else ""}
        return {key: value for key, value in found.items() if value}


def _utc(day: dt.date) -> dt.datetime:
    """Midnight in Paris on ``day``, as the naive UTC the log stores."""
    return dt.datetime.combine(day, dt.time(), PARIS).astimezone(dt.UTC).replace(tzinfo=None)


def scoped(site_id: int | None) -> Select[Any]:
    query = select(AuditEntry)
    return query.where(AuditEntry.site_id == site_id) if site_id is not None else query


def filtered(site_id: int | None, filters: Filters) -> Select[Any]:
    query = scoped(site_id)
    if filters.actor is not None:
        query = query.where(AuditEntry.user_id == filters.actor)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.start:
        query = query.where(AuditEntry.at >= _utc(filters.start))
    if filters.end:
        query = query.where(AuditEntry.at < _utc(filters.end + dt.timedelta(days=1)))
    return query


def paris(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def describe(details: str) -> str:
    """The row's details in one line; a change reads « clé : avant → après »."""
    try:
        data = json.loads(details or "{}")
    except ValueError:
        return details
    parts: list[str] = []
    for key, value in sorted(data.items()):
        if key == "changes" and isinstance(value, dict):
            parts.extend(f"{name} : {_short(pair[0])} → {_short(pair[1])}"
                         for name, pair in value.items() if isinstance(pair, list)
                         and len(pair) == 2)
        else:
            parts.append(f"{key} : {_short(value)}")
    return " ; ".join(parts)


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _choices(site_id: int | None) -> tuple[list[tuple[int, str]], list[str]]:
    ids = scoped(site_id).with_only_columns(AuditEntry.user_id).distinct().subquery()
    people = db.session.execute(select(User.id, User.email).where(User.id.in_(select(ids)))
                                .order_by(User.email)).all()
    actions = db.session.scalars(scoped(site_id).with_only_columns(AuditEntry.action)
                                 .distinct().order_by(AuditEntry.action)).all()
    return [(row.id, row.email) for row in people], list(actions)


def _names() -> tuple[dict[int, str], dict[int, str]]:
    emails = {row.id: row.email for row in db.session.execute(select(User.id, User.email))}
    slugs = {row.id: row.slug for row in db.session.execute(select(Site.id, Site.slug))}
    return emails, slugs


def _page(site: Site | None, endpoint: str, **route: Any) -> Any:
    site_id = site.id if site else None
    filters = Filters.from_args(request.args)
    page = max(1, int(request.args.get("page", "1"))) if request.args.get(
        "page", "1").isdigit() else 1
    query = filtered(site_id, filters)
    total = db.session.scalar(query.with_only_columns(func.count(AuditEntry.id))) or 0
    rows = db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    people, actions = _choices(site_id)
    emails, slugs = _names()
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "siteadmin/journal.html", site=site, rows=rows, total=total, page=page, pages=pages,
        filters=filters, people=people, actions=actions, emails=emails, slugs=slugs,
        describe=describe, paris=paris,
        page_url=lambda number: url_for(endpoint, **{**route, **filters.args(), "page": number}),
        csv_url=url_for(endpoint + "_csv", **{**route, **filters.args()}))


def csv_chunks(site_id: int | None, filters: Filters) -> Iterator[str]:
    """The filtered rows as CSV text, oldest first, a batch at a time (BOM first)."""
    emails, slugs = _names()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    query = filtered(site_id, filters).order_by(AuditEntry.at, AuditEntry.id)
    for row in db.session.scalars(query.execution_options(yield_per=BATCH)):
        writer.writerow([inert(cell) for cell in (
            paris(row.at), emails.get(row.user_id or 0, "système"), row.action,
            f"{row.object_type} {row.object_id or ''}".strip(),
            slugs.get(row.site_id or 0, ""), describe(row.details))])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _download(site_id: int | None, stem: str) -> Response:
    filters = Filters.from_args(request.args)
    body = stream_with_context(csv_chunks(site_id, filters))
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="journal-{stem}-{utcnow():%Y-%m-%d}.csv"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@bp.route("/<slug>/journal")
@site_required("people", slug_site)
def journal(slug: str) -> Any:
    site = get_site(slug)
    return _page(site, "siteadmin.journal", slug=site.slug)


@bp.route("/<slug>/journal.csv")
@site_required("people", slug_site)
def journal_csv(slug: str) -> Any:
    site = get_site(slug)
    return _download(site.id, site.slug)


@bp.route("/journal")
@admin_required
def journal_all() -> Any:
    return _page(None, "siteadmin.journal_all")


@bp.route("/journal.csv")
@admin_required
def journal_all_csv() -> Any:
    return _download(None, "installation")
