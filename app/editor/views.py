"""/admin/pages: the pages list, a new page, the editing screen, saving and the preview.

Publishing, the history and conflicts are in :mod:`app.editor.publishing_views`. Every route
is scoped to the sites the person is a member of with the ``content`` capability; another
site's page answers 404 (``site_required``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.decorators import site_by_slug, site_required
from app.campaigns.models import Site
from app.core.publishing.block_specs import BLOCK_SPECS
from app.dbutil import transaction
from app.editor import actions, blockforms, pagefile, presence
from app.editor.listing import PageRow, page_rows
from app.editor.models import EditorPage
from app.extensions import db
from app.timeutil import PARIS
from app.website.live import live_renderers

bp = Blueprint("editor", __name__, url_prefix="/admin/pages", template_folder="templates")


def page_site(kwargs: dict[str, Any]) -> int | None:
    page = db.session.get(EditorPage, kwargs.get("page_id"))
    return page.site_id if page else None


slug_site = site_by_slug("site")


def get_page(page_id: int) -> tuple[EditorPage, Site]:
    page = db.session.get(EditorPage, page_id)
    site = db.session.get(Site, page.site_id) if page else None
    if page is None or site is None:
        abort(404)
    return page, site


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def paris(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


@bp.app_context_processor
def editor_globals() -> dict[str, Any]:
    return {"editor_paris": paris}


@bp.route("/")
@site_required("content")
def index() -> Any:
    sites = list(db.session.scalars(select(Site).where(
        Site.id.in_(current_user.site_ids("content"))).order_by(Site.title)))
    with transaction():
        rows: list[PageRow] = []
        for site in sites:
            rows.extend(page_rows(site, actions.sync_site(site)))
    query = request.args.get("q", "").strip().lower()
    status = request.args.get("statut", "")
    kind = request.args.get("type", "")
    chosen = request.args.get("site", "")
    shown = [r for r in rows
             if (not query or query in r.search_text) and (not status or r.status == status)
             and (not kind or r.kind == kind) and (not chosen or r.site.slug == chosen)]
    return render_template("editor/index.html", rows=shown, total=len(rows), sites=sites,
                           query=query, status=status, kind=kind, chosen=chosen,
                           kinds=pagefile.KINDS)


@bp.route("/<site>/nouvelle", methods=["GET", "POST"])
@site_required("content", slug_site)
def new(site: str) -> Any:
    found = db.session.scalar(select(Site).where(Site.slug == site))
    assert found is not None
    error = ""
    if request.method == "POST":
        kind = request.form.get("kind", "page")
        title = request.form.get("title", "").strip()
        spec = pagefile.KINDS.get(kind)
        if spec is None or not title:
            error = _("Choisissez un type de page et donnez-lui un titre.")
        else:
            with transaction():
                existing = {p.path for p in actions.sync_site(found)}
                path, slug = pagefile.new_path(kind, title, existing)
                if path in existing:
                    error = _("Le site a déjà une page d’accueil : modifiez-la.")
                else:
                    fields = pagefile.Fields(title=title, slug=slug,
                                             kind="page" if kind == "accueil" else kind,
                                             date=(dt.date.today().isoformat()
                                                   if kind == "actualite" else ""))
                    root = actions.pages_root(found)
                    text = pagefile.compose(fields, spec.layout, path, root)
                    page = actions.create_page(found, path, text, current_user)
            if not error:
                return redirect(url_for("editor.edit", page_id=page.id))
    return render_template("editor/new.html", site=found, kinds=pagefile.KINDS,
                           error=error), 400 if error else 200


def form_fields(form: Any, current: pagefile.Fields | None) -> pagefile.Fields:
    """The fields posted by the editing screen (those not posted keep their value)."""
    base = current or pagefile.Fields(title="")

    def text(name: str) -> str:
        value = form.get(name)
        return str(getattr(base, name)) if value is None else value.strip()

    order = form.get("menu_order")
    menu_order = base.menu_order
    if order is not None:
        menu_order = int(order) if order.strip().lstrip("-").isdigit() else None
    slug = text("slug").strip("/")
    return dataclasses.replace(base, title=text("title"), slug=slug,
                               description=text("description"), image=text("image"),
                               kind=text("kind") or "page", date=text("date"),
                               menu_order=menu_order)


def posted_text(page: EditorPage, site: Site, check: bool = True) -> tuple[str, list[str]]:
    """The file text the editing screen posted, and what is wrong with it (French; the
    address is checked against the site's other pages only with ``check``)."""
    root = actions.pages_root(site)
    previous = page.head.text if page.head else ""
    parsed, _problem = pagefile.read(page.path, previous, root) if previous else (None, "")
    if "text" in request.form:  # the whole file, from the source mode
        text = request.form["text"].replace("\r\n", "\n")
    else:
        fields = form_fields(request.form, pagefile.fields_of(parsed) if parsed else None)
        body = request.form.get("body", "").replace("\r\n", "\n")
        text = pagefile.compose(fields, body, page.path, root, previous)
    return text, text_problems(page, site, text, check)


def text_problems(page: EditorPage, site: Site, text: str, check: bool = True) -> list[str]:
    """What is wrong with a page file's text (French): unreadable, or (with ``check``) an
    address another page of the site has or the app reserves."""
    problems = []
    page_now, problem = pagefile.read(page.path, text, actions.pages_root(site))
    if page_now is None:
        problems.append(problem)
    elif check:
        taken = {r.slug: r.path for r in page_rows(site, list(db.session.scalars(
            select(EditorPage).where(EditorPage.site_id == site.id, EditorPage.id != page.id))))}
        address = pagefile.address_problem(page_now.slug, taken, page.path)
        if address:
            problems.append(address)
    return problems


def _base_id() -> int | None:
    raw = request.form.get("base", "")
    return int(raw) if raw.isdigit() else None


@bp.route("/<int:page_id>/")
@site_required("content", page_site)
def edit(page_id: int) -> Any:
    page, site = get_page(page_id)
    with transaction():
        actions.sync_page(site, page)
    presence.here(page.id, current_user)
    head = page.head
    text = head.text if head else ""
    root = actions.pages_root(site)
    parsed, problem = pagefile.read(page.path, text, root)
    fields = pagefile.fields_of(parsed) if parsed else pagefile.Fields(title="")
    _head, body = pagefile.split(text) if parsed else ("", text)
    hold = actions.hold_for(site, text)
    blocks = {"blocks": [dataclasses.asdict(spec) for spec in BLOCK_SPECS.values()],
              "patterns": blockforms.patterns()}
    return render_template(
        "editor/edit.html", page=page, site=site, fields=fields, body=body, text=text,
        problem=problem, hold=hold, head=head,
        # In a <script type="application/json">: no "<" may close it early.
        blocks_json=json.dumps(blocks, ensure_ascii=False).replace("<", "\\u003c"),
        kinds=pagefile.KINDS, status=page_rows(site, [page])[0].status_label,
        others=presence.others(page.id, current_user),
        public_url=f"/{fields.slug}/" if fields.slug else "/")


@bp.route("/<int:page_id>/enregistrer", methods=["POST"])
@site_required("content", page_site)
def save(page_id: int) -> Any:
    """Save (or autosave, ``autosave=1``) what the screen holds; 409 with the conflict's
    address if someone saved since the revision the screen was based on."""
    page, site = get_page(page_id)
    autosave = request.form.get("autosave") == "1"
    text, problems = posted_text(page, site)
    if problems and not autosave:
        if wants_json():
            return jsonify(ok=False, problems=problems), 422
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("editor.edit", page_id=page.id))
    try:
        with transaction():
            revision = actions.save(page, text, _base_id(), current_user, autosave=autosave,
                                    note=request.form.get("note", ""))
    except actions.Conflict:
        with transaction():
            refused = actions.keep_refused(page, text, _base_id(), current_user)
        address = url_for("editor.conflict", page_id=page.id, revision_id=refused.id)
        if wants_json():
            return jsonify(ok=False, conflict=address, head=page.head_id), 409
        return redirect(address)
    if wants_json():
        return jsonify(ok=True, revision=revision.id, problems=problems,
                       saved_at=paris(revision.created_at))
    flash(_("Modifications enregistrées."), "success")
    return redirect(url_for("editor.edit", page_id=page.id))


