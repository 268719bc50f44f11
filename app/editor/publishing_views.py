"""/admin/pages/<id>/…: publish, take off, schedule, the history and its restores, and the
conflict screen. The rules (electoral silence, concurrency) are the actions'; a direct POST
gets the same refusal as the button."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.decorators import site_required
from app.dbutil import transaction
from app.editor import actions, compare, presence
from app.editor.models import PageRevision
from app.editor.views import bp, get_page, page_site, text_problems, wants_json
from app.extensions import db
from app.timeutil import PARIS


def _revision(page_id: int, revision_id: int) -> PageRevision:
    revision = db.session.get(PageRevision, revision_id)
    if revision is None or revision.page_id != page_id:
        abort(404)
    return revision


def _refused(message: str, page_id: int, status: int) -> Any:
    if wants_json():
        return jsonify(ok=False, error=message), status
    flash(message, "error")
    return redirect(url_for("editor.edit", page_id=page_id)), 303


@bp.route("/<int:page_id>/publier", methods=["POST"])
@site_required("content", page_site)
def publish(page_id: int) -> Any:
    """Publish the newest revision; ``base`` (the revision the screen shows) must still be
    it, so nobody publishes a version they have not seen."""
    page, _site = get_page(page_id)
    base = request.form.get("base", "")
    if base.isdigit() and int(base) != page.head_id:
        return _refused(_("Une version plus récente a été enregistrée entre-temps : "
                          "relisez-la avant de publier."), page.id, 409)
    try:
        with transaction():
            actions.publish(page, current_user)
    except actions.Held as held:
        return _refused(str(held), page.id, 403)
    except actions.EditorError as exc:
        return _refused(str(exc), page.id, 409 if isinstance(exc, actions.Conflict) else 422)
    if wants_json():
        return jsonify(ok=True, published=page.published_id)
    flash(_("Page publiée : elle est en ligne."), "success")
    return redirect(url_for("editor.edit", page_id=page.id), 303)


@bp.route("/<int:page_id>/retirer", methods=["POST"])
@site_required("content", page_site)
def unpublish(page_id: int) -> Any:
    page, _site = get_page(page_id)
    try:
        with transaction():
            actions.unpublish(page, current_user)
    except actions.EditorError as exc:
        return _refused(str(exc), page.id, 403)
    flash(_("Page retirée du site : elle reste dans l’éditeur comme brouillon."), "success")
    return redirect(url_for("editor.edit", page_id=page.id), 303)


def parse_paris(value: str) -> dt.datetime | None:
    """``2027-03-10T08:00`` (a date and time in France) → naive UTC."""
    try:
        local = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return local.replace(tzinfo=PARIS).astimezone(dt.UTC).replace(tzinfo=None)


@bp.route("/<int:page_id>/programmer", methods=["POST"])
@site_required("content", page_site)
def schedule(page_id: int) -> Any:
    page, _site = get_page(page_id)
    if request.form.get("cancel"):
        with transaction():
            actions.unschedule(page, current_user)
        flash(_("Publication programmée annulée."), "success")
        return redirect(url_for("editor.edit", page_id=page.id), 303)
    at = parse_paris(request.form.get("at", ""))
    if at is None or page.head is None:
        return _refused(_("Indiquez la date et l’heure de publication (heure de Paris)."),
                        page.id, 422)
    with transaction():
        actions.schedule(page, page.head, at, current_user)
    flash(_("Publication programmée."), "success")
    return redirect(url_for("editor.edit", page_id=page.id), 303)


@bp.route("/<int:page_id>/historique")
@site_required("content", page_site)
def history(page_id: int) -> Any:
    page, site = get_page(page_id)
    revisions = list(db.session.scalars(select(PageRevision).where(
        PageRevision.page_id == page.id).order_by(PageRevision.id.desc())))
    shown = None
    lines: list[compare.Line] = []
    raw = request.args.get("version", "")
    if raw.isdigit():
        shown = _revision(page.id, int(raw))
        before = next((r for r in revisions if r.id < shown.id), None)
        lines = compare.diff(before.text if before else "", shown.text)
    return render_template("editor/history.html", page=page, site=site, revisions=revisions,
                           shown=shown, lines=lines)


@bp.route("/<int:page_id>/restaurer/<int:revision_id>", methods=["POST"])
@site_required("content", page_site)
def restore(page_id: int, revision_id: int) -> Any:
    page, _site = get_page(page_id)
    revision = _revision(page.id, revision_id)
    with transaction():
        actions.restore(page, revision, current_user)
    flash(_("Version restaurée : relisez-la, puis publiez-la pour la mettre en ligne."),
          "success")
    return redirect(url_for("editor.edit", page_id=page.id), 303)


@bp.route("/<int:page_id>/conflit/<int:revision_id>", methods=["GET", "POST"])
@site_required("content", page_site)
def conflict(page_id: int, revision_id: int) -> Any:
    """Both versions side by side; keep mine, take theirs, or merge by hand (the merge box
    starts with every line of both)."""
    page, site = get_page(page_id)
    mine = _revision(page.id, revision_id)
    theirs = page.head
    if theirs is None:
        abort(404)
    if request.method == "POST":
        choice = request.form.get("choice", "")
        if choice == "theirs":
            flash(_("Vous repartez de la version enregistrée par l’autre personne ; la vôtre "
                    "reste dans l’historique."), "success")
            return redirect(url_for("editor.edit", page_id=page.id), 303)
        text = mine.text if choice == "mine" else request.form.get("merged", "")
        text = text.replace("\r\n", "\n")
        base = request.form.get("base", "")
        if problems := text_problems(page, site, text):  # the editing screen's own checks
            for problem in problems:
                flash(problem, "error")
            return redirect(url_for("editor.conflict", page_id=page.id,
                                    revision_id=mine.id), 303)
        try:
            with transaction():
                actions.save(page, text, int(base) if base.isdigit() else None, current_user,
                             note=_("Conflit résolu"))
        except actions.Conflict:
            flash(_("Encore une nouvelle version entre-temps : comparez de nouveau."), "error")
            with transaction():
                again = actions.keep_refused(page, text, theirs.id, current_user)
            return redirect(url_for("editor.conflict", page_id=page.id,
                                    revision_id=again.id), 303)
        flash(_("Version fusionnée enregistrée."), "success")
        return redirect(url_for("editor.edit", page_id=page.id), 303)
    return render_template("editor/conflict.html", page=page, site=site, mine=mine,
                           others=presence.others(page.id, current_user),
                           theirs=theirs, merged=compare.merge_keeping_both(theirs.text,
                                                                            mine.text))