@bp.route("/<int:page_id>/apercu", methods=["GET", "POST"])
@site_required("content", page_site)
def preview(page_id: int) -> Any:
    """The page as the site would show it, through the site's own renderer and theme: the
    posted text (POST, while typing) or the newest revision (GET)."""
    page, site = get_page(page_id)
    if request.method == "POST":
        text, _problems = posted_text(page, site, check=False)
    else:
        text = page.head.text if page.head else ""
    parsed, problem = pagefile.read(page.path, text, actions.pages_root(site))
    if parsed is None:
        return render_template("editor/preview_error.html", problem=problem), 422
    renderer = live_renderers(current_app).renderer(site, request.host_url.rstrip("/"))
    output = renderer.render_page(dataclasses.replace(parsed, status="published"))
    response = Response(output.body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = output.csp + "; frame-ancestors 'self'"
    return response


@bp.route("/<int:page_id>/fidelite", methods=["POST"])
@site_required("content", page_site)
def fidelity(page_id: int) -> Any:
    """The fidelity guard: the body as it is and as the visual editor would write it back,
    rendered by the site; different HTML means the page opens in source mode."""
    page, site = get_page(page_id)
    renderer = live_renderers(current_app).renderer(site, request.host_url.rstrip("/"))
    root = actions.pages_root(site)
    previous = page.head.text if page.head else ""
    html = []
    for name in ("original", "roundtrip"):
        text = pagefile.compose(pagefile.Fields(title="x"), request.form.get(name, ""),
                                page.path, root)
        parsed, problem = pagefile.read(page.path, text, root)
        if parsed is None:
            return jsonify(same=False, problem=problem)
        html.append(renderer.render_page(dataclasses.replace(parsed, status="published")).body)
    same_text = request.form.get("original", "") == request.form.get("roundtrip", "")
    return jsonify(same=html[0] == html[1], identical=same_text, unchanged_head=bool(previous))


@bp.route("/bloc", methods=["POST"])
@site_required("content")
def block_text() -> Any:
    """The text of a block from the values of its form (JSON in, JSON out)."""
    data = request.get_json(silent=True) or {}
    name = str(data.get("name", ""))
    if name not in BLOCK_SPECS:
        return jsonify(error=_("Bloc inconnu.")), 422
    items = [dict(i) for i in data.get("items") or [] if isinstance(i, dict)]
    raw = blockforms.write_block(name, dict(data.get("params") or {}), str(data.get("body", "")),
                                 items)
    return jsonify(raw=raw, read=blockforms.read_block(raw))


@bp.route("/bloc/lire", methods=["POST"])
@site_required("content")
def block_values() -> Any:
    """The values of a block's text, to fill its form (« Modifier »)."""
    data = request.get_json(silent=True) or {}
    return jsonify(blockforms.read_block(str(data.get("raw", ""))))


@bp.route("/<int:page_id>/presence", methods=["POST"])
@site_required("content", page_site)
def ping(page_id: int) -> Any:
    """The editing screen is still open; answers who else has the page open."""
    page, _site = get_page(page_id)
    presence.here(page.id, current_user)
    return jsonify(others=presence.others(page.id, current_user))
